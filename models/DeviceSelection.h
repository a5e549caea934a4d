#pragma once

#include <QObject>
#include <QStringList>

namespace passdeck {

// The devices selected on a node, shared by every page that shows them (PCI Devices, Topology):
// selecting in one selects in the others (docs/topology.md). One per main window, found with
// of(); pages write it when their own selection changes and follow it when it changes.
class DeviceSelection : public QObject
{
    Q_OBJECT
public:
    // The selection that belongs to `window` (a child object, made on first use).
    static DeviceSelection &of(QObject &window);

    qint64 nodeId() const { return m_nodeId; }
    const QStringList &addresses() const { return m_addresses; }
    // The addresses selected on nodeId; empty when the selection is on another node.
    QStringList addressesOn(qint64 nodeId) const { return nodeId == m_nodeId ? m_addresses : QStringList(); }

    // Emits changed() only when something changed, so pages that follow each other settle.
    void select(qint64 nodeId, QStringList addresses);

Q_SIGNALS:
    void changed();

private:
    explicit DeviceSelection(QObject *parent) : QObject(parent) {}

    qint64 m_nodeId = 0;
    QStringList m_addresses;
};

} // namespace passdeck
