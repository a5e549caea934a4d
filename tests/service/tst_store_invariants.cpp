// Every invariant of docs/store.md, tried through the service (a clear refusal) and through direct
// SQL on the same store (a constraint or trigger must refuse the write).
#include "StoreFixture.h"

#include <QTest>

using namespace passdeck;
using namespace passdeck::test;

class TstStoreInvariants : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void oneGroupPerDevice();
    void bridgesNeverInAGroup();
    void oneConsumerPerDevice();
    void tenantDevicesAreThick();
    void countWithinLimits();
    void namesUniqueInScope();
    void tenantVmOnItsTenantNode();
    void allocationsStayOnTheVmsNode();

private:
    // Runs statement directly; the test fails when the store accepts it.
    static void expectRefusedBySql(const StoreFixture &f, const QString &statement, const QVariantList &values = {});
};

void TstStoreInvariants::expectRefusedBySql(const StoreFixture &f, const QString &statement, const QVariantList &values)
{
    QString error;
    const bool accepted = f.sql(statement, values, &error);
    QVERIFY2(!accepted, qPrintable(QStringLiteral("the store accepted: ") + statement));
    QVERIFY2(error.contains(QStringLiteral("constraint"), Qt::CaseInsensitive) || error.contains(QStringLiteral("Count"))
                 || error.contains(QStringLiteral("NOT NULL")),
             qPrintable(error));
}

void TstStoreInvariants::oneGroupPerDevice()
{
    StoreFixture f;
    STORE_SETUP(f, false);
    const qint64 g1 = f.groupWith(QStringLiteral("one"), {vf0});
    QVERIFY(g1);
    auto g2 = f.service->createGroup(GroupSpec{QStringLiteral("two"), {}, GroupClass::Network});
    QVERIFY(g2);
    // Service: refused, naming the group it is in; nothing moved.
    auto r = f.service->makeResource(g2->id, f.nodeA, {vf0});
    QVERIFY(!r);
    QCOMPARE(r.error().code, ErrorCode::DeviceUnavailable);
    QVERIFY(r.error().why.contains(QStringLiteral("'one'")));
    QCOMPARE(r.error().device, vf0);
    QCOMPARE(f.count(QStringLiteral("SELECT group_id FROM resource_rules WHERE address = ?"), {vf0}), int(g1));
    // SQL: a second rule for the same device.
    const qint64 dev = f.deviceId(f.nodeA, vf0);
    expectRefusedBySql(f, QStringLiteral("INSERT INTO resource_rules (group_id, device_id, node_id, address, vendor_id, pci_device_id,"
                                         " subsys_vendor_id, subsys_device_id, created_at) VALUES (?, ?, ?, ?, 0, 0, 0, 0, 'now')"),
                       {g2->id, dev, f.nodeA, vf0});
    // Nor can the rule be moved to a tenant's group.
    QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM resource_rules WHERE device_id = ?"), {dev}), 1);
}

void TstStoreInvariants::bridgesNeverInAGroup()
{
    StoreFixture f;
    STORE_SETUP(f, false);
    auto g = f.service->createGroup(GroupSpec{QStringLiteral("bridges?"), {}, GroupClass::Other});
    QVERIFY(g);
    auto r = f.service->makeResource(g->id, f.nodeA, {hostBridge});
    QVERIFY(!r);
    QVERIFY(r.error().why.contains(QStringLiteral("bridge")));
    QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM resource_rules")), 0);
    // SQL: a rule for the bridge, and turning a member into a bridge.
    const qint64 bridge = f.deviceId(f.nodeA, hostBridge);
    expectRefusedBySql(f, QStringLiteral("INSERT INTO resource_rules (group_id, device_id, node_id, address, vendor_id, pci_device_id,"
                                         " subsys_vendor_id, subsys_device_id, created_at) VALUES (?, ?, ?, ?, 0, 0, 0, 0, 'now')"),
                       {g->id, bridge, f.nodeA, hostBridge});
    expectRefusedBySql(f, QStringLiteral("INSERT INTO resource_rules (group_id, device_id, node_id, is_bridge, address, vendor_id,"
                                         " pci_device_id, subsys_vendor_id, subsys_device_id, created_at) VALUES (?, ?, ?, 1, ?, 0, 0, 0, 0, 'now')"),
                       {g->id, bridge, f.nodeA, hostBridge});
    QVERIFY(f.service->makeResource(g->id, f.nodeA, {vf0}));
    expectRefusedBySql(f, QStringLiteral("UPDATE devices SET is_bridge = 1 WHERE id = ?"), {f.deviceId(f.nodeA, vf0)});
}

void TstStoreInvariants::oneConsumerPerDevice()
{
    StoreFixture f;
    STORE_SETUP(f, false);
    const qint64 g = f.groupWith(QStringLiteral("VF"), {vf0});
    const qint64 a = f.hostVm(QStringLiteral("a"));
    const qint64 b = f.hostVm(QStringLiteral("b"));
    QVERIFY(f.service->attach(AttachSpec{a, g, 1, {}, {}}));
    QVERIFY(f.service->attach(AttachSpec{b, g, 1, {}, {}}));
    QVERIFY(f.service->restartVm(a));
    // Service: the second VM finds nothing free and stays off, restart-needed.
    auto r = f.service->restartVm(b);
    QVERIFY(!r);
    QCOMPARE(r.error().code, ErrorCode::NotEnoughDevices);
    QCOMPARE(f.service->vm(b)->power, PowerState::Off);
    QVERIFY(f.service->vm(b)->restartNeeded);
    QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM allocations")), 1);
    // SQL: a second hold, or a second allocation of the same device.
    const qint64 dev = f.deviceId(f.nodeA, vf0);
    expectRefusedBySql(f, QStringLiteral("INSERT INTO device_holds (device_id, holder_scope) VALUES (?, 0)"), {dev});
    const qint64 mdB = f.scalar(QStringLiteral("SELECT id FROM machine_devices WHERE vm_id = ?"), {b}).toLongLong();
    expectRefusedBySql(f, QStringLiteral("INSERT INTO allocations (machine_device_id, vm_id, group_id, device_id, node_id, vm_scope,"
                                         " rule_group_id) VALUES (?, ?, ?, ?, ?, 0, ?)"),
                       {mdB, b, g, dev, f.nodeA, g});
    // SQL: an allocation without a hold (bypassing device_holds) is refused too.
    QVERIFY(f.service->powerOff(a));
    expectRefusedBySql(f, QStringLiteral("INSERT INTO allocations (machine_device_id, vm_id, group_id, device_id, node_id, vm_scope,"
                                         " rule_group_id) VALUES (?, ?, ?, ?, ?, 0, ?)"),
                       {mdB, b, g, dev, f.nodeA, g});
    // A device outside any group cannot be held at all.
    expectRefusedBySql(f, QStringLiteral("INSERT INTO device_holds (device_id, holder_scope) VALUES (?, 0)"), {f.deviceId(f.nodeA, vf3)});
}

void TstStoreInvariants::tenantDevicesAreThick()
{
    StoreFixture f;
    STORE_SETUP(f, false);
    const qint64 g = f.groupWith(QStringLiteral("VF"), {vf0, vf1});
    auto t1 = f.service->createTenant(QStringLiteral("t1"));
    auto t2 = f.service->createTenant(QStringLiteral("t2"));
    auto tn1 = f.service->addTenantNode(t1->id, QStringLiteral("n"), f.nodeA);
    auto tn2 = f.service->addTenantNode(t2->id, QStringLiteral("n"), f.nodeA);
    QVERIFY(tn1 && tn2);
    auto pool1 = f.service->passToTenant(PassSpec{tn1->id, g, 2, {}, {}});
    QVERIFY(pool1);
    // Service: nothing left for another tenant or a host VM.
    auto p2 = f.service->passToTenant(PassSpec{tn2->id, g, 1, {}, {}});
    QVERIFY(!p2);
    QCOMPARE(p2.error().code, ErrorCode::NotEnoughDevices);
    const qint64 hvm = f.hostVm(QStringLiteral("host"));
    auto host = f.service->attach(AttachSpec{hvm, g, 1, {}, {}});
    QVERIFY(!host);
    // Service: a host VM attaching the tenant's group directly.
    auto direct = f.service->attach(AttachSpec{hvm, pool1->id, 1, {}, {}});
    QVERIFY(!direct);
    QCOMPARE(direct.error().code, ErrorCode::TenantGroup);
    // Service: the other tenant's VM attaching t1's group.
    auto vm2 = f.service->createVm(VmSpec{QStringLiteral("t2vm"), {}, 0, t2->id, tn2->id});
    QVERIFY(vm2);
    auto foreign = f.service->attach(AttachSpec{vm2->id, pool1->id, 1, {}, {}});
    QVERIFY(!foreign);
    QCOMPARE(foreign.error().code, ErrorCode::ForeignGroup);

    // SQL: a host hold on a tenant's device; a host VM's allocation of a pool device; a
    // second tenant's pool row; a host VM machine device on the tenant's group.
    const qint64 dev = f.deviceId(f.nodeA, vf0);
    expectRefusedBySql(f, QStringLiteral("UPDATE device_holds SET holder_scope = 0 WHERE device_id = ?"), {dev});
    expectRefusedBySql(f, QStringLiteral("INSERT INTO tenant_pool (device_id, tenant_id, group_id, tenant_node_id, node_id) VALUES (?, ?, ?, ?, ?)"),
                       {dev, t2->id, pool1->id, tn2->id, f.nodeA});
    expectRefusedBySql(f, QStringLiteral("INSERT INTO machine_devices (vm_id, name, group_id, count, owner_scope) VALUES (?, 'x', ?, 1, 0)"),
                       {hvm, pool1->id});
    // (The service refused the host VM's machine device above; a legal one, written directly.)
    QVERIFY(f.sql(QStringLiteral("INSERT INTO machine_devices (vm_id, name, group_id, count, owner_scope) VALUES (?, 'ok', ?, 1, 0)"), {hvm, g}));
    const qint64 hostMd = f.scalar(QStringLiteral("SELECT id FROM machine_devices WHERE vm_id = ?"), {hvm}).toLongLong();
    expectRefusedBySql(f, QStringLiteral("INSERT INTO allocations (machine_device_id, vm_id, group_id, device_id, node_id, vm_scope,"
                                         " rule_group_id) VALUES (?, ?, ?, ?, ?, 0, ?)"),
                       {hostMd, hvm, g, dev, f.nodeA, g});
    // A tenant device cannot leave the host group while reserved (rule delete).
    expectRefusedBySql(f, QStringLiteral("DELETE FROM resource_rules WHERE device_id = ?"), {dev});
}

void TstStoreInvariants::countWithinLimits()
{
    StoreFixture f;
    STORE_SETUP(f, true);
    const qint64 g = f.groupWith(QStringLiteral("VF"), {vf0, vf1});
    const qint64 vm = f.hostVm(QStringLiteral("vm"));
    for (int bad : {0, -1, -1000}) {
        auto m = f.service->attach(AttachSpec{vm, g, bad, {}, {}});
        QVERIFY(!m);
        QCOMPARE(m.error().code, ErrorCode::BadCount);
    }
    auto over = f.service->attach(AttachSpec{vm, g, 3, {}, {}});
    QVERIFY(!over);
    QCOMPARE(over.error().code, ErrorCode::NotEnoughDevices);
    // A VM on node b cannot count node a's devices.
    const qint64 vmB = f.hostVm(QStringLiteral("vm-b"), f.nodeB);
    auto elsewhere = f.service->attach(AttachSpec{vmB, g, 1, {}, {}});
    QVERIFY(!elsewhere);
    QVERIFY(elsewhere.error().why.contains(QStringLiteral("node 'b'")));
    // Two machine devices of one VM together above the group's devices.
    QVERIFY(f.service->attach(AttachSpec{vm, g, 2, {}, {}}));
    QVERIFY(!f.service->attach(AttachSpec{vm, g, 1, {}, {}}));
    QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM machine_devices")), 1);
    // Tenant pass: Count 0, negative and above the free devices.
    auto t = f.service->createTenant(QStringLiteral("t"));
    auto tn = f.service->addTenantNode(t->id, QStringLiteral("n"), f.nodeA);
    QVERIFY(!f.service->passToTenant(PassSpec{tn->id, g, 0, {}, {}}));
    QVERIFY(!f.service->passToTenant(PassSpec{tn->id, g, -2, {}, {}}));
    QVERIFY(!f.service->passToTenant(PassSpec{tn->id, g, 3, {}, {}}));
    QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM tenant_pool")), 0);

    // SQL: Count 0, and allocations beyond the Count (trigger), and lowering Count below them.
    expectRefusedBySql(f, QStringLiteral("INSERT INTO machine_devices (vm_id, name, group_id, count, owner_scope) VALUES (?, 'z', ?, 0, 0)"), {vm, g});
    QVERIFY(f.service->detach(vm, f.scalar(QStringLiteral("SELECT id FROM machine_devices WHERE vm_id = ?"), {vm}).toLongLong()));
    QVERIFY(f.service->attach(AttachSpec{vm, g, 1, QStringLiteral("one"), {}}));
    QVERIFY(f.service->restartVm(vm));
    const qint64 md = f.scalar(QStringLiteral("SELECT id FROM machine_devices WHERE vm_id = ?"), {vm}).toLongLong();
    const qint64 other = f.scalar(QStringLiteral("SELECT d.id FROM devices d JOIN resource_rules r ON r.device_id = d.id"
                                                 " WHERE d.id NOT IN (SELECT device_id FROM allocations)")).toLongLong();
    QVERIFY(other);
    QVERIFY(f.sql(QStringLiteral("INSERT INTO device_holds (device_id, holder_scope) VALUES (?, 0)"), {other}));
    expectRefusedBySql(f, QStringLiteral("INSERT INTO allocations (machine_device_id, vm_id, group_id, device_id, node_id, vm_scope,"
                                         " rule_group_id) VALUES (?, ?, ?, ?, ?, 0, ?)"),
                       {md, vm, g, other, f.nodeA, g});
    QVERIFY(f.sql(QStringLiteral("DELETE FROM device_holds WHERE device_id = ?"), {other}));
    QVERIFY(f.sql(QStringLiteral("UPDATE machine_devices SET count = 2 WHERE id = ?"), {md}));
    QVERIFY(f.sql(QStringLiteral("UPDATE machine_devices SET count = 1 WHERE id = ?"), {md}));
    expectRefusedBySql(f, QStringLiteral("UPDATE machine_devices SET count = 0 WHERE id = ?"), {md});
}

void TstStoreInvariants::namesUniqueInScope()
{
    StoreFixture f;
    STORE_SETUP(f, false);
    QVERIFY(f.service->createGroup(GroupSpec{QStringLiteral("GPUs"), {}, GroupClass::Gpu}));
    QVERIFY(!f.service->createGroup(GroupSpec{QStringLiteral("GPUs"), {}, GroupClass::Gpu}));
    QVERIFY(f.hostVm(QStringLiteral("vm")));
    QVERIFY(!f.hostVm(QStringLiteral("vm")));
    auto t = f.service->createTenant(QStringLiteral("t"));
    QVERIFY(t);
    QVERIFY(!f.service->createTenant(QStringLiteral("t")));
    QVERIFY(f.service->addTenantNode(t->id, QStringLiteral("n"), f.nodeA));
    QVERIFY(!f.service->addTenantNode(t->id, QStringLiteral("n"), f.nodeA));
    const qint64 g = f.groupWith(QStringLiteral("VF"), {vf0, vf1});
    const qint64 vm = f.scalar(QStringLiteral("SELECT id FROM vms WHERE name = 'vm'")).toLongLong();
    QVERIFY(f.service->attach(AttachSpec{vm, g, 1, QStringLiteral("nic"), {}}));
    auto dup = f.service->attach(AttachSpec{vm, g, 1, QStringLiteral("nic"), {}});
    QVERIFY(!dup);
    QCOMPARE(dup.error().code, ErrorCode::Duplicate);
    // Another scope may reuse a name: a tenant group called like a host group, a machine
    // device of another VM.
    auto tn = f.service->findTenantNode(t->id, QStringLiteral("n"));
    auto tg = f.service->passToTenant(PassSpec{tn->id, g, 1, QStringLiteral("GPUs"), {}});
    QVERIFY2(tg, qPrintable(tg ? QString() : tg.error().message()));
    const qint64 vm2 = f.hostVm(QStringLiteral("vm2"));
    QVERIFY(f.service->attach(AttachSpec{vm2, g, 1, QStringLiteral("nic"), {}}));
    // Rename onto an existing name: refused.
    auto other = f.service->createGroup(GroupSpec{QStringLiteral("other"), {}, GroupClass::Other});
    QVERIFY(!f.service->editGroup(other->id, GroupSpec{QStringLiteral("GPUs"), {}, GroupClass::Other}));

    // SQL: the same duplicates, and blank / over-long names.
    expectRefusedBySql(f, QStringLiteral("INSERT INTO resource_groups (name) VALUES ('GPUs')"));
    expectRefusedBySql(f, QStringLiteral("INSERT INTO vms (name, node_id) VALUES ('vm', ?)"), {f.nodeA});
    expectRefusedBySql(f, QStringLiteral("INSERT INTO tenants (name) VALUES ('t')"));
    expectRefusedBySql(f, QStringLiteral("INSERT INTO tenant_nodes (tenant_id, name, node_id) VALUES (?, 'n', ?)"), {t->id, f.nodeA});
    expectRefusedBySql(f, QStringLiteral("INSERT INTO machine_devices (vm_id, name, group_id, count, owner_scope) VALUES (?, 'nic', ?, 1, 0)"), {vm, g});
    expectRefusedBySql(f, QStringLiteral("INSERT INTO nodes (name, host_root) VALUES ('a', '/x')"));
    expectRefusedBySql(f, QStringLiteral("INSERT INTO resource_groups (name) VALUES ('   ')"));
    expectRefusedBySql(f, QStringLiteral("INSERT INTO vms (name, node_id) VALUES (?, ?)"), {QString(129, u'v'), f.nodeA});
    expectRefusedBySql(f, QStringLiteral("INSERT INTO tenants (name) VALUES ('')"));
    QVERIFY(f.sql(QStringLiteral("INSERT INTO tenants (name) VALUES (?)"), {QString(128, u'v')}));
}

void TstStoreInvariants::tenantVmOnItsTenantNode()
{
    StoreFixture f;
    STORE_SETUP(f, true);
    const qint64 g = f.groupWith(QStringLiteral("VF"), {vf0, vf1});
    auto t = f.service->createTenant(QStringLiteral("t"));
    auto tnA = f.service->addTenantNode(t->id, QStringLiteral("on-a"), f.nodeA);
    auto tnA2 = f.service->addTenantNode(t->id, QStringLiteral("also-on-a"), f.nodeA);
    auto tnB = f.service->addTenantNode(t->id, QStringLiteral("on-b"), f.nodeB);
    QVERIFY(tnA && tnA2 && tnB);
    auto pool = f.service->passToTenant(PassSpec{tnA->id, g, 2, QStringLiteral("pool"), {}});
    QVERIFY(pool);
    // Service: a tenant VM on the wrong node; a VM on another tenant node attaching the pool.
    auto wrongNode = f.service->createVm(VmSpec{QStringLiteral("x"), {}, f.nodeB, t->id, tnA->id});
    QVERIFY(!wrongNode);
    QCOMPARE(wrongNode.error().code, ErrorCode::WrongNode);
    auto onB = f.service->createVm(VmSpec{QStringLiteral("on-b-vm"), {}, 0, t->id, tnB->id});
    QVERIFY(onB);
    auto m = f.service->attach(AttachSpec{onB->id, pool->id, 1, {}, {}});
    QVERIFY(!m);
    QCOMPARE(m.error().code, ErrorCode::WrongTenantNode);
    auto onA2 = f.service->createVm(VmSpec{QStringLiteral("on-a2-vm"), {}, 0, t->id, tnA2->id});
    QVERIFY(onA2);
    QVERIFY(!f.service->attach(AttachSpec{onA2->id, pool->id, 1, {}, {}}));
    // A tenant node of another tenant.
    auto t2 = f.service->createTenant(QStringLiteral("t2"));
    auto wrongTenant = f.service->createVm(VmSpec{QStringLiteral("y"), {}, 0, t2->id, tnA->id});
    QVERIFY(!wrongTenant);
    QCOMPARE(wrongTenant.error().code, ErrorCode::WrongTenantNode);

    // SQL: the VM's node differs from its tenant node's; a machine device of a VM on another
    // tenant node drawing from the pool; moving the VM afterwards.
    expectRefusedBySql(f, QStringLiteral("INSERT INTO vms (name, node_id, owner_scope, tenant_id, tenant_node_id) VALUES ('z', ?, ?, ?, ?)"),
                       {f.nodeB, t->id, t->id, tnA->id});
    expectRefusedBySql(f, QStringLiteral("INSERT INTO machine_devices (vm_id, name, group_id, count, owner_scope, tenant_node_id)"
                                         " VALUES (?, 'p', ?, 1, ?, ?)"),
                       {onB->id, pool->id, t->id, tnB->id});
    expectRefusedBySql(f, QStringLiteral("INSERT INTO machine_devices (vm_id, name, group_id, count, owner_scope, tenant_node_id)"
                                         " VALUES (?, 'p', ?, 1, ?, ?)"),
                       {onB->id, pool->id, t->id, tnA->id});
    auto good = f.service->createVm(VmSpec{QStringLiteral("good"), {}, 0, t->id, tnA->id});
    QVERIFY(good);
    QVERIFY(f.service->attach(AttachSpec{good->id, pool->id, 2, {}, {}}));
    QVERIFY(f.service->restartVm(good->id));
    expectRefusedBySql(f, QStringLiteral("UPDATE vms SET node_id = ? WHERE id = ?"), {f.nodeB, good->id});
    expectRefusedBySql(f, QStringLiteral("UPDATE vms SET tenant_node_id = ? WHERE id = ?"), {tnA2->id, good->id});
    expectRefusedBySql(f, QStringLiteral("UPDATE tenant_nodes SET node_id = ? WHERE id = ?"), {f.nodeB, tnA->id});
}

void TstStoreInvariants::allocationsStayOnTheVmsNode()
{
    StoreFixture f;
    STORE_SETUP(f, true);
    const qint64 g = f.groupWith(QStringLiteral("VF"), {vf0});
    const qint64 vmB = f.hostVm(QStringLiteral("vm-b"), f.nodeB);
    QVERIFY(vmB);
    // The group has no device on node b: the VM there cannot attach it at all.
    QVERIFY(!f.service->attach(AttachSpec{vmB, g, 1, {}, {}}));
    // SQL: an allocation of node a's device to a VM on node b.
    QVERIFY(f.sql(QStringLiteral("INSERT INTO machine_devices (vm_id, name, group_id, count, owner_scope) VALUES (?, 'm', ?, 1, 0)"), {vmB, g}));
    const qint64 md = f.scalar(QStringLiteral("SELECT id FROM machine_devices WHERE vm_id = ?"), {vmB}).toLongLong();
    const qint64 dev = f.deviceId(f.nodeA, vf0);
    QVERIFY(f.sql(QStringLiteral("INSERT INTO device_holds (device_id, holder_scope) VALUES (?, 0)"), {dev}));
    expectRefusedBySql(f, QStringLiteral("INSERT INTO allocations (machine_device_id, vm_id, group_id, device_id, node_id, vm_scope,"
                                         " rule_group_id) VALUES (?, ?, ?, ?, ?, 0, ?)"),
                       {md, vmB, g, dev, f.nodeB, g});
    expectRefusedBySql(f, QStringLiteral("INSERT INTO allocations (machine_device_id, vm_id, group_id, device_id, node_id, vm_scope,"
                                         " rule_group_id) VALUES (?, ?, ?, ?, ?, 0, ?)"),
                       {md, vmB, g, dev, f.nodeA, g});
}

QTEST_GUILESS_MAIN(TstStoreInvariants)
#include "tst_store_invariants.moc"
