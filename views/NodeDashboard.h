#pragma once

#include "Dashboard.h"
#include "DomainTypes.h"

class QCheckBox;
class QLabel;
class QToolButton;

namespace passdeck {

// One node: status, maintenance mode, its reboot banner, PCI Devices, Refresh and Reboot.
// A simulated node reboots through the simulator; the real host only gets instructions.
class NodeDashboard : public Dashboard
{
    Q_OBJECT
public:
    NodeDashboard(MainWindow &window, qint64 nodeId);

    QString title() const override;
    QList<Crumb> breadcrumb() const override;
    void refresh() override;

    const NodeInfo &node() const { return m_node; }
    QCheckBox *maintenanceToggle() const { return m_maintenance; }
    void setMaintenance(bool on);
    void reboot();
    void refreshInventory();

private:
    NodeInfo m_node;
    QLabel *m_status = nullptr;
    QLabel *m_kind = nullptr;
    QLabel *m_root = nullptr;
    QLabel *m_devices = nullptr;
    QLabel *m_refreshed = nullptr;
    QCheckBox *m_maintenance = nullptr;
    QToolButton *m_rebootButton = nullptr;
    QToolButton *m_refreshButton = nullptr;
};

} // namespace passdeck
