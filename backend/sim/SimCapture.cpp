#include "sim/SimCapture.h"

#include "core/PciAddress.h"
#include "node/host/RootedFile.h"
#include "sim/SimCaptureSource.h"
#include "sim/SimDeviceExtras.h"
#include "sim/SimHostBuilder.h"
#include "sim/SimHostDescription.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QHash>
#include <QJsonArray>
#include <QRegularExpression>
#include <QSet>

namespace passdeck {

namespace {

QString tr(const char *s)
{
    return QCoreApplication::translate("SimCapture", s);
}

const QString kDevices = QStringLiteral("sys/bus/pci/devices/");

// "0x8086" (or "8086") as `digits` lower-case hex digits; empty when it is not one.
QString hexId(const QString &text, int digits)
{
    QString s = text.trimmed().toLower();
    if (s.startsWith(QLatin1String("0x")))
        s = s.mid(2);
    bool ok = false;
    const uint v = s.toUInt(&ok, 16);
    if (!ok || s.isEmpty() || v >= (1u << (4 * digits)))
        return {};
    return QStringLiteral("%1").arg(v, digits, 16, QLatin1Char('0'));
}

// PCI addresses on a device's sysfs path, outermost first: "../../../devices/pci0000:00/
// 0000:00:01.0/0000:01:00.0" -> {0000:00:01.0, 0000:01:00.0}.
QStringList pciComponents(const QString &target)
{
    QStringList out;
    for (const QString &part : target.split(u'/'))
        if (PciAddress::isValid(part))
            out.append(part);
    return out;
}

class Capturer
{
public:
    Capturer(const SimCaptureSource &src, const SimCaptureOptions &options, QStringList &warnings)
        : m_src(src), m_options(options), m_warnings(warnings)
    {
    }

    QJsonObject describe(int *count);

private:
    void warn(const QString &address, const QString &what, int errnum = 0)
    {
        // A real /sys can have thousands of entries: the first 200 warnings say enough.
        if (m_warnings.size() == 200)
            m_warnings.append(tr("More entries could not be captured; only the first 200 are listed."));
        if (m_warnings.size() >= 200)
            return;
        m_warnings.append(errnum ? tr("%1: %2 (%3); left out of the twin.").arg(address, what, RootedFile::describe(errnum))
                                 : tr("%1: %2; left out of the twin.").arg(address, what));
    }
    bool attr(const QString &address, const char *name, QString *out, bool warnMissing = false)
    {
        int err = 0;
        if (m_src.text(kDevices + address + u'/' + QLatin1String(name), out, &err))
            return true;
        if (err != ENOENT || warnMissing)
            warn(address, tr("cannot read %1").arg(QLatin1String(name)), err);
        return false;
    }
    QJsonObject device(const QString &address, QString *parent);
    void sriov(const QString &address, QJsonObject &o);
    void hostUse(const QString &address, QJsonObject &o);
    void nestedHostUse(QHash<QString, QJsonObject> &devices);

    const SimCaptureSource &m_src;
    const SimCaptureOptions &m_options;
    QStringList &m_warnings;
    QHash<QString, QString> m_slots;        // "dddd:bb:ss" -> slot name
    QHash<QString, QString> m_vfDriver;     // PF address -> its first VF's driver
    QSet<QString> m_knownNet, m_knownBlock;
};

QJsonObject Capturer::device(const QString &address, QString *parent)
{
    QJsonObject o;
    o.insert(QStringLiteral("address"), address);
    QString v, d, c;
    if (!attr(address, "vendor", &v, true) || !attr(address, "device", &d, true) || !attr(address, "class", &c, true))
        return {};
    const QString vendor = hexId(v, 4), dev = hexId(d, 4), cls = hexId(c, 6);
    if (vendor.isEmpty() || dev.isEmpty() || cls.isEmpty()) {
        warn(address, tr("its vendor, device or class is not a hexadecimal id"));
        return {};
    }
    o.insert(QStringLiteral("vendor"), vendor);
    o.insert(QStringLiteral("device"), dev);
    o.insert(QStringLiteral("class"), cls);
    QString s;
    if (attr(address, "subsystem_vendor", &s) && !hexId(s, 4).isEmpty())
        o.insert(QStringLiteral("subsystem_vendor"), hexId(s, 4));
    if (attr(address, "subsystem_device", &s) && !hexId(s, 4).isEmpty())
        o.insert(QStringLiteral("subsystem_device"), hexId(s, 4));
    if (attr(address, "revision", &s) && !hexId(s, 2).isEmpty())
        o.insert(QStringLiteral("revision"), hexId(s, 2));
    bool ok = false;
    if (attr(address, "numa_node", &s)) {
        const int n = s.toInt(&ok);
        if (ok && n >= -1 && n <= 63)
            o.insert(QStringLiteral("numa_node"), n);
    }
    if (attr(address, "irq", &s)) {
        const int n = s.toInt(&ok);
        if (ok && n >= 0 && n <= 4095)
            o.insert(QStringLiteral("irq"), n);
    }
    const QString driver = m_src.linkName(kDevices + address + QLatin1String("/driver"));
    if (!driver.isEmpty()) {
        if (isValidDriverName(driver))
            o.insert(QStringLiteral("driver"), driver);
        else
            warn(address, tr("its driver name \"%1\" is not a kernel driver name").arg(driver.left(64)));
    }
    const QString group = m_src.linkName(kDevices + address + QLatin1String("/iommu_group"));
    if (!group.isEmpty()) {
        const int g = group.toInt(&ok);
        if (ok && g >= 0 && g <= (1 << 20))
            o.insert(QStringLiteral("iommu_group"), g);
        else
            warn(address, tr("its IOMMU group \"%1\" is not a number").arg(group.left(64)));
    }
    if (attr(address, "reset_method", &s)) {
        QJsonArray methods;
        for (const QString &m : s.split(u' ', Qt::SkipEmptyParts))
            if (isValidDriverName(m))
                methods.append(m);
        if (!methods.isEmpty())
            o.insert(QStringLiteral("reset_methods"), methods);
    }
    if (cls.startsWith(QLatin1String("0300")) && attr(address, "boot_vga", &s) && s == QLatin1String("1"))
        o.insert(QStringLiteral("boot_vga"), true);
    // Where the card sits and its config space (the DSN and ACS capabilities are in there).
    if (const QString slot = m_slots.value(address.left(10)); !slot.isEmpty())
        o.insert(QStringLiteral("slot"), slot);
    QByteArray config;
    const int err = m_src.read(kDevices + address + QLatin1String("/config"), 4096, &config);
    if (err == 0 && config.size() >= 64)
        o.insert(QStringLiteral("config"), QString::fromLatin1(config.toHex()));
    else if (err != 0 && err != ENOENT)
        warn(address, tr("cannot read config"), err);
    QJsonObject attributes;
    for (const char *name : {"label", "index", "acpi_index", "ari_enabled"})
        if (attr(address, name, &s) && !s.contains(u'\n') && s.size() <= 256)
            attributes.insert(QLatin1String(name), s);
    // The PCIe link files, in the description's "link" form (sim/SimLinkSpec.h); all four or none.
    QString speed, maxSpeed, width, maxWidth;
    if (attr(address, "current_link_speed", &speed) && attr(address, "max_link_speed", &maxSpeed)
        && attr(address, "current_link_width", &width) && attr(address, "max_link_width", &maxWidth)) {
        static const QRegularExpression speedRe(QStringLiteral("^(Unknown|[0-9]+(\\.[0-9]+)? GT/s( PCIe)?)$"));
        bool w1 = false, w2 = false;
        const int cw = width.toInt(&w1), mw = maxWidth.toInt(&w2);
        if (speedRe.match(speed).hasMatch() && speedRe.match(maxSpeed).hasMatch() && w1 && w2 && cw >= 0 && cw <= 32
            && mw >= 0 && mw <= 32)
            o.insert(QStringLiteral("link"), QJsonObject{{QStringLiteral("speed"), speed}, {QStringLiteral("max_speed"), maxSpeed},
                                                         {QStringLiteral("width"), cw}, {QStringLiteral("max_width"), mw}});
        else
            warn(address, tr("its link files hold values the kernel does not write (%1, x%2)").arg(speed.left(32), width.left(8)));
    }
    if (!attributes.isEmpty())
        o.insert(QStringLiteral("attributes"), attributes);
    sriov(address, o);
    hostUse(address, o);
    const QStringList path = pciComponents(m_src.linkTarget(kDevices + address));
    if (path.size() >= 2 && path.last() == address)
        *parent = path.at(path.size() - 2);
    return o;
}

void Capturer::sriov(const QString &address, QJsonObject &o)
{
    QString s;
    bool ok = false;
    if (!attr(address, "sriov_totalvfs", &s) || s.toInt(&ok) < 1 || !ok)
        return;
    QJsonObject r;
    r.insert(QStringLiteral("totalvfs"), std::min(s.toInt(), 2048));
    QString vfDevice;
    if (!attr(address, "sriov_vf_device", &vfDevice, true) || hexId(vfDevice, 4).isEmpty()) {
        warn(address, tr("an SR-IOV device without a readable sriov_vf_device: its VFs"));
        return;
    }
    r.insert(QStringLiteral("vf_device"), hexId(vfDevice, 4));
    for (const char *name : {"sriov_numvfs", "sriov_offset", "sriov_stride"})
        if (attr(address, name, &s) && s.toInt(&ok) >= 0 && ok)
            r.insert(QLatin1String(name).mid(6), s.toInt());
    if (attr(address, "sriov_drivers_autoprobe", &s))
        r.insert(QStringLiteral("autoprobe"), s != QLatin1String("0"));
    // The VFs' driver: what the first VF is bound to (their native driver after a reboot).
    const QString vf0 = m_src.linkName(kDevices + address + QLatin1String("/virtfn0"));
    if (PciAddress::isValid(vf0)) {
        const QString vfDriver = m_src.linkName(kDevices + vf0 + QLatin1String("/driver"));
        if (isValidDriverName(vfDriver) && vfDriver != QLatin1String("vfio-pci"))
            r.insert(QStringLiteral("vf_driver"), vfDriver);
    }
    if (r.value(QStringLiteral("offset")).toInt() < 1)
        r.insert(QStringLiteral("offset"), 1);
    if (r.value(QStringLiteral("stride")).toInt() < 1)
        r.insert(QStringLiteral("stride"), 1);
    o.insert(QStringLiteral("sriov"), r);
}

void Capturer::hostUse(const QString &address, QJsonObject &o)
{
    const QString dir = kDevices + address + u'/';
    QJsonArray net;
    for (const QString &name : m_src.list(dir + QLatin1String("net"))) {
        if (!isValidDriverName(name))
            continue;
        QString operstate, mac;
        m_src.text(dir + QLatin1String("net/") + name + QLatin1String("/operstate"), &operstate);
        m_src.text(dir + QLatin1String("net/") + name + QLatin1String("/address"), &mac);
        QJsonObject n{{QStringLiteral("name"), name}, {QStringLiteral("operstate"), operstate.isEmpty() ? QStringLiteral("down") : operstate}};
        if (!mac.isEmpty())
            n.insert(QStringLiteral("mac"), mac);
        net.append(n);
        m_knownNet.insert(name);
    }
    if (!net.isEmpty())
        o.insert(QStringLiteral("net"), net);
    QJsonArray drm;
    for (const QString &name : m_src.list(dir + QLatin1String("drm")))
        if (isValidDriverName(name))
            drm.append(name);
    if (!drm.isEmpty())
        o.insert(QStringLiteral("drm"), drm);
    const QStringList controllers = m_src.list(dir + QLatin1String("nvme"));
    static const QRegularExpression nsName(QStringLiteral("^nvme[0-9]+n[0-9]+$"));
    if (!controllers.isEmpty() && isValidDriverName(controllers.first())) {
        if (controllers.size() > 1)
            warn(address, tr("NVMe controllers after %1").arg(controllers.first()));
        QJsonArray namespaces;
        int partitions = 0;
        const QString ctrl = dir + QLatin1String("nvme/") + controllers.first();
        for (const QString &ns : m_src.list(ctrl)) {
            if (!nsName.match(ns).hasMatch())
                continue;
            namespaces.append(ns);
            m_knownBlock.insert(ns);
            int p = 0;
            for (const QString &part : m_src.list(ctrl + u'/' + ns))
                if (part.startsWith(ns + u'p')) {
                    ++p;
                    m_knownBlock.insert(part);
                }
            partitions = std::max(partitions, std::min(p, 64));
        }
        o.insert(QStringLiteral("nvme"), QJsonObject{{QStringLiteral("controller"), controllers.first()},
                                                   {QStringLiteral("namespaces"), namespaces},
                                                   {QStringLiteral("partitions"), partitions}});
    }
    QJsonArray block;
    for (const QString &name : m_src.list(dir + QLatin1String("block")))
        if (isValidDriverName(name) && !m_knownBlock.contains(name)) {
            block.append(name);
            m_knownBlock.insert(name);
        }
    if (!block.isEmpty())
        o.insert(QStringLiteral("block"), block);
}

// Interfaces and disks deeper below a PCI function (virtio, AHCI, USB storage), found from
// sys/class/net and sys/class/block as the inventory finds them: the twin has them directly
// below the function, which the inventory reads the same way.
void Capturer::nestedHostUse(QHash<QString, QJsonObject> &devices)
{
    for (const QString &name : m_src.list(QStringLiteral("sys/class/net"))) {
        if (m_knownNet.contains(name) || !isValidDriverName(name))
            continue;
        const QStringList path = pciComponents(m_src.linkTarget(QStringLiteral("sys/class/net/") + name));
        if (path.isEmpty() || !devices.contains(path.last()))
            continue; // a virtual interface
        QJsonObject &o = devices[path.last()];
        QString operstate;
        m_src.text(QStringLiteral("sys/class/net/%1/operstate").arg(name), &operstate);
        QJsonArray net = o.value(QStringLiteral("net")).toArray();
        net.append(QJsonObject{{QStringLiteral("name"), name},
                               {QStringLiteral("operstate"), operstate.isEmpty() ? QStringLiteral("down") : operstate}});
        o.insert(QStringLiteral("net"), net);
        m_knownNet.insert(name);
    }
    const QStringList blocks = m_src.list(QStringLiteral("sys/class/block"));
    const QSet<QString> all(blocks.cbegin(), blocks.cend());
    for (const QString &name : blocks) {
        if (m_knownBlock.contains(name) || !isValidDriverName(name))
            continue;
        const QString target = m_src.linkTarget(QStringLiteral("sys/class/block/") + name);
        const QStringList parts = target.split(u'/');
        if (parts.size() >= 2 && all.contains(parts.at(parts.size() - 2)))
            continue; // a partition: it stays with its disk
        const QStringList path = pciComponents(target);
        if (path.isEmpty() || !devices.contains(path.last()))
            continue;
        QJsonObject &o = devices[path.last()];
        QJsonArray block = o.value(QStringLiteral("block")).toArray();
        block.append(name);
        o.insert(QStringLiteral("block"), block);
    }
}

QJsonObject Capturer::describe(int *count)
{
    QJsonObject json;
    json.insert(QStringLiteral("node"), isValidDriverName(m_options.nodeName) ? m_options.nodeName : QStringLiteral("twin"));
    for (const QString &slot : m_src.list(QStringLiteral("sys/bus/pci/slots"), nullptr, 4096)) {
        QString a;
        if (SimDeviceExtras::isValidSlotName(slot) && m_src.text(QStringLiteral("sys/bus/pci/slots/%1/address").arg(slot), &a)
            && a.size() == 10 && !m_slots.contains(a.toLower()))
            m_slots.insert(a.toLower(), slot);
    }
    int err = 0;
    const QStringList names = m_src.list(QStringLiteral("sys/bus/pci/devices"), &err, m_options.maxDevices + 1);
    if (names.size() > m_options.maxDevices)
        m_warnings.append(tr("The source has more than %1 PCI devices; only the first %1 are captured.").arg(m_options.maxDevices));
    QHash<QString, QJsonObject> devices;
    QHash<QString, QString> parents;
    QStringList order;
    for (const QString &address : names) {
        if (order.size() >= m_options.maxDevices)
            break;
        if (!PciAddress::isValid(address)) {
            warn(QStringLiteral("sys/bus/pci/devices/") + address.left(64), tr("the name is not a PCI address"));
            continue;
        }
        // A VF is re-created by its PF's sriov_numvfs, as the kernel does at boot.
        if (!m_src.linkTarget(kDevices + address + QLatin1String("/physfn")).isEmpty())
            continue;
        QString parent;
        QJsonObject o = device(address, &parent);
        if (o.isEmpty())
            continue;
        devices.insert(address, o);
        parents.insert(address, parent);
        order.append(address);
    }
    nestedHostUse(devices);
    // The flat form: each device names its bridge; one that is not a captured bridge leaves the
    // device at the top (as the builder lays it out below its host bridge).
    QHash<QString, int> childBus; // bridge -> the bus its first child is on
    QJsonArray list;
    for (const QString &address : std::as_const(order)) {
        QJsonObject o = devices.value(address);
        const QString parent = parents.value(address);
        if (!parent.isEmpty()) {
            const QString cls = devices.value(parent).value(QStringLiteral("class")).toString();
            const int bus = address.mid(5, 2).toInt(nullptr, 16);
            const bool bridge = cls.startsWith(QLatin1String("0604")) || cls.startsWith(QLatin1String("0607"));
            if (bridge && childBus.value(parent, bus) == bus && parent.left(4) == address.left(4)) {
                childBus.insert(parent, bus);
                o.insert(QStringLiteral("parent"), parent);
            } else if (devices.contains(parent)) {
                warn(address, tr("its place below %1 (not a bridge the simulator can nest it under): the device itself is "
                                 "captured at the top level, so only its sysfs path differs").arg(parent));
            }
        }
        list.append(o);
    }
    json.insert(QStringLiteral("devices"), list);
    *count = int(list.size());

    const QStringList groups = m_src.list(QStringLiteral("sys/kernel/iommu_groups"));
    json.insert(QStringLiteral("iommu"), !groups.isEmpty());
    json.insert(QStringLiteral("vfio_pci_loaded"), m_src.exists(QStringLiteral("sys/bus/pci/drivers/vfio-pci")));
    QJsonArray drivers;
    for (const QString &d : m_src.list(QStringLiteral("sys/bus/pci/drivers"), nullptr, 4096))
        if (isValidDriverName(d) && d != QLatin1String("vfio-pci"))
            drivers.append(d);
    json.insert(QStringLiteral("drivers"), drivers);
    QString cmdline;
    if (m_src.text(QStringLiteral("proc/cmdline"), &cmdline))
        json.insert(QStringLiteral("cmdline"), cmdline);
    else
        m_warnings.append(tr("proc/cmdline cannot be read; the twin gets a default one."));
    QByteArray bytes;
    QJsonArray mounts;
    if (m_src.read(QStringLiteral("proc/mounts"), RootedFile::kProcFileCap, &bytes) == 0) {
        for (const QByteArray &line : bytes.split('\n'))
            // the builder writes the sysfs and proc lines itself
            if (!line.trimmed().isEmpty() && !line.startsWith("sysfs /sys ") && !line.startsWith("proc /proc "))
                mounts.append(QString::fromUtf8(line));
    } else {
        m_warnings.append(tr("proc/mounts cannot be read; the twin has no mounts but sysfs and proc."));
    }
    json.insert(QStringLiteral("mounts"), mounts);
    QJsonArray swaps;
    if (m_src.read(QStringLiteral("proc/swaps"), RootedFile::kProcFileCap, &bytes) == 0) {
        const QList<QByteArray> lines = bytes.split('\n');
        for (qsizetype i = 1; i < lines.size(); ++i) // below the header
            if (!lines.at(i).trimmed().isEmpty())
                swaps.append(QString::fromUtf8(lines.at(i)));
    }
    json.insert(QStringLiteral("swaps"), swaps);
    return json;
}

} // namespace

Result<SimCaptureReport> SimCapture::describe(const QString &src, const SimCaptureOptions &options)
{
    SimCaptureSource source(src);
    if (!source.isOpen())
        return Error::make(ErrorCode::CaptureFailed, tr("Cannot capture %1").arg(src), RootedFile::describe(source.openErrno()),
                           tr("Give the host root of a machine (\"/\") or a tree laid out as the kernel lays out sysfs."));
    if (source.list(QStringLiteral("sys/bus/pci/devices")).isEmpty())
        return Error::make(ErrorCode::CaptureFailed, tr("Cannot capture %1").arg(src),
                           tr("it has no PCI devices under sys/bus/pci/devices"),
                           tr("Give the host root of a machine (\"/\") or a tree laid out as the kernel lays out sysfs."));
    SimCaptureReport report;
    Capturer capturer(source, options, report.warnings);
    report.description = capturer.describe(&report.devices);
    // What the simulator cannot take (a VF range over a described function, a bus that does not
    // fit) is named by the parser: that device is left out with a warning, the rest is kept.
    for (int attempt = 0; attempt < 64; ++attempt) {
        Result<SimHostDescription> parsed = SimHostDescription::fromJson(report.description);
        if (parsed)
            return report;
        const QString bad = parsed.error().device;
        QJsonArray kept;
        bool dropped = false;
        for (const QJsonValue &v : report.description.value(QStringLiteral("devices")).toArray()) {
            const QJsonObject o = v.toObject();
            if (!bad.isEmpty() && (o.value(QStringLiteral("address")).toString() == bad || o.value(QStringLiteral("parent")).toString() == bad)) {
                dropped = true;
                continue;
            }
            kept.append(o);
        }
        if (!dropped)
            return Error::make(ErrorCode::CaptureFailed, tr("Cannot capture %1").arg(src),
                               tr("the captured description is not one the simulator takes: %1").arg(parsed.error().why),
                               tr("Report this tree; capture a smaller part of it meanwhile."));
        report.warnings.append(tr("%1: %2; left out of the twin.").arg(bad, parsed.error().why));
        report.description.insert(QStringLiteral("devices"), kept);
        report.devices = int(kept.size());
    }
    return Error::make(ErrorCode::CaptureFailed, tr("Cannot capture %1").arg(src), tr("too many devices the simulator cannot take"),
                       tr("Report this tree."));
}

Result<SimCaptureReport> SimCapture::capture(const QString &src, const QString &dir, const SimCaptureOptions &options)
{
    const QString from = QDir::cleanPath(QDir(src).absolutePath());
    const QString to = QDir::cleanPath(QDir(dir).absolutePath());
    const auto under = [&to](const QString &base) { return to == base || to.startsWith(base + u'/'); };
    const bool inside = from == QLatin1String("/") ? under(QStringLiteral("/sys")) || under(QStringLiteral("/proc"))
                                                   : under(from);
    if (inside)
        return Error::make(ErrorCode::SimRefused, tr("Refusing to capture %1 into %2").arg(src, dir),
                           tr("the twin would be written inside the tree it is read from"),
                           tr("Choose a directory outside the source."));
    Result<SimCaptureReport> report = describe(src, options);
    if (!report)
        return report.error();
    SimHostBuilder::Options build;
    build.force = options.force;
    if (Status st = SimHostBuilder::build(report->description, dir, build); !st)
        return st.error();
    QFile marker(markerFile(dir));
    const QString what = options.capturedFrom.isEmpty() ? from : options.capturedFrom;
    if (!marker.open(QIODevice::WriteOnly | QIODevice::Truncate)
        || marker.write((what + u'\n' + from + u'\n' + QDateTime::currentDateTimeUtc().toString(Qt::ISODate) + u'\n').toUtf8()) < 0)
        return Error::make(ErrorCode::CaptureFailed, tr("Cannot mark %1 as a twin").arg(dir), marker.errorString(),
                           tr("Check that the directory is writable."));
    return report;
}

QString SimCapture::capturedFrom(const QString &root)
{
    QByteArray bytes;
    if (RootedFile::read(root, QStringLiteral(".passdeck-sim/captured-from"), 4096, &bytes, RootedFile::NoSymlinks) != 0)
        return {};
    return QString::fromUtf8(bytes.left(bytes.indexOf('\n') < 0 ? bytes.size() : bytes.indexOf('\n'))).trimmed();
}

} // namespace passdeck
