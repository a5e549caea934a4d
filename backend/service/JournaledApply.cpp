#include "service/JournaledApply.h"

#include "service/DomainServiceContext.h"
#include "store/Journal.h"
#include "core/Node.h"
#include "core/PciAddress.h"
#include "store/Store.h"
#include "store/StoreTransaction.h"

#include <QCoreApplication>

namespace passdeck {

namespace {
QString tr(const char *text)
{
    return QCoreApplication::translate("DomainService", text);
}
} // namespace

Status JournaledApply::restore(Node &host, const JournalEntry &entry)
{
    // One call: the node puts the live drivers back, then makes its persistent configuration agree.
    return host.restore(RestoreRequest{entry.originalDrivers, entry.originalOverrides});
}

QStringList JournaledApply::notRestored(Node &host, const JournalEntry &entry)
{
    // Journal contents are data: an invalid address is never asked about, and counts as not back.
    QStringList valid;
    for (const QString &addr : entry.originalDrivers.keys())
        if (PciAddress::isValid(addr))
            valid << addr;
    auto states = host.driverStates(valid);
    QStringList out;
    for (auto it = entry.originalDrivers.cbegin(); it != entry.originalDrivers.cend(); ++it)
        if (!states || !states->contains(it.key()) || states->value(it.key()).driver != it.value())
            out << it.key();
    return out;
}

Error JournaledApply::settle(ServiceContext &ctx, Node &host, const JournalEntry &entry, Error error)
{
    QStringList left = notRestored(host, entry);
    const bool retried = !left.isEmpty();
    if (retried && restore(host, entry))
        left = notRestored(host, entry);
    if (left.isEmpty()) {
        if (retried) {
            // The first attempt to put them back failed (its message may say "move them by
            // hand"), this one worked: the message says what is true now.
            error.why = QString(error.why + tr("; the operation journal then put every device back on its original driver"));
            error.hint = tr("Nothing is left to move by hand; fix the cause above and try again.");
        }
        if (Status removed = Journal::remove(ctx.db(), entry.id); !removed)
            error.addHint(tr("The operation journal could not be cleared (%1); reopening Passdeck clears it.")
                          .arg(removed.error().message()));
        return error;
    }
    // Half-moved devices must stay on record: the journal row is what recovery works from.
    error.addHint(tr("%1 could not be put back on the original driver; the operation journal keeps them and reopening "
                     "Passdeck tries again.").arg(left.join(QLatin1String(", "))));
    return error;
}

Result<JournalEntry> JournaledApply::journal(ServiceContext &ctx, const NodeInfo &node, const BindPlan &plan,
                                             const QString &operation, qint64 groupId, qint64 vmId)
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
    auto pending = Journal::pending(ctx.db());
    if (!pending)
        return pending.error();
    for (const JournalEntry &other : *pending) {
        if (other.nodeId != node.id)
            continue;
        for (const QString &d : plan.devices) {
            if (!other.originalDrivers.contains(d))
                continue;
            Error e = ServiceContext::refusal(ErrorCode::DeviceBusy,
                                              tr("Moving devices of node '%1'").arg(node.name),
                                              tr("%1 is being moved by another operation (%2, process %3 on %4)")
                                                  .arg(d, other.operation).arg(other.pid).arg(other.host),
                                              tr("Wait for it to finish and try again; if that process died, reopen Passdeck to recover."));
            e.device = d;
            return e;
        }
    }
    auto id = Journal::add(ctx.db(), entry);
    if (!id)
        return id.error();
    entry.id = *id;
    return entry;
}

Result<ApplyResult> JournaledApply::run(ServiceContext &ctx, const NodeInfo &node, Node &host,
                                        const BindPlan &plan, const QString &operation, qint64 groupId,
                                        const ApplyOptions &options,
                                        const std::function<Status(const ApplyResult &)> &record,
                                        const std::function<Status()> &recheck)
{
    // Not the operation's last commit (tx.commit()): its audit entry goes with the recorded apply.
    auto journaled = ctx.write([&](StoreTransaction &tx) -> Result<JournalEntry> {
        if (recheck) {
            if (Status s = recheck(); !s)
                return s.error();
        }
        auto entry = journal(ctx, node, plan, operation, groupId);
        if (!entry)
            return entry.error();
        if (Status s = tx.commit(); !s)
            return s.error();
        return entry;
    });
    if (!journaled)
        return journaled.error();
    return complete(ctx, host, *journaled, plan, options, record);
}

Result<ApplyResult> JournaledApply::complete(ServiceContext &ctx, Node &host, const JournalEntry &entry,
                                             const BindPlan &plan, const ApplyOptions &options,
                                             const std::function<Status(const ApplyResult &)> &record,
                                             const std::function<Status()> &undoStore,
                                             const AfterApply &after)
{
    ServiceContext::step("journaled");
    // The kill-test step at every sysfs write: the node calls progress before each one.
    const NodeProgress stepped = [&options](int done, int total, const QString &step) {
        ServiceContext::step("write");
        if (options.progress)
            options.progress(done, total, step);
    };
    // The store side of the operation is undone first, while the row still claims the devices:
    // a process dying after this finds the row and puts the devices back.
    auto undo = [&](Error error) -> Error {
        if (undoStore) {
            // The operation failed: no audit entry in this transaction (tx.commit()).
            Status undone = ctx.write([&](StoreTransaction &tx) -> Status {
                if (Status s = undoStore(); !s)
                    return s;
                return tx.commit();
            });
            if (!undone) {
                // The row stays, so recovery redoes both sides; the devices go back now anyway.
                (void)restore(host, entry);
                error.addHint(tr("Undoing the store side failed too (%1); the operation journal keeps the operation and "
                                 "reopening Passdeck finishes undoing it.").arg(undone.error().message()));
                return error;
            }
            ServiceContext::step("undone");
        }
        return settle(ctx, host, entry, std::move(error));
    };
    auto applied = host.apply(plan, options, stepped);
    if (!applied) {
        // The binder tried to put the devices back; the row goes only if it managed.
        return undo(applied.error());
    }
    ServiceContext::step("applied");
    if (after.run) {
        if (Status s = after.run(*applied); !s) {
            (void)restore(host, entry); // settle() checks the outcome and keeps the row if needed
            return undo(s.error());
        }
    }
    // The operation's last commit, with its audit entry; rolled back unless committed, before
    // settle() touches the journal.
    Status recorded = ctx.write([&](StoreTransaction &) -> Status {
        if (Status s = record(*applied); !s)
            return s;
        return Journal::remove(ctx.db(), entry.id);
    });
    if (!recorded) {
        // The store does not describe the move: the devices go back where it says they are,
        // and so does the persistent configuration (also after a --next-boot apply). What used
        // them since (a started domain) lets go of them first.
        Error error = after.undo ? after.undo(recorded.error()) : recorded.error();
        (void)restore(host, entry); // settle() checks the outcome and keeps the row if needed
        return undo(std::move(error));
    }
    return applied;
}

} // namespace passdeck
