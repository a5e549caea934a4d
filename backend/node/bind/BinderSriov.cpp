// Binder's SR-IOV half: a PF's VF count, with the impact check on the VFs a change removes.
#include "node/bind/Binder.h"

#include "node/bind/BindPlanner.h"
#include "node/bind/ImpactCheck.h"
#include "node/inventory/Inventory.h"
#include "node/host/HostAccess.h"
#include "node/host/RealSysfsWriter.h"
#include "node/host/SysfsWriter.h"

#include <QCoreApplication>

#include <cerrno>

namespace passdeck {

namespace {
QString tr(const char *text)
{
    return QCoreApplication::translate("Binder", text);
}
} // namespace

Result<QStringList> Binder::virtualFunctions(const QString &pfAddress) const
{
    Result<PciAddress> pf = PciAddress::parse(pfAddress);
    if (!pf)
        return pf.error();
    QStringList vfs;
    Result<QString> num = m_node.readAttribute(bindpaths::sriovNumVfs(pf.value()));
    const int count = num ? num.value().trimmed().toInt() : 0;
    for (int i = 0; i < count; ++i) {
        const QString vf = m_node.readLinkName(bindpaths::virtfn(pf.value(), i));
        if (!PciAddress::isValid(vf)) {
            Error e = Error::make(ErrorCode::SriovInconsistent, tr("Listing the VFs of %1").arg(pfAddress),
                                  tr("virtfn%1 is missing or does not name a PCI address").arg(i));
            e.device = pfAddress;
            e.step = bindpaths::virtfn(pf.value(), i);
            return e;
        }
        vfs.append(vf);
    }
    return vfs;
}

Result<Binder::VfCounts> Binder::readVfCounts(const QString &pfAddress, int count, const QString &what) const
{
    Result<PciAddress> parsed = PciAddress::parse(pfAddress);
    if (!parsed) {
        Error e = parsed.error();
        e.device = pfAddress.left(64);
        return e;
    }
    const PciAddress pf = parsed.value();
    auto fail = [&](ErrorCode code, const QString &why, const QString &hint = {}) {
        Error e = Error::make(code, what, why, hint);
        e.device = pfAddress;
        return e;
    };
    if (!m_node.exists(bindpaths::device(pf)))
        return fail(ErrorCode::UnknownDevice, tr("there is no PCI device %1 on this node").arg(pfAddress),
                    tr("Check the address in PCI Devices (or with `passdeck-cli devices`)."));
    Result<QString> totalText = m_node.readAttribute(bindpaths::sriovTotalVfs(pf));
    if (!totalText)
        return fail(ErrorCode::NotSriov, tr("%1 is not SR-IOV capable (no sriov_totalvfs)").arg(pfAddress),
                    tr("Only a physical function with SR-IOV enabled in the firmware can have VFs."));
    VfCounts counts;
    counts.total = totalText.value().trimmed().toInt();
    if (count < 0 || count > counts.total)
        return fail(ErrorCode::BadVfCount, tr("%1 supports 0 to %2 VFs").arg(pfAddress).arg(counts.total),
                    tr("Pick a count between 0 and %1.").arg(counts.total));
    Result<QString> currentText = m_node.readAttribute(bindpaths::sriovNumVfs(pf));
    counts.current = currentText ? currentText.value().trimmed().toInt() : 0;
    return counts;
}

Result<QList<Finding>> Binder::vfRemovalFindings(const QString &pfAddress, int current, int count) const
{
    // A non-zero count changes through 0, so every current VF goes (and new ones come).
    if (current == 0 || count == current)
        return QList<Finding>();
    Result<QStringList> vfs = virtualFunctions(pfAddress);
    if (!vfs)
        return vfs.error();
    if (vfs->isEmpty())
        return QList<Finding>();
    Result<InventorySnapshot> snapshot = m_node.inventory();
    if (!snapshot)
        return snapshot.error();
    return ImpactCheck::vfRemoval(snapshot.value(), m_node, pfAddress, vfs.value());
}

Result<QList<Finding>> Binder::vfCountImpact(const QString &pfAddress, int count) const
{
    const QString what = tr("Checking what setting the VF count of %1 to %2 takes away").arg(pfAddress.left(64)).arg(count);
    Result<VfCounts> counts = readVfCounts(pfAddress, count, what);
    if (!counts)
        return counts.error();
    return vfRemovalFindings(pfAddress, counts->current, count);
}

Result<QStringList> Binder::setVfCount(const QString &pfAddress, int count, bool autoprobeToHost, bool force)
{
    const QString what = tr("Setting the VF count of %1 to %2").arg(pfAddress.left(64)).arg(count);
    Result<VfCounts> counts = readVfCounts(pfAddress, count, what);
    if (!counts)
        return counts.error();
    const PciAddress pf = PciAddress::parse(pfAddress).value();
    const int current = counts->current;

    // Before any write: the VFs that go away must not take a VM's device, an up interface or a
    // mounted disk with them unless the caller forces it.
    Result<QList<Finding>> findings = vfRemovalFindings(pfAddress, current, count);
    if (!findings) {
        Error e = findings.error();
        e.what = what;
        return e;
    }
    QList<Finding> blockers;
    for (const Finding &f : findings.value())
        if (f.severity == Severity::Blocker && (!force || !f.forcible))
            blockers.append(f);
    if (!blockers.isEmpty()) {
        Error e = Error::make(ErrorCode::Blocked, tr("Refused: %1").arg(what), joinFindingMessages(blockers),
                              tr("Changing a non-zero VF count removes every current VF (the count goes through 0). "
                                 "Resolve the findings above first."));
        e.device = blockers.first().device;
        e.step = QStringLiteral("impact-check");
        return e;
    }

    auto write = [&](const QString &path, const QByteArray &value) -> Status {
        const int e = writeOnce(path, value);
        if (e != 0)
            return RealSysfsWriter::writeError(path, value, e, pfAddress, what);
        return {};
    };
    // Autoprobe decides what new VFs bind to: their host driver (1) or nothing (0), the latter
    // so they can go straight to vfio-pci without first appearing as host interfaces.
    const QString autoprobePath = bindpaths::sriovAutoprobe(pf);
    const QByteArray wanted = autoprobeToHost ? QByteArray("1") : QByteArray("0");
    QByteArray previousAutoprobe; // set when this call changed it
    if (Result<QString> ap = m_node.readAttribute(autoprobePath); ap && ap.value().trimmed().toLatin1() != wanted) {
        if (Status s = write(autoprobePath, wanted); !s)
            return s.error();
        previousAutoprobe = ap.value().trimmed().toLatin1();
    }
    // A failed count change leaves autoprobe as it was, so the PF behaves as before.
    auto restoreAutoprobe = [&](Error e) {
        if (!previousAutoprobe.isEmpty()) {
            const int back = writeOnce(autoprobePath, previousAutoprobe);
            e.why += back == 0 ? tr("; sriov_drivers_autoprobe is back to %1").arg(QString::fromLatin1(previousAutoprobe))
                               : tr("; putting sriov_drivers_autoprobe back to %1 failed too (%2)")
                                     .arg(QString::fromLatin1(previousAutoprobe), errnoName(back));
        }
        return e;
    };
    if (current == count)
        return virtualFunctions(pfAddress);

    const QString numPath = bindpaths::sriovNumVfs(pf);
    // The kernel refuses (EBUSY) to change a non-zero count to another non-zero one.
    const bool throughZero = current != 0 && count != 0;
    if (throughZero || count == 0)
        if (Status s = write(numPath, QByteArray("0")); !s)
            return restoreAutoprobe(s.error());
    if (count != 0) {
        if (Status s = write(numPath, QByteArray::number(count)); !s) {
            Error e = s.error();
            // Do not leave the PF without the VFs it had: try the old count again.
            if (throughZero) {
                const int back = writeOnce(numPath, QByteArray::number(current));
                e.why += back == 0 ? tr("; the previous %1 VFs were restored").arg(current)
                                   : tr("; restoring the previous %1 VFs failed too (%2): the PF has no VFs now")
                                         .arg(current).arg(errnoName(back));
            }
            return restoreAutoprobe(e);
        }
    }
    return virtualFunctions(pfAddress);
}

} // namespace passdeck
