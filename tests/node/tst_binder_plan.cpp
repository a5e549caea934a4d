// The planner and the impact check over hand-made snapshots: which devices, which writes in which
// order, which findings (each code), and bad input refused before any path is built.
#include "node/bind/BindPlanner.h"
#include "node/bind/ImpactCheck.h"
#include "FakeNode.h"
#include "node/host/HostAccess.h"

#include <QtTest>

#include <algorithm>

using namespace passdeck;

namespace {

PciDevice dev(const QString &address, const QString &driver, int group, int classId = 0x020000)
{
    PciDevice d;
    d.address = address;
    d.driver = driver;
    d.iommuGroup = group;
    d.classId = classId;
    d.isBridge = (classId >> 16) == 0x06;
    return d;
}

void finish(InventorySnapshot &s)
{
    std::sort(s.devices.begin(), s.devices.end(), [](const PciDevice &a, const PciDevice &b) { return a.address < b.address; });
    s.iommuGroups.clear();
    for (const PciDevice &d : s.devices)
        if (d.iommuGroup >= 0)
            s.iommuGroups[d.iommuGroup].append(d.address);
}

// A small host: a GPU + its audio function behind a bridge in group 1, a NIC with an interface,
// an NVMe drive with the root file system, the boot VGA, an SR-IOV PF with two VFs.
InventorySnapshot host()
{
    InventorySnapshot s;
    s.hostRoot = QStringLiteral("/fake");
    s.devices.append(dev(QStringLiteral("0000:00:00.0"), QString(), 0, 0x060000)); // host bridge
    s.devices.append(dev(QStringLiteral("0000:00:01.0"), QStringLiteral("pcieport"), 1, 0x060400));
    s.devices.append(dev(QStringLiteral("0000:01:00.0"), QStringLiteral("nouveau"), 1, 0x030000));
    s.devices.append(dev(QStringLiteral("0000:01:00.1"), QStringLiteral("snd_hda_intel"), 1, 0x040300));
    PciDevice nic = dev(QStringLiteral("0000:02:00.0"), QStringLiteral("igb"), 2);
    nic.netInterfaces = {NetInterface{QStringLiteral("eno1"), QStringLiteral("up")}, NetInterface{QStringLiteral("eno2"), QStringLiteral("down")}};
    s.devices.append(nic);
    PciDevice nic2 = dev(QStringLiteral("0000:02:00.1"), QStringLiteral("igb"), 3);
    nic2.netInterfaces = {NetInterface{QStringLiteral("eno3"), QStringLiteral("down")}};
    s.devices.append(nic2);
    PciDevice nvme = dev(QStringLiteral("0000:03:00.0"), QStringLiteral("nvme"), 4, 0x010802);
    nvme.blockDevices = {QStringLiteral("nvme0n1")};
    s.devices.append(nvme);
    PciDevice nvme2 = dev(QStringLiteral("0000:04:00.0"), QStringLiteral("nvme"), 5, 0x010802);
    nvme2.blockDevices = {QStringLiteral("nvme1n1")};
    s.devices.append(nvme2);
    PciDevice vga = dev(QStringLiteral("0000:05:00.0"), QStringLiteral("i915"), 6, 0x030000);
    vga.bootVga = true;
    s.devices.append(vga);
    PciDevice pf = dev(QStringLiteral("0000:06:00.0"), QStringLiteral("ixgbe"), 7);
    pf.sriovTotalVfs = 8;
    pf.sriovNumVfs = 2;
    pf.virtfns = {QStringLiteral("0000:06:10.0"), QStringLiteral("0000:06:10.2")};
    s.devices.append(pf);
    for (const QString &a : pf.virtfns) {
        PciDevice vf = dev(a, QStringLiteral("ixgbevf"), a.endsWith(u'0') ? 8 : 9);
        vf.physfn = pf.address;
        s.devices.append(vf);
    }
    s.devices.append(dev(QStringLiteral("0000:07:00.0"), QStringLiteral("vfio-pci"), 10));
    s.devices.last().driverOverride = QStringLiteral("vfio-pci");
    s.devices.append(dev(QStringLiteral("0000:08:00.0"), QStringLiteral("e1000e"), -1)); // no IOMMU group
    finish(s);
    return s;
}

QStringList codes(const BindPlan &p, const QString &device = QString())
{
    QStringList out;
    for (const Finding &f : p.findings)
        if (device.isNull() || f.device == device)
            out.append(f.code);
    return out;
}

const Finding *findingFor(const BindPlan &p, const QString &code, const QString &device)
{
    for (const Finding &f : p.findings)
        if (f.code == code && f.device == device)
            return &f;
    return nullptr;
}

} // namespace

class TestBinderPlan : public QObject
{
    Q_OBJECT

private:
    FakeNode m_node;
    InventorySnapshot m_host = host();

    BindPlan plan(const QStringList &addresses, BindTarget target = BindTarget::VfioPci)
    {
        Result<BindPlan> p = BindPlanner::plan(m_host, m_node, addresses, target);
        if (!p)
            qWarning("%s", qPrintable(p.error().message()));
        return p ? p.value() : BindPlan{};
    }

private Q_SLOTS:
    void init()
    {
        m_node.attributes.clear();
        m_node.paths = {QStringLiteral("sys/bus/pci/drivers/vfio-pci")};
    }

    void gpuBringsItsAudioFunctionNotTheBridge()
    {
        const BindPlan p = plan({QStringLiteral("0000:01:00.0")});
        QCOMPARE(p.requested, QStringList{QStringLiteral("0000:01:00.0")});
        QCOMPARE(p.devices, (QStringList{QStringLiteral("0000:01:00.0"), QStringLiteral("0000:01:00.1")}));
        QCOMPARE(p.added, QStringList{QStringLiteral("0000:01:00.1")});
        QCOMPARE(p.originalDrivers.value(QStringLiteral("0000:01:00.1")), QStringLiteral("snd_hda_intel"));
        // The protocol of docs/binding.md, device by device.
        QCOMPARE(p.writes.size(), 6);
        const QStringList steps = [&] { QStringList s; for (const auto &w : p.writes) s << w.device + u' ' + w.step; return s; }();
        QCOMPARE(steps, (QStringList{QStringLiteral("0000:01:00.0 override"), QStringLiteral("0000:01:00.0 unbind"),
                                     QStringLiteral("0000:01:00.0 probe"), QStringLiteral("0000:01:00.1 override"),
                                     QStringLiteral("0000:01:00.1 unbind"), QStringLiteral("0000:01:00.1 probe")}));
        QCOMPARE(p.writes[0].path, QStringLiteral("sys/bus/pci/devices/0000:01:00.0/driver_override"));
        QCOMPARE(p.writes[0].value, QByteArray("vfio-pci"));
        QCOMPARE(p.writes[1].path, QStringLiteral("sys/bus/pci/devices/0000:01:00.0/driver/unbind"));
        QCOMPARE(p.writes[1].value, QByteArray("0000:01:00.0"));
        QCOMPARE(p.writes[2].path, QStringLiteral("sys/bus/pci/drivers_probe"));
        QCOMPARE(p.writes[2].value, QByteArray("0000:01:00.0"));
        const Finding *member = findingFor(p, QStringLiteral("group-member"), QStringLiteral("0000:01:00.1"));
        QVERIFY(member);
        QCOMPARE(member->severity, Severity::Warning);
        QVERIFY(member->message.contains(QLatin1String("0000:01:00.0")));
        QVERIFY(member->message.contains(QLatin1String("group 1")));
        QVERIFY(p.blockers(false).isEmpty());
    }

    void bridgeIsANonForcibleBlockerWithoutWrites()
    {
        const BindPlan p = plan({QStringLiteral("0000:00:01.0")});
        const Finding *f = findingFor(p, QStringLiteral("bridge"), QStringLiteral("0000:00:01.0"));
        QVERIFY(f);
        QCOMPARE(f->severity, Severity::Blocker);
        QVERIFY(!f->forcible);
        QVERIFY(p.writes.isEmpty() || std::none_of(p.writes.cbegin(), p.writes.cend(), [](const PlannedWrite &w) { return w.device == QLatin1String("0000:00:01.0"); }));
        QCOMPARE(p.blockers(true).size(), 1);
        // back to the host is refused too
        QVERIFY(findingFor(plan({QStringLiteral("0000:00:01.0")}, BindTarget::Host), QStringLiteral("bridge"), QStringLiteral("0000:00:01.0")));
    }

    void noIommuSaysHowToTurnItOn()
    {
        const BindPlan p = plan({QStringLiteral("0000:08:00.0")});
        const Finding *f = findingFor(p, QStringLiteral("no-iommu"), QStringLiteral("0000:08:00.0"));
        QVERIFY(f);
        QCOMPARE(f->severity, Severity::Blocker);
        QVERIFY(!f->forcible);
        QVERIFY(f->message.contains(QLatin1String("intel_iommu=on")));
        QVERIFY(f->message.contains(QLatin1String("amd_iommu=on")));
        QVERIFY(f->message.contains(QLatin1String("VT-d")));
    }

    void upInterfaceIsAForcibleBlockerNamingIt()
    {
        const BindPlan p = plan({QStringLiteral("0000:02:00.0")});
        const Finding *f = findingFor(p, QStringLiteral("net-up"), QStringLiteral("0000:02:00.0"));
        QVERIFY(f);
        QCOMPARE(f->severity, Severity::Blocker);
        QVERIFY(f->forcible);
        QVERIFY(f->message.contains(QLatin1String("eno1")));
        QVERIFY(!f->message.contains(QLatin1String("eno2"))); // down: not named
        QCOMPARE(p.blockers(false).size(), 1);
        QCOMPARE(p.blockers(true).size(), 0);
        // an interface that is down is no finding
        QVERIFY(!codes(plan({QStringLiteral("0000:02:00.1")})).contains(QLatin1String("net-up")));
    }

    void mountedBlockDeviceFromProcMounts()
    {
        m_node.attributes[QStringLiteral("proc/mounts")] =
            QStringLiteral("sysfs /sys sysfs rw 0 0\n/dev/nvme0n1p2 / ext4 rw 0 0\n/dev/nvme0n1p1 /boot\\040efi vfat rw 0 0\n/dev/nvme1n10 /data ext4 rw 0 0");
        m_node.attributes[QStringLiteral("proc/swaps")] = QStringLiteral("Filename Type Size Used Priority");
        BindPlan p = plan({QStringLiteral("0000:03:00.0")});
        const Finding *f = findingFor(p, QStringLiteral("mounted"), QStringLiteral("0000:03:00.0"));
        QVERIFY(f);
        QCOMPARE(f->severity, Severity::Blocker);
        QVERIFY(f->forcible);
        QVERIFY2(f->message.contains(QLatin1String("/dev/nvme0n1p2 on /")), qPrintable(f->message));
        QVERIFY2(f->message.contains(QLatin1String("/boot efi")), qPrintable(f->message));
        // nvme1n10 is not a partition of nvme1n1
        QVERIFY(!codes(plan({QStringLiteral("0000:04:00.0")})).contains(QLatin1String("mounted")));
        // swap counts as in use
        m_node.attributes[QStringLiteral("proc/swaps")] = QStringLiteral("Filename Type Size Used Priority\n/dev/nvme1n1p3 partition 1 0 -2");
        QVERIFY(codes(plan({QStringLiteral("0000:04:00.0")})).contains(QLatin1String("mounted")));
    }

    void mountMatching()
    {
        const QString mounts = QStringLiteral("/dev/sda1 / ext4 rw 0 0\n/dev/sdab1 /x ext4 rw 0 0\n/dev/nvme0n1 /y xfs rw 0 0");
        QCOMPARE(ImpactCheck::mountsOn({QStringLiteral("sda")}, mounts), QStringList{QStringLiteral("/dev/sda1 on /")});
        QCOMPARE(ImpactCheck::mountsOn({QStringLiteral("sdb")}, mounts), QStringList());
        QCOMPARE(ImpactCheck::mountsOn({QStringLiteral("nvme0n1")}, mounts), QStringList{QStringLiteral("/dev/nvme0n1 on /y")});
        QCOMPARE(ImpactCheck::mountsOn({QStringLiteral("nvme0n1")}, QStringLiteral("/dev/nvme0n1p /z xfs rw 0 0\n/dev/nvme0n12 /w xfs rw 0 0")),
                 QStringList());
    }

    void bootVgaIsAForcibleBlocker()
    {
        const Finding *f = nullptr;
        const BindPlan p = plan({QStringLiteral("0000:05:00.0")});
        f = findingFor(p, QStringLiteral("boot-vga"), QStringLiteral("0000:05:00.0"));
        QVERIFY(f);
        QCOMPARE(f->severity, Severity::Blocker);
        QVERIFY(f->forcible);
    }

    void vfioNotLoaded()
    {
        m_node.paths.clear();
        BindPlan p = plan({QStringLiteral("0000:02:00.1")});
        const Finding *f = findingFor(p, QStringLiteral("vfio-not-loaded"), QString());
        QVERIFY(f);
        QCOMPARE(f->severity, Severity::Blocker);
        QVERIFY(!f->forcible);
        QVERIFY(f->message.contains(QLatin1String("modprobe vfio-pci")));
        QCOMPARE(p.findings.first().code, QStringLiteral("vfio-not-loaded")); // node-wide first
        m_node.paths = {QStringLiteral("sys/module/vfio_pci")};
        QVERIFY(!codes(plan({QStringLiteral("0000:02:00.1")})).contains(QLatin1String("vfio-not-loaded")));
        // going back to the host does not need vfio-pci
        m_node.paths.clear();
        QVERIFY(!codes(plan({QStringLiteral("0000:07:00.0")}, BindTarget::Host)).contains(QLatin1String("vfio-not-loaded")));
    }

    void vfAndPf()
    {
        // A VF whose PF stays on its host driver: fine, said as information.
        BindPlan p = plan({QStringLiteral("0000:06:10.0")});
        const Finding *f = findingFor(p, QStringLiteral("vf-pf"), QStringLiteral("0000:06:10.0"));
        QVERIFY(f);
        QCOMPARE(f->severity, Severity::Info);
        QVERIFY(f->message.contains(QLatin1String("ixgbe")));
        QVERIFY(p.blockers(false).isEmpty());
        // VF and PF together: unbinding the PF removes the VF -- cannot be forced.
        p = plan({QStringLiteral("0000:06:10.0"), QStringLiteral("0000:06:00.0")});
        f = findingFor(p, QStringLiteral("vf-pf"), QStringLiteral("0000:06:10.0"));
        QVERIFY(f);
        QCOMPARE(f->severity, Severity::Blocker);
        QVERIFY(!f->forcible);
        // The PF alone with VFs enabled: a forcible blocker on the PF.
        p = plan({QStringLiteral("0000:06:00.0")});
        f = findingFor(p, QStringLiteral("vf-pf"), QStringLiteral("0000:06:00.0"));
        QVERIFY(f);
        QCOMPARE(f->severity, Severity::Blocker);
        QVERIFY(f->forcible);
        QVERIFY(f->message.contains(QLatin1String("--vfs 0")));
    }

    void alreadyOnTarget()
    {
        BindPlan p = plan({QStringLiteral("0000:07:00.0")});
        QCOMPARE(codes(p), QStringList{QStringLiteral("already-on-target")});
        QCOMPARE(p.findings.first().severity, Severity::Info);
        QVERIFY(p.writes.isEmpty());
        p = plan({QStringLiteral("0000:02:00.1")}, BindTarget::Host);
        QCOMPARE(codes(p), QStringList{QStringLiteral("already-on-target")});
        QVERIFY(p.writes.isEmpty());
    }

    void backToHostWrites()
    {
        const BindPlan p = plan({QStringLiteral("0000:07:00.0")}, BindTarget::Host);
        QCOMPARE(p.writes.size(), 3);
        QCOMPARE(p.writes[0].path, QStringLiteral("sys/bus/pci/devices/0000:07:00.0/driver_override"));
        QCOMPARE(p.writes[0].value, QByteArray("\n"));
        QCOMPARE(p.writes[1].path, QStringLiteral("sys/bus/pci/devices/0000:07:00.0/driver/unbind"));
        QCOMPARE(p.writes[2].path, QStringLiteral("sys/bus/pci/drivers_probe"));
        QCOMPARE(p.writes[2].value, QByteArray("0000:07:00.0"));
        QVERIFY(p.findings.isEmpty());
    }

    void malformedAddressesNeverBecomePaths_data()
    {
        QTest::addColumn<QString>("address");
        QTest::newRow("dotdot") << QStringLiteral("0000:01:00.0/../../x");
        QTest::newRow("dotdot only") << QStringLiteral("../../../etc");
        QTest::newRow("upper case") << QStringLiteral("0000:0A:00.0");
        QTest::newRow("short bus") << QStringLiteral("0000:1:00.0");
        QTest::newRow("no domain") << QStringLiteral("01:00.0");
        QTest::newRow("long function") << QStringLiteral("0000:01:00.00");
        QTest::newRow("function 8") << QStringLiteral("0000:01:00.8");
        QTest::newRow("not hex") << QStringLiteral("0000:0g:00.0");
        QTest::newRow("trailing space") << QStringLiteral("0000:01:00.0 ");
        QTest::newRow("newline") << QStringLiteral("0000:01:00.0\n");
        QTest::newRow("empty") << QString();
    }
    void malformedAddressesNeverBecomePaths()
    {
        QFETCH(QString, address);
        Result<BindPlan> p = BindPlanner::plan(m_host, m_node, {QStringLiteral("0000:01:00.0"), address}, BindTarget::VfioPci);
        QVERIFY(!p);
        QCOMPARE(p.error().code, ErrorCode::BadAddress);
        QVERIFY(p.error().message().contains(QLatin1String("0000:01:00.0")) || true);
        QCOMPARE(m_node.writes(), 0);
    }

    void unknownAddressIsRefusedClearly()
    {
        Result<BindPlan> p = BindPlanner::plan(m_host, m_node, {QStringLiteral("0000:7f:1f.7")}, BindTarget::VfioPci);
        QVERIFY(!p);
        QCOMPARE(p.error().code, ErrorCode::UnknownDevice);
        QCOMPARE(p.error().device, QStringLiteral("0000:7f:1f.7"));
        QVERIFY(p.error().message().contains(QLatin1String("passdeck-cli devices")));
    }

    void emptyListIsRefused()
    {
        Result<BindPlan> p = BindPlanner::plan(m_host, m_node, {}, BindTarget::VfioPci);
        QVERIFY(!p);
        QCOMPARE(p.error().code, ErrorCode::NoDevices);
    }

    void invalidDriverNameFromSysfsIsRefused()
    {
        InventorySnapshot s = m_host;
        s.devices[2].driver = QStringLiteral("..");
        Result<BindPlan> p = BindPlanner::plan(s, m_node, {s.devices[2].address}, BindTarget::VfioPci);
        QVERIFY(!p);
        QCOMPARE(p.error().code, ErrorCode::BadDriver);
        QCOMPARE(bindpaths::driverBind(QStringLiteral("../../x")), QString());
        QCOMPARE(bindpaths::driverBind(QStringLiteral("vfio-pci")), QStringLiteral("sys/bus/pci/drivers/vfio-pci/bind"));
    }

    void duplicatesCollapseAndOrderDoesNotMatter()
    {
        const BindPlan a = plan({QStringLiteral("0000:02:00.1"), QStringLiteral("0000:01:00.0"), QStringLiteral("0000:02:00.1"),
                                 QStringLiteral("0000:01:00.1")});
        const BindPlan b = plan({QStringLiteral("0000:01:00.1"), QStringLiteral("0000:01:00.0"), QStringLiteral("0000:02:00.1")});
        QCOMPARE(a.requested, (QStringList{QStringLiteral("0000:01:00.0"), QStringLiteral("0000:01:00.1"), QStringLiteral("0000:02:00.1")}));
        QCOMPARE(a.devices, a.requested);
        QVERIFY(a.added.isEmpty()); // the audio function was asked for: no group-member finding
        QCOMPARE(a.writes.size(), 9);
        QCOMPARE(a.requested, b.requested);
        QCOMPARE(codes(a), codes(b));
        QCOMPARE(a.writes.size(), b.writes.size());
        for (qsizetype i = 0; i < a.writes.size(); ++i)
            QCOMPARE(a.writes[i].path + a.writes[i].value, b.writes[i].path + b.writes[i].value);
    }

    void findingsAreDeterministic()
    {
        m_node.attributes[QStringLiteral("proc/mounts")] = QStringLiteral("/dev/nvme0n1p2 / ext4 rw 0 0");
        const QStringList all{QStringLiteral("0000:05:00.0"), QStringLiteral("0000:03:00.0"), QStringLiteral("0000:02:00.0"),
                              QStringLiteral("0000:01:00.0"), QStringLiteral("0000:08:00.0")};
        const BindPlan p = plan(all);
        QStringList seen;
        for (const Finding &f : p.findings)
            seen << f.device + u' ' + f.code;
        QCOMPARE(seen, (QStringList{QStringLiteral("0000:01:00.1 group-member"), QStringLiteral("0000:02:00.0 net-up"),
                                    QStringLiteral("0000:03:00.0 mounted"), QStringLiteral("0000:05:00.0 boot-vga"),
                                    QStringLiteral("0000:08:00.0 no-iommu")}));
        for (int i = 0; i < 3; ++i) {
            const BindPlan again = plan(QStringList(all.crbegin(), all.crend()));
            QStringList s;
            for (const Finding &f : again.findings)
                s << f.device + u' ' + f.code;
            QCOMPARE(s, seen);
        }
    }
};

QTEST_GUILESS_MAIN(TestBinderPlan)
#include "tst_binder_plan.moc"
