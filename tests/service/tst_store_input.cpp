// Bad input through the domain service: names, counts, unknown ids, devices in use; names with
// SQL metacharacters and non-ASCII characters round-trip intact. Every refusal is audited.
#include "StoreFixture.h"
#include "core/DomainName.h"

#include <QTest>

using namespace passdeck;
using namespace passdeck::test;

class TstStoreInput : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void badNames_data();
    void badNames();
    void namesRoundTrip_data();
    void namesRoundTrip();
    void unknownIds();
    void badAddresses();
    void deviceInAnotherGroup();
    void tenantGroupForHostVm();
    void tenantVmOnWrongTenantNode();
    void deleteRefusedWhileInUse();
    void refusalsAreAudited();
    void passSkipsRebootPending();

private:
    StoreFixture m_f; // one store for the whole case: these tests only add rows
};

void TstStoreInput::initTestCase()
{
    STORE_SETUP(m_f, true);
}

void TstStoreInput::badNames_data()
{
    QTest::addColumn<QString>("name");
    QTest::newRow("empty") << QString();
    QTest::newRow("whitespace") << QStringLiteral("   \t ");
    QTest::newRow("129 chars") << QString(129, u'g');
    QTest::newRow("129 non-BMP") << QString::fromUcs4(std::u32string(129, U'\U0001F600').c_str());
    QTest::newRow("control char") << QStringLiteral("a\nb");
    QTest::newRow("leading space") << QStringLiteral(" lead");
}

void TstStoreInput::badNames()
{
    QFETCH(QString, name);
    DomainService &s = *m_f.service;
    const int groupsBefore = m_f.count(QStringLiteral("SELECT COUNT(*) FROM resource_groups"));
    auto g = s.createGroup(GroupSpec{name, {}, GroupClass::Other});
    QVERIFY(!g);
    QCOMPARE(g.error().code, ErrorCode::BadName);
    QVERIFY(!g.error().hint.isEmpty());
    auto v = s.createVm(VmSpec{name, {}, m_f.nodeA, 0, 0});
    QVERIFY(!v);
    QCOMPARE(v.error().code, ErrorCode::BadName);
    auto t = s.createTenant(name);
    QVERIFY(!t);
    QCOMPARE(t.error().code, ErrorCode::BadName);
    auto n = s.addNode(name, m_f.rootA, true);
    QVERIFY(!n);
    QCOMPARE(n.error().code, ErrorCode::BadName);
    QCOMPARE(m_f.count(QStringLiteral("SELECT COUNT(*) FROM resource_groups")), groupsBefore);
    // A machine device or tenant pass name: blank means "generate", the rest is refused.
    if (!name.trimmed().isEmpty()) {
        const qint64 vm = m_f.hostVm(QStringLiteral("for-names"));
        const qint64 vmId = vm ? vm : s.findVm(QStringLiteral("for-names"))->id;
        auto grp = s.findGroup(QStringLiteral("names-src"));
        const qint64 gid = grp ? grp->id : m_f.groupWith(QStringLiteral("names-src"), {vf3});
        QVERIFY(gid);
        auto m = s.attach(AttachSpec{vmId, gid, 1, name, {}});
        QVERIFY(!m);
        QCOMPARE(m.error().code, ErrorCode::BadName);
        auto tn = s.addTenantNode(s.findTenant(QStringLiteral("x")) ? s.findTenant(QStringLiteral("x"))->id
                                                                       : s.createTenant(QStringLiteral("x"))->id,
                                  name, m_f.nodeA);
        QVERIFY(!tn);
        QCOMPARE(tn.error().code, ErrorCode::BadName);
    }
    // Exactly 128 is fine.
    QVERIFY(s.createTenant(QString(128, u't') + QString()) || s.findTenant(QString(128, u't')));
}

void TstStoreInput::namesRoundTrip_data()
{
    QTest::addColumn<QString>("name");
    QTest::newRow("quote") << QStringLiteral("O'Brien's \"GPUs\"");
    QTest::newRow("injection") << QStringLiteral("x'); DROP TABLE vms; --");
    QTest::newRow("percent") << QStringLiteral("100% _wild_ %s %1 \\n");
    QTest::newRow("german") << QStringLiteral("Grafikkarten für Übung");
    QTest::newRow("cjk") << QStringLiteral("显卡资源组");
    QTest::newRow("emoji") << QString::fromUtf8("GPUs \xF0\x9F\x9A\x80");
    QTest::newRow("rtl") << QStringLiteral("مجموعة");
    QTest::newRow("128 non-BMP") << QString::fromUcs4(std::u32string(128, U'\U0001F600').c_str());
}

void TstStoreInput::namesRoundTrip()
{
    QFETCH(QString, name);
    DomainService &s = *m_f.service;
    auto g = s.createGroup(GroupSpec{name, name, GroupClass::Gpu});
    QVERIFY2(g, qPrintable(g ? QString() : g.error().message()));
    QCOMPARE(g->name, name);
    auto found = s.findGroup(name);
    QVERIFY(found);
    QCOMPARE(found->id, g->id);
    QCOMPARE(found->description, name);
    auto v = s.createVm(VmSpec{name, name, m_f.nodeA, 0, 0});
    if (!isValidDomainName(name)) {
        // A VM is a libvirt domain of its node (docs/libvirt.md): a name libvirt cannot take
        // (more than 64 characters, '/') is refused by the node, and no VM is stored.
        QVERIFY(!v);
        QCOMPARE(v.error().code, ErrorCode::BadName);
        QVERIFY(!s.findVm(name));
    } else {
        QVERIFY2(v, qPrintable(v ? QString() : v.error().message()));
        QCOMPARE(s.findVm(name)->name, name);
    }
    auto t = s.createTenant(name, name);
    QVERIFY(t);
    QCOMPARE(s.findTenant(name)->description, name);
    auto tn = s.addTenantNode(t->id, name, m_f.nodeA);
    QVERIFY(tn);
    QCOMPARE(s.findTenantNode(t->id, name)->name, name);
    // The tables survived the "injection" row.
    QVERIFY(m_f.count(QStringLiteral("SELECT COUNT(*) FROM vms")) >= 1);
    // The audit keeps the name intact too.
    auto a = s.audit(1);
    QVERIFY(a);
    QVERIFY(a->first().subject.contains(name));
    // Prefix and wildcard characters find nothing else.
    QVERIFY(!s.findGroup(name.left(name.size() - 1) + u'%'));
}

void TstStoreInput::unknownIds()
{
    DomainService &s = *m_f.service;
    constexpr qint64 nope = 987654;
    QCOMPARE(s.node(nope).error().code, ErrorCode::NotFound);
    QVERIFY(!s.refreshNode(nope));
    QVERIFY(!s.group(nope));
    QVERIFY(!s.groupDevices(nope));
    QVERIFY(!s.editGroup(nope, GroupSpec{QStringLiteral("x"), {}, GroupClass::Other}));
    QVERIFY(!s.deleteGroup(nope));
    QVERIFY(!s.makeResource(nope, m_f.nodeA, {vf0}));
    auto g = s.createGroup(GroupSpec{QStringLiteral("unknown-ids"), {}, GroupClass::Other});
    QVERIFY(!s.makeResource(g->id, nope, {vf0}));
    QVERIFY(!s.removeResource(nope, {vf0}));
    QVERIFY(!s.createVm(VmSpec{QStringLiteral("nowhere"), {}, nope, 0, 0}));
    QVERIFY(!s.createVm(VmSpec{QStringLiteral("nowhere"), {}, 0, 0, 0}));
    QVERIFY(!s.vm(nope));
    QVERIFY(!s.deleteVm(nope));
    QVERIFY(!s.attach(AttachSpec{nope, g->id, 1, {}, {}}));
    const qint64 vm = m_f.hostVm(QStringLiteral("ids-vm"));
    QVERIFY(!s.attach(AttachSpec{vm, nope, 1, {}, {}}));
    QVERIFY(!s.detach(vm, nope));
    QVERIFY(!s.restartVm(nope));
    QVERIFY(!s.powerOff(nope));
    QVERIFY(!s.tenant(nope));
    QVERIFY(!s.deleteTenant(nope));
    QVERIFY(!s.addTenantNode(nope, QStringLiteral("n"), m_f.nodeA));
    auto t = s.createTenant(QStringLiteral("ids-tenant"));
    QVERIFY(!s.addTenantNode(t->id, QStringLiteral("n"), nope));
    QVERIFY(!s.passToTenant(PassSpec{nope, g->id, 1, {}, {}}));
    auto tn = s.addTenantNode(t->id, QStringLiteral("n"), m_f.nodeA);
    QVERIFY(!s.passToTenant(PassSpec{tn->id, nope, 1, {}, {}}));
    QVERIFY(!s.createVm(VmSpec{QStringLiteral("tv"), {}, 0, t->id, nope}));
    QVERIFY(!s.findNode(QStringLiteral("no such node")));
    QVERIFY(!s.findVm(QStringLiteral("no such vm")));
}

void TstStoreInput::badAddresses()
{
    DomainService &s = *m_f.service;
    auto g = s.createGroup(GroupSpec{QStringLiteral("addr"), {}, GroupClass::Other});
    for (const QString &bad : {QStringLiteral("../../etc"), QStringLiteral("0000:17:00.8"), QStringLiteral("17:00.0"), QString()}) {
        auto r = s.makeResource(g->id, m_f.nodeA, {bad});
        QVERIFY2(!r, qPrintable(bad));
        QVERIFY(!s.removeResource(m_f.nodeA, {bad}));
    }
    QVERIFY(!s.makeResource(g->id, m_f.nodeA, {}));
    // Observed on node a, not on node b.
    auto r = s.makeResource(g->id, m_f.nodeB, {gpu2});
    QVERIFY(!r);
    QVERIFY(r.error().why.contains(QStringLiteral("not been observed")));
}

void TstStoreInput::deviceInAnotherGroup()
{
    DomainService &s = *m_f.service;
    const qint64 first = m_f.groupWith(QStringLiteral("first"), {vf0});
    QVERIFY(first);
    auto second = s.createGroup(GroupSpec{QStringLiteral("second"), {}, GroupClass::Other});
    auto r = s.makeResource(second->id, m_f.nodeA, {vf1, vf0});
    QVERIFY(!r);
    QCOMPARE(r.error().device, vf0);
    QVERIFY(r.error().hint.contains(QStringLiteral("'first'")));
    // Nothing of the request happened: vf1 is untouched.
    QCOMPARE(m_f.driverA(vf1), QStringLiteral("iavf"));
    QCOMPARE(m_f.count(QStringLiteral("SELECT COUNT(*) FROM resource_rules WHERE group_id = ?"), {second->id}), 0);
}

void TstStoreInput::tenantGroupForHostVm()
{
    DomainService &s = *m_f.service;
    const qint64 g = m_f.groupWith(QStringLiteral("tg-src"), {vf1});
    auto t = s.createTenant(QStringLiteral("tg-tenant"));
    auto tn = s.addTenantNode(t->id, QStringLiteral("tg-node"), m_f.nodeA);
    auto pool = s.passToTenant(PassSpec{tn->id, g, 1, {}, {}});
    QVERIFY(pool);
    QCOMPARE(pool->name, QStringLiteral("tg-src-1"));
    const qint64 vm = m_f.hostVm(QStringLiteral("tg-host-vm"));
    auto m = s.attach(AttachSpec{vm, pool->id, 1, {}, {}});
    QVERIFY(!m);
    QCOMPARE(m.error().code, ErrorCode::TenantGroup);
    auto onSource = s.attach(AttachSpec{vm, g, 1, {}, {}});
    QVERIFY(!onSource);
    QCOMPARE(onSource.error().code, ErrorCode::NotEnoughDevices);
    // Neither may a tenant's group be made a host resource or passed on again.
    QCOMPARE(s.makeResource(pool->id, m_f.nodeA, {vf2}).error().code, ErrorCode::TenantGroup);
    QCOMPARE(s.passToTenant(PassSpec{tn->id, pool->id, 1, {}, {}}).error().code, ErrorCode::TenantGroup);
}

void TstStoreInput::tenantVmOnWrongTenantNode()
{
    DomainService &s = *m_f.service;
    const qint64 g = m_f.groupWith(QStringLiteral("wn-src"), {vf2});
    auto t = s.createTenant(QStringLiteral("wn"));
    auto here = s.addTenantNode(t->id, QStringLiteral("here"), m_f.nodeA);
    auto there = s.addTenantNode(t->id, QStringLiteral("there"), m_f.nodeB);
    auto pool = s.passToTenant(PassSpec{here->id, g, 1, QStringLiteral("wn-pool"), {}});
    QVERIFY(pool);
    auto vm = s.createVm(VmSpec{QStringLiteral("wn-vm"), {}, 0, t->id, there->id});
    QVERIFY(vm);
    QCOMPARE(vm->nodeName, QStringLiteral("b"));
    auto m = s.attach(AttachSpec{vm->id, pool->id, 1, {}, {}});
    QVERIFY(!m);
    QCOMPARE(m.error().code, ErrorCode::WrongTenantNode);
    QVERIFY(m.error().hint.contains(QStringLiteral("here")));
    QVERIFY(!s.createVm(VmSpec{QStringLiteral("wn-vm2"), {}, m_f.nodeB, t->id, here->id}));
}

void TstStoreInput::deleteRefusedWhileInUse()
{
    DomainService &s = *m_f.service;
    const qint64 g = m_f.groupWith(QStringLiteral("busy"), {gpu2});
    QVERIFY(g);
    // Has rules: refused (the devices would be orphaned on vfio-pci).
    auto del = s.deleteGroup(g);
    QVERIFY(!del);
    QCOMPARE(del.error().code, ErrorCode::InUse);
    auto t = s.createTenant(QStringLiteral("busy-t"));
    auto tn = s.addTenantNode(t->id, QStringLiteral("busy-n"), m_f.nodeA);
    QVERIFY(s.passToTenant(PassSpec{tn->id, g, 1, {}, {}}));
    QCOMPARE(s.removeTenantNode(tn->id).error().code, ErrorCode::InUse);
    auto tvm = s.createVm(VmSpec{QStringLiteral("busy-vm"), {}, 0, t->id, tn->id});
    QVERIFY(tvm);
    QCOMPARE(s.deleteTenant(t->id).error().code, ErrorCode::InUse);
    // A tenant's device cannot be returned to the host.
    auto rr = s.removeResource(m_f.nodeA, {gpu2});
    QVERIFY(!rr);
    QCOMPARE(rr.error().code, ErrorCode::InUse);
    QCOMPARE(m_f.driverA(gpu2), QStringLiteral("vfio-pci"));
    // The node with groups' devices cannot be removed.
    QVERIFY(!s.removeNode(m_f.nodeA));
}

void TstStoreInput::refusalsAreAudited()
{
    DomainService &s = *m_f.service;
    const int before = m_f.count(QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE result = 'refused'"));
    QVERIFY(!s.createGroup(GroupSpec{QString(), {}, GroupClass::Other}));
    QVERIFY(!s.attach(AttachSpec{987, 654, 0, {}, {}}));
    QVERIFY(!s.createTenant(QStringLiteral("  ")));
    QCOMPARE(m_f.count(QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE result = 'refused'")), before + 3);
    auto a = s.audit(3);
    QCOMPARE(a->at(0).action, QStringLiteral("tenant.create"));
    QCOMPARE(a->at(1).action, QStringLiteral("vm.attach"));
    QVERIFY(a->at(1).detail.contains(QStringLiteral("Count")));
    QCOMPARE(a->at(2).action, QStringLiteral("group.create"));
    QVERIFY(a->at(2).detail.contains(QStringLiteral("empty")));
}

void TstStoreInput::passSkipsRebootPending()
{
    // A device waiting for a reboot is not free for a tenant either (as for a host VM).
    StoreFixture f;
    STORE_SETUP(f, false);
    const qint64 g = f.groupWith(QStringLiteral("VFs"), {vf0});
    QVERIFY(g);
    QVERIFY(f.sql(QStringLiteral("UPDATE devices SET reboot_pending = 1 WHERE address = ?"), {vf0}));
    auto t = f.service->createTenant(QStringLiteral("t"));
    QVERIFY(t);
    auto tn = f.service->addTenantNode(t->id, QStringLiteral("n"), f.nodeA);
    QVERIFY(tn);
    auto tg = f.service->passToTenant(PassSpec{tn->id, g, 1, {}, {}});
    QVERIFY(!tg);
    QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM tenant_pool")), 0);
}

QTEST_GUILESS_MAIN(TstStoreInput)
#include "tst_store_input.moc"
