#pragma once

#include "core/DomainTypes.h"
#include "models/RecordTableModel.h"

#include <QHash>

namespace passdeck {

// The Virtual Machines list: node, owner, power state, devices, restart-needed marker.
class VmModel : public RecordTableModel<Vm>
{
    Q_OBJECT
public:
    enum Column { NameColumn, NodeColumn, OwnerColumn, PowerColumn, DevicesColumn, RestartColumn, ColumnCount };
    enum Role { VmIdRole = Qt::UserRole + 1, RestartNeededRole, TenantIdRole };
    Q_ENUM(Column)

    explicit VmModel(QObject *parent = nullptr);

    // PCI devices each VM asks for (the sum of its machine devices' Counts), by VM id. Without
    // an entry the Devices column falls back to the number of machine devices. Set it before
    // setItems().
    void setRequestedDevices(QHash<qint64, int> requested) { m_requested = std::move(requested); }

    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QHash<qint64, int> m_requested;
};

} // namespace passdeck
