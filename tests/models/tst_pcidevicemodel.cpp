// PciDeviceModel and PciDeviceFilterProxy: QAbstractItemModelTester through every change, and the
// behaviour the PCI Devices table relies on (filter across columns, class filter, only free,
// natural sorting, the IOMMU-group highlight).
#include "models/PciDeviceFilterProxy.h"
#include "models/PciDeviceModel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace passdeck;

namespace {
DeviceRecord dev(qint64 id, const QString &node, const QString &address, int classId, const QString &vendor,
                 const QString &device, const QString &driver, int group, DeviceStatus status = DeviceStatus::InUseByHost)
{
    DeviceRecord d;
    d.id = id;
    d.nodeId = node == QLatin1String("node-a") ? 1 : 2;
    d.nodeName = node;
    d.address = address;
    d.classId = classId;
    d.vendorName = vendor;
    d.vendorId = 0x10de;
    d.deviceName = device;
    d.deviceId = 0x2230;
    d.driver = driver;
    d.iommuGroup = group;
    d.numaNode = int(id % 2);
    d.status = status;
    return d;
}

QList<DeviceRecord> sample()
{
    QList<DeviceRecord> l;
    l << dev(1, QStringLiteral("node-a"), QStringLiteral("0000:00:00.0"), 0x060000, QStringLiteral("Intel Corporation"),
             QStringLiteral("Host bridge"), QString(), 0);
    l.last().isBridge = true;
    l << dev(2, QStringLiteral("node-a"), QStringLiteral("0000:17:00.0"), 0x030000, QStringLiteral("NVIDIA Corporation"),
             QStringLiteral("GA102GL [A10]"), QStringLiteral("nvidia"), 10);
    l << dev(3, QStringLiteral("node-a"), QStringLiteral("0000:17:00.1"), 0x040300, QStringLiteral("NVIDIA Corporation"),
             QStringLiteral("HD Audio"), QStringLiteral("snd_hda_intel"), 10);
    l << dev(4, QStringLiteral("node-a"), QStringLiteral("0000:18:00.0"), 0x020000, QStringLiteral("Intel Corporation"),
             QStringLiteral("Ethernet XL710"), QStringLiteral("vfio-pci"), 2, DeviceStatus::InResourceGroup);
    l.last().groupId = 7;
    l.last().groupName = QStringLiteral("PCI NICs");
    l << dev(5, QStringLiteral("node-b"), QStringLiteral("0000:17:00.0"), 0x030000, QStringLiteral("NVIDIA Corporation"),
             QStringLiteral("GA102GL [A10]"), QString(), 10, DeviceStatus::Free);
    l << dev(6, QStringLiteral("node-b"), QStringLiteral("0000:3b:00.0"), 0x010802, QStringLiteral("Samsung Electronics Co Ltd"),
             QStringLiteral("NVMe SSD"), QStringLiteral("vfio-pci"), 3, DeviceStatus::UsedByVm);
    l.last().vmName = QStringLiteral("vm-1");
    l.last().groupName = QStringLiteral("PCI Disks");
    return l;
}

QStringList column(const QAbstractItemModel &m, int c)
{
    QStringList out;
    for (int r = 0; r < m.rowCount(); ++r)
        out << m.index(r, c).data().toString();
    return out;
}
} // namespace

class TestPciDeviceModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void testerThroughChanges()
    {
        PciDeviceModel model;
        PciDeviceFilterProxy proxy;
        proxy.setSourceModel(&model);
        QAbstractItemModelTester t1(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester t2(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        proxy.sort(PciDeviceModel::SlotColumn);
        model.setDevices(sample());
        QCOMPARE(model.rowCount(), 6);
        QCOMPARE(model.columnCount(), int(PciDeviceModel::ColumnCount));
        // Same rows: updated in place.
        QList<DeviceRecord> again = sample();
        again[1].driver = QStringLiteral("vfio-pci");
        model.setDevices(again);
        QCOMPARE(model.index(1, PciDeviceModel::DriverColumn).data().toString(), QStringLiteral("vfio-pci"));
        // Fewer rows: reset.
        model.setDevices(sample().mid(0, 3));
        QCOMPARE(model.rowCount(), 3);
        model.setHighlightedGroups({{1, 10}});
        proxy.setFilterText(QStringLiteral("nvidia"));
        proxy.setBaseClassFilter(0x03);
        proxy.setOnlyFree(true);
        proxy.setOnlyFree(false);
        proxy.setBaseClassFilter(-1);
        proxy.setFilterText({});
        model.setDevices({});
        QCOMPARE(proxy.rowCount(), 0);
        model.setDevices(sample());
        QCOMPARE(proxy.rowCount(), 6);
    }

    void displayAndRoles()
    {
        PciDeviceModel model;
        model.setDevices(sample());
        const QModelIndex gpu = model.index(1, 0);
        QCOMPARE(gpu.siblingAtColumn(PciDeviceModel::NodeColumn).data().toString(), QStringLiteral("node-a"));
        QCOMPARE(gpu.siblingAtColumn(PciDeviceModel::SlotColumn).data().toString(), QStringLiteral("0000:17:00.0"));
        QCOMPARE(gpu.siblingAtColumn(PciDeviceModel::VendorColumn).data().toString(), QStringLiteral("NVIDIA"));
        QCOMPARE(gpu.siblingAtColumn(PciDeviceModel::IommuGroupColumn).data().toString(), QStringLiteral("10"));
        QCOMPARE(gpu.siblingAtColumn(PciDeviceModel::StatusColumn).data().toString(), QStringLiteral("In use by host"));
        QVERIFY(!gpu.siblingAtColumn(PciDeviceModel::ClassColumn).data(Qt::DecorationRole).value<QIcon>().isNull());
        QCOMPARE(gpu.data(PciDeviceModel::AddressRole).toString(), QStringLiteral("0000:17:00.0"));
        QCOMPARE(gpu.data(PciDeviceModel::NodeIdRole).toLongLong(), 1);
        QCOMPARE(gpu.data(PciDeviceModel::IommuGroupRole).toInt(), 10);
        QCOMPARE(gpu.data(PciDeviceModel::BaseClassRole).toInt(), 0x03);
        QCOMPARE(gpu.data(PciDeviceModel::IsFreeRole).toBool(), false);
        QCOMPARE(model.index(0, 0).data(PciDeviceModel::IsBridgeRole).toBool(), true);
        QCOMPARE(model.index(0, PciDeviceModel::DriverColumn).data().toString(), QStringLiteral("(none)"));
        // A bridge without a driver is never free to take.
        QList<DeviceRecord> withFreeBridge = sample();
        withFreeBridge[0].status = DeviceStatus::Free;
        model.setDevices(withFreeBridge);
        QCOMPARE(model.index(0, PciDeviceModel::StatusColumn).data().toString(), QStringLiteral("Bridge (host only)"));
        QCOMPARE(model.index(0, 0).data(PciDeviceModel::IsFreeRole).toBool(), false);
        PciDeviceFilterProxy onlyFree;
        onlyFree.setSourceModel(&model);
        onlyFree.setOnlyFree(true);
        QCOMPARE(onlyFree.rowCount(), 1);
        model.setDevices(sample());
        QCOMPARE(model.index(4, 0).data(PciDeviceModel::IsFreeRole).toBool(), true);
        QCOMPARE(model.index(4, PciDeviceModel::StatusColumn).data().toString(), QStringLiteral("Free"));
        QCOMPARE(model.index(3, PciDeviceModel::StatusColumn).data().toString(), QStringLiteral("In resource group"));
        QCOMPARE(model.index(3, PciDeviceModel::ResourceGroupColumn).data().toString(), QStringLiteral("PCI NICs"));
        QCOMPARE(model.index(5, PciDeviceModel::StatusColumn).data().toString(), QStringLiteral("Used by VM vm-1"));
        QCOMPARE(model.headerData(PciDeviceModel::IommuGroupColumn, Qt::Horizontal).toString(), QStringLiteral("IOMMU Group"));
        QCOMPARE(gpu.siblingAtColumn(PciDeviceModel::VendorColumn).data(Qt::ToolTipRole).toString(),
                 QStringLiteral("NVIDIA Corporation [10de]"));
        QCOMPARE(gpu.siblingAtColumn(PciDeviceModel::DeviceColumn).data().toString(), QStringLiteral("GA102GL [A10]"));
        QCOMPARE(gpu.siblingAtColumn(PciDeviceModel::DeviceColumn).data(Qt::ToolTipRole).toString(),
                 QStringLiteral("GA102GL [A10] [10de:2230]"));
        QCOMPARE(model.index(5, PciDeviceModel::VendorColumn).data().toString(), QStringLiteral("Samsung Electronics"));
        QCOMPARE(model.rowOf(2, QStringLiteral("0000:17:00.0")), 4);
        QCOMPARE(model.rowOf(2, QStringLiteral("0000:99:00.0")), -1);

        DeviceRecord t = sample().at(4);
        t.status = DeviceStatus::OwnedByTenant;
        t.tenantName = QStringLiteral("acme");
        QCOMPARE(PciDeviceModel::statusText(t), QStringLiteral("Owned by tenant acme"));
        t.rebootPending = true;
        t.present = false;
        model.setDevices({t});
        QCOMPARE(model.index(0, PciDeviceModel::StatusColumn).data().toString(),
                 QStringLiteral("Owned by tenant acme (reboot pending) (missing)"));
    }

    void filterAcrossColumns_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("rows");
        QTest::newRow("empty") << QString() << 6;
        QTest::newRow("vendor") << QStringLiteral("nvidia") << 3;
        QTest::newRow("vendor, any case") << QStringLiteral("NVIDIA") << 3;
        QTest::newRow("node") << QStringLiteral("node-b") << 2;
        QTest::newRow("slot") << QStringLiteral("17:00") << 3;
        QTest::newRow("driver") << QStringLiteral("vfio-pci") << 2;
        QTest::newRow("group name") << QStringLiteral("pci disks") << 1;
        QTest::newRow("status") << QStringLiteral("free") << 1;
        QTest::newRow("vm") << QStringLiteral("vm-1") << 1;
        QTest::newRow("class name") << QStringLiteral("060000") << 1;
        QTest::newRow("all words must match") << QStringLiteral("nvidia node-b") << 1;
        QTest::newRow("full vendor name") << QStringLiteral("nvidia corporation") << 3;
        QTest::newRow("ids") << QStringLiteral("10de:2230") << 6;
        QTest::newRow("nothing") << QStringLiteral("no-such-thing") << 0;
    }

    void filterAcrossColumns()
    {
        QFETCH(QString, text);
        QFETCH(int, rows);
        PciDeviceModel model;
        PciDeviceFilterProxy proxy;
        proxy.setSourceModel(&model);
        QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setDevices(sample());
        proxy.setFilterText(text);
        QCOMPARE(proxy.rowCount(), rows);
        QCOMPARE(proxy.filterText(), text);
    }

    void classFilterAndOnlyFree()
    {
        PciDeviceModel model;
        PciDeviceFilterProxy proxy;
        proxy.setSourceModel(&model);
        QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setDevices(sample());
        proxy.setBaseClassFilter(0x03);
        QCOMPARE(proxy.rowCount(), 2);
        QCOMPARE(proxy.baseClassFilter(), 0x03);
        proxy.setOnlyFree(true);
        QCOMPARE(proxy.rowCount(), 1);
        QCOMPARE(proxy.index(0, PciDeviceModel::NodeColumn).data().toString(), QStringLiteral("node-b"));
        proxy.setBaseClassFilter(0x02);
        QCOMPARE(proxy.rowCount(), 0);
        proxy.setBaseClassFilter(-1);
        QCOMPARE(proxy.rowCount(), 1);
        proxy.setOnlyFree(false);
        proxy.setBaseClassFilter(0x06);
        QCOMPARE(proxy.rowCount(), 1);
        // A status change to free reaches the filter without a reset.
        QList<DeviceRecord> changed = sample();
        changed[1].status = DeviceStatus::Free;
        proxy.setBaseClassFilter(-1);
        proxy.setOnlyFree(true);
        model.setDevices(changed);
        QCOMPARE(proxy.rowCount(), 2);
    }

    void sorting()
    {
        PciDeviceModel model;
        PciDeviceFilterProxy proxy;
        proxy.setSourceModel(&model);
        QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setDevices(sample());
        // IOMMU groups sort as numbers (2 < 3 < 10), not as text ("10" < "2").
        proxy.sort(PciDeviceModel::IommuGroupColumn, Qt::AscendingOrder);
        QCOMPARE(column(proxy, PciDeviceModel::IommuGroupColumn),
                 (QStringList{QStringLiteral("0"), QStringLiteral("2"), QStringLiteral("3"), QStringLiteral("10"),
                              QStringLiteral("10"), QStringLiteral("10")}));
        // Ties broken by node, then address.
        QCOMPARE(column(proxy, PciDeviceModel::SlotColumn).mid(3),
                 (QStringList{QStringLiteral("0000:17:00.0"), QStringLiteral("0000:17:00.1"), QStringLiteral("0000:17:00.0")}));
        QCOMPARE(column(proxy, PciDeviceModel::NodeColumn).mid(3),
                 (QStringList{QStringLiteral("node-a"), QStringLiteral("node-a"), QStringLiteral("node-b")}));
        proxy.sort(PciDeviceModel::IommuGroupColumn, Qt::DescendingOrder);
        QCOMPARE(column(proxy, PciDeviceModel::IommuGroupColumn).first(), QStringLiteral("10"));
        proxy.sort(PciDeviceModel::SlotColumn, Qt::AscendingOrder);
        QCOMPARE(column(proxy, PciDeviceModel::SlotColumn),
                 (QStringList{QStringLiteral("0000:00:00.0"), QStringLiteral("0000:17:00.0"), QStringLiteral("0000:17:00.0"),
                              QStringLiteral("0000:17:00.1"), QStringLiteral("0000:18:00.0"), QStringLiteral("0000:3b:00.0")}));
        proxy.sort(PciDeviceModel::NodeColumn, Qt::DescendingOrder);
        QCOMPARE(column(proxy, PciDeviceModel::NodeColumn).first(), QStringLiteral("node-b"));
        proxy.sort(PciDeviceModel::VendorColumn, Qt::AscendingOrder);
        QCOMPARE(column(proxy, PciDeviceModel::VendorColumn).first(), QStringLiteral("Intel"));
        proxy.sort(PciDeviceModel::StatusColumn, Qt::AscendingOrder);
        QCOMPARE(column(proxy, PciDeviceModel::StatusColumn).first(), QStringLiteral("Free"));
        // The sort holds while the filter changes.
        proxy.sort(PciDeviceModel::SlotColumn, Qt::DescendingOrder);
        proxy.setFilterText(QStringLiteral("nvidia"));
        QCOMPARE(column(proxy, PciDeviceModel::SlotColumn),
                 (QStringList{QStringLiteral("0000:17:00.1"), QStringLiteral("0000:17:00.0"), QStringLiteral("0000:17:00.0")}));
    }

    void iommuHighlight()
    {
        PciDeviceModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setDevices(sample());
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        // Group 10 of node-a: the GPU and its audio function, not node-b's group 10.
        model.setHighlightedGroups({{1, 10}});
        QCOMPARE(changed.size(), 1);
        QCOMPARE(changed.first().at(0).toModelIndex().row(), 1);
        QCOMPARE(changed.first().at(1).toModelIndex().row(), 2);
        QVERIFY(changed.first().at(2).value<QList<int>>().contains(PciDeviceModel::HighlightRole));
        for (int r = 0; r < model.rowCount(); ++r) {
            const bool expected = r == 1 || r == 2;
            QCOMPARE(model.index(r, 0).data(PciDeviceModel::HighlightRole).toBool(), expected);
            QCOMPARE(model.index(r, 3).data(Qt::BackgroundRole).isValid(), expected);
            QCOMPARE(model.isHighlighted(r), expected);
        }
        // The same set again: nothing to repaint.
        model.setHighlightedGroups({{1, 10}});
        QCOMPARE(changed.size(), 1);
        model.setHighlightedGroups({{2, 10}, {2, 3}});
        QCOMPARE(changed.size(), 2);
        QCOMPARE(changed.last().at(0).toModelIndex().row(), 1);
        QCOMPARE(changed.last().at(1).toModelIndex().row(), 5);
        QVERIFY(model.index(4, 0).data(PciDeviceModel::HighlightRole).toBool());
        QVERIFY(model.index(5, 0).data(PciDeviceModel::HighlightRole).toBool());
        QVERIFY(!model.index(1, 0).data(PciDeviceModel::HighlightRole).toBool());
        model.setHighlightedGroups({});
        for (int r = 0; r < model.rowCount(); ++r)
            QVERIFY(!model.isHighlighted(r));
    }
};

QTEST_MAIN(TestPciDeviceModel)
#include "tst_pcidevicemodel.moc"
