#pragma once

#include "core/DomainTypes.h"
#include "core/Error.h"
#include "core/PciDevice.h"

#include <QList>
#include <QSqlDatabase>
#include <QString>

namespace passdeck {

struct ServiceContext;

// A resource rule whose card is gone from its address but was recognised at another one by
// its ids and its physical slot or PCIe serial number (docs/moved-hardware.md).
struct MovedOffer
{
    qint64 nodeId = 0;
    QString nodeName;
    qint64 ruleId = 0;
    QString groupName;
    QString oldAddress;
    QString newAddress;
    int vendorId = -1;
    int deviceId = -1;
    QString deviceName;  // as recorded for the rule's device
    QString matchedBy;   // "slot" or "serial"
    QString slot;        // the recorded physical slot (empty when matched by serial only)
    QString serialNumber;
    QString foundAt;     // ISO time of the refresh that found it
    bool dismissed = false;
};

// Hardware that moved: offers found at refresh, listed, confirmed or dismissed. Nothing moves
// without the administrator's confirmation; a confirmation moves the rule's device record
// (and so its holds and allocations) to the new address, audited.
class MovedHardware
{
public:
    explicit MovedHardware(ServiceContext &ctx) : m_ctx(ctx) {}

    // Inside the refresh's transaction, after the devices were stored: records the slot and
    // serial of every device whose ids still match, and replaces the node's pending offers
    // with those the snapshot shows (dismissed ones are kept and not offered again).
    static Status detect(const QSqlDatabase &db, const NodeInfo &node, const InventorySnapshot &snapshot,
                         const QString &what);

    // Pending offers of a node (0: every node); dismissed ones only when asked.
    Result<QList<MovedOffer>> offers(qint64 nodeId, bool withDismissed = false) const;
    // Moves the rule at oldAddress to newAddress. Refused when no such pending offer exists,
    // or when the record at newAddress still carries another rule (confirm that one first).
    Result<MovedOffer> confirm(qint64 nodeId, const QString &oldAddress, const QString &newAddress);
    // The offer is not made again; the rule stays where it was (its device still gone).
    Result<MovedOffer> dismiss(qint64 nodeId, const QString &oldAddress, const QString &newAddress);

private:
    Result<MovedOffer> find(qint64 nodeId, const QString &oldAddress, const QString &newAddress, bool pendingOnly) const;

    ServiceContext &m_ctx;
};

} // namespace passdeck
