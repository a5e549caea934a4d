// Inventory on generated sysfs trees: every field, and every kind of broken file or entry
// giving one warning for its device while the rest of the inventory still comes back.
#include "node/inventory/Inventory.h"
#include "tst_inventory_tree.h"

#include <QDir>
#include <QTemporaryDir>
#include <QTest>

using namespace passdeck;
using namespace passdeck::test;

class TestInventory : public QObject
{
    Q_OBJECT

private:
    static InventoryOptions pinnedNames()
    {
        InventoryOptions o;
        o.pciIdsPath = QStringLiteral(PASSDECK_SOURCE_DIR "/tests/data/pci.ids");
        return o;
    }
    static QString warningsText(const InventorySnapshot &s) { return s.warnings.join(u'\n'); }
    static bool anyWarning(const InventorySnapshot &s, std::initializer_list<const char *> parts)
    {
        for (const QString &w : s.warnings) {
            bool all = true;
            for (const char *p : parts)
                all = all && w.contains(QLatin1String(p));
            if (all)
                return true;
        }
        return false;
    }
    // Three healthy devices the broken one sits among.
    static void addNeighbours(const TestTree &t)
    {
        TreeDevice host;
        host.address = QStringLiteral("0000:00:00.0");
        host.classId = 0x060000;
        host.vendor = 0x8086;
        host.device = 0x1237;
        t.addDevice(host);
        TreeDevice nic;
        nic.address = QStringLiteral("0000:03:00.0");
        nic.driver = QStringLiteral("igb");
        nic.iommuGroup = 9;
        t.addDevice(nic);
        TreeDevice disk;
        disk.address = QStringLiteral("0000:04:00.0");
        disk.vendor = 0x144d;
        disk.device = 0xa808;
        disk.classId = 0x010802;
        t.addDevice(disk);
    }
    static void expectNeighbours(const InventorySnapshot &s)
    {
        QVERIFY(s.find(QStringLiteral("0000:00:00.0")));
        QVERIFY(s.find(QStringLiteral("0000:03:00.0")));
        QCOMPARE(s.find(QStringLiteral("0000:03:00.0"))->driver, QStringLiteral("igb"));
        QVERIFY(s.find(QStringLiteral("0000:04:00.0")));
    }

private Q_SLOTS:
    void everyField();
    void sriovAndHostUse();
    void bridgesAreBridges();
    void iommuGroupMembers();
    void blockDevicesOutsideNvme();
    void nestedHostUseFromClassLinks();
    void pinnedNamesAreDeterministic();
    void missingHostRoot();
    void hostRootWithoutPciBus();
    void badPciIdsFileIsAnError();
    void missingVendorFile();
    void garbageClass();
    void vendorIsADirectory();
    void unreadableOptionalAttribute();
    void danglingAttributeLink();
    void malformedSriovCount();
    void danglingDriverAndGroupLinks();
    void strayEntriesInDevices();
    void libpciWarningsGoToTheSnapshot();
    void scanDeviceSeesARebind();
    void scanDeviceRejectsBadAddress();
};

void TestInventory::everyField()
{
    QTemporaryDir tmp;
    TestTree t(tmp.path());
    TreeDevice gpu;
    gpu.address = QStringLiteral("0000:01:00.0");
    gpu.vendor = 0x10de;
    gpu.device = 0x2204;
    gpu.subVendor = 0x10de;
    gpu.subDevice = 0x1454;
    gpu.revision = 0xa1;
    gpu.classId = 0x030000;
    gpu.driver = QStringLiteral("nouveau");
    gpu.iommuGroup = 12;
    gpu.numaNode = 1;
    t.addDevice(gpu);
    t.writeAttr(gpu.address, QStringLiteral("driver_override"), "vfio-pci\n");
    t.writeAttr(gpu.address, QStringLiteral("reset_method"), "flr bus\n");
    t.writeAttr(gpu.address, QStringLiteral("boot_vga"), "1\n");
    QDir().mkpath(t.deviceDir(gpu.address) + QStringLiteral("/drm/card0"));
    QDir().mkpath(t.deviceDir(gpu.address) + QStringLiteral("/drm/renderD128"));
    TreeDevice audio = gpu;
    audio.address = QStringLiteral("0000:01:00.1");
    audio.device = 0x1aef;
    audio.classId = 0x040300;
    audio.driver = QStringLiteral("snd_hda_intel");
    audio.numaNode = -1;
    t.addDevice(audio);

    const Result<InventorySnapshot> r = Inventory::scan(HostRoot(tmp.path()), pinnedNames());
    QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().message()));
    const InventorySnapshot &s = *r;
    QVERIFY2(s.warnings.isEmpty(), qPrintable(warningsText(s)));
    QCOMPARE(s.hostRoot, QDir::cleanPath(tmp.path()));
    QCOMPARE(s.devices.size(), 2);
    QCOMPARE(s.devices.at(0).address, QStringLiteral("0000:01:00.0"));
    QCOMPARE(s.devices.at(1).address, QStringLiteral("0000:01:00.1"));

    const PciDevice &d = s.devices.at(0);
    QCOMPARE(d.vendorId, 0x10de);
    QCOMPARE(d.deviceId, 0x2204);
    QCOMPARE(d.subsystemVendorId, 0x10de);
    QCOMPARE(d.subsystemDeviceId, 0x1454);
    QCOMPARE(d.revision, 0xa1);
    QCOMPARE(d.classId, 0x030000);
    QCOMPARE(d.vendorName, QStringLiteral("NVIDIA Corporation"));
    QCOMPARE(d.deviceName, QStringLiteral("GA102 [GeForce RTX 3090]"));
    QCOMPARE(d.className, QStringLiteral("VGA compatible controller"));
    QCOMPARE(d.driver, QStringLiteral("nouveau"));
    QCOMPARE(d.driverOverride, QStringLiteral("vfio-pci"));
    QCOMPARE(d.iommuGroup, 12);
    QCOMPARE(d.numaNode, 1);
    QCOMPARE(d.resetMethods, (QStringList{QStringLiteral("flr"), QStringLiteral("bus")}));
    QVERIFY(d.bootVga);
    QVERIFY(!d.isBridge);
    QCOMPARE(d.drmCards, (QStringList{QStringLiteral("card0"), QStringLiteral("renderD128")}));
    QCOMPARE(d.sriovTotalVfs, -1);
    QVERIFY(d.physfn.isEmpty());

    const PciDevice &a = s.devices.at(1);
    QCOMPARE(a.classId, 0x040300);
    QCOMPARE(a.className, QStringLiteral("Audio device"));
    QCOMPARE(a.driver, QStringLiteral("snd_hda_intel"));
    QCOMPARE(a.numaNode, -1);
    QVERIFY(a.driverOverride.isEmpty()); // "(null)"
    QVERIFY(!a.bootVga);

    QCOMPARE(s.iommuGroups.size(), 1);
    QCOMPARE(s.iommuGroups.value(12), (QStringList{QStringLiteral("0000:01:00.0"), QStringLiteral("0000:01:00.1")}));
}

void TestInventory::sriovAndHostUse()
{
    QTemporaryDir tmp;
    TestTree t(tmp.path());
    TreeDevice pf;
    pf.address = QStringLiteral("0000:05:00.0");
    pf.vendor = 0x15b3;
    pf.device = 0x1017;
    pf.driver = QStringLiteral("mlx5_core");
    t.addDevice(pf);
    t.writeAttr(pf.address, QStringLiteral("sriov_totalvfs"), "16\n");
    t.writeAttr(pf.address, QStringLiteral("sriov_numvfs"), "11\n");
    QDir().mkpath(t.deviceDir(pf.address) + QStringLiteral("/net/enp5s0f0"));
    t.writeAttr(pf.address, QStringLiteral("net/enp5s0f0/operstate"), "up\n");
    QDir().mkpath(t.deviceDir(pf.address) + QStringLiteral("/net/enp5s0f0d1"));
    t.writeAttr(pf.address, QStringLiteral("net/enp5s0f0d1/operstate"), "down\n");
    // virtfn10 must sort after virtfn2: index order, not name order.
    QStringList expectedVfs;
    for (int i = 0; i < 11; ++i) {
        TreeDevice vf;
        vf.address = QStringLiteral("0000:05:%1.%2").arg(1 + i / 8, 2, 10, QLatin1Char('0')).arg(i % 8);
        vf.vendor = 0x15b3;
        vf.device = 0x1018;
        t.addDevice(vf);
        TestTree::link(QStringLiteral("../") + vf.address, t.deviceDir(pf.address) + QStringLiteral("/virtfn%1").arg(i));
        TestTree::link(QStringLiteral("../") + pf.address, t.deviceDir(vf.address) + QStringLiteral("/physfn"));
        expectedVfs.append(vf.address);
    }
    TreeDevice nvme;
    nvme.address = QStringLiteral("0000:06:00.0");
    nvme.vendor = 0x144d;
    nvme.device = 0xa808;
    nvme.classId = 0x010802;
    nvme.driver = QStringLiteral("nvme");
    t.addDevice(nvme);
    QDir().mkpath(t.deviceDir(nvme.address) + QStringLiteral("/nvme/nvme0/nvme0n1"));
    QDir().mkpath(t.deviceDir(nvme.address) + QStringLiteral("/nvme/nvme0/nvme0n2"));
    QDir().mkpath(t.deviceDir(nvme.address) + QStringLiteral("/nvme/nvme0/power"));

    const Result<InventorySnapshot> r = Inventory::scan(HostRoot(tmp.path()), pinnedNames());
    QVERIFY(r.ok());
    QVERIFY2(r->warnings.isEmpty(), qPrintable(warningsText(*r)));
    const PciDevice *p = r->find(pf.address);
    QVERIFY(p);
    QCOMPARE(p->sriovTotalVfs, 16);
    QCOMPARE(p->sriovNumVfs, 11);
    QCOMPARE(p->virtfns, expectedVfs);
    QVERIFY(!p->isVirtualFunction());
    QCOMPARE(p->netInterfaces.size(), 2);
    QCOMPARE(p->netInterfaces.at(0).name, QStringLiteral("enp5s0f0"));
    QVERIFY(p->netInterfaces.at(0).isUp());
    QCOMPARE(p->netInterfaces.at(1).operstate, QStringLiteral("down"));
    const PciDevice *vf = r->find(expectedVfs.last());
    QVERIFY(vf);
    QCOMPARE(vf->physfn, pf.address);
    QVERIFY(vf->isVirtualFunction());
    QCOMPARE(vf->deviceId, 0x1018);
    const PciDevice *n = r->find(nvme.address);
    QVERIFY(n);
    QCOMPARE(n->nvmeControllers, QStringList{QStringLiteral("nvme0")});
    QCOMPARE(n->blockDevices, (QStringList{QStringLiteral("nvme0n1"), QStringLiteral("nvme0n2")}));
    QCOMPARE(r->devices.size(), 13);
}

void TestInventory::bridgesAreBridges()
{
    QTemporaryDir tmp;
    TestTree t(tmp.path());
    const QList<int> classes{0x060000, 0x060400, 0x060100, 0x020000, 0x0c0330};
    for (int i = 0; i < classes.size(); ++i) {
        TreeDevice d;
        d.address = QStringLiteral("0000:00:%1.0").arg(i + 1, 2, 10, QLatin1Char('0'));
        d.classId = classes.at(i);
        t.addDevice(d);
    }
    const Result<InventorySnapshot> r = Inventory::scan(HostRoot(tmp.path()), pinnedNames());
    QVERIFY(r.ok());
    QCOMPARE(r->devices.size(), classes.size());
    QVERIFY(r->devices.at(0).isBridge); // host bridge
    QVERIFY(r->devices.at(1).isBridge); // PCI-PCI bridge
    QVERIFY(r->devices.at(2).isBridge); // ISA bridge: every class 0x06 counts
    QVERIFY(!r->devices.at(3).isBridge);
    QVERIFY(!r->devices.at(4).isBridge);
}

void TestInventory::iommuGroupMembers()
{
    QTemporaryDir tmp;
    TestTree t(tmp.path());
    addNeighbours(t); // 0000:03:00.0 in group 9
    for (const char *address : {"0000:05:00.0", "0000:05:00.1", "0000:05:00.2"}) {
        TreeDevice d;
        d.address = QString::fromLatin1(address);
        d.iommuGroup = 3;
        t.addDevice(d);
    }
    // A non-PCI member (a platform device on some machines) and an entry that is not a group.
    TestTree::link(QStringLiteral("../../../../devices/platform/ACPI0007:00"),
                   t.path(QStringLiteral("sys/kernel/iommu_groups/3/devices/ACPI0007:00")));
    QDir().mkpath(t.path(QStringLiteral("sys/kernel/iommu_groups/junk")));
    // A group without members (all its devices were removed).
    QDir().mkpath(t.path(QStringLiteral("sys/kernel/iommu_groups/4/devices")));

    const Result<InventorySnapshot> r = Inventory::scan(HostRoot(tmp.path()), pinnedNames());
    QVERIFY(r.ok());
    expectNeighbours(*r);
    QCOMPARE(r->iommuGroups.keys(), (QList<int>{3, 4, 9}));
    QCOMPARE(r->iommuGroups.value(3), (QStringList{QStringLiteral("0000:05:00.0"), QStringLiteral("0000:05:00.1"),
                                                   QStringLiteral("0000:05:00.2")}));
    QVERIFY(r->iommuGroups.value(4).isEmpty());
    QCOMPARE(r->iommuGroups.value(9), QStringList{QStringLiteral("0000:03:00.0")});
    QCOMPARE(r->find(QStringLiteral("0000:05:00.1"))->iommuGroup, 3);
    QCOMPARE(r->find(QStringLiteral("0000:00:00.0"))->iommuGroup, -1);
    QCOMPARE(r->warnings.size(), 1);
    QVERIFY2(anyWarning(*r, {"junk", "not an IOMMU group"}), qPrintable(warningsText(*r)));
}

void TestInventory::blockDevicesOutsideNvme()
{
    QTemporaryDir tmp;
    TestTree t(tmp.path());
    TreeDevice d;
    d.address = QStringLiteral("0000:00:07.0");
    d.classId = 0x010000;
    d.driver = QStringLiteral("mpt3sas");
    t.addDevice(d);
    // Drivers that register their disk on the PCI device itself show it under block/.
    QDir().mkpath(t.deviceDir(d.address) + QStringLiteral("/block/sdb"));
    QDir().mkpath(t.deviceDir(d.address) + QStringLiteral("/block/sda"));
    const Result<InventorySnapshot> r = Inventory::scan(HostRoot(tmp.path()), pinnedNames());
    QVERIFY(r.ok());
    QVERIFY2(r->warnings.isEmpty(), qPrintable(warningsText(*r)));
    QCOMPARE(r->devices.at(0).blockDevices, (QStringList{QStringLiteral("sda"), QStringLiteral("sdb")}));
    QVERIFY(r->devices.at(0).nvmeControllers.isEmpty());
}

void TestInventory::nestedHostUseFromClassLinks()
{
    QTemporaryDir tmp;
    TestTree t(tmp.path());
    addNeighbours(t);
    TreeDevice virtioNet;
    virtioNet.address = QStringLiteral("0000:00:03.0");
    virtioNet.vendor = 0x1af4;
    virtioNet.device = 0x1041;
    virtioNet.driver = QStringLiteral("virtio-pci");
    t.addDevice(virtioNet);
    TreeDevice ahci;
    ahci.address = QStringLiteral("0000:00:1f.2");
    ahci.classId = 0x010601;
    ahci.driver = QStringLiteral("ahci");
    t.addDevice(ahci);
    // As the kernel lays them out: the interface below the virtio device, the disk below the
    // ATA port's SCSI host, the partition below its disk; class/ links to all of them.
    const QString net = t.deviceDir(virtioNet.address) + QStringLiteral("/virtio2/net/eth0");
    QDir().mkpath(net);
    t.write(QStringLiteral("sys/devices/pci0000:00/0000:00:03.0/virtio2/net/eth0/operstate"), "up\n");
    const QString disk = QStringLiteral("sys/devices/pci0000:00/0000:00:1f.2/ata1/host0/target0:0:0/0:0:0:0/block/sda");
    QDir().mkpath(t.path(disk + QStringLiteral("/sda1")));
    QDir().mkpath(t.path(QStringLiteral("sys/devices/virtual/net/lo")));
    t.write(QStringLiteral("sys/devices/virtual/net/lo/operstate"), "unknown\n");
    QDir().mkpath(t.path(QStringLiteral("sys/class/net")));
    QDir().mkpath(t.path(QStringLiteral("sys/class/block")));
    TestTree::link(QStringLiteral("../../devices/pci0000:00/0000:00:03.0/virtio2/net/eth0"), t.path(QStringLiteral("sys/class/net/eth0")));
    TestTree::link(QStringLiteral("../../devices/virtual/net/lo"), t.path(QStringLiteral("sys/class/net/lo")));
    TestTree::link(QStringLiteral("../../") + disk.mid(4), t.path(QStringLiteral("sys/class/block/sda")));
    TestTree::link(QStringLiteral("../../") + disk.mid(4) + QStringLiteral("/sda1"), t.path(QStringLiteral("sys/class/block/sda1")));
    TestTree::link(QStringLiteral("../../devices/virtual/block/loop0"), t.path(QStringLiteral("sys/class/block/loop0")));

    const Result<InventorySnapshot> r = Inventory::scan(HostRoot(tmp.path()), pinnedNames());
    QVERIFY(r.ok());
    QVERIFY2(r->warnings.isEmpty(), qPrintable(warningsText(*r)));
    expectNeighbours(*r);
    const PciDevice *n = r->find(virtioNet.address);
    QVERIFY(n);
    QCOMPARE(n->netInterfaces.size(), 1);
    QCOMPARE(n->netInterfaces.at(0).name, QStringLiteral("eth0"));
    QVERIFY(n->netInterfaces.at(0).isUp());
    QCOMPARE(r->find(ahci.address)->blockDevices, QStringList{QStringLiteral("sda")});
    for (const PciDevice &d : r->devices)
        if (d.address != virtioNet.address && d.address != ahci.address)
            QVERIFY2(d.netInterfaces.isEmpty() && d.blockDevices.isEmpty(), qPrintable(d.address));
}

void TestInventory::pinnedNamesAreDeterministic()
{
    QTemporaryDir tmp;
    TestTree t(tmp.path());
    TreeDevice d;
    d.address = QStringLiteral("0000:00:1f.0");
    d.vendor = 0x8086;
    d.device = 0xfffe; // in no pci.ids: the name stays empty, never "Device fffe" from hwdb
    t.addDevice(d);
    // A pci.ids of our own: names come from it and nowhere else.
    t.write(QStringLiteral("my.ids"), "8086  Pinned Vendor\n\t0001  Pinned Device\nC 02  Network controller\n\t00  Pinned Ethernet\n");
    InventoryOptions o;
    o.pciIdsPath = t.path(QStringLiteral("my.ids"));
    Result<InventorySnapshot> r = Inventory::scan(HostRoot(tmp.path()), o);
    QVERIFY(r.ok());
    QCOMPARE(r->devices.at(0).vendorName, QStringLiteral("Pinned Vendor"));
    QCOMPARE(r->devices.at(0).deviceName, QString());
    QCOMPARE(r->devices.at(0).className, QStringLiteral("Pinned Ethernet"));
    o.resolveNames = false;
    r = Inventory::scan(HostRoot(tmp.path()), o);
    QVERIFY(r.ok());
    QVERIFY(r->devices.at(0).vendorName.isEmpty());
    QCOMPARE(r->devices.at(0).vendorId, 0x8086);
}

void TestInventory::missingHostRoot()
{
    QTemporaryDir tmp;
    const Result<InventorySnapshot> r = Inventory::scan(HostRoot(tmp.path() + QStringLiteral("/nope")));
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, ErrorCode::HostRootMissing);
    QVERIFY(r.error().message().contains(QStringLiteral("/nope")));
    QVERIFY(!Inventory::scanDevice(HostRoot(tmp.path() + QStringLiteral("/nope")), QStringLiteral("0000:00:00.0")).ok());
}

void TestInventory::hostRootWithoutPciBus()
{
    QTemporaryDir tmp;
    QDir().mkpath(tmp.path() + QStringLiteral("/sys/bus/usb"));
    const Result<InventorySnapshot> r = Inventory::scan(HostRoot(tmp.path()));
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, ErrorCode::NoPciBus);
    QVERIFY(r.error().message().contains(QStringLiteral("sys/bus/pci")));
}

void TestInventory::badPciIdsFileIsAnError()
{
    QTemporaryDir tmp;
    TestTree t(tmp.path());
    addNeighbours(t);
    InventoryOptions o;
    o.pciIdsPath = tmp.path() + QStringLiteral("/missing.ids");
    Result<InventorySnapshot> r = Inventory::scan(HostRoot(tmp.path()), o);
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, ErrorCode::PciIds);
    // A syntax error in pci.ids: libpci's error() must not exit() the process.
    t.write(QStringLiteral("bad.ids"), "8086  Intel\n\tzzzz garbage\n");
    o.pciIdsPath = t.path(QStringLiteral("bad.ids"));
    r = Inventory::scan(HostRoot(tmp.path()), o);
    QVERIFY(!r.ok());
    QVERIFY(r.error().message().contains(QStringLiteral("bad.ids")));
}

void TestInventory::missingVendorFile()
{
    QTemporaryDir tmp;
    TestTree t(tmp.path());
    addNeighbours(t);
    TreeDevice d;
    d.address = QStringLiteral("0000:02:00.0");
    t.addDevice(d);
    QFile::remove(t.deviceDir(d.address) + QStringLiteral("/vendor"));
    const Result<InventorySnapshot> r = Inventory::scan(HostRoot(tmp.path()), pinnedNames());
    QVERIFY(r.ok());
    expectNeighbours(*r);
    QVERIFY(!r->find(d.address));
    QCOMPARE(r->warnings.size(), 1);
    QVERIFY2(anyWarning(*r, {"0000:02:00.0", "vendor"}), qPrintable(warningsText(*r)));
}

void TestInventory::garbageClass()
{
    QTemporaryDir tmp;
    TestTree t(tmp.path());
    addNeighbours(t);
    TreeDevice d;
    d.address = QStringLiteral("0000:02:00.0");
    t.addDevice(d);
    t.writeAttr(d.address, QStringLiteral("class"), "garbage\n");
    const Result<InventorySnapshot> r = Inventory::scan(HostRoot(tmp.path()), pinnedNames());
    QVERIFY(r.ok());
    expectNeighbours(*r);
    QVERIFY(!r->find(d.address));
    QVERIFY2(anyWarning(*r, {"0000:02:00.0", "class", "garbage"}), qPrintable(warningsText(*r)));
}

void TestInventory::vendorIsADirectory()
{
    QTemporaryDir tmp;
    TestTree t(tmp.path());
    addNeighbours(t);
    TreeDevice d;
    d.address = QStringLiteral("0000:02:00.0");
    t.addDevice(d);
    // chmod 000 means nothing to root; a directory in place of the file is unreadable for all.
    QFile::remove(t.deviceDir(d.address) + QStringLiteral("/vendor"));
    QDir().mkpath(t.deviceDir(d.address) + QStringLiteral("/vendor"));
    const Result<InventorySnapshot> r = Inventory::scan(HostRoot(tmp.path()), pinnedNames());
    QVERIFY(r.ok());
    expectNeighbours(*r);
    QVERIFY(!r->find(d.address));
    QVERIFY2(anyWarning(*r, {"0000:02:00.0", "vendor"}), qPrintable(warningsText(*r)));
}

void TestInventory::unreadableOptionalAttribute()
{
    QTemporaryDir tmp;
    TestTree t(tmp.path());
    addNeighbours(t);
    TreeDevice d;
    d.address = QStringLiteral("0000:02:00.0");
    d.driver = QStringLiteral("e1000e");
    t.addDevice(d);
    QFile::remove(t.deviceDir(d.address) + QStringLiteral("/driver_override"));
    QDir().mkpath(t.deviceDir(d.address) + QStringLiteral("/driver_override"));
    const Result<InventorySnapshot> r = Inventory::scan(HostRoot(tmp.path()), pinnedNames());
    QVERIFY(r.ok());
    expectNeighbours(*r);
    const PciDevice *p = r->find(d.address);
    QVERIFY(p); // still listed: only that value is unknown
    QCOMPARE(p->driver, QStringLiteral("e1000e"));
    QVERIFY(p->driverOverride.isEmpty());
    QCOMPARE(r->warnings.size(), 1);
    QVERIFY2(anyWarning(*r, {"0000:02:00.0", "driver_override"}), qPrintable(warningsText(*r)));
}

void TestInventory::danglingAttributeLink()
{
    QTemporaryDir tmp;
    TestTree t(tmp.path());
    addNeighbours(t);
    TreeDevice d;
    d.address = QStringLiteral("0000:02:00.0");
    t.addDevice(d);
    TestTree::link(QStringLiteral("nowhere"), t.deviceDir(d.address) + QStringLiteral("/reset_method"));
    const Result<InventorySnapshot> r = Inventory::scan(HostRoot(tmp.path()), pinnedNames());
    QVERIFY(r.ok());
    expectNeighbours(*r);
    QVERIFY(r->find(d.address));
    QVERIFY(r->find(d.address)->resetMethods.isEmpty());
    QVERIFY2(anyWarning(*r, {"0000:02:00.0", "reset_method"}), qPrintable(warningsText(*r)));
}

void TestInventory::malformedSriovCount()
{
    QTemporaryDir tmp;
    TestTree t(tmp.path());
    TreeDevice d;
    d.address = QStringLiteral("0000:02:00.0");
    t.addDevice(d);
    t.writeAttr(d.address, QStringLiteral("sriov_totalvfs"), "lots\n");
    t.writeAttr(d.address, QStringLiteral("sriov_numvfs"), "0\n");
    const Result<InventorySnapshot> r = Inventory::scan(HostRoot(tmp.path()), pinnedNames());
    QVERIFY(r.ok());
    QCOMPARE(r->devices.size(), 1);
    QCOMPARE(r->devices.at(0).sriovTotalVfs, -1);
    QCOMPARE(r->devices.at(0).sriovNumVfs, 0);
    QVERIFY2(anyWarning(*r, {"0000:02:00.0", "sriov_totalvfs", "lots"}), qPrintable(warningsText(*r)));
}

void TestInventory::danglingDriverAndGroupLinks()
{
    QTemporaryDir tmp;
    TestTree t(tmp.path());
    addNeighbours(t);
    TreeDevice d;
    d.address = QStringLiteral("0000:02:00.0");
    t.addDevice(d);
    TestTree::link(QStringLiteral("../../../bus/pci/drivers/gone"), t.deviceDir(d.address) + QStringLiteral("/driver"));
    TestTree::link(QStringLiteral("../../../kernel/iommu_groups/77"), t.deviceDir(d.address) + QStringLiteral("/iommu_group"));
    const Result<InventorySnapshot> r = Inventory::scan(HostRoot(tmp.path()), pinnedNames());
    QVERIFY(r.ok());
    expectNeighbours(*r);
    const PciDevice *p = r->find(d.address);
    QVERIFY(p);
    QVERIFY(p->driver.isEmpty());
    QCOMPARE(p->iommuGroup, -1);
    QVERIFY2(anyWarning(*r, {"0000:02:00.0", "/driver", "dangling"}), qPrintable(warningsText(*r)));
    QVERIFY2(anyWarning(*r, {"0000:02:00.0", "iommu_group", "dangling"}), qPrintable(warningsText(*r)));
}

void TestInventory::strayEntriesInDevices()
{
    QTemporaryDir tmp;
    TestTree t(tmp.path());
    addNeighbours(t);
    // libpci's own scan would exit() on the first of these and lose every device.
    QDir().mkpath(t.path(QStringLiteral("sys/bus/pci/devices/not-a-device")));
    TestTree::link(QStringLiteral("../../../devices/pci0000:00/0000:00:00.0"), t.path(QStringLiteral("sys/bus/pci/devices/0000:00:00.0.bak")));
    TestTree::link(QStringLiteral("../../../devices/pci0000:00/0000:07:00.0"), t.path(QStringLiteral("sys/bus/pci/devices/0000:07:00.0")));
    TestTree::link(QStringLiteral("../../../devices/pci0000:00/0000:00:00.0"), t.path(QStringLiteral("sys/bus/pci/devices/0000:0A:00.0")));
    const Result<InventorySnapshot> r = Inventory::scan(HostRoot(tmp.path()), pinnedNames());
    QVERIFY(r.ok());
    expectNeighbours(*r);
    QCOMPARE(r->devices.size(), 3);
    QVERIFY2(anyWarning(*r, {"not-a-device", "not a PCI address"}), qPrintable(warningsText(*r)));
    QVERIFY2(anyWarning(*r, {"0000:00:00.0.bak", "not a PCI address"}), qPrintable(warningsText(*r)));
    QVERIFY2(anyWarning(*r, {"0000:0A:00.0", "not a PCI address"}), qPrintable(warningsText(*r)));
    QVERIFY2(anyWarning(*r, {"0000:07:00.0", "dangling"}), qPrintable(warningsText(*r)));
    QCOMPARE(r->warnings.size(), 4);
}

void TestInventory::libpciWarningsGoToTheSnapshot()
{
    QTemporaryDir tmp;
    TestTree t(tmp.path());
    addNeighbours(t);
    TreeDevice d;
    d.address = QStringLiteral("0000:02:00.0");
    t.addDevice(d);
    // numa_node unreadable: libpci reports it through acc->warning, which must not reach stderr.
    QFile::remove(t.deviceDir(d.address) + QStringLiteral("/numa_node"));
    QDir().mkpath(t.deviceDir(d.address) + QStringLiteral("/numa_node"));
    const Result<InventorySnapshot> r = Inventory::scan(HostRoot(tmp.path()), pinnedNames());
    QVERIFY(r.ok());
    expectNeighbours(*r);
    const PciDevice *p = r->find(d.address);
    QVERIFY(p);
    QCOMPARE(p->numaNode, -1);
    QVERIFY2(anyWarning(*r, {"0000:02:00.0", "libpci", "numa_node"}), qPrintable(warningsText(*r)));
}

void TestInventory::scanDeviceSeesARebind()
{
    QTemporaryDir tmp;
    TestTree t(tmp.path());
    addNeighbours(t);
    TreeDevice d;
    d.address = QStringLiteral("0000:02:00.0");
    d.driver = QStringLiteral("e1000e");
    d.iommuGroup = 5;
    t.addDevice(d);
    QCOMPARE(Inventory::scan(HostRoot(tmp.path()), pinnedNames())->find(d.address)->driver, QStringLiteral("e1000e"));

    QDir().mkpath(t.path(QStringLiteral("sys/bus/pci/drivers/vfio-pci")));
    TestTree::link(QStringLiteral("../../../bus/pci/drivers/vfio-pci"), t.deviceDir(d.address) + QStringLiteral("/driver"));
    t.writeAttr(d.address, QStringLiteral("driver_override"), "vfio-pci\n");
    const Result<PciDevice> p = Inventory::scanDevice(HostRoot(tmp.path()), d.address, pinnedNames());
    QVERIFY(p.ok());
    QCOMPARE(p->driver, QStringLiteral("vfio-pci"));
    QCOMPARE(p->driverOverride, QStringLiteral("vfio-pci"));
    QCOMPARE(p->iommuGroup, 5);
    QCOMPARE(p->vendorId, 0x8086);

    QFile::remove(t.deviceDir(d.address) + QStringLiteral("/driver"));
    const Result<PciDevice> unbound = Inventory::scanDevice(HostRoot(tmp.path()), d.address, pinnedNames());
    QVERIFY(unbound.ok());
    QVERIFY(unbound->driver.isEmpty());

    const Result<PciDevice> gone = Inventory::scanDevice(HostRoot(tmp.path()), QStringLiteral("0000:09:00.0"), pinnedNames());
    QVERIFY(!gone.ok());
    QCOMPARE(gone.error().device, QStringLiteral("0000:09:00.0"));
}

void TestInventory::scanDeviceRejectsBadAddress()
{
    QTemporaryDir tmp;
    TestTree t(tmp.path());
    addNeighbours(t);
    const Result<PciDevice> p = Inventory::scanDevice(HostRoot(tmp.path()), QStringLiteral("../../etc"));
    QVERIFY(!p.ok());
    QCOMPARE(p.error().code, ErrorCode::BadAddress);
}

QTEST_GUILESS_MAIN(TestInventory)
#include "tst_inventory.moc"
