#pragma once

#include "service/DomainService.h"
#include "core/DomainTypes.h"
#include "core/Error.h"

#include <QSqlDatabase>

#include <memory>

namespace passdeck {

class Store;
class StoreTransaction;

// The audit entry of the operation running on this thread (ServiceContext::run): written by
// ServiceContext::commit() in the transaction that commits the operation's change.
struct AuditScope
{
    QString action;
    QString subject;
    bool written = false;
    AuditScope *outer = nullptr;
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

    static Error refusal(const QString &code, const QString &what, const QString &why, const QString &hint = {});
    static Error notFound(const QString &kind, qint64 id);
    // Failures are system or store errors; everything else the service returns is a refusal.
    static AuditResult classify(const Error &error);

    // Runs one operation under its audit entry: a success is audited by commit() in the same
    // transaction as the change (both land or neither); a refusal or failure, which changed
    // nothing, is audited on its own afterwards. Then the signals. changes: Change flags.
    template<typename F>
    auto run(const QString &action, const QString &subject, F &&fn, int changes) const -> decltype(fn())
    {
        AuditScope scope{action, subject};
        enterAudit(scope);
        auto r = fn();
        leaveAudit(scope);
        finished(scope, r.ok() ? nullptr : &r.error(), changes);
        return r;
    }
    // The operation's final commit: writes its audit row (once) inside tx, then commits.
    // Intermediate commits (a journal row before sysfs is touched) use tx.commit() directly.
    Status commit(StoreTransaction &tx) const;

    // Test hook: with PASSDECK_TEST_KILL_AT=<action>:<n>, the process raises SIGKILL at the n-th
    // step of that action (every commit, every sysfs write of an apply, every step of a recovery),
    // so that tests can kill an operation at each of its steps (docs/store.md, "Crash recovery").
    static void step(const char *label);

    // The node behind a stored NodeInfo, through options.nodeFactory.
    Result<std::unique_ptr<Node>> node(const NodeInfo &node) const;

private:
    static void enterAudit(AuditScope &scope);
    static void leaveAudit(AuditScope &scope);
    void finished(const AuditScope &scope, const Error *error, int changes) const;
};

} // namespace passdeck
