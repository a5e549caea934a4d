#include "service/NodeService.h"

#include "service/GroupService.h"
#include "service/DomainServiceContext.h"
#include "core/MountTable.h"
#include "service/DomainServiceQueries.h"
#include "store/Journal.h"
#include "service/JournaledApply.h"
#include "service/MovedHardware.h"
#include "service/PciNamesTable.h"
#include "core/Node.h"
#include "store/Store.h"
#include "store/StoreQuery.h"
#include "store/StoreTransaction.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QRegularExpression>

namespace passdeck {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("DomainService", text);
}

QString hostUseOf(const PciDevice &d, const HostMounts &mounts)
{
    QStringList use;
    for (const NetInterface &n : d.netInterfaces)
        use << QStringLiteral("net:%1(%2)").arg(n.name, n.operstate);
    for (const QString &b : d.blockDevices)
        use << QStringLiteral("block:") + b;
    // Whether a disk is in use, read once at the inventory: the status column names it
    // ("Root disk") instead of a generic "in use by host".
    if (!d.blockDevices.isEmpty()) {
        if (!mounttable::mountsOn(d.blockDevices, mounttable::rootMountLines(mounts.mounts)).isEmpty())
            use << QStringLiteral("root-disk");
        else if (!mounttable::mountsOn(d.blockDevices, mounts.mounts, mounts.swaps).isEmpty())
            use << QStringLiteral("mounted");
    }
    if (d.bootVga)
        use << QStringLiteral("boot-vga");
    return use.join(u' ');
}

// The host behind a root: its canonical path ("R/", "R/." and a symlink to R are all R) and its
// machine id, read from <root>/etc/machine-id (the real host's, or the one `sim build` wrote).
struct HostIdentity
{
    QString canonicalRoot;
    QString machineId;
};

HostIdentity identify(const QString &root)
{
    HostIdentity id;
    id.canonicalRoot = QFileInfo(root).canonicalFilePath();
    // Only a regular file, and only its first line: it is the host's data, not ours.
    const QFileInfo file(root + QStringLiteral("/etc/machine-id"));
    if (!file.isFile() || file.size() > 4096)
        return id;
    QFile f(file.filePath());
    if (!f.open(QIODevice::ReadOnly))
        return id;
    const QString text = QString::fromLatin1(f.read(128)).section(u'\n', 0, 0).trimmed().toLower();
    static const QRegularExpression hex(QStringLiteral("^[0-9a-f]{32}$"));
    if (hex.match(text).hasMatch() && text != QString(32, u'0'))
        id.machineId = text;
    return id;
}

} // namespace

Result<QStringList> NodeService::checkIdentities()
{
    const QSqlDatabase db = m_ctx.db();
    const QString what = tr("Checking that every node is a different host");
    // Nodes an older Passdeck added have no identity yet: taken from their roots now.
    QList<std::pair<qint64, QString>> blank;
    {
        // (A node behind an agent has its address there: never taken for a path.)
        StoreQuery q(db, QStringLiteral("SELECT id, host_root FROM nodes WHERE canonical_root = '' AND agent_fingerprint = ''"));
        if (Status s = q.exec(what); !s)
            return s.error();
        while (q.next())
            blank << std::pair{q.value(0).toLongLong(), q.value(1).toString()};
    }
    if (!blank.isEmpty()) {
        // A repair of old rows, not an operation of its own: no audit entry (tx.commit()).
        Status filled = m_ctx.write([&](StoreTransaction &tx) -> Status {
            for (const auto &[id, root] : std::as_const(blank)) {
                const HostIdentity host = identify(root);
                if (host.canonicalRoot.isEmpty())
                    continue; // the root is gone; refresh says so
                if (Status s = StoreQuery::run(db, QStringLiteral("UPDATE nodes SET canonical_root = ?, machine_id = ? WHERE id = ? AND canonical_root = ''"),
                                               {host.canonicalRoot, host.machineId, id}, what); !s)
                    return s;
            }
            return tx.commit();
        });
        if (!filled)
            return filled.error();
    }
    QStringList warnings;
    StoreQuery q(db, QStringLiteral(
        "SELECT a.name, b.name, a.canonical_root, a.canonical_root = b.canonical_root FROM nodes a JOIN nodes b ON a.id < b.id"
        " WHERE (a.canonical_root <> '' AND a.canonical_root = b.canonical_root) OR (a.machine_id <> '' AND a.machine_id = b.machine_id)"
        " ORDER BY a.id, b.id"));
    if (Status s = q.exec(what); !s)
        return s.error();
    while (q.next()) {
        const QString same = q.value(3).toInt() ? tr("the same host root %1").arg(q.value(2).toString()) : tr("the same machine id");
        warnings << tr("nodes '%1' and '%2' are one host (%3): a device of it can be given to two VMs at once. Keep one of "
                       "them: move the other's resources and VMs to it, then remove the other with `passdeck-cli node remove %2`.")
                        .arg(q.value(0).toString(), q.value(1).toString(), same);
    }
    return warnings;
}

HostMounts NodeService::mountsOf(Node &host)
{
    // Unreadable means nothing mounted we could know of (e.g. a bare simulated root).
    Result<HostMounts> m = host.hostMounts();
    return m ? *m : HostMounts{};
}

Result<RefreshReport> NodeService::add(const QString &name, const QString &hostRoot, bool simulated, const ProgressFn &progress)
{
    const QString subject = tr("node '%1'").arg(name);
    const QString what = tr("Adding node '%1'").arg(name);
    NodeInfo probe;
    std::unique_ptr<Node> host;
    InventorySnapshot snapshot;
    HostIdentity identity;
    // Checked and read before the write lock is taken.
    auto prepare = [&]() -> Status {
        if (Status s = ServiceContext::checkName(name, tr("node")); !s)
            return s;
        if (hostRoot.isEmpty() || !QFileInfo(hostRoot).isDir())
            return ServiceContext::refusal(ErrorCode::HostRootMissing, what,
                                           tr("the host root '%1' is not a directory").arg(hostRoot),
                                           tr("Give the directory that stands for / on the node (/ for this machine)."));
        const QString root = hostRoot == QLatin1String("/") ? hostRoot : QDir(hostRoot).absolutePath();
        {
            auto existing = DomainServiceQueries::nodes(m_ctx.db(), 0, name);
            if (!existing)
                return existing.error();
            if (!existing->isEmpty())
                return ServiceContext::refusal(ErrorCode::Duplicate, what, tr("a node named '%1' already exists").arg(name),
                                               tr("Choose another name, or refresh the existing node."));
        }
        probe.name = name;
        probe.hostRoot = root;
        probe.simulated = simulated;
        auto opened = m_ctx.node(probe);
        if (!opened)
            return opened.error();
        host = std::move(opened.value());
        if (progress)
            progress(0, 2, tr("Reading the PCI devices of %1").arg(name));
        auto read = host->inventory();
        if (!read)
            return read.error();
        snapshot = std::move(read.value());
        identity = identify(root);
        return {};
    };
    auto run = [&](StoreTransaction &tx) -> Result<RefreshReport> {
        const Status oneHost = refuseSecondNode(what, identity.canonicalRoot, identity.machineId,
                                                [&](const QString &first, bool sameAddress) {
            return sameAddress
                ? tr("'%1' is the host root of node '%2' (both are %3)").arg(hostRoot, first, identity.canonicalRoot)
                : tr("the host at '%1' has the machine id of node '%2' (%3)").arg(hostRoot, first, identity.machineId);
        });
        if (!oneHost)
            return oneHost.error();
        StoreQuery q(m_ctx.db(), QStringLiteral("INSERT INTO nodes (name, host_root, simulated, canonical_root, machine_id) VALUES (?, ?, ?, ?, ?) RETURNING id"));
        q.bind(name).bind(probe.hostRoot).bind(simulated ? 1 : 0).bind(identity.canonicalRoot).bind(identity.machineId);
        if (Status s = q.exec(what); !s) {
            if (s.error().code == ErrorCode::Constraint)
                return ServiceContext::refusal(ErrorCode::Duplicate, what, tr("a node named '%1' already exists").arg(name),
                                               tr("Choose another name, or refresh the existing node."));
            return s.error();
        }
        probe.id = q.returnedId();
        auto report = storeInventory(probe, snapshot, mountsOf(*host));
        if (!report)
            return report.error();
        if (Status s = m_ctx.commit(tx); !s)
            return s.error();
        if (progress)
            progress(2, 2, tr("Stored %1 devices").arg(report->added));
        auto info = DomainServiceQueries::node(m_ctx.db(), probe.id);
        if (info)
            report->node = *info;
        return report;
    };
    return m_ctx.change(QStringLiteral("node.add"), subject, ServiceContext::Nodes, prepare, run);
}

Result<RefreshReport> NodeService::refresh(qint64 nodeId, const ProgressFn &progress)
{
    auto n = DomainServiceQueries::node(m_ctx.db(), nodeId);
    const QString subject = n ? tr("node '%1'").arg(n->name) : tr("node #%1").arg(nodeId);
    return m_ctx.run(QStringLiteral("node.refresh"), subject, [&] { return refreshImpl(nodeId, progress); }, ServiceContext::Nodes);
}

Result<RefreshReport> NodeService::refreshImpl(qint64 nodeId, const ProgressFn &progress)
{
    auto n = DomainServiceQueries::node(m_ctx.db(), nodeId);
    if (!n)
        return n.error();
    auto host = m_ctx.node(*n);
    if (!host)
        return host.error();
    if (progress)
        progress(0, 2, tr("Reading the PCI devices of %1").arg(n->name));
    auto snapshot = (*host)->inventory();
    if (!snapshot)
        return snapshot.error();
    auto report = m_ctx.write([&](StoreTransaction &) { return storeInventory(*n, *snapshot, mountsOf(**host)); });
    if (!report)
        return report.error();
    if (progress)
        progress(2, 2, tr("Stored the devices of %1").arg(n->name));
    auto info = DomainServiceQueries::node(m_ctx.db(), nodeId);
    if (info)
        report->node = *info;
    return report;
}

Result<RefreshReport> NodeService::storeInventory(const NodeInfo &node, const InventorySnapshot &snapshot,
                                                 const HostMounts &mounts)
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
        " names_id, driver, iommu_group, numa_node, is_bridge, host_use)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    // Ids are kept as first recorded: a different card in the same slot is flagged, not adopted.
    StoreQuery update(db, QStringLiteral(
        "UPDATE devices SET class_id = ?, names_id = ?, driver = ?, iommu_group = ?,"
        " numa_node = ?, host_use = ?, present = 1, ids_changed = ? WHERE id = ?"));
    PciNamesTable names(db);
    for (const PciDevice &d : snapshot.devices) {
        auto namesId = names.idOf({d.vendorName, d.deviceName, d.className}, what);
        if (!namesId)
            return namesId.error();
        const auto it = known.constFind(d.address);
        if (it == known.cend()) {
            const QVariantList values = {node.id, d.address, d.vendorId, d.deviceId, d.subsystemVendorId, d.subsystemDeviceId,
                                         d.classId, *namesId, d.driver, d.iommuGroup,
                                         d.numaNode, d.isBridge ? 1 : 0, hostUseOf(d, mounts)};
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
        const QVariantList values = {d.classId, *namesId, d.driver, d.iommuGroup,
                                     d.numaNode, hostUseOf(d, mounts), changed ? 1 : 0, it->id};
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
    // Cards recognised at a new address are offered, never moved (docs/moved-hardware.md).
    if (Status s = MovedHardware::detect(db, node, snapshot, what); !s)
        return s.error();
    if (Status s = StoreQuery::run(db, QStringLiteral("UPDATE nodes SET refreshed_at = ? WHERE id = ?"),
                                   {QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs), node.id}, what); !s)
        return s.error();
    return report;
}

Status NodeService::remove(qint64 nodeId)
{
    auto n = DomainServiceQueries::node(m_ctx.db(), nodeId);
    const QString subject = n ? tr("node '%1'").arg(n->name) : tr("node #%1").arg(nodeId);
    auto found = [&] { return n ? Status() : Status(n.error()); };
    auto run = [&](StoreTransaction &) -> Status {
        const QString what = tr("Removing node '%1'").arg(n->name);
        auto uses = StoreQuery::scalar(m_ctx.db(), QStringLiteral(
            "SELECT (SELECT COUNT(*) FROM resource_rules WHERE node_id = ?) + (SELECT COUNT(*) FROM vms WHERE node_id = ?)"
            " + (SELECT COUNT(*) FROM tenant_nodes WHERE node_id = ?)"), {nodeId, nodeId, nodeId}, what);
        if (!uses)
            return uses.error();
        if (uses->toInt() > 0)
            return ServiceContext::refusal(ErrorCode::InUse, what,
                                           tr("the node still has resource rules, VMs or tenant nodes"),
                                           tr("Remove its devices from their groups and delete its VMs and tenant nodes first."));
        return StoreQuery::run(m_ctx.db(), QStringLiteral("DELETE FROM nodes WHERE id = ?"), {nodeId}, what);
    };
    return m_ctx.change(QStringLiteral("node.remove"), subject, ServiceContext::Nodes, found, run);
}

Status NodeService::setMaintenance(qint64 nodeId, bool on)
{
    auto n = DomainServiceQueries::node(m_ctx.db(), nodeId);
    const QString subject = n ? tr("node '%1'").arg(n->name) : tr("node #%1").arg(nodeId);
    auto found = [&] { return n ? Status() : Status(n.error()); };
    auto run = [&](StoreTransaction &) -> Status {
        return StoreQuery::run(m_ctx.db(), QStringLiteral("UPDATE nodes SET maintenance = ? WHERE id = ?"),
                               {on ? 1 : 0, nodeId}, tr("Setting maintenance mode"));
    };
    return m_ctx.change(on ? QStringLiteral("node.maintenance-on") : QStringLiteral("node.maintenance-off"), subject,
                        ServiceContext::Nodes, found, run);
}

Status NodeService::refuseSecondNode(const QString &what, const QString &canonicalRoot, const QString &machineId,
                                     const std::function<QString(const QString &first, bool sameAddress)> &why)
{
    StoreQuery same(m_ctx.db(), QStringLiteral(
        "SELECT name, canonical_root = ? FROM nodes WHERE canonical_root = ? OR (? <> '' AND machine_id = ?) ORDER BY id LIMIT 1"));
    same.bind(canonicalRoot).bind(canonicalRoot).bind(machineId).bind(machineId);
    if (Status s = same.exec(what); !s)
        return s;
    if (!same.next())
        return {};
    const QString first = same.value(0).toString();
    return ServiceContext::refusal(ErrorCode::SameHost, what, why(first, same.value(1).toInt() != 0),
                                   tr("A host is one node: use node '%1' (refresh it to re-read its devices).").arg(first));
}

Status NodeService::stopVms(qint64 nodeId, const QString &what)
{
    // A reboot stops every VM of the node: their devices are released, and machine devices
    // removed while they ran go.
    if (Status s = StoreQuery::run(m_ctx.db(), QStringLiteral(
            "DELETE FROM machine_devices WHERE removal_pending = 1 AND vm_id IN (SELECT id FROM vms WHERE node_id = ?)"), {nodeId}, what); !s)
        return s;
    if (Status s = StoreQuery::run(m_ctx.db(), QStringLiteral("DELETE FROM allocations WHERE node_id = ?"), {nodeId}, what); !s)
        return s;
    if (Status s = StoreQuery::run(m_ctx.db(), QStringLiteral(
            "DELETE FROM device_holds WHERE holder_scope = 0 AND device_id IN (SELECT id FROM devices WHERE node_id = ?)"), {nodeId}, what); !s)
        return s;
    return StoreQuery::run(m_ctx.db(), QStringLiteral("UPDATE vms SET power = 'off' WHERE node_id = ?"), {nodeId}, what);
}

Result<RefreshReport> NodeService::recordReboot(const NodeInfo &node, Node &host, qint64 journalId)
{
    // Read before the write lock is taken; stored in the transaction that ends the reboot.
    auto snapshot = host.inventory();
    if (!snapshot)
        return snapshot.error();
    const QString what = tr("Recording the reboot of node '%1'").arg(node.name);
    auto report = m_ctx.write([&](StoreTransaction &) -> Result<RefreshReport> {
        if (Status s = StoreQuery::run(m_ctx.db(), QStringLiteral("UPDATE nodes SET reboot_required = 0 WHERE id = ?"), {node.id}, what); !s)
            return s.error();
        if (Status s = StoreQuery::run(m_ctx.db(), QStringLiteral("UPDATE devices SET reboot_pending = 0 WHERE node_id = ?"), {node.id}, what); !s)
            return s.error();
        if (Status s = stopVms(node.id, what); !s)
            return s.error();
        auto stored = storeInventory(node, *snapshot, mountsOf(host));
        if (!stored)
            return stored.error();
        if (Status s = Journal::remove(m_ctx.db(), journalId); !s)
            return s.error();
        return stored;
    });
    if (!report)
        return report.error();
    auto info = DomainServiceQueries::node(m_ctx.db(), node.id);
    if (info)
        report->node = *info;
    return report;
}

Result<RefreshReport> NodeService::reboot(qint64 nodeId)
{
    auto n = DomainServiceQueries::node(m_ctx.db(), nodeId);
    const QString subject = n ? tr("node '%1'").arg(n->name) : tr("node #%1").arg(nodeId);
    auto run = [&]() -> Result<RefreshReport> {
        if (!n)
            return n.error();
        auto host = m_ctx.node(*n);
        if (!host)
            return host.error();
        if (!n->simulated) {
            // Refused before anything is journaled or stopped: a refusal changes nothing.
            return ServiceContext::refusal(ErrorCode::RebootRefused, tr("Rebooting node '%1'").arg(n->name),
                                           tr("Passdeck never reboots a real machine"),
                                           tr("Put the node in maintenance mode, move its VMs away, then reboot it yourself "
                                              "(e.g. `systemctl reboot`); the persistent configuration under /etc applies at boot."));
        }
        // Journaled before the first effect: the VMs stop (store) in the transaction that writes
        // the row, and the row goes in the one that records the reboot, so that a process killed
        // in between is finished at the next open (the simulated reboot is repeated).
        auto journaled = m_ctx.write([&](StoreTransaction &tx) -> Result<qint64> {
            JournalEntry entry;
            entry.nodeId = nodeId;
            entry.operation = QStringLiteral("node-reboot");
            entry.target = QStringLiteral("host");
            auto id = Journal::add(m_ctx.db(), entry);
            if (!id)
                return id.error();
            if (Status s = stopVms(nodeId, tr("Stopping the VMs of node '%1' for its reboot").arg(n->name)); !s)
                return s.error();
            if (Status s = tx.commit(); !s) // not the last commit: the audit entry goes with the recorded reboot
                return s.error();
            return id;
        });
        if (!journaled)
            return journaled.error();
        const qint64 journalId = *journaled;
        ServiceContext::step("journaled");
        if (Status s = (*host)->reboot(); !s) {
            // The reboot did not happen (or not all of it): the VMs are stopped, the node still
            // needs its reboot; the row stays only if it cannot be cleared.
            Error e = s.error();
            if (Status removed = Journal::remove(m_ctx.db(), journalId); !removed)
                e.addHint(tr("The operation journal could not be cleared (%1); reopening Passdeck "
                             "repeats the reboot.").arg(removed.error().message()));
            e.addHint(tr("The VMs of node '%1' were stopped; reboot it again.").arg(n->name));
            return e;
        }
        ServiceContext::step("rebooted");
        return recordReboot(*n, **host, journalId);
    };
    return m_ctx.run(QStringLiteral("node.reboot"), subject, run,
                     ServiceContext::Nodes | ServiceContext::Vms | ServiceContext::Groups);
}

} // namespace passdeck
