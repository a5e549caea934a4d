// Schema step 7: nodes behind an agent. A version-6 store opens, gains the four agent columns
// (empty on its rows) and loses nothing; the store reads the NodeInfo fields back.
#include "store/Schema.h"
#include "StoreFixture.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTest>

using namespace passdeck;
using namespace passdeck::test;

class TstStoreAgentColumns : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void version6StoreGainsTheColumns();
    void agentFieldsAreReadBack();
};

void TstStoreAgentColumns::version6StoreGainsTheColumns()
{
    SQLITE_ONLY();
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("v6.db"));
    QStringList statements;
    for (int v = 1; v <= 6; ++v)
        statements << Schema::step(v, QStringLiteral("QSQLITE"));
    statements << QStringLiteral("UPDATE schema_version SET version = 6")
               << QStringLiteral("INSERT INTO nodes (name, host_root, simulated, canonical_root, machine_id, refreshed_at)"
                                 " VALUES ('old-node', '/nowhere', 1, '/nowhere', '0123456789abcdef0123456789abcdef', '2026-01-02T03:04:05.000Z')")
               << QStringLiteral("INSERT INTO devices (node_id, address, vendor_id, driver) VALUES (1, '0000:01:00.0', 4318, 'nvidia')")
               << QStringLiteral("INSERT INTO resource_groups (name, description, class) VALUES ('Old GPUs', 'kept', 'GPU')");
    QString error;
    QVERIFY2(rawStoreExec(path, statements, &error), qPrintable(error));

    auto service = DomainService::open(path, testOptions());
    QVERIFY2(service, qPrintable(service ? QString() : service.error().message()));
    QCOMPARE((*service)->store().schemaVersion(), Schema::currentVersion());
    QVERIFY(Schema::currentVersion() >= 7);
    auto node = (*service)->findNode(QStringLiteral("old-node"));
    QVERIFY(node);
    QCOMPARE(node->hostRoot, QStringLiteral("/nowhere"));
    QVERIFY(node->simulated);
    QCOMPARE(node->refreshedAt, QDateTime::fromString(QStringLiteral("2026-01-02T03:04:05.000Z"), Qt::ISODateWithMs));
    QVERIFY(node->agentFingerprint.isEmpty());
    QVERIFY(node->agentToken.isEmpty());
    QVERIFY(node->agentVersion.isEmpty());
    QVERIFY(!node->unreachableSince.isValid());
    QSqlQuery q((*service)->store().connection());
    QVERIFY(q.exec(QStringLiteral("SELECT agent_fingerprint, agent_token, agent_version, unreachable_since, machine_id FROM nodes")));
    QVERIFY(q.next());
    for (int i = 0; i < 4; ++i)
        QCOMPARE(q.value(i).toString(), QString());
    QCOMPARE(q.value(4).toString(), QStringLiteral("0123456789abcdef0123456789abcdef"));
    QVERIFY(q.exec(QStringLiteral("SELECT driver FROM devices WHERE address = '0000:01:00.0'")) && q.next());
    QCOMPARE(q.value(0).toString(), QStringLiteral("nvidia"));
    QVERIFY((*service)->findGroup(QStringLiteral("Old GPUs")));
    QVERIFY(q.exec(QStringLiteral("SELECT COUNT(*), MAX(version) FROM schema_version")) && q.next());
    QCOMPARE(q.value(0).toInt(), 1);
    QCOMPARE(q.value(1).toInt(), Schema::currentVersion());
}

void TstStoreAgentColumns::agentFieldsAreReadBack()
{
    StoreFixture f;
    STORE_SETUP(f, false);
    const QString since = QStringLiteral("2026-12-01T22:10:00.000Z");
    const QString fingerprint = QStringLiteral("SHA256:") + QString(64, u'a');
    QVERIFY(f.sql(QStringLiteral("UPDATE nodes SET agent_fingerprint = ?, agent_token = ?, agent_version = ?, unreachable_since = ? WHERE id = ?"),
                  {fingerprint, QString(64, u'b'), QStringLiteral("1.2.3"), since, f.nodeA}));
    auto n = f.service->node(f.nodeA);
    QVERIFY(n);
    QCOMPARE(n->agentFingerprint, fingerprint);
    QCOMPARE(n->agentToken, QString(64, u'b'));
    QCOMPARE(n->agentVersion, QStringLiteral("1.2.3"));
    QCOMPARE(n->unreachableSince, QDateTime::fromString(since, Qt::ISODateWithMs));
    QVERIFY(n->unreachableSince.isValid());
    QVERIFY(f.sql(QStringLiteral("UPDATE nodes SET unreachable_since = '' WHERE id = ?"), {f.nodeA}));
    QVERIFY(!f.service->node(f.nodeA)->unreachableSince.isValid());
}

QTEST_MAIN(TstStoreAgentColumns)
#include "tst_store_agentcolumns.moc"
