#pragma once

#include "sim/SimHostDescription.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace passdeck {

// The file-level vocabulary of a simulated sysfs tree, shared by the builder (boot) and the
// simulated kernel (writes): device directories with the kernel's attribute formats, relative
// symlinks, driver directories, IOMMU groups and the entries a driver creates (net/, drm/, nvme/).
// Paths passed in are relative to the host root; plain POSIX calls because a scale tree has
// hundreds of thousands of entries.
//
// Every path resolves inside the root (RootedFile): a link under sys/ resolves as if the root
// were "/", and below etc/, dev/, proc/ and .passdeck-sim/ no symbolic link is followed at all.
// Files are never written or read through a symbolic link as their last component, nor when
// they are not regular files (a FIFO fails at once instead of hanging).
class SimHostLayout
{
public:
    explicit SimHostLayout(QString root) : m_root(std::move(root)) {}

    const QString &root() const { return m_root; }

    bool writeFile(const QString &relative, const QByteArray &content) const;
    bool makeDir(const QString &relative) const;      // with parents
    // A symlink at `link` pointing at `target` (both relative to the root), written relative to
    // the link's directory like the kernel's.
    bool symlink(const QString &link, const QString &target) const;
    bool remove(const QString &relative) const;        // file or symlink
    bool removeTree(const QString &relative) const;    // recursive
    bool exists(const QString &relative) const;
    QString readLink(const QString &relative) const;   // raw link text, empty if none
    QString linkName(const QString &relative) const;   // last component of the link target
    // The whole file, empty when it cannot be read (missing, not a regular file, over cap).
    QByteArray readFile(const QString &relative, qint64 cap = 4 * 1024 * 1024) const;
    // 0 or the errno of the failed open/read (RootedFile::notRegularErrno(), EFBIG...).
    int readFileChecked(const QString &relative, qint64 cap, QByteArray *out) const;
    // Names in a directory (no "." and ".."); empty when it cannot be listed.
    QStringList list(const QString &relative) const;
    bool isDir(const QString &relative) const;         // follows a link inside the root
    bool rename(const QString &from, const QString &to) const;

    // A device directory with every attribute file (driver_override "(null)"), the bus/pci/devices
    // link and, when group >= 0, its IOMMU group membership.
    bool writeDevice(const SimDeviceSpec &spec) const;
    bool addToGroup(const SimDeviceSpec &spec) const;
    // The driver directory (bind unbind new_id remove_id, module link).
    bool ensureDriver(const QString &driver) const;
    // Both links between device and driver; `enable` follows.
    bool bindDriver(const QString &sysPath, const QString &address, const QString &driver) const;
    bool unbindDriver(const QString &sysPath, const QString &address, const QString &driver) const;
    // The entries a native driver creates for its device: net/<if> (+ sys/class/net), drm/,
    // nvme/ (+ sys/block), block/; and their removal at unbind.
    bool attachDriverChildren(const SimDeviceSpec &spec, bool restoreOperstate) const;
    bool detachDriverChildren(const QString &sysPath) const;

    static QByteArray configSpace(const SimDeviceSpec &spec);
    static QByteArray hex(int value, int digits);

private:
    int openParent(const QString &relative, QByteArray *leaf) const; // -errno on failure
    unsigned resolveFor(const QString &relative) const;

    QString m_root;
};

} // namespace passdeck
