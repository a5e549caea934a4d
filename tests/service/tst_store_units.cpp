// Passthrough units: one owner per IOMMU group, enforced by the store's triggers (direct SQL),
// flagged at open when an old store has a split group, and capacity counted in units.
#include "service/PassthroughUnits.h"
#include "StoreFixture.h"

using namespace passdeck;
using namespace passdeck::test;

class TstStoreUnits : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void triggersRefuseASplit();
    void countCountsUnits();
    void splitGroupFlaggedAtOpen();
    void capacityInUnits();
    void capacityLeavesOutChangedDevices();
    void wording();

private:
    static qint64 machineDevice(const StoreFixture &f, qint64 vmId)
    {
        return f.scalar(QStringLiteral("SELECT id FROM machine_devices WHERE vm_id = ?"), {vmId}).toLongLong();
    }
    static void expectRefused(const StoreFixture &f, const QString &sql, const QVariantList &values, const char *reason)
    {
        QString error;
        QVERIFY2(!f.sql(sql, values, &error), qPrintable(QStringLiteral("accepted: ") + sql));
        QVERIFY2(error.contains(QLatin1String(reason)), qPrintable(error));
    }
    static QString allocSql()
    {
        return QStringLiteral("INSERT INTO allocations (machine_device_id, vm_id, group_id, device_id, node_id, vm_scope, rule_group_id)"
                              " VALUES (?, ?, ?, ?, ?, 0, ?)");
    }
};

void TstStoreUnits::triggersRefuseASplit()
{
    StoreFixture f;
    STORE_SETUP(f, false);
    const qint64 g = f.groupWith(QStringLiteral("GPUs"), {gpu1});
    const qint64 a = f.hostVm(QStringLiteral("a"));
    const qint64 b = f.hostVm(QStringLiteral("b"));
    QVERIFY(f.service->attach(AttachSpec{a, g, 1, {}, {}}));
    QVERIFY(f.service->attach(AttachSpec{b, g, 1, {}, {}}));
    QVERIFY(f.service->restartVm(a));
    QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM allocations WHERE vm_id = ?"), {a}), 2); // GPU + audio
    const qint64 audio = f.deviceId(f.nodeA, gpu1Audio);

    // Take the audio function away from VM a by SQL (allowed: a smaller hold is no split)...
    QVERIFY(f.sql(QStringLiteral("DELETE FROM allocations WHERE device_id = ?"), {audio}));
    QVERIFY(f.sql(QStringLiteral("DELETE FROM device_holds WHERE device_id = ?"), {audio}));
    // ...then no tenant may hold it, and no other VM may be allocated it: the group is a's.
    auto t = f.service->createTenant(QStringLiteral("t"));
    QVERIFY(t);
    expectRefused(f, QStringLiteral("INSERT INTO device_holds (device_id, holder_scope) VALUES (?, ?)"), {audio, t->id},
                  "another consumer holds a device of the same IOMMU group");
    QVERIFY(f.sql(QStringLiteral("INSERT INTO device_holds (device_id, holder_scope) VALUES (?, 0)"), {audio}));
    expectRefused(f, allocSql(), {machineDevice(f, b), b, g, audio, f.nodeA, g}, "another VM has a device of the same IOMMU group");
    // An update moving a's GPU allocation to b while a keeps... nothing else: allowed only whole.
    expectRefused(f, QStringLiteral("UPDATE device_holds SET holder_scope = ? WHERE device_id = ?"), {t->id, audio},
                  "another consumer holds a device of the same IOMMU group");
    // VM a may take its own unit's audio function back (same unit: within Count 1).
    QVERIFY(f.sql(allocSql(), {machineDevice(f, a), a, g, audio, f.nodeA, g}));
    QVERIFY(f.service->splitIommuGroups()->isEmpty());

    // Through the service, b finds no whole unit: refused, nothing split.
    auto r = f.service->restartVm(b);
    QVERIFY(!r);
    QCOMPARE(r.error().code, ErrorCode::NotEnoughDevices);
}

void TstStoreUnits::countCountsUnits()
{
    StoreFixture f;
    STORE_SETUP(f, false);
    const qint64 g = f.groupWith(QStringLiteral("GPUs"), {gpu1, gpu2});
    const qint64 a = f.hostVm(QStringLiteral("a"));
    QVERIFY(f.service->attach(AttachSpec{a, g, 1, {}, {}}));
    QVERIFY(f.service->restartVm(a));
    // Count 1 is one unit of two functions.
    QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM allocations WHERE vm_id = ?"), {a}), 2);
    const qint64 md = machineDevice(f, a);
    // A device of a second unit exceeds Count 1.
    const qint64 other = f.deviceId(f.nodeA, gpu2);
    QVERIFY(f.sql(QStringLiteral("INSERT INTO device_holds (device_id, holder_scope) VALUES (?, 0)"), {other}));
    expectRefused(f, allocSql(), {md, a, g, other, f.nodeA, g}, "allocation exceeds the machine device Count");
    // Count 2 lets it in; lowering back to 1 under two allocated units is refused.
    QVERIFY(f.sql(QStringLiteral("UPDATE machine_devices SET count = 2 WHERE id = ?"), {md}));
    QVERIFY(f.sql(allocSql(), {md, a, g, other, f.nodeA, g}));
    expectRefused(f, QStringLiteral("UPDATE machine_devices SET count = 1 WHERE id = ?"), {md}, "allocation exceeds the machine device Count");
}

void TstStoreUnits::splitGroupFlaggedAtOpen()
{
    StoreFixture f;
    STORE_SETUP(f, false);
    const qint64 g = f.groupWith(QStringLiteral("GPUs"), {gpu1});
    const qint64 a = f.hostVm(QStringLiteral("web-01"));
    const qint64 b = f.hostVm(QStringLiteral("ml-02"));
    QVERIFY(f.service->attach(AttachSpec{a, g, 1, {}, {}}));
    QVERIFY(f.service->attach(AttachSpec{b, g, 1, {}, {}}));
    QVERIFY(f.service->restartVm(a));
    QVERIFY(f.service->openWarnings().isEmpty());
    // What a store written before whole groups were allocated looks like: a's GPU, b's audio.
    const qint64 audio = f.deviceId(f.nodeA, gpu1Audio);
    QVERIFY(f.sql(QStringLiteral("DELETE FROM allocations WHERE device_id = ?"), {audio}));
    QVERIFY(f.dropTrigger(QStringLiteral("allocations_one_vm_per_iommu_group"), QStringLiteral("allocations")));
    QVERIFY(f.sql(allocSql(), {machineDevice(f, b), b, g, audio, f.nodeA, g}));
    QVERIFY(f.sql(QStringLiteral("UPDATE vms SET power = 'on' WHERE id = ?"), {b}));

    QCOMPARE(f.reopen(), QString());
    const QStringList warnings = f.service->openWarnings();
    QCOMPARE(warnings.size(), 1);
    QVERIFY2(warnings.first().contains(QStringLiteral("IOMMU group")) && warnings.first().contains(QStringLiteral("node 'a'"))
                 && warnings.first().contains(QStringLiteral("VM 'web-01' (0000:17:00.0)"))
                 && warnings.first().contains(QStringLiteral("VM 'ml-02' (0000:17:00.1)"))
                 && warnings.first().contains(QStringLiteral("Power off all but one")),
             qPrintable(warnings.first()));
    auto split = f.service->splitIommuGroups();
    QVERIFY(split);
    QCOMPARE(split->size(), 1);
    QCOMPARE(split->first().nodeId, f.nodeA);
    QCOMPARE(split->first().vmIds.size(), 2);
    QVERIFY(split->first().vmIds.contains(a) && split->first().vmIds.contains(b));

    // Doing what it says (power off one, start it again) repairs it: the start takes whole units.
    QVERIFY(f.service->powerOff(b));
    QVERIFY(f.service->splitIommuGroups()->isEmpty());
    QCOMPARE(f.reopen(), QString());
    QVERIFY(f.service->openWarnings().isEmpty());
}

void TstStoreUnits::capacityInUnits()
{
    StoreFixture f;
    STORE_SETUP(f, false);
    auto g = f.service->createGroup(GroupSpec{QStringLiteral("GPUs"), {}, GroupClass::Gpu});
    QVERIFY(g);
    QVERIFY(f.service->makeResource(g->id, f.nodeA, {gpu1, gpu2}));
    auto listed = f.service->group(g->id);
    QCOMPARE(listed->total, 2);
    QCOMPARE(listed->functions, 4);
    QCOMPARE(listed->free, 2);
    const qint64 a = f.hostVm(QStringLiteral("a"));
    const qint64 b = f.hostVm(QStringLiteral("b"));

    auto avail = f.service->availabilityForVm(a, g->id);
    QVERIFY(avail);
    QCOMPARE(avail->total, 2);
    QCOMPARE(avail->capacity, 2);
    QCOMPARE(avail->free, 2);
    QCOMPARE(avail->freeUnitSizes, (QList<int>{2, 2}));
    QCOMPARE(avail->functionsFor(1), 2);

    QVERIFY(f.service->attach(AttachSpec{a, g->id, 1, {}, {}}));
    QVERIFY(f.service->restartVm(a));
    // For a, its own unit is its own: not "in use", and its machine device claims one unit.
    avail = f.service->availabilityForVm(a, g->id);
    QCOMPARE(avail->own, 1);
    QCOMPARE(avail->inUse, 0);
    QCOMPARE(avail->claimed, 1);
    QCOMPARE(avail->capacity, 1);
    QCOMPARE(avail->free, 1);
    // For b, a's unit is in use.
    avail = f.service->availabilityForVm(b, g->id);
    QCOMPARE(avail->inUse, 1);
    QCOMPARE(avail->capacity, 2);
    QCOMPARE(avail->free, 1);
    listed = f.service->group(g->id);
    QCOMPARE(listed->inUse, 1);
    QCOMPARE(listed->free, 1);

    // The service's attach refuses exactly what the availability says.
    auto over = f.service->attach(AttachSpec{b, g->id, 3, {}, {}});
    QVERIFY(!over);
    QVERIFY2(over.error().why.contains(QStringLiteral("2 GPUs")), qPrintable(over.error().why));
    QVERIFY(f.service->attach(AttachSpec{b, g->id, 2, {}, {}}));

    // A tenant node: a pass takes only whole free units; what it gets is reserved for host VMs.
    auto t = f.service->createTenant(QStringLiteral("t"));
    auto tn = f.service->addTenantNode(t->id, QStringLiteral("tn"), f.nodeA);
    QVERIFY(tn);
    auto forTenant = f.service->availabilityForTenantNode(tn->id, g->id);
    QVERIFY(forTenant);
    QCOMPARE(forTenant->capacity, 1);
    QCOMPARE(forTenant->inUse, 1);
    auto pool = f.service->passToTenant(PassSpec{tn->id, g->id, 1, {}, {}});
    QVERIFY(pool);
    QCOMPARE(pool->total, 1);
    QCOMPARE(pool->functions, 2);
    QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM tenant_pool WHERE group_id = ?"), {pool->id}), 2);
    avail = f.service->availabilityForVm(b, g->id);
    QCOMPARE(avail->reserved, 1);
    QCOMPARE(avail->claimed, 2);
    QCOMPARE(avail->capacity, 0);    // 2 units, 1 the tenant's, and b's Count 2 claims both
    QCOMPARE(f.service->availabilityForTenantNode(tn->id, g->id)->capacity, 0);
    listed = f.service->group(g->id);
    QCOMPARE(listed->tenantReserved, 1);
    QCOMPARE(listed->free, 0);

    // A tenant VM counts its pool in units too.
    auto tvm = f.service->createVm(VmSpec{QStringLiteral("tvm"), {}, 0, t->id, tn->id});
    QVERIFY(tvm);
    avail = f.service->availabilityForVm(tvm->id, pool->id);
    QCOMPARE(avail->capacity, 1);
    QCOMPARE(avail->freeUnitSizes, (QList<int>{2}));
    QVERIFY(f.service->attach(AttachSpec{tvm->id, pool->id, 1, {}, {}}));
    auto started = f.service->restartVm(tvm->id);
    QVERIFY(started);
    QCOMPARE(started->allocated.size(), 2);
}

void TstStoreUnits::capacityLeavesOutChangedDevices()
{
    StoreFixture f;
    STORE_SETUP(f, false);
    const qint64 g = f.groupWith(QStringLiteral("GPUs"), {gpu1, gpu2});
    const qint64 a = f.hostVm(QStringLiteral("a"));
    // The audio function of the second GPU changed its ids: its whole unit is left out, by the
    // form's availability and by attach alike (one rule, counted in one place).
    QVERIFY(f.sql(QStringLiteral("UPDATE devices SET ids_changed = 1 WHERE id = ?"), {f.deviceId(f.nodeA, gpu2Audio)}));
    auto avail = f.service->availabilityForVm(a, g);
    QCOMPARE(avail->flagged, 1);
    QCOMPARE(avail->capacity, 1);
    QVERIFY(!f.service->attach(AttachSpec{a, g, 2, {}, {}}));
    QVERIFY(f.service->attach(AttachSpec{a, g, 1, {}, {}}));
    auto started = f.service->restartVm(a);
    QVERIFY(started);
    QCOMPARE(started->allocated.size(), 2);
    QCOMPARE(started->allocated.first().address, gpu1);
}

void TstStoreUnits::wording()
{
    QCOMPARE(PassthroughUnits::describe(1, 2, GroupClass::Gpu), QStringLiteral("1 GPU (2 functions)"));
    QCOMPARE(PassthroughUnits::describe(2, 4, GroupClass::Gpu), QStringLiteral("2 GPUs (4 functions)"));
    QCOMPARE(PassthroughUnits::describe(3, 3, GroupClass::Network), QStringLiteral("3 network devices"));
    QCOMPARE(PassthroughUnits::describe(0, 0, GroupClass::Other), QStringLiteral("0 devices"));
}

QTEST_GUILESS_MAIN(TstStoreUnits)
#include "tst_store_units.moc"
