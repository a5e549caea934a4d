// VmService, the VM list from the nodes' domains (docs/libvirt.md, "VMs in Passdeck"): a domain
// that appears outside Passdeck is imported, one that vanished is flagged (never dropped), and
// hostdevs Passdeck did not write mark their devices as taken. New VM: define or adopt.
#include "service/VmService.h"

#include "core/Node.h"
#include "service/DomainServiceContext.h"
#include "service/DomainServiceQueries.h"
#include "store/StoreQuery.h"
#include "store/StoreTransaction.h"

#include <QCoreApplication>
#include <QHash>
#include <QSet>

namespace passdeck {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("DomainService", text);
}

QString nowText()
{
    return QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
}

} // namespace

Result<VmRefreshReport> VmService::refreshDomains(qint64 nodeId, bool audited)
{
    auto once = [&]() -> Result<VmRefreshReport> {
        auto nodes = DomainServiceQueries::nodes(m_ctx.db(), nodeId);
        if (!nodes)
            return nodes.error();
        if (nodeId > 0 && nodes->isEmpty())
            return ServiceContext::notFound(tr("node"), nodeId);
        VmRefreshReport report;
        for (const NodeInfo &n : *nodes) {
            auto one = refreshNodeDomains(n);
            if (!one)
                return one.error();
            report.imported << one->imported;
            report.vanished << one->vanished;
            report.unavailable << one->unavailable;
        }
        return report;
    };
    if (audited)
        return m_ctx.run(QStringLiteral("vm.refresh"), nodeId > 0 ? tr("node #%1").arg(nodeId) : tr("all nodes"), once,
                         ServiceContext::Vms | ServiceContext::Nodes);
    // Part of a node refresh: no audit entry of its own, the signal all the same.
    auto r = once();
    if (r)
        Q_EMIT m_ctx.q->vmsChanged();
    return r;
}

Result<VmRefreshReport> VmService::refreshNodeDomains(const NodeInfo &node)
{
    const QSqlDatabase db = m_ctx.db();
    const QString what = tr("Reading the VMs of node '%1'").arg(node.name);
    VmRefreshReport report;
    // The node is asked before the write lock is taken.
    auto host = m_ctx.node(node);
    Result<QList<DomainInfo>> domains = host ? (*host)->domains() : Result<QList<DomainInfo>>(host.error());
    return m_ctx.write([&](StoreTransaction &) -> Result<VmRefreshReport> {
        if (!domains) {
            // Its stored VMs stay listed, with the reason (nothing is flagged: nothing was read).
            const QString reason = domains.error().why.isEmpty() ? domains.error().message() : domains.error().why;
            if (Status s = StoreQuery::run(db, QStringLiteral("UPDATE nodes SET hypervisor_error = ? WHERE id = ?"), {reason, node.id}, what); !s)
                return s.error();
            report.unavailable << QStringLiteral("%1: %2").arg(node.name, reason);
            return report;
        }
        if (Status s = StoreQuery::run(db, QStringLiteral("UPDATE nodes SET hypervisor_error = '' WHERE id = ?"), {node.id}, what); !s)
            return s.error();
        // The node's VMs, by domain UUID and by name (a VM not linked to its domain yet).
        StoreQuery q(db, QStringLiteral("SELECT id, name, domain_uuid, vanished_since FROM vms WHERE node_id = ?"));
        q.bind(node.id);
        if (Status s = q.exec(what); !s)
            return s.error();
        struct Row
        {
            qint64 id;
            QString name;
            QString uuid;
            bool vanished;
        };
        QList<Row> rows;
        while (q.next())
            rows << Row{q.value(0).toLongLong(), q.value(1).toString(), q.value(2).toString(), !q.value(3).toString().isEmpty()};
        QSet<qint64> seen;
        if (Status s = StoreQuery::run(db, QStringLiteral("UPDATE devices SET foreign_domain = '' WHERE node_id = ? AND foreign_domain <> ''"),
                                       {node.id}, what); !s)
            return s.error();
        for (const DomainInfo &d : *domains) {
            qint64 vmId = 0;
            for (const Row &r : rows)
                if (!r.uuid.isEmpty() && r.uuid == d.uuid)
                    vmId = r.id;
            for (const Row &r : rows)
                if (!vmId && r.uuid.isEmpty() && r.name == d.name)
                    vmId = r.id;
            if (!vmId) {
                // A domain defined outside Passdeck: a host VM of this node. Names are unique
                // across nodes; a taken one gets the node's name.
                auto taken = StoreQuery::scalar(db, QStringLiteral("SELECT COUNT(*) FROM vms WHERE name = ?"), {d.name}, what);
                if (!taken)
                    return taken.error();
                const QString name = taken->toInt() > 0 ? QStringLiteral("%1@%2").arg(d.name, node.name).left(128) : d.name;
                StoreQuery ins(db, QStringLiteral("INSERT INTO vms (name, description, node_id, owner_scope) VALUES (?, ?, ?, 0) RETURNING id"));
                ins.bind(name).bind(tr("Imported from libvirt domain '%1'").arg(d.name)).bind(node.id);
                if (Status s = ins.exec(what); !s)
                    return s.error();
                vmId = ins.returnedId();
                report.imported << name;
            }
            seen.insert(vmId);
            if (Status s = recordDomain(vmId, d, what); !s)
                return s.error();
            for (const DomainHostdev &h : d.hostdevs) {
                if (h.passdeck)
                    continue;
                if (Status s = StoreQuery::run(db, QStringLiteral("UPDATE devices SET foreign_domain = ? WHERE node_id = ? AND address = ?"),
                                               {d.name, node.id, h.address}, what); !s)
                    return s.error();
            }
        }
        for (const Row &r : rows) {
            if (seen.contains(r.id) || r.uuid.isEmpty())
                continue;
            if (!r.vanished) {
                if (Status s = StoreQuery::run(db, QStringLiteral("UPDATE vms SET vanished_since = ? WHERE id = ?"), {nowText(), r.id}, what); !s)
                    return s.error();
            }
            report.vanished << r.name;
        }
        return report;
    });
}

Result<QList<DomainInfo>> VmService::adoptableDomains(qint64 nodeId)
{
    auto n = DomainServiceQueries::node(m_ctx.db(), nodeId);
    if (!n)
        return n.error();
    auto host = m_ctx.node(*n);
    if (!host)
        return host.error();
    auto domains = (*host)->domains();
    if (!domains)
        return domains.error();
    auto vms = DomainServiceQueries::vms(m_ctx.db(), -1);
    if (!vms)
        return vms.error();
    QSet<QString> known;
    for (const Vm &v : *vms)
        if (v.nodeId == nodeId && !v.domainUuid.isEmpty())
            known.insert(v.domainUuid);
    QList<DomainInfo> out;
    for (const DomainInfo &d : *domains)
        if (!known.contains(d.uuid))
            out << d;
    return out;
}

Result<DomainInfo> VmService::prepareDomain(const VmSpec &spec, bool *defined)
{
    *defined = false;
    const QSqlDatabase db = m_ctx.db();
    qint64 nodeId = spec.nodeId;
    if (spec.tenantNodeId > 0) {
        auto tn = DomainServiceQueries::tenantNode(db, spec.tenantNodeId);
        if (!tn)
            return DomainInfo(); // createImpl refuses with the reason
        nodeId = tn->nodeId;
    }
    auto n = DomainServiceQueries::node(db, nodeId);
    if (!n)
        return DomainInfo();
    auto dup = StoreQuery::scalar(db, QStringLiteral("SELECT COUNT(*) FROM vms WHERE name = ?"), {spec.name}, tr("Creating VM '%1'").arg(spec.name));
    if (!dup || dup->toInt() > 0)
        return DomainInfo(); // createImpl refuses
    const QString what = spec.adopt ? tr("Adopting domain '%1' on node '%2'").arg(spec.name, n->name)
                                    : tr("Defining VM '%1' on node '%2'").arg(spec.name, n->name);
    auto host = m_ctx.node(*n);
    if (!host)
        return host.error();
    if (spec.adopt) {
        auto domains = (*host)->domains();
        if (!domains) {
            Error e = domains.error();
            e.what = what;
            return e;
        }
        for (const DomainInfo &d : *domains)
            if (d.name == spec.name)
                return d;
        return ServiceContext::refusal(ErrorCode::DomainNotFound, what, tr("node '%1' has no domain named '%2'").arg(n->name, spec.name),
                                       tr("Pick one of the node's domains, or create a new VM instead of adopting."));
    }
    if (spec.vcpus < 1 || spec.vcpus > 4096 || spec.memoryMiB < 16 || spec.memoryMiB > 16LL * 1024 * 1024)
        return ServiceContext::refusal(ErrorCode::BadUsage, what,
                                       tr("%1 vCPUs and %2 MiB of memory are not a VM (1-4096 vCPUs, 16 MiB to 16 TiB)").arg(spec.vcpus).arg(spec.memoryMiB),
                                       tr("Give the vCPUs and the memory in MiB."));
    auto info = (*host)->defineDomain(DomainDefinition{spec.name, spec.vcpus, spec.memoryMiB});
    if (!info) {
        // A node without a hypervisor keeps VMs of Passdeck's own (no domain, the reason shown).
        if (info.error().code == ErrorCode::HypervisorUnavailable)
            return DomainInfo();
        Error e = info.error();
        e.what = what;
        if (e.code == ErrorCode::DomainExists)
            e.hint = tr("Adopt the existing domain instead (New VM → Adopt existing domain, or vm create --adopt).");
        return e;
    }
    *defined = true;
    return info;
}

} // namespace passdeck
