#pragma once

#include <QByteArray>
#include <QString>

#include <sys/types.h>

namespace passdeck {

// Every file Passdeck opens under a host root goes through here, so that a hostile or damaged
// root cannot make it write outside the root, hang, or read without bound (docs/binding.md,
// "Fail closed"):
// - paths resolve inside the root: symbolic links (absolute ones too) and ".." resolve as if the
//   root were "/" (openat2 RESOLVE_IN_ROOT; without openat2 the resolved parent must stay under
//   the resolved root, else EXDEV). The root "/" is this machine: plain resolution.
// - NoSymlinks refuses any symbolic link on the way (ELOOP) where a root never has one
//   (etc/, dev/, proc/ of a simulated root, the simulator's own state).
// - reads open with O_NONBLOCK, refuse anything but a regular file (kNotRegular: a FIFO, socket
//   or device in place of an attribute) and stop at a cap (EFBIG: never a silent truncation).
namespace RootedFile {

enum Resolve : unsigned {
    InRoot = 0,
    NoSymlinks = 1, // no symbolic link anywhere below the root
};

// Per-read caps: a sysfs attribute is at most a page; /proc/mounts of a busy host is large but
// never megabytes; the simulator's description of a scale node is the largest file.
constexpr qint64 kAttributeCap = 64 * 1024;
constexpr qint64 kProcFileCap = 4 * 1024 * 1024;
constexpr qint64 kDescriptionCap = 256 * 1024 * 1024;

// What reads return for a file that is not a regular file.
int notRegularErrno();

// Opens `relative` (no leading "/", no "." or ".." components) below the directory rootFd.
// Returns the descriptor or -errno. O_CLOEXEC is always added.
int openAt(int rootFd, const QByteArray &relative, int flags, mode_t mode = 0, unsigned resolve = InRoot);
// The same from a root path ("/" means this machine: plain open()).
int open(const QString &root, const QString &relative, int flags, mode_t mode = 0, unsigned resolve = InRoot);
// The directory holding `relative`'s last component, opened O_PATH inside the root; *leaf is
// that component. -errno on failure (EINVAL for a path with "." or ".." or empty components).
int openParentAt(int rootFd, const QByteArray &relative, QByteArray *leaf, unsigned resolve = InRoot);
// Replaces dir/leaf with content atomically: a temporary file next to it, written, fsynced, then
// renamed over it (renameat replaces a link named like the file, never what it points to).
// 0 or the errno of the step that failed; the temporary file is removed on failure.
int replaceAt(int dir, const QByteArray &leaf, const QByteArray &content);

// The root itself, O_PATH|O_DIRECTORY (follows a symlink naming the root: the caller chose it).
int openRoot(const QString &root);

// Reads all of fd: 0, or kNotRegular for a non-regular file, EFBIG past cap, or a read errno.
int readFd(int fd, qint64 cap, QByteArray *out);
// open(O_RDONLY|O_NONBLOCK) + readFd. 0 or an errno.
int read(const QString &root, const QString &relative, qint64 cap, QByteArray *out, unsigned resolve = InRoot);
int readAt(int rootFd, const QByteArray &relative, qint64 cap, QByteArray *out, unsigned resolve = InRoot);
// An absolute path outside any host root (a description file given on the command line).
int readPath(const QString &path, qint64 cap, QByteArray *out);

// What an errno of this module means, in a sentence ("a symbolic link leads out of the host root").
QString describe(int errnum, qint64 cap = kAttributeCap);

// Whether `relative` is usable here: not empty, no leading "/", no ".", ".." or empty components.
bool isCleanRelative(QStringView relative);

} // namespace RootedFile

} // namespace passdeck
