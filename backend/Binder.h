#pragma once

#include "BindTypes.h"
#include "Error.h"

namespace passdeck {

class NodeHost;

// Moves devices between their host driver and vfio-pci (DESIGN.md §3.2, §4).
// plan() is a dry run: the exact writes, the IOMMU group members that must come along, and the
// impact findings. apply() runs a plan, verifies every device's driver afterwards and, if any
// step fails, returns every device already changed to its original driver; the Error then names
// the failing device (Error::device), the step (Error::step, the sysfs file) and the errno
// (Error::errnum). Re-running an interrupted apply completes it.
class Binder
{
public:
    explicit Binder(NodeHost &node);

    Result<BindPlan> plan(const QStringList &addresses, BindTarget target) const;
    Result<ApplyResult> apply(const BindPlan &plan, const ApplyOptions &options = {});
    // plan() + apply(): refused with an Error (code "blocked") when blockers remain.
    Result<ApplyResult> run(const QStringList &addresses, BindTarget target, const ApplyOptions &options = {});

    // SR-IOV: set a PF's VF count (through 0 when changing a non-zero count). With
    // autoprobeToHost false, sriov_drivers_autoprobe is turned off first so that new VFs stay
    // unbound and can go straight to vfio-pci. Returns the VF addresses.
    Result<QStringList> setVfCount(const QString &pfAddress, int count, bool autoprobeToHost = true);

private:
    NodeHost &m_node;
};

} // namespace passdeck
