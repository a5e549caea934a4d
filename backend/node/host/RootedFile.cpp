#include "node/host/RootedFile.h"

#include <QCoreApplication>
#include <QFile>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace passdeck::RootedFile {

namespace {
QString tr(const char *text)
{
    return QCoreApplication::translate("RootedFile", text);
}

bool cleanRelative(const QByteArray &relative)
{
    if (relative.isEmpty() || relative.startsWith('/') || relative.size() > 4096)
        return false;
    for (const QByteArray &part : relative.split('/'))
        if (part.isEmpty() || part == "." || part == "..")
            return false;
    return true;
}

// Without openat2 (kernels before 5.6, or a seccomp filter that returns EPERM or ENOSYS for it):
// walk the directories one component at a time without following links (NoSymlinks), or check
// that the resolved parent stays under the resolved root; the last component is never followed
// when it is created, and otherwise must resolve under the root too.
int openAtFallback(int rootFd, const QByteArray &relative, int flags, mode_t mode, unsigned resolve)
{
    const qsizetype slash = relative.lastIndexOf('/');
    const QByteArray dir = slash < 0 ? QByteArray() : relative.left(slash);
    const QByteArray leaf = slash < 0 ? relative : relative.mid(slash + 1);
    int parent = ::fcntl(rootFd, F_DUPFD_CLOEXEC, 0);
    if (parent < 0)
        return -errno;
    if (!dir.isEmpty()) {
        if (resolve & NoSymlinks) {
            for (const QByteArray &part : dir.split('/')) {
                const int next = ::openat(parent, part.constData(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                const int err = errno;
                ::close(parent);
                if (next < 0)
                    return -err;
                parent = next;
            }
        } else {
            char rootPath[PATH_MAX], dirPath[PATH_MAX];
            const QByteArray self = "/proc/self/fd/" + QByteArray::number(rootFd);
            if (!::realpath(self.constData(), rootPath)) {
                ::close(parent);
                return -errno;
            }
            const QByteArray full = QByteArray(rootPath) + '/' + dir;
            if (!::realpath(full.constData(), dirPath)) {
                ::close(parent);
                return -errno;
            }
            QByteArray under(rootPath);
            if (!under.endsWith('/'))
                under += '/';
            const QByteArray resolved(dirPath);
            ::close(parent);
            if (resolved != rootPath && !resolved.startsWith(under))
                return -EXDEV;
            parent = ::open(dirPath, O_PATH | O_DIRECTORY | O_CLOEXEC);
            if (parent < 0)
                return -errno;
        }
    }
    const int fd = ::openat(parent, leaf.constData(), flags | O_NOFOLLOW | O_CLOEXEC, mode);
    const int err = errno;
    ::close(parent);
    return fd >= 0 ? fd : -err;
}
} // namespace

int notRegularErrno()
{
    return EBADFD;
}

bool isCleanRelative(QStringView relative)
{
    return cleanRelative(QFile::encodeName(relative.toString()));
}

int openAt(int rootFd, const QByteArray &relative, int flags, mode_t mode, unsigned resolve)
{
    if (rootFd < 0)
        return -EBADF;
    if (!cleanRelative(relative))
        return -EINVAL;
#ifdef SYS_openat2
    struct open_how how = {};
    how.flags = quint64(flags | O_CLOEXEC);
    how.mode = (flags & (O_CREAT | O_TMPFILE)) ? quint64(mode) : 0;
    how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS | ((resolve & NoSymlinks) ? RESOLVE_NO_SYMLINKS : 0);
    const long fd = ::syscall(SYS_openat2, rootFd, relative.constData(), &how, sizeof how);
    if (fd >= 0)
        return int(fd);
    // ENOSYS, or EPERM from a seccomp filter without openat2 (a real EPERM comes back from the
    // fallback's own open).
    if (errno != ENOSYS && errno != EPERM)
        return -errno;
#endif
    return openAtFallback(rootFd, relative, flags, mode, resolve);
}

int openRoot(const QString &root)
{
    if (root.isEmpty())
        return -EINVAL;
    const int fd = ::open(QFile::encodeName(root).constData(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    return fd >= 0 ? fd : -errno;
}

int open(const QString &root, const QString &relative, int flags, mode_t mode, unsigned resolve)
{
    if (root.isEmpty())
        return -EINVAL;
    const QByteArray rel = QFile::encodeName(relative);
    if (!cleanRelative(rel))
        return -EINVAL;
    if (root == QLatin1String("/") && !(resolve & NoSymlinks)) {
        // This machine: sysfs' own links (devices/X -> ../../../devices/...) and /proc/mounts ->
        // self/mounts are followed as usual.
        const QByteArray path = "/" + rel;
        const int fd = ::open(path.constData(), flags | O_CLOEXEC, mode);
        return fd >= 0 ? fd : -errno;
    }
    const int rootFd = openRoot(root);
    if (rootFd < 0)
        return rootFd;
    const int fd = openAt(rootFd, rel, flags, mode, resolve);
    ::close(rootFd);
    return fd;
}

int openParentAt(int rootFd, const QByteArray &relative, QByteArray *leaf, unsigned resolve)
{
    if (!cleanRelative(relative))
        return -EINVAL;
    const qsizetype slash = relative.lastIndexOf('/');
    *leaf = slash < 0 ? relative : relative.mid(slash + 1);
    if (slash < 0) {
        const int fd = ::fcntl(rootFd, F_DUPFD_CLOEXEC, 0);
        return fd >= 0 ? fd : -errno;
    }
    return openAt(rootFd, relative.left(slash), O_PATH | O_DIRECTORY, 0, resolve);
}

int readFd(int fd, qint64 cap, QByteArray *out)
{
    out->clear();
    struct stat st;
    if (::fstat(fd, &st) != 0)
        return errno;
    if (!S_ISREG(st.st_mode))
        return notRegularErrno();
    // st_size means nothing on sysfs (4096) or procfs (0): read until EOF, at most cap + 1 bytes.
    char buffer[16384];
    for (;;) {
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return errno;
        }
        if (n == 0)
            return 0;
        if (out->size() + n > cap) {
            out->clear();
            return EFBIG;
        }
        out->append(buffer, n);
    }
}

int readAt(int rootFd, const QByteArray &relative, qint64 cap, QByteArray *out, unsigned resolve)
{
    out->clear();
    const int fd = openAt(rootFd, relative, O_RDONLY | O_NONBLOCK, 0, resolve);
    if (fd < 0)
        return -fd;
    const int err = readFd(fd, cap, out);
    ::close(fd);
    return err;
}

int read(const QString &root, const QString &relative, qint64 cap, QByteArray *out, unsigned resolve)
{
    out->clear();
    const int fd = open(root, relative, O_RDONLY | O_NONBLOCK, 0, resolve);
    if (fd < 0)
        return -fd;
    const int err = readFd(fd, cap, out);
    ::close(fd);
    return err;
}

int readPath(const QString &path, qint64 cap, QByteArray *out)
{
    out->clear();
    const int fd = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return errno;
    const int err = readFd(fd, cap, out);
    ::close(fd);
    return err;
}

QString describe(int errnum, qint64 cap)
{
    if (errnum == notRegularErrno())
        return tr("it is not a regular file (a FIFO, socket or device node where the kernel has a plain file); "
                  "refused so that Passdeck never hangs on it");
    if (errnum == EFBIG)
        return tr("it is larger than %1 KiB, more than the kernel ever puts there; refused rather than read in part")
            .arg(cap / 1024);
    if (errnum == EXDEV)
        return tr("a symbolic link on the way leads out of the host root; refused so that a host root never reaches "
                  "into another tree (such as this machine's /sys)");
    if (errnum == ELOOP)
        return tr("a symbolic link where the host root never has one; refused so that nothing is written or read "
                  "through it");
    if (errnum == ENXIO)
        return tr("it is a FIFO or device without a reader; refused");
    return QString::fromLocal8Bit(::strerror(errnum));
}

int replaceAt(int dir, const QByteArray &leaf, const QByteArray &content)
{
    const QByteArray tmp = '.' + leaf + ".tmp-" + QByteArray::number(::getpid());
    ::unlinkat(dir, tmp.constData(), 0);
    int result = 0;
    const int fd = ::openat(dir, tmp.constData(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0)
        return errno;
    if (::write(fd, content.constData(), size_t(content.size())) != content.size())
        result = errno ? errno : EIO;
    else if (::fsync(fd) != 0)
        result = errno;
    if (::close(fd) != 0 && result == 0)
        result = errno;
    if (result == 0 && ::renameat(dir, tmp.constData(), dir, leaf.constData()) != 0)
        result = errno;
    if (result != 0)
        ::unlinkat(dir, tmp.constData(), 0);
    return result;
}

} // namespace passdeck::RootedFile
