#pragma once

#include "BindTypes.h"
#include "DomainTypes.h"
#include "Error.h"

#include <functional>

namespace passdeck {

class NodeHost;
struct JournalEntry;
struct ServiceContext;

// Sysfs changes under the operation journal (DESIGN.md §3.4): the row is committed before the
// first write and removed in the transaction that records the outcome. The row is removed on
// failure only once every device is verified back on its original driver; when putting them back
// failed too, the row stays so that the next open of the store retries (and says so in the hint).
class JournaledApply
{
public:
    // Moves devices on a node through the binder under a journal row; `record` runs in the
    // transaction that removes it, and when it fails the devices go back to their original
    // drivers. The journal row's write transaction also claims the devices: it refuses when
    // another live operation has them in its journal row, and runs `recheck` (the caller's
    // validation, again, under the write lock) so that two processes never move the same
    // device at once. vmId: the VM a vm-restart binds for (recovery turns it off).
    static Result<ApplyResult> run(ServiceContext &ctx, const NodeInfo &node, NodeHost &host,
                                   const BindPlan &plan, const QString &operation, qint64 groupId,
                                   const ApplyOptions &options,
                                   const std::function<Status(const ApplyResult &)> &record,
                                   const std::function<Status()> &recheck = {}, qint64 vmId = 0);

    // Puts exactly the journaled devices back on their original drivers and overrides.
    static Status restore(NodeHost &host, const JournalEntry &entry);

private:
    // After a failure: removes the row when every device is back (trying once more to put them
    // back), otherwise keeps it and tells the user in error's hint.
    static Error settle(ServiceContext &ctx, NodeHost &host, const JournalEntry &entry, Error error);
};

} // namespace passdeck
