// NodeService: journal recovery (docs/store.md, "Journal and crash recovery"). Every operation a
// process did not finish is taken back to where it started, unless its owner still runs.
#include "service/NodeService.h"

#include "core/Node.h"
#include "service/DomainServiceContext.h"
#include "service/DomainServiceQueries.h"
#include "service/JournaledApply.h"
#include "store/Journal.h"
#include "store/StoreQuery.h"
#include "store/StoreTransaction.h"

#include <QCoreApplication>

namespace passdeck {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("DomainService", text);
}

// The domain of the VM an interrupted start was for, stopped and without Passdeck's hostdevs
// (what a Power Off leaves), when it runs or still lists them. Blocks when the node's hypervisor
// cannot say: the devices must not be taken from a domain that may hold them.
Status stopInterruptedDomain(const QSqlDatabase &db, Node &host, qint64 vmId)
{
    auto vm = DomainServiceQueries::vm(db, vmId);
    if (!vm)
        return vm.error().code == ErrorCode::NotFound ? Status() : Status(vm.error());
    const QString what = tr("Stopping VM '%1' after its interrupted start").arg(vm->name);
    auto domains = host.domains();
    if (!domains) {
        Error e = domains.error();
        e.what = what;
        e.addHint(tr("Its devices stay on vfio-pci until the node's hypervisor answers: "
                     "whether the domain holds them cannot be told. Reopen Passdeck then."));
        return e;
    }
    for (const DomainInfo &d : std::as_const(*domains)) {
        if (d.name != vm->name)
            continue;
        bool listsDevices = false;
        for (const DomainHostdev &h : d.hostdevs)
            listsDevices = listsDevices || h.passdeck;
        if (!domainStateIsActive(d.state) && !listsDevices)
            return {};
        auto stopped = host.changeDomain(DomainChange{vm->name, {}, false, vm->shutdownTimeoutSec});
        if (!stopped) {
            Error e = stopped.error();
            e.what = what;
            return e;
        }
        return {};
    }
    return {};
}

} // namespace

Result<int> NodeService::recoverInterrupted()
{
    m_leaseRefusals.clear();
    auto pending = Journal::pending(m_ctx.db());
    if (!pending)
        return pending.error();
    int recovered = 0;
    for (const JournalEntry &e : *pending) {
        auto n = DomainServiceQueries::node(m_ctx.db(), e.nodeId);
        // Another administrator's operation still running (its process here, or its lease
        // elsewhere) is never touched; the refusal says whose it is.
        if (Status mine = Journal::mayRecover(e, n ? n->name : QString::number(e.nodeId)); !mine) {
            m_leaseRefusals << mine.error();
            continue;
        }
        const QString subject = n ? tr("node '%1'").arg(n->name) : tr("node #%1").arg(e.nodeId);
        bool refreshed = false;
        auto run = [&]() -> Status {
            if (!n)
                return n.error();
            auto host = m_ctx.node(*n);
            if (!host)
                return host.error();
            if (e.operation == QLatin1String("node-reboot")) {
                // A reboot cannot be undone: it is finished (repeated, it is the same reboot) and recorded.
                if (Status s = (*host)->reboot(); !s)
                    return s;
                ServiceContext::step("rebooted");
                auto recorded = recordReboot(*n, **host, e.id);
                refreshed = recorded.ok();
                return recorded ? Status() : Status(recorded.error());
            }
            // A VM start may have died after its domain started on the devices: the domain lets
            // go of them first, as a failed start's undo does (unbinding vfio-pci from a device
            // QEMU holds waits in the kernel until QEMU lets go).
            if (e.vmId > 0) {
                if (Status s = stopInterruptedDomain(m_ctx.db(), **host, e.vmId); !s)
                    return s;
                ServiceContext::step("domain-stopped");
            }
            // Back to where every device was before the interrupted operation: the store never
            // recorded its outcome, so the original drivers are what the store still describes.
            // Exactly the journaled devices, each to its own driver: a new bind plan would pull
            // in the rest of the IOMMU group and bounce devices a running VM holds.
            if (Status s = JournaledApply::restore(**host, e); !s)
                return s;
            ServiceContext::step("restored");
            return m_ctx.write([&](StoreTransaction &) -> Status {
                if (e.vmId > 0) {
                    // A VM start died while binding: its devices are back on host drivers, so it is
                    // not running on them. Free them and ask for a restart.
                    const QString what = tr("Turning off VM #%1 after an interrupted start").arg(e.vmId);
                    if (Status s = StoreQuery::run(m_ctx.db(), QStringLiteral("DELETE FROM machine_devices WHERE vm_id = ? AND removal_pending = 1"),
                                                   {e.vmId}, what); !s)
                        return s;
                    if (Status s = StoreQuery::run(m_ctx.db(), QStringLiteral("DELETE FROM allocations WHERE vm_id = ?"), {e.vmId}, what); !s)
                        return s;
                    if (Status s = StoreQuery::run(m_ctx.db(), QStringLiteral(
                            "DELETE FROM device_holds WHERE holder_scope = 0 AND device_id NOT IN (SELECT device_id FROM allocations)"), {}, what); !s)
                        return s;
                    if (Status s = StoreQuery::run(m_ctx.db(), QStringLiteral("UPDATE vms SET power = 'off', restart_needed = 1 WHERE id = ?"),
                                                   {e.vmId}, what); !s)
                        return s;
                }
                return Journal::remove(m_ctx.db(), e.id);
            });
        };
        Status s = m_ctx.run(QStringLiteral("journal.recover"),
                             tr("%1 on %2 (%3)").arg(e.operation, subject, e.originalDrivers.keys().join(QLatin1String(", "))), run,
                             ServiceContext::Nodes | (e.vmId > 0 || e.operation == QLatin1String("node-reboot") ? ServiceContext::Vms : 0));
        // A node that cannot be reached now (host root gone, store busy) must not lock the
        // administrator out of every other node: the entry stays and is retried next time.
        if (!s)
            continue;
        ++recovered;
        if (!refreshed)
            (void)refreshImpl(e.nodeId, {});
    }
    return recovered;
}

} // namespace passdeck
