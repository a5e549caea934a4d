// Fail closed, files: a FIFO, a link loop or a huge file in place of an attribute, of
// proc/mounts, of the persistence or of the simulator's own files never hangs Passdeck and is
// never read without bound. A FIFO that something opens blocking would hang the test for ever,
// so a watchdog thread opens every FIFO of the case from the other side after a while: that
// unblocks the hung open(), and the case fails ("the watchdog had to unblock it") instead of
// hanging.
#include "node/bind/Binder.h"
#include "node/inventory/Inventory.h"
#include "node/host/PersistentConfig.h"
#include "node/host/RealSysfsWriter.h"
#include "sim/SimHostDescription.h"
#include "tst_binder_sim.h"
#include "tst_failclosed_util.h"

#include <QAtomicInt>
#include <QTest>
#include <QThread>

#include <cerrno>
#include <fcntl.h>
#include <unistd.h>

using namespace bindtest;
using namespace failclosed;

namespace {

// After `seconds`, keeps opening each FIFO from both sides (non-blocking) until stopped: a
// reader blocked in open() gets a writer and then EOF, a writer blocked in open() gets a
// reader. fired() says whether anything had to be unblocked.
class FifoWatchdog
{
public:
    FifoWatchdog(QStringList fifos, int seconds = 15) : m_fifos(std::move(fifos))
    {
        m_thread = QThread::create([this, seconds] {
            for (int i = 0; i < seconds * 20 && !m_stop.loadAcquire(); ++i)
                QThread::msleep(50);
            while (!m_stop.loadAcquire()) {
                for (const QString &f : std::as_const(m_fifos)) {
                    const QByteArray p = QFile::encodeName(f);
                    const int w = ::open(p.constData(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
                    if (w >= 0) { // a reader was waiting
                        m_fired.storeRelease(1);
                        ::close(w);
                    }
                    const int r = ::open(p.constData(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
                    if (r >= 0) {
                        char buffer[4096];
                        while (::read(r, buffer, sizeof buffer) > 0)
                            m_fired.storeRelease(1); // a writer got through
                        ::close(r);
                    }
                }
                QThread::msleep(50);
            }
        });
        m_thread->start();
    }
    ~FifoWatchdog()
    {
        m_stop.storeRelease(1);
        m_thread->wait();
        delete m_thread;
    }
    bool fired() const { return m_fired.loadAcquire() != 0; }

private:
    QStringList m_fifos;
    QThread *m_thread = nullptr;
    QAtomicInt m_stop{0};
    QAtomicInt m_fired{0};
};

QString attr(const QString &address, const QString &name)
{
    return QStringLiteral("sys/bus/pci/devices/%1/%2").arg(address, name);
}

// The file the path names, behind the device link (the FIFO replaces the real attribute).
QString realPath(const SimNode &n, const QString &relative)
{
    const QFileInfo info(n.path(relative));
    const QString dir = QFileInfo(info.absolutePath()).canonicalFilePath();
    return dir.isEmpty() ? info.absoluteFilePath() : dir + u'/' + info.fileName();
}

// The plan to move device to vfio-pci holds a forcible blocker with this code.
bool blockedBy(HostAccess &node, const QString &device, const QString &code)
{
    Result<BindPlan> plan = Binder(node).plan({device}, BindTarget::VfioPci);
    if (!plan)
        return false;
    for (const Finding &f : plan->blockers(false))
        if (f.code == code && f.device == device && f.forcible)
            return true;
    qWarning("no %s blocker for %s: %s", qPrintable(code), qPrintable(device), qPrintable(joinFindingMessages(plan->findings)));
    return false;
}

} // namespace

class FailClosedFiles : public QObject
{
    Q_OBJECT

    int m_fifoCases = 0;
    int m_hugeCases = 0;

private Q_SLOTS:
    void cleanupTestCase()
    {
        qInfo("fail-closed files: %d FIFO cases and %d oversized files (none may hang or be read in part)", m_fifoCases,
              m_hugeCases);
    }

    // A FIFO as an attribute the inventory reads: the scan returns, the device is left out (its
    // attributes reach libpci otherwise) or its guard input is marked unreadable, and a bind is
    // refused without touching the device.
    void fifoAttributeNeverHangs_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("device");
        QTest::addColumn<bool>("leftOut");
        QTest::newRow("vendor") << attr(kNic2, QStringLiteral("vendor")) << kNic2 << true;
        QTest::newRow("class") << attr(kNic2, QStringLiteral("class")) << kNic2 << true;
        QTest::newRow("driver_override") << attr(kNic2, QStringLiteral("driver_override")) << kNic2 << true;
        QTest::newRow("reset_method") << attr(kGpu, QStringLiteral("reset_method")) << kGpu << true;
        QTest::newRow("sriov_numvfs") << attr(kPf, QStringLiteral("sriov_numvfs")) << kPf << true;
        QTest::newRow("boot_vga") << attr(kVga, QStringLiteral("boot_vga")) << kVga << true;
        QTest::newRow("net/eth0/operstate") << QStringLiteral("sys/class/net/eth0/operstate") << kNicUp << false;
    }

    void fifoAttributeNeverHangs()
    {
        QFETCH(QString, file);
        QFETCH(QString, device);
        QFETCH(bool, leftOut);
        SimNode n;
        const QString before = n.driver(device);
        const QString fifo = realPath(n, file);
        QVERIFY(replaceWithFifo(fifo));
        ++m_fifoCases;
        FifoWatchdog watchdog({fifo});

        Result<InventorySnapshot> s = n.node->inventory();
        QVERIFY2(s, s ? "" : qPrintable(s.error().message()));
        const PciDevice *d = s->find(device);
        if (leftOut) {
            QVERIFY(!d);
            QVERIFY2(s->warnings.join(u'\n').contains(QLatin1String("not a regular file")), qPrintable(s->warnings.join(u'\n')));
        } else {
            QVERIFY(d);
            QVERIFY(blockedBy(*n.node, device, QStringLiteral("host-use-unknown")));
        }
        Result<ApplyResult> r = Binder(*n.node).run({device}, BindTarget::VfioPci);
        QVERIFY(!r);
        // The writers, asked directly, refuse the FIFO at once.
        QVERIFY(n.node->writer().write(file, "vfio-pci\n") != 0);
        QVERIFY(RealSysfsWriter(HostRoot(n.root)).write(file, "vfio-pci\n") != 0);
        QVERIFY2(!watchdog.fired(), "a read or write blocked on the FIFO until the watchdog unblocked it");
        QCOMPARE(n.driver(device), before);
    }

    // A FIFO as a file of the node: proc/mounts, proc/swaps, the persistence, the simulator's
    // description, state and fault files.
    void fifoNodeFileNeverHangs_data()
    {
        QTest::addColumn<QString>("file");
        QTest::newRow("proc/mounts") << QStringLiteral("proc/mounts");
        QTest::newRow("proc/swaps") << QStringLiteral("proc/swaps");
        QTest::newRow("rules file") << PersistentConfig::rulesRelativePath();
        QTest::newRow("lock file") << PersistentConfig::lockRelativePath();
        QTest::newRow("modules-load.d") << PersistentConfig::modulesRelativePath();
        QTest::newRow("description.json") << QStringLiteral(".passdeck-sim/description.json");
        QTest::newRow("state.json") << QStringLiteral(".passdeck-sim/state.json");
        QTest::newRow("faults.json") << QStringLiteral(".passdeck-sim/faults.json");
    }

    void fifoNodeFileNeverHangs()
    {
        QFETCH(QString, file);
        SimNode n;
        const QString fifo = n.path(file);
        QDir().mkpath(QFileInfo(fifo).absolutePath());
        // For proc/swaps: a disk that is not mounted anywhere, so only swap could hold it.
        if (file == QLatin1String("proc/swaps"))
            QVERIFY(writeText(n.path(QStringLiteral("proc/mounts")), "sysfs /sys sysfs rw 0 0\n"));
        QVERIFY(replaceWithFifo(fifo));
        ++m_fifoCases;
        FifoWatchdog watchdog({fifo});

        // Everything that reads or writes these files.
        Result<BindPlan> plan = Binder(*n.node).plan({kNvme}, BindTarget::VfioPci);
        if (file.startsWith(QLatin1String("proc/"))) {
            QVERIFY(plan);
            bool blocked = false;
            for (const Finding &f : plan->blockers(false))
                blocked = blocked || f.code == QLatin1String("mounts-unknown");
            QVERIFY2(blocked, qPrintable(joinFindingMessages(plan->findings)));
        }
        ApplyOptions nextBoot;
        nextBoot.nextBoot = true;
        nextBoot.force = true;
        (void)Binder(*n.node).run({kNic2}, BindTarget::VfioPci, nextBoot);
        (void)PersistentConfig(HostRoot(n.root)).overrides();
        (void)n.node->writer().write(attr(kNic2, QStringLiteral("driver_override")), "vfio-pci\n");
        (void)n.node->writer().write(QStringLiteral("sys/bus/pci/drivers/vfio-pci/new_id"), "8086 10d3\n");
        (void)n.node->simKernel()->injectFault(QStringLiteral("sys/bus/pci/drivers_probe"), EIO);
        (void)SimHostDescription::readJsonFile(fifo);
        (void)n.node->reboot();
        QVERIFY2(!watchdog.fired(), "a read or write blocked on the FIFO until the watchdog unblocked it");
    }

    // Oversized files are refused (EFBIG), never read in part: a guard that read only the first
    // megabytes of proc/mounts would miss the line that names the root file system.
    void oversizedFilesAreRefused()
    {
        SimNode n;
        QByteArray big;
        const QByteArray line = "tmpfs /run/user/1000 tmpfs rw,nosuid,nodev,relatime,size=1612345k 0 0\n";
        while (big.size() < 6 * 1024 * 1024)
            big += line;
        big += "/dev/nvme0n1p2 / ext4 rw,relatime 0 0\n";
        QVERIFY(writeText(n.path(QStringLiteral("proc/mounts")), big));
        ++m_hugeCases;
        Result<QString> read = n.node->readAttribute(QStringLiteral("proc/mounts"));
        QVERIFY(!read);
        QCOMPARE(read.error().errnum, EFBIG);
        Result<BindPlan> plan = Binder(*n.node).plan({kNvme}, BindTarget::VfioPci);
        QVERIFY(plan);
        bool blocked = false;
        for (const Finding &f : plan->blockers(false))
            blocked = blocked || f.code == QLatin1String("mounts-unknown");
        QVERIFY(blocked);

        // An attribute larger than a page: refused, and the device's guard input is unreadable.
        QVERIFY(writeText(realPath(n, attr(kNic2, QStringLiteral("driver_override"))), QByteArray(100 * 1024, 'a')));
        ++m_hugeCases;
        Result<InventorySnapshot> s = n.node->inventory();
        QVERIFY(s);
        const PciDevice *d = s->find(kNic2);
        QVERIFY(d);
        QVERIFY(d->driverOverride.isEmpty());
        QVERIFY(blockedBy(*n.node, kNic2, QStringLiteral("host-use-unknown")));
        QVERIFY(!Binder(*n.node).run({kNic2}, BindTarget::VfioPci));
        QCOMPARE(n.driver(kNic2), QStringLiteral("e1000e"));

        // The rules file: the same cap.
        QVERIFY(writeText(n.path(PersistentConfig::rulesRelativePath()), big));
        ++m_hugeCases;
        Result<QMap<QString, QString>> rules = PersistentConfig(HostRoot(n.root)).overrides();
        QVERIFY(!rules);

    }
};

QTEST_GUILESS_MAIN(FailClosedFiles)
#include "tst_failclosed_files.moc"
