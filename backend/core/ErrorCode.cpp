#include "core/ErrorCode.h"

#include <array>
#include <cstddef>

namespace passdeck {

namespace {

struct Entry
{
    ErrorCode code;
    const char *name;
    ErrorCategory category;
};

// The one table: code, stable name, category. In declaration order (checked below), so that a
// code indexes its row.
constexpr Entry kTable[] = {
    {ErrorCode::Internal, "internal", ErrorCategory::Failed},
    {ErrorCode::BadAddress, "bad-address", ErrorCategory::Refused},
    {ErrorCode::BadCount, "bad-count", ErrorCategory::Refused},
    {ErrorCode::BadDescription, "bad-description", ErrorCategory::Refused},
    {ErrorCode::BadDriver, "bad-driver", ErrorCategory::Refused},
    {ErrorCode::BadFault, "bad-fault", ErrorCategory::Refused},
    {ErrorCode::BadInterface, "bad-interface", ErrorCategory::Refused},
    {ErrorCode::BadName, "bad-name", ErrorCategory::Refused},
    {ErrorCode::BadUsage, "bad-usage", ErrorCategory::Refused},
    {ErrorCode::BadVfCount, "bad-vf-count", ErrorCategory::Refused},
    {ErrorCode::Blocked, "blocked", ErrorCategory::Refused},
    {ErrorCode::Bridge, "bridge", ErrorCategory::Refused},
    {ErrorCode::Constraint, "constraint", ErrorCategory::Refused},
    {ErrorCode::DeviceBusy, "device-busy", ErrorCategory::Refused},
    {ErrorCode::DeviceUnavailable, "device-unavailable", ErrorCategory::Refused},
    {ErrorCode::Duplicate, "duplicate", ErrorCategory::Refused},
    {ErrorCode::ForeignGroup, "foreign-group", ErrorCategory::Refused},
    {ErrorCode::HostRootEmpty, "host-root-empty", ErrorCategory::Refused},
    {ErrorCode::HostRootMissing, "host-root-missing", ErrorCategory::Refused},
    {ErrorCode::InUse, "in-use", ErrorCategory::Refused},
    {ErrorCode::NoDevices, "no-devices", ErrorCategory::Refused},
    {ErrorCode::NoInterface, "no-interface", ErrorCategory::Refused},
    {ErrorCode::NoTenantNode, "no-tenant-node", ErrorCategory::Refused},
    {ErrorCode::NodeMaintenance, "node-maintenance", ErrorCategory::Refused},
    {ErrorCode::NotEnoughDevices, "not-enough-devices", ErrorCategory::Refused},
    {ErrorCode::NotFound, "not-found", ErrorCategory::Refused},
    {ErrorCode::NotSimulated, "not-simulated", ErrorCategory::Refused},
    {ErrorCode::NotSriov, "not-sriov", ErrorCategory::Refused},
    {ErrorCode::RebootRefused, "reboot-refused", ErrorCategory::Refused},
    {ErrorCode::Running, "running", ErrorCategory::Refused},
    {ErrorCode::SameHost, "same-host", ErrorCategory::Refused},
    {ErrorCode::SameNode, "same-node", ErrorCategory::Refused},
    {ErrorCode::SchemaTooNew, "schema-too-new", ErrorCategory::Refused},
    {ErrorCode::SimExists, "sim-exists", ErrorCategory::Refused},
    {ErrorCode::SimNotSimulated, "sim-not-simulated", ErrorCategory::Refused},
    {ErrorCode::SimRefused, "sim-refused", ErrorCategory::Refused},
    {ErrorCode::SimulatedRoot, "simulated-root", ErrorCategory::Refused},
    {ErrorCode::StoreEmpty, "store-empty", ErrorCategory::Refused},
    {ErrorCode::TenantDevices, "tenant-devices", ErrorCategory::Refused},
    {ErrorCode::TenantGroup, "tenant-group", ErrorCategory::Refused},
    {ErrorCode::TenantNodeRequired, "tenant-node-required", ErrorCategory::Refused},
    {ErrorCode::UnknownDevice, "unknown-device", ErrorCategory::Refused},
    {ErrorCode::WrongNode, "wrong-node", ErrorCategory::Refused},
    {ErrorCode::WrongTenantNode, "wrong-tenant-node", ErrorCategory::Refused},
    {ErrorCode::BadMessage, "bad-message", ErrorCategory::Refused},
    {ErrorCode::StalePlan, "stale-plan", ErrorCategory::Refused},
    {ErrorCode::StoreUri, "store-uri", ErrorCategory::Refused},
    {ErrorCode::Busy, "busy", ErrorCategory::Failed},
    {ErrorCode::DemoDir, "demo-dir", ErrorCategory::Failed},
    {ErrorCode::DescriptionUnreadable, "description-unreadable", ErrorCategory::Failed},
    {ErrorCode::DeviceGone, "device-gone", ErrorCategory::Failed},
    {ErrorCode::Errno, "errno", ErrorCategory::Failed},
    {ErrorCode::LibpciInit, "libpci-init", ErrorCategory::Failed},
    {ErrorCode::NoPciBus, "no-pci-bus", ErrorCategory::Failed},
    {ErrorCode::PciDeviceUnreadable, "pci-device-unreadable", ErrorCategory::Failed},
    {ErrorCode::PciIds, "pci-ids", ErrorCategory::Failed},
    {ErrorCode::PersistFailed, "persist-failed", ErrorCategory::Failed},
    {ErrorCode::PersistLocked, "persist-locked", ErrorCategory::Failed},
    {ErrorCode::PersistMalformed, "persist-malformed", ErrorCategory::Failed},
    {ErrorCode::PersistUnreadable, "persist-unreadable", ErrorCategory::Failed},
    {ErrorCode::ReadFailed, "read-failed", ErrorCategory::Failed},
    {ErrorCode::SimBuildFailed, "sim-build-failed", ErrorCategory::Failed},
    {ErrorCode::SimFaultFile, "sim-fault-file", ErrorCategory::Failed},
    {ErrorCode::SimRebootFailed, "sim-reboot-failed", ErrorCategory::Failed},
    {ErrorCode::SimWriteFailed, "sim-write-failed", ErrorCategory::Failed},
    {ErrorCode::Sql, "sql", ErrorCategory::Failed},
    {ErrorCode::SriovInconsistent, "sriov-inconsistent", ErrorCategory::Failed},
    {ErrorCode::StoreDir, "store-dir", ErrorCategory::Failed},
    {ErrorCode::StoreOpen, "store-open", ErrorCategory::Failed},
    {ErrorCode::VerifyFailed, "verify-failed", ErrorCategory::Failed},
    {ErrorCode::WriteFailed, "write-failed", ErrorCategory::Failed},
    {ErrorCode::NoNode, "no-node", ErrorCategory::Failed},
    {ErrorCode::NoNodeFactory, "no-node-factory", ErrorCategory::Failed},
    {ErrorCode::StoreConflict, "store-conflict", ErrorCategory::Failed},
    {ErrorCode::NodeUnreachable, "node-unreachable", ErrorCategory::Failed},
    {ErrorCode::AgentUnauthorized, "unauthorized", ErrorCategory::Refused},
    {ErrorCode::CertificateMismatch, "certificate-mismatch", ErrorCategory::Refused},
    {ErrorCode::UnknownJob, "unknown-job", ErrorCategory::Refused},
    {ErrorCode::AgentProtocol, "agent-protocol", ErrorCategory::Failed},
    {ErrorCode::AgentAddress, "agent-address", ErrorCategory::Refused},
    {ErrorCode::AgentIdentity, "agent-identity", ErrorCategory::Failed},
    {ErrorCode::JobLost, "job-lost", ErrorCategory::Failed},
    {ErrorCode::StoreLost, "store-lost", ErrorCategory::Failed},
    {ErrorCode::JobInterrupted, "job-interrupted", ErrorCategory::Failed},
    {ErrorCode::HypervisorUnavailable, "hypervisor-unavailable", ErrorCategory::Failed},
    {ErrorCode::DomainNotFound, "domain-not-found", ErrorCategory::Failed},
    {ErrorCode::DomainExists, "domain-exists", ErrorCategory::Refused},
    {ErrorCode::DomainFailed, "domain-failed", ErrorCategory::Failed},
    {ErrorCode::LiveAttachRefused, "live-attach-refused", ErrorCategory::Refused},
    {ErrorCode::CaptureFailed, "capture-failed", ErrorCategory::Failed},
    {ErrorCode::LeaseHeld, "lease-held", ErrorCategory::Refused},
};

constexpr bool inDeclarationOrder()
{
    for (std::size_t i = 0; i < std::size(kTable); ++i) {
        if (static_cast<std::size_t>(kTable[i].code) != i)
            return false;
    }
    return true;
}
static_assert(inDeclarationOrder(), "kTable must list every ErrorCode once, in declaration order");
static_assert(std::size(kTable) == static_cast<std::size_t>(ErrorCode::LeaseHeld) + 1,
              "kTable must end with the last ErrorCode");

const Entry &entry(ErrorCode code)
{
    const auto i = static_cast<std::size_t>(code);
    Q_ASSERT(i < std::size(kTable));
    return kTable[i < std::size(kTable) ? i : 0];
}

} // namespace

QString errorCodeName(ErrorCode code)
{
    return QString::fromLatin1(entry(code).name);
}

std::optional<ErrorCode> errorCodeFromName(QStringView name)
{
    for (const Entry &e : kTable) {
        if (name == QLatin1String(e.name))
            return e.code;
    }
    return std::nullopt;
}

ErrorCategory errorCodeCategory(ErrorCode code)
{
    return entry(code).category;
}

const QList<ErrorCode> &allErrorCodes()
{
    static const QList<ErrorCode> all = [] {
        QList<ErrorCode> codes;
        for (const Entry &e : kTable)
            codes.append(e.code);
        return codes;
    }();
    return all;
}

} // namespace passdeck
