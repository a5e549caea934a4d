// One host is one node: a second registration of the same host root ("R/", a symlink to R) or
// of a host with the same machine id is refused with the name of the first node; a store that
// already has one host as two nodes is filled in and warned about at open; `sim build` gives
// every simulated host its own machine id and keeps it when rebuilt.
#include "sim/SimHostBuilder.h"
#include "StoreFixture.h"

#include <QFile>
#include <QRegularExpression>

using namespace passdeck;
using namespace passdeck::test;

class TstStoreIdentity : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void sameRootRefused_data();
    void sameRootRefused();
    void sameMachineIdRefused();
    void otherHostAccepted();
    void existingDuplicatesWarned();
    void simBuildWritesMachineId();
};

namespace {

QByteArray machineId(const QString &root)
{
    return readRootFile(root, QStringLiteral("etc/machine-id")).trimmed();
}

} // namespace

void TstStoreIdentity::sameRootRefused_data()
{
    QTest::addColumn<QString>("spelling");
    QTest::newRow("trailing slash") << QStringLiteral("%1/");
    QTest::newRow("dot") << QStringLiteral("%1/.");
    QTest::newRow("dot-dot") << QStringLiteral("%1/../a");
    QTest::newRow("symlink") << QStringLiteral("link");
}

void TstStoreIdentity::sameRootRefused()
{
    QFETCH(QString, spelling);
    StoreFixture f;
    STORE_SETUP(f, false);
    QString root = spelling.arg(f.rootA);
    if (spelling == QLatin1String("link")) {
        root = f.dir.path() + QStringLiteral("/link-to-a");
        QVERIFY(QFile::link(f.rootA, root));
    }
    // Even with its machine id gone, the path alone says it is node a's host.
    QVERIFY(QFile::remove(f.rootA + QStringLiteral("/etc/machine-id")));
    auto r = f.service->addNode(QStringLiteral("again"), root, true);
    QVERIFY(!r);
    QCOMPARE(r.error().code, ErrorCode::SameHost);
    QVERIFY2(r.error().why.contains(QStringLiteral("'a'")), qPrintable(r.error().message()));
    QVERIFY2(r.error().hint.contains(QStringLiteral("'a'")), qPrintable(r.error().message()));
    QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM nodes")), 1);
    QString result;
    QCOMPARE(f.lastAudit(&result), QStringLiteral("node.add"));
    QCOMPARE(result, QStringLiteral("refused"));
}

void TstStoreIdentity::sameMachineIdRefused()
{
    // A second root that is the same host (a copy, another mount of it): same machine id.
    StoreFixture f;
    STORE_SETUP(f, false);
    const QString other = buildSimRoot(f.dir, demoDescription(QStringLiteral("node-b")), QStringLiteral("other"));
    QVERIFY(!other.isEmpty());
    QFile id(other + QStringLiteral("/etc/machine-id"));
    QVERIFY(id.open(QIODevice::WriteOnly | QIODevice::Truncate));
    id.write(machineId(f.rootA) + '\n');
    id.close();
    auto r = f.service->addNode(QStringLiteral("b"), other, true);
    QVERIFY(!r);
    QCOMPARE(r.error().code, ErrorCode::SameHost);
    QVERIFY2(r.error().why.contains(QStringLiteral("'a'")) && r.error().why.contains(QString::fromLatin1(machineId(f.rootA))),
             qPrintable(r.error().message()));
    QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM nodes")), 1);
}

void TstStoreIdentity::otherHostAccepted()
{
    StoreFixture f;
    STORE_SETUP(f, true);
    QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM nodes")), 2);
    QCOMPARE(f.scalar(QStringLiteral("SELECT machine_id FROM nodes WHERE name = 'a'")).toByteArray(), machineId(f.rootA));
    QCOMPARE(f.scalar(QStringLiteral("SELECT canonical_root FROM nodes WHERE name = 'b'")).toString(),
             QFileInfo(f.rootB).canonicalFilePath());
    QVERIFY(machineId(f.rootA) != machineId(f.rootB));
}

void TstStoreIdentity::existingDuplicatesWarned()
{
    // A store written before nodes had an identity, with node a's host added twice.
    StoreFixture f;
    STORE_SETUP(f, true);
    QVERIFY(f.sql(QStringLiteral("UPDATE nodes SET canonical_root = '', machine_id = ''")));
    QVERIFY(f.sql(QStringLiteral("INSERT INTO nodes (name, host_root, simulated) VALUES ('a2', ?, 1)"), {QString(f.rootA + u'/')}));
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("nodes 'a' and 'a2' are one host .*node remove a2")));
    QVERIFY(f.reopen().isEmpty());
    // Filled in from the roots.
    QCOMPARE(f.scalar(QStringLiteral("SELECT canonical_root FROM nodes WHERE name = 'a2'")).toString(),
             QFileInfo(f.rootA).canonicalFilePath());
    QCOMPARE(f.scalar(QStringLiteral("SELECT machine_id FROM nodes WHERE name = 'b'")).toByteArray(), machineId(f.rootB));
    // The duplicate can be removed, and then the store opens without a warning.
    QVERIFY(f.service->removeNode(f.scalar(QStringLiteral("SELECT id FROM nodes WHERE name = 'a2'")).toLongLong()));
    QTest::failOnWarning(QRegularExpression(QStringLiteral("one host")));
    QVERIFY(f.reopen().isEmpty());
}

void TstStoreIdentity::simBuildWritesMachineId()
{
    QTemporaryDir dir;
    const QString one = buildSimRoot(dir, demoDescription(), QStringLiteral("one"));
    const QString two = buildSimRoot(dir, demoDescription(), QStringLiteral("two"));
    QVERIFY(!one.isEmpty() && !two.isEmpty());
    QVERIFY(QRegularExpression(QStringLiteral("^[0-9a-f]{32}$")).match(QString::fromLatin1(machineId(one))).hasMatch());
    QVERIFY(machineId(one) != machineId(two));
    // Rebuilt, it is still the same host.
    const QByteArray before = machineId(one);
    SimHostBuilder::Options force;
    force.force = true;
    QVERIFY(SimHostBuilder::build(demoDescription(), one, force));
    QCOMPARE(machineId(one), before);
}

QTEST_GUILESS_MAIN(TstStoreIdentity)
#include "tst_store_identity.moc"
