#include "node/inventory/SysfsDeviceExtras.h"

#include "core/PciAddress.h"
#include "node/host/RootedFile.h"
#include "node/inventory/PciExtCaps.h"

#include <QCoreApplication>
#include <QFile>
#include <QHash>
#include <QSet>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace passdeck {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("Inventory", text);
}

class ExtrasReader
{
public:
    ExtrasReader(const QString &path, int fd, PciDevice &device, QStringList &warnings)
        : m_path(path), m_fd(fd), m_device(device), m_warnings(warnings)
    {
    }

    // Everything read here feeds a guard of the impact check or the plan (driver_override, the
    // VF links, net/, nvme/, block/, boot_vga, sriov_numvfs), except the few named in
    // isInformational(): what cannot be read is recorded in PciDevice::unreadable so that the
    // check blocks instead of assuming "not in use".
    static bool isInformational(const char *name)
    {
        static const char *const names[] = {"reset_method", "sriov_totalvfs", "config", "current_link_speed",
                                            "max_link_speed", "current_link_width", "max_link_width"};
        for (const char *n : names)
            if (std::strcmp(name, n) == 0)
                return true;
        return false;
    }

    // "8.0 GT/s PCIe", "Unknown": kept as the kernel writes it (docs/topology.md).
    void readLinkSpeed(const char *name, QString *out)
    {
        char buffer[64];
        if (readText(name, buffer, sizeof buffer))
            *out = QString::fromUtf8(buffer);
    }

    // The ACS capability from the extended capability list of `config` (docs/topology.md). Only
    // root reads past the first 64 bytes on a real host: a shorter file leaves acsKnown false.
    void readAcs()
    {
        QByteArray config;
        int errnum = 0;
        if (!readBinary("config", 4096, &config, &errnum)) {
            warnUnreadable("config", errnum);
            return;
        }
        if (config.size() < 4096)
            return;
        m_device.acsKnown = true;
        const int acs = PciExtCaps::find(config, PciExtCaps::kAcs);
        if (acs < 0)
            return;
        m_device.acsCapability = PciExtCaps::read16(config, acs + 4);
        m_device.acsControl = PciExtCaps::read16(config, acs + 6);
    }

    // A binary attribute (config), up to cap bytes; regular files only, never blocking.
    bool readBinary(const char *name, int cap, QByteArray *out, int *errnum)
    {
        const int fd = ::openat(m_fd, name, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
        if (fd < 0) {
            *errnum = errno;
            return false;
        }
        struct stat st;
        const bool statted = ::fstat(fd, &st) == 0;
        if (!statted || !S_ISREG(st.st_mode)) {
            *errnum = statted ? RootedFile::notRegularErrno() : errno;
            ::close(fd);
            return false;
        }
        out->resize(cap);
        qsizetype got = 0;
        while (got < cap) {
            const ssize_t n = ::pread(fd, out->data() + got, size_t(cap - got), off_t(got));
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0) {
                *errnum = errno;
                ::close(fd);
                return false;
            }
            if (n == 0)
                break;
            got += n;
        }
        ::close(fd);
        out->resize(got);
        return true;
    }

    void warnUnreadable(const char *name, int errnum)
    {
        m_warnings.append(tr("%1: cannot read %2/%3 (%4); that value is ignored.")
                              .arg(m_device.address, m_path, QString::fromUtf8(name), SysfsReader::errorText(errnum)));
        if (!isInformational(name))
            m_device.unreadable.append(tr("%1 (%2)").arg(QString::fromUtf8(name), SysfsReader::errorText(errnum)));
    }

    void warnMalformed(const char *name, const char *value)
    {
        m_warnings.append(tr("%1: %2/%3 holds \"%4\", which is not what the kernel writes there; that value is ignored.")
                              .arg(m_device.address, m_path, QString::fromUtf8(name),
                                   QString::fromUtf8(value).left(64)));
        if (!isInformational(name))
            m_device.unreadable.append(tr("%1 (holds \"%2\")").arg(QString::fromUtf8(name), QString::fromUtf8(value).left(64)));
    }

    // Reads an attribute; false (after a warning) when it cannot be read.
    bool readText(const char *name, char *buffer, int size)
    {
        int errnum = 0;
        if (SysfsReader::readAt(m_fd, name, buffer, size, &errnum) < 0) {
            warnUnreadable(name, errnum);
            return false;
        }
        return true;
    }

    bool readInt(const char *name, int *value)
    {
        char buffer[64];
        if (!readText(name, buffer, sizeof buffer))
            return false;
        char *end = nullptr;
        errno = 0;
        const long v = std::strtol(buffer, &end, 10);
        if (end == buffer || *end != '\0' || errno != 0 || v < 0 || v > 1 << 20) {
            warnMalformed(name, buffer);
            return false;
        }
        *value = int(v);
        return true;
    }

    // A symlink to another PCI function: its address, validated.
    QString readAddressLink(const char *name)
    {
        int errnum = 0;
        const QString target = SysfsReader::readLinkNameAt(m_fd, name, &errnum);
        if (errnum != 0) {
            warnUnreadable(name, errnum);
            return {};
        }
        if (!PciAddress::isValid(target)) {
            warnMalformed(name, target.toUtf8().constData());
            return {};
        }
        return target;
    }

    // Names in a subdirectory (net/, drm/, block/, nvme/...), sorted.
    QStringList listNames(const char *name, SysfsReader::Dir *keep = nullptr)
    {
        SysfsReader::Dir local;
        SysfsReader::Dir &dir = keep ? *keep : local;
        if (!dir.openAt(m_fd, name)) {
            warnUnreadable(name, errno);
            return {};
        }
        QStringList names;
        for (const SysfsReader::Entry &e : dir.entries())
            names.append(QString::fromUtf8(e.name));
        names.sort();
        return names;
    }

    void readNet()
    {
        SysfsReader::Dir netDir;
        const QStringList names = listNames("net", &netDir);
        for (const QString &name : names) {
            NetInterface iface;
            iface.name = name;
            const QByteArray rel = name.toUtf8() + "/operstate";
            char buffer[64];
            int errnum = 0;
            if (SysfsReader::readAt(netDir.fd(), rel.constData(), buffer, sizeof buffer, &errnum) >= 0)
                iface.operstate = QString::fromUtf8(buffer);
            else
                warnUnreadable(QByteArray("net/" + rel).constData(), errnum);
            m_device.netInterfaces.append(iface);
        }
    }

    static bool isNamespaceName(const QByteArray &n)
    {
        // nvme0n1, or nvme0c0n1 when native NVMe multipath is on.
        if (!n.startsWith("nvme"))
            return false;
        int i = 4;
        auto digits = [&]() {
            const int start = i;
            while (i < n.size() && n[i] >= '0' && n[i] <= '9')
                ++i;
            return i > start;
        };
        if (!digits())
            return false;
        if (i < n.size() && n[i] == 'c') {
            ++i;
            if (!digits())
                return false;
        }
        if (i >= n.size() || n[i] != 'n')
            return false;
        ++i;
        return digits() && i == n.size();
    }

    void readNvme()
    {
        SysfsReader::Dir nvmeDir;
        const QStringList controllers = listNames("nvme", &nvmeDir);
        for (const QString &controller : controllers) {
            m_device.nvmeControllers.append(controller);
            SysfsReader::Dir ctrlDir;
            const QByteArray name = controller.toUtf8();
            if (!ctrlDir.openAt(nvmeDir.fd(), name.constData())) {
                warnUnreadable(QByteArray("nvme/" + name).constData(), errno);
                continue;
            }
            QStringList namespaces;
            for (const SysfsReader::Entry &e : ctrlDir.entries())
                if (isNamespaceName(e.name))
                    namespaces.append(QString::fromUtf8(e.name));
            namespaces.sort();
            m_device.blockDevices.append(namespaces);
        }
    }

private:
    const QString &m_path;
    int m_fd;
    PciDevice &m_device;
    QStringList &m_warnings;
};

} // namespace

void SysfsDeviceExtras::read(const QString &path, const SysfsReader::Dir &dir,
                             const std::vector<SysfsReader::Entry> &entries, PciDevice &device, QStringList &warnings)
{
    ExtrasReader r(path, dir.fd(), device, warnings);
    std::vector<std::pair<int, QString>> virtfns;
    QStringList blockDevices;
    for (const SysfsReader::Entry &e : entries) {
        const char *name = e.name.constData();
        switch (name[0]) {
        case 'b':
            if (e.name == "boot_vga") {
                char buffer[16];
                if (r.readText(name, buffer, sizeof buffer))
                    device.bootVga = std::strcmp(buffer, "1") == 0;
            } else if (e.name == "block") {
                blockDevices = r.listNames(name);
            }
            break;
        case 'c':
            if (e.name == "config")
                r.readAcs();
            else if (e.name == "current_link_speed")
                r.readLinkSpeed(name, &device.linkSpeed);
            else if (e.name == "current_link_width")
                r.readInt(name, &device.linkWidth);
            break;
        case 'm':
            if (e.name == "max_link_speed")
                r.readLinkSpeed(name, &device.maxLinkSpeed);
            else if (e.name == "max_link_width")
                r.readInt(name, &device.maxLinkWidth);
            break;
        case 'd':
            if (e.name == "driver_override") {
                char buffer[4096];
                if (r.readText(name, buffer, sizeof buffer) && std::strcmp(buffer, "(null)") != 0)
                    device.driverOverride = QString::fromUtf8(buffer);
            } else if (e.name == "drm") {
                device.drmCards = r.listNames(name);
            }
            break;
        case 'n':
            if (e.name == "net")
                r.readNet();
            else if (e.name == "nvme")
                r.readNvme();
            break;
        case 'p':
            if (e.name == "physfn")
                device.physfn = r.readAddressLink(name);
            break;
        case 'r':
            if (e.name == "reset_method") {
                char buffer[256];
                if (r.readText(name, buffer, sizeof buffer))
                    device.resetMethods = QString::fromUtf8(buffer).split(u' ', Qt::SkipEmptyParts);
            }
            break;
        case 's':
            if (e.name == "sriov_totalvfs") {
                r.readInt(name, &device.sriovTotalVfs);
            } else if (e.name == "sriov_numvfs") {
                r.readInt(name, &device.sriovNumVfs);
            }
            break;
        case 'v':
            if (e.name.startsWith("virtfn")) {
                bool ok = false;
                const int index = e.name.mid(6).toInt(&ok);
                if (!ok || index < 0)
                    break;
                const QString vf = r.readAddressLink(name);
                if (!vf.isEmpty())
                    virtfns.emplace_back(index, vf);
            }
            break;
        default:
            break;
        }
    }
    // The kernel shows boot_vga on every VGA-class function: without it, whether this is the
    // host's console cannot be told.
    if ((device.classId >> 8) == 0x0300
        && std::none_of(entries.cbegin(), entries.cend(), [](const SysfsReader::Entry &e) { return e.name == "boot_vga"; }))
        device.unreadable.append(tr("boot_vga (missing on a VGA device)"));
    std::sort(virtfns.begin(), virtfns.end());
    for (const auto &vf : virtfns)
        device.virtfns.append(vf.second);
    for (const QString &b : std::as_const(blockDevices))
        if (!device.blockDevices.contains(b))
            device.blockDevices.append(b);
}

namespace {

// "../../devices/pci0000:00/0000:00:02.0/virtio1/block/vda" -> {"0000:00:02.0", "virtio1/block"...}:
// the deepest PCI function on the way, and the component before the entry's own name.
struct ClassLinkTarget
{
    QString pciAddress;
    QString parent;
};

ClassLinkTarget parseClassLink(const QByteArray &target)
{
    ClassLinkTarget t;
    const QList<QByteArray> parts = target.split('/');
    for (const QByteArray &part : parts)
        if (part.size() == 12 && PciAddress::isValid(QString::fromLatin1(part)))
            t.pciAddress = QString::fromLatin1(part);
    if (parts.size() >= 2)
        t.parent = QString::fromUtf8(parts.at(parts.size() - 2));
    return t;
}

QByteArray readLink(int dirFd, const QByteArray &name)
{
    char buffer[4096];
    const ssize_t n = ::readlinkat(dirFd, name.constData(), buffer, sizeof buffer - 1);
    return n < 0 ? QByteArray() : QByteArray(buffer, n);
}

} // namespace

void SysfsDeviceExtras::readNestedHostUse(const QString &sysPath, QList<PciDevice> &devices, QStringList &warnings,
                                          QStringList *unreadable)
{
    QHash<QString, qsizetype> byAddress;
    QSet<QString> knownNet, knownBlock;
    for (qsizetype i = 0; i < devices.size(); ++i) {
        byAddress.insert(devices.at(i).address, i);
        for (const NetInterface &n : std::as_const(devices.at(i).netInterfaces))
            knownNet.insert(n.name);
        for (const QString &b : std::as_const(devices.at(i).blockDevices))
            knownBlock.insert(b);
    }

    // Every Linux host has both directories: one that cannot be listed hides the interfaces and
    // disks below virtio, AHCI or USB controllers, so it is recorded for the impact check.
    // A missing one (only a hand-made tree lacks them) is not worth a warning in `devices`; the
    // impact check still names it when it blocks.
    const auto listFailed = [&](const char *dir) {
        const int errnum = errno;
        if (errnum != ENOENT)
            warnings.append(QCoreApplication::translate("Inventory", "Cannot list %1/%2 (%3); network interfaces and disks below other "
                                                                 "controllers are not known, so changes towards vfio-pci are blocked.")
                            .arg(sysPath, QLatin1String(dir), SysfsReader::errorText(errnum)));
        if (unreadable)
            unreadable->append(QStringLiteral("sys/%1 (%2)").arg(QLatin1String(dir), SysfsReader::errorText(errnum)));
    };
    SysfsReader::Dir netDir;
    if (!netDir.open(QFile::encodeName(sysPath + QLatin1String("/class/net")).constData()))
        listFailed("class/net");
    else {
        for (const SysfsReader::Entry &e : netDir.entries()) {
            const QString name = QString::fromUtf8(e.name);
            if (knownNet.contains(name))
                continue;
            const ClassLinkTarget t = parseClassLink(readLink(netDir.fd(), e.name));
            const auto it = byAddress.constFind(t.pciAddress);
            if (t.pciAddress.isEmpty() || it == byAddress.constEnd())
                continue; // a virtual interface (lo, bridges, bonds...) or a device left out
            NetInterface iface;
            iface.name = name;
            char buffer[64];
            int errnum = 0;
            if (SysfsReader::readAt(netDir.fd(), QByteArray(e.name + "/operstate").constData(), buffer, sizeof buffer,
                                    &errnum) >= 0)
                iface.operstate = QString::fromUtf8(buffer);
            else {
                warnings.append(QCoreApplication::translate("Inventory", "%1: cannot read %2/class/net/%3/operstate (%4); the interface is shown without its state.")
                                    .arg(t.pciAddress, sysPath, name, SysfsReader::errorText(errnum)));
                devices[*it].unreadable.append(QStringLiteral("sys/class/net/%1/operstate (%2)").arg(name, SysfsReader::errorText(errnum)));
            }
            devices[*it].netInterfaces.append(iface);
        }
    }

    SysfsReader::Dir blockDir;
    if (!blockDir.open(QFile::encodeName(sysPath + QLatin1String("/class/block")).constData()))
        listFailed("class/block");
    else {
        const std::vector<SysfsReader::Entry> entries = blockDir.entries();
        QSet<QString> allBlock;
        for (const SysfsReader::Entry &e : entries)
            allBlock.insert(QString::fromUtf8(e.name));
        for (const SysfsReader::Entry &e : entries) {
            const QString name = QString::fromUtf8(e.name);
            if (knownBlock.contains(name))
                continue;
            const ClassLinkTarget t = parseClassLink(readLink(blockDir.fd(), e.name));
            const auto it = byAddress.constFind(t.pciAddress);
            // sda1's link ends in .../block/sda/sda1: a partition sits below its disk
            if (t.pciAddress.isEmpty() || it == byAddress.constEnd() || allBlock.contains(t.parent))
                continue;
            devices[*it].blockDevices.append(name);
            knownBlock.insert(name);
        }
    }
}

} // namespace passdeck
