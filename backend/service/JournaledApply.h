#pragma once

#include "core/BindTypes.h"
#include "core/DomainTypes.h"
#include "core/Error.h"

#include <functional>

namespace passdeck {

class Node;
struct JournalEntry;
struct ServiceContext;

// Sysfs changes under the operation journal (docs/store.md): the row is committed before the
// first write and removed in the transaction that records the outcome. The row is removed on
// failure only once every device is verified back on its original driver; when putting them back
// failed too, the row stays so that the next open of the store retries (and says so in the hint).
class JournaledApply
{
public:
    // A second node effect of the operation, after the devices moved and before the record, run
    // outside the store's write lock (a VM's domain change may wait a whole shutdown timeout,
    // and no other administrator should wait for it). `run` fails: the devices go back. The record
    // fails afterwards: `undo` takes the effect back first (the domain lets go of the devices),
    // then the devices go back; it returns the error, with anything it could not undo said.
    struct AfterApply
    {
        std::function<Status(const ApplyResult &)> run;
        std::function<Error(Error)> undo;
    };

    // Moves devices on a node through the binder under a journal row; `record` runs in the
    // transaction that removes it (with the operation's audit entry), and when it fails the
    // devices go back to their original drivers. The journal row's write transaction also
    // claims the devices: it refuses when another live operation has them in its journal row,
    // and runs `recheck` (the caller's validation, again, under the write lock) so that two
    // processes never move the same device at once.
    static Result<ApplyResult> run(ServiceContext &ctx, const NodeInfo &node, Node &host,
                                   const BindPlan &plan, const QString &operation, qint64 groupId,
                                   const ApplyOptions &options,
                                   const std::function<Status(const ApplyResult &)> &record,
                                   const std::function<Status()> &recheck = {});

    // The two halves of run() for an operation whose store change goes in the journal row's
    // own transaction (a VM start: the allocation and the row commit together, so that no
    // process dies with one and not the other). journal(): inside the caller's open write
    // transaction, claims the devices and inserts the row; vmId names the VM a vm-restart
    // binds for (recovery turns it off). complete(): after that transaction committed, moves
    // the devices and records; on failure `undoStore` runs in a transaction of its own (the
    // row still claiming the devices) before they are put back and the row is cleared.
    static Result<JournalEntry> journal(ServiceContext &ctx, const NodeInfo &node, const BindPlan &plan,
                                        const QString &operation, qint64 groupId, qint64 vmId = 0);
    static Result<ApplyResult> complete(ServiceContext &ctx, Node &host, const JournalEntry &entry,
                                        const BindPlan &plan, const ApplyOptions &options,
                                        const std::function<Status(const ApplyResult &)> &record,
                                        const std::function<Status()> &undoStore = {},
                                        const AfterApply &after = {});

    // Puts exactly the journaled devices back on their original drivers and overrides.
    static Status restore(Node &host, const JournalEntry &entry);
    // The journaled devices whose driver now differs from the recorded one (all of them when
    // the node cannot say).
    static QStringList notRestored(Node &host, const JournalEntry &entry);

private:
    // After a failure: removes the row when every device is back (trying once more to put them
    // back), otherwise keeps it and tells the user in error's hint.
    static Error settle(ServiceContext &ctx, Node &host, const JournalEntry &entry, Error error);
};

} // namespace passdeck
