// Fail closed, guards: a guard of the impact check that cannot read what it needs blocks
// (a forcible blocker that names what it could not read), never passes. Each case damages one
// file a guard reads, then asks to move the device it protects to vfio-pci: the plan must hold
// a forcible blocker, the apply without --force must be refused, and the device must stay on
// its host driver.
#include "node/bind/Binder.h"
#include "node/bind/ImpactCheck.h"
#include "tst_binder_sim.h"
#include "tst_failclosed_util.h"

#include <QTest>

using namespace bindtest;
using namespace failclosed;

namespace {
enum class Damage { Remove, Directory, DanglingLink, LinkLoop, TooLarge, Garbage };

// Damages the file at path (inside a simulated root; a link is replaced where it stands).
bool damage(const QString &path, Damage how)
{
    const QString real = QFileInfo(path).canonicalFilePath().isEmpty() ? path : QFileInfo(path).canonicalFilePath();
    switch (how) {
    case Damage::Remove:
        return QFile::remove(real) || QDir(real).removeRecursively();
    case Damage::Directory:
        QFile::remove(real);
        return QDir().mkpath(real);
    case Damage::DanglingLink:
        return replaceWithLink(real, QStringLiteral("nowhere/at/all"));
    case Damage::LinkLoop:
        return replaceWithLink(real, QFileInfo(real).fileName());
    case Damage::TooLarge: {
        if (QFileInfo(real).isDir())
            QDir(real).removeRecursively();
        // 5 MiB of lines that do not name the device: read in part, they would say "not mounted".
        QByteArray big;
        const QByteArray line = "tmpfs /run/user/1000 tmpfs rw,nosuid,nodev,relatime,size=1612345k 0 0\n";
        while (big.size() < 5 * 1024 * 1024)
            big += line;
        return writeText(real, big);
    }
    case Damage::Garbage:
        if (QFileInfo(real).isDir())
            QDir(real).removeRecursively();
        return writeText(real, QByteArray(200, 'x'));
    }
    return false;
}

const char *damageName(Damage d)
{
    switch (d) {
    case Damage::Remove: return "missing";
    case Damage::Directory: return "a directory";
    case Damage::DanglingLink: return "a dangling link";
    case Damage::LinkLoop: return "a link loop";
    case Damage::TooLarge: return "5 MiB";
    case Damage::Garbage: return "200 bytes of garbage";
    }
    return "";
}
} // namespace

class FailClosedGuards : public QObject
{
    Q_OBJECT

    int m_cases = 0;

private Q_SLOTS:
    void cleanupTestCase()
    {
        qInfo("fail-closed guards: %d damaged files a guard reads (each must block the move)", m_cases);
    }

    void unreadableGuardInputBlocks_data()
    {
        QTest::addColumn<QString>("file");   // relative to the root
        QTest::addColumn<int>("how");
        QTest::addColumn<QString>("device"); // what it protects
        QTest::addColumn<QString>("code");   // the blocker expected
        const QString nvmeDir = QStringLiteral("sys/bus/pci/devices/") + kNvme;
        for (Damage d : {Damage::Remove, Damage::Directory, Damage::DanglingLink, Damage::LinkLoop, Damage::TooLarge})
            QTest::addRow("proc/mounts %s", damageName(d)) << QStringLiteral("proc/mounts") << int(d) << kNvme << QStringLiteral("mounts-unknown");
        for (Damage d : {Damage::Remove, Damage::Directory, Damage::DanglingLink})
            QTest::addRow("proc/swaps %s", damageName(d)) << QStringLiteral("proc/swaps") << int(d) << kNvme << QStringLiteral("mounts-unknown");
        for (Damage d : {Damage::Remove, Damage::Directory, Damage::DanglingLink, Damage::Garbage})
            QTest::addRow("eth0 operstate %s", damageName(d))
                << QStringLiteral("sys/class/net/eth0/operstate") << int(d) << kNicUp << QStringLiteral("host-use-unknown");
        for (Damage d : {Damage::Remove, Damage::Directory, Damage::DanglingLink, Damage::Garbage})
            QTest::addRow("boot_vga %s", damageName(d))
                << QStringLiteral("sys/bus/pci/devices/%1/boot_vga").arg(kVga) << int(d) << kVga << QStringLiteral("host-use-unknown");
        for (Damage d : {Damage::Directory, Damage::Garbage})
            QTest::addRow("PF sriov_numvfs %s", damageName(d))
                << QStringLiteral("sys/bus/pci/devices/%1/sriov_numvfs").arg(kPf) << int(d) << kPf << QStringLiteral("host-use-unknown");
        QTest::addRow("nvme/ directory unlistable") << nvmeDir + QStringLiteral("/nvme") << int(Damage::Garbage) << kNvme
                                                    << QStringLiteral("host-use-unknown");
        QTest::addRow("net/ directory unlistable") << QStringLiteral("sys/bus/pci/devices/%1/net").arg(kNicUp) << int(Damage::Garbage)
                                                   << kNicUp << QStringLiteral("host-use-unknown");
        QTest::addRow("sys/class/net unlistable") << QStringLiteral("sys/class/net") << int(Damage::Garbage) << kNic2
                                                  << QStringLiteral("host-use-unknown");
        QTest::addRow("sys/class/block unlistable") << QStringLiteral("sys/class/block") << int(Damage::Garbage) << kNic2
                                                    << QStringLiteral("host-use-unknown");
    }

    void unreadableGuardInputBlocks()
    {
        QFETCH(QString, file);
        QFETCH(int, how);
        QFETCH(QString, device);
        QFETCH(QString, code);
        SimNode n;
        const QString before = n.driver(device);
        QVERIFY(!before.isEmpty());
        // For proc/swaps: a disk that is not mounted anywhere, so only swap could hold it.
        if (file == QLatin1String("proc/swaps"))
            QVERIFY(writeText(n.path(QStringLiteral("proc/mounts")), "sysfs /sys sysfs rw 0 0\n"));
        QVERIFY(damage(n.path(file), Damage(how)));
        ++m_cases;

        Binder binder(*n.node);
        Result<BindPlan> plan = binder.plan({device}, BindTarget::VfioPci);
        QVERIFY2(plan, plan ? "" : qPrintable(plan.error().message()));
        bool found = false;
        for (const Finding &f : plan->blockers(false))
            if (f.code == code) {
                found = true;
                QVERIFY(f.forcible);
                QVERIFY2(f.message.contains(QLatin1String("cannot read")), qPrintable(f.message));
            }
        QVERIFY2(found, qPrintable(joinFindingMessages(plan->findings)));
        Result<ApplyResult> r = binder.run({device}, BindTarget::VfioPci);
        QVERIFY(!r);
        QCOMPARE(n.driver(device), before);
    }

    // An IOMMU group whose members cannot be listed: the planner cannot know what must come
    // along, so the move is blocked instead of splitting the group.
    void unlistableGroupBlocks()
    {
        SimNode n;
        const int group = n.group(kGpu);
        QVERIFY(group >= 0);
        QVERIFY(damage(n.path(QStringLiteral("sys/kernel/iommu_groups/%1/devices").arg(group)), Damage::Garbage));
        ++m_cases;
        Result<BindPlan> plan = Binder(*n.node).plan({kGpu}, BindTarget::VfioPci);
        QVERIFY2(plan, plan ? "" : qPrintable(plan.error().message()));
        bool found = false;
        for (const Finding &f : plan->blockers(false))
            found = found || (f.code == QLatin1String("host-use-unknown") && f.device == kGpu && f.forcible);
        QVERIFY2(found, qPrintable(joinFindingMessages(plan->findings)));
        QVERIFY(!Binder(*n.node).run({kGpu}, BindTarget::VfioPci));
        QCOMPARE(n.driver(kGpu), QStringLiteral("nvidia"));
        QCOMPARE(n.driver(kAudio), QStringLiteral("snd_hda_intel"));
    }

    // Changing a VF count: a VF holding a disk while proc/mounts cannot be read is a blocker too.
    void vfRemovalWithUnreadableMountsBlocks()
    {
        SimNode n;
        QVERIFY(damage(n.path(QStringLiteral("proc/mounts")), Damage::Directory));
        ++m_cases;
        InventorySnapshot s;
        PciDevice disk;
        disk.address = QStringLiteral("0000:00:08.1");
        disk.physfn = kPf;
        disk.driver = QStringLiteral("nvme");
        disk.blockDevices = {QStringLiteral("nvme0n1")};
        s.devices = {disk};
        const QList<Finding> f = ImpactCheck::vfRemoval(s, *n.node, kPf, {disk.address});
        QCOMPARE(f.size(), 1);
        QCOMPARE(f.at(0).code, QStringLiteral("mounts-unknown"));
        for (const Finding &x : f)
            QVERIFY(x.severity == Severity::Blocker && x.forcible);
    }

    // operstate "unknown": an interface that is administratively up but whose driver reports no
    // operational state carries traffic as far as anyone can tell, so it blocks like "up".
    void unknownOperstateCountsAsUp()
    {
        SimNode n;
        QVERIFY(writeText(QFileInfo(n.path(QStringLiteral("sys/class/net/eth1/operstate"))).canonicalFilePath(), "unknown\n"));
        ++m_cases;
        Result<BindPlan> plan = Binder(*n.node).plan({kNic}, BindTarget::VfioPci);
        QVERIFY(plan);
        bool found = false;
        for (const Finding &f : plan->blockers(false))
            found = found || (f.code == QLatin1String("net-up") && f.device == kNic && f.forcible);
        QVERIFY2(found, qPrintable(joinFindingMessages(plan->findings)));
        QVERIFY(!Binder(*n.node).run({kNic}, BindTarget::VfioPci));
        QCOMPARE(n.driver(kNic), QStringLiteral("igb"));
    }

    // Forcing stays possible (the administrator checked by hand), and an intact root has none
    // of these blockers.
    void forceOverridesAndIntactRootsPass()
    {
        SimNode n;
        Result<BindPlan> clean = Binder(*n.node).plan({kNic2}, BindTarget::VfioPci);
        QVERIFY(clean);
        for (const Finding &f : clean->findings)
            QVERIFY2(f.code != QLatin1String("host-use-unknown") && f.code != QLatin1String("mounts-unknown"),
                     qPrintable(f.message));
        QVERIFY(damage(n.path(QStringLiteral("sys/class/net")), Damage::Garbage));
        ApplyOptions force;
        force.force = true;
        Result<ApplyResult> r = Binder(*n.node).run({kNic2}, BindTarget::VfioPci, force);
        QVERIFY2(r, r ? "" : qPrintable(r.error().message()));
        QCOMPARE(n.driver(kNic2), QStringLiteral("vfio-pci"));
    }
};

QTEST_GUILESS_MAIN(FailClosedGuards)
#include "tst_failclosed_guards.moc"
