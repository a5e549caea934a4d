// Topology: PciExtCaps over crafted config bytes, the inventory of tests/data/topology-node.json
// (link files, ACS from config, parents) and Topology::build on it (tree order, root complexes,
// degraded links, ACS state, the ACS gaps above each device, a switch's upstream port).
#include "SimTestUtil.h"

#include "core/NodeCodec.h"
#include "node/host/HostRoot.h"
#include "node/inventory/Inventory.h"
#include "node/inventory/PciExtCaps.h"
#include "service/Topology.h"

#include <QTest>

using namespace passdeck;
using namespace passdeck::test;

namespace {

void put32(QByteArray &c, int offset, quint32 v)
{
    for (int i = 0; i < 4; ++i)
        c[offset + i] = char((v >> (8 * i)) & 0xff);
}

// An extended capability header: id, version 1, next.
quint32 header(int id, int next)
{
    return quint32(id) | (1u << 16) | (quint32(next) << 20);
}

PciDevice device(const QString &address, int classId, const QString &parent = {})
{
    PciDevice d;
    d.address = address;
    d.classId = classId;
    d.isBridge = (classId >> 16) == 0x06;
    d.parent = parent;
    return d;
}

} // namespace

class TestTopology : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_tmp;
    InventorySnapshot m_snapshot;

    const PciDevice &dev(const QString &address)
    {
        static const PciDevice none;
        const PciDevice *d = m_snapshot.find(address);
        return d ? *d : none;
    }

private Q_SLOTS:
    void initTestCase();

    void extCapsWalkFollowsTheList();
    void extCapsStopOnBrokenLists();
    void inventoryReadsLinkFiles();
    void inventoryReadsAcsFromConfig();
    void inventoryReadsParents();
    void parentTravelsInNodeCodec();
    void treeOrderAndRootComplexes();
    void degradedLinks();
    void acsStates();
    void acsGapsAbove();
    void orphanHangsOnItsRootBus();
    void linkText();
};

void TestTopology::initTestCase()
{
    QVERIFY(m_tmp.isValid());
    auto json = SimHostDescription::readJsonFile(QStringLiteral(PASSDECK_SOURCE_DIR "/tests/data/topology-node.json"));
    QVERIFY2(json, json ? "" : qPrintable(json.error().message()));
    Error error;
    const QString root = buildSimRoot(m_tmp, *json, QStringLiteral("topo"), &error);
    QVERIFY2(!root.isEmpty(), qPrintable(error.message()));
    auto snapshot = Inventory::scan(HostRoot(root), InventoryOptions{QStringLiteral(PASSDECK_SOURCE_DIR "/tests/data/pci.ids"), true});
    QVERIFY2(snapshot, snapshot ? "" : qPrintable(snapshot.error().message()));
    m_snapshot = *snapshot;
    QVERIFY2(m_snapshot.warnings.isEmpty(), qPrintable(m_snapshot.warnings.join(u'\n')));
    QCOMPARE(m_snapshot.devices.size(), 12);
}

void TestTopology::extCapsWalkFollowsTheList()
{
    QByteArray c(4096, '\0');
    put32(c, 0x100, header(0x0001, 0x140));     // AER
    put32(c, 0x140, header(0x0003, 0x200));     // DSN
    put32(c, 0x200, header(PciExtCaps::kAcs, 0)); // ACS, end
    put32(c, 0x204, 0x001d005f);                 // capability 0x005f, control 0x001d
    const QList<PciExtCap> caps = PciExtCaps::walk(c);
    QCOMPARE(caps.size(), 3);
    QCOMPARE(caps.at(1).id, PciExtCaps::kDeviceSerialNumber);
    QCOMPARE(caps.at(1).offset, 0x140);
    QCOMPARE(caps.at(2).version, 1);
    QCOMPARE(PciExtCaps::find(c, PciExtCaps::kAcs), 0x200);
    QCOMPARE(PciExtCaps::read16(c, 0x204), 0x005f);
    QCOMPARE(PciExtCaps::read16(c, 0x206), 0x001d);
    QCOMPARE(PciExtCaps::find(c, 0x0010), -1);
}

void TestTopology::extCapsStopOnBrokenLists()
{
    // Config read as a user: 64 bytes, no extended space at all.
    QVERIFY(PciExtCaps::walk(QByteArray(64, '\0')).isEmpty());
    QVERIFY(PciExtCaps::walk(QByteArray(4096, '\0')).isEmpty());
    // All ones: the function did not answer.
    QVERIFY(PciExtCaps::walk(QByteArray(4096, char(0xff))).isEmpty());
    // A loop back to the first capability ends after each was seen once.
    QByteArray loop(4096, '\0');
    put32(loop, 0x100, header(0x0001, 0x180));
    put32(loop, 0x180, header(0x0002, 0x100));
    QCOMPARE(PciExtCaps::walk(loop).size(), 2);
    // A pointer into the base config space ends the list.
    QByteArray back(4096, '\0');
    put32(back, 0x100, header(0x0001, 0x040));
    QCOMPARE(PciExtCaps::walk(back).size(), 1);
    // A pointer past the bytes given ends it too (a short read).
    QByteArray shortRead(0x110, '\0');
    put32(shortRead, 0x100, header(0x0001, 0x800));
    QCOMPARE(PciExtCaps::walk(shortRead).size(), 1);
    QCOMPARE(PciExtCaps::read16(shortRead, 0x10f), -1);
}

void TestTopology::inventoryReadsLinkFiles()
{
    const PciDevice &gpu = dev(QStringLiteral("0000:01:00.0"));
    QCOMPARE(gpu.linkSpeed, QStringLiteral("8.0 GT/s PCIe"));
    QCOMPARE(gpu.maxLinkSpeed, QStringLiteral("16.0 GT/s PCIe"));
    QCOMPARE(gpu.linkWidth, 4);
    QCOMPARE(gpu.maxLinkWidth, 16);
    // The host bridge has no link files (conventional, as described).
    const PciDevice &host = dev(QStringLiteral("0000:00:00.0"));
    QVERIFY(host.linkSpeed.isEmpty());
    QCOMPARE(host.linkWidth, -1);
    QCOMPARE(host.maxLinkWidth, -1);
}

void TestTopology::inventoryReadsAcsFromConfig()
{
    const PciDevice &rootPort = dev(QStringLiteral("0000:00:01.0"));
    QVERIFY(rootPort.acsKnown);
    QCOMPARE(rootPort.acsCapability, 0x005f);
    QCOMPARE(rootPort.acsControl, 0x001d);
    const PciDevice &off = dev(QStringLiteral("0000:03:00.0"));
    QVERIFY(off.acsKnown);
    QCOMPARE(off.acsCapability, 0x005f);
    QCOMPARE(off.acsControl, 0);
    // PCIe (4096-byte config) without the capability: known, absent.
    const PciDevice &none = dev(QStringLiteral("0000:00:1c.0"));
    QVERIFY(none.acsKnown);
    QCOMPARE(none.acsCapability, -1);
    QCOMPARE(none.acsControl, -1);
    // 256 bytes of config only (as a user reads it): unknown.
    QVERIFY(!dev(QStringLiteral("0000:00:00.0")).acsKnown);
}

void TestTopology::inventoryReadsParents()
{
    QCOMPARE(dev(QStringLiteral("0000:00:01.0")).parent, QString());
    QCOMPARE(dev(QStringLiteral("0000:01:00.1")).parent, QStringLiteral("0000:00:01.0"));
    QCOMPARE(dev(QStringLiteral("0000:02:00.0")).parent, QStringLiteral("0000:00:1c.0"));
    QCOMPARE(dev(QStringLiteral("0000:04:00.0")).parent, QStringLiteral("0000:03:00.0"));
    QCOMPARE(dev(QStringLiteral("0000:81:00.0")).parent, QStringLiteral("0000:80:01.0"));
    // The same through a single-device re-read (after a rebind).
    auto one = Inventory::scanDevice(HostRoot(m_snapshot.hostRoot), QStringLiteral("0000:05:00.0"));
    QVERIFY(one);
    QCOMPARE(one->parent, QStringLiteral("0000:03:01.0"));
    QCOMPARE(one->linkWidth, 4);
}

void TestTopology::parentTravelsInNodeCodec()
{
    const PciDevice &nic = dev(QStringLiteral("0000:04:00.0"));
    QJsonObject json = nodecodec::toJson(nic);
    QCOMPARE(json.value(QLatin1String("parent")).toString(), QStringLiteral("0000:03:00.0"));
    auto back = nodecodec::fromJson<PciDevice>(json);
    QVERIFY2(back, back ? "" : qPrintable(back.error().message()));
    QCOMPARE(back->parent, QStringLiteral("0000:03:00.0"));
    QCOMPARE(back->linkSpeed, nic.linkSpeed);
    // An agent from before the field: no parent, the device hangs on its root bus.
    json.remove(QLatin1String("parent"));
    auto old = nodecodec::fromJson<PciDevice>(json);
    QVERIFY(old);
    QVERIFY(old->parent.isEmpty());
    // A parent that is not an address is refused like any malformed field.
    json.insert(QLatin1String("parent"), QStringLiteral("../../etc"));
    QVERIFY(!nodecodec::fromJson<PciDevice>(json));
}

void TestTopology::treeOrderAndRootComplexes()
{
    const Topology t = Topology::build(m_snapshot);
    QCOMPARE(t.rootBuses.size(), 2);
    QCOMPARE(t.rootBuses.at(0).name, QStringLiteral("pci0000:00"));
    QCOMPARE(t.rootBuses.at(0).children,
             (QStringList{QStringLiteral("0000:00:00.0"), QStringLiteral("0000:00:01.0"), QStringLiteral("0000:00:1c.0")}));
    QCOMPARE(t.rootBuses.at(1).name, QStringLiteral("pci0000:80"));
    QStringList order;
    QList<int> depths;
    for (const TopologyItem &i : t.items) {
        order << i.device.address.mid(5);
        depths << i.depth;
    }
    QCOMPARE(order, (QStringList{QStringLiteral("00:00.0"), QStringLiteral("00:01.0"), QStringLiteral("01:00.0"),
                                 QStringLiteral("01:00.1"), QStringLiteral("00:1c.0"), QStringLiteral("02:00.0"),
                                 QStringLiteral("03:00.0"), QStringLiteral("04:00.0"), QStringLiteral("03:01.0"),
                                 QStringLiteral("05:00.0"), QStringLiteral("80:01.0"), QStringLiteral("81:00.0")}));
    QCOMPARE(depths, (QList<int>{0, 0, 1, 1, 0, 1, 2, 3, 2, 3, 0, 1}));
    QCOMPARE(t.find(QStringLiteral("0000:81:00.0"))->rootBus, QStringLiteral("pci0000:80"));
    QCOMPARE(t.find(QStringLiteral("0000:02:00.0"))->children,
             (QStringList{QStringLiteral("0000:03:00.0"), QStringLiteral("0000:03:01.0")}));
    QCOMPARE(t.find(QStringLiteral("0000:04:00.0"))->bridgesAbove,
             (QStringList{QStringLiteral("0000:03:00.0"), QStringLiteral("0000:02:00.0"), QStringLiteral("0000:00:1c.0")}));
    QCOMPARE(t.find(QStringLiteral("0000:01:00.0"))->device.iommuGroup, 2);
    QCOMPARE(t.find(QStringLiteral("0000:81:00.0"))->device.numaNode, 1);
    QCOMPARE(t.iommuGroups.value(3).size(), 6);
    QCOMPARE(t.find(QStringLiteral("0000:01:00.0"))->device.resetMethods, QStringList{QStringLiteral("bus")});
}

void TestTopology::degradedLinks()
{
    const Topology t = Topology::build(m_snapshot);
    QVERIFY(t.find(QStringLiteral("0000:01:00.0"))->linkDegraded);  // 8 GT/s x4 of 16 GT/s x16
    QVERIFY(t.find(QStringLiteral("0000:03:00.0"))->linkDegraded);  // 2.5 of 8 GT/s, x1 of x1
    QVERIFY(!t.find(QStringLiteral("0000:04:00.0"))->linkDegraded); // 2.5 GT/s x1 of the same
    QVERIFY(!t.find(QStringLiteral("0000:00:00.0"))->linkDegraded); // no link files
    PciDevice narrow = device(QStringLiteral("0000:09:00.0"), 0x020000);
    narrow.linkSpeed = narrow.maxLinkSpeed = QStringLiteral("8.0 GT/s PCIe");
    narrow.linkWidth = 8;
    narrow.maxLinkWidth = 16;
    QVERIFY(TopologyFacts::isLinkDegraded(narrow)); // width only
    narrow.linkWidth = 0; // link down: not trained, not "degraded"
    QVERIFY(!TopologyFacts::isLinkDegraded(narrow));
    narrow.linkWidth = 16;
    narrow.linkSpeed = QStringLiteral("Unknown");
    QVERIFY(!TopologyFacts::isLinkDegraded(narrow));
    QCOMPARE(TopologyFacts::linkSpeedGts(QStringLiteral("2.5 GT/s PCIe")), 2.5);
    QCOMPARE(TopologyFacts::linkSpeedGts(QStringLiteral("Unknown")), -1.0);
}

void TestTopology::acsStates()
{
    const Topology t = Topology::build(m_snapshot);
    QCOMPARE(t.find(QStringLiteral("0000:00:01.0"))->acs, AcsState::On);
    QCOMPARE(t.find(QStringLiteral("0000:03:00.0"))->acs, AcsState::Off);
    QCOMPARE(t.find(QStringLiteral("0000:00:1c.0"))->acs, AcsState::Absent);
    QCOMPARE(t.find(QStringLiteral("0000:00:00.0"))->acs, AcsState::Unknown);
    QVERIFY(t.find(QStringLiteral("0000:02:00.0"))->switchUpstreamPort);
    QVERIFY(!t.find(QStringLiteral("0000:03:00.0"))->switchUpstreamPort);
    QVERIFY(!t.find(QStringLiteral("0000:00:1c.0"))->switchUpstreamPort); // a root port

    // Only the flags the port can control must be on (Linux's pci_acs_flags_enabled): a port
    // without Upstream Forwarding capability is isolated with SV, RR, CR on.
    PciDevice p = device(QStringLiteral("0000:00:02.0"), 0x060400);
    p.acsKnown = true;
    p.acsCapability = 0x000d; // SV RR CR
    p.acsControl = 0x000d;
    QCOMPARE(TopologyFacts::acsState(p), AcsState::On);
    p.acsControl = 0x0005; // CR off
    QCOMPARE(TopologyFacts::acsState(p), AcsState::Off);
    QCOMPARE(TopologyFacts::acsFlagsText(0x001d), QStringLiteral("SV RR CR UF"));
    QVERIFY(TopologyFacts::isPort(p));
    QVERIFY(!TopologyFacts::isPort(device(QStringLiteral("0000:00:00.0"), 0x060000)));
}

void TestTopology::acsGapsAbove()
{
    const Topology t = Topology::build(m_snapshot);
    // Under a root port with ACS on: nothing missing.
    QVERIFY(t.find(QStringLiteral("0000:01:00.0"))->acsGapsAbove.isEmpty());
    // Below the switch: the root port without ACS, and the downstream port with ACS off; the
    // switch's upstream port is not a gap.
    QCOMPARE(t.find(QStringLiteral("0000:04:00.0"))->acsGapsAbove,
             (QStringList{QStringLiteral("0000:03:00.0"), QStringLiteral("0000:00:1c.0")}));
    QCOMPARE(t.find(QStringLiteral("0000:05:00.0"))->acsGapsAbove, QStringList{QStringLiteral("0000:00:1c.0")});
    QCOMPARE(t.find(QStringLiteral("0000:02:00.0"))->acsGapsAbove, QStringList{QStringLiteral("0000:00:1c.0")});
    QVERIFY(t.find(QStringLiteral("0000:00:1c.0"))->acsGapsAbove.isEmpty());
}

void TestTopology::orphanHangsOnItsRootBus()
{
    // A parent the inventory left out (unreadable): the device still shows, at the top.
    InventorySnapshot s;
    s.devices << device(QStringLiteral("0000:00:1c.0"), 0x060400)
              << device(QStringLiteral("0000:05:00.0"), 0x020000, QStringLiteral("0000:00:1d.0"));
    const Topology t = Topology::build(s);
    QCOMPARE(t.items.size(), 2);
    QCOMPARE(t.find(QStringLiteral("0000:05:00.0"))->depth, 0);
    // Its bus is all that is known: it gets a root of its own, named after that bus.
    QCOMPARE(t.rootBuses.size(), 2);
    QCOMPARE(t.find(QStringLiteral("0000:05:00.0"))->rootBus, QStringLiteral("pci0000:05"));
    QCOMPARE(t.find(QStringLiteral("0000:00:1c.0"))->rootBus, QStringLiteral("pci0000:00"));
}

void TestTopology::linkText()
{
    QCOMPARE(TopologyFacts::linkText(dev(QStringLiteral("0000:01:00.0"))),
             QStringLiteral("8.0 GT/s x4 (capable 16.0 GT/s x16) DEGRADED"));
    QCOMPARE(TopologyFacts::linkText(dev(QStringLiteral("0000:05:00.0"))), QStringLiteral("8.0 GT/s x4"));
    QCOMPARE(TopologyFacts::linkText(dev(QStringLiteral("0000:00:00.0"))), QString());
}

QTEST_GUILESS_MAIN(TestTopology)
#include "tst_topology.moc"
