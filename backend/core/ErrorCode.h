#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

#include <optional>

namespace passdeck {

// Every machine-readable error code the backend produces. Code compares these values; the stable
// string names (errorCodeName) appear only at the edges: the CLI's JSON output, the audit log and
// the wire. A name, once published, never changes: scripts match on it.
enum class ErrorCode {
    Internal, // an Error whose code was never set: a programming error

    // Refusals: the rules said no, or the input was not valid. Nothing was changed.
    BadAddress,
    BadCount,
    BadDescription,
    BadDriver,
    BadFault,
    BadInterface,
    BadName,
    BadUsage,
    BadVfCount,
    Blocked,
    Bridge,
    Constraint,
    DeviceBusy,
    DeviceUnavailable,
    Duplicate,
    ForeignGroup,
    HostRootEmpty,
    HostRootMissing,
    InUse,
    NoDevices,
    NoInterface,
    NoTenantNode,
    NodeMaintenance,
    NotEnoughDevices,
    NotFound,
    NotSimulated,
    NotSriov,
    RebootRefused,
    Running,
    SameHost,
    SameNode,
    SchemaTooNew,
    SimExists,
    SimNotSimulated,
    SimRefused,
    SimulatedRoot,
    StoreEmpty,
    TenantDevices,
    TenantGroup,
    TenantNodeRequired,
    UnknownDevice,
    WrongNode,
    WrongTenantNode,
    BadMessage,
    StalePlan,
    StoreUri,

    // Failures: something broke while doing what was asked (the system, a file, the store).
    Busy,
    DemoDir,
    DescriptionUnreadable,
    DeviceGone,
    Errno,
    LibpciInit,
    NoPciBus,
    PciDeviceUnreadable,
    PciIds,
    PersistFailed,
    PersistLocked,
    PersistMalformed,
    PersistUnreadable,
    ReadFailed,
    SimBuildFailed,
    SimFaultFile,
    SimRebootFailed,
    SimWriteFailed,
    Sql,
    SriovInconsistent,
    StoreDir,
    StoreOpen,
    VerifyFailed,
    WriteFailed,
    NoNode,
    NoNodeFactory,
    StoreConflict,
    NodeUnreachable, // a node (its agent) did not answer: a connection refused, reset or timed out
    AgentUnauthorized, // the agent refused the token (401)
    CertificateMismatch, // the agent's certificate is not the pinned one
    UnknownJob, // the agent has no job with that id
    AgentProtocol, // the agent answered something that is not the API (wrong version, bad JSON)
    AgentAddress, // an agent address that is not HOST:PORT, or a fingerprint or token in the wrong form
    AgentIdentity, // the agent cannot create or read its key, certificate or token
    JobLost, // a journaled job whose outcome cannot be learned
    StoreLost, // the connection to the store broke mid-operation
    JobInterrupted, // the agent stopped during a job; at its next start it put the job's devices back
    HypervisorUnavailable, // the node's libvirt connection cannot be opened (or the node has none)
    DomainNotFound, // the VM's libvirt domain does not exist (any more)
    DomainExists, // a domain of that name is already defined (adopt it)
    DomainFailed, // libvirt refused or failed an operation on a domain (define, start, shutdown)
    LiveAttachRefused, // the hypervisor does not attach that device to the running domain
    CaptureFailed, // a twin could not be captured from a host root
    LeaseHeld, // another live process owns that journaled operation (its lease is current)
};

// Refused: the operation was not attempted because a rule or the input said no; the user changes
// the request. Failed: it was attempted and something broke; the user looks at the system.
// The audit log records the two apart (docs/store.md).
enum class ErrorCategory { Refused, Failed };

// The stable name, e.g. "persist-failed".
QString errorCodeName(ErrorCode code);
// The code of a stable name; nullopt for a name this build does not know (a newer peer's code).
std::optional<ErrorCode> errorCodeFromName(QStringView name);
ErrorCategory errorCodeCategory(ErrorCode code);
// Every code, in declaration order.
const QList<ErrorCode> &allErrorCodes();

// QTest prints a code by its name in a failed QCOMPARE (found by argument-dependent lookup).
inline char *toString(ErrorCode code)
{
    return qstrdup(errorCodeName(code).toUtf8().constData());
}

} // namespace passdeck
