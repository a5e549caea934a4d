#include "node/host/SysfsWriter.h"

#include <cerrno>
#include <cstring>

namespace passdeck {

QString errnoName(int errnum)
{
    switch (errnum) {
    case 0: return QStringLiteral("OK");
    case EPERM: return QStringLiteral("EPERM");
    case ENOENT: return QStringLiteral("ENOENT");
    case EIO: return QStringLiteral("EIO");
    case ENXIO: return QStringLiteral("ENXIO");
    case EAGAIN: return QStringLiteral("EAGAIN");
    case ENOMEM: return QStringLiteral("ENOMEM");
    case EACCES: return QStringLiteral("EACCES");
    case EBUSY: return QStringLiteral("EBUSY");
    case EEXIST: return QStringLiteral("EEXIST");
    case ENODEV: return QStringLiteral("ENODEV");
    case ENOTDIR: return QStringLiteral("ENOTDIR");
    case EISDIR: return QStringLiteral("EISDIR");
    case EINVAL: return QStringLiteral("EINVAL");
    case ENOSPC: return QStringLiteral("ENOSPC");
    case EROFS: return QStringLiteral("EROFS");
    case ERANGE: return QStringLiteral("ERANGE");
    case ENOSYS: return QStringLiteral("ENOSYS");
    case ETIMEDOUT: return QStringLiteral("ETIMEDOUT");
    case EOPNOTSUPP: return QStringLiteral("EOPNOTSUPP");
    case EXDEV: return QStringLiteral("EXDEV");
    case ELOOP: return QStringLiteral("ELOOP");
    case EFBIG: return QStringLiteral("EFBIG");
    case EBADFD: return QStringLiteral("EBADFD");
    default: return QStringLiteral("E%1").arg(errnum);
    }
}

QString errnoDescription(int errnum)
{
    return QStringLiteral("%1 (%2)").arg(QString::fromLocal8Bit(std::strerror(errnum)), errnoName(errnum));
}

} // namespace passdeck
