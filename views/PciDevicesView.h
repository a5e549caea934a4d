#pragma once

#include "core/DomainTypes.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QTableView;

namespace passdeck {

class ColumnFitter;
class PciDeviceFilterProxy;
class PciDeviceModel;

// The PCI Devices table with its filter box (all columns), class filter and "Only free";
// multi-select; the selection's IOMMU group members are highlighted. Ctrl+F focuses the filter,
// Escape clears it, Down moves from the filter into the table.
class PciDevicesView : public QWidget
{
    Q_OBJECT
public:
    explicit PciDevicesView(QWidget *parent = nullptr);

    void setDevices(QList<DeviceRecord> devices);
    void setNodeColumnVisible(bool visible);
    QList<DeviceRecord> selectedDevices() const;
    // Selects the rows of these addresses (on nodeId, 0 = any node); returns how many matched.
    int selectAddresses(const QStringList &addresses, qint64 nodeId = 0);

    PciDeviceModel *model() const { return m_model; }
    PciDeviceFilterProxy *proxy() const { return m_proxy; }
    QTableView *table() const { return m_table; }
    QLineEdit *filterEdit() const { return m_filter; }
    QComboBox *classFilter() const { return m_class; }
    QCheckBox *onlyFreeCheck() const { return m_onlyFree; }

Q_SIGNALS:
    void selectionChanged();
    void activated(const passdeck::DeviceRecord &device);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void updateClassFilter();
    void updateSelection();
    void updateHighlight();
    void updateCount();

    PciDeviceModel *m_model = nullptr;
    PciDeviceFilterProxy *m_proxy = nullptr;
    QTableView *m_table = nullptr;
    QLineEdit *m_filter = nullptr;
    QComboBox *m_class = nullptr;
    QCheckBox *m_onlyFree = nullptr;
    QLabel *m_count = nullptr;
    ColumnFitter *m_fitter = nullptr;
    bool m_sized = false;
    bool m_highlightPending = false;
};

} // namespace passdeck
