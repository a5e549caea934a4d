#pragma once

#include "DomainService.h"
#include "DomainTypes.h"
#include "Error.h"

#include <QSqlDatabase>

#include <memory>

namespace passdeck {

class Store;

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

    // Audit + signals for one finished operation. changes: Change flags (on success).
    void record(const QString &action, const QString &subject, const Error *error, int changes) const;
    template<typename T>
    const Result<T> &finish(const QString &action, const QString &subject, const Result<T> &r, int changes) const
    {
        record(action, subject, r.ok() ? nullptr : &r.error(), changes);
        return r;
    }

    Result<std::unique_ptr<NodeHost>> nodeHost(const NodeInfo &node) const;
};

} // namespace passdeck
