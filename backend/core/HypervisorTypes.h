#pragma once

#include "core/Error.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace passdeck {

// What the central side learns of a node's hypervisor (libvirt) through Node (docs/libvirt.md).
// Plain data that serialises (core/NodeCodec.h): the node reads and writes libvirt, the service
// decides what a VM should have.

// A domain's state as libvirt reports it (virDomainState).
enum class DomainState { NoState, Running, Blocked, Paused, ShuttingDown, ShutOff, Crashed, Suspended };

// "running", "shut-off"... (stable: the CLI's JSON, the wire) and back.
QString domainStateName(DomainState state);
bool domainStateFromName(const QString &name, DomainState *out);
// Running, blocked, paused, shutting down, suspended: the domain holds its devices.
bool domainStateIsActive(DomainState state);

// "hypervisor-unavailable": the node (address) has no hypervisor connection; domain may be "".
Error noHypervisorError(const QString &nodeAddress, const QString &domain);

// One PCI <hostdev> of a domain's persistent definition.
struct DomainHostdev
{
    QString address;       // "0000:01:00.0"
    bool passdeck = false; // written by Passdeck (listed in the domain's Passdeck <metadata>)
    bool managed = false;  // managed='yes' (libvirt rebinds it itself)
};

struct DomainInfo
{
    QString name;
    QString uuid;
    DomainState state = DomainState::ShutOff;
    int vcpus = 0;
    qint64 memoryMiB = 0;
    bool persistent = true;
    QList<DomainHostdev> hostdevs; // of the persistent definition, in document order
};

// New VM: a minimal domain (no disk). Adopting an existing domain defines nothing.
struct DomainDefinition
{
    QString name;
    int vcpus = 1;
    qint64 memoryMiB = 1024;
};

// Restart / Power On / Power Off of one domain as one whole operation on the node: Passdeck's
// hostdevs of the persistent definition become exactly `hostdevs` (hostdevs Passdeck did not
// write are left alone), then the domain is shut down (ACPI, destroyed after
// shutdownTimeoutSec) when it runs, and started when `start`. On failure the node puts the
// previous definition and run state back and says what libvirt answered.
struct DomainChange
{
    QString name;
    QStringList hostdevs;
    bool start = true;
    int shutdownTimeoutSec = 60;
};

} // namespace passdeck
