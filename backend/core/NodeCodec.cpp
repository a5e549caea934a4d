#include "core/NodeCodec.h"

#include "core/JsonReader.h"
#include "core/PciAddress.h"

#include <QCoreApplication>
#include <QJsonArray>

namespace passdeck::nodecodec {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("NodeCodec", text);
}

QString messageWhat()
{
    return tr("Reading a node message");
}

template<typename T, typename F>
QJsonArray arrayOf(const QList<T> &items, F &&convert)
{
    QJsonArray a;
    for (const T &item : items)
        a.append(convert(item));
    return a;
}

QJsonObject stringMapJson(const QMap<QString, QString> &map)
{
    QJsonObject o;
    for (auto it = map.cbegin(); it != map.cend(); ++it)
        o.insert(it.key(), it.value());
    return o;
}

// Each element of an array through the decoder of T, the first failure named by its index.
template<typename T>
QList<T> listOf(const JsonReader &r, const QString &key, int maxItems, QString *problem)
{
    QList<T> out;
    const QJsonArray a = r.array(key, maxItems);
    for (qsizetype i = 0; i < a.size() && problem->isEmpty(); ++i) {
        Result<T> item = fromJson<T>(a.at(i));
        if (!item)
            *problem = QStringLiteral("%1.%2[%3]: %4").arg(r.path(), key).arg(i).arg(item.error().why);
        else
            out.append(*item);
    }
    return out;
}

BindTarget readTarget(const JsonReader &r, const QString &key)
{
    const QString t = r.string(key, 16);
    if (t == QLatin1String("host"))
        return BindTarget::Host;
    if (t != QLatin1String("vfio-pci") && !r.failed())
        r.fail(key, tr("'%1' is not a target (vfio-pci or host)").arg(t));
    return BindTarget::VfioPci;
}

// "" or a driver name; "(null)" (as sysfs shows no override) reads as "".
bool isOverrideValue(const QString &v)
{
    return v.isEmpty() || v == QLatin1String("(null)") || isValidDriverName(v);
}

// A sysfs path of a plan: relative, no "..", no empty or "." segment.
bool isRelativePath(const QString &p)
{
    if (p.isEmpty() || p.startsWith(u'/'))
        return false;
    for (const QString &segment : p.split(u'/'))
        if (segment.isEmpty() || segment == QLatin1String(".") || segment == QLatin1String(".."))
            return false;
    return true;
}

template<typename T>
Result<T> done(const T &value, const QString &problem)
{
    if (!problem.isEmpty())
        return Error::make(ErrorCode::BadMessage, messageWhat(), problem,
                           tr("The node and Passdeck may be different versions, or the message was damaged; nothing was done."));
    return value;
}

} // namespace

QString targetName(BindTarget target)
{
    return target == BindTarget::Host ? QStringLiteral("host") : QStringLiteral("vfio-pci");
}

QString severityName(Severity severity)
{
    switch (severity) {
    case Severity::Blocker: return QStringLiteral("blocker");
    case Severity::Warning: return QStringLiteral("warning");
    case Severity::Info: break;
    }
    return QStringLiteral("info");
}

// ---- to JSON ----------------------------------------------------------------------------

QJsonObject toJson(const Error &e)
{
    return {{QStringLiteral("code"), errorCodeName(e.code)}, {QStringLiteral("what"), e.what}, {QStringLiteral("why"), e.why},
            {QStringLiteral("hint"), e.hint}, {QStringLiteral("device"), e.device}, {QStringLiteral("step"), e.step},
            {QStringLiteral("errnum"), e.errnum}};
}

QJsonObject toJson(const Finding &f)
{
    return {{QStringLiteral("severity"), severityName(f.severity)}, {QStringLiteral("code"), f.code},
            {QStringLiteral("device"), f.device}, {QStringLiteral("message"), f.message}, {QStringLiteral("forcible"), f.forcible}};
}

QJsonObject toJson(const PlannedWrite &w)
{
    return {{QStringLiteral("device"), w.device}, {QStringLiteral("path"), w.path},
            {QStringLiteral("value"), QString::fromLatin1(w.value.toBase64())}, {QStringLiteral("step"), w.step}};
}

QJsonObject toJson(const BindPlan &p)
{
    return {{QStringLiteral("target"), targetName(p.target)},
            {QStringLiteral("requested"), QJsonArray::fromStringList(p.requested)},
            {QStringLiteral("devices"), QJsonArray::fromStringList(p.devices)},
            {QStringLiteral("added"), QJsonArray::fromStringList(p.added)},
            {QStringLiteral("writes"), arrayOf(p.writes, [](const PlannedWrite &w) { return toJson(w); })},
            {QStringLiteral("findings"), arrayOf(p.findings, [](const Finding &f) { return toJson(f); })},
            {QStringLiteral("originalDrivers"), stringMapJson(p.originalDrivers)},
            {QStringLiteral("originalOverrides"), stringMapJson(p.originalOverrides)}};
}

QJsonObject toJson(const ApplyOptions &o)
{
    return {{QStringLiteral("force"), o.force}, {QStringLiteral("nextBoot"), o.nextBoot}};
}

QJsonObject toJson(const DeviceOutcome &d)
{
    return {{QStringLiteral("address"), d.address}, {QStringLiteral("originalDriver"), d.originalDriver},
            {QStringLiteral("driver"), d.driver}};
}

QJsonObject toJson(const ApplyResult &r)
{
    return {{QStringLiteral("target"), targetName(r.target)},
            {QStringLiteral("devices"), arrayOf(r.devices, [](const DeviceOutcome &d) { return toJson(d); })},
            {QStringLiteral("findings"), arrayOf(r.findings, [](const Finding &f) { return toJson(f); })},
            {QStringLiteral("rebootRequired"), r.rebootRequired},
            {QStringLiteral("rebootDevices"), QJsonArray::fromStringList(r.rebootDevices)}};
}

QJsonObject toJson(const NetInterface &n)
{
    return {{QStringLiteral("name"), n.name}, {QStringLiteral("operstate"), n.operstate}};
}

QJsonObject toJson(const PciDevice &d)
{
    return {{QStringLiteral("address"), d.address},
            {QStringLiteral("vendorId"), d.vendorId}, {QStringLiteral("deviceId"), d.deviceId},
            {QStringLiteral("subsystemVendorId"), d.subsystemVendorId}, {QStringLiteral("subsystemDeviceId"), d.subsystemDeviceId},
            {QStringLiteral("revision"), d.revision}, {QStringLiteral("classId"), d.classId},
            {QStringLiteral("vendorName"), d.vendorName}, {QStringLiteral("deviceName"), d.deviceName},
            {QStringLiteral("className"), d.className},
            {QStringLiteral("driver"), d.driver}, {QStringLiteral("driverOverride"), d.driverOverride},
            {QStringLiteral("iommuGroup"), d.iommuGroup}, {QStringLiteral("numaNode"), d.numaNode},
            {QStringLiteral("resetMethods"), QJsonArray::fromStringList(d.resetMethods)},
            {QStringLiteral("linkSpeed"), d.linkSpeed}, {QStringLiteral("maxLinkSpeed"), d.maxLinkSpeed},
            {QStringLiteral("linkWidth"), d.linkWidth}, {QStringLiteral("maxLinkWidth"), d.maxLinkWidth},
            {QStringLiteral("acsKnown"), d.acsKnown}, {QStringLiteral("acsCapability"), d.acsCapability},
            {QStringLiteral("acsControl"), d.acsControl},
            {QStringLiteral("physicalSlot"), d.physicalSlot}, {QStringLiteral("serialNumber"), d.serialNumber},
            {QStringLiteral("parent"), d.parent},
            {QStringLiteral("bootVga"), d.bootVga}, {QStringLiteral("isBridge"), d.isBridge},
            {QStringLiteral("sriovTotalVfs"), d.sriovTotalVfs}, {QStringLiteral("sriovNumVfs"), d.sriovNumVfs},
            {QStringLiteral("physfn"), d.physfn}, {QStringLiteral("virtfns"), QJsonArray::fromStringList(d.virtfns)},
            {QStringLiteral("netInterfaces"), arrayOf(d.netInterfaces, [](const NetInterface &n) { return toJson(n); })},
            {QStringLiteral("blockDevices"), QJsonArray::fromStringList(d.blockDevices)},
            {QStringLiteral("nvmeControllers"), QJsonArray::fromStringList(d.nvmeControllers)},
            {QStringLiteral("drmCards"), QJsonArray::fromStringList(d.drmCards)},
            {QStringLiteral("unreadable"), QJsonArray::fromStringList(d.unreadable)}};
}

QJsonObject toJson(const InventorySnapshot &s)
{
    QJsonObject groups;
    for (auto it = s.iommuGroups.cbegin(); it != s.iommuGroups.cend(); ++it)
        groups.insert(QString::number(it.key()), QJsonArray::fromStringList(it.value()));
    return {{QStringLiteral("hostRoot"), s.hostRoot},
            {QStringLiteral("devices"), arrayOf(s.devices, [](const PciDevice &d) { return toJson(d); })},
            {QStringLiteral("iommuGroups"), groups},
            {QStringLiteral("warnings"), QJsonArray::fromStringList(s.warnings)},
            {QStringLiteral("unreadable"), QJsonArray::fromStringList(s.unreadable)}};
}

QJsonObject toJson(const NodeIdentity &i)
{
    return {{QStringLiteral("address"), i.address}, {QStringLiteral("hostName"), i.hostName},
            {QStringLiteral("kernel"), i.kernel}, {QStringLiteral("simulated"), i.simulated},
            {QStringLiteral("agentVersion"), i.agentVersion}, {QStringLiteral("machineId"), i.machineId}};
}

QJsonObject toJson(const HostMounts &m)
{
    return {{QStringLiteral("mounts"), m.mounts}, {QStringLiteral("swaps"), m.swaps}};
}

namespace {

QString remappingName(ReadinessFacts::Remapping r)
{
    switch (r) {
    case ReadinessFacts::Remapping::On: return QStringLiteral("on");
    case ReadinessFacts::Remapping::Off: return QStringLiteral("off");
    case ReadinessFacts::Remapping::Unknown: break;
    }
    return QStringLiteral("unknown");
}

} // namespace

QJsonObject toJson(const NodeCapabilities &c)
{
    QJsonObject o{{QStringLiteral("iommu"), c.iommu}, {QStringLiteral("vfioPci"), c.vfioPci}};
    // Absent when the node has none to report (the reader then leaves facts.known false).
    if (c.facts.known) {
        const ReadinessFacts &f = c.facts;
        o.insert(QStringLiteral("readiness"),
                 QJsonObject{{QStringLiteral("iommuGroups"), f.iommuGroups},
                             {QStringLiteral("iommuUnits"), QJsonArray::fromStringList(f.iommuUnits)},
                             {QStringLiteral("cmdlineRead"), f.cmdlineRead},
                             {QStringLiteral("cmdline"), f.cmdline},
                             {QStringLiteral("cpuVendor"), f.cpuVendor},
                             {QStringLiteral("vfioModules"), QJsonArray::fromStringList(f.vfioModules)},
                             {QStringLiteral("unsafeInterruptsAllowed"), f.unsafeInterruptsAllowed},
                             {QStringLiteral("interruptRemapping"), remappingName(f.interruptRemapping)},
                             {QStringLiteral("interruptRemappingBasis"), f.interruptRemappingBasis}});
    }
    return o;
}

QJsonObject toJson(const DriverState &s)
{
    return {{QStringLiteral("driver"), s.driver}, {QStringLiteral("override"), s.override}, {QStringLiteral("present"), s.present}};
}

QJsonObject toJson(const QMap<QString, DriverState> &states)
{
    QJsonObject o;
    for (auto it = states.cbegin(); it != states.cend(); ++it)
        o.insert(it.key(), toJson(it.value()));
    return {{QStringLiteral("states"), o}};
}

QJsonObject toJson(const RestoreRequest &r)
{
    return {{QStringLiteral("originalDrivers"), stringMapJson(r.originalDrivers)},
            {QStringLiteral("originalOverrides"), stringMapJson(r.originalOverrides)}};
}

QJsonObject toJson(const VfCountOptions &o)
{
    return {{QStringLiteral("autoprobeToHost"), o.autoprobeToHost}, {QStringLiteral("force"), o.force}};
}

QJsonObject toJson(const SriovState &s)
{
    return {{QStringLiteral("nodeId"), s.nodeId}, {QStringLiteral("address"), s.address},
            {QStringLiteral("current"), s.current}, {QStringLiteral("total"), s.total},
            {QStringLiteral("vfs"), QJsonArray::fromStringList(s.vfs)}};
}

QJsonObject resultToJson(const Status &status)
{
    if (!status)
        return QJsonObject{{QStringLiteral("ok"), false}, {QStringLiteral("error"), toJson(status.error())}};
    return QJsonObject{{QStringLiteral("ok"), true}};
}

// ---- from JSON --------------------------------------------------------------------------

Status errorFromJson(const QJsonValue &value, Error *out)
{
    QString problem;
    JsonReader r(value, QStringLiteral("error"), &problem);
    Error e;
    const QString code = r.string(QStringLiteral("code"), 64);
    e.what = r.string(QStringLiteral("what"));
    e.why = r.string(QStringLiteral("why"), 65536);
    e.hint = r.string(QStringLiteral("hint"));
    e.device = r.string(QStringLiteral("device"), 128);
    e.step = r.string(QStringLiteral("step"), 4096);
    e.errnum = int(r.integer(QStringLiteral("errnum"), 0, 4095));
    // A code this program does not know is refused, not guessed: the wire's names are the ones
    // of core/ErrorCode, and a newer agent's new code must not read as another one.
    if (!r.failed()) {
        if (std::optional<ErrorCode> known = errorCodeFromName(code))
            e.code = *known;
        else
            r.fail(QStringLiteral("code"), code.isEmpty() ? tr("empty") : tr("unknown error code"));
    }
    if (r.failed())
        return r.error(messageWhat());
    *out = e;
    return {};
}

template<>
Result<Finding> fromJson<Finding>(const QJsonValue &value)
{
    QString problem;
    JsonReader r(value, QStringLiteral("finding"), &problem);
    Finding f;
    const QString severity = r.string(QStringLiteral("severity"), 16);
    if (severity == QLatin1String("blocker"))
        f.severity = Severity::Blocker;
    else if (severity == QLatin1String("warning"))
        f.severity = Severity::Warning;
    else if (severity != QLatin1String("info") && !r.failed())
        r.fail(QStringLiteral("severity"), tr("'%1' is not a severity").arg(severity));
    f.code = r.string(QStringLiteral("code"), 64);
    f.device = r.address(QStringLiteral("device"), true);
    f.message = r.string(QStringLiteral("message"), 16384);
    f.forcible = r.boolean(QStringLiteral("forcible"));
    return done(f, problem);
}

template<>
Result<PlannedWrite> fromJson<PlannedWrite>(const QJsonValue &value)
{
    QString problem;
    JsonReader r(value, QStringLiteral("write"), &problem);
    PlannedWrite w;
    w.device = r.address(QStringLiteral("device"), true);
    w.path = r.string(QStringLiteral("path"), 1024);
    if (!r.failed() && !isRelativePath(w.path))
        r.fail(QStringLiteral("path"), tr("'%1' is not a path relative to the host root").arg(w.path.left(128)));
    const QString value64 = r.string(QStringLiteral("value"), 8192);
    if (!r.failed()) {
        auto decoded = QByteArray::fromBase64Encoding(value64.toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
        if (!decoded)
            r.fail(QStringLiteral("value"), tr("not base64"));
        else
            w.value = *decoded;
    }
    w.step = r.string(QStringLiteral("step"), 64);
    return done(w, problem);
}

template<>
Result<BindPlan> fromJson<BindPlan>(const QJsonValue &value)
{
    QString problem;
    JsonReader r(value, QStringLiteral("plan"), &problem);
    BindPlan p;
    p.target = readTarget(r, QStringLiteral("target"));
    p.requested = r.addresses(QStringLiteral("requested"), JsonReader::kMaxDevices);
    p.devices = r.addresses(QStringLiteral("devices"), JsonReader::kMaxDevices);
    p.added = r.addresses(QStringLiteral("added"), JsonReader::kMaxDevices);
    p.writes = listOf<PlannedWrite>(r, QStringLiteral("writes"), 8 * JsonReader::kMaxDevices, &problem);
    p.findings = listOf<Finding>(r, QStringLiteral("findings"), 8 * JsonReader::kMaxDevices, &problem);
    p.originalDrivers = r.stringMap(QStringLiteral("originalDrivers"), JsonReader::kMaxDevices, true, true);
    p.originalOverrides = r.stringMap(QStringLiteral("originalOverrides"), JsonReader::kMaxDevices, true, false);
    for (auto it = p.originalOverrides.cbegin(); it != p.originalOverrides.cend() && !r.failed(); ++it)
        if (!isOverrideValue(it.value()))
            r.fail(QStringLiteral("originalOverrides[%1]").arg(it.key()), tr("'%1' is not a driver name").arg(it.value().left(64)));
    return done(p, problem);
}

template<>
Result<ApplyOptions> fromJson<ApplyOptions>(const QJsonValue &value)
{
    QString problem;
    JsonReader r(value, QStringLiteral("options"), &problem);
    ApplyOptions o;
    o.force = r.boolean(QStringLiteral("force"));
    o.nextBoot = r.boolean(QStringLiteral("nextBoot"));
    return done(o, problem);
}

template<>
Result<DeviceOutcome> fromJson<DeviceOutcome>(const QJsonValue &value)
{
    QString problem;
    JsonReader r(value, QStringLiteral("outcome"), &problem);
    DeviceOutcome d;
    d.address = r.address(QStringLiteral("address"));
    d.originalDriver = r.driver(QStringLiteral("originalDriver"));
    d.driver = r.driver(QStringLiteral("driver"));
    return done(d, problem);
}

template<>
Result<ApplyResult> fromJson<ApplyResult>(const QJsonValue &value)
{
    QString problem;
    JsonReader r(value, QStringLiteral("result"), &problem);
    ApplyResult a;
    a.target = readTarget(r, QStringLiteral("target"));
    a.devices = listOf<DeviceOutcome>(r, QStringLiteral("devices"), JsonReader::kMaxDevices, &problem);
    a.findings = listOf<Finding>(r, QStringLiteral("findings"), 8 * JsonReader::kMaxDevices, &problem);
    a.rebootRequired = r.boolean(QStringLiteral("rebootRequired"));
    a.rebootDevices = r.addresses(QStringLiteral("rebootDevices"), JsonReader::kMaxDevices);
    return done(a, problem);
}

template<>
Result<NetInterface> fromJson<NetInterface>(const QJsonValue &value)
{
    QString problem;
    JsonReader r(value, QStringLiteral("interface"), &problem);
    NetInterface n;
    n.name = r.string(QStringLiteral("name"), 256);
    n.operstate = r.string(QStringLiteral("operstate"), 64);
    return done(n, problem);
}

template<>
Result<PciDevice> fromJson<PciDevice>(const QJsonValue &value)
{
    QString problem;
    JsonReader r(value, QStringLiteral("device"), &problem);
    PciDevice d;
    d.address = r.address(QStringLiteral("address"));
    d.vendorId = int(r.integer(QStringLiteral("vendorId"), -1, 0xffff));
    d.deviceId = int(r.integer(QStringLiteral("deviceId"), -1, 0xffff));
    d.subsystemVendorId = int(r.integer(QStringLiteral("subsystemVendorId"), -1, 0xffff));
    d.subsystemDeviceId = int(r.integer(QStringLiteral("subsystemDeviceId"), -1, 0xffff));
    d.revision = int(r.integer(QStringLiteral("revision"), -1, 0xff));
    d.classId = int(r.integer(QStringLiteral("classId"), -1, 0xffffff));
    d.vendorName = r.string(QStringLiteral("vendorName"), 1024);
    d.deviceName = r.string(QStringLiteral("deviceName"), 1024);
    d.className = r.string(QStringLiteral("className"), 1024);
    d.driver = r.driver(QStringLiteral("driver"));
    d.driverOverride = r.driver(QStringLiteral("driverOverride"));
    d.iommuGroup = int(r.integer(QStringLiteral("iommuGroup"), -1, 1 << 30));
    d.numaNode = int(r.integer(QStringLiteral("numaNode"), -1, 1 << 16));
    d.resetMethods = r.strings(QStringLiteral("resetMethods"), 64, 64);
    // Added after the first agent release: an older agent leaves them out (not required).
    d.linkSpeed = r.string(QStringLiteral("linkSpeed"), 64, false);
    d.maxLinkSpeed = r.string(QStringLiteral("maxLinkSpeed"), 64, false);
    d.linkWidth = int(r.integer(QStringLiteral("linkWidth"), -1, 64, false, -1));
    d.maxLinkWidth = int(r.integer(QStringLiteral("maxLinkWidth"), -1, 64, false, -1));
    d.acsKnown = r.boolean(QStringLiteral("acsKnown"), false);
    d.acsCapability = int(r.integer(QStringLiteral("acsCapability"), -1, 0xffff, false, -1));
    d.acsControl = int(r.integer(QStringLiteral("acsControl"), -1, 0xffff, false, -1));
    d.physicalSlot = r.string(QStringLiteral("physicalSlot"), 256, false);
    d.serialNumber = r.string(QStringLiteral("serialNumber"), 64, false);
    // The upstream bridge (docs/topology.md): an older agent leaves it out, "" is a root complex.
    if (value.toObject().contains(QLatin1String("parent")))
        d.parent = r.address(QStringLiteral("parent"), true);
    d.bootVga = r.boolean(QStringLiteral("bootVga"));
    d.isBridge = r.boolean(QStringLiteral("isBridge"));
    d.sriovTotalVfs = int(r.integer(QStringLiteral("sriovTotalVfs"), -1, 65535));
    d.sriovNumVfs = int(r.integer(QStringLiteral("sriovNumVfs"), -1, 65535));
    d.physfn = r.address(QStringLiteral("physfn"), true);
    d.virtfns = r.addresses(QStringLiteral("virtfns"), 65535);
    d.netInterfaces = listOf<NetInterface>(r, QStringLiteral("netInterfaces"), JsonReader::kMaxItems, &problem);
    d.blockDevices = r.strings(QStringLiteral("blockDevices"), JsonReader::kMaxItems, 256);
    d.nvmeControllers = r.strings(QStringLiteral("nvmeControllers"), JsonReader::kMaxItems, 256);
    d.drmCards = r.strings(QStringLiteral("drmCards"), JsonReader::kMaxItems, 256);
    d.unreadable = r.strings(QStringLiteral("unreadable"), JsonReader::kMaxItems);
    return done(d, problem);
}

template<>
Result<InventorySnapshot> fromJson<InventorySnapshot>(const QJsonValue &value)
{
    QString problem;
    JsonReader r(value, QStringLiteral("inventory"), &problem);
    InventorySnapshot s;
    s.hostRoot = r.string(QStringLiteral("hostRoot"));
    s.devices = listOf<PciDevice>(r, QStringLiteral("devices"), JsonReader::kMaxDevices, &problem);
    const JsonReader groups = r.object(QStringLiteral("iommuGroups"));
    if (!r.failed()) {
        const QJsonObject o = value.toObject().value(QStringLiteral("iommuGroups")).toObject();
        if (o.size() > JsonReader::kMaxDevices)
            r.fail(QStringLiteral("iommuGroups"), tr("more than %1 entries").arg(JsonReader::kMaxDevices));
        for (auto it = o.constBegin(); it != o.constEnd() && !r.failed(); ++it) {
            bool ok = false;
            const int group = it.key().toInt(&ok);
            if (!ok || group < 0 || QString::number(group) != it.key())
                groups.fail(it.key().left(32), tr("the key is not an IOMMU group number"));
            else
                s.iommuGroups.insert(group, groups.addresses(it.key(), JsonReader::kMaxDevices));
        }
    }
    s.warnings = r.strings(QStringLiteral("warnings"), JsonReader::kMaxDevices, 16384);
    s.unreadable = r.strings(QStringLiteral("unreadable"), JsonReader::kMaxItems);
    return done(s, problem);
}

template<>
Result<NodeIdentity> fromJson<NodeIdentity>(const QJsonValue &value)
{
    QString problem;
    JsonReader r(value, QStringLiteral("identity"), &problem);
    NodeIdentity i;
    i.address = r.string(QStringLiteral("address"));
    i.hostName = r.string(QStringLiteral("hostName"), 256);
    i.kernel = r.string(QStringLiteral("kernel"), 256);
    i.simulated = r.boolean(QStringLiteral("simulated"));
    i.agentVersion = r.string(QStringLiteral("agentVersion"), 64);
    i.machineId = r.string(QStringLiteral("machineId"), 64);
    return done(i, problem);
}

template<>
Result<HostMounts> fromJson<HostMounts>(const QJsonValue &value)
{
    QString problem;
    JsonReader r(value, QStringLiteral("mounts"), &problem);
    HostMounts m;
    m.mounts = r.string(QStringLiteral("mounts"), 16 << 20);
    m.swaps = r.string(QStringLiteral("swaps"), 16 << 20);
    return done(m, problem);
}

template<>
Result<NodeCapabilities> fromJson<NodeCapabilities>(const QJsonValue &value)
{
    QString problem;
    JsonReader r(value, QStringLiteral("capabilities"), &problem);
    NodeCapabilities c;
    c.iommu = r.boolean(QStringLiteral("iommu"));
    c.vfioPci = r.boolean(QStringLiteral("vfioPci"));
    if (r.has(QStringLiteral("readiness"))) {
        const JsonReader f = r.object(QStringLiteral("readiness"));
        ReadinessFacts &facts = c.facts;
        facts.known = true;
        facts.iommuGroups = int(f.integer(QStringLiteral("iommuGroups"), 0, 1 << 20));
        facts.iommuUnits = f.strings(QStringLiteral("iommuUnits"), 4096, 256);
        facts.cmdlineRead = f.boolean(QStringLiteral("cmdlineRead"));
        facts.cmdline = f.string(QStringLiteral("cmdline"), 65536);
        facts.cpuVendor = f.string(QStringLiteral("cpuVendor"), 256);
        facts.vfioModules = f.strings(QStringLiteral("vfioModules"), 16, 64);
        facts.unsafeInterruptsAllowed = f.boolean(QStringLiteral("unsafeInterruptsAllowed"));
        const QString remapping = f.string(QStringLiteral("interruptRemapping"), 16);
        if (remapping == QLatin1String("on"))
            facts.interruptRemapping = ReadinessFacts::Remapping::On;
        else if (remapping == QLatin1String("off"))
            facts.interruptRemapping = ReadinessFacts::Remapping::Off;
        else if (remapping == QLatin1String("unknown") || f.failed())
            facts.interruptRemapping = ReadinessFacts::Remapping::Unknown;
        else
            f.fail(QStringLiteral("interruptRemapping"), QStringLiteral("expected on, off or unknown"));
        facts.interruptRemappingBasis = f.string(QStringLiteral("interruptRemappingBasis"), 4096);
    }
    return done(c, problem);
}

template<>
Result<DriverState> fromJson<DriverState>(const QJsonValue &value)
{
    QString problem;
    JsonReader r(value, QStringLiteral("state"), &problem);
    DriverState s;
    s.driver = r.driver(QStringLiteral("driver"));
    s.override = r.driver(QStringLiteral("override"));
    s.present = r.boolean(QStringLiteral("present"));
    return done(s, problem);
}

template<>
Result<QMap<QString, DriverState>> fromJson<QMap<QString, DriverState>>(const QJsonValue &value)
{
    QString problem;
    JsonReader r(value, QStringLiteral("driverStates"), &problem);
    QMap<QString, DriverState> out;
    const JsonReader states = r.object(QStringLiteral("states"));
    if (!r.failed()) {
        const QJsonObject o = value.toObject().value(QStringLiteral("states")).toObject();
        if (o.size() > JsonReader::kMaxDevices)
            r.fail(QStringLiteral("states"), tr("more than %1 entries").arg(JsonReader::kMaxDevices));
        for (auto it = o.constBegin(); it != o.constEnd() && !r.failed(); ++it) {
            if (!PciAddress::isValid(it.key())) {
                states.fail(it.key().left(32), tr("the key is not a PCI address"));
                break;
            }
            Result<DriverState> s = fromJson<DriverState>(it.value());
            if (!s)
                states.fail(it.key(), s.error().why);
            else
                out.insert(it.key(), *s);
        }
    }
    return done(out, problem);
}

template<>
Result<RestoreRequest> fromJson<RestoreRequest>(const QJsonValue &value)
{
    QString problem;
    JsonReader r(value, QStringLiteral("restore"), &problem);
    RestoreRequest q;
    q.originalDrivers = r.stringMap(QStringLiteral("originalDrivers"), JsonReader::kMaxDevices, true, true);
    q.originalOverrides = r.stringMap(QStringLiteral("originalOverrides"), JsonReader::kMaxDevices, true, false);
    for (auto it = q.originalOverrides.cbegin(); it != q.originalOverrides.cend() && !r.failed(); ++it)
        if (!isOverrideValue(it.value()))
            r.fail(QStringLiteral("originalOverrides[%1]").arg(it.key()), tr("'%1' is not a driver name").arg(it.value().left(64)));
    return done(q, problem);
}

template<>
Result<VfCountOptions> fromJson<VfCountOptions>(const QJsonValue &value)
{
    QString problem;
    JsonReader r(value, QStringLiteral("vfOptions"), &problem);
    VfCountOptions o;
    o.autoprobeToHost = r.boolean(QStringLiteral("autoprobeToHost"));
    o.force = r.boolean(QStringLiteral("force"));
    return done(o, problem);
}

template<>
Result<SriovState> fromJson<SriovState>(const QJsonValue &value)
{
    QString problem;
    JsonReader r(value, QStringLiteral("sriov"), &problem);
    SriovState s;
    s.nodeId = r.integer(QStringLiteral("nodeId"), 0, std::numeric_limits<qint32>::max());
    s.address = r.address(QStringLiteral("address"));
    s.current = int(r.integer(QStringLiteral("current"), 0, 65535));
    s.total = int(r.integer(QStringLiteral("total"), 0, 65535));
    s.vfs = r.addresses(QStringLiteral("vfs"), 65535);
    return done(s, problem);
}

Result<QJsonValue> unwrapResult(const QJsonValue &value)
{
    QString problem;
    JsonReader r(value, QStringLiteral("answer"), &problem);
    const bool ok = r.boolean(QStringLiteral("ok"));
    if (r.failed())
        return r.error(messageWhat());
    if (!ok) {
        Error peer;
        if (Status s = errorFromJson(value.toObject().value(QStringLiteral("error")), &peer); !s)
            return s.error();
        return peer;
    }
    return value.toObject().value(QStringLiteral("value"));
}

Status statusFromJson(const QJsonValue &value)
{
    Result<QJsonValue> inner = unwrapResult(value);
    if (!inner)
        return inner.error();
    return {};
}

} // namespace passdeck::nodecodec
