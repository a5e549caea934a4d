#pragma once

#include "node/inventory/Inventory.h"
#include "node/NodeHost.h"

#include <memory>

namespace passdeck {

class SimKernel;

// A host root on this machine, real or simulated. Real: writes are plain file I/O
// (RealSysfsWriter) and reboot() refuses with instructions. Simulated: writes go through the
// simulator (SimKernel), which gives the directory kernel semantics and can "reboot" it.
//
// Prefer open(), which returns the reason a root cannot be used. The constructor runs the same
// checks (some tests build a node directly): when they fail, the node is closed — every write
// is refused with EPERM and inventory() returns the reason (openStatus()).
class LocalNode : public NodeHost
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

    const HostRoot &hostRoot() const override { return m_root; }
    bool isSimulated() const override { return m_simulated; }
    Result<InventorySnapshot> inventory() override;
    SysfsWriter &writer() override { return *m_writer; }
    QString readLinkName(const QString &relativePath) const override;
    Result<QString> readAttribute(const QString &relativePath) const override;
    bool exists(const QString &relativePath) const override;
    Status reboot() override;

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
};

} // namespace passdeck
