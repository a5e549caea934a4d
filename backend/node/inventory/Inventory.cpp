#include "node/inventory/Inventory.h"

#include "node/inventory/LibPciAccess.h"
#include "core/PciAddress.h"
#include "node/inventory/SysfsDeviceExtras.h"
#include "node/host/SysfsReader.h"

#include <QCoreApplication>
#include <QFile>
#include <QSet>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace passdeck {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("Inventory", text);
}

// "0x10de": what the kernel writes into vendor, device and class.
bool isHexAttribute(const char *s)
{
    if (s[0] != '0' || s[1] != 'x' || !s[2])
        return false;
    for (const char *p = s + 2; *p; ++p)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f') || (*p >= 'A' && *p <= 'F')))
            return false;
    return true;
}

// libpci parses ids with strtol, so garbage reads as 0. Ids that are 0 (or all ones) are
// re-checked against the files, which keeps the common path free of extra reads.
bool identityLooksWrong(const LibPciDeviceInfo &info)
{
    return info.vendorId == 0 || info.vendorId == 0xffff || info.deviceId == 0xffff || info.classId == 0;
}

QString malformedIdentity(const SysfsReader::Dir &dir, const QString &path, const QString &address)
{
    for (const char *name : {"vendor", "device", "class"}) {
        char buffer[64];
        int errnum = 0;
        if (SysfsReader::readAt(dir.fd(), name, buffer, sizeof buffer, &errnum) < 0)
            return tr("%1: cannot read %2/%3 (%4); the device is left out of the inventory.")
                .arg(address, path, QString::fromUtf8(name), SysfsReader::errorText(errnum));
        if (!isHexAttribute(buffer))
            return tr("%1: %2/%3 holds \"%4\" instead of a hexadecimal id; the device is left out of the inventory.")
                .arg(address, path, QString::fromUtf8(name), QString::fromUtf8(buffer).left(64));
    }
    return {};
}

// The last component of a link to a driver or group directory ("e1000" for driver ->
// ../../../bus/pci/drivers/e1000): one readlinkat() and one fstatat() to tell a dangling link,
// where realpath() would readlink() every component of the path.
QString readLinkName(const SysfsReader::Dir &dir, const QString &path, const QString &address, const char *name,
                     QStringList &warnings)
{
    int errnum = 0;
    const QString target = SysfsReader::readLinkNameAt(dir.fd(), name, &errnum);
    if (errnum != 0) {
        warnings.append(tr("%1: cannot read the link %2/%3 (%4); that value is ignored.")
                            .arg(address, path, QString::fromUtf8(name), SysfsReader::errorText(errnum)));
        return {};
    }
    if (!SysfsReader::existsAt(dir.fd(), name)) {
        warnings.append(std::strcmp(name, "driver") == 0
                            ? tr("%1: %2/driver is a dangling link; the device is shown without a driver.").arg(address, path)
                            : tr("%1: %2/%3 is a dangling link; the device is shown without an IOMMU group.")
                                  .arg(address, path, QString::fromUtf8(name)));
        return {};
    }
    return target;
}

int readGroupLink(const SysfsReader::Dir &dir, const QString &path, const QString &address, QStringList &warnings)
{
    const QString group = readLinkName(dir, path, address, "iommu_group", warnings);
    if (group.isEmpty())
        return -1;
    bool ok = false;
    const int n = group.toInt(&ok);
    if (ok && n >= 0)
        return n;
    warnings.append(tr("%1: its IOMMU group \"%2\" is not a number; the group is ignored.").arg(address, group.left(64)));
    return -1;
}

// The attributes libpci reads (blocking, unbounded) as files. On sysfs each is a regular file.
// SysfsDeviceExtras reads the others itself, safely (SysfsReader::readAt).
bool isLibPciAttribute(const QByteArray &name)
{
    static const char *const names[] = {"vendor", "device", "class", "subsystem_vendor", "subsystem_device", "revision",
                                        "numa_node", "config", "irq", "resource", "label"};
    for (const char *n : names)
        if (name == n)
            return true;
    return false;
}

// A device directory whose entries the kernel would never make: a FIFO, socket or device node
// anywhere in it, or a link in place of an attribute libpci reads. libpci opens those files
// blocking, so such a device never reaches it: "" when the directory is plausible, else the
// offending entry.
QString implausibleEntry(const SysfsReader::Dir &dir, const std::vector<SysfsReader::Entry> &entries)
{
    for (const SysfsReader::Entry &e : entries) {
        unsigned char type = e.type;
        if (type == DT_UNKNOWN) {
            struct stat st;
            if (::fstatat(dir.fd(), e.name.constData(), &st, AT_SYMLINK_NOFOLLOW) != 0)
                continue;
            type = S_ISREG(st.st_mode) ? DT_REG : S_ISDIR(st.st_mode) ? DT_DIR : S_ISLNK(st.st_mode) ? DT_LNK : DT_FIFO;
        }
        if (type == DT_FIFO || type == DT_SOCK || type == DT_CHR || type == DT_BLK)
            return QString::fromUtf8(e.name);
        // A directory there only costs libpci a failed read (a warning); a link could lead to a FIFO.
        if (type == DT_LNK && isLibPciAttribute(e.name))
            return QString::fromUtf8(e.name);
    }
    return {};
}

// The bridge above a function: bus/pci/devices/ADDR links to .../devices/pci0000:00/0000:00:1c.0/ADDR,
// so the component before the last is the upstream bridge, or the root bus ("pci0000:00", not an
// address: ""). A link that cannot be read (a hand-made tree with plain directories) also gives
// "": the device is then shown on its root bus (docs/topology.md).
QString upstreamBridge(const QByteArray &linkPath)
{
    char buffer[4096];
    const ssize_t n = ::readlink(linkPath.constData(), buffer, sizeof buffer - 1);
    if (n <= 0)
        return {};
    const QList<QByteArray> parts = QByteArray(buffer, n).split('/');
    if (parts.size() < 2)
        return {};
    const QString parent = QString::fromLatin1(parts.at(parts.size() - 2));
    return PciAddress::isValid(parent) ? parent : QString();
}

// One device: libpci's fields, then the sysfs extras. False (with a warning) when the device
// cannot be identified; an unreadable optional attribute only costs a warning.
bool readDevice(LibPciAccess &pci, const QString &devicesPath, const QString &address, PciDevice &device,
                QStringList &warnings)
{
    const QString path = devicesPath + u'/' + address;
    const QByteArray nativePath = QFile::encodeName(path);
    SysfsReader::Dir dir;
    if (!dir.open(nativePath.constData())) {
        const int errnum = errno;
        struct stat st;
        if (errnum == ENOENT && ::lstat(nativePath.constData(), &st) == 0 && S_ISLNK(st.st_mode))
            warnings.append(tr("%1: %2 is a dangling link (its device directory is missing); the device is left out of the inventory.")
                                .arg(address, path));
        else
            warnings.append(tr("%1: cannot open %2 (%3); the device is left out of the inventory.")
                                .arg(address, path, SysfsReader::errorText(errnum)));
        return false;
    }
    device.parent = upstreamBridge(nativePath);
    const std::vector<SysfsReader::Entry> entries = dir.entries();
    if (const QString bad = implausibleEntry(dir, entries); !bad.isEmpty()) {
        warnings.append(tr("%1: %2/%3 is not a regular file (a FIFO, socket, device node or link where the kernel has a "
                           "plain attribute); the device is left out of the inventory, so nothing is planned for it.")
                            .arg(address, path, bad));
        return false;
    }

    const PciAddress a = PciAddress::parse(address).value();
    Result<LibPciDeviceInfo> info = pci.readDevice(address, a.domain(), a.bus(), a.slot(), a.function());
    warnings.append(pci.takeWarnings());
    if (!info) {
        warnings.append(tr("%1: libpci cannot read the device (%2); the device is left out of the inventory.")
                            .arg(address, info.error().why));
        return false;
    }
    if (identityLooksWrong(*info)) {
        const QString problem = malformedIdentity(dir, path, address);
        if (!problem.isEmpty()) {
            warnings.append(problem);
            return false;
        }
    }

    device.address = address;
    device.vendorId = info->vendorId;
    device.deviceId = info->deviceId;
    device.subsystemVendorId = info->subsystemVendorId;
    device.subsystemDeviceId = info->subsystemDeviceId;
    device.revision = info->revision;
    device.classId = info->classId;
    device.vendorName = info->vendorName;
    device.deviceName = info->deviceName;
    device.className = info->className;
    device.numaNode = info->numaNode;
    // Every class 0x06 function (host, PCI-PCI, ISA, ... bridges) counts: docs/binding.md: a bridge
    // never joins a group, so the conservative reading wins.
    device.isBridge = device.baseClass() == 0x06;

    for (const SysfsReader::Entry &e : entries) {
        if (e.name == "driver")
            device.driver = readLinkName(dir, path, address, "driver", warnings);
        else if (e.name == "iommu_group")
            device.iommuGroup = readGroupLink(dir, path, address, warnings);
    }

    SysfsDeviceExtras::read(path, dir, entries, device, warnings);
    return true;
}

void readIommuGroups(const HostRoot &root, InventorySnapshot &snapshot)
{
    const QString groupsPath = root.path(QStringLiteral("sys/kernel/iommu_groups"));
    // Devices whose group's membership could not be read: the planner cannot know what must
    // come along, so the impact check blocks them (recorded in PciDevice::unreadable).
    QSet<int> unlisted;
    const auto markGroup = [&snapshot, &unlisted](int group, const QString &why) {
        unlisted.insert(group);
        for (PciDevice &d : snapshot.devices)
            if (d.iommuGroup == group)
                d.unreadable.append(why);
    };
    SysfsReader::Dir groupsDir;
    if (!groupsDir.open(QFile::encodeName(groupsPath).constData())) {
        const int errnum = errno;
        // No directory: no IOMMU (or it is off), which every device's iommuGroup -1 says already.
        // Any other failure with devices in groups hides every group's members.
        if (errnum != ENOENT)
            for (PciDevice &d : snapshot.devices)
                if (d.iommuGroup >= 0)
                    d.unreadable.append(tr("sys/kernel/iommu_groups (%1)").arg(SysfsReader::errorText(errnum)));
        return;
    }
    for (const SysfsReader::Entry &e : groupsDir.entries()) {
        bool ok = false;
        const int group = e.name.toInt(&ok);
        if (!ok || group < 0) {
            snapshot.warnings.append(tr("Ignored %1/%2: not an IOMMU group number.").arg(groupsPath, QString::fromUtf8(e.name)));
            continue;
        }
        SysfsReader::Dir members;
        if (!members.openAt(groupsDir.fd(), QByteArray(e.name + "/devices").constData())) {
            const int errnum = errno;
            snapshot.warnings.append(tr("Cannot list %1/%2/devices (%3); IOMMU group %2 is shown without members.")
                                         .arg(groupsPath, QString::fromUtf8(e.name), SysfsReader::errorText(errnum)));
            snapshot.iommuGroups.insert(group, {});
            markGroup(group, tr("sys/kernel/iommu_groups/%1/devices (%2)").arg(group).arg(SysfsReader::errorText(errnum)));
            continue;
        }
        QStringList addresses;
        // Non-PCI members (platform devices on some machines) are not passed through here.
        for (const SysfsReader::Entry &m : members.entries()) {
            const QString name = QString::fromUtf8(m.name);
            if (PciAddress::isValid(name))
                addresses.append(name);
        }
        addresses.sort();
        snapshot.iommuGroups.insert(group, addresses);
    }
    // A device that names a group whose listing does not hold it: the membership is not what
    // the kernel would show, so it is not trusted.
    for (PciDevice &d : snapshot.devices) {
        if (d.iommuGroup < 0 || unlisted.contains(d.iommuGroup))
            continue;
        const auto it = snapshot.iommuGroups.constFind(d.iommuGroup);
        if (it == snapshot.iommuGroups.constEnd() || !it->contains(d.address))
            d.unreadable.append(tr("sys/kernel/iommu_groups/%1/devices (does not list %2)").arg(d.iommuGroup).arg(d.address));
    }
}

} // namespace

Result<InventorySnapshot> Inventory::scan(const HostRoot &root, const InventoryOptions &options)
{
    if (Status s = root.check(); !s)
        return s.error();
    LibPciAccess pci;
    if (Status s = pci.open(root.pciBusPath(), options.pciIdsPath, options.resolveNames); !s)
        return s.error();

    InventorySnapshot snapshot;
    snapshot.hostRoot = root.root();
    snapshot.warnings.append(pci.takeWarnings());

    const QString devicesPath = root.path(QStringLiteral("sys/bus/pci/devices"));
    SysfsReader::Dir devicesDir;
    if (!devicesDir.open(QFile::encodeName(devicesPath).constData())) {
        Error e = Error::make(ErrorCode::NoPciBus, tr("Cannot read PCI devices under %1").arg(root.root()),
                              tr("cannot list %1: %2").arg(devicesPath, SysfsReader::errorText(errno)),
                              tr("Is sysfs mounted, and is this the host root of a Linux host or a simulated node?"));
        e.errnum = errno;
        return e;
    }
    QStringList addresses;
    for (const SysfsReader::Entry &e : devicesDir.entries()) {
        const QString name = QString::fromUtf8(e.name);
        if (PciAddress::isValid(name))
            addresses.append(name);
        else
            snapshot.warnings.append(tr("Ignored %1/%2: the name is not a PCI address (DDDD:BB:DD.F).")
                                         .arg(devicesPath, name.left(64)));
    }
    // Sorting the names sorts the devices: valid addresses are fixed-width lower-case hex.
    addresses.sort();

    snapshot.devices.reserve(addresses.size());
    for (const QString &address : std::as_const(addresses)) {
        PciDevice device;
        if (readDevice(pci, devicesPath, address, device, snapshot.warnings))
            snapshot.devices.append(std::move(device));
    }
    SysfsDeviceExtras::readNestedHostUse(root.path(QStringLiteral("sys")), snapshot.devices, snapshot.warnings,
                                         &snapshot.unreadable);
    readIommuGroups(root, snapshot);
    return snapshot;
}

Result<PciDevice> Inventory::scanDevice(const HostRoot &root, const QString &address, const InventoryOptions &options)
{
    if (Result<PciAddress> a = PciAddress::parse(address); !a)
        return a.error();
    if (Status s = root.check(); !s)
        return s.error();
    // A fresh libpci handle: nothing cached from before the rebind (PCI_FILL_RESCAN semantics).
    LibPciAccess pci;
    if (Status s = pci.open(root.pciBusPath(), options.pciIdsPath, options.resolveNames); !s)
        return s.error();
    PciDevice device;
    QStringList warnings;
    if (!readDevice(pci, root.path(QStringLiteral("sys/bus/pci/devices")), address, device, warnings)) {
        Error e = Error::make(ErrorCode::PciDeviceUnreadable, tr("Cannot read PCI device %1").arg(address),
                              warnings.join(u' '), tr("Check that the device still exists: Refresh Inventory on the node's dashboard (or `passdeck-cli devices`)."));
        e.device = address;
        return e;
    }
    return device;
}

} // namespace passdeck
