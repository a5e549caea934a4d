#include "node/host/HostRoot.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>

namespace passdeck {

HostRoot::HostRoot(const QString &root)
{
    // No default for "": a root that should have been a directory must not become "/".
    m_root = root.isEmpty() ? QString() : QDir::cleanPath(root);
}

QString HostRoot::path(const QString &relative) const
{
    if (m_root.isEmpty())
        return {};
    if (m_root == QLatin1String("/"))
        return u'/' + relative;
    return m_root + u'/' + relative;
}

QString HostRoot::devicePath(const QString &address) const
{
    return path(QStringLiteral("sys/bus/pci/devices/") + address);
}

Status HostRoot::check() const
{
    const auto tr = [](const char *s) { return QCoreApplication::translate("HostRoot", s); };
    if (m_root.isEmpty())
        return Error::make(ErrorCode::HostRootEmpty, tr("No host root given"),
                           tr("the host root is an empty path; an empty path never means this machine"),
                           tr("Pass \"/\" explicitly for this machine, or the directory of a simulated node "
                              "(a test whose temporary directory failed gets an empty path)."));
    const QFileInfo rootInfo(m_root);
    if (!rootInfo.exists())
        return Error::make(ErrorCode::HostRootMissing, tr("Cannot read the host root %1").arg(m_root),
                           tr("the directory does not exist"),
                           tr("Pass an existing directory with --host-root (\"/\" for this machine)."));
    if (!rootInfo.isDir())
        return Error::make(ErrorCode::HostRootMissing, tr("Cannot read the host root %1").arg(m_root),
                           tr("it is not a directory"),
                           tr("Pass a directory with --host-root (\"/\" for this machine)."));
    if (!QFileInfo(path(QStringLiteral("sys/bus/pci/devices"))).isDir())
        return Error::make(ErrorCode::NoPciBus, tr("Cannot read PCI devices under %1").arg(m_root),
                           tr("%1 does not exist").arg(path(QStringLiteral("sys/bus/pci/devices"))),
                           tr("Is sysfs mounted, and is this the host root of a Linux host or a simulated node?"));
    return {};
}

} // namespace passdeck
