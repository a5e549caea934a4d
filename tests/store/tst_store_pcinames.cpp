// The device listing as the dashboards read it (docs/store.md, "Listing devices"), on SQLite and
// (the _postgres run) PostgreSQL: schema step 11 moves the PCI names into pci_names with the
// data kept, a refresh writes and shares them, the listing is sorted by node name and reads
// several statements in one snapshot, which inside a write transaction is that transaction.
#include "service/DomainServiceQueries.h"
#include "service/PciNamesTable.h"
#include "store/Schema.h"
#include "store/StoreReadSnapshot.h"
#include "store/StoreTransaction.h"
#include "StoreFixture.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTest>

using namespace passdeck;
using namespace passdeck::test;

class TstStorePciNames : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void version10StoreKeepsItsNames();
    void refreshSharesAndRewritesNames();
    void listingIsByNodeNameThenAddress();
    void listingInsideAWriteKeepsTheWrite();
    void snapshotSeesOneState();
};

void TstStorePciNames::version10StoreKeepsItsNames()
{
    QTemporaryDir dir;
    QString why;
    const QString location = testStoreLocation(dir, QStringLiteral("v10.db"), &why);
    QVERIFY2(!location.isEmpty(), qPrintable(why));
    const QString driver = testBackendIsPostgres() ? QStringLiteral("QPSQL") : QStringLiteral("QSQLITE");
    QStringList statements;
    for (int v = 1; v <= 10; ++v)
        statements << Schema::step(v, driver);
    statements << QStringLiteral("UPDATE schema_version SET version = 10")
               << QStringLiteral("INSERT INTO nodes (name, host_root, simulated) VALUES ('old-node', '/nowhere', 1)")
               << QStringLiteral("INSERT INTO devices (node_id, address, vendor_id, pci_device_id, class_id, vendor_name, device_name, class_name, driver)"
                                 " VALUES (1, '0000:17:00.0', 4318, 8752, 196608, 'NVIDIA Corporation', 'GA102GL [RTX A6000]',"
                                 " 'VGA compatible controller', 'vfio-pci')")
               << QStringLiteral("INSERT INTO devices (node_id, address, vendor_id, pci_device_id, class_id, vendor_name, device_name, class_name, driver)"
                                 " VALUES (1, '0000:3c:00.0', 4318, 8752, 196608, 'NVIDIA Corporation', 'GA102GL [RTX A6000]',"
                                 " 'VGA compatible controller', 'nvidia')")
               << QStringLiteral("INSERT INTO devices (node_id, address, vendor_id, driver) VALUES (1, '0000:01:00.0', 32902, '')");
    QVERIFY2(rawStoreExec(location, statements, &why), qPrintable(why));

    auto service = DomainService::open(location, testOptions());
    QVERIFY2(service, qPrintable(service ? QString() : service.error().message()));
    QCOMPARE((*service)->store().schemaVersion(), Schema::currentVersion());
    QVERIFY(Schema::currentVersion() >= 11);
    auto devices = (*service)->devices();
    QVERIFY2(devices, qPrintable(devices ? QString() : devices.error().message()));
    QCOMPARE(devices->size(), 3);
    // Sorted by address within the node; the names as they were, the empty ones empty.
    QCOMPARE(devices->at(0).address, QStringLiteral("0000:01:00.0"));
    QCOMPARE(devices->at(0).vendorName, QString());
    QCOMPARE(devices->at(0).vendorId, 32902);
    QCOMPARE(devices->at(0).deviceId, -1);
    QCOMPARE(devices->at(0).classId, -1);
    for (int i : {1, 2}) {
        QCOMPARE(devices->at(i).vendorName, QStringLiteral("NVIDIA Corporation"));
        QCOMPARE(devices->at(i).deviceName, QStringLiteral("GA102GL [RTX A6000]"));
        QCOMPARE(devices->at(i).className, QStringLiteral("VGA compatible controller"));
        QCOMPARE(devices->at(i).classId, 196608);
        QCOMPARE(devices->at(i).deviceId, 8752);
    }
    QCOMPARE(devices->at(1).driver, QStringLiteral("vfio-pci"));
    QCOMPARE(devices->at(1).status, DeviceStatus::InUseByHost);
    QCOMPARE(devices->at(0).status, DeviceStatus::Free);
    QSqlQuery q((*service)->store().connection());
    QVERIFY(q.exec(QStringLiteral("SELECT COUNT(*), COUNT(DISTINCT names_id), COUNT(names_id) FROM devices")) && q.next());
    QCOMPARE(q.value(1).toInt(), 2); // the two GPUs share one row
    QCOMPARE(q.value(2).toInt(), 3); // no device is left without one
    QVERIFY(q.exec(QStringLiteral("SELECT COUNT(*) FROM pci_names")) && q.next());
    QCOMPARE(q.value(0).toInt(), 2);
    // The text columns are gone (one truth for a device's names).
    QVERIFY(!q.exec(QStringLiteral("SELECT vendor_name FROM devices")));
}

void TstStorePciNames::refreshSharesAndRewritesNames()
{
    StoreFixture f;
    STORE_SETUP(f, true);
    // node a and node b are the same kind of host: every triple is stored once.
    QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM pci_names")),
             f.count(QStringLiteral("SELECT COUNT(DISTINCT names_id) FROM devices")));
    QVERIFY(f.count(QStringLiteral("SELECT COUNT(*) FROM pci_names")) < f.count(QStringLiteral("SELECT COUNT(*) FROM devices")) / 2);
    auto before = f.service->devices(f.nodeA);
    QVERIFY(before);
    DeviceRecord gpu;
    for (const DeviceRecord &d : std::as_const(*before))
        if (d.address == gpu1)
            gpu = d;
    QVERIFY(!gpu.deviceName.isEmpty());

    // Names that differ (another pci.ids): a refresh writes the node's own names back, reusing
    // their row, and the stray triple stays unreferenced.
    QVERIFY(f.sql(QStringLiteral("INSERT INTO pci_names (vendor_name, device_name, class_name) VALUES ('Old vendor', 'Old name', 'Old class')")));
    const qint64 stray = f.scalar(QStringLiteral("SELECT id FROM pci_names WHERE vendor_name = 'Old vendor'")).toLongLong();
    QVERIFY(f.sql(QStringLiteral("UPDATE devices SET names_id = ? WHERE id = ?"), {stray, gpu.id}));
    auto changed = f.service->devices(f.nodeA);
    QVERIFY(changed);
    for (const DeviceRecord &d : std::as_const(*changed))
        if (d.id == gpu.id)
            QCOMPARE(d.deviceName, QStringLiteral("Old name"));
    const int rows = f.count(QStringLiteral("SELECT COUNT(*) FROM pci_names"));
    auto refreshed = f.service->refreshNode(f.nodeA);
    QVERIFY2(refreshed, qPrintable(refreshed ? QString() : refreshed.error().message()));
    auto after = f.service->devices(f.nodeA);
    QVERIFY(after);
    for (const DeviceRecord &d : std::as_const(*after)) {
        if (d.id != gpu.id)
            continue;
        QCOMPARE(d.vendorName, gpu.vendorName);
        QCOMPARE(d.deviceName, gpu.deviceName);
        QCOMPARE(d.className, gpu.className);
    }
    QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM pci_names")), rows);
    QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM devices WHERE names_id = ?"), {stray}), 0);

    // Within one write: a triple is added once, then found.
    StoreTransaction tx(f.service->store());
    QVERIFY(tx.begun());
    PciNamesTable names(f.db());
    const PciNamesTable::Names fresh{QStringLiteral("Vendor X"), QStringLiteral("Card Y"), QStringLiteral("Class Z")};
    auto id = names.idOf(fresh, QStringLiteral("test"));
    QVERIFY(id && *id > 0);
    auto again = names.idOf(fresh, QStringLiteral("test"));
    QVERIFY(again);
    QCOMPARE(*again, *id);
    auto existing = names.idOf({gpu.vendorName, gpu.deviceName, gpu.className}, QStringLiteral("test"));
    QVERIFY(existing);
    QCOMPARE(*existing, f.scalar(QStringLiteral("SELECT names_id FROM devices WHERE id = ?"), {gpu.id}).toLongLong());
    QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM pci_names")), rows + 1);
}

void TstStorePciNames::listingIsByNodeNameThenAddress()
{
    StoreFixture f;
    STORE_SETUP(f, true);
    // Node b named so that it sorts first although it was added second.
    QVERIFY(f.sql(QStringLiteral("UPDATE nodes SET name = '0-first' WHERE id = ?"), {f.nodeB}));
    auto all = f.service->devices();
    QVERIFY(all);
    QCOMPARE(all->size(), f.count(QStringLiteral("SELECT COUNT(*) FROM devices")));
    QCOMPARE(all->first().nodeId, f.nodeB);
    QCOMPARE(all->last().nodeId, f.nodeA);
    for (qsizetype i = 1; i < all->size(); ++i) {
        const DeviceRecord &p = all->at(i - 1);
        const DeviceRecord &d = all->at(i);
        QVERIFY2(p.nodeName < d.nodeName || (p.nodeName == d.nodeName && p.address < d.address),
                 qPrintable(p.nodeName + QLatin1Char(' ') + p.address + QStringLiteral(" before ") + d.nodeName + QLatin1Char(' ') + d.address));
    }
    // One node, and one group: the same records as in the whole listing.
    const qint64 g = f.groupWith(QStringLiteral("GPUs"), {gpu1});
    QVERIFY(g);
    auto inGroup = f.service->groupDevices(g);
    QVERIFY(inGroup);
    QCOMPARE(inGroup->size(), 2); // the GPU and its audio function
    QCOMPARE(inGroup->at(0).address, gpu1);
    QCOMPARE(inGroup->at(0).groupId, g);
    QCOMPARE(inGroup->at(0).groupName, QStringLiteral("GPUs"));
    QCOMPARE(inGroup->at(0).status, DeviceStatus::InResourceGroup);
    auto nodeB = f.service->devices(f.nodeB);
    QVERIFY(nodeB);
    QCOMPARE(nodeB->size(), f.count(QStringLiteral("SELECT COUNT(*) FROM devices WHERE node_id = ?"), {f.nodeB}));
    for (const DeviceRecord &d : std::as_const(*nodeB))
        QCOMPARE(d.nodeName, QStringLiteral("0-first"));
}

void TstStorePciNames::listingInsideAWriteKeepsTheWrite()
{
    StoreFixture f;
    STORE_SETUP(f, false);
    {
        StoreTransaction tx(f.service->store());
        QVERIFY(tx.begun());
        QVERIFY(f.sql(QStringLiteral("INSERT INTO tenants (name) VALUES ('written inside')")));
        // The listing's snapshot is the write transaction itself: no second BEGIN (refused by
        // SQLite, only warned about by PostgreSQL), and no ROLLBACK of the writer's change.
        auto devices = DomainServiceQueries::devices(f.db(), f.nodeA);
        QVERIFY2(devices, qPrintable(devices ? QString() : devices.error().message()));
        QVERIFY(!devices->isEmpty());
        QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM tenants WHERE name = 'written inside'")), 1);
        QVERIFY(tx.commit());
    }
    f.reopen();
    QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM tenants WHERE name = 'written inside'")), 1);
}

void TstStorePciNames::snapshotSeesOneState()
{
    StoreFixture f;
    STORE_SETUP(f, false);
    // A second administrator: another Store on the same database, its own connection.
    auto other = Store::open(f.dbPath());
    QVERIFY2(other, qPrintable(other ? QString() : other.error().message()));
    const QString count = QStringLiteral("SELECT COUNT(*) FROM tenants");
    {
        StoreReadSnapshot snapshot(f.db(), QStringLiteral("test"));
        QVERIFY(snapshot.begun());
        QCOMPARE(f.count(count), 0);
        QVERIFY((*other)->beginWrite());
        QVERIFY(StoreQuery::run((*other)->connection(), QStringLiteral("INSERT INTO tenants (name) VALUES ('meanwhile')"), {}, QStringLiteral("test")));
        QVERIFY((*other)->commit());
        QCOMPARE(f.count(count), 0); // still the state the snapshot began with
    }
    QCOMPARE(f.count(count), 1);
}

QTEST_GUILESS_MAIN(TstStorePciNames)
#include "tst_store_pcinames.moc"
