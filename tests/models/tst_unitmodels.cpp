// What the models show of passthrough units and running work: group counts worded in units, a
// machine device removed while its VM runs, a tenant's VF shown with the tenant's group, and
// "Only free" saying why devices are hidden.
#include "models/MachineDeviceModel.h"
#include "models/PciDeviceFilterProxy.h"
#include "models/PciDeviceModel.h"
#include "models/ResourceGroupModel.h"

#include <QTest>

using namespace passdeck;

namespace {
DeviceRecord dev(qint64 id, const QString &address, DeviceStatus status, const QString &driver = QStringLiteral("vfio-pci"))
{
    DeviceRecord d;
    d.id = id;
    d.nodeId = 1;
    d.nodeName = QStringLiteral("node-a");
    d.address = address;
    d.classId = 0x020000;
    d.driver = driver;
    d.status = status;
    return d;
}
} // namespace

class TestUnitModels : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void groupCountsWordedInUnits()
    {
        ResourceGroup g;
        g.name = QStringLiteral("GPUs");
        g.groupClass = GroupClass::Gpu;
        g.total = 2;
        g.functions = 4;
        g.free = 1;
        ResourceGroupModel model;
        model.setItems({g});
        QCOMPARE(model.index(0, ResourceGroupModel::TotalColumn).data().toInt(), 2);
        QCOMPARE(model.index(0, ResourceGroupModel::TotalColumn).data(Qt::ToolTipRole).toString(), QStringLiteral("2 GPUs (4 functions)"));
        QCOMPARE(model.index(0, ResourceGroupModel::FreeColumn).data(Qt::ToolTipRole).toString(), QStringLiteral("1 GPU free"));
        QVERIFY(model.headerData(ResourceGroupModel::TotalColumn, Qt::Horizontal, Qt::ToolTipRole).toString().contains(
            QStringLiteral("IOMMU group")));
    }

    void removalPendingShown()
    {
        MachineDevice m;
        m.name = QStringLiteral("gpu");
        m.count = 1;
        m.allocated = {{1, QStringLiteral("node-a"), QStringLiteral("0000:17:00.0"), QStringLiteral("vfio-pci")},
                       {2, QStringLiteral("node-a"), QStringLiteral("0000:17:00.1"), QStringLiteral("vfio-pci")}};
        m.removalPending = true;
        MachineDeviceModel model;
        model.setItems({m});
        const QString text = model.index(0, MachineDeviceModel::AllocatedColumn).data().toString();
        QVERIFY2(text.contains(QStringLiteral("0000:17:00.1")) && text.contains(QStringLiteral("until it stops")), qPrintable(text));
        QVERIFY(model.index(0, 0).data(MachineDeviceModel::RemovalPendingRole).toBool());
        QVERIFY(model.index(0, MachineDeviceModel::CountColumn).data(Qt::ToolTipRole).toString().contains(QStringLiteral("IOMMU group")));
    }

    void tenantVfShowsTheTenantsGroup()
    {
        DeviceRecord d = dev(1, QStringLiteral("0000:18:02.0"), DeviceStatus::OwnedByTenant);
        d.groupId = 3;
        d.groupName = QStringLiteral("NIC VFs");
        d.tenantId = 9;
        d.tenantName = QStringLiteral("Acme Corp");
        d.tenantGroupId = 12;
        d.tenantGroupName = QStringLiteral("Acme VFs");
        PciDeviceModel model;
        model.setDevices({d});
        QCOMPARE(model.index(0, PciDeviceModel::ResourceGroupColumn).data().toString(),
                 QStringLiteral("Acme VFs (tenant Acme Corp, from NIC VFs)"));
    }

    void onlyFreeSaysWhy()
    {
        PciDeviceModel model;
        QList<DeviceRecord> l{dev(1, QStringLiteral("0000:00:00.0"), DeviceStatus::Free, QString()),
                              dev(2, QStringLiteral("0000:17:00.0"), DeviceStatus::InUseByHost, QStringLiteral("nvidia")),
                              dev(3, QStringLiteral("0000:17:00.1"), DeviceStatus::InUseByHost, QStringLiteral("snd_hda_intel")),
                              dev(4, QStringLiteral("0000:18:02.0"), DeviceStatus::InResourceGroup)};
        l[0].isBridge = true;
        model.setDevices(l);
        PciDeviceFilterProxy proxy;
        proxy.setSourceModel(&model);
        QVERIFY(proxy.onlyFreeExplanation().isEmpty());
        proxy.setOnlyFree(true);
        QCOMPARE(proxy.rowCount(), 0);
        const QString why = proxy.onlyFreeExplanation();
        QVERIFY2(why.contains(QStringLiteral("2 on host drivers")) && why.contains(QStringLiteral("Make Resource can still take them"))
                     && why.contains(QStringLiteral("1 already in resource groups")) && why.contains(QStringLiteral("1 bridges")),
                 qPrintable(why));
        // Only what the other filters let through is counted.
        proxy.setFilterText(QStringLiteral("18:02"));
        QVERIFY(!proxy.onlyFreeExplanation().contains(QStringLiteral("host drivers")));
    }
};

QTEST_MAIN(TestUnitModels)
#include "tst_unitmodels.moc"
