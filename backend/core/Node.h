#pragma once

#include "core/BindTypes.h"
#include "core/DomainTypes.h"
#include "core/Error.h"
#include "core/HypervisorTypes.h"
#include "core/NodeChecks.h"
#include "core/PciDevice.h"
#include "core/ReadinessFacts.h"

#include <QCoreApplication>
#include <QMap>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>

namespace passdeck {

// Who a node is: what the service records and shows about the machine behind an address.
struct NodeIdentity
{
    QString address;      // how the node is reached: a host root path today, an agent URL later
    QString hostName;     // the node's host name ("" when it could not be read)
    QString kernel;       // its kernel release ("" when it could not be read)
    bool simulated = false;
    QString agentVersion; // the version of the program answering for the node
    QString machineId;    // <root>/etc/machine-id, first line ("" when absent)
};

// /proc/mounts and /proc/swaps of a node, read once per inventory. Empty when unreadable: the
// impact check (node side) fails closed on its own reads; this copy only names the root disk.
struct HostMounts
{
    QString mounts;
    QString swaps;
};

// A device's driver binding as the node sees it now.
struct DriverState
{
    QString driver;   // "" = none
    QString override; // "" = none ("(null)" in sysfs)
    bool present = true;
};

// What journal recovery puts back: per address the original driver and driver_override.
struct RestoreRequest
{
    QMap<QString, QString> originalDrivers;   // address -> driver ("" = none)
    QMap<QString, QString> originalOverrides; // address -> override ("" = none)
};

// setVfCount's switches.
struct VfCountOptions
{
    bool autoprobeToHost = true; // new VFs probe to their host driver
    bool force = false;          // lift the (forcible) blockers of the VF removal
};

// What the node reports for readiness; the service words the reasons.
struct NodeCapabilities
{
    bool iommu = false;   // IOMMU groups exist, including the recorded one asked about
    bool vfioPci = false; // the vfio-pci driver (or its module) is there
    ReadinessFacts facts; // the host's own readiness facts (docs/readiness.md)
};

using NodeProgress = std::function<void(int done, int total, const QString &step)>;

// The central side's view of one node (docs/node-boundary.md). Every call is one whole
// operation whose arguments and results serialise (core/NodeCodec.h): over a network each is
// one round trip, so nothing here hands out a path, a writer or a per-write callback except
// the progress, which the node feeds. The node re-plans and re-checks on its own state before
// it writes; what the central side sends is a request, never a script.
//
// Implementations: LocalNode (a host root on this machine, real or simulated); a node agent
// client later. The service gets them from ServiceOptions::nodeFactory.
class Node
{
public:
    virtual ~Node() = default;

    // How the node is reached (the stored host root today).
    virtual QString address() const = 0;
    virtual bool isSimulated() const = 0;
    virtual Result<NodeIdentity> identity() = 0;

    // A full inventory pass (libpci + sysfs extras).
    virtual Result<InventorySnapshot> inventory() = 0;
    // /proc/mounts and /proc/swaps (what a disk's host use is worded from).
    virtual Result<HostMounts> hostMounts() = 0;
    // Whether IOMMU groups exist (recordedIommuGroup >= 0: that group too) and vfio-pci is there.
    virtual Result<NodeCapabilities> capabilities(int recordedIommuGroup) = 0;

    // A dry run: the writes, the IOMMU group members that come along, the impact findings.
    virtual Result<BindPlan> plan(const QStringList &addresses, BindTarget target) = 0;
    // Runs a plan. The node plans again from its own state first and refuses (code
    // "stale-plan") when the device set or the blockers differ from the plan's; then it checks
    // the blockers, writes, verifies and, on failure, puts every device back. progress is
    // called before every write (and once at the end).
    virtual Result<ApplyResult> apply(const BindPlan &plan, const ApplyOptions &options, const NodeProgress &progress = {}) = 0;
    // Journal recovery: every device back on its original driver and override, and the
    // persistent configuration made to agree (a device back on vfio-pci keeps its rule).
    virtual Status restore(const RestoreRequest &request) = 0;
    // Driver and override per address, read now. An invalid address is an Error.
    virtual Result<QMap<QString, DriverState>> driverStates(const QStringList &addresses) = 0;

    // SR-IOV. sriovState: Error "unknown-device" when there is no such device, "not-sriov" when
    // it has no sriov_totalvfs. nodeId in the result is 0 (the node does not know it).
    virtual Result<SriovState> sriovState(const QString &pfAddress) = 0;
    virtual Result<QList<Finding>> vfCountImpact(const QString &pfAddress, int count) = 0;
    virtual Result<QStringList> setVfCount(const QString &pfAddress, int count, const VfCountOptions &options) = 0;

    // Restart the node: a simulated one through its simulator; a real one refuses.
    virtual Status reboot() = 0;

    // Copies this node into dir as a simulated twin (docs/simulated-nodes.md, "Twins"), reading
    // the node only; nodeName names the twin and what it was captured from. Returns what could
    // not be captured, one sentence each. A node that cannot be captured from here (behind an
    // agent, for now) refuses with "capture-failed" (this default).
    virtual Result<QStringList> captureTwin(const QString &dir, const QString &nodeName, const QString &twinName)
    {
        Q_UNUSED(dir)
        Q_UNUSED(twinName)
        return Error::make(ErrorCode::CaptureFailed, QCoreApplication::translate("Node", "Cannot capture node '%1'").arg(nodeName),
                           QCoreApplication::translate("Node", "it is reached through an agent, and capturing through the agent is not supported yet"),
                           QCoreApplication::translate("Node", "Run `passdeck-cli sim capture / DIR` on that host and copy DIR here."));
    }

    // The node's hypervisor (libvirt, docs/libvirt.md): qemu:///system on a real host (or the
    // node's own URI), libvirt's test driver on <root>/etc/passdeck/libvirt.xml on a simulated
    // one. A node without one answers every call with "hypervisor-unavailable" (the defaults
    // below). Errors name the domain and carry libvirt's own message in `why`.
    //
    // Every domain, with its state and PCI hostdevs.
    virtual Result<QList<DomainInfo>> domains() { return noHypervisor(); }
    // The persistent definition as libvirt returns it (virDomainGetXMLDesc, INACTIVE).
    virtual Result<QString> domainXml(const QString &name) { return noHypervisor(name); }
    // New VM: defines a minimal domain; "domain-exists" when the name is taken (adopt it instead).
    virtual Result<DomainInfo> defineDomain(const DomainDefinition &definition) { return noHypervisor(definition.name); }
    // Restart, Power On and Power Off (core/HypervisorTypes.h, DomainChange).
    virtual Result<DomainInfo> changeDomain(const DomainChange &change) { return noHypervisor(change.name); }
    // Attach now: the hostdevs into the running domain and its persistent definition
    // (LIVE|CONFIG). "live-attach-refused" with libvirt's reason when the hypervisor refuses; the
    // definition is then as before.
    virtual Result<DomainInfo> attachLive(const QString &name, const QStringList &addresses)
    {
        Q_UNUSED(addresses)
        return noHypervisor(name);
    }
    // Removes the domain's definition (it must be shut off).
    virtual Status undefineDomain(const QString &name) { return noHypervisor(name); }

protected:
    Error noHypervisor(const QString &domain = {}) const { return noHypervisorError(address(), domain); }
};

// How the service reaches a node: from the stored NodeInfo (address = hostRoot) to a Node.
using NodeFactory = std::function<Result<std::unique_ptr<Node>>(const NodeInfo &)>;

} // namespace passdeck
