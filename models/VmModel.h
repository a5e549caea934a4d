#pragma once

#include "core/DomainTypes.h"
#include "models/RecordTableModel.h"

#include <QHash>

namespace passdeck {

// The Virtual Machines list: node, owner, state (libvirt's when the VM has a domain; a vanished
// domain flagged), vCPUs, memory, devices, restart-needed marker.
class VmModel : public RecordTableModel<Vm>
{
    Q_OBJECT
public:
    enum Column { NameColumn, NodeColumn, OwnerColumn, PowerColumn, VcpusColumn, MemoryColumn, DevicesColumn, RestartColumn, ColumnCount };
    enum Role { VmIdRole = Qt::UserRole + 1, RestartNeededRole, TenantIdRole, VanishedRole };
    Q_ENUM(Column)

    explicit VmModel(QObject *parent = nullptr);

    // PCI devices each VM asks for (the sum of its machine devices' Counts), by VM id. Without
    // an entry the Devices column falls back to the number of machine devices. Set it before
    // setItems().
    void setRequestedDevices(QHash<qint64, int> requested) { m_requested = std::move(requested); }

    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // libvirt's state as the lists show it: "Running", "Shut off"... ("" for an unknown name).
    static QString stateText(const QString &libvirtState);
    // The State column of a VM: libvirt's state, "Domain vanished", or Passdeck's Running/Stopped
    // for a VM without a domain.
    static QString vmStateText(const Vm &vm);

private:
    QHash<qint64, int> m_requested;
};

} // namespace passdeck
