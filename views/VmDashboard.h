#pragma once

#include "service/ChangeImpact.h"
#include "views/Dashboard.h"
#include "core/DomainTypes.h"

class QLabel;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QTableView;
class QToolButton;

namespace passdeck {

class DeviceEntryDialog;
class MachineDeviceModel;
class MoveVmDialog;

// One VM: state and node, the restart banner, its machine devices (New, Delete), Restart and
// power on/off (run off the GUI thread with progress), and after a restart the allocated devices
// with the QEMU arguments and libvirt <hostdev> XML to copy.
class VmDashboard : public Dashboard
{
    Q_OBJECT
public:
    VmDashboard(MainWindow &window, qint64 vmId);

    QString title() const override;
    QList<Crumb> breadcrumb() const override;
    void refresh() override;

    const Vm &vm() const { return m_vm; }
    QTableView *devicesTable() const { return m_table; }
    MachineDeviceModel *devicesModel() const { return m_model; }
    QPlainTextEdit *qemuSnippet() const { return m_qemu; }
    QPlainTextEdit *libvirtSnippet() const { return m_libvirt; }
    bool isBusy() const { return busy(); }
    bool isGone() const { return m_gone; }

    DeviceEntryDialog *newDevice();
    void restart();
    void powerOn();
    void powerOff();
    // Removes the selected machine device. Of a running VM it asks first (links
    // "remove-at-restart": the VM keeps the device until it restarts; "stop-and-remove": the
    // VM is powered off first; "cancel-remove").
    void deleteSelected();
    // Asks in the banner, saying whether the VM runs (link "confirm-delete-vm"); deleteVmNow()
    // deletes the VM and goes back to the list.
    void requestDeleteVm();
    void deleteVmNow();
    // The question Delete VM asks here and on the list: whether it runs, what it frees.
    static QString deleteQuestion(const Vm &vm, const ChangeImpactReport &impact);
    // Move to Node…: the dialog (shown), nullptr when one is open already.
    MoveVmDialog *moveToNode();

protected:
    void handleLink(const QString &link) override;

private:
    void start(bool restart);
    void updatePowerItems();
    void detachNow(const MachineDevice &device, bool stopFirst);
    void setProgress(int done, int total, const QString &step);

    Vm m_vm;
    bool m_gone = false;
    MachineDevice m_pendingRemove;
    QLabel *m_state = nullptr;
    QLabel *m_node = nullptr;
    QLabel *m_owner = nullptr;
    QLabel *m_summary = nullptr;
    MachineDeviceModel *m_model = nullptr;
    QTableView *m_table = nullptr;
    QPushButton *m_delete = nullptr;
    QPlainTextEdit *m_qemu = nullptr;
    QPlainTextEdit *m_libvirt = nullptr;
    QProgressBar *m_progress = nullptr;
    QToolButton *m_restartItem = nullptr;
    QToolButton *m_powerOnItem = nullptr;
    QToolButton *m_powerOffItem = nullptr;
};

} // namespace passdeck
