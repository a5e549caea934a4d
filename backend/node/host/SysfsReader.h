#pragma once

#include <QByteArray>
#include <QString>

#include <vector>

namespace passdeck {

// Thin, fast POSIX reads for sysfs attributes: open/read/close, readlinkat, getdents through
// opendir. The inventory reads a dozen attributes for each of thousands of devices, so nothing
// here allocates more than the result. Paths are relative to a directory file descriptor.
class SysfsReader
{
public:
    struct Entry
    {
        QByteArray name;
        unsigned char type; // DT_REG, DT_DIR, DT_LNK, DT_UNKNOWN...
    };

    // A directory opened for listing and for *At() reads below it; closed on destruction.
    class Dir
    {
    public:
        Dir() = default;
        ~Dir();
        Dir(const Dir &) = delete;
        Dir &operator=(const Dir &) = delete;
        Dir(Dir &&other) noexcept;
        Dir &operator=(Dir &&other) noexcept;

        // False with errno set when the directory cannot be opened.
        bool open(const char *path);
        bool openAt(int parentFd, const char *name);
        bool isOpen() const { return m_dir != nullptr; }
        int fd() const;
        // All entries except "." and ".." (and other dot names), in directory order. Reads the
        // directory once: call it once per open().
        std::vector<Entry> entries();

    private:
        void close();
        void *m_dir = nullptr; // DIR *
    };

    // Reads a small attribute below dirFd into buffer (NUL-terminated, trailing newlines and
    // blanks removed). Returns the length, or -1 with *errnum set (ENOENT, EISDIR, EACCES, ...).
    static int readAt(int dirFd, const char *name, char *buffer, int size, int *errnum);
    // The last component of a symlink's target ("vfio-pci" for driver -> ../../bus/pci/drivers/vfio-pci),
    // or empty with *errnum set.
    static QString readLinkNameAt(int dirFd, const char *name, int *errnum);
    // Whether the link (or file) below dirFd resolves to something that exists.
    static bool existsAt(int dirFd, const char *name);

    static QString errorText(int errnum);
};

} // namespace passdeck
