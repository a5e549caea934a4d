#include "service/DomainServiceContext.h"

#include "service/TrackedNode.h"
#include "store/AuditLog.h"
#include "store/Journal.h"
#include "store/StoreQuery.h"
#include "store/Store.h"
#include "store/StoreTransaction.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QHash>

#include <csignal>
#include <cstdio>

namespace passdeck {

namespace {
QString tr(const char *text)
{
    return QCoreApplication::translate("DomainService", text);
}

// The operation this thread is running; one at a time per thread (DomainService's rule).
thread_local AuditScope *t_audit = nullptr;

// Reachability notes waiting for the end of this thread's transaction.
struct PendingReachability
{
    const ServiceContext *ctx;
    qint64 nodeId;
    QDateTime since;
    QString agentVersion;
};
thread_local QList<PendingReachability> t_reachability;

thread_local quint64 t_nodeEffects = 0;
} // namespace

void ServiceContext::noteNodeEffect()
{
    ++t_nodeEffects;
}

quint64 ServiceContext::nodeEffects()
{
    return t_nodeEffects;
}

QString ServiceContext::conflictWhy(const QString &why, int attempts, bool touchedNode)
{
    if (touchedNode)
        return tr("%1 (not tried again: this step had already changed a node, and a change on a node is never repeated)").arg(why);
    return tr("%1 (tried %2 times)").arg(why).arg(attempts);
}

QSqlDatabase ServiceContext::db() const
{
    return store->connection();
}

Error ServiceContext::refusal(ErrorCode code, const QString &what, const QString &why, const QString &hint)
{
    return Error::make(code, what, why, hint);
}

Error ServiceContext::notFound(const QString &kind, qint64 id)
{
    return Error::make(ErrorCode::NotFound, tr("Looking up %1 #%2").arg(kind).arg(id),
                       tr("there is no %1 with id %2 in the store").arg(kind).arg(id),
                       tr("Reload the list; it may have been deleted meanwhile."));
}

Status ServiceContext::checkName(const QString &name, const QString &kind)
{
    const QString what = tr("Checking the %1 name").arg(kind);
    if (name.trimmed().isEmpty())
        return refusal(ErrorCode::BadName, what, tr("the %1 name is empty").arg(kind),
                       tr("Type a name with at least one visible character."));
    // Characters as the store's CHECK counts them (code points, not UTF-16 units).
    if (const qsizetype length = name.toUcs4().size(); length > 128)
        return refusal(ErrorCode::BadName, what,
                       tr("the %1 name has %2 characters; at most 128 are allowed").arg(kind).arg(length),
                       tr("Choose a shorter name."));
    for (const QChar c : name) {
        if (c.category() == QChar::Other_Control)
            return refusal(ErrorCode::BadName, what, tr("the %1 name contains a control character").arg(kind),
                           tr("Use letters, digits, spaces and punctuation only."));
    }
    if (name != name.trimmed())
        return refusal(ErrorCode::BadName, what, tr("the %1 name starts or ends with white space").arg(kind),
                       tr("Remove the leading and trailing spaces."));
    return {};
}

Status ServiceContext::checkCount(int count)
{
    if (count < 1)
        return refusal(ErrorCode::BadCount, tr("Checking the Count"),
                       tr("Count is %1; it must be at least 1").arg(count),
                       tr("Enter how many devices are wanted, 1 or more."));
    return {};
}

AuditResult ServiceContext::classify(const Error &error)
{
    return error.category() == ErrorCategory::Failed ? AuditResult::Failed : AuditResult::Refused;
}

void ServiceContext::enterAudit(AuditScope &scope)
{
    scope.outer = t_audit;
    t_audit = &scope;
}

void ServiceContext::leaveAudit(AuditScope &scope)
{
    t_audit = scope.outer;
}

Status ServiceContext::commit(StoreTransaction &tx) const
{
    AuditScope *scope = t_audit;
    if (scope && !scope->written) {
        if (Status logged = AuditLog::append(db(), user, scope->action, scope->subject, AuditResult::Ok, QString()); !logged)
            return logged; // the change rolls back with it: no change without its audit entry
    }
    step("commit");
    Status s = tx.commit();
    if (s && scope)
        scope->written = true;
    if (s)
        step("committed");
    return s;
}

void ServiceContext::renewLeases() const
{
    thread_local QDeadlineTimer next;
    // Between transactions only: on PostgreSQL a failed statement would abort the flow's own.
    if (!next.hasExpired() || StoreTransaction::openOnThisThread())
        return;
    next.setRemainingTime(qint64(Journal::renewEverySeconds) * 1000);
    if (Status s = Journal::renewLeases(db()); !s)
        qWarning("Passdeck: the journal's lease could not be renewed: %s", qPrintable(s.error().message()));
}

void ServiceContext::step(const char *label)
{
    if (t_audit && t_audit->ctx)
        t_audit->ctx->renewLeases();
    static const QByteArray spec = qgetenv("PASSDECK_TEST_KILL_AT");
    if (spec.isEmpty())
        return;
    const qsizetype colon = spec.lastIndexOf(':');
    if (colon <= 0)
        return;
    const QString action = t_audit ? t_audit->action : QStringLiteral("none");
    if (action != QString::fromUtf8(spec.left(colon)))
        return;
    static QHash<QString, int> counts;
    const int n = ++counts[action];
    if (n != spec.mid(colon + 1).toInt())
        return;
    std::fprintf(stderr, "passdeck: test kill at %s:%d (%s)\n", qPrintable(action), n, label);
    std::fflush(stderr);
    ::raise(SIGKILL);
}

void ServiceContext::finished(const AuditScope &scope, const Error *error, int changes) const
{
    if (!scope.written) {
        // A refusal or failure changed nothing (its transaction rolled back), or the operation
        // committed nothing of its own: its entry is written on its own.
        const AuditResult result = error ? classify(*error) : AuditResult::Ok;
        if (Status logged = AuditLog::append(db(), user, scope.action, scope.subject, result, error ? error->message() : QString()); !logged)
            qWarning("Passdeck: the audit entry for %s (%s) could not be written: %s", qPrintable(scope.action),
                     qPrintable(scope.subject), qPrintable(logged.error().message()));
    } else if (error) {
        // The change committed with its entry; what failed afterwards (reading it back) is only reported.
        qWarning("Passdeck: %s (%s) committed, then: %s", qPrintable(scope.action), qPrintable(scope.subject),
                 qPrintable(error->message()));
    }
    Q_EMIT q->auditAppended();
    if (error || !changes)
        return;
    if (changes & Nodes)
        Q_EMIT q->nodesChanged();
    if (changes & Groups)
        Q_EMIT q->groupsChanged();
    if (changes & Vms)
        Q_EMIT q->vmsChanged();
    if (changes & Tenants)
        Q_EMIT q->tenantsChanged();
    Q_EMIT q->changed();
}

Result<std::unique_ptr<Node>> ServiceContext::node(const NodeInfo &node) const
{
    if (!options.nodeFactory)
        return Error::make(ErrorCode::NoNodeFactory,
                           QCoreApplication::translate("DomainService", "Reaching node '%1'").arg(node.name),
                           QCoreApplication::translate("DomainService", "this service was built without a way to reach nodes (no node factory)"),
                           QCoreApplication::translate("DomainService", "Build the service with ServiceOptions::nodeFactory set (localNodes() for nodes on this machine)."));
    auto opened = options.nodeFactory(node);
    if (opened && !opened.value())
        return Error::make(ErrorCode::NoNode,
                           QCoreApplication::translate("DomainService", "Reaching node '%1'").arg(node.name),
                           QCoreApplication::translate("DomainService", "the node factory returned no node"));
    if (!opened && opened.error().code == ErrorCode::NodeUnreachable && node.id > 0) {
        // A factory that already tried to connect: the same note as a call's answer.
        NodeInfo noted = node;
        if (!noted.unreachableSince.isValid()) {
            QDateTime now = QDateTime::currentDateTimeUtc();
            now.setTime(QTime(now.time().hour(), now.time().minute(), now.time().second()));
            noted.unreachableSince = now;
            noteReachability(node.id, now, {});
        }
        return TrackedNode::unreachable(noted, opened.error());
    }
    if (!opened || node.id <= 0)
        return opened;
    return std::unique_ptr<Node>(std::make_unique<TrackedNode>(std::move(opened.value()), node, *this));
}

void ServiceContext::noteReachability(qint64 nodeId, const QDateTime &since, const QString &agentVersion) const
{
    t_reachability << PendingReachability{this, nodeId, since, agentVersion};
    if (!StoreTransaction::openOnThisThread())
        flushReachability();
}

void ServiceContext::flushReachability() const
{
    if (t_reachability.isEmpty() || StoreTransaction::openOnThisThread())
        return;
    QList<PendingReachability> mine;
    for (auto it = t_reachability.begin(); it != t_reachability.end();) {
        if (it->ctx == this) {
            mine << *it;
            it = t_reachability.erase(it);
        } else {
            ++it;
        }
    }
    if (mine.isEmpty())
        return;
    const QString what = tr("Recording whether a node answers");
    // Not an operation of its own: no audit entry (tx.commit(), not commit(tx)).
    StoreTransaction tx(*store);
    Status s = tx.begun();
    for (const PendingReachability &p : std::as_const(mine)) {
        if (!s)
            break;
        if (p.since.isValid())
            s = StoreQuery::run(db(), QStringLiteral("UPDATE nodes SET unreachable_since = ? WHERE id = ? AND unreachable_since = ''"),
                                {p.since.toUTC().toString(Qt::ISODateWithMs), p.nodeId}, what);
        else
            s = StoreQuery::run(db(), QStringLiteral("UPDATE nodes SET unreachable_since = '', agent_version = ? WHERE id = ?"),
                                {p.agentVersion, p.nodeId}, what);
    }
    if (s)
        s = tx.commit();
    if (!s) {
        qWarning("Passdeck: whether a node answers could not be recorded: %s", qPrintable(s.error().message()));
        return;
    }
    Q_EMIT q->nodesChanged();
    Q_EMIT q->changed();
}

Status ServiceContext::checkReachable(const NodeInfo &node) const
{
    if (!node.unreachableSince.isValid())
        return {};
    auto opened = this->node(node);
    if (!opened)
        return opened.error();
    auto answered = (*opened)->identity();
    return answered ? Status() : Status(answered.error());
}

} // namespace passdeck
