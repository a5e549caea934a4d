#pragma once

#include "core/BindTypes.h"
#include "core/Error.h"
#include "core/PciAddress.h"
#include "core/PciDevice.h"

namespace passdeck {

class HostAccess;

// Moves devices between their host driver and vfio-pci (docs/binding.md).
// plan() is a dry run: the exact writes, the IOMMU group members that must come along, and the
// impact findings. apply() runs a plan, verifies every device's driver afterwards and, if any
// step fails, returns every device already changed to its original driver; the Error then names
// the failing device (Error::device), the step (Error::step, the sysfs file) and the errno
// (Error::errnum). Re-running an interrupted apply completes it.
class Binder
{
public:
    explicit Binder(HostAccess &node);

    Result<BindPlan> plan(const QStringList &addresses, BindTarget target) const;
    // The same over a snapshot the caller already has (no scan).
    Result<BindPlan> plan(const InventorySnapshot &snapshot, const QStringList &addresses, BindTarget target) const;
    Result<ApplyResult> apply(const BindPlan &plan, const ApplyOptions &options = {});
    // plan() + apply(): refused with an Error (code "blocked") when blockers remain.
    Result<ApplyResult> run(const QStringList &addresses, BindTarget target, const ApplyOptions &options = {});

    // SR-IOV: set a PF's VF count (through 0 when changing a non-zero count). With
    // autoprobeToHost false, sriov_drivers_autoprobe is turned off first so that new VFs stay
    // unbound and can go straight to vfio-pci. Returns the VF addresses.
    //
    // Changing a non-zero count removes every current VF first: the impact check
    // (vfCountImpact) runs before anything is written, and its blockers refuse the change
    // (Error code "blocked", step "impact-check") unless force — all of them are forcible.
    // sriov_drivers_autoprobe changes only after the check, and goes back if the count write fails.
    Result<QStringList> setVfCount(const QString &pfAddress, int count, bool autoprobeToHost = true, bool force = false);
    // What setting the VF count would take away: ImpactCheck::vfRemoval on the VFs that go.
    Result<QList<Finding>> vfCountImpact(const QString &pfAddress, int count) const;
    // A PF's VF addresses, in virtfn order (read from its virtfnN links).
    Result<QStringList> virtualFunctions(const QString &pfAddress) const;

private:
    struct DeviceState
    {
        QString driver;   // "" = none
        QString override; // "" = none ("(null)" in sysfs)
        bool present = true;
    };

    struct VfCounts
    {
        int current = 0;
        int total = 0;
    };
    // Validates the PF and the count: the Error names pfAddress and says what to do.
    Result<VfCounts> readVfCounts(const QString &pfAddress, int count, const QString &what) const;
    Result<QList<Finding>> vfRemovalFindings(const QString &pfAddress, int current, int count) const;

    DeviceState readState(const PciAddress &address) const;
    // The device's class attribute says it is a bridge (base class 0x06).
    bool isBridgeNow(const PciAddress &address) const;
    int writeOnce(const QString &path, const QByteArray &value);
    int writeRetryingBusy(const QString &path, const QByteArray &value);
    // Puts every device of the plan back in its original state; the failures, one sentence each.
    QStringList rollback(const BindPlan &plan, const QMap<QString, DeviceState> &original);
    Error withRollback(Error error, const BindPlan &plan, const QMap<QString, DeviceState> &original);
    Status persist(const QStringList &devices, BindTarget target);

    HostAccess &m_node;
};

} // namespace passdeck
