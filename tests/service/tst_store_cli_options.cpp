// passdeck-cli options fail closed: `--db ''` is refused like `--host-root ''` (it used to open
// the default store), an option's value is never another option (`group create --name
// --description x` used to make a group named "--description"), and an existing empty file
// is not silently made a new store.
#include "CliRunner.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace passdeck::test;

class TstStoreCliOptions : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void emptyDbRefused_data();
    void emptyDbRefused();
    void optionValueIsNotAnOption_data();
    void optionValueIsNotAnOption();
    void valueStartingWithDashesByEquals();
    void zeroLengthStoreRefused();
    void newStoreCreatedConcurrently();

private:
    // Runs the CLI with a private home, so that "the default store" would land in it.
    CliRun cliAtHome(const QTemporaryDir &home, const QStringList &args) const
    {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("HOME"), home.path());
        env.insert(QStringLiteral("XDG_DATA_HOME"), home.filePath(QStringLiteral("data")));
        p.setProcessEnvironment(env);
        p.start(cliPath(), args);
        CliRun r;
        if (!p.waitForStarted(600000) || !p.waitForFinished(600000))
            return r;
        r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
        r.out = p.readAllStandardOutput();
        r.err = p.readAllStandardError();
        return r;
    }
    static bool anyStoreIn(const QString &dir)
    {
        QDir d(dir);
        for (const QFileInfo &fi : d.entryInfoList(QDir::Files | QDir::Dirs | QDir::NoDotAndDotDot | QDir::Hidden)) {
            if (fi.isDir() && anyStoreIn(fi.filePath()))
                return true;
            if (fi.fileName().endsWith(QLatin1String(".db")))
                return true;
        }
        return false;
    }
};

void TstStoreCliOptions::emptyDbRefused_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::newRow("--db ''") << QStringList{QStringLiteral("--db"), QString(), QStringLiteral("nodes")};
    QTest::newRow("--db=") << QStringList{QStringLiteral("--db="), QStringLiteral("nodes")};
    QTest::newRow("--db --json") << QStringList{QStringLiteral("--db"), QStringLiteral("--json"), QStringLiteral("nodes")};
    QTest::newRow("after the command") << QStringList{QStringLiteral("nodes"), QStringLiteral("--db"), QString()};
}

void TstStoreCliOptions::emptyDbRefused()
{
    QFETCH(QStringList, args);
    QTemporaryDir home;
    const CliRun r = cliAtHome(home, args);
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains("--db needs a file"), r.err.constData());
    QVERIFY(r.out.isEmpty());
    QVERIFY2(!anyStoreIn(home.path()), "the default store was opened");
    // --host-root '' is refused the same way.
    const CliRun root = cliAtHome(home, {QStringLiteral("--host-root"), QString(), QStringLiteral("devices")});
    QCOMPARE(root.exitCode, 2);
}

void TstStoreCliOptions::optionValueIsNotAnOption_data()
{
    QTest::addColumn<QStringList>("command");
    QTest::addColumn<QString>("option");
    QTest::newRow("group create --name --description")
        << QStringList{QStringLiteral("group"), QStringLiteral("create"), QStringLiteral("--name"), QStringLiteral("--description"),
                       QStringLiteral("x")}
        << QStringLiteral("--name");
    QTest::newRow("group create --description --name")
        << QStringList{QStringLiteral("group"), QStringLiteral("create"), QStringLiteral("--description"), QStringLiteral("--name"),
                       QStringLiteral("g")}
        << QStringLiteral("--description");
    QTest::newRow("audit --limit --json")
        << QStringList{QStringLiteral("audit"), QStringLiteral("--limit"), QStringLiteral("--json")} << QStringLiteral("--limit");
}

void TstStoreCliOptions::optionValueIsNotAnOption()
{
    QFETCH(QStringList, command);
    QFETCH(QString, option);
    QTemporaryDir dir;
    const QString db = dir.filePath(QStringLiteral("s.db"));
    const CliRun r = runCli(QStringList{QStringLiteral("--db"), db} + command);
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains((option + QStringLiteral(" needs")).toUtf8()), r.err.constData());
    const CliRun groups = runCli({QStringLiteral("--db"), db, QStringLiteral("--json"), QStringLiteral("groups")});
    QCOMPARE(groups.exitCode, 0);
    QCOMPARE(QJsonDocument::fromJson(groups.out).array().size(), 0);
}

void TstStoreCliOptions::valueStartingWithDashesByEquals()
{
    // Such a value is still possible, spelled out.
    QTemporaryDir dir;
    const QString db = dir.filePath(QStringLiteral("s.db"));
    const CliRun r = runCli({QStringLiteral("--db"), db, QStringLiteral("group"), QStringLiteral("create"), QStringLiteral("--name"),
                             QStringLiteral("g"), QStringLiteral("--description=--not-an-option")});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const CliRun groups = runCli({QStringLiteral("--db"), db, QStringLiteral("--json"), QStringLiteral("groups")});
    const QJsonArray list = QJsonDocument::fromJson(groups.out).array();
    QCOMPARE(list.size(), 1);
    QCOMPARE(list.first().toObject().value(QLatin1String("description")).toString(), QStringLiteral("--not-an-option"));
}

void TstStoreCliOptions::zeroLengthStoreRefused()
{
    QTemporaryDir dir;
    const QString db = dir.filePath(QStringLiteral("empty.db"));
    {
        QFile f(db);
        QVERIFY(f.open(QIODevice::WriteOnly));
    }
    const CliRun r = runCli({QStringLiteral("--db"), db, QStringLiteral("nodes")});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains("empty") && r.err.contains("not a Passdeck store") && r.err.contains("new store"), r.err.constData());
    QCOMPARE(QFileInfo(db).size(), 0);
    // A name that does not exist yet is a new store, as before.
    QCOMPARE(runCli({QStringLiteral("--db"), dir.filePath(QStringLiteral("new.db")), QStringLiteral("nodes")}).exitCode, 0);
}

void TstStoreCliOptions::newStoreCreatedConcurrently()
{
    // Several processes open one new store at once: none may see it half-created (an empty
    // file, which is refused), so a new store appears complete.
    QTemporaryDir dir;
    const int rounds = 5;
    const int processes = 6;
    for (int round = 0; round < rounds; ++round) {
        const QString db = dir.filePath(QStringLiteral("new-%1.db").arg(round));
        QList<QProcess *> running;
        for (int i = 0; i < processes; ++i) {
            auto *p = new QProcess(this);
            p->start(cliPath(), {QStringLiteral("--db"), db, QStringLiteral("nodes")});
            running << p;
        }
        for (QProcess *p : std::as_const(running)) {
            QVERIFY(p->waitForFinished(600000));
            QVERIFY2(p->exitStatus() == QProcess::NormalExit && p->exitCode() == 0, p->readAllStandardError().constData());
            delete p;
        }
        QVERIFY(QFileInfo(db).size() > 0);
        QCOMPARE(QDir(dir.path()).entryList({QStringLiteral("*.new-*")}, QDir::Files | QDir::Hidden).size(), 0);
    }
    qInfo("a new store opened by %d processes at once: %d races, none refused", processes, rounds);
}

QTEST_GUILESS_MAIN(TstStoreCliOptions)
#include "tst_store_cli_options.moc"
