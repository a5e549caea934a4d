#pragma once

#include "core/Error.h"

#include <QString>

namespace passdeck {

// The directory that stands for "/" on a host: "/" for the real host, a directory for a
// simulated one (docs/architecture.md). Every backend path is built through it.
//
// Only an explicit "/" means this machine. An empty root (a default-constructed HostRoot, or a
// failed QTemporaryDir::path() in a test) is invalid: check() refuses it and path() gives ""
// so that nothing built from it can reach the real /sys.
class HostRoot
{
public:
    HostRoot() = default;
    explicit HostRoot(const QString &root);

    const QString &root() const { return m_root; }
    bool isSystemRoot() const { return m_root == QLatin1String("/"); }
    bool isEmpty() const { return m_root.isEmpty(); }

    // root + "/" + relative, without doubling slashes: HostRoot("/").path("sys") == "/sys".
    // "" for an empty root (never "/" + relative).
    QString path(const QString &relative) const;
    QString pciBusPath() const { return path(QStringLiteral("sys/bus/pci")); }
    QString devicePath(const QString &address) const; // sys/bus/pci/devices/<address>

    // The root is not empty, exists and holds sys/bus/pci/devices; otherwise an Error that says which.
    Status check() const;

private:
    QString m_root; // "" = invalid, never "this machine"
};

} // namespace passdeck
