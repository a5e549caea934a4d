#include "node/host/PersistentConfig.h"

#include "core/PciAddress.h"
#include "node/host/RootedFile.h"
#include "node/host/SysfsWriter.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QElapsedTimer>
#include <QSaveFile>
#include <QThread>

#include <cerrno>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace passdeck {

namespace {
QString tr(const char *s)
{
    return QCoreApplication::translate("PersistentConfig", s);
}

const char kHeader[] =
    "# Written by Passdeck: devices bound at boot to the driver named here instead of their host\n"
    "# driver (udev sets driver_override when the device appears, as driverctl does).\n"
    "# Undo: `passdeck-cli --host-root / unbind ADDRESS --next-boot` (or remove the line) and reboot.\n"
    "# Do not edit by hand: Passdeck refuses a file with lines it did not write.\n";

// Every file here is opened inside the host root (RootedFile): a link under etc/ never makes
// Passdeck create, lock or remove a file outside it, and the files themselves are never links.
QString describeErrno(int err)
{
    return err == EXDEV || err == ELOOP || err == RootedFile::notRegularErrno() || err == EFBIG
        ? RootedFile::describe(err, RootedFile::kProcFileCap)
        : errnoDescription(err);
}

// mkdir -p of relativeDir below the root; 0 or an errno.
int makeDirs(const HostRoot &root, const QString &relativeDir)
{
    const int rootFd = RootedFile::openRoot(root.root());
    if (rootFd < 0)
        return -rootFd;
    const QStringList parts = relativeDir.split(u'/');
    int result = 0;
    for (qsizetype i = 1; i <= parts.size() && result == 0; ++i) {
        const QByteArray prefix = QFile::encodeName(QStringList(parts.mid(0, i)).join(u'/'));
        const int fd = RootedFile::openAt(rootFd, prefix, O_PATH | O_DIRECTORY);
        if (fd >= 0) {
            ::close(fd);
            continue;
        }
        if (fd != -ENOENT) {
            result = -fd;
            break;
        }
        QByteArray leaf;
        const int parent = RootedFile::openParentAt(rootFd, prefix, &leaf);
        if (parent < 0) {
            result = -parent;
            break;
        }
        if (::mkdirat(parent, leaf.constData(), 0755) != 0 && errno != EEXIST)
            result = errno;
        ::close(parent);
    }
    ::close(rootFd);
    return result;
}

// Replaces relative atomically: a temporary file in the same directory (a name udev does not
// read), fsync, renameat. 0 or an errno.
int replaceFile(const HostRoot &root, const QString &relative, const QByteArray &content)
{
    const int rootFd = RootedFile::openRoot(root.root());
    if (rootFd < 0)
        return -rootFd;
    QByteArray leaf;
    const int dir = RootedFile::openParentAt(rootFd, QFile::encodeName(relative), &leaf);
    ::close(rootFd);
    if (dir < 0)
        return -dir;
    const int result = RootedFile::replaceAt(dir, leaf, content);
    ::close(dir);
    return result;
}

// unlink relative (a link named like it is removed itself); 0, also when it does not exist.
int removeFile(const HostRoot &root, const QString &relative)
{
    const int rootFd = RootedFile::openRoot(root.root());
    if (rootFd < 0)
        return -rootFd;
    QByteArray leaf;
    const int dir = RootedFile::openParentAt(rootFd, QFile::encodeName(relative), &leaf);
    ::close(rootFd);
    if (dir == -ENOENT)
        return 0;
    if (dir < 0)
        return -dir;
    const int result = ::unlinkat(dir, leaf.constData(), 0) == 0 || errno == ENOENT ? 0 : errno;
    ::close(dir);
    return result;
}

Status saveFile(const HostRoot &root, const QString &relative, const QByteArray &content)
{
    const QString path = root.path(relative);
    if (const int err = makeDirs(root, relative.left(relative.lastIndexOf(u'/'))); err != 0)
        return Error::make(ErrorCode::PersistFailed, tr("Cannot write %1").arg(path),
                           tr("cannot create its directory: %1").arg(describeErrno(err)),
                           tr("Check permissions (root is needed on a real host)."));
    if (const int err = replaceFile(root, relative, content); err != 0)
        return Error::make(ErrorCode::PersistFailed, tr("Cannot write %1").arg(path), describeErrno(err),
                           tr("Check permissions (root is needed on a real host) and free space."));
    return {};
}
} // namespace

PersistentConfig::PersistentConfig(const HostRoot &root) : m_root(root) {}

Result<int> PersistentConfig::takeLock() const
{
    const QString path = m_root.path(lockRelativePath());
    const QString dir = lockRelativePath().left(lockRelativePath().lastIndexOf(u'/'));
    if (m_root.isEmpty())
        return Error::make(ErrorCode::PersistFailed, tr("Cannot lock the persistent bindings"),
                           tr("cannot create the directory of %1").arg(tr("(empty host root)")),
                           tr("Check permissions (root is needed on a real host)."));
    if (const int err = makeDirs(m_root, dir); err != 0)
        return Error::make(ErrorCode::PersistFailed, tr("Cannot lock the persistent bindings"),
                           tr("cannot create the directory of %1: %2").arg(path, describeErrno(err)),
                           tr("Check permissions (root is needed on a real host)."));
    int fd = RootedFile::open(m_root.root(), lockRelativePath(), O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK, 0600);
    struct stat st;
    if (fd >= 0 && (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))) {
        ::close(fd);
        fd = -RootedFile::notRegularErrno();
    }
    if (fd < 0)
        return Error::make(ErrorCode::PersistFailed, tr("Cannot lock the persistent bindings"),
                           tr("opening %1 failed: %2").arg(path, describeErrno(-fd)),
                           tr("Check permissions (root is needed on a real host)."));
    // flock: released by the kernel when the process dies, so a crash leaves no stale lock.
    // Bounded wait: another Passdeck holds it for one small file rewrite at most.
    QElapsedTimer waited;
    waited.start();
    while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        const int err = errno;
        if ((err != EWOULDBLOCK && err != EINTR) || waited.elapsed() > 10000) {
            ::close(fd);
            return Error::make(ErrorCode::PersistLocked, tr("Cannot lock the persistent bindings"),
                               err == EWOULDBLOCK ? tr("another Passdeck process has held %1 for over 10 s").arg(path)
                                                  : tr("flock on %1 failed: %2").arg(path, errnoDescription(err)),
                               tr("Wait for the other bind or unbind to finish, then try again."));
        }
        QThread::msleep(5);
    }
    return fd;
}

void PersistentConfig::LockGuard::release()
{
    if (fd >= 0)
        ::close(fd); // closing the descriptor drops the flock
    fd = -1;
}

Result<QMap<QString, QString>> PersistentConfig::overrides() const
{
    QMap<QString, QString> out;
    const QString path = m_root.path(rulesRelativePath());
    QByteArray content;
    if (const int err = RootedFile::read(m_root.root(), rulesRelativePath(), RootedFile::kProcFileCap, &content); err == ENOENT)
        return out;
    else if (err != 0)
        return Error::make(ErrorCode::PersistUnreadable, tr("Cannot read %1").arg(path), describeErrno(err),
                           tr("Check permissions; the file must be a plain file Passdeck wrote."));
    static const QRegularExpression rule(QString::fromLatin1(
        R"re(^ACTION=="add", SUBSYSTEM=="pci", KERNEL=="([^"]*)", ATTR\{driver_override\}="([^"]*)"$)re"));
    int lineNo = 0;
    const QList<QByteArray> lines = content.split('\n');
    for (const QByteArray &raw : lines) {
        ++lineNo;
        const QString line = QString::fromUtf8(raw).trimmed();
        if (line.isEmpty() || line.startsWith(u'#'))
            continue;
        const QRegularExpressionMatch m = rule.match(line);
        QString why;
        if (!m.hasMatch())
            why = tr("line %1 is not a rule Passdeck writes: %2").arg(lineNo).arg(line.left(120));
        else if (!PciAddress::isValid(m.captured(1)))
            why = tr("line %1 names an invalid PCI address \"%2\"").arg(lineNo).arg(m.captured(1).left(64));
        else if (!isValidDriverName(m.captured(2)))
            why = tr("line %1 names an invalid driver \"%2\"").arg(lineNo).arg(m.captured(2).left(64));
        else if (out.contains(m.captured(1)))
            why = tr("line %1 repeats device %2").arg(lineNo).arg(m.captured(1));
        if (!why.isEmpty()) {
            Error e = Error::make(ErrorCode::PersistMalformed, tr("Cannot read the persistent bindings in %1").arg(path),
                                  why, tr("Remove or fix that line, then try again."));
            e.step = path;
            return e;
        }
        out.insert(m.captured(1), m.captured(2));
    }
    return out;
}

Status PersistentConfig::setOverride(const QString &address, const QString &driver)
{
    return update({{address, driver}});
}

Status PersistentConfig::clearOverride(const QString &address)
{
    return update({}, {address});
}

Status PersistentConfig::update(const QMap<QString, QString> &set, const QStringList &clear)
{
    for (auto it = set.cbegin(); it != set.cend(); ++it) {
        if (!PciAddress::isValid(it.key()))
            return PciAddress::parse(it.key()).error();
        if (!isValidDriverName(it.value()))
            return Error::make(ErrorCode::BadDriver, tr("Cannot make %1 bind to \"%2\" at boot").arg(it.key(), it.value().left(64)),
                               tr("that is not a valid driver name"), tr("Use a kernel driver name such as vfio-pci."));
    }
    for (const QString &address : clear)
        if (!PciAddress::isValid(address))
            return PciAddress::parse(address).error();
    // Read-modify-write under an exclusive lock: two binds at once (two CLI processes, the GUI
    // and the CLI) must not each write their own copy and drop the other's boot binding.
    Result<int> lock = takeLock();
    if (!lock)
        return lock.error();
    const LockGuard guard{lock.value()};
    Result<QMap<QString, QString>> current = overrides();
    if (!current)
        return current.error();
    QMap<QString, QString> map = *current;
    for (const QString &address : clear)
        map.remove(address);
    map.insert(set);
    if (map == *current)
        return {}; // nothing to change: no rewrite (and no fsync)
    return write(map);
}

Status PersistentConfig::write(const QMap<QString, QString> &map) const
{
    if (map.isEmpty()) {
        // Removing the last binding must really remove it: a rules file left behind keeps
        // binding the device to vfio-pci at every boot. A file already gone is fine.
        for (const QString &relative : {rulesRelativePath(), modulesRelativePath()}) {
            if (const int err = removeFile(m_root, relative); err != 0)
                return Error::make(ErrorCode::PersistFailed, tr("Cannot remove %1").arg(m_root.path(relative)),
                                   describeErrno(err),
                                   relative == rulesRelativePath()
                                       ? tr("The device would still bind to vfio-pci at the next boot. Check "
                                            "permissions (root is needed on a real host) and remove the file by hand.")
                                       : tr("vfio-pci would still load at boot. Check permissions (root is needed "
                                            "on a real host) and remove the file by hand."));
        }
        return {};
    }
    QByteArray content = kHeader;
    for (auto it = map.cbegin(); it != map.cend(); ++it)
        content += "ACTION==\"add\", SUBSYSTEM==\"pci\", KERNEL==\"" + it.key().toLatin1()
                   + "\", ATTR{driver_override}=\"" + it.value().toLatin1() + "\"\n";
    if (Status st = saveFile(m_root, rulesRelativePath(), content); !st)
        return st;
    return saveFile(m_root, modulesRelativePath(), "# Written by Passdeck: load vfio-pci at boot for the devices in\n"
                             "# /etc/udev/rules.d/61-passdeck-vfio.rules. Removed with the last of them.\n"
                             "vfio-pci\n");
}

} // namespace passdeck
