#include "node/host/SysfsReader.h"

#include "node/host/RootedFile.h"

#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <utility>

namespace passdeck {

SysfsReader::Dir::~Dir()
{
    close();
}

SysfsReader::Dir::Dir(Dir &&other) noexcept : m_dir(std::exchange(other.m_dir, nullptr)) {}

SysfsReader::Dir &SysfsReader::Dir::operator=(Dir &&other) noexcept
{
    if (this != &other) {
        close();
        m_dir = std::exchange(other.m_dir, nullptr);
    }
    return *this;
}

void SysfsReader::Dir::close()
{
    if (m_dir)
        ::closedir(static_cast<DIR *>(m_dir));
    m_dir = nullptr;
}

bool SysfsReader::Dir::open(const char *path)
{
    close();
    m_dir = ::opendir(path);
    return m_dir != nullptr;
}

bool SysfsReader::Dir::openAt(int parentFd, const char *name)
{
    close();
    const int fd = ::openat(parentFd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return false;
    m_dir = ::fdopendir(fd);
    if (!m_dir) {
        const int saved = errno;
        ::close(fd);
        errno = saved;
    }
    return m_dir != nullptr;
}

int SysfsReader::Dir::fd() const
{
    return m_dir ? ::dirfd(static_cast<DIR *>(m_dir)) : -1;
}

std::vector<SysfsReader::Entry> SysfsReader::Dir::entries()
{
    std::vector<Entry> result;
    if (!m_dir)
        return result;
    DIR *dir = static_cast<DIR *>(m_dir);
    while (const dirent *e = ::readdir(dir)) {
        if (e->d_name[0] == '.')
            continue;
        result.push_back(Entry{QByteArray(e->d_name), e->d_type});
    }
    return result;
}

int SysfsReader::readAt(int dirFd, const char *name, char *buffer, int size, int *errnum)
{
    // O_NONBLOCK and regular files only: a FIFO in place of an attribute must cost one warning,
    // never a hang (the kernel's attributes are regular files).
    const int fd = ::openat(dirFd, name, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        *errnum = errno;
        return -1;
    }
    struct stat st;
    const bool statted = ::fstat(fd, &st) == 0;
    if (!statted || !S_ISREG(st.st_mode)) {
        *errnum = statted ? RootedFile::notRegularErrno() : errno;
        ::close(fd);
        return -1;
    }
    ssize_t n = ::read(fd, buffer, size_t(size - 1));
    int readErrno = errno;
    if (n == size - 1) {
        // Full buffer: more than the value can hold is an error, not a silently cut value.
        char extra;
        const ssize_t more = ::read(fd, &extra, 1);
        if (more > 0) {
            n = -1;
            readErrno = EFBIG;
        }
    }
    ::close(fd);
    if (n < 0) {
        *errnum = readErrno;
        return -1;
    }
    int len = int(n);
    while (len > 0 && (buffer[len - 1] == '\n' || buffer[len - 1] == ' ' || buffer[len - 1] == '\0'))
        --len;
    buffer[len] = '\0';
    *errnum = 0;
    return len;
}

QString SysfsReader::readLinkNameAt(int dirFd, const char *name, int *errnum)
{
    char target[4096];
    const ssize_t n = ::readlinkat(dirFd, name, target, sizeof target - 1);
    if (n < 0) {
        *errnum = errno;
        return {};
    }
    target[n] = '\0';
    const char *slash = std::strrchr(target, '/');
    *errnum = 0;
    return QString::fromUtf8(slash ? slash + 1 : target);
}

bool SysfsReader::existsAt(int dirFd, const char *name)
{
    struct stat st;
    return ::fstatat(dirFd, name, &st, 0) == 0;
}

QString SysfsReader::errorText(int errnum)
{
    if (errnum == RootedFile::notRegularErrno() || errnum == EFBIG)
        return RootedFile::describe(errnum);
    return QString::fromLocal8Bit(std::strerror(errnum));
}

} // namespace passdeck
