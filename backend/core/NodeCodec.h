#pragma once

#include "core/BindTypes.h"
#include "core/Error.h"
#include "core/Node.h"
#include "core/NodeChecks.h"
#include "core/PciDevice.h"

#include <QJsonObject>
#include <QJsonValue>

namespace passdeck::nodecodec {

// JSON for every argument and result of core/Node.h (docs/node-boundary.md), so that a call can
// cross a network as one request and one answer. toJson never fails; fromJson<T> checks every
// field (types, ranges, sizes, PCI addresses, driver names) because it will read what a remote
// peer sent, and returns an Error (code "bad-message", the why naming the field) instead of a
// half-filled value. Unknown fields are ignored (a newer peer may send more).
//
// The progress callback of ApplyOptions never crosses: the node feeds it as messages of its own.

QJsonObject toJson(const Error &error);
QJsonObject toJson(const Finding &finding);
QJsonObject toJson(const PlannedWrite &write);
QJsonObject toJson(const BindPlan &plan);
QJsonObject toJson(const ApplyOptions &options);
QJsonObject toJson(const DeviceOutcome &outcome);
QJsonObject toJson(const ApplyResult &result);
QJsonObject toJson(const NetInterface &interface);
QJsonObject toJson(const PciDevice &device);
QJsonObject toJson(const InventorySnapshot &snapshot);
QJsonObject toJson(const NodeIdentity &identity);
QJsonObject toJson(const HostMounts &mounts);
QJsonObject toJson(const NodeCapabilities &capabilities);
QJsonObject toJson(const DriverState &state);
QJsonObject toJson(const QMap<QString, DriverState> &states);
QJsonObject toJson(const RestoreRequest &request);
QJsonObject toJson(const VfCountOptions &options);
QJsonObject toJson(const SriovState &state);

// The hypervisor types (NodeCodecHypervisor.cpp).
QJsonObject toJson(const DomainHostdev &hostdev);
QJsonObject toJson(const DomainInfo &info);
QJsonObject toJson(const QList<DomainInfo> &domains); // {"domains": [...]}
QJsonObject toJson(const DomainDefinition &definition);
QJsonObject toJson(const DomainChange &change);
// Bounds of what a request may ask of a hypervisor.
constexpr int kMaxVcpus = 4096;
constexpr qint64 kMaxMemoryMiB = qint64(16) * 1024 * 1024; // 16 TiB
constexpr int kMaxShutdownTimeoutSec = 3600;

QString targetName(BindTarget target);     // "vfio-pci" / "host"
QString severityName(Severity severity);   // "blocker" / "warning" / "info"

template<typename T>
Result<T> fromJson(const QJsonValue &value);

// An Error is itself the failure type, so it decodes into *out; the Status is the decoding's.
Status errorFromJson(const QJsonValue &value, Error *out);

template<> Result<Finding> fromJson<Finding>(const QJsonValue &value);
template<> Result<PlannedWrite> fromJson<PlannedWrite>(const QJsonValue &value);
template<> Result<BindPlan> fromJson<BindPlan>(const QJsonValue &value);
template<> Result<ApplyOptions> fromJson<ApplyOptions>(const QJsonValue &value);
template<> Result<DeviceOutcome> fromJson<DeviceOutcome>(const QJsonValue &value);
template<> Result<ApplyResult> fromJson<ApplyResult>(const QJsonValue &value);
template<> Result<NetInterface> fromJson<NetInterface>(const QJsonValue &value);
template<> Result<PciDevice> fromJson<PciDevice>(const QJsonValue &value);
template<> Result<InventorySnapshot> fromJson<InventorySnapshot>(const QJsonValue &value);
template<> Result<NodeIdentity> fromJson<NodeIdentity>(const QJsonValue &value);
template<> Result<HostMounts> fromJson<HostMounts>(const QJsonValue &value);
template<> Result<NodeCapabilities> fromJson<NodeCapabilities>(const QJsonValue &value);
template<> Result<DriverState> fromJson<DriverState>(const QJsonValue &value);
template<> Result<QMap<QString, DriverState>> fromJson<QMap<QString, DriverState>>(const QJsonValue &value);
template<> Result<RestoreRequest> fromJson<RestoreRequest>(const QJsonValue &value);
template<> Result<VfCountOptions> fromJson<VfCountOptions>(const QJsonValue &value);
template<> Result<SriovState> fromJson<SriovState>(const QJsonValue &value);
template<> Result<DomainHostdev> fromJson<DomainHostdev>(const QJsonValue &value);
template<> Result<DomainInfo> fromJson<DomainInfo>(const QJsonValue &value);
template<> Result<QList<DomainInfo>> fromJson<QList<DomainInfo>>(const QJsonValue &value);
template<> Result<DomainDefinition> fromJson<DomainDefinition>(const QJsonValue &value);
template<> Result<DomainChange> fromJson<DomainChange>(const QJsonValue &value);

// A call's answer: {"ok": true, "value": ...} or {"ok": false, "error": {...}}.
template<typename T>
QJsonObject resultToJson(const Result<T> &result)
{
    if (!result)
        return QJsonObject{{QStringLiteral("ok"), false}, {QStringLiteral("error"), toJson(result.error())}};
    return QJsonObject{{QStringLiteral("ok"), true}, {QStringLiteral("value"), toJson(result.value())}};
}
QJsonObject resultToJson(const Status &status);

// The answer back: the peer's Error when it failed, a decoding Error when the answer is bad.
template<typename T>
Result<T> resultFromJson(const QJsonValue &value);
Status statusFromJson(const QJsonValue &value);

// Implementation detail of resultFromJson: the value of an ok answer; the peer's Error otherwise.
Result<QJsonValue> unwrapResult(const QJsonValue &value);

template<typename T>
Result<T> resultFromJson(const QJsonValue &value)
{
    Result<QJsonValue> inner = unwrapResult(value);
    if (!inner)
        return inner.error();
    return fromJson<T>(*inner);
}

} // namespace passdeck::nodecodec
