#include "node/hypervisor/TestDriverFile.h"

#include "node/host/RootedFile.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QFile>
#include <QThread>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>

namespace passdeck {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("Hypervisor", text);
}

const QString kDir = QStringLiteral("etc/passdeck");

QString lockRelative()
{
    return TestDriverFile::relativePath() + QStringLiteral(".lock");
}

Error fileError(const QString &nodeAddress, const QString &relative, int err)
{
    Error e = Error::make(ErrorCode::HypervisorUnavailable,
                          tr("Opening the simulated hypervisor of node %1").arg(nodeAddress),
                          tr("%1: %2").arg(relative, RootedFile::describe(err, RootedFile::kDescriptionCap)),
                          tr("Rebuild the simulated node (passdeck-cli sim build) or repair <root>/%1.").arg(relative));
    e.errnum = err;
    e.step = relative;
    return e;
}

// mkdir -p etc/passdeck below the root, refusing symbolic links; 0 or an errno.
int makeDir(const QString &root)
{
    const int rootFd = RootedFile::openRoot(root);
    if (rootFd < 0)
        return -rootFd;
    int result = 0;
    QByteArray prefix;
    for (const QString &part : kDir.split(u'/')) {
        prefix += (prefix.isEmpty() ? QByteArray() : QByteArray("/")) + QFile::encodeName(part);
        const int fd = RootedFile::openAt(rootFd, prefix, O_PATH | O_DIRECTORY, 0, RootedFile::NoSymlinks);
        if (fd >= 0) {
            ::close(fd);
            continue;
        }
        if (fd != -ENOENT) {
            result = -fd;
            break;
        }
        QByteArray leaf;
        const int parent = RootedFile::openParentAt(rootFd, prefix, &leaf, RootedFile::NoSymlinks);
        if (parent < 0) {
            result = -parent;
            break;
        }
        if (::mkdirat(parent, leaf.constData(), 0755) != 0 && errno != EEXIST)
            result = errno;
        ::close(parent);
        if (result)
            break;
    }
    ::close(rootFd);
    return result;
}

// temp + fsync + renameat in etc/passdeck; 0 or an errno.
int replaceAt(const QString &root, const QByteArray &content)
{
    if (const int err = makeDir(root))
        return err;
    const int rootFd = RootedFile::openRoot(root);
    if (rootFd < 0)
        return -rootFd;
    QByteArray leaf;
    const int dir = RootedFile::openParentAt(rootFd, QFile::encodeName(TestDriverFile::relativePath()), &leaf,
                                             RootedFile::NoSymlinks);
    ::close(rootFd);
    if (dir < 0)
        return -dir;
    const int result = RootedFile::replaceAt(dir, leaf, content);
    ::close(dir);
    return result;
}

} // namespace

QString TestDriverFile::relativePath()
{
    return QStringLiteral("etc/passdeck/libvirt.xml");
}

QByteArray TestDriverFile::emptyNode()
{
    return QByteArrayLiteral("<node>\n</node>\n");
}

Status TestDriverFile::create(const QString &root, const QByteArray &content)
{
    if (const int err = replaceAt(root, content))
        return fileError(root, relativePath(), err);
    return {};
}

Result<TestDriverFile> TestDriverFile::lock(const QString &root, const QString &nodeAddress, int timeoutMs)
{
    TestDriverFile file;
    file.m_root = root;
    file.m_nodeAddress = nodeAddress;
    if (const int err = makeDir(root))
        return fileError(nodeAddress, kDir, err);
    file.m_lockFd = RootedFile::open(root, lockRelative(), O_RDWR | O_CREAT, 0644, RootedFile::NoSymlinks);
    if (file.m_lockFd < 0)
        return fileError(nodeAddress, lockRelative(), -file.m_lockFd);
    // Bounded: another process holds the lock only for one operation (a shutdown at most).
    const QDeadlineTimer deadline(timeoutMs);
    while (::flock(file.m_lockFd, LOCK_EX | LOCK_NB) != 0) {
        if (errno != EWOULDBLOCK && errno != EINTR)
            return fileError(nodeAddress, lockRelative(), errno);
        if (deadline.hasExpired()) {
            Error e = fileError(nodeAddress, lockRelative(), EWOULDBLOCK);
            e.why = tr("another process has held %1 for longer than %2 s").arg(lockRelative()).arg(timeoutMs / 1000);
            return e;
        }
        QThread::msleep(20);
    }
    file.m_fileFd = RootedFile::open(root, relativePath(), O_RDONLY, 0, RootedFile::NoSymlinks);
    if (file.m_fileFd == -ENOENT) {
        if (const int err = replaceAt(root, emptyNode()))
            return fileError(nodeAddress, relativePath(), err);
        file.m_fileFd = RootedFile::open(root, relativePath(), O_RDONLY, 0, RootedFile::NoSymlinks);
    }
    if (file.m_fileFd < 0)
        return fileError(nodeAddress, relativePath(), -file.m_fileFd);
    struct stat st {};
    if (::fstat(file.m_fileFd, &st) != 0 || !S_ISREG(st.st_mode))
        return fileError(nodeAddress, relativePath(), RootedFile::notRegularErrno());
    return file;
}

TestDriverFile::TestDriverFile(TestDriverFile &&other) noexcept
{
    *this = std::move(other);
}

TestDriverFile &TestDriverFile::operator=(TestDriverFile &&other) noexcept
{
    if (this != &other) {
        reset();
        m_root = std::move(other.m_root);
        m_nodeAddress = std::move(other.m_nodeAddress);
        m_lockFd = std::exchange(other.m_lockFd, -1);
        m_fileFd = std::exchange(other.m_fileFd, -1);
    }
    return *this;
}

TestDriverFile::~TestDriverFile()
{
    reset();
}

void TestDriverFile::reset()
{
    if (m_fileFd >= 0)
        ::close(std::exchange(m_fileFd, -1));
    if (m_lockFd >= 0)
        ::close(std::exchange(m_lockFd, -1)); // closing the descriptor releases the flock
}

QString TestDriverFile::uri() const
{
    return QStringLiteral("test:///proc/self/fd/%1").arg(m_fileFd);
}

Status TestDriverFile::replace(const QByteArray &content)
{
    if (const int err = replaceAt(m_root, content))
        return fileError(m_nodeAddress, relativePath(), err);
    const int fd = RootedFile::open(m_root, relativePath(), O_RDONLY, 0, RootedFile::NoSymlinks);
    if (fd < 0)
        return fileError(m_nodeAddress, relativePath(), -fd);
    if (m_fileFd >= 0)
        ::close(m_fileFd);
    m_fileFd = fd;
    return {};
}

} // namespace passdeck
