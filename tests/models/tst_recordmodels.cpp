// The list models over the domain service's records (nodes, resource groups, VMs, tenants):
// QAbstractItemModelTester through resets and in-place updates, each behind a sort proxy as the
// dashboards use them, plus what each column and role shows. The last test fills them from a
// real demo store.
#include "demo/DemoEnvironment.h"
#include "models/GroupClassNames.h"
#include "models/NodeModel.h"
#include "models/ResourceGroupModel.h"
#include "models/TenantModel.h"
#include "models/VmModel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTemporaryDir>
#include <QTest>

using namespace passdeck;

namespace {
template<typename Model, typename T>
void exercise(Model &model, QList<T> items)
{
    QSortFilterProxyModel proxy;
    proxy.setSourceModel(&model);
    proxy.setDynamicSortFilter(true);
    QAbstractItemModelTester t1(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester t2(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    proxy.sort(0, Qt::DescendingOrder);
    QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
    QSignalSpy changes(&model, &QAbstractItemModel::dataChanged);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    // A first load: one insertion of every row (no reset: a live refresh keeps the views' state).
    model.setItems(items);
    QCOMPARE(model.rowCount(), int(items.size()));
    QCOMPARE(proxy.rowCount(), int(items.size()));
    QCOMPARE(inserted.size(), 1);
    QCOMPARE(resets.size(), 0);
    // Same ids in the same order: rows change in place, a selection would survive.
    model.setItems(items);
    QCOMPARE(resets.size(), 0);
    QCOMPARE(changes.size(), 1);
    QCOMPARE(changes.first().at(1).toModelIndex().row(), int(items.size()) - 1);
    QCOMPARE(changes.first().at(1).toModelIndex().column(), model.columnCount() - 1);
    // One record gone: its row is removed, the others stay (and keep their selection).
    model.setItems(items.mid(1));
    QCOMPARE(removed.size(), 1);
    QCOMPARE(removed.first().at(1).toInt(), 0);
    QCOMPARE(resets.size(), 0);
    QCOMPARE(model.rowOfId(items.first().id), -1);
    QCOMPARE(model.rowOfId(items.last().id), int(items.size()) - 2);
    model.setItems({});
    QCOMPARE(proxy.rowCount(), 0);
    model.setItems(items);
    for (int c = 0; c < model.columnCount(); ++c)
        QVERIFY2(!model.headerData(c, Qt::Horizontal).toString().isEmpty(), qPrintable(QString::number(c)));
    QVERIFY(!model.index(0, 0).data(Qt::DecorationRole).isNull());
    QVERIFY(!model.index(0, 0, model.index(0, 0)).isValid()); // a table: no children
}

NodeInfo node(qint64 id, const QString &name, bool maintenance = false, bool reboot = false)
{
    NodeInfo n;
    n.id = id;
    n.name = name;
    n.hostRoot = QStringLiteral("/tmp/") + name;
    n.simulated = true;
    n.maintenance = maintenance;
    n.rebootRequired = reboot;
    n.deviceCount = int(id) * 10;
    return n;
}

ResourceGroup group(qint64 id, const QString &name, GroupClass c, GroupOwner owner = GroupOwner::Host)
{
    ResourceGroup g;
    g.id = id;
    g.name = name;
    g.groupClass = c;
    g.owner = owner;
    g.total = 4;
    g.free = 1;
    g.inUse = 2;
    g.tenantReserved = 1;
    if (owner == GroupOwner::Tenant)
        g.tenantName = QStringLiteral("acme");
    return g;
}
} // namespace

class TestRecordModels : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void nodeModel()
    {
        NodeModel model;
        exercise(model, QList<NodeInfo>{node(1, QStringLiteral("node-a")), node(2, QStringLiteral("node-b"), true, true),
                                        node(3, QStringLiteral("node-c"))});
        QCOMPARE(model.index(0, NodeModel::StatusColumn).data().toString(), QStringLiteral("Ready"));
        QCOMPARE(model.index(1, NodeModel::StatusColumn).data().toString(),
                 QStringLiteral("Maintenance mode, Reboot required"));
        QVERIFY(!model.index(1, NodeModel::StatusColumn).data(Qt::DecorationRole).isNull());
        QVERIFY(model.index(0, NodeModel::StatusColumn).data(Qt::DecorationRole).isNull());
        QCOMPARE(model.index(1, NodeModel::KindColumn).data().toString(), QStringLiteral("Simulated"));
        QCOMPARE(model.index(2, NodeModel::DevicesColumn).data().toInt(), 30);
        QCOMPARE(model.index(1, 0).data(NodeModel::NodeIdRole).toLongLong(), 2);
        QCOMPARE(model.index(1, 0).data(NodeModel::MaintenanceRole).toBool(), true);
        QCOMPARE(model.index(1, 0).data(NodeModel::RebootRequiredRole).toBool(), true);
        NodeInfo flagged = node(4, QStringLiteral("x"));
        flagged.flaggedDevices = 2;
        flagged.simulated = false;
        QCOMPARE(NodeModel::statusText(flagged), QStringLiteral("2 device(s) flagged"));
    }

    void resourceGroupModel()
    {
        ResourceGroupModel model;
        exercise(model, QList<ResourceGroup>{group(1, QStringLiteral("PCI GPUs"), GroupClass::Gpu),
                                             group(2, QStringLiteral("PCI NICs"), GroupClass::Network),
                                             group(3, QStringLiteral("acme GPUs"), GroupClass::Gpu, GroupOwner::Tenant)});
        QCOMPARE(model.index(0, ResourceGroupModel::ClassColumn).data().toString(), QStringLiteral("GPU"));
        QCOMPARE(model.index(0, ResourceGroupModel::OwnerColumn).data().toString(), QStringLiteral("Host"));
        QCOMPARE(model.index(2, ResourceGroupModel::OwnerColumn).data().toString(), QStringLiteral("Tenant acme"));
        QVERIFY(!model.index(2, ResourceGroupModel::OwnerColumn).data(Qt::DecorationRole).isNull());
        QCOMPARE(model.index(0, ResourceGroupModel::TotalColumn).data().toInt(), 4);
        QCOMPARE(model.index(0, ResourceGroupModel::FreeColumn).data().toInt(), 1);
        // A host group's tenant reservations count as in use; a tenant group's own use does not add them.
        QCOMPARE(model.index(0, ResourceGroupModel::InUseColumn).data().toInt(), 3);
        QCOMPARE(model.index(2, ResourceGroupModel::InUseColumn).data().toInt(), 2);
        QCOMPARE(model.index(1, 0).data(ResourceGroupModel::GroupIdRole).toLongLong(), 2);
        QCOMPARE(model.index(1, 0).data(ResourceGroupModel::GroupClassRole).toInt(), int(GroupClass::Network));
        QCOMPARE(model.index(2, 0).data(ResourceGroupModel::OwnerRole).toInt(), int(GroupOwner::Tenant));
        QCOMPARE(GroupClassNames::all().size(), 7);
    }

    void vmModel()
    {
        Vm a;
        a.id = 1;
        a.name = QStringLiteral("vm-a");
        a.nodeName = QStringLiteral("node-a");
        a.power = PowerState::On;
        a.machineDeviceCount = 2;
        a.allocatedDeviceCount = 2;
        Vm b;
        b.id = 2;
        b.name = QStringLiteral("vm-b");
        b.nodeName = QStringLiteral("node-b");
        b.owner = GroupOwner::Tenant;
        b.tenantId = 5;
        b.tenantName = QStringLiteral("acme");
        b.tenantNodeName = QStringLiteral("acme-1");
        b.restartNeeded = true;
        b.machineDeviceCount = 1;
        VmModel model;
        exercise(model, QList<Vm>{a, b});
        QCOMPARE(model.index(0, VmModel::PowerColumn).data().toString(), QStringLiteral("Running"));
        QCOMPARE(model.index(1, VmModel::PowerColumn).data().toString(), QStringLiteral("Stopped"));
        QCOMPARE(model.index(1, VmModel::NodeColumn).data().toString(), QStringLiteral("node-b (tenant node acme-1)"));
        QCOMPARE(model.index(1, VmModel::OwnerColumn).data().toString(), QStringLiteral("Tenant acme"));
        QCOMPARE(model.index(0, VmModel::DevicesColumn).data().toString(), QStringLiteral("2 allocated / 2 requested"));
        QCOMPARE(model.index(1, VmModel::RestartColumn).data().toString(), QStringLiteral("Restart needed"));
        QCOMPARE(model.index(1, 0).data(VmModel::RestartNeededRole).toBool(), true);
        QCOMPARE(model.index(1, 0).data(VmModel::TenantIdRole).toLongLong(), 5);
        QCOMPARE(model.index(0, 0).data(VmModel::VmIdRole).toLongLong(), 1);
    }

    void tenantModel()
    {
        Tenant t;
        t.id = 3;
        t.name = QStringLiteral("acme");
        t.nodeCount = 1;
        t.groupCount = 2;
        t.vmCount = 3;
        t.reservedDevices = 4;
        Tenant u = t;
        u.id = 4;
        u.name = QStringLiteral("globex");
        TenantModel model;
        exercise(model, QList<Tenant>{t, u});
        QCOMPARE(model.index(0, TenantModel::NodesColumn).data().toInt(), 1);
        QCOMPARE(model.index(0, TenantModel::GroupsColumn).data().toInt(), 2);
        QCOMPARE(model.index(0, TenantModel::VmsColumn).data().toInt(), 3);
        QCOMPARE(model.index(0, TenantModel::ReservedColumn).data().toInt(), 4);
        QCOMPARE(model.index(1, 0).data(TenantModel::TenantIdRole).toLongLong(), 4);
    }

    // The models filled from a real demo store, as the dashboards fill them.
    void fromDemoStore()
    {
        QTemporaryDir dir;
        auto service = DemoEnvironment::open(dir.path());
        QVERIFY2(service, service ? "" : qPrintable(service.error().message()));
        DomainService &s = **service;
        NodeModel nodes;
        QAbstractItemModelTester t1(&nodes, QAbstractItemModelTester::FailureReportingMode::QtTest);
        nodes.setItems(*s.nodes());
        QCOMPARE(nodes.rowCount(), 2);
        QCOMPARE(nodes.index(0, NodeModel::NameColumn).data().toString(), QStringLiteral("node-a"));
        QVERIFY(nodes.index(0, NodeModel::DevicesColumn).data().toInt() > 10);
        auto created = s.createGroup({QStringLiteral("Model test group"), {}, GroupClass::Storage});
        QVERIFY(created);
        ResourceGroupModel groups;
        QAbstractItemModelTester t2(&groups, QAbstractItemModelTester::FailureReportingMode::QtTest);
        groups.setItems(*s.allGroups());
        QVERIFY(groups.rowOfId(created->id) >= 0);
        VmModel vms;
        QAbstractItemModelTester t3(&vms, QAbstractItemModelTester::FailureReportingMode::QtTest);
        vms.setItems(*s.vms());
        TenantModel tenants;
        QAbstractItemModelTester t4(&tenants, QAbstractItemModelTester::FailureReportingMode::QtTest);
        tenants.setItems(*s.tenants());
        QCOMPARE(vms.rowCount(), int(s.vms()->size()));
        QCOMPARE(tenants.rowCount(), int(s.tenants()->size()));
    }
};

QTEST_MAIN(TestRecordModels)
#include "tst_recordmodels.moc"
