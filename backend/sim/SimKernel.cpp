#include "sim/SimKernel.h"

#include "core/PciAddress.h"
#include "node/host/RootedFile.h"
#include "sim/SimHostBuilder.h"
#include "sim/SimHostLayout.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QThread>

#include <cerrno>

namespace passdeck {

namespace {
const QString kDevices = QStringLiteral("sys/bus/pci/devices/");
const QString kDrivers = QStringLiteral("sys/bus/pci/drivers/");
const QString kVfio = QStringLiteral("vfio-pci");

// sysfs_streq: the value a user writes usually ends in a newline.
QString trimmedValue(const QByteArray &value)
{
    QByteArray v = value;
    if (v.endsWith('\n'))
        v.chop(1);
    return QString::fromLatin1(v).trimmed();
}

QString idKey(int vendor, int device)
{
    return QStringLiteral("%1 %2").arg(vendor, 4, 16, QLatin1Char('0')).arg(device, 4, 16, QLatin1Char('0'));
}
} // namespace

SimKernel::SimKernel(const HostRoot &root)
    : m_root(root), m_layout(std::make_unique<SimHostLayout>(root.root()))
{
}

SimKernel::~SimKernel() = default;

bool SimKernel::isSimulated(const HostRoot &root)
{
    return SimHostBuilder::isSimulatedRoot(root.root());
}

bool SimKernel::loadDescription()
{
    if (m_description)
        return true;
    // Through the layout: inside the root, never through a link, never a FIFO, capped.
    QByteArray bytes;
    if (m_layout->readFileChecked(QStringLiteral(".passdeck-sim/description.json"), RootedFile::kDescriptionCap, &bytes) != 0)
        return false;
    Result<QJsonObject> json = SimHostDescription::parseJson(bytes, SimHostBuilder::descriptionFile(m_root.root()));
    if (!json)
        return false;
    Result<SimHostDescription> d = SimHostDescription::fromJson(*json);
    if (!d)
        return false;
    m_descriptionJson = *json;
    m_description = std::move(d).value();
    return true;
}

void SimKernel::loadState()
{
    // Another process may have changed it: the file is small, so its bytes are the version
    // (an mtime can repeat within a clock tick and an inode number is reused).
    const QByteArray bytes = m_layout->readFile(QStringLiteral(".passdeck-sim/state.json"));
    if (!bytes.isEmpty() && bytes == m_stateBytes)
        return;
    m_stateBytes = bytes;
    m_newIds.clear();
    const QJsonObject o = QJsonDocument::fromJson(bytes).object();
    m_nextGroup = o.value(QLatin1String("next_group")).toInt(0);
    const QJsonObject ids = o.value(QLatin1String("new_ids")).toObject();
    for (auto it = ids.begin(); it != ids.end(); ++it)
        for (const QJsonValue &v : it.value().toArray())
            m_newIds[it.key()].append(v.toString());
}

bool SimKernel::saveState()
{
    QJsonObject ids;
    for (auto it = m_newIds.cbegin(); it != m_newIds.cend(); ++it)
        if (!it.value().isEmpty())
            ids.insert(it.key(), QJsonArray::fromStringList(it.value()));
    const QJsonObject o{{QStringLiteral("next_group"), m_nextGroup}, {QStringLiteral("new_ids"), ids}};
    const QString tmp = QStringLiteral(".passdeck-sim/state.json.tmp");
    const QByteArray bytes = QJsonDocument(o).toJson(QJsonDocument::Compact);
    if (!m_layout->writeFile(tmp, bytes))
        return false;
    const bool ok = m_layout->rename(tmp, QStringLiteral(".passdeck-sim/state.json"));
    m_stateBytes = ok ? bytes : QByteArray();
    return ok;
}

QString SimKernel::sysPathOf(const QString &address) const
{
    const QString link = m_layout->readLink(kDevices + address);
    if (link.isEmpty())
        return {};
    // A device lives under sys/devices of this root; a link leading anywhere else (above the
    // root with "../../..", or absolute) is not a device the simulator acts on.
    const QString path = QDir::cleanPath(kDevices + link);
    if (!path.startsWith(QLatin1String("sys/devices/")) || !RootedFile::isCleanRelative(path))
        return {};
    return path;
}

QString SimKernel::currentDriver(const QString &address) const
{
    const QString p = sysPathOf(address);
    return p.isEmpty() ? QString() : m_layout->linkName(p + QLatin1String("/driver"));
}

int SimKernel::groupOf(const QString &address) const
{
    const QString name = m_layout->linkName(sysPathOf(address) + QLatin1String("/iommu_group"));
    bool ok = false;
    const int g = name.toInt(&ok);
    return ok ? g : -1;
}

std::optional<SimDeviceSpec> SimKernel::specOf(const QString &address)
{
    if (!loadDescription())
        return std::nullopt;
    if (const SimDeviceSpec *s = m_description->find(address))
        return *s;
    const QString path = sysPathOf(address);
    if (path.isEmpty())
        return std::nullopt;
    const QString pfAddress = m_layout->linkName(path + QLatin1String("/physfn"));
    const SimDeviceSpec *pf = m_description->find(pfAddress);
    if (!pf || !pf->hasSriov)
        return std::nullopt;
    auto rid = [](const QString &a) {
        return (a.mid(5, 2).toInt(nullptr, 16) << 8) | (a.mid(8, 2).toInt(nullptr, 16) << 3) | (a.at(11).unicode() - u'0');
    };
    const int index = (rid(address) - rid(pfAddress) - pf->sriov.offset) / pf->sriov.stride;
    SimDeviceSpec vf = SimHostDescription::virtualFunction(*pf, index);
    vf.iommuGroup = groupOf(address);
    return vf;
}

int SimKernel::write(const QString &relativePath, const QByteArray &value)
{
    // The simulator writes plain files: on "/" or any root not built by SimHostBuilder that
    // would corrupt a real tree, so it refuses before touching anything. Checked until it
    // holds once (a root does not stop being simulated while a kernel is on it).
    if (!m_rootVerified) {
        if (m_root.isEmpty() || m_root.isSystemRoot() || !isSimulated(m_root)) {
            qWarning("passdeck: the simulated kernel refused to write %s under \"%s\": not a simulated host root "
                     "(build one with `passdeck-cli sim build`)", qPrintable(relativePath), qPrintable(m_root.root()));
            return EPERM;
        }
        m_rootVerified = true;
    }
    QString path = relativePath;
    while (path.startsWith(u'/'))
        path.remove(0, 1);
    if (!RootedFile::isCleanRelative(path))
        return ENOENT;
    if (const int injected = takeFault(path))
        return injected;
    return dispatch(path, value);
}

int SimKernel::dispatch(const QString &path, const QByteArray &value)
{
    const QStringList parts = path.split(u'/', Qt::SkipEmptyParts);
    if (path == QLatin1String("sys/bus/pci/drivers_probe"))
        return probe(trimmedValue(value));
    if (path == QLatin1String("sys/bus/pci/drivers_autoprobe") || path == QLatin1String("sys/bus/pci/rescan")) {
        m_layout->writeFile(path, value);
        return 0;
    }
    // drivers/<D>/<file>
    if (parts.size() == 6 && path.startsWith(kDrivers))
        return writeDriverFile(parts[4], parts[5], value);
    // devices/<addr>/<attr> and devices/<addr>/driver/<file>
    if (path.startsWith(kDevices) && parts.size() >= 6) {
        const QString &address = parts[4];
        if (!PciAddress::isValid(address) || sysPathOf(address).isEmpty())
            return ENOENT;
        if (parts.size() == 6)
            return writeDeviceAttribute(address, parts[5], value);
        if (parts.size() == 7 && parts[5] == QLatin1String("driver")) {
            const QString d = currentDriver(address);
            return d.isEmpty() ? ENOENT : writeDriverFile(d, parts[6], value);
        }
    }
    // The real device directory: sys/devices/.../<addr>/<attr> (or .../<addr>/driver/<file>).
    if (path.startsWith(QLatin1String("sys/devices/")) && parts.size() >= 4) {
        const bool viaDriver = parts.size() >= 5 && parts[parts.size() - 2] == QLatin1String("driver");
        const QString &address = parts[parts.size() - (viaDriver ? 3 : 2)];
        const QString dir = QStringList(parts.mid(0, parts.size() - (viaDriver ? 2 : 1))).join(u'/');
        if (PciAddress::isValid(address) && sysPathOf(address) == dir) {
            if (!viaDriver)
                return writeDeviceAttribute(address, parts.last(), value);
            const QString d = currentDriver(address);
            return d.isEmpty() ? ENOENT : writeDriverFile(d, parts.last(), value);
        }
    }
    if (!m_layout->exists(path))
        return ENOENT;
    return m_layout->isDir(path) ? EISDIR : EACCES;
}

int SimKernel::writeDeviceAttribute(const QString &address, const QString &attribute, const QByteArray &value)
{
    const QString file = sysPathOf(address) + u'/' + attribute;
    if (!m_layout->exists(file))
        return ENOENT;
    if (attribute == QLatin1String("driver_override")) {
        if (value.size() >= 4095) // kernel: len >= PAGE_SIZE - 1
            return EINVAL;
        QByteArray v = value;
        if (const qsizetype nl = v.indexOf('\n'); nl >= 0)
            v.truncate(nl);
        // A file that is not the simulator's own (a link, a FIFO) is never written through.
        return m_layout->writeFile(file, v.isEmpty() ? QByteArray("(null)\n") : v + '\n') ? 0 : (errno ? errno : EIO);
    }
    if (attribute == QLatin1String("sriov_numvfs"))
        return setNumVfs(address, value);
    if (attribute == QLatin1String("sriov_drivers_autoprobe")) {
        // kstrtobool(): the first character decides (y/Y/1, n/N/0), "on"/"off" by the second.
        const char c0 = value.isEmpty() ? '\0' : value.at(0);
        const char c1 = value.size() > 1 ? value.at(1) : '\0';
        bool on;
        if (c0 == 'y' || c0 == 'Y' || c0 == '1')
            on = true;
        else if (c0 == 'n' || c0 == 'N' || c0 == '0')
            on = false;
        else if ((c0 == 'o' || c0 == 'O') && (c1 == 'n' || c1 == 'N'))
            on = true;
        else if ((c0 == 'o' || c0 == 'O') && (c1 == 'f' || c1 == 'F'))
            on = false;
        else
            return EINVAL;
        return m_layout->writeFile(file, on ? "1\n" : "0\n") ? 0 : (errno ? errno : EIO);
    }
    if (attribute == QLatin1String("reset") || attribute == QLatin1String("remove") || attribute == QLatin1String("rescan"))
        return trimmedValue(value) == QLatin1String("1") ? 0 : EINVAL; // accepted, no effect here
    return m_layout->isDir(file) ? EISDIR : EACCES;
}

int SimKernel::writeDriverFile(const QString &driver, const QString &file, const QByteArray &value)
{
    if (!isValidDriverName(driver) || !m_layout->exists(kDrivers + driver + u'/' + file))
        return ENOENT;
    if (file == QLatin1String("bind"))
        return bind(trimmedValue(value), driver);
    if (file == QLatin1String("unbind"))
        return unbind(trimmedValue(value), driver);
    if (file == QLatin1String("new_id"))
        return addNewId(driver, value, false);
    if (file == QLatin1String("remove_id"))
        return addNewId(driver, value, true);
    return m_layout->readLink(kDrivers + driver + u'/' + file).isEmpty() ? EACCES : EISDIR;
}

bool SimKernel::matches(const QString &address, const QString &driver)
{
    const QByteArray override = m_layout->readFile(sysPathOf(address) + QLatin1String("/driver_override")).trimmed();
    if (!override.isEmpty() && override != "(null)")
        return QString::fromLatin1(override) == driver;
    const std::optional<SimDeviceSpec> spec = specOf(address);
    if (!spec)
        return false;
    loadState();
    if (m_newIds.value(driver).contains(idKey(spec->vendor, spec->device)))
        return true;
    return spec->nativeDriver == driver;
}

bool SimKernel::canProbe(const QString &address, const QString &driver)
{
    // pci_device_can_probe(): a VF whose PF has sriov_drivers_autoprobe off only goes to the
    // driver its driver_override names.
    const QString path = sysPathOf(address);
    const QString pf = m_layout->linkName(path + QLatin1String("/physfn"));
    if (pf.isEmpty())
        return true;
    if (m_layout->readFile(sysPathOf(pf) + QLatin1String("/sriov_drivers_autoprobe")).trimmed() != "0")
        return true;
    return QString::fromLatin1(m_layout->readFile(path + QLatin1String("/driver_override")).trimmed()) == driver;
}

int SimKernel::bind(const QString &address, const QString &driver)
{
    if (!PciAddress::isValid(address) || sysPathOf(address).isEmpty() || !matches(address, driver))
        return ENODEV;
    if (!currentDriver(address).isEmpty())
        return EBUSY;
    if (!canProbe(address, driver))
        return ENODEV;
    // vfio_pci_core_register_device() refuses anything but a type 0 header: a bridge's probe
    // fails, and bind_store() passes that on.
    if (driver == kVfio) {
        const std::optional<SimDeviceSpec> spec = specOf(address);
        if (spec && spec->isBridge())
            return EINVAL;
    }
    const QString path = sysPathOf(address);
    m_layout->bindDriver(path, address, driver);
    if (driver == kVfio) {
        updateVfioNode(groupOf(address));
    } else if (const std::optional<SimDeviceSpec> spec = specOf(address); spec && spec->nativeDriver == driver) {
        SimDeviceSpec s = *spec;
        s.sysPath = path;
        m_layout->attachDriverChildren(s, true);
    }
    return 0;
}

int SimKernel::unbind(const QString &address, const QString &driver)
{
    if (!PciAddress::isValid(address) || sysPathOf(address).isEmpty() || currentDriver(address) != driver)
        return ENODEV;
    const QString path = sysPathOf(address);
    m_layout->unbindDriver(path, address, driver);
    m_layout->detachDriverChildren(path);
    if (driver == kVfio)
        updateVfioNode(groupOf(address));
    return 0;
}

int SimKernel::probe(const QString &address)
{
    if (!PciAddress::isValid(address) || sysPathOf(address).isEmpty())
        return ENODEV;
    if (!currentDriver(address).isEmpty())
        return 0;
    QStringList candidates;
    const QByteArray override = m_layout->readFile(sysPathOf(address) + QLatin1String("/driver_override")).trimmed();
    if (!override.isEmpty() && override != "(null)") {
        candidates.append(QString::fromLatin1(override));
    } else if (const std::optional<SimDeviceSpec> spec = specOf(address)) {
        if (!spec->nativeDriver.isEmpty())
            candidates.append(spec->nativeDriver);
        loadState();
        const QString key = idKey(spec->vendor, spec->device);
        for (auto it = m_newIds.cbegin(); it != m_newIds.cend(); ++it)
            if (it.value().contains(key) && !candidates.contains(it.key()))
                candidates.append(it.key());
    }
    for (const QString &d : std::as_const(candidates))
        if (isValidDriverName(d) && m_layout->exists(kDrivers + d) && canProbe(address, d))
            return bind(address, d) == 0 ? 0 : 0; // a failed probe is not the writer's error
    return 0;
}

int SimKernel::addNewId(const QString &driver, const QByteArray &value, bool remove)
{
    const QStringList fields = QString::fromLatin1(value).simplified().split(u' ', Qt::SkipEmptyParts);
    if (fields.size() < 2 || fields.size() > 7)
        return EINVAL;
    bool okV = false, okD = false;
    const uint vendor = QString(fields[0]).remove(QLatin1String("0x")).toUInt(&okV, 16);
    const uint device = QString(fields[1]).remove(QLatin1String("0x")).toUInt(&okD, 16);
    if (!okV || !okD || vendor > 0xffff || device > 0xffff)
        return EINVAL;
    loadState();
    const QString key = idKey(int(vendor), int(device));
    QStringList &ids = m_newIds[driver];
    if (remove) {
        if (!ids.removeOne(key))
            return ENODEV;
        saveState();
        return 0;
    }
    // new_id_store(): with fewer than 7 fields, an id the driver already matches (its new_id
    // table or its static id table) is EEXIST. The simulator's static tables are the native
    // drivers of the described devices and VFs; vfio-pci's static entries are override-only.
    if (ids.contains(key) || (fields.size() < 7 && staticallyMatches(driver, int(vendor), int(device))))
        return EEXIST;
    ids.append(key);
    saveState();
    // driver_attach(): every unbound device the new id matches is probed now.
    const QStringList all = m_layout->list(kDevices);
    for (const QString &a : all) {
        if (!PciAddress::isValid(a) || !currentDriver(a).isEmpty())
            continue;
        const std::optional<SimDeviceSpec> spec = specOf(a);
        if (spec && spec->vendor == int(vendor) && spec->device == int(device) && matches(a, driver) && canProbe(a, driver))
            bind(a, driver);
    }
    return 0;
}

int SimKernel::setNumVfs(const QString &address, const QByteArray &value)
{
    const QString text = trimmedValue(value);
    bool ok = false;
    const uint n = text.toUInt(&ok, 0);
    if (!ok || n > 0xffff) // kstrtou16(): overflow is -ERANGE there, but the store turns any failure into EINVAL
        return EINVAL;
    const QString path = sysPathOf(address);
    const std::optional<SimDeviceSpec> pf = specOf(address);
    if (!pf || !pf->hasSriov)
        return EIO;
    const int current = m_layout->readFile(path + QLatin1String("/sriov_numvfs")).trimmed().toInt();
    if (int(n) > pf->sriov.totalVfs)
        return ERANGE;
    if (int(n) == current)
        return 0;
    const QString pfDriver = currentDriver(address);
    if (pfDriver.isEmpty())
        return ENOENT; // "no driver bound to device; cannot configure SR-IOV"
    // vfio-pci's sriov_configure refuses unless the module was loaded with enable_sriov=1 (off by
    // default, and the simulator loads it with defaults).
    if (pfDriver == kVfio)
        return ENOENT;
    if (current != 0 && n != 0)
        return EBUSY;
    SimDeviceSpec pfHere = *pf;
    pfHere.sysPath = path;
    loadState();
    if (n == 0) {
        for (int i = current - 1; i >= 0; --i) {
            const SimDeviceSpec vf = SimHostDescription::virtualFunction(pfHere, i);
            const QString d = currentDriver(vf.address);
            const int group = groupOf(vf.address);
            if (!d.isEmpty())
                unbind(vf.address, d);
            if (group >= 0) {
                const QString g = QStringLiteral("sys/kernel/iommu_groups/") + QString::number(group);
                m_layout->remove(g + QLatin1String("/devices/") + vf.address);
                if (m_layout->list(g + QLatin1String("/devices")).isEmpty())
                    m_layout->removeTree(g);
            }
            m_layout->remove(kDevices + vf.address);
            m_layout->remove(path + QLatin1String("/virtfn") + QString::number(i));
            m_layout->removeTree(vf.sysPath);
        }
    } else {
        if (!loadDescription())
            return EIO;
        const bool autoprobe = m_layout->readFile(path + QLatin1String("/sriov_drivers_autoprobe")).trimmed() != "0";
        for (int i = 0; i < int(n); ++i) {
            SimDeviceSpec vf = SimHostDescription::virtualFunction(pfHere, i);
            vf.iommuGroup = m_description->iommu ? m_nextGroup++ : -1;
            m_layout->writeDevice(vf);
            if (autoprobe)
                probe(vf.address);
        }
        saveState();
    }
    m_layout->writeFile(path + QLatin1String("/sriov_numvfs"), QByteArray::number(n) + '\n');
    return 0;
}

bool SimKernel::staticallyMatches(const QString &driver, int vendor, int device)
{
    if (!loadDescription() || driver == kVfio)
        return false;
    for (const SimDeviceSpec &d : std::as_const(m_description->devices)) {
        if (d.vendor == vendor && d.device == device && d.nativeDriver == driver)
            return true;
        if (d.hasSriov && d.vendor == vendor && d.sriov.vfDevice == device && d.sriov.vfDriver == driver)
            return true;
    }
    return false;
}

} // namespace passdeck
