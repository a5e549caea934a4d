#pragma once

#include "service/DomainService.h"
#include "core/DomainTypes.h"
#include "core/Error.h"
#include "store/Store.h"
#include "store/StoreTransaction.h"

#include <QSqlDatabase>

#include <memory>
#include <type_traits>

namespace passdeck {

class Store;

// The audit entry of the operation running on this thread (ServiceContext::run): written by
// ServiceContext::commit() in the transaction that commits the operation's change.
struct AuditScope
{
    QString action;
    QString subject;
    bool written = false;
    AuditScope *outer = nullptr;
    const struct ServiceContext *ctx = nullptr; // whose store renews the journal's leases (step())
};

// What the service's parts share: the store, the options, the audit and the signals.
struct ServiceContext
{
    enum Change { Nodes = 1, Groups = 2, Vms = 4, Tenants = 8 };

    DomainService *q = nullptr;
    std::shared_ptr<Store> store;
    ServiceOptions options;
    QString user;

    QSqlDatabase db() const;

    // Name rules shared by groups, VMs, tenants, tenant nodes, nodes and machine devices:
    // not blank, at most 128 characters, no control characters. `kind` is "group", "VM"...
    static Status checkName(const QString &name, const QString &kind);
    static Status checkCount(int count);

    static Error refusal(ErrorCode code, const QString &what, const QString &why, const QString &hint = {});
    static Error notFound(const QString &kind, qint64 id);
    // The audit result of an error: its code's category (core/ErrorCode.h); an errno makes it a failure.
    static AuditResult classify(const Error &error);

    // The envelope of a change: the operation's audit entry (action, subject), one write
    // transaction begun and checked, body inside it, the commit that writes the audit row in
    // the same transaction, then the change signals (changes: Change flags). body takes the
    // StoreTransaction and returns a Status or a Result; it may commit itself with
    // commit(tx) to read back what it wrote. prepare, when given, runs first and outside the
    // transaction: checks that need no lock and reads of the node (never under the write lock).
    template<typename Body>
    auto change(const QString &action, const QString &subject, int changes, Body &&body) const
        -> std::invoke_result_t<Body &, StoreTransaction &>
    {
        return run(action, subject, [&] { return write(body); }, changes);
    }
    template<typename Prepare, typename Body>
    auto change(const QString &action, const QString &subject, int changes, Prepare &&prepare, Body &&body) const
        -> std::invoke_result_t<Body &, StoreTransaction &>
    {
        using R = std::invoke_result_t<Body &, StoreTransaction &>;
        return run(action, subject, [&]() -> R {
            if (Status s = prepare(); !s)
                return R(s.error());
            return write(body);
        }, changes);
    }

    // Runs one operation under its audit entry: a success is audited by commit() in the same
    // transaction as the change (both land or neither); a refusal or failure, which changed
    // nothing, is audited on its own afterwards. Then the signals. changes: Change flags.
    // For an operation of several transactions (journaled applies): each one is a write().
    template<typename F>
    auto run(const QString &action, const QString &subject, F &&fn, int changes) const -> decltype(fn())
    {
        AuditScope scope{action, subject};
        scope.ctx = this;
        enterAudit(scope);
        auto r = fn();
        leaveAudit(scope);
        flushReachability();
        finished(scope, r.ok() ? nullptr : &r.error(), changes);
        return r;
    }

    // One write transaction: begun and checked, body inside it, rolled back unless it commits.
    // When body succeeds and has not committed, commit() ends it: the operation's final commit,
    // with its audit row. A transaction that is not the last (a journal row written before sysfs
    // is touched) ends its body with tx.commit().
    //
    // A serialisation failure or deadlock mid-body or at COMMIT ("store-conflict") rolls the
    // transaction back and runs the whole body again in a new one (Store::maxConflictAttempts
    // tries, Store::conflictPause between), unless the attempt committed or touched a node:
    // bodies change only the store, and a node effect (a sysfs write, a reboot) is never
    // repeated — such a conflict is reported (docs/store.md, "Conflicts").
    template<typename Body>
    auto write(Body &&body) const -> std::invoke_result_t<Body &, StoreTransaction &>
    {
        using R = std::invoke_result_t<Body &, StoreTransaction &>;
        for (int attempt = 1;; ++attempt) {
            const quint64 effects = nodeEffects();
            bool begun = false;
            bool committed = false;
            R r = [&]() -> R {
                StoreTransaction tx(*store);
                if (!tx.begun())
                    return R(tx.begun().error()); // BEGIN retries its own conflicts (Store::beginWrite)
                begun = true;
                R result = body(tx);
                if (result.ok() && tx.isOpen()) {
                    if (Status s = commit(tx); !s)
                        result = R(s.error());
                }
                committed = tx.committed();
                return result;
            }();
            if (r.ok() || !begun || committed || r.error().code != ErrorCode::StoreConflict)
                return r;
            if (attempt >= Store::maxConflictAttempts || nodeEffects() != effects) {
                Error e = r.error();
                e.why = conflictWhy(e.why, attempt, nodeEffects() != effects);
                return R(e);
            }
            Store::conflictPause(attempt);
        }
    }

    // Counts this thread's node effects (TrackedNode: apply, restore, VF count, reboot), so
    // that write() can tell a body that touched a node from one that only changed the store.
    static void noteNodeEffect();
    static quint64 nodeEffects();

    // The operation's final commit: writes its audit row (once) inside tx, then commits.
    // Intermediate commits (a journal row before sysfs is touched) use tx.commit() directly.
    Status commit(StoreTransaction &tx) const;

    // Test hook: with PASSDECK_TEST_KILL_AT=<action>:<n>, the process raises SIGKILL at the n-th
    // step of that action (every commit, every sysfs write of an apply, every step of a recovery),
    // so that tests can kill an operation at each of its steps (docs/store.md, "Crash recovery").
    // Every step also renews the lease of this process's journal rows (at most every
    // Journal::renewEverySeconds), so that another host's recovery sees the operation alive.
    static void step(const char *label);

    // The node behind a stored NodeInfo, through options.nodeFactory; a stored node (id > 0)
    // comes wrapped in a TrackedNode, which notes whether it answers.
    Result<std::unique_ptr<Node>> node(const NodeInfo &node) const;

    // Whether a stored node answers (TrackedNode): since = when it first did not (invalid: it
    // answered; agentVersion then as it reported it). Written at once in a transaction of its
    // own, or, while this thread's operation holds one, when the operation ends (run()), so that
    // the rollback of a refused flow does not take the note with it. Emits nodesChanged.
    void noteReachability(qint64 nodeId, const QDateTime &since, const QString &agentVersion) const;
    void flushReachability() const;
    // For a flow that needs the node but reads only the store (pass to a tenant): a node noted
    // unreachable is asked again (its identity); still unreachable → the refusal naming it.
    Status checkReachable(const NodeInfo &node) const;

private:
    void renewLeases() const;
    static QString conflictWhy(const QString &why, int attempts, bool touchedNode);
    static void enterAudit(AuditScope &scope);
    static void leaveAudit(AuditScope &scope);
    void finished(const AuditScope &scope, const Error *error, int changes) const;
};

} // namespace passdeck
