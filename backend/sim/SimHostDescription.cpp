#include "sim/SimHostDescription.h"

#include "core/PciAddress.h"
#include "node/host/RootedFile.h"

#include <QCoreApplication>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>

namespace passdeck {

namespace {
QString tr(const char *s)
{
    return QCoreApplication::translate("SimHostDescription", s);
}

Error badField(const QString &device, const QString &field, const QString &why)
{
    Error e = Error::make(ErrorCode::BadDescription,
                          device.isEmpty() ? tr("Invalid simulated node description")
                                           : tr("Invalid simulated device %1").arg(device),
                          tr("field \"%1\": %2").arg(field, why),
                          tr("Fix the description (see docs/simulated-nodes.md) and build again."));
    e.device = device;
    e.step = field;
    return e;
}
} // namespace

// Walks the JSON once, collecting errors as soon as they appear (first error wins).
class SimHostDescriptionParser
{
public:
    SimHostDescription d;
    std::optional<Error> error;
    QSet<int> usedGroups;
    QHash<QString, QList<int>> slotMembers; // "dddd:bb:dd" -> device indexes

    bool fail(const QString &device, const QString &field, const QString &why)
    {
        if (!error)
            error = badField(device, field, why);
        return false;
    }

    bool hexField(const QJsonObject &o, const QString &dev, const char *key, int digits, bool required, int *out)
    {
        const QString k = QString::fromLatin1(key);
        const QJsonValue v = o.value(k);
        if (v.isUndefined() || v.isNull()) {
            if (required)
                return fail(dev, k, tr("missing (%1 hex digits required)").arg(digits));
            return true;
        }
        QString s = v.toString();
        if (!v.isString())
            return fail(dev, k, tr("must be a string of %1 hex digits").arg(digits));
        if (s.startsWith(QLatin1String("0x")))
            s = s.mid(2);
        bool ok = false;
        const uint value = s.toUInt(&ok, 16);
        if (!ok || s.size() != digits)
            return fail(dev, k, tr("\"%1\" is not %2 hex digits").arg(v.toString(), QString::number(digits)));
        *out = int(value);
        return true;
    }

    bool intField(const QJsonObject &o, const QString &dev, const char *key, int min, int max, int *out)
    {
        const QString k = QString::fromLatin1(key);
        const QJsonValue v = o.value(k);
        if (v.isUndefined() || v.isNull())
            return true;
        if (!v.isDouble() || v.toDouble() != double(v.toInt()) || v.toInt() < min || v.toInt() > max)
            return fail(dev, k, tr("must be an integer from %1 to %2").arg(min).arg(max));
        *out = v.toInt();
        return true;
    }

    bool stringField(const QJsonObject &o, const QString &dev, const char *key, QString *out)
    {
        const QString k = QString::fromLatin1(key);
        const QJsonValue v = o.value(k);
        if (v.isUndefined() || v.isNull())
            return true;
        if (!v.isString())
            return fail(dev, k, tr("must be a string"));
        *out = v.toString();
        return true;
    }

    bool stringList(const QJsonObject &o, const QString &dev, const char *key, QStringList *out, bool names = true)
    {
        const QString k = QString::fromLatin1(key);
        const QJsonValue v = o.value(k);
        if (v.isUndefined() || v.isNull())
            return true;
        if (!v.isArray())
            return fail(dev, k, tr("must be an array of strings"));
        for (const QJsonValue &e : v.toArray()) {
            if (!e.isString() || (names && !isValidDriverName(e.toString())))
                return fail(dev, k, tr("\"%1\" is not a valid name").arg(e.toVariant().toString()));
            out->append(e.toString());
        }
        return true;
    }

    bool driverField(const QJsonObject &o, const QString &dev, const char *key, QString *out)
    {
        if (!stringField(o, dev, key, out))
            return false;
        if (!out->isEmpty() && !isValidDriverName(*out))
            return fail(dev, QString::fromLatin1(key), tr("\"%1\" is not a valid driver name").arg(*out));
        return true;
    }

    bool parseDevice(const QJsonValue &value, const QString &parent, int expectedBus, QString *childBus);
    bool parseSriov(const QJsonObject &o, SimDeviceSpec &spec);
    void assignGroupsAndBuses();
};

bool SimHostDescriptionParser::parseSriov(const QJsonObject &o, SimDeviceSpec &spec)
{
    const QString &dev = spec.address;
    const QJsonValue v = o.value(QLatin1String("sriov"));
    if (v.isUndefined() || v.isNull())
        return true;
    if (!v.isObject())
        return fail(dev, QStringLiteral("sriov"), tr("must be an object"));
    const QJsonObject s = v.toObject();
    SimSriovSpec &r = spec.sriov;
    spec.hasSriov = true;
    if (!s.contains(QLatin1String("totalvfs")))
        return fail(dev, QStringLiteral("sriov.totalvfs"), tr("missing"));
    if (!intField(s, dev, "totalvfs", 1, 2048, &r.totalVfs) || !intField(s, dev, "numvfs", 0, r.totalVfs, &r.numVfs)
        || !intField(s, dev, "offset", 1, 0xffff, &r.offset) || !intField(s, dev, "stride", 1, 0xff, &r.stride)
        || !hexField(s, dev, "vf_device", 4, true, &r.vfDevice) || !driverField(s, dev, "vf_driver", &r.vfDriver))
        return false;
    const QJsonValue ap = s.value(QLatin1String("autoprobe"));
    if (!ap.isUndefined() && !ap.isBool())
        return fail(dev, QStringLiteral("sriov.autoprobe"), tr("must be true or false"));
    r.autoprobe = ap.toBool(true);
    return true;
}

bool SimHostDescriptionParser::parseDevice(const QJsonValue &value, const QString &parent, int expectedBus,
                                           QString *childBus)
{
    if (!value.isObject())
        return fail(parent, QStringLiteral("children"), tr("every device must be a JSON object"));
    const QJsonObject o = value.toObject();
    SimDeviceSpec spec;
    const QJsonValue addr = o.value(QLatin1String("address"));
    if (!addr.isString())
        return fail(parent, QStringLiteral("address"), tr("a device has no address (under %1)").arg(parent.isEmpty() ? tr("the root") : parent));
    spec.address = addr.toString();
    const QString &dev = spec.address;
    if (!PciAddress::isValid(dev))
        return fail(dev, QStringLiteral("address"), tr("\"%1\" is not an address like 0000:01:00.0").arg(dev));
    if (d.m_index.contains(dev))
        return fail(dev, QStringLiteral("address"), tr("duplicate address %1").arg(dev));
    const int bus = dev.mid(5, 2).toInt(nullptr, 16);
    if (expectedBus >= 0 && bus != expectedBus)
        return fail(dev, QStringLiteral("address"),
                    tr("devices behind bridge %1 must all be on one bus (%2 expected)").arg(parent).arg(expectedBus, 2, 16, QLatin1Char('0')));
    if (!parent.isEmpty() && dev.left(4) != parent.left(4))
        return fail(dev, QStringLiteral("address"), tr("must be in the same PCI domain as its bridge %1").arg(parent));
    if (!hexField(o, dev, "vendor", 4, true, &spec.vendor) || !hexField(o, dev, "device", 4, true, &spec.device)
        || !hexField(o, dev, "class", 6, true, &spec.classId) || !hexField(o, dev, "subsystem_vendor", 4, false, &spec.subVendor)
        || !hexField(o, dev, "subsystem_device", 4, false, &spec.subDevice) || !hexField(o, dev, "revision", 2, false, &spec.revision)
        || !driverField(o, dev, "driver", &spec.driver) || !intField(o, dev, "numa_node", -1, 63, &spec.numaNode)
        || !intField(o, dev, "irq", 0, 4095, &spec.irq) || !intField(o, dev, "iommu_group", 0, 1 << 20, &spec.iommuGroup)
        || !stringList(o, dev, "reset_methods", &spec.resetMethods) || !stringList(o, dev, "drm", &spec.drm)
        || !stringList(o, dev, "block", &spec.block) || !parseSriov(o, spec))
        return false;
    spec.nativeDriver = spec.driver == QLatin1String("vfio-pci") ? QString() : spec.driver;
    if (!driverField(o, dev, "native_driver", &spec.nativeDriver))
        return false;
    const QJsonValue bv = o.value(QLatin1String("boot_vga"));
    if (!bv.isUndefined() && !bv.isBool())
        return fail(dev, QStringLiteral("boot_vga"), tr("must be true or false"));
    spec.bootVga = bv.toBool(false);
    if (spec.bootVga && !spec.isVga())
        return fail(dev, QStringLiteral("boot_vga"), tr("only a VGA-class device (class 0300xx) can be the boot VGA"));
    const QJsonValue net = o.value(QLatin1String("net"));
    if (!net.isUndefined()) {
        if (!net.isArray())
            return fail(dev, QStringLiteral("net"), tr("must be an array of {\"name\", \"operstate\"} objects"));
        for (const QJsonValue &n : net.toArray()) {
            const QJsonObject no = n.toObject();
            SimNetSpec ns;
            ns.name = no.value(QLatin1String("name")).toString();
            ns.operstate = no.value(QLatin1String("operstate")).toString(QStringLiteral("down"));
            ns.mac = no.value(QLatin1String("mac")).toString();
            if (!isValidDriverName(ns.name))
                return fail(dev, QStringLiteral("net.name"), tr("\"%1\" is not a valid interface name").arg(ns.name));
            spec.net.append(ns);
        }
    }
    const QJsonValue nvme = o.value(QLatin1String("nvme"));
    if (!nvme.isUndefined()) {
        const QJsonObject no = nvme.toObject();
        spec.nvmeController = no.value(QLatin1String("controller")).toString();
        if (!isValidDriverName(spec.nvmeController))
            return fail(dev, QStringLiteral("nvme.controller"), tr("missing or invalid (e.g. \"nvme0\")"));
        if (!stringList(no, dev, "namespaces", &spec.nvmeNamespaces) || !intField(no, dev, "partitions", 0, 64, &spec.nvmePartitions))
            return false;
    }
    spec.parent = parent;
    const int myIndex = int(d.devices.size());
    d.m_index.insert(dev, myIndex);
    d.devices.append(spec);
    slotMembers[dev.left(10)].append(myIndex);
    if (childBus)
        *childBus = dev.mid(5, 2);

    const QJsonValue children = o.value(QLatin1String("children"));
    if (!children.isUndefined()) {
        if (!children.isArray())
            return fail(dev, QStringLiteral("children"), tr("must be an array of devices"));
        const QJsonArray arr = children.toArray();
        if (!arr.isEmpty() && !spec.isBridge())
            return fail(dev, QStringLiteral("children"), tr("only a PCI bridge (class 0604xx) can have children"));
        int secondary = -1;
        for (const QJsonValue &c : arr) {
            QString cb;
            if (!parseDevice(c, dev, secondary, &cb))
                return false;
            secondary = cb.toInt(nullptr, 16);
        }
        d.devices[myIndex].secondaryBus = secondary;
    }
    return true;
}

void SimHostDescriptionParser::assignGroupsAndBuses()
{
    // Functions of one slot are a multi-function device; auto-assigned groups keep them together
    // (as the kernel does for devices without ACS), bridges and other slots get their own.
    for (const SimDeviceSpec &s : std::as_const(d.devices))
        if (s.iommuGroup >= 0)
            usedGroups.insert(s.iommuGroup);
    int next = 0;
    auto take = [&] {
        while (usedGroups.contains(next))
            ++next;
        usedGroups.insert(next);
        return next;
    };
    for (auto it = slotMembers.cbegin(); it != slotMembers.cend(); ++it)
        if (it.value().size() > 1)
            for (int i : it.value())
                d.devices[i].multiFunction = true;
    QHash<QString, int> slotGroup;
    for (SimDeviceSpec &s : d.devices) {
        if (!d.iommu) {
            s.iommuGroup = -1;
            continue;
        }
        if (s.iommuGroup >= 0)
            continue;
        const QString slot = s.address.left(10);
        if (!s.isBridge() && slotGroup.contains(slot)) {
            s.iommuGroup = slotGroup.value(slot);
            continue;
        }
        s.iommuGroup = take();
        if (!s.isBridge())
            slotGroup.insert(slot, s.iommuGroup);
    }
    for (const SimDeviceSpec &s : std::as_const(d.devices))
        d.maxGroup = std::max(d.maxGroup, s.iommuGroup);
    // sysfs directories nest below the bridges; parents come before children.
    for (SimDeviceSpec &s : d.devices) {
        if (s.parent.isEmpty())
            s.sysPath = QStringLiteral("sys/devices/") + SimHostDescription::rootBusDir(s.address) + u'/' + s.address;
        else
            s.sysPath = d.devices[d.m_index.value(s.parent)].sysPath + u'/' + s.address;
    }
    // Subordinate bus: the highest bus of anything below, VFs included (children come later).
    for (qsizetype i = d.devices.size() - 1; i >= 0; --i) {
        SimDeviceSpec &s = d.devices[i];
        int maxBus = s.address.mid(5, 2).toInt(nullptr, 16);
        if (s.hasSriov && s.sriov.totalVfs > 0)
            maxBus = std::max(maxBus, SimHostDescription::virtualFunction(s, s.sriov.totalVfs - 1).address.mid(5, 2).toInt(nullptr, 16));
        if (s.isBridge()) {
            if (s.secondaryBus < 0)
                s.secondaryBus = std::min(s.address.mid(5, 2).toInt(nullptr, 16) + 1, 255);
            s.subordinateBus = std::max(s.subordinateBus, s.secondaryBus);
            maxBus = std::max(maxBus, s.subordinateBus);
        }
        if (!s.parent.isEmpty()) {
            SimDeviceSpec &p = d.devices[d.m_index.value(s.parent)];
            p.subordinateBus = std::max(p.subordinateBus, maxBus);
        }
    }
}

Result<SimHostDescription> SimHostDescription::fromJson(const QJsonObject &json)
{
    SimHostDescriptionParser p;
    SimHostDescription &d = p.d;
    d.node = json.value(QLatin1String("node")).toString();
    if (d.node.isEmpty() || !isValidDriverName(d.node))
        return badField({}, QStringLiteral("node"), tr("missing or not a simple name (letters, digits, - and _)"));
    const QJsonValue iommu = json.value(QLatin1String("iommu"));
    const QJsonValue vfio = json.value(QLatin1String("vfio_pci_loaded"));
    if ((!iommu.isUndefined() && !iommu.isBool()) || (!vfio.isUndefined() && !vfio.isBool()))
        return badField({}, iommu.isBool() || iommu.isUndefined() ? QStringLiteral("vfio_pci_loaded") : QStringLiteral("iommu"),
                        tr("must be true or false"));
    d.iommu = iommu.toBool(true);
    d.vfioLoaded = vfio.toBool(false);
    d.cmdline = json.value(QLatin1String("cmdline")).toString(
        d.iommu ? QStringLiteral("BOOT_IMAGE=/boot/vmlinuz root=/dev/nvme0n1p2 ro intel_iommu=on iommu=pt")
                : QStringLiteral("BOOT_IMAGE=/boot/vmlinuz root=/dev/nvme0n1p2 ro"));
    d.cpuList = json.value(QLatin1String("cpulist")).toString(d.cpuList);
    if (!p.stringList(json, {}, "mounts", &d.mounts, false) || !p.stringList(json, {}, "drivers", &d.extraDrivers))
        return *p.error;
    Result<QList<SimDomainSpec>> domains = SimDomains::parse(json);
    if (!domains)
        return domains.error();
    d.domains = domains.value();
    const QJsonValue devices = json.value(QLatin1String("devices"));
    if (!devices.isArray())
        return badField({}, QStringLiteral("devices"), tr("missing (an array of devices)"));

    // Flat form: a device may name its bridge with "parent" instead of nesting in "children".
    QList<QJsonObject> deferred;
    for (const QJsonValue &v : devices.toArray()) {
        if (v.isObject() && v.toObject().contains(QLatin1String("parent"))) {
            deferred.append(v.toObject());
            continue;
        }
        if (!p.parseDevice(v, {}, -1, nullptr))
            return *p.error;
    }
    while (!deferred.isEmpty()) {
        bool progressed = false;
        for (qsizetype i = 0; i < deferred.size();) {
            const QString parent = deferred[i].value(QLatin1String("parent")).toString();
            const int pi = d.indexOf(parent);
            if (pi < 0) {
                ++i;
                continue;
            }
            if (!d.devices[pi].isBridge())
                return badField(deferred[i].value(QLatin1String("address")).toString(), QStringLiteral("parent"),
                                tr("%1 is not a PCI bridge").arg(parent));
            QString cb;
            if (!p.parseDevice(deferred[i], parent, d.devices[pi].secondaryBus, &cb))
                return *p.error;
            d.devices[pi].secondaryBus = cb.toInt(nullptr, 16);
            deferred.removeAt(i);
            progressed = true;
        }
        if (!progressed)
            return badField(deferred.first().value(QLatin1String("address")).toString(), QStringLiteral("parent"),
                            tr("unknown parent \"%1\"").arg(deferred.first().value(QLatin1String("parent")).toString()));
    }
    // Parents before children, for the flat form too.
    std::stable_sort(d.devices.begin(), d.devices.end(), [](const SimDeviceSpec &a, const SimDeviceSpec &b) {
        return a.parent.isEmpty() && !b.parent.isEmpty();
    });
    QList<SimDeviceSpec> ordered;
    {
        QHash<QString, QList<int>> kids;
        for (int i = 0; i < d.devices.size(); ++i)
            kids[d.devices[i].parent].append(i);
        QList<int> stack;
        const QList<int> &roots = kids[QString()];
        for (auto it = roots.crbegin(); it != roots.crend(); ++it)
            stack.append(*it);
        while (!stack.isEmpty()) {
            const int i = stack.takeLast();
            ordered.append(d.devices[i]);
            const QList<int> &c = kids[d.devices[i].address];
            for (auto it = c.crbegin(); it != c.crend(); ++it)
                stack.append(*it);
        }
    }
    d.devices = ordered;
    d.m_index.clear();
    p.slotMembers.clear();
    for (int i = 0; i < d.devices.size(); ++i) {
        d.m_index.insert(d.devices[i].address, i);
        p.slotMembers[d.devices[i].address.left(10)].append(i);
    }
    p.assignGroupsAndBuses();
    // VFs must not collide with described functions.
    for (const SimDeviceSpec &s : std::as_const(d.devices)) {
        if (!s.hasSriov)
            continue;
        for (int i = 0; i < s.sriov.totalVfs; ++i) {
            const SimDeviceSpec vf = virtualFunction(s, i);
            if (!PciAddress::isValid(vf.address) || d.m_index.contains(vf.address))
                return badField(s.address, QStringLiteral("sriov.offset"),
                                tr("VF %1 would be at %2, which is taken or out of range").arg(i).arg(vf.address));
        }
    }
    return d;
}

Result<QJsonObject> SimHostDescription::readJsonFile(const QString &path)
{
    QByteArray bytes;
    if (path.startsWith(u':')) { // a Qt resource: compiled in, never a FIFO
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly))
            return Error::make(ErrorCode::DescriptionUnreadable, tr("Cannot read the node description %1").arg(path),
                               f.errorString(), tr("Check the path (Qt resources start with \":/\")."));
        bytes = f.readAll();
    } else if (const int err = RootedFile::readPath(path, RootedFile::kDescriptionCap, &bytes); err != 0) {
        // Non-blocking, regular files only, capped: a FIFO here must not hang every command.
        return Error::make(ErrorCode::DescriptionUnreadable, tr("Cannot read the node description %1").arg(path),
                           RootedFile::describe(err, RootedFile::kDescriptionCap),
                           tr("Check the path (Qt resources start with \":/\")."));
    }
    return parseJson(bytes, path);
}

Result<QJsonObject> SimHostDescription::parseJson(const QByteArray &bytes, const QString &path)
{
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &pe);
    if (pe.error != QJsonParseError::NoError || !doc.isObject())
        return Error::make(ErrorCode::BadDescription, tr("Cannot parse the node description %1").arg(path),
                           pe.error != QJsonParseError::NoError ? tr("%1 at offset %2").arg(pe.errorString()).arg(pe.offset)
                                                                : tr("the top level is not a JSON object"),
                           tr("Fix the JSON (see docs/simulated-nodes.md)."));
    return doc.object();
}

Result<SimHostDescription> SimHostDescription::fromFile(const QString &path)
{
    Result<QJsonObject> json = readJsonFile(path);
    if (!json)
        return json.error();
    return fromJson(*json);
}

const SimDeviceSpec *SimHostDescription::find(const QString &address) const
{
    const int i = indexOf(address);
    return i < 0 ? nullptr : &devices[i];
}

SimDeviceSpec SimHostDescription::virtualFunction(const SimDeviceSpec &pf, int vfIndex)
{
    SimDeviceSpec vf;
    const int bus = pf.address.mid(5, 2).toInt(nullptr, 16);
    const int devfn = (pf.address.mid(8, 2).toInt(nullptr, 16) << 3) | (pf.address.at(11).unicode() - u'0');
    const int rid = (bus << 8) + devfn + pf.sriov.offset + vfIndex * pf.sriov.stride;
    vf.address = rid > 0xffff ? QStringLiteral("invalid")
                              : QStringLiteral("%1:%2:%3.%4").arg(pf.address.left(4))
                                    .arg((rid >> 8) & 0xff, 2, 16, QLatin1Char('0'))
                                    .arg((rid >> 3) & 0x1f, 2, 16, QLatin1Char('0'))
                                    .arg(rid & 7);
    vf.vendor = pf.vendor;
    vf.device = pf.sriov.vfDevice;
    vf.subVendor = pf.subVendor;
    vf.subDevice = pf.subDevice;
    vf.classId = pf.classId;
    vf.revision = pf.revision;
    vf.nativeDriver = pf.sriov.vfDriver;
    vf.numaNode = pf.numaNode;
    vf.resetMethods = {QStringLiteral("flr")};
    vf.parent = pf.parent;
    vf.physfn = pf.address;
    vf.vfIndex = vfIndex;
    const qsizetype cut = pf.sysPath.lastIndexOf(u'/');
    vf.sysPath = pf.sysPath.left(cut + 1) + vf.address;
    return vf;
}

QString SimHostDescription::rootBusDir(const QString &address)
{
    return QStringLiteral("pci") + address.left(7);
}

} // namespace passdeck
