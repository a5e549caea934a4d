#pragma once

#include "SimHostDescription.h"

#include <QByteArray>
#include <QString>

namespace passdeck {

// The file-level vocabulary of a simulated sysfs tree, shared by the builder (boot) and the
// simulated kernel (writes): device directories with the kernel's attribute formats, relative
// symlinks, driver directories, IOMMU groups and the entries a driver creates (net/, drm/, nvme/).
// Paths passed in are relative to the host root; plain POSIX calls because a scale tree has
// hundreds of thousands of entries.
class SimHostLayout
{
public:
    explicit SimHostLayout(QString root) : m_root(std::move(root)) {}

    const QString &root() const { return m_root; }
    QByteArray abs(const QString &relative) const { return (m_root + u'/' + relative).toLocal8Bit(); }

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
    QByteArray readFile(const QString &relative) const;

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
    QString m_root;
};

} // namespace passdeck
