// Benchmark (ctest label bench): the listing queries the dashboards use, on a store with 10,000
// devices, 2,000 resource groups and 5,000 VMs (bulk-inserted directly for setup speed). Prints
// the best of several runs per query; fails when one is over 50 ms. SQLite; with
// PASSDECK_TEST_DB=postgres (bench_store_postgres) a database on PgTestServer.h's throwaway server.
#include "PgTestServer.h"
#include "node/LocalNodeConnector.h"
#include "service/DomainService.h"
#include "store/Store.h"

#include <QElapsedTimer>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <functional>

using namespace passdeck;
using namespace passdeck::test;

namespace {
constexpr int nodeCount = 10;
constexpr int devicesPerNode = 1000;    // 10,000 devices
constexpr int hostGroups = 1800;        // + 200 tenant groups = 2,000 groups
constexpr int devicesPerGroup = 4;      // 7,200 rules
constexpr int tenantCount = 50;
constexpr int tenantGroups = 200;
constexpr int vmCount = 5000;
constexpr int auditEntries = 20000;
constexpr qint64 limitMs = 50;
} // namespace

class BenchStore : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void listings();

private:
    bool exec(QSqlQuery &q, const QVariantList &values);
    qint64 groupDevice(int group, int index) const
    {
        // Group g's devices sit on node g % nodeCount, slots spread over that node.
        const int node = group % nodeCount;
        const int slot = (group / nodeCount) * devicesPerGroup + index;
        return qint64(node) * devicesPerNode + slot + 1;
    }

    QTemporaryDir m_dir;
    std::unique_ptr<DomainService> m_service;
};

bool BenchStore::exec(QSqlQuery &q, const QVariantList &values)
{
    for (int i = 0; i < values.size(); ++i)
        q.bindValue(i, values.at(i));
    if (!q.exec()) {
        qWarning() << q.lastQuery() << q.lastError().text();
        return false;
    }
    return true;
}

void BenchStore::initTestCase()
{
    QElapsedTimer setup;
    setup.start();
    // PASSDECK_BENCH_KEEP=1 keeps the store for a look with sqlite3 (EXPLAIN QUERY PLAN).
    if (qEnvironmentVariableIsSet("PASSDECK_BENCH_KEEP")) {
        m_dir.setAutoRemove(false);
        qInfo("store: %s", qPrintable(m_dir.filePath(QStringLiteral("bench.db"))));
    }
    ServiceOptions options;
    options.nodeFactory = localNodes();
    QString location = m_dir.filePath(QStringLiteral("bench.db"));
    if (testBackendIsPostgres()) {
        QString why;
        location = PgTestServer::instance().createDatabase(&why);
        QVERIFY2(!location.isEmpty(), qPrintable(why));
    }
    auto service = DomainService::open(location, options);
    QVERIFY(service);
    m_service = std::move(service).value();
    QSqlDatabase db = m_service->store().connection();
    QVERIFY(m_service->store().beginWrite());
    QSqlQuery q(db);
    QVERIFY(q.prepare(QStringLiteral("INSERT INTO nodes (id, name, host_root, simulated) VALUES (?, ?, ?, 1)")));
    for (int n = 0; n < nodeCount; ++n)
        QVERIFY(exec(q, {n + 1, QStringLiteral("node-%1").arg(n, 2, 10, QLatin1Char('0')), QStringLiteral("/sim/%1").arg(n)}));
    QVERIFY(q.exec(QStringLiteral("INSERT INTO pci_names (id, vendor_name, device_name, class_name)"
                                  " VALUES (1, 'NVIDIA Corporation', 'GA102GL [RTX A6000]', 'VGA compatible controller')")));
    QVERIFY(q.prepare(QStringLiteral(
        "INSERT INTO devices (id, node_id, address, vendor_id, pci_device_id, subsys_vendor_id, subsys_device_id, class_id,"
        " names_id, driver, iommu_group, numa_node, is_bridge, reboot_pending)"
        " VALUES (?, ?, ?, 4318, 8752, 4318, 5209, 196608, 1, ?, ?, 0, ?, ?)")));
    for (int n = 0; n < nodeCount; ++n) {
        for (int i = 0; i < devicesPerNode; ++i) {
            const qint64 id = qint64(n) * devicesPerNode + i + 1;
            const QString address = QStringLiteral("0000:%1:%2.%3").arg(i / 32 + 1, 2, 16, QLatin1Char('0'))
                                        .arg((i % 32) / 8 * 4, 2, 16, QLatin1Char('0')).arg(i % 8);
            // The last 100 slots of a node are bridges (never in a group); a few wait for a reboot.
            const bool bridge = i >= devicesPerNode - 100;
            QVERIFY(exec(q, {id, n + 1, address, bridge ? QStringLiteral("pcieport") : QStringLiteral("vfio-pci"), i, bridge ? 1 : 0,
                             (i % 997 == 5) ? 1 : 0}));
        }
    }
    QVERIFY(q.prepare(QStringLiteral("INSERT INTO resource_groups (id, name, description, class) VALUES (?, ?, 'bench', 'GPU')")));
    for (int g = 0; g < hostGroups; ++g)
        QVERIFY(exec(q, {g + 1, QStringLiteral("group %1").arg(g, 4, 10, QLatin1Char('0'))}));
    QVERIFY(q.prepare(QStringLiteral(
        "INSERT INTO resource_rules (group_id, device_id, node_id, address, vendor_id, pci_device_id, subsys_vendor_id, subsys_device_id,"
        " created_at) SELECT ?, id, node_id, address, vendor_id, pci_device_id, subsys_vendor_id, subsys_device_id, 'now'"
        " FROM devices WHERE id = ?")));
    for (int g = 0; g < hostGroups; ++g)
        for (int i = 0; i < devicesPerGroup; ++i)
            QVERIFY(exec(q, {g + 1, groupDevice(g, i)}));
    // Tenants: tenant node k on group k's node; tenant group k holds slot 3 of host group k.
    QVERIFY(q.prepare(QStringLiteral("INSERT INTO tenants (id, name) VALUES (?, ?)")));
    for (int t = 0; t < tenantCount; ++t)
        QVERIFY(exec(q, {t + 1, QStringLiteral("tenant %1").arg(t)}));
    QSqlQuery tn(db), tg(db), hold(db), pool(db);
    QVERIFY(tn.prepare(QStringLiteral("INSERT INTO tenant_nodes (id, tenant_id, name, node_id) VALUES (?, ?, ?, ?)")));
    QVERIFY(tg.prepare(QStringLiteral("INSERT INTO resource_groups (id, name, class, owner_scope, tenant_id, tenant_node_id, source_group_id)"
                                      " VALUES (?, ?, 'GPU', ?, ?, ?, ?)")));
    QVERIFY(hold.prepare(QStringLiteral("INSERT INTO device_holds (device_id, holder_scope) VALUES (?, ?)")));
    QVERIFY(pool.prepare(QStringLiteral("INSERT INTO tenant_pool (device_id, tenant_id, group_id, tenant_node_id, node_id) VALUES (?, ?, ?, ?, ?)")));
    for (int k = 0; k < tenantGroups; ++k) {
        const int tenant = k % tenantCount + 1;
        const int node = k % nodeCount + 1;
        const qint64 groupId = hostGroups + k + 1;
        const qint64 device = groupDevice(k, 3);
        QVERIFY(exec(tn, {k + 1, tenant, QStringLiteral("tn %1").arg(k), node}));
        QVERIFY(exec(tg, {groupId, QStringLiteral("pool %1").arg(k), tenant, tenant, k + 1, k + 1}));
        QVERIFY(exec(hold, {device, tenant}));
        QVERIFY(exec(pool, {device, tenant, groupId, k + 1, node}));
    }
    // VMs: VM v on group (v % hostGroups)'s node with one machine device of Count 1 from it;
    // the first 2,500 are running with slot v / hostGroups of that group.
    QSqlQuery vm(db), md(db), alloc(db);
    QVERIFY(vm.prepare(QStringLiteral("INSERT INTO vms (id, name, node_id, power, restart_needed) VALUES (?, ?, ?, ?, ?)")));
    QVERIFY(md.prepare(QStringLiteral("INSERT INTO machine_devices (id, vm_id, name, group_id, count, owner_scope) VALUES (?, ?, 'gpu', ?, 1, 0)")));
    QVERIFY(alloc.prepare(QStringLiteral("INSERT INTO allocations (machine_device_id, vm_id, group_id, device_id, node_id, vm_scope, rule_group_id)"
                                         " VALUES (?, ?, ?, ?, ?, 0, ?)")));
    for (int v = 0; v < vmCount; ++v) {
        const int group = v % hostGroups;
        const bool running = v < 2500 && v / hostGroups < 3;
        QVERIFY(exec(vm, {v + 1, QStringLiteral("vm-%1").arg(v, 5, 10, QLatin1Char('0')), group % nodeCount + 1,
                          running ? QStringLiteral("on") : QStringLiteral("off"), running ? 0 : 1}));
        QVERIFY(exec(md, {v + 1, v + 1, group + 1}));
        if (running) {
            const qint64 device = groupDevice(group, v / hostGroups);
            QVERIFY(exec(hold, {device, 0}));
            QVERIFY(exec(alloc, {v + 1, v + 1, group + 1, device, group % nodeCount + 1, group + 1}));
        }
    }
    QVERIFY(q.prepare(QStringLiteral("INSERT INTO audit_log (at, os_user, action, subject, result, detail) VALUES (?, 'bench', 'vm.restart', ?, ?, '')")));
    for (int a = 0; a < auditEntries; ++a)
        QVERIFY(exec(q, {QStringLiteral("2026-01-01T00:00:%1Z").arg(a % 60, 2, 10, QLatin1Char('0')), QStringLiteral("VM 'vm-%1'").arg(a % vmCount),
                         a % 7 ? QStringLiteral("ok") : QStringLiteral("refused")}));
    QVERIFY(q.exec(QStringLiteral("UPDATE nodes SET reboot_required = 1 WHERE id IN (SELECT DISTINCT node_id FROM devices WHERE reboot_pending = 1)")));
    q.finish();
    QVERIFY(m_service->store().commit());
    QVERIFY(QSqlQuery(db).exec(QStringLiteral("ANALYZE")));
    qInfo("setup: %lld ms (%d devices, %d groups, %d VMs)", setup.elapsed(), nodeCount * devicesPerNode, hostGroups + tenantGroups, vmCount);
}

void BenchStore::listings()
{
    DomainService &s = *m_service;
    struct Case
    {
        const char *name;
        std::function<int()> run; // returns the row count (-1: error)
    };
    auto size = [](const auto &r) { return r ? int(r->size()) : -1; };
    const QList<Case> cases = {
        {"nodes", [&] { return size(s.nodes()); }},
        {"devices(all)", [&] { return size(s.devices()); }},
        {"devices(node)", [&] { return size(s.devices(3)); }},
        {"groups(host)", [&] { return size(s.groups(GroupOwner::Host)); }},
        {"groups(all)", [&] { return size(s.allGroups()); }},
        {"group(id)", [&] { return s.group(1234) ? 1 : -1; }},
        {"groupDevices", [&] { return size(s.groupDevices(77)); }},
        {"groupDevices(tenant)", [&] { return size(s.groupDevices(hostGroups + 5)); }},
        {"groupMachineDevices", [&] { return size(s.groupMachineDevices(77)); }},
        {"vms", [&] { return size(s.vms()); }},
        {"vm(id)", [&] { return s.vm(4321) ? 1 : -1; }},
        {"machineDevices(vm)", [&] { return size(s.machineDevices(42)); }},
        {"tenants", [&] { return size(s.tenants()); }},
        {"tenantNodes", [&] { return size(s.tenantNodes()); }},
        {"rebootRequired", [&] { return size(s.rebootRequired()); }},
        {"audit(500)", [&] { return size(s.audit(500)); }},
    };
    QStringList slow;
    qInfo("%-22s %8s %8s %8s", "query", "rows", "best ms", "worst ms");
    for (const Case &c : cases) {
        qint64 best = std::numeric_limits<qint64>::max(), worst = 0;
        int rows = 0;
        for (int i = 0; i < 5; ++i) {
            QElapsedTimer t;
            t.start();
            rows = c.run();
            const qint64 ms = t.elapsed();
            best = std::min(best, ms);
            worst = std::max(worst, ms);
        }
        QVERIFY2(rows >= 0, c.name);
        qInfo("%-22s %8d %8lld %8lld", c.name, rows, best, worst);
        if (best >= limitMs)
            slow << QString::fromLatin1(c.name);
    }
    QVERIFY2(slow.isEmpty(), qPrintable(QStringLiteral("over %1 ms: %2").arg(limitMs).arg(slow.join(QLatin1String(", ")))));
}

QTEST_GUILESS_MAIN(BenchStore)
#include "bench_store.moc"
