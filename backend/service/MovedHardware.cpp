#include "service/MovedHardware.h"

#include "service/DomainServiceContext.h"
#include "service/DomainServiceQueries.h"
#include "store/StoreQuery.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QHash>
#include <QSet>

namespace passdeck {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("MovedHardware", text);
}

QString ids(int vendor, int device)
{
    return QStringLiteral("%1:%2").arg(vendor, 4, 16, QLatin1Char('0')).arg(device, 4, 16, QLatin1Char('0'));
}

const char *const kOfferColumns =
    // The card's name as read at its new address: the record at the old one has the names of
    // whatever sits there now (a refresh keeps only the ids as first recorded).
    "SELECT o.node_id, n.name, o.rule_id, g.name, o.old_address, o.new_address, r.vendor_id, r.pci_device_id,"
    " COALESCE(nn.device_name, ''), o.matched_by, d.physical_slot, d.serial_number, o.found_at, o.dismissed"
    " FROM moved_offers o JOIN nodes n ON n.id = o.node_id JOIN resource_rules r ON r.id = o.rule_id"
    " JOIN resource_groups g ON g.id = r.group_id JOIN devices d ON d.id = r.device_id"
    " LEFT JOIN devices nd ON nd.node_id = o.node_id AND nd.address = o.new_address"
    " LEFT JOIN pci_names nn ON nn.id = nd.names_id";

MovedOffer offerFrom(const StoreQuery &q)
{
    MovedOffer o;
    o.nodeId = q.value(0).toLongLong();
    o.nodeName = q.value(1).toString();
    o.ruleId = q.value(2).toLongLong();
    o.groupName = q.value(3).toString();
    o.oldAddress = q.value(4).toString();
    o.newAddress = q.value(5).toString();
    o.vendorId = q.value(6).toInt();
    o.deviceId = q.value(7).toInt();
    o.deviceName = q.value(8).toString();
    o.matchedBy = q.value(9).toString();
    o.slot = q.value(10).toString();
    o.serialNumber = q.value(11).toString();
    o.foundAt = q.value(12).toString();
    o.dismissed = q.value(13).toInt() != 0;
    return o;
}

} // namespace

Status MovedHardware::detect(const QSqlDatabase &db, const NodeInfo &node, const InventorySnapshot &snapshot,
                             const QString &what)
{
    // 1. Slot and serial as recorded: only for the card the row recorded (its ids still match).
    // Devices with neither cost no statement, so a node without slots pays nothing.
    StoreQuery record(db, QStringLiteral(
        "UPDATE devices SET physical_slot = ?, serial_number = ? WHERE node_id = ? AND address = ? AND vendor_id = ?"
        " AND pci_device_id = ? AND subsys_vendor_id = ? AND subsys_device_id = ?"));
    for (const PciDevice &d : snapshot.devices) {
        if (d.physicalSlot.isEmpty() && d.serialNumber.isEmpty())
            continue;
        const QVariantList values = {d.physicalSlot, d.serialNumber, node.id, d.address, d.vendorId, d.deviceId,
                                     d.subsystemVendorId, d.subsystemDeviceId};
        for (int i = 0; i < values.size(); ++i)
            record.bindAt(i, values.at(i));
        if (Status s = record.exec(what); !s)
            return s;
    }

    // 2. The node's rules: which lost their card, which still have it.
    struct Rule { qint64 id; QString address; int v, d, sv, sd; QString slot, serial; };
    QList<Rule> gone;
    QSet<QString> held; // addresses whose card is still the one its rule recorded
    {
        StoreQuery q(db, QStringLiteral(
            "SELECT r.id, r.address, r.vendor_id, r.pci_device_id, r.subsys_vendor_id, r.subsys_device_id,"
            " d.physical_slot, d.serial_number, d.present, d.ids_changed"
            " FROM resource_rules r JOIN devices d ON d.id = r.device_id WHERE r.node_id = ?"));
        q.bind(node.id);
        if (Status s = q.exec(what); !s)
            return s;
        while (q.next()) {
            const bool lost = q.value(8).toInt() == 0 || q.value(9).toInt() != 0;
            const Rule r{q.value(0).toLongLong(), q.value(1).toString(), q.value(2).toInt(), q.value(3).toInt(),
                         q.value(4).toInt(), q.value(5).toInt(), q.value(6).toString(), q.value(7).toString()};
            if (!lost)
                held.insert(r.address);
            else if (!r.slot.isEmpty() || !r.serial.isEmpty())
                gone.append(r);
        }
    }

    // 3. Where each lost card is now: the same four ids and the same serial (preferred) or slot,
    // at an address no healthy rule holds.
    struct Found { QString oldAddress, newAddress, by; };
    QHash<qint64, Found> found;
    for (const Rule &r : std::as_const(gone)) {
        const PciDevice *bySerial = nullptr, *bySlot = nullptr;
        for (const PciDevice &d : snapshot.devices) {
            if (d.address == r.address || held.contains(d.address) || d.vendorId != r.v || d.deviceId != r.d
                || d.subsystemVendorId != r.sv || d.subsystemDeviceId != r.sd)
                continue;
            if (!bySerial && !r.serial.isEmpty() && d.serialNumber == r.serial)
                bySerial = &d;
            if (!bySlot && !r.slot.isEmpty() && d.physicalSlot == r.slot)
                bySlot = &d;
        }
        if (bySerial)
            found.insert(r.id, {r.address, bySerial->address, QStringLiteral("serial")});
        else if (bySlot)
            found.insert(r.id, {r.address, bySlot->address, QStringLiteral("slot")});
    }

    // 4. The node's offers become exactly those found; a dismissed one stays dismissed.
    QSet<QPair<qint64, QString>> existing;
    {
        StoreQuery q(db, QStringLiteral("SELECT rule_id, new_address FROM moved_offers WHERE node_id = ?"));
        q.bind(node.id);
        if (Status s = q.exec(what); !s)
            return s;
        while (q.next())
            existing.insert({q.value(0).toLongLong(), q.value(1).toString()});
    }
    for (const auto &key : std::as_const(existing)) {
        const auto it = found.constFind(key.first);
        if (it != found.cend() && it->newAddress == key.second)
            continue;
        if (Status s = StoreQuery::run(db, QStringLiteral("DELETE FROM moved_offers WHERE rule_id = ? AND new_address = ?"),
                                       {key.first, key.second}, what); !s)
            return s;
    }
    const QString now = QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
    for (auto it = found.cbegin(); it != found.cend(); ++it) {
        if (existing.contains({it.key(), it->newAddress}))
            continue;
        if (Status s = StoreQuery::run(db, QStringLiteral(
                "INSERT INTO moved_offers (rule_id, node_id, old_address, new_address, matched_by, found_at)"
                " VALUES (?, ?, ?, ?, ?, ?)"), {it.key(), node.id, it->oldAddress, it->newAddress, it->by, now}, what); !s)
            return s;
    }
    return {};
}

Result<QList<MovedOffer>> MovedHardware::offers(qint64 nodeId, bool withDismissed) const
{
    QString sql = QString::fromLatin1(kOfferColumns) + QStringLiteral(" WHERE (? = 0 OR o.node_id = ?)");
    if (!withDismissed)
        sql += QStringLiteral(" AND o.dismissed = 0");
    sql += QStringLiteral(" ORDER BY n.name, o.old_address");
    StoreQuery q(m_ctx.db(), sql);
    q.bind(nodeId).bind(nodeId);
    if (Status s = q.exec(tr("Listing hardware that moved")); !s)
        return s.error();
    QList<MovedOffer> out;
    while (q.next())
        out.append(offerFrom(q));
    return out;
}

Result<MovedOffer> MovedHardware::find(qint64 nodeId, const QString &oldAddress, const QString &newAddress,
                                       bool pendingOnly) const
{
    const QString what = tr("Looking up the move of %1 to %2").arg(oldAddress, newAddress);
    StoreQuery q(m_ctx.db(), QString::fromLatin1(kOfferColumns)
                                 + QStringLiteral(" WHERE o.node_id = ? AND o.old_address = ? AND o.new_address = ?"));
    q.bind(nodeId).bind(oldAddress).bind(newAddress);
    if (Status s = q.exec(what); !s)
        return s.error();
    if (!q.next() || (pendingOnly && q.value(13).toInt() != 0))
        return ServiceContext::refusal(ErrorCode::NotFound, what,
                                       tr("no rule of this node waits to move from %1 to %2").arg(oldAddress, newAddress),
                                       tr("Refresh the node; `passdeck-cli moved --node NODE` lists what is offered."));
    return offerFrom(q);
}

Result<MovedOffer> MovedHardware::confirm(qint64 nodeId, const QString &oldAddress, const QString &newAddress)
{
    auto n = DomainServiceQueries::node(m_ctx.db(), nodeId);
    const QString subject = tr("%1 → %2 on node '%3'").arg(oldAddress, newAddress, n ? n->name : QString::number(nodeId));
    const QString what = tr("Moving the resource rule of %1 to %2").arg(oldAddress, newAddress);
    MovedOffer offer;
    auto run = [&](StoreTransaction &) -> Status {
        if (!n)
            return n.error();
        auto o = find(nodeId, oldAddress, newAddress, true);
        if (!o)
            return o.error();
        offer = *o;
        // The record at the new address: a stale one is dropped (the next refresh records what is
        // there); one that still carries a rule is that rule's card, which must move first.
        StoreQuery occupant(m_ctx.db(), QStringLiteral(
            "SELECT d.id, r.id, g.name, r.vendor_id, r.pci_device_id FROM devices d"
            " LEFT JOIN resource_rules r ON r.device_id = d.id LEFT JOIN resource_groups g ON g.id = r.group_id"
            " WHERE d.node_id = ? AND d.address = ?"));
        occupant.bind(nodeId).bind(newAddress);
        if (Status s = occupant.exec(what); !s)
            return s;
        if (occupant.next()) {
            if (!occupant.value(1).isNull())
                return ServiceContext::refusal(
                    ErrorCode::InUse, what,
                    tr("%1 still carries the rule of group '%2' for %3, whose card is gone from there")
                        .arg(newAddress, occupant.value(2).toString(), ids(occupant.value(3).toInt(), occupant.value(4).toInt())),
                    tr("Confirm the move of that rule first (it is listed too), or remove %1 from its group.").arg(newAddress));
            if (Status s = StoreQuery::run(m_ctx.db(), QStringLiteral("DELETE FROM devices WHERE id = ?"),
                                           {occupant.value(0)}, what); !s)
                return s;
        }
        // The rule's device record follows the card: holds, allocations and the tenant pool
        // reference the record, so they move with it.
        if (Status s = StoreQuery::run(m_ctx.db(), QStringLiteral(
                "UPDATE devices SET address = ?, present = 1, ids_changed = 0 WHERE id = (SELECT device_id FROM resource_rules WHERE id = ?)"),
                {newAddress, offer.ruleId}, what); !s)
            return s;
        if (Status s = StoreQuery::run(m_ctx.db(), QStringLiteral("UPDATE resource_rules SET address = ? WHERE id = ?"),
                                       {newAddress, offer.ruleId}, what); !s)
            return s;
        return StoreQuery::run(m_ctx.db(), QStringLiteral(
            "DELETE FROM moved_offers WHERE rule_id = ? OR (node_id = ? AND new_address = ?)"),
            {offer.ruleId, nodeId, newAddress}, what);
    };
    Status st = m_ctx.change(QStringLiteral("resource.move"), subject, ServiceContext::Nodes | ServiceContext::Groups, run);
    if (!st)
        return st.error();
    return offer;
}

Result<MovedOffer> MovedHardware::dismiss(qint64 nodeId, const QString &oldAddress, const QString &newAddress)
{
    auto n = DomainServiceQueries::node(m_ctx.db(), nodeId);
    const QString subject = tr("%1 → %2 on node '%3'").arg(oldAddress, newAddress, n ? n->name : QString::number(nodeId));
    MovedOffer offer;
    auto run = [&](StoreTransaction &) -> Status {
        if (!n)
            return n.error();
        auto o = find(nodeId, oldAddress, newAddress, true);
        if (!o)
            return o.error();
        offer = *o;
        offer.dismissed = true;
        return StoreQuery::run(m_ctx.db(), QStringLiteral("UPDATE moved_offers SET dismissed = 1 WHERE rule_id = ? AND new_address = ?"),
                               {offer.ruleId, newAddress}, tr("Dismissing the move of %1 to %2").arg(oldAddress, newAddress));
    };
    Status st = m_ctx.change(QStringLiteral("resource.move-dismiss"), subject, ServiceContext::Nodes, run);
    if (!st)
        return st.error();
    return offer;
}

} // namespace passdeck
