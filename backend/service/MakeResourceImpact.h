#pragma once

#include "core/BindTypes.h"
#include "core/DomainTypes.h"
#include "core/Error.h"
#include "core/NodeChecks.h"

#include <QHash>

class QSqlDatabase;

namespace passdeck {

struct ServiceContext;

// The impact check of Make Resource (docs/architecture.md, flow 1.1) for a selection that may
// span nodes: the binder's plan per node (IOMMU companions, host use, boot VGA, bridges...) plus
// what the store knows (a device already in a group, held by a VM or a tenant, vanished).
// Read-only: nothing is changed.
struct NodeImpact
{
    qint64 nodeId = 0;
    QString nodeName;
    QStringList requested;
    BindPlan plan;
};

struct MakeResourceImpact
{
    QList<NodeImpact> nodes;
    QList<Finding> findings;   // all nodes; Finding::device is "node/address" when nodes differ
    int blockerCount = 0;
    int warningCount = 0;
    int deviceCount = 0;        // requested + companions, all nodes
    QList<DeviceRecord> moving; // those devices as the store knows them (names, driver now)
};

// Why the store keeps one device out of a resource group; empty `code` when nothing does.
struct MembershipProblem
{
    QString code;   // "unknown-device", "bridge", "vanished", "in-group", "used-by-vm", "tenant"
    QString why;
    QString hint;
};

// The rules of Make Resource, in one place: GroupService::makeResource refuses with them and
// DomainService::makeResourceImpact reports them before asking, so the wizard and the PCI
// Devices dashboard never decide on their own.
class MakeResourceCheck
{
public:
    // What keeps device `address` of node nodeId out of group groupId (0: out of any group: a
    // device already in one is a problem too). makeResource refuses on it; the impact check
    // lists it as a blocker.
    static Result<MembershipProblem> membershipProblem(const QSqlDatabase &db, qint64 nodeId, const QString &address,
                                                       qint64 groupId);
    // The same problem of a device the plan brings along for its IOMMU group.
    static MembershipProblem asCompanion(const QString &address, const MembershipProblem &problem);

    // The impact check of a selection into group groupId (0: no group chosen yet).
    static Result<MakeResourceImpact> impact(const ServiceContext &ctx, const QList<DeviceRecord> &selection, qint64 groupId = 0);

    // What keeps a device with the host, in a few words for the Status column: "Bridge (host
    // only)", "Boot VGA", "Root disk", "Disk mounted", "NIC eno1 up"; empty when nothing
    // specific does (from the host use the inventory recorded).
    static QString hostReason(const DeviceRecord &device);
    // Why Make Resource cannot take this selection at all (one paragraph naming the devices and
    // nodes), empty when the impact check should run. The binder refuses these devices anyway
    // (a bridge always, the others as blockers the windows never override), so the wizard is
    // not offered for them. readiness: per node id, nodes missing from it are not checked.
    static QString selectionRefusal(const QList<DeviceRecord> &selection, const QHash<qint64, NodeReadiness> &readiness = {});
    // The selection without the devices behind the impact check's blockers: a blocked device
    // itself, or the selected devices sharing an IOMMU group with a blocked companion.
    // Node-wide blockers (no device) leave nothing out.
    static QList<DeviceRecord> withoutBlocked(const QList<DeviceRecord> &selection, const MakeResourceImpact &impact);
};

} // namespace passdeck
