// passdeck-cli fails closed: a FIFO in place of an attribute, proc/mounts or the simulator's
// description never hangs `devices`, `plan` or `bind` (each runs as a child with a timeout, so a
// hang fails the test instead of stalling it); a guard that cannot read proc/mounts blocks the
// bind of the disk holding "/"; `sim fault` and `sriov --vfs` refuse malformed numbers and
// patterns as usage errors (exit 2) and change nothing.
#include "tst_cli_bind_util.h"

#include <sys/stat.h>

using namespace passdeck::test;

namespace {
const QString kNvmeRoot = QStringLiteral("0000:03:00.0"); // nvme0n1p2 is mounted on / in node-a

// The file the path names, behind the device link.
QString realPath(const QString &root, const QString &relative)
{
    const QFileInfo info(root + u'/' + relative);
    const QString dir = QFileInfo(info.absolutePath()).canonicalFilePath();
    return dir.isEmpty() ? info.absoluteFilePath() : dir + u'/' + info.fileName();
}

bool makeFifo(const QString &path)
{
    QFile::remove(path);
    return ::mkfifo(QFile::encodeName(path).constData(), 0644) == 0;
}

QByteArray fileBytes(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray("<missing>");
}
} // namespace

class TestCliFailClosed : public CliBindTest
{
    Q_OBJECT

    int m_fifoRuns = 0;
    int m_badInputs = 0;
    int m_guardRuns = 0;

    // One CLI run that must end on its own within 20 s; exitCode -1 when it did not (it is then
    // killed). runProgram() cannot tell: a process still running reads as exit code 0 there.
    CliRun bounded(const QString &root, const QStringList &args)
    {
        QProcess p;
        p.start(cliPath(), QStringList{QStringLiteral("--host-root"), root, QStringLiteral("--simulate"), QStringLiteral("--pci-ids"),
                                       pinnedPciIds()} + args);
        CliRun r;
        if (!p.waitForStarted(600000))
            return r;
        const bool ended = p.waitForFinished(600000);
        if (!ended || p.state() != QProcess::NotRunning) {
            p.kill();
            p.waitForFinished(600000);
            return r; // hung
        }
        r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
        r.out = p.readAllStandardOutput();
        r.err = p.readAllStandardError();
        return r;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(!cliPath().isEmpty(), "PASSDECK_CLI is not set (run through ctest)");
        QVERIFY(m_tmp.isValid());
    }

    void cleanupTestCase()
    {
        qInfo("fail-closed CLI: %d runs on FIFO roots (each must end on its own), %d guard runs, %d bad inputs (each must be exit 2)",
              m_fifoRuns, m_guardRuns, m_badInputs);
    }

    void fifoNeverHangs_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("device"); // what `plan` and `bind` are asked to move
        QTest::addColumn<bool>("bindRefused");
        const auto attr = [](const QString &a, const char *name) {
            return QStringLiteral("sys/bus/pci/devices/%1/%2").arg(a, QLatin1String(name));
        };
        QTest::newRow("driver_override") << attr(kGpu, "driver_override") << kGpu << true;
        QTest::newRow("vendor") << attr(kGpu, "vendor") << kGpu << true;
        QTest::newRow("reset_method") << attr(kGpu, "reset_method") << kGpu << true;
        QTest::newRow("sriov_numvfs") << attr(kPf, "sriov_numvfs") << kPf << true;
        QTest::newRow("operstate") << QStringLiteral("sys/class/net/eno1/operstate") << kNicUp << true;
        QTest::newRow("proc/mounts") << QStringLiteral("proc/mounts") << kNvmeRoot << true;
        QTest::newRow("description.json") << QStringLiteral(".passdeck-sim/description.json") << kNic2 << false;
    }

    void fifoNeverHangs()
    {
        QFETCH(QString, file);
        QFETCH(QString, device);
        QFETCH(bool, bindRefused);
        const QString root = freshRoot();
        const QString before = driverOf(root, device);
        QVERIFY(makeFifo(realPath(root, file)));
        for (const QStringList &args : {QStringList{QStringLiteral("devices"), QStringLiteral("--json")},
                                        QStringList{QStringLiteral("plan"), device},
                                        QStringList{QStringLiteral("bind"), device}}) {
            const CliRun r = bounded(root, args);
            ++m_fifoRuns;
            QVERIFY2(r.exitCode != -1, qPrintable(QStringLiteral("`%1` hung on a FIFO as %2").arg(args.join(u' '), file)));
        }
        if (bindRefused)
            QCOMPARE(driverOf(root, device), before);
    }

    // The disk that holds "/" with proc/mounts missing, a directory or a dangling link: the
    // bind is refused and the NVMe stays on its driver.
    void unreadableMountsBlockTheRootDisk_data()
    {
        QTest::addColumn<int>("how");
        QTest::newRow("missing") << 0;
        QTest::newRow("a directory") << 1;
        QTest::newRow("a dangling link") << 2;
        QTest::newRow("8 MiB") << 3;
    }

    void unreadableMountsBlockTheRootDisk()
    {
        QFETCH(int, how);
        const QString root = freshRoot();
        const QString mounts = root + QStringLiteral("/proc/mounts");
        const QByteArray original = fileBytes(mounts);
        QVERIFY(QFile::remove(mounts));
        if (how == 1)
            QVERIFY(QDir().mkpath(mounts));
        else if (how == 2)
            QVERIFY(QFile::link(QStringLiteral("self/mounts"), mounts));
        else if (how == 3) {
            QFile f(mounts);
            QVERIFY(f.open(QIODevice::WriteOnly));
            QByteArray filler;
            while (filler.size() < 8 * 1024 * 1024)
                filler += "tmpfs /run/user/1000 tmpfs rw,nosuid,nodev,relatime 0 0\n";
            f.write(filler + original);
        }
        ++m_guardRuns;
        CliRun r = bounded(root, {QStringLiteral("bind"), kNvmeRoot, QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.out.contains("mounts-unknown"), r.out.constData());
        QCOMPARE(driverOf(root, kNvmeRoot), QStringLiteral("nvme"));
    }

    void simFaultRefusesBadInput_data()
    {
        QTest::addColumn<QString>("pattern");
        QTest::addColumn<QString>("errnoText");
        const QString ok = QStringLiteral("sys/bus/pci/drivers_probe");
        for (const char *e : {"999999", "0", "-5", "134", "4096", "2147483648", "1e3", " 16", "+16", "16 ", "0x10", "EBUSY2", ""})
            QTest::addRow("--errno '%s'", e) << ok << QString::fromLatin1(e);
        for (const char *p : {"../etc/passwd", "sys/../../x", "./sys/bus/pci/drivers_probe", "sys//bus", "sys/bus/pci/drivers/*/../bind",
                              "sys/bus/pci/..", "..", ".", "/", "sys/bus\n/pci"})
            QTest::addRow("pattern '%s'", p) << QString::fromLatin1(p) << QStringLiteral("EBUSY");
    }

    void simFaultRefusesBadInput()
    {
        QFETCH(QString, pattern);
        QFETCH(QString, errnoText);
        if (m_faultRoot.isEmpty())
            m_faultRoot = freshRoot();
        const CliRun r = runCli({QStringLiteral("--host-root"), m_faultRoot, QStringLiteral("sim"), QStringLiteral("fault"), pattern,
                                 QStringLiteral("--errno"), errnoText});
        ++m_badInputs;
        QVERIFY2(r.exitCode == 2, r.err.constData());
        QVERIFY(!QFileInfo::exists(m_faultRoot + QStringLiteral("/.passdeck-sim/faults.json")));
    }

    void sriovRefusesBadCounts_data()
    {
        QTest::addColumn<QString>("vfs");
        for (const char *v : {" 2", "+2", "2 ", "0x2", "-1", "1e1", "2.0", "65536", "99999999999", "", "٢", "２", "2\n"})
            QTest::addRow("--vfs '%s'", v) << QString::fromUtf8(v);
    }

    void sriovRefusesBadCounts()
    {
        QFETCH(QString, vfs);
        if (m_sriovRoot.isEmpty())
            m_sriovRoot = freshRoot();
        const QString numvfs = realPath(m_sriovRoot, QStringLiteral("sys/bus/pci/devices/%1/sriov_numvfs").arg(kPf));
        const QByteArray before = fileBytes(numvfs);
        const CliRun r = cli(m_sriovRoot, {QStringLiteral("sriov"), kPf, QStringLiteral("--vfs"), vfs});
        ++m_badInputs;
        QVERIFY2(r.exitCode == 2, r.err.constData());
        QCOMPARE(fileBytes(numvfs), before);
    }

    // The plain forms still work.
    void goodInputStillWorks()
    {
        const QString root = freshRoot();
        CliRun r = runCli({QStringLiteral("--host-root"), root, QStringLiteral("sim"), QStringLiteral("fault"),
                           QStringLiteral("sys/bus/pci/drivers/*/bind"), QStringLiteral("--errno"), QStringLiteral("16")});
        QCOMPARE(r.exitCode, 0);
        r = runCli({QStringLiteral("--host-root"), root, QStringLiteral("sim"), QStringLiteral("fault"), QStringLiteral("--clear")});
        QCOMPARE(r.exitCode, 0);
        r = cli(root, {QStringLiteral("sriov"), kPf, QStringLiteral("--vfs"), QStringLiteral("0")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        r = cli(root, {QStringLiteral("sriov"), kPf, QStringLiteral("--vfs"), QStringLiteral("2")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(fileBytes(realPath(root, QStringLiteral("sys/bus/pci/devices/%1/sriov_numvfs").arg(kPf))), QByteArray("2\n"));
    }

private:
    QString m_faultRoot;
    QString m_sriovRoot;
};

QTEST_GUILESS_MAIN(TestCliFailClosed)
#include "tst_cli_failclosed.moc"
