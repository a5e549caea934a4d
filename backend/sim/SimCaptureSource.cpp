#include "sim/SimCaptureSource.h"

#include "node/host/RootedFile.h"

#include <QFile>

#include <cerrno>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace passdeck {

SimCaptureSource::SimCaptureSource(const QString &root) : m_root(root)
{
    m_rootFd = RootedFile::openRoot(root);
    if (m_rootFd < 0) {
        m_openErrno = -m_rootFd;
        m_rootFd = -1;
    }
}

SimCaptureSource::~SimCaptureSource()
{
    if (m_rootFd >= 0)
        ::close(m_rootFd);
}

int SimCaptureSource::read(const QString &relative, qint64 cap, QByteArray *out) const
{
    return RootedFile::readAt(m_rootFd, QFile::encodeName(relative), cap, out);
}

bool SimCaptureSource::text(const QString &relative, QString *out, int *errnum) const
{
    QByteArray bytes;
    const int err = read(relative, 4096, &bytes);
    if (errnum)
        *errnum = err;
    if (err != 0)
        return false;
    while (bytes.endsWith('\n') || bytes.endsWith(' '))
        bytes.chop(1);
    *out = QString::fromUtf8(bytes);
    return true;
}

QStringList SimCaptureSource::list(const QString &relative, int *errnum, int cap) const
{
    QStringList names;
    const int fd = RootedFile::openAt(m_rootFd, QFile::encodeName(relative), O_RDONLY | O_DIRECTORY | O_NONBLOCK);
    if (fd < 0) {
        if (errnum)
            *errnum = -fd;
        return names;
    }
    DIR *dir = ::fdopendir(fd);
    if (!dir) {
        if (errnum)
            *errnum = errno;
        ::close(fd);
        return names;
    }
    while (const dirent *e = ::readdir(dir)) {
        if (e->d_name[0] == '.')
            continue;
        names.append(QFile::decodeName(e->d_name));
        if (names.size() >= cap)
            break;
    }
    ::closedir(dir);
    names.sort();
    if (errnum)
        *errnum = 0;
    return names;
}

QString SimCaptureSource::linkTarget(const QString &relative) const
{
    QByteArray leaf;
    const int parent = RootedFile::openParentAt(m_rootFd, QFile::encodeName(relative), &leaf);
    if (parent < 0)
        return {};
    char buffer[4096];
    const ssize_t n = ::readlinkat(parent, leaf.constData(), buffer, sizeof buffer - 1);
    ::close(parent);
    return n <= 0 ? QString() : QFile::decodeName(QByteArray(buffer, int(n)));
}

QString SimCaptureSource::linkName(const QString &relative) const
{
    const QString target = linkTarget(relative);
    return target.mid(target.lastIndexOf(u'/') + 1);
}

bool SimCaptureSource::exists(const QString &relative) const
{
    const int fd = RootedFile::openAt(m_rootFd, QFile::encodeName(relative), O_PATH);
    if (fd < 0)
        return false;
    ::close(fd);
    return true;
}

} // namespace passdeck
