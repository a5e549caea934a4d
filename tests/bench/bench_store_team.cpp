// Benchmark (label bench): how long a change committed through one Store takes to reach
// another Store's StoreWatcher — what an administrator waits before another's change appears
// on the dashboards. PostgreSQL (PASSDECK_TEST_DB=postgres): NOTIFY at COMMIT; SQLite: PRAGMA
// data_version polled every StoreWatcher::pollMs. Prints p50 / p99 / worst of `rounds` changes
// (each a group created through the service); fails when p99 is a second or more.
#include "PgTestServer.h"
#include "service/DomainService.h"
#include "store/Store.h"
#include "store/StoreWatcher.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <algorithm>

using namespace passdeck;
using namespace passdeck::test;

class BenchStoreTeam : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void notificationLatency();
};

void BenchStoreTeam::notificationLatency()
{
    constexpr int rounds = 100;
    QTemporaryDir dir;
    QString location = dir.filePath(QStringLiteral("team.db"));
    if (testBackendIsPostgres()) {
        QString why;
        location = PgTestServer::instance().createDatabase(&why);
        QVERIFY2(!location.isEmpty(), qPrintable(why));
    }
    ServiceOptions options;
    options.user = QStringLiteral("bench");
    auto writer = DomainService::open(location, options);
    QVERIFY(writer);
    auto reader = Store::open(location);
    QVERIFY(reader);
    StoreWatcher watcher(**reader);
    QVERIFY2(watcher.start(), qPrintable(watcher.error()));
    QList<double> latencies;
    QElapsedTimer clock;
    bool seen = false;
    connect(&watcher, &StoreWatcher::changed, this, [&] { seen = true; });
    for (int i = 0; i < rounds; ++i) {
        // Quiet first: nothing from the previous round still on its way.
        QTest::qWait(20);
        seen = false;
        clock.start();
        QVERIFY((*writer)->createGroup(GroupSpec{QStringLiteral("g%1").arg(i), {}, GroupClass::Other}));
        const qint64 committed = clock.nsecsElapsed();
        QEventLoop loop;
        QTimer giveUp;
        giveUp.setSingleShot(true);
        connect(&giveUp, &QTimer::timeout, &loop, &QEventLoop::quit);
        connect(&watcher, &StoreWatcher::changed, &loop, &QEventLoop::quit);
        giveUp.start(10000);
        if (!seen)
            loop.exec();
        QVERIFY2(seen, "no change notification within 10 s");
        latencies << double(clock.nsecsElapsed() - committed) / 1e6;
    }
    std::sort(latencies.begin(), latencies.end());
    const double p50 = latencies.at(latencies.size() / 2);
    const double p99 = latencies.at(std::min<qsizetype>(latencies.size() - 1, qsizetype(latencies.size() * 0.99)));
    qInfo("%s: change seen by another connection after (ms, %d changes): p50 %.1f, p99 %.1f, worst %.1f (coalescing %d ms%s)",
          testBackendIsPostgres() ? "PostgreSQL NOTIFY" : "SQLite data_version", rounds, p50, p99, latencies.last(),
          StoreWatcher::coalesceMs, testBackendIsPostgres() ? "" : qPrintable(QStringLiteral(", polled every %1 ms").arg(StoreWatcher::pollMs)));
    QVERIFY2(p99 < 1000.0, qPrintable(QStringLiteral("p99 %1 ms").arg(p99)));
}

QTEST_GUILESS_MAIN(BenchStoreTeam)
#include "bench_store_team.moc"
