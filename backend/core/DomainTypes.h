#pragma once

#include "core/HypervisorTypes.h"

#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

namespace passdeck {

// Plain data the domain service hands out (docs/store.md). Ids are the store's row ids; 0 means
// "none". Lists come back sorted by name (devices: by node, then address).

enum class GroupOwner { Host, Tenant };

// Only chooses the group's icon.
enum class GroupClass { Gpu, Network, Storage, Usb, Audio, Accelerator, Other };

// Where a device stands, from the dashboards' point of view.
enum class DeviceStatus {
    Free,            // in no resource group and bound to no driver
    InResourceGroup, // in a host resource group, not allocated to anyone
    UsedByVm,        // allocated to a running VM (host or tenant VM)
    OwnedByTenant,   // reserved in a tenant's device pool, not allocated to a tenant VM
    InUseByHost,     // in no resource group, bound to a host driver
};

enum class PowerState { Off, On };

enum class AuditResult { Ok, Refused, Failed };

// "GPU", "Network"... (stable, also the CLI spelling) and back; fromString is case-insensitive.
QString groupClassName(GroupClass c);
bool groupClassFromString(const QString &text, GroupClass *out);
QString deviceStatusName(DeviceStatus s); // "free", "in-group", "used-by-vm", "tenant", "host"
QString auditResultName(AuditResult r);   // "ok", "refused", "failed"

struct NodeInfo
{
    qint64 id = 0;
    QString name;
    QString hostRoot;            // the node's address: a host root path, or HOST:PORT of an agent
    bool simulated = false;
    // A node behind an agent (docs/agent-api.md); all empty for a host root on this machine.
    QString agentFingerprint;    // "SHA256:<hex>" pinned when the node was added
    QString agentToken;          // the agent's bearer token
    QString agentVersion;        // as the agent last reported it
    QDateTime unreachableSince;  // invalid while the node answers
    // The node's libvirt connection (docs/libvirt.md): "" = the default (qemu:///system on a real
    // host, the test driver on <root>/etc/passdeck/libvirt.xml on a simulated one).
    QString libvirtUri;
    bool maintenance = false;
    bool rebootRequired = false;
    QStringList rebootDevices;   // addresses waiting for the reboot
    int deviceCount = 0;         // observed devices still present
    int flaggedDevices = 0;      // vanished or ids changed since they were first seen
    QDateTime refreshedAt;
};

struct DeviceRecord
{
    qint64 id = 0;
    qint64 nodeId = 0;
    QString nodeName;
    QString address;
    int vendorId = -1;
    int deviceId = -1;
    int subsystemVendorId = -1;
    int subsystemDeviceId = -1;
    int classId = -1;
    QString vendorName;
    QString deviceName;
    QString className;
    QString driver;              // as last observed ("" = none)
    int iommuGroup = -1;
    int numaNode = -1;
    bool isBridge = false;
    QStringList hostUse;         // "net:eth0(up)", "block:nvme0n1", "boot-vga"...
    bool present = true;         // false: vanished at the last refresh (flagged, kept)
    bool idsChanged = false;     // the ids differ from the ones first recorded (flagged)
    bool rebootPending = false;  // waits for a node reboot to reach its target driver
    QString foreignDomain;       // a domain's hostdev Passdeck did not write ("" = none): taken

    DeviceStatus status = DeviceStatus::Free;
    qint64 groupId = 0;          // host resource group, 0 = none
    QString groupName;
    qint64 tenantId = 0;         // tenant holding it, 0 = none
    QString tenantName;
    qint64 tenantGroupId = 0;    // the tenant's group it is reserved in (its pool), 0 = none
    QString tenantGroupName;
    qint64 vmId = 0;             // VM it is allocated to, 0 = none
    QString vmName;
    QString consumer;            // "vm:NAME", "tenant:NAME" or "" — for display
};

struct ResourceGroup
{
    qint64 id = 0;
    QString name;
    QString type = QStringLiteral("PCI");
    QString description;
    GroupClass groupClass = GroupClass::Other;
    GroupOwner owner = GroupOwner::Host;
    qint64 tenantId = 0;        // owner tenant, 0 for host groups
    QString tenantName;
    qint64 tenantNodeId = 0;    // tenant groups: the tenant node the devices are attached to
    QString tenantNodeName;
    qint64 sourceGroupId = 0;   // tenant groups: the host group they were drawn from
    // Totals over all nodes. Host group: total = rules, inUse = allocated to VMs,
    // tenant = reserved by tenants, free = the rest. Tenant group: total = pool size,
    // inUse = allocated to tenant VMs, free = the rest.
    // Counted in passthrough units (the group's endpoints of one IOMMU group on one node,
    // e.g. a GPU and its audio function; docs/store.md): what Count counts and what is allocated.
    int total = 0;
    int free = 0;
    int inUse = 0;
    int tenantReserved = 0;
    int functions = 0;          // PCI functions (devices) in the group: total counts units of them
    int machineDevices = 0;     // machine devices drawing from this group
};

struct GroupSpec
{
    QString name;
    QString description;
    GroupClass groupClass = GroupClass::Other;
};

struct Vm
{
    qint64 id = 0;
    QString name;
    QString description;
    qint64 nodeId = 0;
    QString nodeName;
    GroupOwner owner = GroupOwner::Host;
    qint64 tenantId = 0;
    QString tenantName;
    qint64 tenantNodeId = 0;
    QString tenantNodeName;
    PowerState power = PowerState::Off;
    bool restartNeeded = false;
    int machineDeviceCount = 0;
    int allocatedDeviceCount = 0;
    // Its libvirt domain (docs/libvirt.md, "VMs in Passdeck"), as the last VM refresh read it.
    QString domainUuid;          // "" = no domain (the node has no hypervisor)
    QString libvirtState;        // "running", "shut-off"... ("" = not read yet)
    int vcpus = 0;
    qint64 memoryMiB = 0;
    QDateTime vanishedSince;     // valid: the domain was gone at a refresh (flagged, kept)
    QList<DomainHostdev> hostdevs; // of the persistent definition; passdeck false = assigned outside Passdeck
    int shutdownTimeoutSec = 60; // ACPI shutdown, then destroy after this long
    QString hypervisorError;     // why its node's hypervisor did not answer ("" = it did)
};

struct VmSpec
{
    QString name;
    QString description;
    qint64 nodeId = 0;
    qint64 tenantId = 0;       // 0: a host VM
    qint64 tenantNodeId = 0;   // required for a tenant VM; must run on that tenant node's node
    // The domain (docs/libvirt.md): a minimal new one (vcpus, memory), or the node's existing
    // domain of that name adopted.
    bool adopt = false;
    int vcpus = 1;
    qint64 memoryMiB = 1024;
};

struct AllocatedDevice
{
    qint64 deviceId = 0;
    QString nodeName;
    QString address;
    QString driver;
};

struct MachineDevice
{
    qint64 id = 0;
    qint64 vmId = 0;
    QString vmName;
    QString name;
    QString type = QStringLiteral("PCI");
    QString description;
    qint64 groupId = 0;
    QString groupName;
    int count = 1;                    // passthrough units (a GPU with its audio function is one)
    QList<AllocatedDevice> allocated; // the concrete devices of the last (re)start
    // Removed while its VM ran: the VM keeps the devices until it stops (restart or power off),
    // then the machine device goes away.
    bool removalPending = false;
};

struct AttachSpec
{
    qint64 vmId = 0;
    qint64 groupId = 0;
    int count = 1;
    QString name;           // blank: a unique name is generated ("<group>-1", ...)
    QString description;
};

struct Tenant
{
    qint64 id = 0;
    QString name;
    QString description;
    int nodeCount = 0;
    int groupCount = 0;
    int vmCount = 0;
    int reservedDevices = 0;
};

struct TenantNode
{
    qint64 id = 0;
    qint64 tenantId = 0;
    QString tenantName;
    QString name;
    qint64 nodeId = 0;         // the host node it runs on
    QString nodeName;
    int reservedDevices = 0;
    int groupCount = 0;
};

struct PassSpec
{
    qint64 tenantNodeId = 0;
    qint64 hostGroupId = 0;
    int count = 1;
    QString name;           // blank: generated; names the group created inside the tenant
    QString description;
};

struct AuditEntry
{
    qint64 id = 0;
    QDateTime at;           // UTC
    QString user;           // OS user
    QString action;         // "group.create", "vm.attach", ...
    QString subject;        // what it was about, e.g. "group 'PCI GPUs'"
    AuditResult result = AuditResult::Ok;
    QString detail;         // the reason for a refusal or failure; a summary otherwise
};

// Nodes and the devices waiting for their reboot (the Resource Manager banner).
struct RebootNotice
{
    qint64 nodeId = 0;
    QString nodeName;
    QStringList devices;
};

// What a node add or refresh found.
struct RefreshReport
{
    NodeInfo node;
    int added = 0;
    int updated = 0;
    QStringList vanished;     // addresses no longer present (flagged, kept)
    QStringList idsChanged;   // addresses whose ids differ from the recorded ones (flagged)
    QStringList warnings;     // from the inventory
};

// What make resource / remove resource did.
struct ResourceChange
{
    qint64 groupId = 0;
    QString nodeName;
    QStringList devices;          // all devices moved (requested + IOMMU companions)
    QStringList added;            // companions that came along for their IOMMU group
    QStringList rulesCreated;     // make resource: addresses with a new rule; remove: rules deleted
    bool rebootRequired = false;
    QStringList rebootDevices;
    QStringList warnings;         // accepted impact findings, one sentence each
};

// How many passthrough units of a group a consumer (a VM, or a tenant node for Pass to Tenant)
// could get, as the domain service counts them for attach, start and pass (one place:
// backend/PassthroughUnits). A unit is a group's endpoints of one IOMMU group on one node.
struct GroupAvailability
{
    int total = 0;        // units on the consumer's node (tenant VM: in the pool on its tenant node) with their recorded ids
    int reserved = 0;     // of those, owned by tenants (thick provisioning), host consumers only
    int inUse = 0;        // of those, held by running VMs other than this one
    int own = 0;          // held by this VM now: its restart releases and takes them again
    int claimed = 0;      // Count of this VM's other machine devices of the group (they compete at its start)
    int capacity = 0;     // what Count may be at most: total - reserved - claimed (pass: free)
    int free = 0;         // of capacity, free right now (a restart or pass gets them at once)
    int rebootPending = 0;// units waiting for their node's reboot (not free until then)
    int moving = 0;       // units being moved by an operation in progress
    int flagged = 0;      // units left out: a device vanished or its ids changed
    QList<int> freeUnitSizes; // functions of each free unit, in the order a start takes them
    bool wrongTenantNode = false; // tenant group attached to another tenant node than the VM's
    GroupClass groupClass = GroupClass::Other;

    // Functions the first `units` free units have (what Count `units` would get now).
    int functionsFor(int units) const;
};

// An IOMMU group held by more than one consumer (a store written before whole groups were
// allocated, or a refresh that found the groups changed): QEMU refuses to start the second.
struct SplitIommuGroup
{
    qint64 nodeId = 0;
    QString nodeName;
    int iommuGroup = -1;
    QStringList consumers;   // "VM 'web-01' (0000:b0:00.0)", "tenant 'Acme' (0000:17:00.0)"
    QList<qint64> vmIds;     // the VMs among them
    QString message;         // one sentence: which group, who holds it
    QString hint;            // what to do
};

// Removing a machine device of a running VM: the VM keeps it until it stops, or is stopped first.
enum class RunningVmPolicy { KeepUntilStop, StopVmFirst };

struct RestartResult
{
    Vm vm;
    QList<AllocatedDevice> allocated;
    QStringList bound;            // devices that had to be bound to vfio-pci at this restart
};

} // namespace passdeck
