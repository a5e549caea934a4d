#include "JournaledApply.h"

#include "Binder.h"
#include "DomainServiceContext.h"
#include "DriverRestore.h"
#include "Journal.h"
#include "NodeHost.h"
#include "Store.h"
#include "StoreTransaction.h"

#include <QCoreApplication>

namespace passdeck {

namespace {
QString tr(const char *text)
{
    return QCoreApplication::translate("DomainService", text);
}
} // namespace

Status JournaledApply::restore(NodeHost &host, const JournalEntry &entry)
{
    return DriverRestore::restore(host, entry.originalDrivers, entry.originalOverrides);
}

Error JournaledApply::settle(ServiceContext &ctx, NodeHost &host, const JournalEntry &entry, Error error)
{
    QStringList left = DriverRestore::notRestored(host, entry.originalDrivers);
    if (!left.isEmpty() && restore(host, entry))
        left = DriverRestore::notRestored(host, entry.originalDrivers);
    if (left.isEmpty()) {
        if (Status removed = Journal::remove(ctx.db(), entry.id); !removed)
            error.hint = QString(error.hint + QLatin1Char(' ') + tr("The operation journal could not be cleared (%1); reopening Passdeck clears it.")
                          .arg(removed.error().message())).trimmed();
        return error;
    }
    // Half-moved devices must stay on record: the journal row is what recovery works from.
    error.hint = QString(error.hint + QLatin1Char(' ')
                  + tr("%1 could not be put back on the original driver; the operation journal keeps them and reopening "
                       "Passdeck tries again.").arg(left.join(QLatin1String(", ")))).trimmed();
    return error;
}

Result<ApplyResult> JournaledApply::run(ServiceContext &ctx, const NodeInfo &node, NodeHost &host,
                                        const BindPlan &plan, const QString &operation, qint64 groupId,
                                        const ApplyOptions &options,
                                        const std::function<Status(const ApplyResult &)> &record,
                                        const std::function<Status()> &recheck, qint64 vmId)
{
    JournalEntry entry;
    entry.nodeId = node.id;
    entry.operation = operation;
    entry.target = plan.target == BindTarget::VfioPci ? QStringLiteral("vfio") : QStringLiteral("host");
    entry.groupId = groupId;
    entry.vmId = vmId;
    for (const QString &d : plan.devices) {
        entry.originalDrivers.insert(d, plan.originalDrivers.value(d));
        entry.originalOverrides.insert(d, plan.originalOverrides.value(d));
    }
    {
        StoreTransaction tx(*ctx.store);
        if (!tx.begun())
            return tx.begun().error();
        auto pending = Journal::pending(ctx.db());
        if (!pending)
            return pending.error();
        for (const JournalEntry &other : *pending) {
            if (other.nodeId != node.id)
                continue;
            for (const QString &d : plan.devices) {
                if (!other.originalDrivers.contains(d))
                    continue;
                Error e = ServiceContext::refusal(QStringLiteral("device-busy"),
                                                  tr("Moving devices of node '%1'").arg(node.name),
                                                  tr("%1 is being moved by another operation (%2, process %3 on %4)")
                                                      .arg(d, other.operation).arg(other.pid).arg(other.host),
                                                  tr("Wait for it to finish and try again; if that process died, reopen Passdeck to recover."));
                e.device = d;
                return e;
            }
        }
        if (recheck) {
            if (Status s = recheck(); !s)
                return s.error();
        }
        auto id = Journal::add(ctx.db(), entry);
        if (!id)
            return id.error();
        if (Status s = tx.commit(); !s)
            return s.error();
        entry.id = *id;
    }
    auto applied = Binder(host).apply(plan, options);
    if (!applied) {
        // The binder tried to put the devices back; the row goes only if it managed.
        return settle(ctx, host, entry, applied.error());
    }
    Status recorded;
    {
        StoreTransaction tx(*ctx.store);
        recorded = tx.begun();
        if (recorded)
            recorded = record(*applied);
        if (recorded)
            recorded = Journal::remove(ctx.db(), entry.id);
        if (recorded)
            recorded = tx.commit();
    } // rolled back unless committed, before settle() touches the journal
    if (!recorded) {
        // The store does not describe the move: the devices go back where it says they are.
        if (!options.nextBoot)
            (void)restore(host, entry); // settle() checks the outcome and keeps the row if needed
        return settle(ctx, host, entry, recorded.error());
    }
    return applied;
}

} // namespace passdeck
