#include "node/inventory/PciPlacement.h"

#include "core/PciAddress.h"
#include "node/host/RootedFile.h"
#include "node/host/SysfsReader.h"
#include "node/inventory/PciExtCaps.h"

#include <QFile>
#include <QRegularExpression>

#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace passdeck {

QHash<QString, QString> PciPlacement::slotAddresses(const HostRoot &root)
{
    QHash<QString, QString> byAddress;
    static const QRegularExpression slotAddress(QStringLiteral("^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}$"));
    SysfsReader::Dir dir;
    if (!dir.open(QFile::encodeName(root.path(QStringLiteral("sys/bus/pci/slots"))).constData()))
        return byAddress; // no hotplug slots on this machine (or no such directory)
    int listed = 0;
    for (const SysfsReader::Entry &e : dir.entries()) {
        // A real machine has tens of slots; a tree with thousands is not worth reading through.
        if (++listed > 4096)
            break;
        char buffer[64];
        int errnum = 0;
        if (SysfsReader::readAt(dir.fd(), QByteArray(e.name + "/address").constData(), buffer, sizeof buffer, &errnum) < 0)
            continue;
        const QString address = QString::fromLatin1(buffer).toLower();
        if (slotAddress.match(address).hasMatch() && !byAddress.contains(address))
            byAddress.insert(address, QString::fromUtf8(e.name));
    }
    return byAddress;
}

QByteArray PciPlacement::readConfig(const HostRoot &root, const QString &address, int *errnum)
{
    const auto failed = [errnum](int e) {
        if (errnum)
            *errnum = e;
        return QByteArray();
    };
    if (!PciAddress::isValid(address))
        return failed(EINVAL);
    const int fd = RootedFile::open(root.root(), QStringLiteral("sys/bus/pci/devices/%1/config").arg(address),
                                    O_RDONLY | O_NONBLOCK);
    if (fd < 0)
        return failed(-fd);
    struct stat st;
    const bool statted = ::fstat(fd, &st) == 0;
    if (!statted || !S_ISREG(st.st_mode)) {
        const int e = statted ? RootedFile::notRegularErrno() : errno;
        ::close(fd);
        return failed(e);
    }
    // Only the first 4 KiB: that is all of PCIe config space; a bigger file is not the kernel's.
    QByteArray config(4096, '\0');
    qsizetype got = 0;
    while (got < config.size()) {
        const ssize_t n = ::read(fd, config.data() + got, size_t(config.size() - got));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            const int e = errno;
            ::close(fd);
            return failed(e);
        }
        if (n == 0)
            break;
        got += n;
    }
    ::close(fd);
    config.truncate(got);
    if (errnum)
        *errnum = 0;
    return config;
}

QString PciPlacement::serialNumber(const QByteArray &config)
{
    const int dsn = PciExtCaps::find(config, PciExtCaps::kDeviceSerialNumber);
    if (dsn < 0)
        return {};
    const qint64 low = PciExtCaps::read32(config, dsn + 4), high = PciExtCaps::read32(config, dsn + 8);
    if (low < 0 || high < 0)
        return {};
    const quint64 serial = quint64(low) | (quint64(high) << 32);
    QStringList bytes;
    for (int shift = 56; shift >= 0; shift -= 8)
        bytes.append(QStringLiteral("%1").arg(uint((serial >> shift) & 0xff), 2, 16, QLatin1Char('0')));
    return bytes.join(u'-');
}

void PciPlacement::read(const HostRoot &root, QList<PciDevice> &devices, QStringList &warnings)
{
    Q_UNUSED(warnings); // both fields are informational: a gap shows as an empty field
    const QHash<QString, QString> bySlot = slotAddresses(root);
    for (PciDevice &d : devices) {
        d.physicalSlot = bySlot.value(d.address.left(10));
        // Conventional PCI functions and VFs have no DSN of their own worth following; the
        // config read is still cheap (one page), so every function is read the same way.
        const QByteArray config = readConfig(root, d.address);
        d.serialNumber = serialNumber(config);
    }
}

} // namespace passdeck
