#pragma once

#include "core/Node.h"
#include "node/host/HostAccess.h"
#include "node/host/HostRoot.h"
#include "node/hypervisor/HypervisorTarget.h"
#include "node/inventory/Inventory.h"

#include <memory>

namespace passdeck {

class SimKernel;
class SysfsWriter;

// A host root on this machine, real or simulated. It is both sides of the node boundary
// (docs/node-boundary.md): the Node the service talks to (each call one whole operation, run
// here by the binder and the restore over this node's HostAccess) and that HostAccess.
//
// Real or simulated. Real: writes are plain file I/O
// (RealSysfsWriter) and reboot() refuses with instructions. Simulated: writes go through the
// simulator (SimKernel), which gives the directory kernel semantics and can "reboot" it.
//
// Prefer open(), which returns the reason a root cannot be used. The constructor runs the same
// checks (some tests build a node directly): when they fail, the node is closed — every write
// is refused with EPERM and inventory() returns the reason (openStatus()).
class LocalNode : public Node, public HostAccess
{
public:
    LocalNode(const QString &root, bool simulated, InventoryOptions options = {});
    ~LocalNode() override;

    // Checks the root (HostRoot::check) before making the node.
    static Result<std::unique_ptr<LocalNode>> open(const QString &root, bool simulated, InventoryOptions options = {});
    // What open() checks: the root (HostRoot::check) and that `simulated` matches the root.
    static Status validate(const QString &root, bool simulated);
    // Whether the checks passed when the node was made; a failed node writes nothing.
    const Status &openStatus() const { return m_openStatus; }

    const HostRoot &hostRoot() const { return m_root; }

    // Node (the central side's calls; LocalNodeOps.cpp)
    QString address() const override { return m_root.root(); }
    bool isSimulated() const override { return m_simulated; }
    Result<NodeIdentity> identity() override;
    Result<InventorySnapshot> inventory() override;
    Result<HostMounts> hostMounts() override;
    Result<NodeCapabilities> capabilities(int recordedIommuGroup) override;
    Result<BindPlan> plan(const QStringList &addresses, BindTarget target) override;
    Result<ApplyResult> apply(const BindPlan &plan, const ApplyOptions &options, const NodeProgress &progress = {}) override;
    Status restore(const RestoreRequest &request) override;
    Result<QMap<QString, DriverState>> driverStates(const QStringList &addresses) override;
    Result<SriovState> sriovState(const QString &pfAddress) override;
    Result<QList<Finding>> vfCountImpact(const QString &pfAddress, int count) override;
    Result<QStringList> setVfCount(const QString &pfAddress, int count, const VfCountOptions &options) override;
    Status reboot() override;

    // The hypervisor (libvirt, docs/libvirt.md; LocalNodeHypervisor.cpp): a simulated root's
    // test driver file, else libvirtUri() (qemu:///system when empty).
    Result<QList<DomainInfo>> domains() override;
    Result<QString> domainXml(const QString &name) override;
    Result<DomainInfo> defineDomain(const DomainDefinition &definition) override;
    Result<DomainInfo> changeDomain(const DomainChange &change) override;
    Result<DomainInfo> attachLive(const QString &name, const QStringList &addresses) override;
    Status undefineDomain(const QString &name) override;
    // The libvirt URI of a real root (NodeInfo::libvirtUri; "" = qemu:///system). A simulated
    // root always uses its test driver file.
    void setLibvirtUri(const QString &uri) { m_libvirtUri = uri; }
    const QString &libvirtUri() const { return m_libvirtUri; }
    // Where this node's hypervisor is (the agent's recovery opens it too).
    HypervisorTarget hypervisorTarget() const;

    // HostAccess (the node side's reads and writes; LocalNode.cpp)
    QString readLinkName(const QString &relativePath) const override;
    Result<QString> readAttribute(const QString &relativePath) const override;
    bool exists(const QString &relativePath) const override;
    int write(const QString &relativePath, const QByteArray &value) override;
    Result<QMap<QString, QString>> persistedOverrides() const override;
    Status updatePersistence(const QMap<QString, QString> &set, const QStringList &clear) override;

    // The write back-end (plain file I/O or the simulator); tests and `passdeck-cli sysfs`
    // write through it directly.
    SysfsWriter &writer() { return *m_writer; }

    // The simulator behind a simulated node (fault injection in tests); null for a real one.
    SimKernel *simKernel() const { return m_sim; }
    const InventoryOptions &inventoryOptions() const { return m_options; }

private:
    HostRoot m_root;
    bool m_simulated = false;
    InventoryOptions m_options;
    Status m_openStatus;
    std::unique_ptr<SysfsWriter> m_writer;
    SimKernel *m_sim = nullptr; // m_writer, when simulated
    QString m_libvirtUri;
};

} // namespace passdeck
