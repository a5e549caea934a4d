#pragma once

#include "core/Error.h"
#include "node/host/HostRoot.h"
#include "node/host/SysfsWriter.h"

#include <QByteArray>
#include <QString>

namespace passdeck {

// Plain file I/O on a host root ("/" for this machine): each value is one
// open(O_WRONLY|O_CLOEXEC), one write(), one close(), and the errno of that write is the result.
// It refuses (EINVAL, before any open) a relative path that could leave the host root: absolute,
// with "." or ".." components, empty components or characters a sysfs path never has.
// Safety: an empty root refuses every write (EINVAL); for a root other than "/" symbolic links
// never lead out of it (RootedFile: openat2 RESOLVE_IN_ROOT, else EXDEV); anything but a regular
// file (a FIFO, a device node) is refused without blocking (RootedFile::notRegularErrno(), or
// ENXIO from the non-blocking open); with PASSDECK_FORBID_REAL_SYSFS set (every ctest test)
// writes to the root "/" fail with EPERM.
class RealSysfsWriter : public SysfsWriter
{
public:
    explicit RealSysfsWriter(HostRoot root);

    int write(const QString &relativePath, const QByteArray &value) override;

    const HostRoot &hostRoot() const { return m_root; }

    // True when relativePath stays inside the host root: relative, components of
    // [A-Za-z0-9_.:+-], none empty, "." or "..".
    static bool isSafeRelativePath(QStringView relativePath);

    // PASSDECK_FORBID_REAL_SYSFS is set (and not "0"): writes to the root "/" are refused.
    static bool realSysfsForbidden();

    // What an errno means for a write to this particular sysfs file, e.g. EBUSY on
    // drivers/vfio-pci/bind: "the device is still bound to another driver".
    static QString errnoMeaning(const QString &relativePath, int errnum);

    // The Error for a failed write: names the file, the value and what the errno means there.
    // code "errno", step = relativePath, errnum = errnum, device = device.
    static Error writeError(const QString &relativePath, const QByteArray &value, int errnum,
                            const QString &device = {}, const QString &what = {});

private:
    HostRoot m_root;
};

} // namespace passdeck
