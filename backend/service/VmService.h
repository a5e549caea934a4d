#pragma once

#include "service/DomainService.h"

namespace passdeck {

struct ServiceContext;
class StoreTransaction;

// VMs and machine devices: create/delete, attach/detach (restart-needed), restart and power
// (allocation of concrete devices on the VM's node, binding them to vfio-pci when needed).
class VmService
{
public:
    enum class DomainStep { Change, AttachLive };

    explicit VmService(ServiceContext &ctx) : m_ctx(ctx) {}

    Result<Vm> create(const VmSpec &spec);
    Status remove(qint64 vmId);
    Result<MachineDevice> attach(const AttachSpec &spec);
    // A running VM keeps the machine device's devices until it stops (KeepUntilStop: marked,
    // restart-needed), or is powered off first (StopVmFirst). A stopped VM loses it at once.
    Status detach(qint64 vmId, qint64 machineDeviceId, RunningVmPolicy policy = RunningVmPolicy::KeepUntilStop);
    // Refusal when the VM may not be powered on or restarted now (its node is in maintenance).
    Status canStart(qint64 vmId) const;
    Result<RestartResult> start(qint64 vmId, const ProgressFn &progress, const QString &action);
    Status powerOff(qint64 vmId);
    // A stopped VM to another node. Refused for a running VM, for a tenant VM whose tenant has
    // no tenant node there (or whose devices are attached to its current tenant node), and when
    // a machine device's Count cannot be met on the new node.
    Status moveToNode(qint64 vmId, qint64 nodeId);

    // ---- the VM's libvirt domain (VmServiceDomain.cpp, docs/libvirt.md) ------------------
    // A running VM gets the devices of its machine devices that have none yet at once
    // (attachLive); when the hypervisor refuses, nothing changes and the VM stays restart-needed.
    Result<RestartResult> attachNow(qint64 vmId, const ProgressFn &progress);
    Result<QString> domainXml(qint64 vmId);
    Status setShutdownTimeout(qint64 vmId, int seconds);

    // ---- VM refresh from the node's domains (VmServiceRefresh.cpp) -----------------------
    // Imports new domains as VMs of the node, flags vanished ones, records foreign hostdevs.
    // nodeId 0: every node. audited: an operation of its own (on demand); otherwise part of a
    // node refresh (no audit entry of its own). A node whose hypervisor does not answer is
    // recorded with the reason (its VMs stay listed); that is not an error of the refresh.
    Result<VmRefreshReport> refreshDomains(qint64 nodeId, bool audited);
    // Domains of the node that are no VM in Passdeck (what "Adopt existing domain" offers).
    Result<QList<DomainInfo>> adoptableDomains(qint64 nodeId);

private:
    // Which of the addresses are not on vfio-pci on the node now (what a start must bind).
    // Store contents are data: only valid addresses are asked about; an invalid one is returned
    // and refused by the plan, with the reason.
    static Result<QStringList> notOnVfio(Node &node, const QStringList &addresses);
    Result<RestartResult> startDomainImpl(qint64 vmId, const ProgressFn &progress, DomainStep step);
    Status powerOffDomain(qint64 vmId);
    // Delete VM: its domain shut down (when active) and undefined; a domain already gone is fine.
    Status undefineDomainOf(const Vm &vm);
    // Inside a transaction: the VM's columns from what the node answered.
    Status recordDomain(qint64 vmId, const DomainInfo &info, const QString &what);
    Result<VmRefreshReport> refreshNodeDomains(const NodeInfo &node);
    Result<DomainInfo> prepareDomain(const VmSpec &spec, bool *defined);
    Result<Vm> createImpl(StoreTransaction &tx, const VmSpec &spec, const DomainInfo *domain = nullptr);
    Result<MachineDevice> attachImpl(StoreTransaction &tx, const AttachSpec &spec);
    Result<RestartResult> startImpl(qint64 vmId, const ProgressFn &progress);
    // Inside a transaction: frees the VM's devices.
    Status release(qint64 vmId, const QString &what);
    QString vmSubject(qint64 vmId) const;
    QString machineDeviceSubject(qint64 machineDeviceId) const;

    ServiceContext &m_ctx;
};

} // namespace passdeck
