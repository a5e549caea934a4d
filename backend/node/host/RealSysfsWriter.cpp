#include "node/host/RealSysfsWriter.h"

#include "node/host/RootedFile.h"

#include <QCoreApplication>
#include <QFile>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace passdeck {

namespace {
QString tr(const char *text)
{
    return QCoreApplication::translate("RealSysfsWriter", text);
}

bool isPathChar(QChar c)
{
    return (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || (c >= u'0' && c <= u'9') || c == u'_'
           || c == u'-' || c == u'.' || c == u':' || c == u'+';
}

// The value as it should appear in a message: printable, short, newline shown as \n.
QString shownValue(const QByteArray &value)
{
    if (value.isEmpty() || value == "\n")
        return tr("an empty line");
    QString text = QString::fromUtf8(value.left(64));
    text.replace(u'\n', QStringLiteral("\\n"));
    if (value.size() > 64)
        text += QStringLiteral("… (%1 bytes)").arg(value.size());
    return u'"' + text + u'"';
}

} // namespace

bool RealSysfsWriter::realSysfsForbidden()
{
    const QByteArray v = qgetenv("PASSDECK_FORBID_REAL_SYSFS");
    return !v.isEmpty() && v != "0";
}

RealSysfsWriter::RealSysfsWriter(HostRoot root)
    : m_root(std::move(root))
{
}

bool RealSysfsWriter::isSafeRelativePath(QStringView relativePath)
{
    if (relativePath.isEmpty() || relativePath.startsWith(u'/') || relativePath.size() > 4096)
        return false;
    for (QStringView part : relativePath.split(u'/')) {
        if (part.isEmpty() || part == u"." || part == u"..")
            return false;
        for (QChar c : part)
            if (!isPathChar(c))
                return false;
    }
    return true;
}

int RealSysfsWriter::write(const QString &relativePath, const QByteArray &value)
{
    if (m_root.isEmpty()) {
        qWarning("passdeck: refused to write %s: the host root is empty (only \"/\" means this machine)",
                 qPrintable(relativePath));
        return EINVAL;
    }
    if (!isSafeRelativePath(relativePath))
        return EINVAL;
    if (m_root.isSystemRoot() && realSysfsForbidden()) {
        qWarning("passdeck: refused to write /%s: PASSDECK_FORBID_REAL_SYSFS is set (tests must use a simulated host root)",
                 qPrintable(relativePath));
        return EPERM;
    }
    // No O_CREAT: sysfs attributes exist or the write is meaningless; O_TRUNC is what the
    // shell's "echo > file" does and keeps plain-file roots (tests, dry runs) readable.
    // O_NONBLOCK: a FIFO in place of an attribute fails (ENXIO) instead of hanging the apply.
    const int flags = O_WRONLY | O_CLOEXEC | O_TRUNC | O_NONBLOCK;
    // This machine ("/"): sysfs' own links (devices/X -> ../../../devices/...) are followed as
    // usual. Any other root: a link never leads out of it (e.g. an absolute link to the real /sys).
    const int fd = RootedFile::open(m_root.root(), relativePath, flags);
    if (fd < 0) {
        if (fd == -EXDEV)
            qWarning("passdeck: refused to write %s under %s: a symbolic link leads out of the host root",
                     qPrintable(relativePath), qPrintable(m_root.root()));
        return -fd;
    }
    // On sysfs every attribute is a regular file; anything else (a FIFO, a device node) is not
    // the kernel's and is never written.
    struct stat st;
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        return RootedFile::notRegularErrno();
    }
    int result = 0;
    // One write() for the whole value: sysfs takes a store() per write call, so splitting a
    // value would hand the kernel two different values.
    const ssize_t written = ::write(fd, value.constData(), size_t(value.size()));
    if (written < 0)
        result = errno;
    else if (written != value.size())
        result = EIO;
    if (::close(fd) != 0 && result == 0)
        result = errno;
    return result;
}

QString RealSysfsWriter::errnoMeaning(const QString &relativePath, int errnum)
{
    const QString file = relativePath.section(u'/', -1);
    const bool driverFile = relativePath.contains(QLatin1String("/drivers/"));
    if (errnum == EPERM && realSysfsForbidden())
        return tr("writing to this machine's /sys is forbidden here (PASSDECK_FORBID_REAL_SYSFS is set, as in tests); "
                  "use a simulated host root");
    if (errnum == EACCES || errnum == EPERM)
        return tr("permission denied: changing drivers needs root (run Passdeck's privileged helper or sudo)");
    if (errnum == EXDEV)
        return tr("a symbolic link on the way leads out of the host root; refused so that a host root never writes "
                  "into another tree (such as this machine's /sys)");
    if (errnum == RootedFile::notRegularErrno() || errnum == ELOOP || errnum == EFBIG)
        return RootedFile::describe(errnum);
    if (errnum == ENXIO)
        return tr("it is a FIFO or device node without a reader, not a kernel attribute; refused");
    if (errnum == EROFS)
        return tr("the file system is read-only (is sysfs mounted read-only, e.g. inside a container?)");
    if (file == QLatin1String("driver_override")) {
        if (errnum == EINVAL)
            return tr("the kernel refused the value (too long: driver_override takes less than 4 KiB)");
        if (errnum == ENOENT)
            return tr("the device or its driver_override attribute does not exist (device removed, or kernel older than 3.16)");
    } else if (file == QLatin1String("bind") && driverFile) {
        if (errnum == EBUSY)
            return tr("the device is still bound to another driver");
        if (errnum == ENODEV)
            return tr("the driver does not accept this device (driver_override names another driver, or no id of the driver matches)");
        if (errnum == ENOENT)
            return tr("the driver is not loaded (its directory under sys/bus/pci/drivers does not exist)");
    } else if (file == QLatin1String("unbind")) {
        if (errnum == ENODEV)
            return tr("the device is not bound to this driver");
        if (errnum == ENOENT)
            return tr("the device is not bound to any driver");
    } else if (file == QLatin1String("drivers_probe")) {
        if (errnum == ENODEV)
            return tr("no PCI device has this address");
    } else if (file == QLatin1String("sriov_numvfs")) {
        if (errnum == EBUSY)
            return tr("VFs are already enabled; the count must go through 0 to change");
        if (errnum == ERANGE)
            return tr("more VFs than the device supports (sriov_totalvfs)");
        if (errnum == ENOENT)
            return tr("the device is not SR-IOV capable");
        if (errnum == ENOMEM || errnum == EIO)
            return tr("the PF's driver could not enable the VFs (check dmesg: firmware, BIOS SR-IOV setting, bus numbers)");
    } else if (file == QLatin1String("new_id")) {
        if (errnum == EEXIST)
            return tr("the id is already in the driver's table");
    } else if (file == QLatin1String("remove_id")) {
        if (errnum == ENODEV)
            return tr("the id is not in the driver's dynamic table");
    }
    if (errnum == ENOENT)
        return tr("the file does not exist");
    if (errnum == EBUSY)
        return tr("the device is busy");
    if (errnum == ENODEV)
        return tr("no such device");
    return errnoDescription(errnum);
}

Error RealSysfsWriter::writeError(const QString &relativePath, const QByteArray &value, int errnum,
                                  const QString &device, const QString &what)
{
    Error e;
    e.code = ErrorCode::Errno;
    e.what = what.isEmpty() ? tr("Writing to %1 failed").arg(relativePath) : what;
    const QString meaning = errnoMeaning(relativePath, errnum);
    // The generic meaning already ends in "(EIO)"; say the name once.
    e.why = meaning == errnoDescription(errnum)
        ? tr("writing %1 to %2 failed: %3").arg(shownValue(value), relativePath, meaning)
        : tr("writing %1 to %2 failed with %3: %4").arg(shownValue(value), relativePath, errnoName(errnum), meaning);
    if (errnum == EACCES || errnum == EPERM)
        e.hint = tr("Run the command as root.");
    else
        e.hint = tr("The kernel log of the node (dmesg) usually says why.");
    e.device = device;
    e.step = relativePath;
    e.errnum = errnum;
    return e;
}

} // namespace passdeck
