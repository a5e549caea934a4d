#pragma once

#include "views/Dashboard.h"
#include "core/DomainTypes.h"

class QCheckBox;
class QLabel;
class QToolButton;

namespace passdeck {

class MovedHardwarePanel;
struct MovedOffer;

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
    // Turning it on while VMs run asks first, listing them (links "confirm-maintenance",
    // "cancel-maintenance"); turning it off does not.
    void setMaintenance(bool on);
    // Asks first, listing the running VMs it stops (links "confirm-reboot", "cancel-reboot").
    void reboot();
    void refreshInventory();
    // Captures the node into a simulated twin and opens the twin's dashboard.
    void rehearseOnTwin();
    MovedHardwarePanel *movedHardware() const { return m_moved; }

protected:
    void handleLink(const QString &link) override;

private:
    void applyMaintenance(bool on);
    void rebootNow();
    void answerMove(const MovedOffer &offer, bool confirm);

    NodeInfo m_node;
    QLabel *m_status = nullptr;
    QLabel *m_kind = nullptr;
    QLabel *m_root = nullptr;
    QLabel *m_agent = nullptr;
    QLabel *m_state = nullptr;
    QLabel *m_devices = nullptr;
    QLabel *m_refreshed = nullptr;
    QCheckBox *m_maintenance = nullptr;
    QToolButton *m_rebootButton = nullptr;
    QToolButton *m_refreshButton = nullptr;
    QToolButton *m_twinButton = nullptr;
    MovedHardwarePanel *m_moved = nullptr;
};

} // namespace passdeck
