#pragma once

#include "views/Dashboard.h"
#include "core/DomainTypes.h"

class QLabel;
class QTableView;
class QToolButton;

namespace passdeck {

class ColumnFitter;
class DeviceEntryDialog;
class PciDeviceModel;
class ResourceGroupModel;

// One tenant node: the host node it runs on, the tenant's groups attached to it and their
// devices; Devices → New passes devices of a host group to it (flow 1.3).
class TenantNodeDashboard : public Dashboard
{
    Q_OBJECT
public:
    TenantNodeDashboard(MainWindow &window, qint64 tenantNodeId);

    QString title() const override;
    QList<Crumb> breadcrumb() const override;
    void refresh() override;

    const TenantNode &tenantNode() const { return m_node; }
    QTableView *groupsTable() const { return m_groups; }
    QTableView *devicesTable() const { return m_devices; }
    ResourceGroupModel *groupsModel() const { return m_groupModel; }
    PciDeviceModel *devicesModel() const { return m_deviceModel; }
    DeviceEntryDialog *newDevice();
    // Gives the devices of the selected tenant group back to its host group (asks first in the
    // banner, link "confirm-return"; returnNow() does it). Refused while the tenant's VMs use it.
    void requestReturn();
    void returnNow();

protected:
    void handleLink(const QString &link) override;

private:
    qint64 selectedGroup() const;

    TenantNode m_node;
    QToolButton *m_returnItem = nullptr;
    qint64 m_pendingReturn = 0;
    QLabel *m_details = nullptr;
    QTableView *m_groups = nullptr;
    QTableView *m_devices = nullptr;
    ColumnFitter *m_deviceFitter = nullptr;
    ResourceGroupModel *m_groupModel = nullptr;
    PciDeviceModel *m_deviceModel = nullptr;
};

} // namespace passdeck
