#pragma once

#include "core/BindTypes.h"

#include <QString>
#include <QStringList>

namespace passdeck {

// Whether a node can pass anything through at all, read through the node: an IOMMU (groups
// under sys/kernel/iommu_groups) and the vfio-pci driver. Shown before any wizard, so that an
// administrator is not led through a flow that cannot succeed (docs/binding.md).
struct NodeReadiness
{
    bool reachable = true;  // the node could be read; false: `reasons` says why
    bool iommu = true;      // IOMMU groups exist
    bool vfioPci = true;    // the vfio-pci driver is there
    QStringList reasons;    // one sentence each: what is missing and what to do
    bool ready() const { return reachable && iommu && vfioPci; }
};

// A PF's SR-IOV counts as the node reports them.
struct SriovState
{
    qint64 nodeId = 0;
    QString address;
    int current = 0;
    int total = 0;
    QStringList vfs;        // the current VFs, in virtfn order
};

// What setting a PF's VF count would do, before anything is written: the VFs that vanish and
// what uses them (resource groups, VMs, tenants from the store; vfio-pci, up interfaces and
// mounted disks from the node). Any blocker refuses the change.
struct VfCountPlan
{
    SriovState state;
    int count = 0;             // the count asked for
    QStringList removed;       // VFs that go away (all of them when a non-zero count changes)
    QList<Finding> findings;
    int blockers() const
    {
        int n = 0;
        for (const Finding &f : findings)
            n += f.severity == Severity::Blocker ? 1 : 0;
        return n;
    }
};

} // namespace passdeck
