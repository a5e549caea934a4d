// Simulator conformance: every row of the errno table of docs/binding.md (the real kernel is the
// reference: drivers/pci/pci-driver.c, pci-sysfs.c, iov.c, drivers/base/bus.c, dd.c, driver.c),
// /dev/vfio/N, group viability and fault injection, written straight to the simulated kernel.
#include "tst_binder_sim.h"

#include <QtTest>

#include <cerrno>

using namespace bindtest;

class TstSimKernel : public QObject
{
    Q_OBJECT

private:
    static QString dev(const QString &a, const QString &attr) { return QStringLiteral("sys/bus/pci/devices/%1/%2").arg(a, attr); }
    static QString drv(const QString &d, const QString &file) { return QStringLiteral("sys/bus/pci/drivers/%1/%2").arg(d, file); }
    static const QString &probe()
    {
        static const QString p = QStringLiteral("sys/bus/pci/drivers_probe");
        return p;
    }
    static QByteArray a(const QString &s) { return s.toLatin1(); }
    static QByteArray readFile(const SimNode &n, const QString &rel)
    {
        QFile f(n.path(rel));
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray("<missing>");
    }
    static bool exists(const SimNode &n, const QString &rel) { return QFileInfo(n.path(rel)).exists() || QFileInfo(n.path(rel)).isSymLink(); }

private Q_SLOTS:
    void driverOverride()
    {
        SimNode n;
        SysfsWriter &w = n.node->writer();
        QCOMPARE(readFile(n, dev(kGpu, QStringLiteral("driver_override"))), QByteArray("(null)\n"));
        QCOMPARE(w.write(dev(kGpu, QStringLiteral("driver_override")), "vfio-pci"), 0);
        QCOMPARE(readFile(n, dev(kGpu, QStringLiteral("driver_override"))), QByteArray("vfio-pci\n"));
        // Only the text before the first newline is kept.
        QCOMPARE(w.write(dev(kGpu, QStringLiteral("driver_override")), "vfio-pci\nrest"), 0);
        QCOMPARE(readFile(n, dev(kGpu, QStringLiteral("driver_override"))), QByteArray("vfio-pci\n"));
        // An empty line clears it: the kernel shows a NULL override as "(null)".
        QCOMPARE(w.write(dev(kGpu, QStringLiteral("driver_override")), "\n"), 0);
        QCOMPARE(readFile(n, dev(kGpu, QStringLiteral("driver_override"))), QByteArray("(null)\n"));
        QCOMPARE(w.write(dev(kGpu, QStringLiteral("driver_override")), "vfio-pci"), 0);
        QCOMPARE(w.write(dev(kGpu, QStringLiteral("driver_override")), ""), 0);
        QCOMPARE(readFile(n, dev(kGpu, QStringLiteral("driver_override"))), QByteArray("(null)\n"));
        // driver_set_override(): len >= PAGE_SIZE - 1 is EINVAL and changes nothing.
        QCOMPARE(w.write(dev(kGpu, QStringLiteral("driver_override")), "vfio-pci"), 0);
        QCOMPARE(w.write(dev(kGpu, QStringLiteral("driver_override")), QByteArray(4095, 'x')), EINVAL);
        QCOMPARE(w.write(dev(kGpu, QStringLiteral("driver_override")), QByteArray(4096, 'x')), EINVAL);
        QCOMPARE(readFile(n, dev(kGpu, QStringLiteral("driver_override"))), QByteArray("vfio-pci\n"));
        QCOMPARE(w.write(dev(kGpu, QStringLiteral("driver_override")), QByteArray(4094, 'y')), 0);
        QCOMPARE(readFile(n, dev(kGpu, QStringLiteral("driver_override"))), QByteArray(4094, 'y') + '\n');
        // Setting an override does not move a bound device.
        QCOMPARE(n.driver(kGpu), QStringLiteral("nvidia"));
    }

    void unbindRemovesLinksAndDriverEntries()
    {
        SimNode n;
        SysfsWriter &w = n.node->writer();
        QVERIFY(exists(n, dev(kGpu, QStringLiteral("drm/card1"))));
        QVERIFY(exists(n, QStringLiteral("sys/class/drm/card1")));
        QVERIFY(n.driverHasLink(QStringLiteral("nvidia"), kGpu));
        QCOMPARE(w.write(drv(QStringLiteral("nvidia"), QStringLiteral("unbind")), a(kGpu)), 0);
        QCOMPARE(n.driver(kGpu), QString());
        QVERIFY(!n.driverHasLink(QStringLiteral("nvidia"), kGpu));
        QVERIFY(!exists(n, dev(kGpu, QStringLiteral("drm"))));
        QVERIFY(!exists(n, QStringLiteral("sys/class/drm/card1")));
        QCOMPARE(readFile(n, dev(kGpu, QStringLiteral("driver_override"))), QByteArray("(null)\n"));

        // A network interface goes with its driver (net/ and sys/class/net), through the
        // device's own driver/unbind link this time.
        QVERIFY(exists(n, dev(kNicUp, QStringLiteral("net/eth0"))));
        QCOMPARE(w.write(dev(kNicUp, QStringLiteral("driver/unbind")), a(kNicUp) + '\n'), 0);
        QVERIFY(!exists(n, dev(kNicUp, QStringLiteral("net"))));
        QVERIFY(!exists(n, QStringLiteral("sys/class/net/eth0")));
        QVERIFY(!n.driverHasLink(QStringLiteral("igb"), kNicUp));
        QVERIFY(n.driverHasLink(QStringLiteral("igb"), kNic)); // the other igb device stays

        // ENODEV: not bound to that driver, not bound at all, no such device.
        QCOMPARE(w.write(drv(QStringLiteral("igb"), QStringLiteral("unbind")), a(kAudio)), ENODEV);
        QCOMPARE(n.driver(kAudio), QStringLiteral("snd_hda_intel"));
        QCOMPARE(w.write(drv(QStringLiteral("nvidia"), QStringLiteral("unbind")), a(kGpu)), ENODEV);
        QCOMPARE(w.write(drv(QStringLiteral("nvidia"), QStringLiteral("unbind")), "0000:09:00.0"), ENODEV);
        QCOMPARE(w.write(drv(QStringLiteral("nvidia"), QStringLiteral("unbind")), "garbage"), ENODEV);
        // An unbound device has no driver/ link, so there is no driver/unbind to open.
        QCOMPARE(w.write(dev(kGpu, QStringLiteral("driver/unbind")), a(kGpu)), ENOENT);
        // A driver that is not loaded has no directory.
        QCOMPARE(w.write(drv(QStringLiteral("nouveau"), QStringLiteral("unbind")), a(kGpu)), ENOENT);
    }

    void bindErrors()
    {
        SimNode n;
        SysfsWriter &w = n.node->writer();
        const QString vfioBind = drv(QStringLiteral("vfio-pci"), QStringLiteral("bind"));
        // vfio-pci's id table is override-only: no override and no new_id -> no match -> ENODEV.
        QCOMPARE(w.write(vfioBind, a(kGpu)), ENODEV);
        QCOMPARE(w.write(drv(QStringLiteral("nvidia"), QStringLiteral("unbind")), a(kGpu)), 0);
        QCOMPARE(w.write(vfioBind, a(kGpu)), ENODEV);
        QCOMPARE(n.driver(kGpu), QString());
        // The override names vfio-pci: every other driver stops matching.
        QCOMPARE(w.write(dev(kGpu, QStringLiteral("driver_override")), "vfio-pci"), 0);
        QCOMPARE(w.write(drv(QStringLiteral("nvidia"), QStringLiteral("bind")), a(kGpu)), ENODEV);
        QCOMPARE(w.write(vfioBind, a(kGpu) + '\n'), 0);
        QCOMPARE(n.driver(kGpu), QStringLiteral("vfio-pci"));
        QVERIFY(n.driverHasLink(QStringLiteral("vfio-pci"), kGpu));
        // Already bound: EBUSY (matching first, then the bound check).
        QCOMPARE(w.write(vfioBind, a(kGpu)), EBUSY);
        // With the override while still bound to the host driver: EBUSY.
        QCOMPARE(w.write(dev(kAudio, QStringLiteral("driver_override")), "vfio-pci"), 0);
        QCOMPARE(w.write(vfioBind, a(kAudio)), EBUSY);
        QCOMPARE(n.driver(kAudio), QStringLiteral("snd_hda_intel"));
        // The native driver matches through its id table; bound already -> EBUSY.
        QCOMPARE(w.write(drv(QStringLiteral("igb"), QStringLiteral("bind")), a(kNic)), EBUSY);
        // A driver whose table does not match the device, and unknown devices: ENODEV.
        QCOMPARE(w.write(drv(QStringLiteral("igb"), QStringLiteral("bind")), a(kNic2)), ENODEV);
        QCOMPARE(w.write(vfioBind, "0000:09:00.0"), ENODEV);
        QCOMPARE(w.write(vfioBind, "../../../etc"), ENODEV);
        // vfio-pci refuses a bridge in its probe (type 1 header): EINVAL, nothing bound.
        QCOMPARE(w.write(drv(QStringLiteral("pcieport"), QStringLiteral("unbind")), a(kBridge)), 0);
        QCOMPARE(w.write(dev(kBridge, QStringLiteral("driver_override")), "vfio-pci"), 0);
        QCOMPARE(w.write(vfioBind, a(kBridge)), EINVAL);
        QCOMPARE(n.driver(kBridge), QString());
    }

    void bindThroughNewId()
    {
        SimNode n;
        SysfsWriter &w = n.node->writer();
        QCOMPARE(w.write(drv(QStringLiteral("e1000e"), QStringLiteral("unbind")), a(kNic2)), 0);
        // new_id attaches every unbound device it matches at once (driver_attach()).
        QCOMPARE(w.write(drv(QStringLiteral("vfio-pci"), QStringLiteral("new_id")), "8086 10d3"), 0);
        QCOMPARE(n.driver(kNic2), QStringLiteral("vfio-pci"));
        // A bound device is left alone by new_id; bind by name then works once it is free.
        QCOMPARE(w.write(drv(QStringLiteral("vfio-pci"), QStringLiteral("new_id")), "8086 1521"), 0);
        QCOMPARE(n.driver(kNic), QStringLiteral("igb"));
        QCOMPARE(w.write(drv(QStringLiteral("igb"), QStringLiteral("unbind")), a(kNic)), 0);
        QCOMPARE(w.write(drv(QStringLiteral("vfio-pci"), QStringLiteral("bind")), a(kNic)), 0);
        QCOMPARE(n.driver(kNic), QStringLiteral("vfio-pci"));
    }

    void newIdAndRemoveId()
    {
        SimNode n;
        SysfsWriter &w = n.node->writer();
        const QString newId = drv(QStringLiteral("vfio-pci"), QStringLiteral("new_id"));
        const QString removeId = drv(QStringLiteral("vfio-pci"), QStringLiteral("remove_id"));
        QCOMPARE(w.write(newId, "10de 2230\n"), 0);
        QCOMPARE(w.write(newId, "0x10de 0x2230"), EEXIST);
        QCOMPARE(n.driver(kGpu), QStringLiteral("nvidia")); // bound devices stay
        QCOMPARE(w.write(removeId, "10de 2230"), 0);
        QCOMPARE(w.write(removeId, "10de 2230"), ENODEV);
        QCOMPARE(w.write(removeId, "1234 5678"), ENODEV);
        // An id the driver's static table already matches is EEXIST too.
        QCOMPARE(w.write(drv(QStringLiteral("igb"), QStringLiteral("new_id")), "8086 1521"), EEXIST);
        // Fewer than two fields, or not hex: EINVAL.
        QCOMPARE(w.write(newId, "10de"), EINVAL);
        QCOMPARE(w.write(newId, "zz yy"), EINVAL);
        QCOMPARE(w.write(removeId, ""), EINVAL);
        // The table is kernel state: another writer on the same root sees it.
        QCOMPARE(w.write(newId, "10de 1aef"), 0);
        SimKernel other{HostRoot(n.root)};
        QCOMPARE(other.write(newId, "10de 1aef"), EEXIST);
        QCOMPARE(other.write(removeId, "10de 1aef"), 0);
        QCOMPARE(w.write(removeId, "10de 1aef"), ENODEV);
    }

    void driversProbe()
    {
        SimNode n;
        SysfsWriter &w = n.node->writer();
        // Bound: a no-op that succeeds, even when the override names another driver.
        QCOMPARE(w.write(dev(kGpu, QStringLiteral("driver_override")), "vfio-pci"), 0);
        QCOMPARE(w.write(probe(), a(kGpu)), 0);
        QCOMPARE(n.driver(kGpu), QStringLiteral("nvidia"));
        // Unbound: the override first.
        QCOMPARE(w.write(drv(QStringLiteral("nvidia"), QStringLiteral("unbind")), a(kGpu)), 0);
        QCOMPARE(w.write(probe(), a(kGpu) + '\n'), 0);
        QCOMPARE(n.driver(kGpu), QStringLiteral("vfio-pci"));
        // No override: the id tables (the native driver), and the driver's entries come back.
        QCOMPARE(w.write(drv(QStringLiteral("vfio-pci"), QStringLiteral("unbind")), a(kGpu)), 0);
        QCOMPARE(w.write(dev(kGpu, QStringLiteral("driver_override")), "\n"), 0);
        QCOMPARE(w.write(probe(), a(kGpu)), 0);
        QCOMPARE(n.driver(kGpu), QStringLiteral("nvidia"));
        QVERIFY(exists(n, dev(kGpu, QStringLiteral("drm/card1"))));
        QVERIFY(exists(n, QStringLiteral("sys/class/drm/card1")));
        // An override naming a driver that is not loaded: success, and the device stays unbound.
        QCOMPARE(w.write(drv(QStringLiteral("nvidia"), QStringLiteral("unbind")), a(kGpu)), 0);
        QCOMPARE(w.write(dev(kGpu, QStringLiteral("driver_override")), "nouveau"), 0);
        QCOMPARE(w.write(probe(), a(kGpu)), 0);
        QCOMPARE(n.driver(kGpu), QString());
        // A device without a native driver and no new_id match stays unbound.
        QCOMPARE(w.write(probe(), "0000:00:00.0"), 0);
        QCOMPARE(n.driver(QStringLiteral("0000:00:00.0")), QString());
        // Unknown addresses: ENODEV.
        QCOMPARE(w.write(probe(), "0000:09:00.0"), ENODEV);
        QCOMPARE(w.write(probe(), "not-an-address"), ENODEV);
        QCOMPARE(w.write(probe(), ""), ENODEV);
    }

    void sriovNumVfs()
    {
        SimNode n;
        SysfsWriter &w = n.node->writer();
        const QString num = dev(kPf, QStringLiteral("sriov_numvfs"));
        QCOMPARE(readFile(n, dev(kPf, QStringLiteral("sriov_totalvfs"))), QByteArray("8\n"));
        QCOMPARE(w.write(num, "4"), 0);
        QCOMPARE(readFile(n, num), QByteArray("4\n"));
        QSet<int> groups;
        QStringList vfs;
        for (int i = 0; i < 4; ++i) {
            const QString vf = n.node->readLinkName(dev(kPf, QStringLiteral("virtfn%1").arg(i)));
            QCOMPARE(vf, QStringLiteral("0000:00:08.%1").arg(i)); // offset 16, stride 1
            QCOMPARE(n.node->readLinkName(dev(vf, QStringLiteral("physfn"))), kPf);
            QCOMPARE(QFileInfo(n.path(dev(vf, QStringLiteral("physfn")))).canonicalFilePath(),
                     QFileInfo(n.path(QStringLiteral("sys/bus/pci/devices/") + kPf)).canonicalFilePath());
            QCOMPARE(readFile(n, dev(vf, QStringLiteral("device"))), QByteArray("0x154c\n"));
            QCOMPARE(n.driver(vf), QStringLiteral("iavf")); // autoprobe on: the VF driver
            QVERIFY(n.group(vf) >= 0);
            QVERIFY(exists(n, QStringLiteral("sys/kernel/iommu_groups/%1/devices/%2").arg(n.group(vf)).arg(vf)));
            groups.insert(n.group(vf));
            vfs.append(vf);
        }
        QCOMPARE(groups.size(), 4);
        QVERIFY(!exists(n, dev(kPf, QStringLiteral("virtfn4"))));
        // The same count again: nothing to do. Another non-zero count: EBUSY. Above total: ERANGE.
        QCOMPARE(w.write(num, "4\n"), 0);
        QCOMPARE(w.write(num, "2"), EBUSY);
        QCOMPARE(w.write(num, "9"), ERANGE);
        QCOMPARE(w.write(num, "-1"), EINVAL);
        QCOMPARE(w.write(num, "abc"), EINVAL);
        QCOMPARE(w.write(num, "70000"), EINVAL); // not a u16
        QCOMPARE(readFile(n, num), QByteArray("4\n"));
        // A VF on vfio-pci is unbound when its VFs go away, with its /dev/vfio node.
        QCOMPARE(w.write(drv(QStringLiteral("iavf"), QStringLiteral("unbind")), a(vfs[1])), 0);
        QCOMPARE(w.write(dev(vfs[1], QStringLiteral("driver_override")), "vfio-pci"), 0);
        QCOMPARE(w.write(probe(), a(vfs[1])), 0);
        QCOMPARE(n.driver(vfs[1]), QStringLiteral("vfio-pci"));
        const int vfGroup = n.group(vfs[1]);
        QVERIFY(exists(n, QStringLiteral("dev/vfio/%1").arg(vfGroup)));
        // 0 removes every VF directory, link and group.
        QCOMPARE(w.write(num, "0"), 0);
        QCOMPARE(readFile(n, num), QByteArray("0\n"));
        for (int i = 0; i < 4; ++i) {
            QVERIFY(!exists(n, dev(kPf, QStringLiteral("virtfn%1").arg(i))));
            QVERIFY(!exists(n, QStringLiteral("sys/bus/pci/devices/") + vfs[i]));
            QVERIFY(!n.driverHasLink(QStringLiteral("iavf"), vfs[i]));
        }
        for (int g : std::as_const(groups))
            QVERIFY(!exists(n, QStringLiteral("sys/kernel/iommu_groups/%1").arg(g)));
        QVERIFY(!exists(n, QStringLiteral("dev/vfio/%1").arg(vfGroup)));
        QVERIFY(!n.driverHasLink(QStringLiteral("vfio-pci"), vfs[1]));
        // Then another count is fine; with autoprobe off the VFs stay unbound.
        QCOMPARE(w.write(dev(kPf, QStringLiteral("sriov_drivers_autoprobe")), "0"), 0);
        QCOMPARE(w.write(num, "0x8"), 0);
        QCOMPARE(readFile(n, num), QByteArray("8\n"));
        const QString vf7 = n.node->readLinkName(dev(kPf, QStringLiteral("virtfn7")));
        QCOMPARE(vf7, QStringLiteral("0000:00:08.7"));
        QCOMPARE(n.driver(vf7), QString());
        // ... and with autoprobe off, only the driver named by the override may probe it.
        QCOMPARE(w.write(probe(), a(vf7)), 0);
        QCOMPARE(n.driver(vf7), QString());
        QCOMPARE(w.write(drv(QStringLiteral("iavf"), QStringLiteral("bind")), a(vf7)), ENODEV);
        QCOMPARE(w.write(dev(vf7, QStringLiteral("driver_override")), "vfio-pci"), 0);
        QCOMPARE(w.write(probe(), a(vf7)), 0);
        QCOMPARE(n.driver(vf7), QStringLiteral("vfio-pci"));
        QCOMPARE(w.write(num, "0"), 0);
        // sriov_drivers_autoprobe takes what kstrtobool() takes.
        const QString autoprobe = dev(kPf, QStringLiteral("sriov_drivers_autoprobe"));
        QCOMPARE(w.write(autoprobe, "yes\n"), 0);
        QCOMPARE(readFile(n, autoprobe), QByteArray("1\n"));
        QCOMPARE(w.write(autoprobe, "off"), 0);
        QCOMPARE(readFile(n, autoprobe), QByteArray("0\n"));
        QCOMPARE(w.write(autoprobe, "2"), EINVAL);
        QCOMPARE(w.write(autoprobe, ""), EINVAL);
        // No PF driver: ENOENT ("no driver bound to device; cannot configure SR-IOV").
        QCOMPARE(w.write(drv(QStringLiteral("i40e"), QStringLiteral("unbind")), a(kPf)), 0);
        QCOMPARE(w.write(num, "2"), ENOENT);
        QCOMPARE(w.write(num, "9"), ERANGE); // the range is checked first
        // A PF on vfio-pci: its sriov_configure refuses without enable_sriov=1.
        QCOMPARE(w.write(dev(kPf, QStringLiteral("driver_override")), "vfio-pci"), 0);
        QCOMPARE(w.write(probe(), a(kPf)), 0);
        QCOMPARE(n.driver(kPf), QStringLiteral("vfio-pci"));
        QCOMPARE(w.write(num, "2"), ENOENT);
        QCOMPARE(w.write(num, "0"), 0); // already 0: nothing to do
        // A device without SR-IOV has no sriov_numvfs.
        QCOMPARE(w.write(dev(kNic, QStringLiteral("sriov_numvfs")), "1"), ENOENT);
    }

    void devVfioFollowsTheGroup()
    {
        SimNode n;
        SysfsWriter &w = n.node->writer();
        QCOMPARE(n.group(kGpu), n.group(kAudio));
        const QString node = QStringLiteral("dev/vfio/%1").arg(n.group(kGpu));
        QVERIFY(!exists(n, node));
        auto toVfio = [&](const QString &addr, const QString &from) {
            QCOMPARE(w.write(dev(addr, QStringLiteral("driver_override")), "vfio-pci"), 0);
            QCOMPARE(w.write(drv(from, QStringLiteral("unbind")), a(addr)), 0);
            QCOMPARE(w.write(probe(), a(addr)), 0);
            QCOMPARE(n.driver(addr), QStringLiteral("vfio-pci"));
        };
        toVfio(kGpu, QStringLiteral("nvidia"));
        QVERIFY(exists(n, node)); // the first vfio-pci device of the group
        QVERIFY(exists(n, QStringLiteral("dev/vfio/vfio")));
        toVfio(kAudio, QStringLiteral("snd_hda_intel"));
        QVERIFY(exists(n, node));
        QCOMPARE(w.write(drv(QStringLiteral("vfio-pci"), QStringLiteral("unbind")), a(kGpu)), 0);
        QVERIFY(exists(n, node)); // the audio function still holds it
        QCOMPARE(w.write(drv(QStringLiteral("vfio-pci"), QStringLiteral("unbind")), a(kAudio)), 0);
        QVERIFY(!exists(n, node)); // gone with the last
        QVERIFY(exists(n, QStringLiteral("dev/vfio/vfio")));
        // Another group's node is independent.
        toVfio(kNic, QStringLiteral("igb"));
        QVERIFY(exists(n, QStringLiteral("dev/vfio/%1").arg(n.group(kNic))));
        QVERIFY(!exists(n, node));
    }

    void groupViability()
    {
        // The bridge above the GPU shares the GPU's group here, to show that bridges don't count.
        QJsonObject desc = description();
        QJsonArray devices = desc[QStringLiteral("devices")].toArray();
        QJsonObject bridge = devices[1].toObject();
        bridge[QStringLiteral("iommu_group")] = 40;
        QJsonArray children = bridge[QStringLiteral("children")].toArray();
        for (qsizetype i = 0; i < children.size(); ++i) {
            QJsonObject c = children[i].toObject();
            c[QStringLiteral("iommu_group")] = 40;
            children[i] = c;
        }
        bridge[QStringLiteral("children")] = children;
        devices[1] = bridge;
        desc[QStringLiteral("devices")] = devices;
        SimNode n(desc);
        SimKernel &k = *n.node->simKernel();
        SysfsWriter &w = n.node->writer();
        QCOMPARE(n.group(kBridge), 40);
        QCOMPARE(n.group(kGpu), 40);
        QCOMPARE(n.group(kAudio), 40);
        QVERIFY(!k.isGroupViable(40)); // endpoints on host drivers
        QCOMPARE(w.write(dev(kGpu, QStringLiteral("driver_override")), "vfio-pci"), 0);
        QCOMPARE(w.write(drv(QStringLiteral("nvidia"), QStringLiteral("unbind")), a(kGpu)), 0);
        QCOMPARE(w.write(probe(), a(kGpu)), 0);
        QVERIFY(!k.isGroupViable(40)); // the audio function is still on snd_hda_intel
        QCOMPARE(w.write(drv(QStringLiteral("snd_hda_intel"), QStringLiteral("unbind")), a(kAudio)), 0);
        QVERIFY(k.isGroupViable(40)); // no driver is fine; the bridge on pcieport doesn't count
        QCOMPARE(n.driver(kBridge), QStringLiteral("pcieport"));
        QCOMPARE(w.write(dev(kAudio, QStringLiteral("driver_override")), "vfio-pci"), 0);
        QCOMPARE(w.write(probe(), a(kAudio)), 0);
        QVERIFY(k.isGroupViable(40));
        QCOMPARE(w.write(drv(QStringLiteral("vfio-pci"), QStringLiteral("unbind")), a(kAudio)), 0);
        QCOMPARE(w.write(dev(kAudio, QStringLiteral("driver_override")), "\n"), 0);
        QCOMPARE(w.write(probe(), a(kAudio)), 0);
        QVERIFY(!k.isGroupViable(40));
        QVERIFY(!k.isGroupViable(999)); // no such group
        QVERIFY(!k.isGroupViable(-1));
    }

    void faultInjection()
    {
        SimNode n;
        SimKernel &k = *n.node->simKernel();
        SysfsWriter &w = n.node->writer();
        const QString unbind = drv(QStringLiteral("nvidia"), QStringLiteral("unbind"));
        // A chosen write fails once with a chosen errno, and the kernel does nothing for it.
        k.failNextWrite(unbind, EIO);
        QCOMPARE(w.write(unbind, a(kGpu)), EIO);
        QCOMPARE(n.driver(kGpu), QStringLiteral("nvidia"));
        QCOMPARE(w.write(unbind, a(kGpu)), 0);
        QCOMPARE(n.driver(kGpu), QString());
        // Wildcards and counts; other paths are not affected.
        k.failNextWrite(QStringLiteral("sys/bus/pci/devices/*/driver_override"), EPERM, 2);
        QCOMPARE(w.write(drv(QStringLiteral("igb"), QStringLiteral("unbind")), a(kNic)), 0);
        QCOMPARE(w.write(dev(kAudio, QStringLiteral("driver_override")), "vfio-pci"), EPERM);
        QCOMPARE(w.write(dev(kGpu, QStringLiteral("driver_override")), "vfio-pci"), EPERM);
        QCOMPARE(w.write(dev(kGpu, QStringLiteral("driver_override")), "vfio-pci"), 0);
        QCOMPARE(readFile(n, dev(kAudio, QStringLiteral("driver_override"))), QByteArray("(null)\n"));
        // Through the fault file: seen by every writer (another process, another instance).
        QVERIFY(k.injectFault(QStringLiteral("sys/bus/pci/drivers_probe"), EBUSY, 1).ok());
        SimKernel other{HostRoot(n.root)};
        QCOMPARE(other.write(probe(), a(kGpu)), EBUSY);
        QCOMPARE(w.write(probe(), a(kGpu)), 0); // used up
        QCOMPARE(n.driver(kGpu), QStringLiteral("vfio-pci"));
        QVERIFY(k.injectFault(QStringLiteral("sys/bus/pci/drivers/*/bind"), ENOMEM, 3).ok());
        QVERIFY(k.clearFaults().ok());
        QCOMPARE(w.write(drv(QStringLiteral("vfio-pci"), QStringLiteral("unbind")), a(kGpu)), 0);
        QCOMPARE(w.write(drv(QStringLiteral("vfio-pci"), QStringLiteral("bind")), a(kGpu)), 0);
        QVERIFY(!exists(n, QStringLiteral(".passdeck-sim/faults.json")));
    }

    void pathsThatAreNotWritableAttributes()
    {
        SimNode n;
        SysfsWriter &w = n.node->writer();
        QCOMPARE(w.write(QStringLiteral("sys/bus/pci/devices/../../../etc/passwd"), "x"), ENOENT);
        QCOMPARE(w.write(QStringLiteral("sys/bus/pci/devices/0000:09:00.0/driver_override"), "vfio-pci"), ENOENT);
        QCOMPARE(w.write(dev(kGpu, QStringLiteral("no_such_attribute")), "1"), ENOENT);
        QCOMPARE(w.write(dev(kGpu, QStringLiteral("vendor")), "0x1234"), EACCES); // read-only
        QCOMPARE(readFile(n, dev(kGpu, QStringLiteral("vendor"))), QByteArray("0x10de\n"));
        QCOMPARE(w.write(QString(), "x"), ENOENT);
        // The device's real directory under sys/devices/ is the same attribute.
        const QString real = QDir(n.root).relativeFilePath(QFileInfo(n.path(QStringLiteral("sys/bus/pci/devices/") + kGpu)).canonicalFilePath());
        QVERIFY(real.startsWith(QLatin1String("sys/devices/pci0000:00/")));
        QCOMPARE(w.write(real + QLatin1String("/driver_override"), "vfio-pci"), 0);
        QCOMPARE(readFile(n, dev(kGpu, QStringLiteral("driver_override"))), QByteArray("vfio-pci\n"));
        QCOMPARE(w.write(real + QLatin1String("/driver/unbind"), a(kGpu)), 0);
        QCOMPARE(n.driver(kGpu), QString());
    }
};

QTEST_GUILESS_MAIN(TstSimKernel)
#include "tst_simkernel.moc"
