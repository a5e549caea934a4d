// The readiness check (service/Readiness.h, docs/readiness.md): each finding on a crafted
// simulated host root, none on a healthy one, the node's interrupt remapping rule, and the
// facts on the wire.
#include "SimTestUtil.h"

#include "core/NodeCodec.h"
#include "node/LocalNode.h"
#include "node/ReadinessProbe.h"
#include "sim/SimHostDescription.h"
#include "service/Readiness.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QtTest>

using namespace passdeck;
using namespace passdeck::test;

namespace {

QJsonObject device(const char *address, const char *vendor, const char *id, const char *cls, const char *driver,
                   QStringList resets = {QStringLiteral("flr"), QStringLiteral("bus")})
{
    return {{QStringLiteral("address"), QLatin1String(address)}, {QStringLiteral("vendor"), QLatin1String(vendor)},
            {QStringLiteral("device"), QLatin1String(id)},       {QStringLiteral("class"), QLatin1String(cls)},
            {QStringLiteral("driver"), QLatin1String(driver)},   {QStringLiteral("reset_methods"), QJsonArray::fromStringList(resets)}};
}

// A host with nothing to say: IOMMU on, vfio loaded, interrupts remapped, every endpoint with a
// reset method and a group of its own device, no boot VGA.
QJsonObject healthy()
{
    QJsonObject port = device("0000:00:01.0", "8086", "a190", "060400", "pcieport", {});
    port.insert(QStringLiteral("children"),
                QJsonArray{device("0000:01:00.0", "10de", "2230", "030000", "nvidia"),
                           device("0000:01:00.1", "10de", "1aef", "040300", "snd_hda_intel", {QStringLiteral("flr")})});
    return {{QStringLiteral("node"), QStringLiteral("ok")},
            {QStringLiteral("iommu"), true},
            {QStringLiteral("vfio_pci_loaded"), true},
            {QStringLiteral("devices"), QJsonArray{port, device("0000:00:02.0", "8086", "1521", "020000", "igb")}}};
}

QStringList codes(const ReadinessReport &r)
{
    QStringList c;
    for (const ReadinessFinding &f : r.findings)
        c << f.code;
    return c;
}

const ReadinessFinding *findingOf(const ReadinessReport &r, const QString &code, const QString &device = {})
{
    for (const ReadinessFinding &f : r.findings)
        if (f.code == code && (device.isEmpty() || f.device == device))
            return &f;
    return nullptr;
}

} // namespace

class TstReadiness : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    int m_count = 0;

    // Builds the description and checks it; `craft` may change the built tree first.
    ReadinessReport check(const QJsonObject &description, const std::function<void(const QString &)> &craft = {})
    {
        Error e;
        const QString root = buildSimRoot(m_dir, description, QStringLiteral("r%1").arg(++m_count), &e);
        if (root.isEmpty())
            qFatal("building the tree failed: %s", qPrintable(e.message()));
        if (craft)
            craft(root);
        LocalNode node(root, true);
        Result<ReadinessReport> r = Readiness::check(node, description.value(QStringLiteral("node")).toString());
        if (!r)
            qFatal("readiness failed: %s", qPrintable(r.error().message()));
        return *r;
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void healthyHostHasNoFindings()
    {
        const ReadinessReport r = check(healthy());
        QVERIFY2(r.findings.isEmpty(), qPrintable(codes(r).join(u' ')));
        QVERIFY(r.ready());
        QCOMPARE(r.summary(), QStringLiteral("Ready for passthrough"));
    }

    void iommuOff()
    {
        QJsonObject d = healthy();
        d.insert(QStringLiteral("iommu"), false);
        d.insert(QStringLiteral("cmdline"), QStringLiteral("BOOT_IMAGE=/boot/vmlinuz root=/dev/sda1 ro quiet"));
        ReadinessReport r = check(d);
        const ReadinessFinding *f = findingOf(r, QStringLiteral("iommu-off"));
        QVERIFY(f);
        QCOMPARE(f->severity, Severity::Blocker);
        QVERIFY(f->device.isEmpty());
        QVERIFY2(f->message.contains(QStringLiteral("lacks intel_iommu=on")), qPrintable(f->message));
        QVERIFY2(f->action.contains(QStringLiteral("intel_iommu=on")), qPrintable(f->action));
        QVERIFY(!r.ready());
        // Nothing to remap without an IOMMU, and no group to mix: iommu-off says it all.
        QVERIFY(!findingOf(r, QStringLiteral("interrupt-remapping-off")));
        QVERIFY(!findingOf(r, QStringLiteral("interrupt-remapping-unknown")));
        QVERIFY(!findingOf(r, QStringLiteral("group-mixed")));
        QCOMPARE(r.summary(), QStringLiteral("1 blocker"));

        // An AMD host is told its own parameter.
        d.insert(QStringLiteral("cpu_vendor"), QStringLiteral("AuthenticAMD"));
        r = check(d);
        f = findingOf(r, QStringLiteral("iommu-off"));
        QVERIFY(f);
        QVERIFY2(f->action.contains(QStringLiteral("amd_iommu=on")), qPrintable(f->action));
        QVERIFY2(f->action.contains(QStringLiteral("AMD-Vi")), qPrintable(f->action));

        // The command line asks for it: then it is the firmware.
        d.insert(QStringLiteral("cmdline"), QStringLiteral("root=/dev/sda1 ro amd_iommu=on"));
        f = findingOf(r = check(d), QStringLiteral("iommu-off"));
        QVERIFY(f);
        QVERIFY2(f->message.contains(QStringLiteral("firmware")), qPrintable(f->message));

        // An unreadable command line is said to be unknown, not assumed to lack the parameter.
        f = findingOf(r = check(d, [](const QString &root) { QVERIFY(QFile::remove(root + QStringLiteral("/proc/cmdline"))); }),
                      QStringLiteral("iommu-off"));
        QVERIFY(f);
        QVERIFY2(f->message.contains(QStringLiteral("could not be read")), qPrintable(f->message));
    }

    void vfioMissing()
    {
        QJsonObject d = healthy();
        d.insert(QStringLiteral("vfio_pci_loaded"), false);
        ReadinessReport r = check(d);
        const ReadinessFinding *f = findingOf(r, QStringLiteral("vfio-missing"));
        QVERIFY(f);
        QCOMPARE(f->severity, Severity::Blocker);
        QVERIFY2(f->message.contains(QStringLiteral("vfio, vfio_pci, vfio_iommu_type1")), qPrintable(f->message));
        QVERIFY2(f->action.contains(QStringLiteral("modprobe vfio-pci")), qPrintable(f->action));

        // Only the IOMMU backend missing: only it is named.
        r = check(healthy(), [](const QString &root) {
            QVERIFY(QDir(root + QStringLiteral("/sys/module/vfio_iommu_type1")).removeRecursively());
        });
        f = findingOf(r, QStringLiteral("vfio-missing"));
        QVERIFY(f);
        QVERIFY2(f->message.contains(QStringLiteral("modules vfio_iommu_type1 are")), qPrintable(f->message));
        QVERIFY(!f->message.contains(QStringLiteral("vfio_pci")));
        QCOMPARE(codes(r), QStringList{QStringLiteral("vfio-missing")});
    }

    void interruptRemappingOff()
    {
        QJsonObject d = healthy();
        d.insert(QStringLiteral("interrupt_remapping"), false);
        ReadinessReport r = check(d);
        const ReadinessFinding *f = findingOf(r, QStringLiteral("interrupt-remapping-off"));
        QVERIFY(f);
        QCOMPARE(f->severity, Severity::Blocker);
        QVERIFY2(f->message.contains(QStringLiteral("proc/interrupts")), qPrintable(f->message));
        QCOMPARE(codes(r), QStringList{QStringLiteral("interrupt-remapping-off")});

        // The administrator allowed unsafe interrupts: still said, as a warning.
        r = check(d, [](const QString &root) {
            const QString dir = root + QStringLiteral("/sys/module/vfio_iommu_type1/parameters");
            QVERIFY(QDir().mkpath(dir));
            QFile f(dir + QStringLiteral("/allow_unsafe_interrupts"));
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("Y\n");
        });
        f = findingOf(r, QStringLiteral("interrupt-remapping-off"));
        QVERIFY(f);
        QCOMPARE(f->severity, Severity::Warning);
        QVERIFY(r.ready());
        QCOMPARE(r.summary(), QStringLiteral("Ready for passthrough, with 1 warning"));
    }

    void interruptRemappingUnknown()
    {
        // Nothing to tell from: said as unknown (a warning), never as fine.
        ReadinessReport r = check(healthy(), [](const QString &root) {
            QVERIFY(QFile::remove(root + QStringLiteral("/proc/interrupts")));
        });
        QCOMPARE(codes(r), QStringList{QStringLiteral("interrupt-remapping-unknown")});
        QCOMPARE(r.findings.first().severity, Severity::Warning);
        QVERIFY(r.findings.first().message.contains(QStringLiteral("could not be checked")));

        // intremap=off on the command line decides when proc/interrupts cannot.
        QJsonObject d = healthy();
        d.insert(QStringLiteral("cmdline"), QStringLiteral("root=/dev/sda1 ro intel_iommu=on intremap=off"));
        r = check(d, [](const QString &root) { QVERIFY(QFile::remove(root + QStringLiteral("/proc/interrupts"))); });
        QCOMPARE(codes(r), QStringList{QStringLiteral("interrupt-remapping-off")});
        QVERIFY(r.findings.first().message.contains(QStringLiteral("proc/cmdline")));
    }

    void remappingRule_data()
    {
        QTest::addColumn<QString>("interrupts");
        QTest::addColumn<QString>("cmdline");
        QTest::addColumn<QStringList>("ecaps");
        QTest::addColumn<int>("expected");
        const int on = int(ReadinessFacts::Remapping::On), off = int(ReadinessFacts::Remapping::Off),
                  unknown = int(ReadinessFacts::Remapping::Unknown);
        const QString ir = QStringLiteral(" 24: 0 IR-PCI-MSIX-0000:01:00.0 0-edge nvme0q0\n");
        const QString plain = QStringLiteral(" 24: 0 PCI-MSI 524288-edge nvme0q0\n");
        QTest::newRow("IR chip") << ir << QString() << QStringList() << on;
        QTest::newRow("IR wins over intremap=off") << ir << QStringLiteral("intremap=off") << QStringList() << on;
        QTest::newRow("MSI without IR") << plain << QString() << QStringList() << off;
        QTest::newRow("IO-APIC without IR") << QStringLiteral("  0: 20 IO-APIC 2-edge timer\n") << QString() << QStringList() << off;
        QTest::newRow("nothing") << QString() << QString() << QStringList() << unknown;
        QTest::newRow("nointremap") << QString() << QStringLiteral("ro nointremap") << QStringList() << off;
        QTest::newRow("ecap without IR") << QString() << QString() << QStringList{QStringLiteral("f0050"), QStringLiteral("0")} << off;
        QTest::newRow("ecap with IR: supported, not proven on") << QString() << QString()
                                                                 << QStringList{QStringLiteral("f0050"), QStringLiteral("f020de")} << unknown;
        QTest::newRow("ecap unreadable") << QString() << QString() << QStringList{QStringLiteral("f0050"), QString()} << unknown;
    }

    void remappingRule()
    {
        QFETCH(QString, interrupts);
        QFETCH(QString, cmdline);
        QFETCH(QStringList, ecaps);
        QFETCH(int, expected);
        QString basis;
        QCOMPARE(int(ReadinessProbe::interruptRemapping(interrupts, cmdline, ecaps, &basis)), expected);
        QCOMPARE(basis.isEmpty(), expected == int(ReadinessFacts::Remapping::Unknown));
    }

    void groupMixed()
    {
        QJsonObject d = healthy();
        QJsonArray devices = d.value(QStringLiteral("devices")).toArray();
        // Two single-function devices in one group; a bridge sharing its endpoint's group does
        // not count (docs/readiness.md).
        QJsonObject a = device("0000:00:03.0", "8086", "1533", "020000", "igb");
        QJsonObject b = device("0000:00:04.0", "8086", "1533", "020000", "igb");
        a.insert(QStringLiteral("iommu_group"), 40);
        b.insert(QStringLiteral("iommu_group"), 40);
        QJsonObject bridge = device("0000:00:05.0", "8086", "a194", "060400", "pcieport", {});
        QJsonObject behind = device("0000:02:00.0", "144d", "a80a", "010802", "nvme");
        bridge.insert(QStringLiteral("iommu_group"), 41);
        behind.insert(QStringLiteral("iommu_group"), 41);
        bridge.insert(QStringLiteral("children"), QJsonArray{behind});
        devices << a << b << bridge;
        d.insert(QStringLiteral("devices"), devices);
        const ReadinessReport r = check(d);
        QCOMPARE(codes(r), QStringList{QStringLiteral("group-mixed")});
        const ReadinessFinding &f = r.findings.first();
        QCOMPARE(f.severity, Severity::Warning);
        QCOMPARE(f.device, QStringLiteral("0000:00:03.0"));
        QVERIFY2(f.message.contains(QStringLiteral("IOMMU group 40")), qPrintable(f.message));
        QVERIFY(f.message.contains(QStringLiteral("0000:00:04.0")));
    }

    void noReset()
    {
        QJsonObject d = healthy();
        QJsonArray devices = d.value(QStringLiteral("devices")).toArray();
        devices << device("0000:00:06.0", "1b36", "0010", "010802", "nvme", {});
        d.insert(QStringLiteral("devices"), devices);
        const ReadinessReport r = check(d);
        QCOMPARE(codes(r), QStringList{QStringLiteral("no-reset")});
        QCOMPARE(r.findings.first().device, QStringLiteral("0000:00:06.0"));
        QCOMPARE(r.findings.first().severity, Severity::Warning);
        QVERIFY(r.findings.first().message.contains(QStringLiteral("VM restarts")));
    }

    void bootVga()
    {
        QJsonObject d = healthy();
        QJsonArray devices = d.value(QStringLiteral("devices")).toArray();
        QJsonObject vga = device("0000:00:07.0", "1a03", "2000", "030000", "ast");
        vga.insert(QStringLiteral("boot_vga"), true);
        devices << vga;
        d.insert(QStringLiteral("devices"), devices);
        const ReadinessReport r = check(d);
        QCOMPARE(codes(r), QStringList{QStringLiteral("boot-vga")});
        QCOMPARE(r.findings.first().device, QStringLiteral("0000:00:07.0"));
        QVERIFY(r.findings.first().action.contains(QStringLiteral("out-of-band")));
    }

    void worstFirst()
    {
        QJsonObject d = healthy();
        d.insert(QStringLiteral("vfio_pci_loaded"), false);
        QJsonArray devices = d.value(QStringLiteral("devices")).toArray();
        devices << device("0000:00:06.0", "1b36", "0010", "010802", "nvme", {});
        d.insert(QStringLiteral("devices"), devices);
        const ReadinessReport r = check(d);
        QCOMPARE(codes(r), (QStringList{QStringLiteral("vfio-missing"), QStringLiteral("no-reset")}));
        QCOMPARE(r.summary(), QStringLiteral("1 blocker, 1 warning"));
    }

    void acsMissingAndLinkDegraded()
    {
        // The topology test's node (tests/data/topology-node.json): a GPU trained at x4 of x16,
        // and behind a root port without ACS a switch whose one downstream port has ACS off, so
        // a NIC and an NVMe drive share group 3.
        Result<QJsonObject> d = SimHostDescription::readJsonFile(QStringLiteral(PASSDECK_SOURCE_DIR "/tests/data/topology-node.json"));
        QVERIFY(d);
        const ReadinessReport r = check(*d);
        QStringList found;
        for (const ReadinessFinding &f : r.findings)
            found << f.code + u' ' + f.device;
        QVERIFY2(found.contains(QStringLiteral("link-degraded 0000:01:00.0")), qPrintable(found.join(u'|')));
        QVERIFY(found.contains(QStringLiteral("link-degraded 0000:01:00.1")));
        QVERIFY(found.contains(QStringLiteral("group-mixed 0000:04:00.0")));
        QVERIFY(found.contains(QStringLiteral("acs-missing 0000:00:1c.0")));
        QVERIFY(found.contains(QStringLiteral("acs-missing 0000:03:00.0")));
        // Ports with ACS on, the switch's upstream port and the healthy NIC on node 1 are not named.
        QVERIFY(!found.join(u'|').contains(QStringLiteral("acs-missing 0000:03:01.0")));
        QVERIFY(!found.join(u'|').contains(QStringLiteral("acs-missing 0000:02:00.0")));
        QVERIFY(!found.join(u'|').contains(QStringLiteral("0000:81:00.0")));
        const ReadinessFinding *acs = findingOf(r, QStringLiteral("acs-missing"), QStringLiteral("0000:00:1c.0"));
        QCOMPARE(acs->severity, Severity::Warning);
        QVERIFY2(acs->message.contains(QStringLiteral("0000:04:00.0, 0000:05:00.0")), qPrintable(acs->message));
        QVERIFY2(acs->message.contains(QStringLiteral("ACS absent")), qPrintable(acs->message));
        QVERIFY(findingOf(r, QStringLiteral("acs-missing"), QStringLiteral("0000:03:00.0"))->message.contains(QStringLiteral("ACS off")));
        const ReadinessFinding *link = findingOf(r, QStringLiteral("link-degraded"), QStringLiteral("0000:01:00.0"));
        QVERIFY2(link->message.contains(QStringLiteral("x4")), qPrintable(link->message));
        QVERIFY(link->message.contains(QStringLiteral("x16")));
    }

    void unknownFacts()
    {
        // An agent older than the facts: nothing host-wide is said to be fine.
        ReadinessFacts facts;
        const ReadinessReport r = Readiness::assess(QStringLiteral("old"), facts, InventorySnapshot{});
        QCOMPARE(codes(r), QStringList{QStringLiteral("readiness-unknown")});
        QVERIFY(r.findings.first().action.contains(QStringLiteral("passdeckd")));
    }

    void factsOnTheWire()
    {
        Error e;
        const QString root = buildSimRoot(m_dir, healthy(), QStringLiteral("wire"), &e);
        QVERIFY(!root.isEmpty());
        LocalNode node(root, true);
        Result<NodeCapabilities> caps = node.capabilities(-1);
        QVERIFY(caps);
        QVERIFY(caps->facts.known);
        QVERIFY(caps->facts.iommuGroups >= 3);
        QCOMPARE(caps->facts.vfioModules, vfioModuleNames());
        QCOMPARE(caps->facts.cpuVendor, QStringLiteral("GenuineIntel"));
        QCOMPARE(caps->facts.interruptRemapping, ReadinessFacts::Remapping::On);
        const QJsonObject json = nodecodec::toJson(*caps);
        Result<NodeCapabilities> back = nodecodec::fromJson<NodeCapabilities>(json);
        QVERIFY2(back, back ? "" : qPrintable(back.error().message()));
        QCOMPARE(QJsonDocument(nodecodec::toJson(*back)).toJson(), QJsonDocument(json).toJson());
        QCOMPARE(back->facts.cmdline, caps->facts.cmdline);

        // An older agent's answer has no facts: read as unknown, not as an error.
        Result<NodeCapabilities> old = nodecodec::fromJson<NodeCapabilities>(
            QJsonObject{{QStringLiteral("iommu"), true}, {QStringLiteral("vfioPci"), true}});
        QVERIFY(old);
        QVERIFY(!old->facts.known);

        // A bad value is refused.
        QJsonObject bad = json;
        QJsonObject facts = bad.value(QStringLiteral("readiness")).toObject();
        facts.insert(QStringLiteral("interruptRemapping"), QStringLiteral("maybe"));
        bad.insert(QStringLiteral("readiness"), facts);
        QVERIFY(!nodecodec::fromJson<NodeCapabilities>(bad));
    }
};

QTEST_GUILESS_MAIN(TstReadiness)
#include "tst_readiness.moc"
