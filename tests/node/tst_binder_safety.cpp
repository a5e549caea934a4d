// The binder's guards: a bridge is refused by apply() whatever the plan
// says (A9), changing a VF count checks the VFs it removes and leaves sriov_drivers_autoprobe
// alone when refused or failed (A4), and the persistent configuration reports a failed delete
// and survives concurrent updates (B3).
#include "node/bind/Binder.h"
#include "node/bind/BindPlanner.h"
#include "node/bind/ImpactCheck.h"
#include "node/host/PersistentConfig.h"
#include "tst_binder_sim.h"

#include <QtTest>

#include <cerrno>
#include <thread>

using namespace passdeck;
using namespace bindtest;

class TestBinderSafety : public QObject
{
    Q_OBJECT

private:
    static QString attr(const SimNode &n, const QString &address, const char *name)
    {
        Result<QString> v = n.node->readAttribute(QStringLiteral("sys/bus/pci/devices/%1/%2").arg(address, QLatin1String(name)));
        return v ? v.value().trimmed() : QStringLiteral("<unreadable>");
    }

private Q_SLOTS:
    void aBridgeInAnEditedPlanIsRefusedEvenForced_data()
    {
        QTest::addColumn<QString>("bridge");
        QTest::addColumn<bool>("toVfio");
        QTest::newRow("PCI-PCI bridge to vfio-pci") << kBridge << true;
        QTest::newRow("host bridge to vfio-pci") << QStringLiteral("0000:00:00.0") << true;
        QTest::newRow("PCI-PCI bridge to the host") << kBridge << false;
    }
    void aBridgeInAnEditedPlanIsRefusedEvenForced()
    {
        QFETCH(QString, bridge);
        QFETCH(bool, toVfio);
        SimNode n;
        Result<BindPlan> p = Binder(*n.node).plan({kNic}, toVfio ? BindTarget::VfioPci : BindTarget::Host);
        QVERIFY(p);
        // A caller edits the plan: the bridge goes in, the findings (which would name it) go out.
        BindPlan plan = p.value();
        plan.devices.append(bridge);
        plan.devices.sort();
        plan.findings.clear();
        FakeNode counting(*n.node, -1, 0);
        ApplyOptions force;
        force.force = true;
        const QString bridgeDriver = n.driver(bridge);
        Result<ApplyResult> r = Binder(counting).apply(plan, force);
        QVERIFY(!r);
        QCOMPARE(r.error().code, ErrorCode::Bridge);
        QCOMPARE(r.error().device, bridge);
        QVERIFY2(r.error().message().contains(QLatin1String("bridge")), qPrintable(r.error().message()));
        QCOMPARE(counting.writes(), 0);
        QCOMPARE(n.driver(bridge), bridgeDriver);
        QCOMPARE(n.driver(kNic), QStringLiteral("igb"));
    }

    void shrinkingVfsOnVfioIsBlockedUnlessForced()
    {
        SimNode n;
        Binder binder(*n.node);
        Result<QStringList> vfs = binder.setVfCount(kPf, 4);
        QVERIFY2(vfs, vfs ? "" : qPrintable(vfs.error().message()));
        const QString vf1 = vfs->at(1);
        QVERIFY(binder.run({vf1}, BindTarget::VfioPci));
        QCOMPARE(n.driver(vf1), QStringLiteral("vfio-pci"));

        Result<QList<Finding>> impact = binder.vfCountImpact(kPf, 2);
        QVERIFY(impact);
        QCOMPARE(impact->size(), 1);
        QCOMPARE(impact->first().code, QStringLiteral("vf-in-use"));
        QCOMPARE(impact->first().device, vf1);
        QCOMPARE(impact->first().severity, Severity::Blocker);
        QVERIFY(impact->first().forcible);
        // Raising the count goes through 0 as well: the VF on vfio-pci would go too.
        QCOMPARE(binder.vfCountImpact(kPf, 6)->size(), 1);
        QVERIFY(binder.vfCountImpact(kPf, 4)->isEmpty());

        // Refused before any write: the count, the VF's driver and autoprobe stay as they were.
        FakeNode counting(*n.node, -1, 0);
        Result<QStringList> r = Binder(counting).setVfCount(kPf, 2, false);
        QVERIFY(!r);
        QCOMPARE(r.error().code, ErrorCode::Blocked);
        QCOMPARE(r.error().device, vf1);
        QCOMPARE(r.error().step, QStringLiteral("impact-check"));
        QVERIFY2(r.error().message().contains(QLatin1String("vfio-pci")), qPrintable(r.error().message()));
        QCOMPARE(counting.writes(), 0);
        QCOMPARE(attr(n, kPf, "sriov_numvfs"), QStringLiteral("4"));
        QCOMPARE(attr(n, kPf, "sriov_drivers_autoprobe"), QStringLiteral("1"));
        QCOMPARE(n.driver(vf1), QStringLiteral("vfio-pci"));
        QVERIFY(!binder.setVfCount(kPf, 0));
        QCOMPARE(attr(n, kPf, "sriov_numvfs"), QStringLiteral("4"));

        r = binder.setVfCount(kPf, 2, true, true);
        QVERIFY2(r, r ? "" : qPrintable(r.error().message()));
        QCOMPARE(r->size(), 2);
    }

    void vfRemovalFindsUpInterfacesAndMounts()
    {
        SimNode n;
        InventorySnapshot s;
        PciDevice up;
        up.address = QStringLiteral("0000:00:08.0");
        up.physfn = kPf;
        up.driver = QStringLiteral("iavf");
        up.netInterfaces.append(NetInterface{QStringLiteral("ens6f0v0"), QStringLiteral("up")});
        PciDevice disk;
        disk.address = QStringLiteral("0000:00:08.1");
        disk.physfn = kPf;
        disk.driver = QStringLiteral("nvme");
        disk.blockDevices = {QStringLiteral("nvme0n1")}; // the description mounts nvme0n1p2 on /
        PciDevice idle;
        idle.address = QStringLiteral("0000:00:08.2");
        idle.physfn = kPf;
        idle.driver = QStringLiteral("iavf");
        s.devices = {up, disk, idle};
        const QList<Finding> f = ImpactCheck::vfRemoval(s, *n.node, kPf, {up.address, disk.address, idle.address});
        QCOMPARE(f.size(), 2);
        QCOMPARE(f.at(0).code, QStringLiteral("net-up"));
        QCOMPARE(f.at(0).device, up.address);
        QVERIFY(f.at(0).message.contains(QLatin1String("ens6f0v0")));
        QCOMPARE(f.at(1).code, QStringLiteral("mounted"));
        QCOMPARE(f.at(1).device, disk.address);
        for (const Finding &x : f)
            QVERIFY(x.severity == Severity::Blocker && x.forcible);
    }

    void autoprobeIsRestoredWhenTheCountWriteFails()
    {
        SimNode n;
        QCOMPARE(attr(n, kPf, "sriov_drivers_autoprobe"), QStringLiteral("1"));
        n.node->simKernel()->failNextWrite(QStringLiteral("sys/bus/pci/devices/%1/sriov_numvfs").arg(kPf), ENOMEM);
        Result<QStringList> r = Binder(*n.node).setVfCount(kPf, 3, false);
        QVERIFY(!r);
        QCOMPARE(r.error().errnum, ENOMEM);
        QVERIFY2(r.error().message().contains(QLatin1String("sriov_drivers_autoprobe")), qPrintable(r.error().message()));
        QCOMPARE(attr(n, kPf, "sriov_drivers_autoprobe"), QStringLiteral("1"));
        QCOMPARE(attr(n, kPf, "sriov_numvfs"), QStringLiteral("0"));
    }

    void aFailedDeleteOfThePersistentConfigIsAnError()
    {
        SimNode n;
        PersistentConfig config(n.node->hostRoot());
        QVERIFY(config.setOverride(kNic, QStringLiteral("vfio-pci")));
        // The modules file cannot be removed: something else sits there (a directory with a file).
        const QString modules = n.path(PersistentConfig::modulesRelativePath());
        QVERIFY(QFile::remove(modules));
        QVERIFY(QDir().mkpath(modules));
        QFile blocker(modules + QStringLiteral("/keep"));
        QVERIFY(blocker.open(QIODevice::WriteOnly));
        blocker.close();
        const Status s = config.clearOverride(kNic);
        QVERIFY(!s);
        QCOMPARE(s.error().code, ErrorCode::PersistFailed);
        QVERIFY2(s.error().message().contains(QLatin1String("passdeck-vfio.conf")), qPrintable(s.error().message()));
        // A file already gone is fine.
        QVERIFY(QDir(modules).removeRecursively());
        QVERIFY(config.setOverride(kNic, QStringLiteral("vfio-pci")));
        QVERIFY(QFile::remove(modules));
        QVERIFY(config.clearOverride(kNic));
        QVERIFY(!QFile::exists(n.path(PersistentConfig::rulesRelativePath())));
    }

    void concurrentUpdatesKeepEveryBinding()
    {
        SimNode n;
        const HostRoot root = n.node->hostRoot();
        constexpr int kPerThread = 40;
        std::atomic<int> failures{0};
        auto worker = [&](int bus) {
            PersistentConfig config(root); // one per thread, as two processes would have
            for (int i = 0; i < kPerThread; ++i)
                if (!config.setOverride(QStringLiteral("0000:%1:%2.0").arg(bus, 2, 16, QLatin1Char('0')).arg(i, 2, 16, QLatin1Char('0')),
                                        QStringLiteral("vfio-pci")))
                    ++failures;
        };
        std::thread a(worker, 0x40), b(worker, 0x41), c(worker, 0x42);
        a.join();
        b.join();
        c.join();
        QCOMPARE(failures.load(), 0);
        Result<QMap<QString, QString>> all = PersistentConfig(root).overrides();
        QVERIFY(all);
        QCOMPARE(all->size(), 3 * kPerThread);
    }
};

QTEST_GUILESS_MAIN(TestBinderSafety)
#include "tst_binder_safety.moc"
