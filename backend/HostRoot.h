#pragma once

#include "Error.h"

#include <QString>

namespace passdeck {

// The directory that stands for "/" on a host: "/" for the real host, a directory for a
// simulated one (DESIGN.md §3.1). Every backend path is built through it.
class HostRoot
{
public:
    HostRoot() = default;
    explicit HostRoot(const QString &root);

    const QString &root() const { return m_root; }
    bool isSystemRoot() const { return m_root == QLatin1String("/"); }

    // root + "/" + relative, without doubling slashes: HostRoot("/").path("sys") == "/sys".
    QString path(const QString &relative) const;
    QString pciBusPath() const { return path(QStringLiteral("sys/bus/pci")); }
    QString devicePath(const QString &address) const; // sys/bus/pci/devices/<address>

    // The root exists and holds sys/bus/pci/devices; otherwise an Error that says which.
    Status check() const;

private:
    QString m_root = QStringLiteral("/");
};

} // namespace passdeck
