#pragma once

#include "core/DomainTypes.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QSet>

namespace passdeck {

// The PCI Devices table: one row per observed device (DeviceRecord from the domain service).
class PciDeviceModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        NodeColumn,
        SlotColumn,
        VendorColumn,
        DeviceColumn,
        ClassColumn,
        DriverColumn,
        IommuGroupColumn,
        NumaColumn,
        ResourceGroupColumn,
        StatusColumn,
        ColumnCount
    };
    enum Role {
        AddressRole = Qt::UserRole + 1, // "0000:01:00.0"
        NodeIdRole,                     // qint64
        NodeNameRole,
        DeviceIdRole,                   // the store's row id (qint64)
        IommuGroupRole,                 // int, -1 none
        StatusRole,                     // int(DeviceStatus)
        IsFreeRole,                     // bool
        IsBridgeRole,                   // bool
        BaseClassRole,                  // int, PCI base class, -1 unknown
        HighlightRole,                  // bool: shares an IOMMU group with a selected device
        SortRole                        // a value that sorts naturally (numbers as numbers)
    };
    Q_ENUM(Column)

    explicit PciDeviceModel(QObject *parent = nullptr);

    // Same devices in the same order: rows are updated in place (selection survives);
    // otherwise the model resets.
    void setDevices(QList<DeviceRecord> devices);
    const QList<DeviceRecord> &devices() const { return m_devices; }
    const DeviceRecord &device(int row) const { return m_devices.at(row); }
    int rowOf(qint64 nodeId, const QString &address) const;

    // Lower-case text of every column of a row, for the filter box (built once per refresh).
    const QString &searchText(int row) const { return m_search.at(row); }

    // Rows in one of these (node, IOMMU group) pairs get HighlightRole and a background.
    void setHighlightedGroups(const QSet<QPair<qint64, int>> &groups);
    bool isHighlighted(int row) const;

    static QString statusText(const DeviceRecord &device);
    // An SR-IOV virtual function, as its pci.ids name says (the Device column marks it "VF ·").
    static bool isVirtualFunction(const DeviceRecord &device);
    // "10de:2230 (subsystem 10de:1459)"
    static QString idText(const DeviceRecord &device);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QString displayText(const DeviceRecord &d, int column) const;
    void rebuildSearch();

    QList<DeviceRecord> m_devices;
    QStringList m_search;
    QSet<QPair<qint64, int>> m_highlighted;
};

} // namespace passdeck
