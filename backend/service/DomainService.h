#pragma once

#include "core/BindTypes.h"
#include "service/ChangeImpact.h"
#include "service/MakeResourceImpact.h"
#include "service/MovedHardware.h"
#include "core/DomainTypes.h"
#include "core/Error.h"
#include "core/Node.h"
#include "core/NodeChecks.h"
#include "service/Readiness.h"

#include <QObject>

#include <functional>
#include <memory>

namespace passdeck {

class Store;
class NodeService;
class GroupService;
class VmService;
class TenantService;
class AuditLog;
struct ServiceContext;
struct Topology;

// Progress of long operations (node refresh, make resource with a large apply).
using ProgressFn = std::function<void(int done, int total, const QString &step)>;

// A node behind an agent (docs/store.md, "Nodes behind an agent"), as the administrator gives it.
struct AgentNodeSpec
{
    QString name;
    QString address;     // HOST:PORT
    QString token;       // the agent's bearer token (64 hex; surrounding white space dropped)
    QString fingerprint; // SHA256:<hex> of the agent's certificate, as passdeckd printed it
};

// What a VM refresh found on the nodes' hypervisors (docs/libvirt.md, "VMs in Passdeck").
struct VmRefreshReport
{
    QStringList imported;     // domains that became VMs
    QStringList vanished;     // VMs whose domain is gone (flagged, kept)
    QStringList unavailable;  // "node: reason" for nodes whose hypervisor did not answer
};

struct ServiceOptions
{
    // How the service reaches a node (core/Node.h). Required for anything that touches a
    // node: without one those operations are refused (code "no-node-factory"). Nodes on this
    // machine: localNodes() (node/LocalNodeConnector.h), passed by whoever builds the service;
    // a remote node agent plugs in here later. Tests may plug in their own.
    NodeFactory nodeFactory;
    QString user;          // who the audit log names; empty: the OS user
};

// The flows with their rules (docs/store.md), over a Store. Every operation validates its
// input, runs as one transaction, writes an audit entry (refusals included) and returns a
// Result whose Error says what, why and what to do. No GUI types here.
//
// Threading: the service may be used from any thread, one operation at a time (e.g. the GUI
// runs applies on a worker thread). Each thread gets its own Qt Sql connection (see Store).
// Signals are emitted from the thread that ran the operation; connect with the default
// (auto) connection type so GUI receivers get them queued on their own thread.
class DomainService : public QObject
{
    Q_OBJECT
public:
    // Opens (creates, migrates) the store at dbPath — empty: Store::defaultPath() — and
    // finishes or rolls back operations a crash interrupted (the journal).
    static Result<std::unique_ptr<DomainService>> open(const QString &dbPath, ServiceOptions options = {});

    DomainService(std::shared_ptr<Store> store, ServiceOptions options = {}, QObject *parent = nullptr);
    ~DomainService() override;

    Store &store() const;
    // What the views show of the open store (they do not reach store/ themselves).
    QString storeLocation() const;
    bool storeIsPostgres() const;
    // Whether a store location (a file or a postgresql:// URI) opens; nothing else is done.
    static Status checkStore(const QString &location);

    // Journal recovery (open() runs it): returns the number of operations recovered.
    Result<int> recoverInterrupted();

    // ---- nodes ---------------------------------------------------------------------------
    // libvirtUri: the node's libvirt connection ("" = the default, docs/libvirt.md).
    Result<RefreshReport> addNode(const QString &name, const QString &hostRoot, bool simulated,
                                  const ProgressFn &progress = {}, const QString &libvirtUri = {});
    Status setNodeLibvirtUri(qint64 nodeId, const QString &uri);
    // A node behind an agent: reached and identified before anything is stored.
    Result<RefreshReport> addAgentNode(const AgentNodeSpec &spec, const ProgressFn &progress = {});
    Result<RefreshReport> refreshNode(qint64 nodeId, const ProgressFn &progress = {});
    Status removeNode(qint64 nodeId);              // refused while it has groups' devices, VMs...
    Status setMaintenance(qint64 nodeId, bool on);
    // Reboots a simulated node (bindings come back from the persistent configuration) and
    // refreshes it; a real node is refused (Passdeck never reboots a real machine).
    Result<RefreshReport> rebootNode(qint64 nodeId);
    Result<QList<NodeInfo>> nodes() const;
    Result<NodeInfo> node(qint64 nodeId) const;
    Result<NodeInfo> findNode(const QString &name) const;
    Result<QList<RebootNotice>> rebootRequired() const;
    // Whether the node can pass anything through (IOMMU, vfio-pci), read through the node.
    Result<NodeReadiness> nodeReadiness(qint64 nodeId) const;
    // The full readiness check of a node, worded (service/Readiness.h, docs/readiness.md).
    Result<ReadinessReport> readinessReport(qint64 nodeId) const;
    // SR-IOV of a PF: its counts, the impact of a new count (nothing written), and the change
    // itself (refused while a blocker remains; the new VFs are recorded in the store).
    Result<SriovState> sriovState(qint64 nodeId, const QString &pfAddress) const;
    Result<VfCountPlan> planVfCount(qint64 nodeId, const QString &pfAddress, int count) const;
    Result<VfCountPlan> setVfCount(qint64 nodeId, const QString &pfAddress, int count);

    // The node's PCI tree read live from the node (service/Topology.h, docs/topology.md).
    Result<Topology> topology(qint64 nodeId) const;

    // ---- devices -------------------------------------------------------------------------
    // nodeId 0: all nodes.
    Result<QList<DeviceRecord>> devices(qint64 nodeId = 0) const;
    // Host group: devices with a rule in it; tenant group: the tenant's pool for it.
    Result<QList<DeviceRecord>> groupDevices(qint64 groupId) const;

    // ---- resource groups -----------------------------------------------------------------
    Result<ResourceGroup> createGroup(const GroupSpec &spec);   // a host group
    Result<ResourceGroup> editGroup(qint64 groupId, const GroupSpec &spec);
    Status deleteGroup(qint64 groupId);                          // refused while in use
    // owner Host: host groups; Tenant with tenantId 0: all tenants' groups, else that tenant's.
    Result<QList<ResourceGroup>> groups(GroupOwner owner = GroupOwner::Host, qint64 tenantId = 0) const;
    Result<QList<ResourceGroup>> allGroups() const;
    Result<ResourceGroup> group(qint64 groupId) const;
    Result<ResourceGroup> findGroup(const QString &name, qint64 tenantId = 0) const;
    // Groups the VM may draw from: host groups for a host VM, its tenant's for a tenant VM.
    Result<QList<ResourceGroup>> groupsForVm(qint64 vmId) const;

    // Flow 1.1: devices -> group (binder apply to vfio-pci, rules recorded, reboot noted).
    Result<ResourceChange> makeResource(qint64 groupId, qint64 nodeId, const QStringList &addresses,
                                        const ApplyOptions &options = {});
    // Its impact check, read-only (the wizard shows it before asking): the binder's plan per node
    // and the store's refusals makeResource would give, for a selection on one or more nodes.
    // groupId: the group chosen (0: none yet; a device in any group is then a blocker).
    Result<MakeResourceImpact> makeResourceImpact(const QList<DeviceRecord> &selection, qint64 groupId = 0) const;
    // Back to the host driver; refused while a VM or a tenant holds one of them.
    Result<ResourceChange> removeResource(qint64 nodeId, const QStringList &addresses,
                                          const ApplyOptions &options = {});

    // ---- VMs -----------------------------------------------------------------------------
    Result<Vm> createVm(const VmSpec &spec);
    Status deleteVm(qint64 vmId);
    Result<QList<Vm>> vms(qint64 tenantId = -1) const;           // -1 all, 0 host VMs, >0 tenant
    Result<Vm> vm(qint64 vmId) const;
    Result<Vm> findVm(const QString &name) const;
    // A stopped VM to another node (a tenant VM: to a node where its tenant has a tenant node).
    Status moveVm(qint64 vmId, qint64 nodeId);
    // Flow 1.2: a machine device; the VM needs a restart to get it.
    Result<MachineDevice> attach(const AttachSpec &spec);
    // A stopped VM loses the machine device at once. A running VM keeps its devices until it
    // stops: KeepUntilStop marks the machine device (MachineDevice::removalPending, VM restart-
    // needed) and its restart, power off or node reboot removes it; StopVmFirst powers the VM
    // off (releasing all its devices) and removes it now.
    Status detach(qint64 vmId, qint64 machineDeviceId, RunningVmPolicy policy = RunningVmPolicy::KeepUntilStop);
    // Allocates concrete free devices on the VM's node for every machine device, binds them to
    // vfio-pci where needed, clears restart-needed, powers the VM on.
    Result<RestartResult> restartVm(qint64 vmId, const ProgressFn &progress = {});
    Result<RestartResult> powerOn(qint64 vmId, const ProgressFn &progress = {});
    Status powerOff(qint64 vmId);                                  // releases its devices
    // The VM's libvirt domain (docs/libvirt.md, "VMs in Passdeck"): the refresh from the nodes'
    // domains (nodeId 0: all; also done by every node refresh), the domains a New VM may adopt,
    // the persistent definition as libvirt returns it, attach now (live) and the shutdown timeout.
    Result<VmRefreshReport> refreshVms(qint64 nodeId = 0);
    Result<QList<DomainInfo>> adoptableDomains(qint64 nodeId);
    Result<QString> vmDomainXml(qint64 vmId);
    Result<RestartResult> attachNow(qint64 vmId, const ProgressFn &progress = {});
    Status setShutdownTimeout(qint64 vmId, int seconds);
    Result<QList<MachineDevice>> machineDevices(qint64 vmId) const;
    Result<QList<MachineDevice>> groupMachineDevices(qint64 groupId) const;
    Result<MachineDevice> findMachineDevice(qint64 vmId, const QString &name) const;

    // ---- tenants -------------------------------------------------------------------------
    Result<Tenant> createTenant(const QString &name, const QString &description = {});
    Status deleteTenant(qint64 tenantId);                          // refused while it has VMs
    Result<QList<Tenant>> tenants() const;
    Result<Tenant> tenant(qint64 tenantId) const;
    Result<Tenant> findTenant(const QString &name) const;
    Result<TenantNode> addTenantNode(qint64 tenantId, const QString &name, qint64 nodeId);
    Status removeTenantNode(qint64 tenantNodeId);                  // refused while it holds devices
    Result<QList<TenantNode>> tenantNodes(qint64 tenantId = 0) const;  // 0: all tenants
    Result<TenantNode> findTenantNode(qint64 tenantId, const QString &name) const;
    // Flow 1.3: reserve count free devices of a host group on the tenant node's node and
    // create the tenant's group holding them (thick provisioning).
    Result<ResourceGroup> passToTenant(const PassSpec &spec);

    // ---- change impact (read-only, see ChangeImpact.h) ----------------------------------
    // What a change would do to running work, and whether it is refused as things stand: the
    // GUI lists it in its confirmations and refuses before asking.
    Result<ChangeImpactReport> maintenanceImpact(qint64 nodeId) const;
    Result<ChangeImpactReport> rebootImpact(qint64 nodeId) const;
    Result<ChangeImpactReport> deleteVmImpact(qint64 vmId) const;
    Result<ChangeImpactReport> detachImpact(qint64 vmId, qint64 machineDeviceId) const;
    Result<ChangeImpactReport> deleteGroupImpact(qint64 groupId) const;
    Result<ChangeImpactReport> deleteTenantImpact(qint64 tenantId) const;
    // ---- passthrough units: capacity, split IOMMU groups ----------------------------------
    // Counted in passthrough units (a group's endpoints of one IOMMU group on a node, e.g. a GPU
    // and its audio function) exactly as attach, start and pass count them.
    // What VM vmId could get of group groupId (its own units count as its own).
    Result<GroupAvailability> availabilityForVm(qint64 vmId, qint64 groupId) const;
    // What a pass of host group groupId to tenant node tenantNodeId could take now.
    Result<GroupAvailability> availabilityForTenantNode(qint64 tenantNodeId, qint64 groupId) const;
    // IOMMU groups held by more than one consumer (stores written before whole groups were
    // allocated, or groups that changed at a refresh), each with what to do.
    Result<QList<SplitIommuGroup>> splitIommuGroups() const;
    // Found at open(): one line per split IOMMU group, "<message>. <hint>" (the CLI prints them,
    // the GUI can show them as a banner). Empty when the store is sound.
    QStringList openWarnings() const;

    // ---- may it be done (before asking) ---------------------------------------------------
    // The refusal deleteGroup / deleteTenant would return, without doing anything (success: it
    // can be deleted); powerOn / restartVm likewise (a node in maintenance).
    Status canDeleteGroup(qint64 groupId) const;
    Status canDeleteTenant(qint64 tenantId) const;
    Status canStartVm(qint64 vmId) const;

    // ---- audit ---------------------------------------------------------------------------
    Result<QList<AuditEntry>> audit(int limit = 500) const;        // newest first

    // ---- hardware that moved, twins (DomainServiceMoved.cpp) -------------------------------
    // Rules whose card a refresh found at another address (docs/moved-hardware.md); 0: all nodes.
    Result<QList<MovedOffer>> movedHardware(qint64 nodeId = 0, bool withDismissed = false) const;
    // The administrator's answer: the rule (and what hangs on it) moves, or the offer is dropped.
    Result<MovedOffer> confirmMove(qint64 nodeId, const QString &oldAddress, const QString &newAddress);
    Result<MovedOffer> dismissMove(qint64 nodeId, const QString &oldAddress, const QString &newAddress);
    // Captures a node's host root into dir (docs/simulated-nodes.md, "Twins") and adds the copy
    // as a simulated node named "<node>-twin" (or "-twin-2"...). Refused for an agent node.
    Result<RefreshReport> captureTwin(qint64 nodeId, const QString &dir, const ProgressFn &progress = {});
    // The name of the node a twin was captured from; empty for any other node.
    Result<QString> twinOf(qint64 nodeId) const;

Q_SIGNALS:
    void changed();          // after every committed change (any kind)
    void nodesChanged();     // nodes or devices
    void groupsChanged();    // groups, rules, tenant pools
    void vmsChanged();       // VMs, machine devices, allocations
    void tenantsChanged();   // tenants, tenant nodes
    void auditAppended();

private:
    friend struct ServiceContext;
    std::unique_ptr<ServiceContext> m_ctx;
    std::unique_ptr<NodeService> m_nodes;
    std::unique_ptr<GroupService> m_groups;
    std::unique_ptr<VmService> m_vms;
    std::unique_ptr<TenantService> m_tenants;
    QStringList m_openWarnings;
};

} // namespace passdeck
