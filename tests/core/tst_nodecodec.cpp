// core/NodeCodec: round trips of every type a Node call carries, and malformed input (wrong
// types, missing fields, bad addresses and driver names, paths leaving the root, oversized
// lists) refused with a "bad-message" Error that names the field.
#include "core/NodeCodec.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QtTest>

using namespace passdeck;
using namespace passdeck::nodecodec;

namespace {

// Through text too: what crosses the network is bytes.
template<typename T>
T roundTrip(const T &value)
{
    const QByteArray text = QJsonDocument(toJson(value)).toJson(QJsonDocument::Compact);
    Result<T> back = fromJson<T>(QJsonDocument::fromJson(text).object());
    if (!back)
        qFatal("round trip failed: %s", qPrintable(back.error().message()));
    return *back;
}

bool sameFinding(const Finding &a, const Finding &b)
{
    return a.severity == b.severity && a.code == b.code && a.device == b.device && a.message == b.message
        && a.forcible == b.forcible;
}

BindPlan samplePlan()
{
    BindPlan p;
    p.target = BindTarget::VfioPci;
    p.requested = {QStringLiteral("0000:01:00.0")};
    p.devices = {QStringLiteral("0000:01:00.0"), QStringLiteral("0000:01:00.1")};
    p.added = {QStringLiteral("0000:01:00.1")};
    p.writes = {PlannedWrite{QStringLiteral("0000:01:00.0"), QStringLiteral("sys/bus/pci/devices/0000:01:00.0/driver_override"),
                             QByteArray("vfio-pci\n"), QStringLiteral("override")},
                PlannedWrite{QStringLiteral("0000:01:00.1"), QStringLiteral("sys/bus/pci/drivers_probe"), QByteArray("\x00\xff", 2),
                             QStringLiteral("probe")}};
    p.findings = {Finding{Severity::Warning, QStringLiteral("group-member"), QStringLiteral("0000:01:00.1"),
                          QStringLiteral("comes along — ünïcode"), false},
                  Finding{Severity::Blocker, QStringLiteral("vfio-not-loaded"), QString(), QStringLiteral("load it"), true}};
    p.originalDrivers = {{QStringLiteral("0000:01:00.0"), QStringLiteral("nvidia")}, {QStringLiteral("0000:01:00.1"), QString()}};
    p.originalOverrides = {{QStringLiteral("0000:01:00.0"), QString()}, {QStringLiteral("0000:01:00.1"), QStringLiteral("snd_hda_intel")}};
    return p;
}

PciDevice sampleDevice()
{
    PciDevice d;
    d.address = QStringLiteral("0000:3b:00.0");
    d.vendorId = 0x8086;
    d.deviceId = 0x1572;
    d.subsystemVendorId = -1;
    d.subsystemDeviceId = 0;
    d.revision = 2;
    d.classId = 0x020000;
    d.vendorName = QStringLiteral("Intel");
    d.deviceName = QStringLiteral("X710");
    d.className = QStringLiteral("Ethernet controller");
    d.driver = QStringLiteral("i40e");
    d.driverOverride = QString();
    d.iommuGroup = 42;
    d.numaNode = 1;
    d.resetMethods = {QStringLiteral("flr"), QStringLiteral("bus")};
    d.bootVga = true;
    d.isBridge = false;
    d.sriovTotalVfs = 64;
    d.sriovNumVfs = 1;
    d.virtfns = {QStringLiteral("0000:3b:02.0")};
    d.netInterfaces = {NetInterface{QStringLiteral("eno1"), QStringLiteral("up")}};
    d.blockDevices = {QStringLiteral("nvme0n1")};
    d.nvmeControllers = {QStringLiteral("nvme0")};
    d.drmCards = {QStringLiteral("card0")};
    d.unreadable = {QStringLiteral("net/eno1/operstate: not a regular file")};
    return d;
}

} // namespace

class TestNodeCodec : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void planRoundTrips()
    {
        const BindPlan p = samplePlan();
        const BindPlan b = roundTrip(p);
        QCOMPARE(b.target, p.target);
        QCOMPARE(b.requested, p.requested);
        QCOMPARE(b.devices, p.devices);
        QCOMPARE(b.added, p.added);
        QCOMPARE(b.writes.size(), p.writes.size());
        for (qsizetype i = 0; i < p.writes.size(); ++i) {
            QCOMPARE(b.writes[i].device, p.writes[i].device);
            QCOMPARE(b.writes[i].path, p.writes[i].path);
            QCOMPARE(b.writes[i].value, p.writes[i].value); // bytes, not text: base64
            QCOMPARE(b.writes[i].step, p.writes[i].step);
        }
        QCOMPARE(b.findings.size(), p.findings.size());
        for (qsizetype i = 0; i < p.findings.size(); ++i)
            QVERIFY(sameFinding(b.findings[i], p.findings[i]));
        QCOMPARE(b.originalDrivers, p.originalDrivers);
        QCOMPARE(b.originalOverrides, p.originalOverrides);
        BindPlan host = p;
        host.target = BindTarget::Host;
        QCOMPARE(roundTrip(host).target, BindTarget::Host);
    }

    void applyTypesRoundTrip()
    {
        ApplyOptions o;
        o.force = true;
        o.nextBoot = true;
        const ApplyOptions ob = roundTrip(o);
        QCOMPARE(ob.force, true);
        QCOMPARE(ob.nextBoot, true);

        ApplyResult r;
        r.target = BindTarget::Host;
        r.devices = {DeviceOutcome{QStringLiteral("0000:01:00.0"), QStringLiteral("vfio-pci"), QString()}};
        r.findings = {Finding{Severity::Info, QStringLiteral("busy"), QStringLiteral("0000:01:00.0"), QStringLiteral("m"), false}};
        r.rebootRequired = true;
        r.rebootDevices = {QStringLiteral("0000:01:00.0")};
        const ApplyResult rb = roundTrip(r);
        QCOMPARE(rb.target, BindTarget::Host);
        QCOMPARE(rb.devices.size(), 1);
        QCOMPARE(rb.devices[0].address, r.devices[0].address);
        QCOMPARE(rb.devices[0].originalDriver, QStringLiteral("vfio-pci"));
        QCOMPARE(rb.devices[0].driver, QString());
        QVERIFY(sameFinding(rb.findings[0], r.findings[0]));
        QCOMPARE(rb.rebootRequired, true);
        QCOMPARE(rb.rebootDevices, r.rebootDevices);
    }

    void inventoryRoundTrips()
    {
        InventorySnapshot s;
        s.hostRoot = QStringLiteral("/srv/nodes/a");
        s.devices = {sampleDevice()};
        PciDevice vf;
        vf.address = QStringLiteral("0000:3b:02.0");
        vf.physfn = QStringLiteral("0000:3b:00.0");
        s.devices << vf;
        s.iommuGroups = {{42, {QStringLiteral("0000:3b:00.0")}}, {0, {QStringLiteral("0000:3b:02.0")}}};
        s.warnings = {QStringLiteral("one warning")};
        s.unreadable = {QStringLiteral("sys/class/net: unreadable")};
        const InventorySnapshot b = roundTrip(s);
        QCOMPARE(b.hostRoot, s.hostRoot);
        QCOMPARE(b.iommuGroups, s.iommuGroups);
        QCOMPARE(b.warnings, s.warnings);
        QCOMPARE(b.unreadable, s.unreadable);
        QCOMPARE(b.devices.size(), 2);
        // Every field of a device, compared through its own JSON (which names every field).
        QCOMPARE(toJson(b.devices[0]), toJson(s.devices[0]));
        QCOMPARE(toJson(b.devices[1]), toJson(s.devices[1]));
        QCOMPARE(b.devices[0].vendorId, 0x8086);
        QCOMPARE(b.devices[0].subsystemVendorId, -1);
        QCOMPARE(b.devices[0].netInterfaces[0].operstate, QStringLiteral("up"));
        QCOMPARE(b.devices[1].physfn, QStringLiteral("0000:3b:00.0"));
    }

    void nodeTypesRoundTrip()
    {
        NodeIdentity id{QStringLiteral("/"), QStringLiteral("host-1"), QStringLiteral("6.1.0"), true, QStringLiteral("0.1.0"),
                        QStringLiteral("0123456789abcdef0123456789abcdef")};
        QCOMPARE(toJson(roundTrip(id)), toJson(id));
        HostMounts m{QStringLiteral("/dev/nvme0n1p2 / ext4 rw 0 0\n"), QStringLiteral("Filename Type\n")};
        QCOMPARE(roundTrip(m).mounts, m.mounts);
        QCOMPARE(roundTrip(m).swaps, m.swaps);
        NodeCapabilities c;
        c.iommu = true;
        QCOMPARE(roundTrip(c).iommu, true);
        QCOMPARE(roundTrip(c).vfioPci, false);
        QMap<QString, DriverState> states{{QStringLiteral("0000:01:00.0"), DriverState{QStringLiteral("vfio-pci"), QStringLiteral("vfio-pci"), true}},
                                          {QStringLiteral("0000:01:00.1"), DriverState{QString(), QString(), false}}};
        const auto sb = roundTrip(states);
        QCOMPARE(sb.size(), 2);
        QCOMPARE(sb.value(QStringLiteral("0000:01:00.0")).override, QStringLiteral("vfio-pci"));
        QCOMPARE(sb.value(QStringLiteral("0000:01:00.1")).present, false);
        RestoreRequest q{{{QStringLiteral("0000:01:00.0"), QStringLiteral("nvidia")}}, {{QStringLiteral("0000:01:00.0"), QStringLiteral("(null)")}}};
        QCOMPARE(roundTrip(q).originalDrivers, q.originalDrivers);
        QCOMPARE(roundTrip(q).originalOverrides, q.originalOverrides);
        VfCountOptions v{false, true};
        QCOMPARE(roundTrip(v).autoprobeToHost, false);
        QCOMPARE(roundTrip(v).force, true);
        SriovState ss;
        ss.address = QStringLiteral("0000:3b:00.0");
        ss.current = 2;
        ss.total = 64;
        ss.vfs = {QStringLiteral("0000:3b:02.0"), QStringLiteral("0000:3b:02.1")};
        QCOMPARE(toJson(roundTrip(ss)), toJson(ss));
    }

    void answersCarryErrors()
    {
        Error e = Error::make(ErrorCode::VerifyFailed, QStringLiteral("Moving"), QStringLiteral("why"), QStringLiteral("hint"));
        e.device = QStringLiteral("0000:01:00.0");
        e.step = QStringLiteral("sys/bus/pci/devices/0000:01:00.0/driver");
        e.errnum = 16;
        const QJsonObject failed = resultToJson(Result<BindPlan>(e));
        Result<BindPlan> back = resultFromJson<BindPlan>(failed);
        QVERIFY(!back);
        QCOMPARE(back.error().code, e.code);
        QCOMPARE(back.error().why, e.why);
        QCOMPARE(back.error().hint, e.hint);
        QCOMPARE(back.error().device, e.device);
        QCOMPARE(back.error().step, e.step);
        QCOMPARE(back.error().errnum, 16);

        Result<BindPlan> ok = resultFromJson<BindPlan>(resultToJson(Result<BindPlan>(samplePlan())));
        QVERIFY(ok);
        QCOMPARE(ok->devices, samplePlan().devices);
        QVERIFY(statusFromJson(resultToJson(Status())));
        QCOMPARE(statusFromJson(resultToJson(Status(e))).error().code, e.code);
        // An answer that is neither: a decoding error, not a success.
        QCOMPARE(statusFromJson(QJsonObject{{QStringLiteral("ok"), QStringLiteral("yes")}}).error().code, ErrorCode::BadMessage);
        QCOMPARE(statusFromJson(QJsonObject{{QStringLiteral("ok"), false}}).error().code, ErrorCode::BadMessage);
        QCOMPARE(resultFromJson<BindPlan>(QJsonObject{{QStringLiteral("ok"), true}}).error().code, ErrorCode::BadMessage);
    }

    void malformedPlansAreRefused_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QJsonValue>("value");
        QTest::addColumn<QString>("named");
        QTest::newRow("target unknown") << "target" << QJsonValue(QStringLiteral("nvidia")) << "plan.target";
        QTest::newRow("target not a string") << "target" << QJsonValue(1) << "plan.target";
        QTest::newRow("devices not an array") << "devices" << QJsonValue(QStringLiteral("0000:01:00.0")) << "plan.devices";
        QTest::newRow("bad address") << "devices" << QJsonValue(QJsonArray{QStringLiteral("../../etc")}) << "plan.devices[0]";
        QTest::newRow("upper-case address") << "requested" << QJsonValue(QJsonArray{QStringLiteral("0000:01:00.A")}) << "plan.requested[0]";
        QTest::newRow("number in list") << "added" << QJsonValue(QJsonArray{7}) << "plan.added[0]";
        QTest::newRow("bad driver") << "originalDrivers"
                                    << QJsonValue(QJsonObject{{QStringLiteral("0000:01:00.0"), QStringLiteral("../x")}}) << "plan.originalDrivers";
        QTest::newRow("bad map key") << "originalDrivers"
                                     << QJsonValue(QJsonObject{{QStringLiteral("eth0"), QStringLiteral("igb")}}) << "plan.originalDrivers";
        QTest::newRow("bad override") << "originalOverrides"
                                      << QJsonValue(QJsonObject{{QStringLiteral("0000:01:00.0"), QStringLiteral("a b")}}) << "plan.originalOverrides";
        QTest::newRow("absolute write path") << "writes"
            << QJsonValue(QJsonArray{QJsonObject{{QStringLiteral("device"), QStringLiteral("0000:01:00.0")},
                                                 {QStringLiteral("path"), QStringLiteral("/etc/passwd")},
                                                 {QStringLiteral("value"), QStringLiteral("eA==")},
                                                 {QStringLiteral("step"), QStringLiteral("x")}}}) << "plan.writes[0]";
        QTest::newRow("dot-dot write path") << "writes"
            << QJsonValue(QJsonArray{QJsonObject{{QStringLiteral("device"), QString()},
                                                 {QStringLiteral("path"), QStringLiteral("sys/../etc/shadow")},
                                                 {QStringLiteral("value"), QStringLiteral("eA==")},
                                                 {QStringLiteral("step"), QStringLiteral("x")}}}) << "plan.writes[0]";
        QTest::newRow("value not base64") << "writes"
            << QJsonValue(QJsonArray{QJsonObject{{QStringLiteral("device"), QString()},
                                                 {QStringLiteral("path"), QStringLiteral("sys/bus/pci/drivers_probe")},
                                                 {QStringLiteral("value"), QStringLiteral("***")},
                                                 {QStringLiteral("step"), QStringLiteral("x")}}}) << "plan.writes[0]";
        QTest::newRow("finding severity") << "findings"
            << QJsonValue(QJsonArray{QJsonObject{{QStringLiteral("severity"), QStringLiteral("fatal")},
                                                 {QStringLiteral("code"), QStringLiteral("x")},
                                                 {QStringLiteral("device"), QString()},
                                                 {QStringLiteral("message"), QStringLiteral("m")},
                                                 {QStringLiteral("forcible"), false}}}) << "plan.findings[0]";
        QTest::newRow("finding forcible not bool") << "findings"
            << QJsonValue(QJsonArray{QJsonObject{{QStringLiteral("severity"), QStringLiteral("info")},
                                                 {QStringLiteral("code"), QStringLiteral("x")},
                                                 {QStringLiteral("device"), QString()},
                                                 {QStringLiteral("message"), QStringLiteral("m")},
                                                 {QStringLiteral("forcible"), 1}}}) << "plan.findings[0]";
        QTest::newRow("missing field") << "devices" << QJsonValue(QJsonValue::Undefined) << "plan.devices";
        QTest::newRow("null field") << "writes" << QJsonValue(QJsonValue::Null) << "plan.writes";
        QJsonArray tooMany;
        for (int i = 0; i < 65537; ++i)
            tooMany.append(QStringLiteral("0000:01:00.0"));
        QTest::newRow("too many devices") << "devices" << QJsonValue(tooMany) << "plan.devices";
    }

    void malformedPlansAreRefused()
    {
        QFETCH(QString, field);
        QFETCH(QJsonValue, value);
        QFETCH(QString, named);
        QJsonObject o = toJson(samplePlan());
        if (value.isUndefined())
            o.remove(field);
        else
            o.insert(field, value);
        Result<BindPlan> r = fromJson<BindPlan>(o);
        QVERIFY(!r);
        QCOMPARE(r.error().code, ErrorCode::BadMessage);
        QVERIFY2(r.error().why.startsWith(named), qPrintable(r.error().why));
    }

    void malformedValuesOfOtherTypes()
    {
        // Not an object at all.
        QVERIFY(!fromJson<BindPlan>(QJsonValue(QStringLiteral("plan"))));
        QVERIFY(!fromJson<InventorySnapshot>(QJsonValue(QJsonArray())));
        QVERIFY(!fromJson<ApplyOptions>(QJsonValue()));
        // Integers: fractions, out of range.
        QJsonObject d = toJson(sampleDevice());
        d.insert(QStringLiteral("vendorId"), 1.5);
        QVERIFY(!fromJson<PciDevice>(d));
        d = toJson(sampleDevice());
        d.insert(QStringLiteral("vendorId"), 0x10000);
        QVERIFY(!fromJson<PciDevice>(d));
        d = toJson(sampleDevice());
        d.insert(QStringLiteral("driver"), QStringLiteral("vfio-pci/../../x"));
        QVERIFY(!fromJson<PciDevice>(d));
        d = toJson(sampleDevice());
        d.insert(QStringLiteral("vendorName"), QString(QChar(0)));
        QVERIFY(!fromJson<PciDevice>(d));
        // IOMMU group keys are numbers.
        QJsonObject s = toJson(InventorySnapshot{});
        s.insert(QStringLiteral("iommuGroups"), QJsonObject{{QStringLiteral("x"), QJsonArray()}});
        QVERIFY(!fromJson<InventorySnapshot>(s));
        s.insert(QStringLiteral("iommuGroups"), QJsonObject{{QStringLiteral("-1"), QJsonArray()}});
        QVERIFY(!fromJson<InventorySnapshot>(s));
        s.insert(QStringLiteral("iommuGroups"), QJsonObject{{QStringLiteral("3"), QJsonArray{QStringLiteral("nope")}}});
        QVERIFY(!fromJson<InventorySnapshot>(s));
        // Driver states keyed by address.
        using States = QMap<QString, DriverState>;
        QVERIFY(!fromJson<States>(QJsonObject{{QStringLiteral("states"), QJsonObject{{QStringLiteral("x"), QJsonObject()}}}}));
        QVERIFY(!fromJson<States>(QJsonObject{{QStringLiteral("states"),
            QJsonObject{{QStringLiteral("0000:01:00.0"), QJsonObject{{QStringLiteral("driver"), 3}}}}}}));
        // A restore of something that is not a driver.
        QVERIFY(!fromJson<RestoreRequest>(QJsonObject{{QStringLiteral("originalDrivers"), QJsonObject{{QStringLiteral("0000:01:00.0"), QStringLiteral("..")}}},
                                                      {QStringLiteral("originalOverrides"), QJsonObject()}}));
        // SR-IOV counts are small non-negative numbers.
        SriovState ss;
        ss.address = QStringLiteral("0000:3b:00.0");
        QJsonObject so = toJson(ss);
        so.insert(QStringLiteral("total"), -1);
        QVERIFY(!fromJson<SriovState>(so));
        // Unknown fields are ignored (a newer peer may send more).
        QJsonObject extra = toJson(samplePlan());
        extra.insert(QStringLiteral("futureField"), 1);
        QVERIFY(fromJson<BindPlan>(extra));
    }
};

QTEST_GUILESS_MAIN(TestNodeCodec)
#include "tst_nodecodec.moc"
