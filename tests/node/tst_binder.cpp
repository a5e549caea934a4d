// The binder on simulated nodes: moves, rollback at every write, interrupted applies, next boot
// and reboot, SR-IOV. Every test asserts on the simulated sysfs afterwards, not only on results.
#include "node/bind/Binder.h"
#include "node/bind/BindPlanner.h"
#include "node/host/PersistentConfig.h"
#include "tst_binder_sim.h"

#include <QtTest>

#include <cerrno>

using namespace passdeck;
using namespace bindtest;

class TestBinder : public QObject
{
    Q_OBJECT

private:
    static BindPlan planOf(HostAccess &node, const QStringList &addresses, BindTarget target = BindTarget::VfioPci)
    {
        Binder binder(node);
        Result<BindPlan> p = binder.plan(addresses, target);
        if (!p)
            qFatal("plan failed: %s", qPrintable(p.error().message()));
        return p.value();
    }

    static void verifyOnVfio(const SimNode &n, const QString &a)
    {
        QCOMPARE(n.driver(a), QStringLiteral("vfio-pci"));
        QVERIFY(n.driverHasLink(QStringLiteral("vfio-pci"), a));
        QCOMPARE(n.override(a), QStringLiteral("vfio-pci"));
        QVERIFY2(n.devVfio(a), qPrintable(a));
    }
    static void verifyOn(const SimNode &n, const QString &a, const QString &driver)
    {
        QCOMPARE(n.driver(a), driver);
        if (!driver.isEmpty())
            QVERIFY(n.driverHasLink(driver, a));
        QVERIFY(!n.driverHasLink(QStringLiteral("vfio-pci"), a));
        QCOMPARE(n.override(a), QStringLiteral("(null)"));
    }

private Q_SLOTS:
    void gpuAndItsAudioMoveTogetherAndBack()
    {
        SimNode n;
        Binder binder(*n.node);
        Result<ApplyResult> r = binder.run({kGpu}, BindTarget::VfioPci);
        QVERIFY2(r, r ? "" : qPrintable(r.error().message()));
        QCOMPARE(r->devices.size(), 2);
        QCOMPARE(r->devices[0].address, kGpu);
        QCOMPARE(r->devices[0].originalDriver, QStringLiteral("nvidia"));
        QCOMPARE(r->devices[0].driver, QStringLiteral("vfio-pci"));
        QCOMPARE(r->devices[1].address, kAudio);
        QCOMPARE(r->devices[1].originalDriver, QStringLiteral("snd_hda_intel"));
        QVERIFY(!r->rebootRequired);
        verifyOnVfio(n, kGpu);
        verifyOnVfio(n, kAudio);
        QVERIFY(!QFile::exists(n.path(QStringLiteral("sys/bus/pci/devices/%1/drm/card1").arg(kGpu))));
        QCOMPARE(n.driver(kBridge), QStringLiteral("pcieport")); // the bridge never moves
        // persisted for the next boot, both functions
        Result<QMap<QString, QString>> persisted = PersistentConfig(n.node->hostRoot()).overrides();
        QVERIFY(persisted);
        QCOMPARE(persisted->value(kGpu), QStringLiteral("vfio-pci"));
        QCOMPARE(persisted->value(kAudio), QStringLiteral("vfio-pci"));

        // Back to the host: select only the audio function, the GPU comes along.
        r = binder.run({kAudio}, BindTarget::Host);
        QVERIFY2(r, r ? "" : qPrintable(r.error().message()));
        verifyOn(n, kGpu, QStringLiteral("nvidia"));
        verifyOn(n, kAudio, QStringLiteral("snd_hda_intel"));
        QVERIFY(!n.devVfio(kGpu));
        QVERIFY(PersistentConfig(n.node->hostRoot()).overrides()->isEmpty());
    }

    void rerunIsANoOp()
    {
        SimNode n;
        Binder binder(*n.node);
        QVERIFY(binder.run({kNic}, BindTarget::VfioPci));
        BindPlan again = planOf(*n.node, {kNic});
        QVERIFY(again.writes.isEmpty());
        QCOMPARE(again.findings.size(), 1);
        QCOMPARE(again.findings.first().code, QStringLiteral("already-on-target"));
        FakeNode counting(*n.node, -1, 0);
        Binder b2(counting);
        QVERIFY(b2.apply(again));
        QCOMPARE(counting.writes(), 0);
        verifyOnVfio(n, kNic);
    }

    void findingsOnASimulatedNode()
    {
        SimNode n;
        BindPlan p = planOf(*n.node, {kNicUp, kNvme, kVga, kBridge, kGpu});
        QStringList seen;
        for (const Finding &f : p.findings)
            seen << f.device + u' ' + f.code;
        // address order, each device's checks in a fixed order
        QCOMPARE(seen, (QStringList{kBridge + QStringLiteral(" bridge"), kNicUp + QStringLiteral(" net-up"),
                                    kNvme + QStringLiteral(" mounted"), kVga + QStringLiteral(" boot-vga"),
                                    kAudio + QStringLiteral(" group-member")}));
        QVERIFY(p.findings[1].message.contains(QLatin1String("eth0")));
        QVERIFY(p.findings[2].message.contains(QLatin1String("/dev/nvme0n1p2 on /")));

        SimNode off(description(false, false));
        p = planOf(*off.node, {kNic});
        seen.clear();
        for (const Finding &f : p.findings)
            seen << f.device + u' ' + f.code;
        QCOMPARE(seen, (QStringList{QStringLiteral(" vfio-not-loaded"), kNic + QStringLiteral(" no-iommu")}));
    }

    void blockersStopTheApplyAndForceOverridesOnlyForcibleOnes()
    {
        SimNode n;
        Binder binder(*n.node);
        Result<ApplyResult> r = binder.run({kNicUp}, BindTarget::VfioPci);
        QVERIFY(!r);
        QCOMPARE(r.error().code, ErrorCode::Blocked);
        QCOMPARE(r.error().device, kNicUp);
        QVERIFY(r.error().message().contains(QLatin1String("eth0")));
        verifyOn(n, kNicUp, QStringLiteral("igb"));

        r = binder.run({kBridge}, BindTarget::VfioPci, ApplyOptions{true, false, {}});
        QVERIFY(!r);
        QCOMPARE(r.error().code, ErrorCode::Blocked);
        QCOMPARE(n.driver(kBridge), QStringLiteral("pcieport"));

        r = binder.run({kNicUp}, BindTarget::VfioPci, ApplyOptions{true, false, {}});
        QVERIFY2(r, r ? "" : qPrintable(r.error().message()));
        verifyOnVfio(n, kNicUp);
        QVERIFY(!QFile::exists(n.path(QStringLiteral("sys/class/net/eth0"))));
    }

    void faultAtEveryWriteRollsEverythingBack_data()
    {
        QTest::addColumn<int>("errnum");
        QTest::addColumn<bool>("toHost");
        QTest::newRow("EIO to vfio-pci") << EIO << false;
        QTest::newRow("ENODEV to vfio-pci") << ENODEV << false;
        QTest::newRow("EIO back to host") << EIO << true;
    }
    void faultAtEveryWriteRollsEverythingBack()
    {
        QFETCH(int, errnum);
        QFETCH(bool, toHost);
        const QStringList selected{kGpu, kNic, kNic2}; // the GPU brings its audio function: 4 devices
        const QMap<QString, QString> host{{kGpu, QStringLiteral("nvidia")}, {kAudio, QStringLiteral("snd_hda_intel")},
                                          {kNic, QStringLiteral("igb")}, {kNic2, QStringLiteral("e1000e")}};
        int writes = -1;
        for (int i = 0; writes < 0 || i < writes; ++i) {
            SimNode n;
            if (toHost)
                QVERIFY(Binder(*n.node).run(selected, BindTarget::VfioPci));
            const BindTarget target = toHost ? BindTarget::Host : BindTarget::VfioPci;
            const BindPlan plan = planOf(*n.node, selected, target);
            writes = int(plan.writes.size());
            QCOMPARE(writes, 12);
            FakeNode faulty(*n.node, i, errnum);
            Binder binder(faulty);
            Result<ApplyResult> r = binder.apply(plan);
            QVERIFY2(!r, qPrintable(QStringLiteral("write %1 did not fail the apply").arg(i)));
            const PlannedWrite &w = plan.writes.at(i);
            QCOMPARE(r.error().code, ErrorCode::Errno);
            QCOMPARE(r.error().step, w.path);
            QCOMPARE(r.error().device, w.device);
            QCOMPARE(r.error().errnum, errnum);
            QVERIFY2(r.error().message().contains(QLatin1String("every device was put back")), qPrintable(r.error().message()));
            for (auto it = host.cbegin(); it != host.cend(); ++it) {
                if (toHost)
                    verifyOnVfio(n, it.key());
                else
                    verifyOn(n, it.key(), it.value());
            }
            if (!toHost) {
                QVERIFY(PersistentConfig(n.node->hostRoot()).overrides()->isEmpty());
                QVERIFY(!QFile::exists(n.path(QStringLiteral("dev/vfio/%1").arg(n.group(kGpu)))));
            }
        }
    }

    void busyOnceIsRetried()
    {
        SimNode n;
        const BindPlan plan = planOf(*n.node, {kNic});
        n.node->simKernel()->failNextWrite(plan.writes[1].path, EBUSY, 1);
        Result<ApplyResult> r = Binder(*n.node).apply(plan);
        QVERIFY2(r, r ? "" : qPrintable(r.error().message()));
        QVERIFY(!r->rebootRequired);
        verifyOnVfio(n, kNic);
    }

    void persistentBusyWaitsForTheReboot()
    {
        SimNode n;
        const BindPlan plan = planOf(*n.node, {kGpu});
        n.node->simKernel()->failNextWrite(QStringLiteral("sys/bus/pci/devices/%1/driver/unbind").arg(kAudio), EBUSY, 2);
        Result<ApplyResult> r = Binder(*n.node).apply(plan);
        QVERIFY2(r, r ? "" : qPrintable(r.error().message()));
        QVERIFY(r->rebootRequired);
        QCOMPARE(r->rebootDevices, (QStringList{kGpu, kAudio}));
        bool busyFinding = false;
        for (const Finding &f : r->findings)
            busyFinding = busyFinding || (f.code == QLatin1String("busy") && f.device == kAudio);
        QVERIFY(busyFinding);
        // nothing half-moved now; both wait for the reboot
        verifyOn(n, kGpu, QStringLiteral("nvidia"));
        verifyOn(n, kAudio, QStringLiteral("snd_hda_intel"));
        QVERIFY(n.rules().contains(kGpu));
        QVERIFY(n.rules().contains(kAudio));
        QVERIFY(n.node->reboot());
        verifyOnVfio(n, kGpu);
        verifyOnVfio(n, kAudio);
    }

    void interruptedApplyCompletes()
    {
        const QStringList selected{kGpu, kNic};
        int writes = -1;
        for (int k = 0; writes < 0 || k <= writes; ++k) {
            SimNode n;
            const BindPlan plan = planOf(*n.node, selected);
            writes = int(plan.writes.size());
            QCOMPARE(writes, 9);
            // The interruption: the first k writes happened, then the process died.
            for (int i = 0; i < k; ++i)
                QCOMPARE(n.node->writer().write(plan.writes[i].path, plan.writes[i].value), 0);
            Result<ApplyResult> r = Binder(*n.node).apply(plan);
            QVERIFY2(r, r ? "" : qPrintable(QStringLiteral("k=%1: %2").arg(k).arg(r.error().message())));
            for (const QString &a : {kGpu, kAudio, kNic})
                verifyOnVfio(n, a);
            // The original drivers are the plan's, not what the interrupted run left behind.
            QCOMPARE(r->devices.size(), 3);
            QCOMPARE(r->devices[0].address, kNic);
            QCOMPARE(r->devices[0].originalDriver, QStringLiteral("igb"));
            QCOMPARE(r->devices[1].address, kGpu);
            QCOMPARE(r->devices[1].originalDriver, QStringLiteral("nvidia"));
        }
    }

    void interruptedThenFailedRollsBackToThePlansOriginals()
    {
        SimNode n;
        const BindPlan plan = planOf(*n.node, {kGpu, kNic});
        // Writes run in address order: the NIC (3), the GPU (3), the audio function (3).
        QCOMPARE(plan.writes[3].device, kGpu);
        for (int i = 0; i < 7; ++i) // NIC and GPU done, audio's override written
            QCOMPARE(n.node->writer().write(plan.writes[i].path, plan.writes[i].value), 0);
        QCOMPARE(n.driver(kNic), QStringLiteral("vfio-pci"));
        QCOMPARE(n.driver(kGpu), QStringLiteral("vfio-pci"));
        n.node->simKernel()->failNextWrite(QStringLiteral("sys/bus/pci/devices/%1/driver/unbind").arg(kAudio), EIO, 1);
        Result<ApplyResult> r = Binder(*n.node).apply(plan);
        QVERIFY(!r);
        QCOMPARE(r.error().device, kAudio);
        QCOMPARE(r.error().errnum, EIO);
        verifyOn(n, kGpu, QStringLiteral("nvidia"));
        verifyOn(n, kAudio, QStringLiteral("snd_hda_intel"));
        verifyOn(n, kNic, QStringLiteral("igb"));
    }

    void nextBootAndSimulatedReboot()
    {
        SimNode n;
        Binder binder(*n.node);
        ApplyOptions o;
        o.nextBoot = true;
        Result<ApplyResult> r = binder.run({kGpu}, BindTarget::VfioPci, o);
        QVERIFY2(r, r ? "" : qPrintable(r.error().message()));
        QVERIFY(r->rebootRequired);
        QCOMPARE(r->rebootDevices, (QStringList{kGpu, kAudio}));
        QCOMPARE(r->devices[0].driver, QStringLiteral("nvidia")); // nothing moved live
        verifyOn(n, kGpu, QStringLiteral("nvidia"));
        QVERIFY(n.rules().contains(QStringLiteral("KERNEL==\"%1\"").arg(kGpu)));
        QVERIFY(n.node->reboot());
        verifyOnVfio(n, kGpu);
        verifyOnVfio(n, kAudio);
        verifyOn(n, kNic, QStringLiteral("igb")); // others boot as before

        // and back: the persistent configuration goes, the next boot restores the host drivers
        r = binder.run({kGpu}, BindTarget::Host, o);
        QVERIFY2(r, r ? "" : qPrintable(r.error().message()));
        QVERIFY(r->rebootRequired);
        QVERIFY(!n.rules().contains(kGpu));
        QCOMPARE(n.driver(kGpu), QStringLiteral("vfio-pci"));
        QVERIFY(n.node->reboot());
        verifyOn(n, kGpu, QStringLiteral("nvidia"));
        verifyOn(n, kAudio, QStringLiteral("snd_hda_intel"));
    }

    void liveBindSurvivesAReboot()
    {
        SimNode n;
        QVERIFY(Binder(*n.node).run({kNic}, BindTarget::VfioPci));
        QVERIFY(n.node->reboot());
        verifyOnVfio(n, kNic);
    }

    void sriovCreateResizeRemoveAndBindVfs()
    {
        SimNode n;
        Binder binder(*n.node);
        Result<QStringList> vfs = binder.setVfCount(kPf, 4);
        QVERIFY2(vfs, vfs ? "" : qPrintable(vfs.error().message()));
        QCOMPARE(vfs->size(), 4);
        QCOMPARE(vfs->first(), QStringLiteral("0000:00:08.0")); // offset 16 from 00:06.0
        for (const QString &vf : vfs.value()) {
            QCOMPARE(n.driver(vf), QStringLiteral("iavf"));
            QCOMPARE(n.node->readLinkName(QStringLiteral("sys/bus/pci/devices/%1/physfn").arg(vf)), kPf);
        }
        // 4 -> 2 goes through 0 (the kernel refuses 4 -> 2 with EBUSY)
        vfs = binder.setVfCount(kPf, 2);
        QVERIFY2(vfs, vfs ? "" : qPrintable(vfs.error().message()));
        QCOMPARE(vfs->size(), 2);
        QCOMPARE(n.node->readAttribute(QStringLiteral("sys/bus/pci/devices/%1/sriov_numvfs").arg(kPf)).value(), QStringLiteral("2"));
        QVERIFY(!n.node->exists(QStringLiteral("sys/bus/pci/devices/0000:00:08.2")));
        // beyond sriov_totalvfs: refused before any write
        Result<QStringList> tooMany = binder.setVfCount(kPf, 9);
        QVERIFY(!tooMany);
        QCOMPARE(tooMany.error().code, ErrorCode::BadVfCount);
        QCOMPARE(n.node->readAttribute(QStringLiteral("sys/bus/pci/devices/%1/sriov_numvfs").arg(kPf)).value(), QStringLiteral("2"));
        // remove
        vfs = binder.setVfCount(kPf, 0);
        QVERIFY(vfs);
        QVERIFY(vfs->isEmpty());
        QVERIFY(!n.node->exists(QStringLiteral("sys/bus/pci/devices/0000:00:08.0")));

        // New VFs straight to vfio-pci: autoprobe off, so they never appear as host interfaces.
        vfs = binder.setVfCount(kPf, 3, false);
        QVERIFY2(vfs, vfs ? "" : qPrintable(vfs.error().message()));
        QCOMPARE(n.node->readAttribute(QStringLiteral("sys/bus/pci/devices/%1/sriov_drivers_autoprobe").arg(kPf)).value(), QStringLiteral("0"));
        for (const QString &vf : vfs.value())
            QCOMPARE(n.driver(vf), QString());
        const BindPlan plan = planOf(*n.node, vfs.value());
        QCOMPARE(plan.writes.size(), 6); // override + probe each: nothing to unbind
        bool vfInfo = false;
        for (const Finding &f : plan.findings)
            vfInfo = vfInfo || (f.code == QLatin1String("vf-pf") && f.severity == Severity::Info);
        QVERIFY(vfInfo);
        Result<ApplyResult> r = binder.apply(plan);
        QVERIFY2(r, r ? "" : qPrintable(r.error().message()));
        for (const QString &vf : vfs.value())
            verifyOnVfio(n, vf);
        QCOMPARE(n.driver(kPf), QStringLiteral("i40e"));
    }

    void sriovBadInput()
    {
        SimNode n;
        Binder binder(*n.node);
        Result<QStringList> r = binder.setVfCount(QStringLiteral("0000:00:06.0/../x"), 1);
        QVERIFY(!r);
        QCOMPARE(r.error().code, ErrorCode::BadAddress);
        r = binder.setVfCount(QStringLiteral("0000:7f:00.0"), 1);
        QCOMPARE(r.error().code, ErrorCode::UnknownDevice);
        r = binder.setVfCount(kNic, 1);
        QCOMPARE(r.error().code, ErrorCode::NotSriov);
    }

    void badInputChangesNothing()
    {
        SimNode n;
        Binder binder(*n.node);
        Result<ApplyResult> r = binder.run({QStringLiteral("0000:00:03.0/../../../../etc")}, BindTarget::VfioPci);
        QCOMPARE(r.error().code, ErrorCode::BadAddress);
        r = binder.run({QStringLiteral("0000:00:03.0"), QStringLiteral("0000:00:03.O")}, BindTarget::VfioPci);
        QCOMPARE(r.error().code, ErrorCode::BadAddress);
        r = binder.run({kNic, QStringLiteral("0000:7f:1f.7")}, BindTarget::VfioPci);
        QCOMPARE(r.error().code, ErrorCode::UnknownDevice);
        QCOMPARE(r.error().device, QStringLiteral("0000:7f:1f.7"));
        verifyOn(n, kNic, QStringLiteral("igb"));
        // a hand-made plan with a bad address is refused before any write
        BindPlan forged;
        forged.devices = {QStringLiteral("../../x")};
        FakeNode counting(*n.node, -1, 0);
        r = Binder(counting).apply(forged);
        QCOMPARE(r.error().code, ErrorCode::BadAddress);
        QCOMPARE(counting.writes(), 0);
        // duplicates collapse
        r = binder.run({kNic, kNic, kNic}, BindTarget::VfioPci);
        QVERIFY(r);
        QCOMPARE(r->devices.size(), 1);
        verifyOnVfio(n, kNic);
    }

    void progressIsReported()
    {
        SimNode n;
        int calls = 0, lastDone = -1, total = 0;
        ApplyOptions o;
        o.progress = [&](int done, int t, const QString &) { ++calls; QVERIFY(done >= lastDone); lastDone = done; total = t; };
        QVERIFY(Binder(*n.node).run({kGpu}, BindTarget::VfioPci, o));
        QCOMPARE(total, 6);
        QCOMPARE(calls, 7); // every write, then done
        QCOMPARE(lastDone, 6);
    }
};

QTEST_GUILESS_MAIN(TestBinder)
#include "tst_binder.moc"
