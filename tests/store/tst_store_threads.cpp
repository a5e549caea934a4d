// Store connections from many short-lived threads (the GUI runs store work on QtConcurrent pool
// threads): OS thread ids are reused, connection names must not be, and a finished thread's
// connection must go away with it.
#include "StoreFixture.h"
#include "store/Store.h"
#include "store/StoreQuery.h"

#include <QMutex>
#include <QSqlDatabase>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QThreadPool>

#include <atomic>
#include <memory>

using namespace passdeck;

namespace {

QMutex warningsMutex;
QStringList warnings;
QtMessageHandler previousHandler = nullptr;

void recordWarnings(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    if (type == QtWarningMsg || type == QtCriticalMsg) {
        QMutexLocker lock(&warningsMutex);
        warnings << message;
    }
    if (previousHandler)
        previousHandler(type, context, message);
}

// One query on this thread's connection; the error text when it fails.
QString queryOnce(const Store &store)
{
    auto db = store.checkedConnection();
    if (!db)
        return db.error().message();
    auto v = StoreQuery::scalar(*db, QStringLiteral("SELECT COUNT(*) FROM nodes"), {}, QStringLiteral("Counting nodes"));
    if (!v)
        return v.error().message();
    return {};
}

int storeConnections()
{
    int n = 0;
    const QStringList names = QSqlDatabase::connectionNames();
    for (const QString &name : names)
        n += name.startsWith(QLatin1String("passdeck-")) ? 1 : 0;
    return n;
}

} // namespace

class TestStoreThreads : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init()
    {
        QMutexLocker lock(&warningsMutex);
        warnings.clear();
        previousHandler = qInstallMessageHandler(recordWarnings);
    }

    void cleanup()
    {
        qInstallMessageHandler(previousHandler);
    }

    void shortLivedQThreads()
    {
        QTemporaryDir dir;
        auto store = Store::open(passdeck::test::testStoreLocation(dir, QStringLiteral("s.db")));
        QVERIFY2(store, qPrintable(store ? QString() : store.error().message()));
        const int before = storeConnections();
        QStringList failures;
        for (int i = 0; i < 40; ++i) {
            QString failure;
            std::unique_ptr<QThread> t(QThread::create([&] { failure = queryOnce(**store); }));
            t->start();
            QVERIFY(t->wait(10000));
            if (!failure.isEmpty())
                failures << failure;
        }
        QVERIFY2(failures.isEmpty(), qPrintable(failures.join(QLatin1Char('\n'))));
        // Each finished thread took its connection with it (its thread_local cleanup may run
        // just after wait() returns).
        QTRY_COMPARE(storeConnections(), before);
        QMutexLocker lock(&warningsMutex);
        QVERIFY2(warnings.isEmpty(), qPrintable(warnings.join(QLatin1Char('\n'))));
    }

    void expiringPoolThreads()
    {
        QTemporaryDir dir;
        auto store = Store::open(passdeck::test::testStoreLocation(dir, QStringLiteral("s.db")));
        QVERIFY2(store, qPrintable(store ? QString() : store.error().message()));
        QThreadPool pool;
        pool.setMaxThreadCount(2);
        pool.setExpiryTimeout(1);
        std::atomic<int> failed{0};
        QString firstFailure;
        QMutex failureMutex;
        for (int round = 0; round < 20; ++round) {
            for (int i = 0; i < 4; ++i) {
                pool.start([&] {
                    const QString f = queryOnce(**store);
                    if (!f.isEmpty()) {
                        failed.fetch_add(1);
                        QMutexLocker lock(&failureMutex);
                        firstFailure = f;
                    }
                });
            }
            QVERIFY(pool.waitForDone(600000));
            QThread::msleep(15); // the idle threads expire and exit
        }
        QVERIFY2(failed.load() == 0, qPrintable(firstFailure));
        QMutexLocker lock(&warningsMutex);
        QVERIFY2(warnings.isEmpty(), qPrintable(warnings.join(QLatin1Char('\n'))));
    }

    void threadEndClosesItsConnection()
    {
        // The thread holds the last reference to the Store; its connection goes when it ends,
        // before the Store does, quietly.
        QTemporaryDir dir;
        QThread *worker = nullptr;
        QMutex gate;
        gate.lock();
        {
            auto store = Store::open(passdeck::test::testStoreLocation(dir, QStringLiteral("s.db")));
            QVERIFY(store);
            std::atomic<bool> queried{false};
            QString failure;
            worker = QThread::create([&, s = *store] {
                failure = queryOnce(*s);
                queried = true;
                gate.lock();
                gate.unlock();
            });
            worker->start();
            QTRY_VERIFY(queried.load());
            QVERIFY2(failure.isEmpty(), qPrintable(failure));
        }
        gate.unlock();
        QVERIFY(worker->wait(10000));
        delete worker;
        QTRY_COMPARE(storeConnections(), 0);
        QMutexLocker lock(&warningsMutex);
        QVERIFY2(warnings.isEmpty(), qPrintable(warnings.join(QLatin1Char('\n'))));
    }
};

QTEST_GUILESS_MAIN(TestStoreThreads)
#include "tst_store_threads.moc"
