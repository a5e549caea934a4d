#pragma once

#include "Dashboard.h"
#include "DomainTypes.h"

class QPushButton;
class QTableView;

namespace passdeck {

class DeviceEntryDialog;
class MachineDeviceModel;

// A resource group's View Machine Devices: every machine device drawing from the group, with
// New (the device entry form with a Machine dropdown) and Delete. Double-click opens the VM.
class MachineDevicesDashboard : public Dashboard
{
    Q_OBJECT
public:
    MachineDevicesDashboard(MainWindow &window, qint64 groupId);

    QString title() const override;
    QList<Crumb> breadcrumb() const override;
    void refresh() override;

    QTableView *devicesTable() const { return m_table; }
    MachineDeviceModel *devicesModel() const { return m_model; }
    DeviceEntryDialog *newDevice();
    void deleteSelected();

private:
    ResourceGroup m_group;
    MachineDeviceModel *m_model = nullptr;
    QTableView *m_table = nullptr;
    QPushButton *m_delete = nullptr;
};

} // namespace passdeck
