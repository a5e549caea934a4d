#pragma once

#include "views/Dashboard.h"
#include "core/DomainTypes.h"

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
    // Of a running VM it asks first: "remove-at-restart", "stop-and-remove" or "cancel-remove".
    void deleteSelected();

protected:
    void handleLink(const QString &link) override;

private:
    void detachNow(const MachineDevice &device, bool stopFirst);

    ResourceGroup m_group;
    MachineDevice m_pendingRemove;
    MachineDeviceModel *m_model = nullptr;
    QTableView *m_table = nullptr;
    QPushButton *m_delete = nullptr;
};

} // namespace passdeck
