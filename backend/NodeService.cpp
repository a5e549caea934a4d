#include "NodeService.h"

#include "Binder.h"
#include "GroupService.h"
#include "DomainServiceContext.h"
#include "DomainServiceQueries.h"
#include "Journal.h"
#include "JournaledApply.h"
#include "NodeHost.h"
#include "Store.h"
#include "StoreQuery.h"
#include "StoreTransaction.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QHash>

namespace passdeck {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("DomainService", text);
}

QString hostUseOf(const PciDevice &d)
{
    QStringList use;
    for (const NetInterface &n : d.netInterfaces)
        use << QStringLiteral("net:%1(%2)").arg(n.name, n.operstate);
    for (const QString &b : d.blockDevices)
        use << QStringLiteral("block:") + b;
    if (d.bootVga)
        use << QStringLiteral("boot-vga");
    return use.join(u' ');
}

} // namespace

Result<RefreshReport> NodeService::add(const QString &name, const QString &hostRoot, bool simulated, const ProgressFn &progress)
{
    const QString subject = tr("node '%1'").arg(name);
    auto run = [&]() -> Result<RefreshReport> {
        if (Status s = ServiceContext::checkName(name, tr("node")); !s)
            return s.error();
        const QString what = tr("Adding node '%1'").arg(name);
        if (hostRoot.isEmpty() || !QFileInfo(hostRoot).isDir())
            return ServiceContext::refusal(QStringLiteral("host-root-missing"), what,
                                           tr("the host root '%1' is not a directory").arg(hostRoot),
                                           tr("Give the directory that stands for / on the node (/ for this machine)."));
        const QString root = hostRoot == QLatin1String("/") ? hostRoot : QDir(hostRoot).absolutePath();
        {
            auto existing = DomainServiceQueries::nodes(m_ctx.db(), 0, name);
            if (!existing)
                return existing.error();
            if (!existing->isEmpty())
                return ServiceContext::refusal(QStringLiteral("duplicate"), what, tr("a node named '%1' already exists").arg(name),
                                               tr("Choose another name, or refresh the existing node."));
        }
        NodeInfo probe;
        probe.name = name;
        probe.hostRoot = root;
        probe.simulated = simulated;
        auto host = m_ctx.nodeHost(probe);
        if (!host)
            return host.error();
        if (progress)
            progress(0, 2, tr("Reading the PCI devices of %1").arg(name));
        auto snapshot = (*host)->inventory();
        if (!snapshot)
            return snapshot.error();
        StoreTransaction tx(*m_ctx.store);
        if (!tx.begun())
            return tx.begun().error();
        StoreQuery q(m_ctx.db(), QStringLiteral("INSERT INTO nodes (name, host_root, simulated) VALUES (?, ?, ?)"));
        q.bind(name).bind(root).bind(simulated ? 1 : 0);
        if (Status s = q.exec(what); !s) {
            if (s.error().code == QLatin1String("constraint"))
                return ServiceContext::refusal(QStringLiteral("duplicate"), what, tr("a node named '%1' already exists").arg(name),
                                               tr("Choose another name, or refresh the existing node."));
            return s.error();
        }
        probe.id = q.lastInsertId();
        auto report = storeInventory(probe, *snapshot);
        if (!report)
            return report.error();
        if (Status s = tx.commit(); !s)
            return s.error();
        if (progress)
            progress(2, 2, tr("Stored %1 devices").arg(report->added));
        auto info = DomainServiceQueries::node(m_ctx.db(), probe.id);
        if (info)
            report->node = *info;
        return report;
    };
    return m_ctx.finish(QStringLiteral("node.add"), subject, run(), ServiceContext::Nodes);
}

Result<RefreshReport> NodeService::refresh(qint64 nodeId, const ProgressFn &progress)
{
    auto n = DomainServiceQueries::node(m_ctx.db(), nodeId);
    const QString subject = n ? tr("node '%1'").arg(n->name) : tr("node #%1").arg(nodeId);
    return m_ctx.finish(QStringLiteral("node.refresh"), subject, refreshImpl(nodeId, progress), ServiceContext::Nodes);
}

Result<RefreshReport> NodeService::refreshImpl(qint64 nodeId, const ProgressFn &progress)
{
    auto n = DomainServiceQueries::node(m_ctx.db(), nodeId);
    if (!n)
        return n.error();
    auto host = m_ctx.nodeHost(*n);
    if (!host)
        return host.error();
    if (progress)
        progress(0, 2, tr("Reading the PCI devices of %1").arg(n->name));
    auto snapshot = (*host)->inventory();
    if (!snapshot)
        return snapshot.error();
    StoreTransaction tx(*m_ctx.store);
    if (!tx.begun())
        return tx.begun().error();
    auto report = storeInventory(*n, *snapshot);
    if (!report)
        return report.error();
    if (Status s = tx.commit(); !s)
        return s.error();
    if (progress)
        progress(2, 2, tr("Stored the devices of %1").arg(n->name));
    auto info = DomainServiceQueries::node(m_ctx.db(), nodeId);
    if (info)
        report->node = *info;
    return report;
}

Result<RefreshReport> NodeService::storeInventory(const NodeInfo &node, const InventorySnapshot &snapshot)
{
    const QSqlDatabase db = m_ctx.db();
    const QString what = tr("Storing the devices of node '%1'").arg(node.name);
    RefreshReport report;
    report.warnings = snapshot.warnings;

    struct Known { qint64 id; int vendor, device, subVendor, subDevice; bool present; };
    QHash<QString, Known> known;
    {
        StoreQuery q(db, QStringLiteral("SELECT id, address, vendor_id, pci_device_id, subsys_vendor_id, subsys_device_id, present"
                                        " FROM devices WHERE node_id = ?"));
        q.bind(node.id);
        if (Status s = q.exec(what); !s)
            return s.error();
        while (q.next())
            known.insert(q.value(1).toString(), Known{q.value(0).toLongLong(), q.value(2).toInt(), q.value(3).toInt(),
                                                      q.value(4).toInt(), q.value(5).toInt(), q.value(6).toInt() != 0});
    }
    StoreQuery insert(db, QStringLiteral(
        "INSERT INTO devices (node_id, address, vendor_id, pci_device_id, subsys_vendor_id, subsys_device_id, class_id,"
        " vendor_name, device_name, class_name, driver, iommu_group, numa_node, is_bridge, host_use)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    // Ids are kept as first recorded: a different card in the same slot is flagged, not adopted.
    StoreQuery update(db, QStringLiteral(
        "UPDATE devices SET class_id = ?, vendor_name = ?, device_name = ?, class_name = ?, driver = ?, iommu_group = ?,"
        " numa_node = ?, host_use = ?, present = 1, ids_changed = ? WHERE id = ?"));
    for (const PciDevice &d : snapshot.devices) {
        const auto it = known.constFind(d.address);
        if (it == known.cend()) {
            const QVariantList values = {node.id, d.address, d.vendorId, d.deviceId, d.subsystemVendorId, d.subsystemDeviceId,
                                         d.classId, d.vendorName, d.deviceName, d.className, d.driver, d.iommuGroup,
                                         d.numaNode, d.isBridge ? 1 : 0, hostUseOf(d)};
            for (int i = 0; i < values.size(); ++i)
                insert.bindAt(i, values.at(i));
            if (Status s = insert.exec(what); !s)
                return s.error();
            ++report.added;
            continue;
        }
        const bool changed = it->vendor != d.vendorId || it->device != d.deviceId || it->subVendor != d.subsystemVendorId
                          || it->subDevice != d.subsystemDeviceId;
        if (changed)
            report.idsChanged << d.address;
        const QVariantList values = {d.classId, d.vendorName, d.deviceName, d.className, d.driver, d.iommuGroup,
                                     d.numaNode, hostUseOf(d), changed ? 1 : 0, it->id};
        for (int i = 0; i < values.size(); ++i)
            update.bindAt(i, values.at(i));
        if (Status s = update.exec(what); !s)
            return s.error();
        ++report.updated;
        known.remove(d.address);
    }
    // What is left vanished: kept and flagged, so its rules and allocations stay visible.
    for (auto it = known.cbegin(); it != known.cend(); ++it) {
        if (Status s = StoreQuery::run(db, QStringLiteral("UPDATE devices SET present = 0 WHERE id = ?"), {it->id}, what); !s)
            return s.error();
        report.vanished << it.key();
    }
    report.vanished.sort();
    if (Status s = StoreQuery::run(db, QStringLiteral("UPDATE nodes SET refreshed_at = ? WHERE id = ?"),
                                   {QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs), node.id}, what); !s)
        return s.error();
    return report;
}

Status NodeService::remove(qint64 nodeId)
{
    auto n = DomainServiceQueries::node(m_ctx.db(), nodeId);
    const QString subject = n ? tr("node '%1'").arg(n->name) : tr("node #%1").arg(nodeId);
    auto run = [&]() -> Status {
        if (!n)
            return n.error();
        const QString what = tr("Removing node '%1'").arg(n->name);
        StoreTransaction tx(*m_ctx.store);
        if (!tx.begun())
            return tx.begun();
        auto uses = StoreQuery::scalar(m_ctx.db(), QStringLiteral(
            "SELECT (SELECT COUNT(*) FROM resource_rules WHERE node_id = ?) + (SELECT COUNT(*) FROM vms WHERE node_id = ?)"
            " + (SELECT COUNT(*) FROM tenant_nodes WHERE node_id = ?)"), {nodeId, nodeId, nodeId}, what);
        if (!uses)
            return uses.error();
        if (uses->toInt() > 0)
            return ServiceContext::refusal(QStringLiteral("in-use"), what,
                                           tr("the node still has resource rules, VMs or tenant nodes"),
                                           tr("Remove its devices from their groups and delete its VMs and tenant nodes first."));
        if (Status s = StoreQuery::run(m_ctx.db(), QStringLiteral("DELETE FROM nodes WHERE id = ?"), {nodeId}, what); !s)
            return s;
        return tx.commit();
    };
    Status s = run();
    m_ctx.record(QStringLiteral("node.remove"), subject, s ? nullptr : &s.error(), ServiceContext::Nodes);
    return s;
}

Status NodeService::setMaintenance(qint64 nodeId, bool on)
{
    auto n = DomainServiceQueries::node(m_ctx.db(), nodeId);
    const QString subject = n ? tr("node '%1'").arg(n->name) : tr("node #%1").arg(nodeId);
    Status s = n ? StoreQuery::run(m_ctx.db(), QStringLiteral("UPDATE nodes SET maintenance = ? WHERE id = ?"),
                                   {on ? 1 : 0, nodeId}, tr("Setting maintenance mode"))
                 : Status(n.error());
    m_ctx.record(on ? QStringLiteral("node.maintenance-on") : QStringLiteral("node.maintenance-off"), subject,
                 s ? nullptr : &s.error(), ServiceContext::Nodes);
    return s;
}

Result<RefreshReport> NodeService::reboot(qint64 nodeId)
{
    auto n = DomainServiceQueries::node(m_ctx.db(), nodeId);
    const QString subject = n ? tr("node '%1'").arg(n->name) : tr("node #%1").arg(nodeId);
    auto run = [&]() -> Result<RefreshReport> {
        if (!n)
            return n.error();
        auto host = m_ctx.nodeHost(*n);
        if (!host)
            return host.error();
        if (Status s = (*host)->reboot(); !s)
            return s.error();
        StoreTransaction tx(*m_ctx.store);
        if (!tx.begun())
            return tx.begun().error();
        const QString what = tr("Recording the reboot of node '%1'").arg(n->name);
        if (Status s = StoreQuery::run(m_ctx.db(), QStringLiteral("UPDATE nodes SET reboot_required = 0 WHERE id = ?"), {nodeId}, what); !s)
            return s.error();
        if (Status s = StoreQuery::run(m_ctx.db(), QStringLiteral("UPDATE devices SET reboot_pending = 0 WHERE node_id = ?"), {nodeId}, what); !s)
            return s.error();
        // A reboot stops every VM of the node: their devices are released, and machine devices
        // removed while they ran go.
        if (Status s = StoreQuery::run(m_ctx.db(), QStringLiteral(
                "DELETE FROM machine_devices WHERE removal_pending = 1 AND vm_id IN (SELECT id FROM vms WHERE node_id = ?)"), {nodeId}, what); !s)
            return s.error();
        if (Status s = StoreQuery::run(m_ctx.db(), QStringLiteral("DELETE FROM allocations WHERE node_id = ?"), {nodeId}, what); !s)
            return s.error();
        if (Status s = StoreQuery::run(m_ctx.db(), QStringLiteral(
                "DELETE FROM device_holds WHERE holder_scope = 0 AND device_id IN (SELECT id FROM devices WHERE node_id = ?)"), {nodeId}, what); !s)
            return s.error();
        if (Status s = StoreQuery::run(m_ctx.db(), QStringLiteral("UPDATE vms SET power = 'off' WHERE node_id = ?"), {nodeId}, what); !s)
            return s.error();
        if (Status s = tx.commit(); !s)
            return s.error();
        return refreshImpl(nodeId, {});
    };
    return m_ctx.finish(QStringLiteral("node.reboot"), subject, run(),
                        ServiceContext::Nodes | ServiceContext::Vms | ServiceContext::Groups);
}

Result<int> NodeService::recoverInterrupted()
{
    auto pending = Journal::pending(m_ctx.db());
    if (!pending)
        return pending.error();
    int recovered = 0;
    for (const JournalEntry &e : *pending) {
        if (Journal::ownerAlive(e))
            continue; // another live process is still working on it
        auto n = DomainServiceQueries::node(m_ctx.db(), e.nodeId);
        const QString subject = n ? tr("node '%1'").arg(n->name) : tr("node #%1").arg(e.nodeId);
        auto run = [&]() -> Status {
            if (!n)
                return n.error();
            auto host = m_ctx.nodeHost(*n);
            if (!host)
                return host.error();
            // Back to where every device was before the interrupted operation: the store never
            // recorded its outcome, so the original drivers are what the store still describes.
            // Exactly the journaled devices, each to its own driver: a new bind plan would pull
            // in the rest of the IOMMU group and bounce devices a running VM holds.
            if (Status s = JournaledApply::restore(**host, e); !s)
                return s;
            StoreTransaction tx(*m_ctx.store);
            if (!tx.begun())
                return tx.begun();
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
            if (Status s = Journal::remove(m_ctx.db(), e.id); !s)
                return s;
            return tx.commit();
        };
        Status s = run();
        m_ctx.record(QStringLiteral("journal.recover"), tr("%1 on %2 (%3)").arg(e.operation, subject, e.originalDrivers.keys().join(QLatin1String(", "))),
                     s ? nullptr : &s.error(), ServiceContext::Nodes | (e.vmId > 0 ? ServiceContext::Vms : 0));
        // A node that cannot be reached now (host root gone, store busy) must not lock the
        // administrator out of every other node: the entry stays and is retried next time.
        if (!s)
            continue;
        ++recovered;
        (void)refreshImpl(e.nodeId, {});
    }
    return recovered;
}

} // namespace passdeck
