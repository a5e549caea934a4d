#pragma once

#include "service/ChangeImpact.h"
#include "views/Dashboard.h"
#include "core/DomainTypes.h"

class QLabel;
class QPlainTextEdit;
class QProgressBar;
class QSpinBox;
class QPushButton;
class QTableView;
class QToolButton;

namespace passdeck {

class DeviceEntryDialog;
class MachineDeviceModel;
class MoveVmDialog;

// One VM: libvirt's state and node, the restart banner, its machine devices (New, Delete),
// Restart, Attach Now and power on/off (run off the GUI thread with progress), and its libvirt
// domain's XML as libvirt returns it (docs/libvirt.md, "VMs in Passdeck"). A VM whose node has
// no hypervisor shows the reason, and the QEMU arguments and <hostdev> XML to copy instead.
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
    QPlainTextEdit *domainXmlView() const { return m_domainXml; }
    QSpinBox *shutdownTimeoutSpin() const { return m_timeout; }
    bool isBusy() const { return busy(); }
    bool isGone() const { return m_gone; }

    DeviceEntryDialog *newDevice();
    void restart();
    void powerOn();
    void powerOff();
    // The new machine devices into the running domain now; when the hypervisor refuses, the
    // message says why and that a Restart gives them.
    void attachNow();
    // Applies the shutdown timeout spin box's value.
    void applyShutdownTimeout();
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
    void start(bool restart, bool live = false);
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
    QToolButton *m_attachNowItem = nullptr;
    QLabel *m_domain = nullptr;
    QLabel *m_size = nullptr;
    QLabel *m_foreign = nullptr;
    QSpinBox *m_timeout = nullptr;
    QWidget *m_snippetBox = nullptr;
    QWidget *m_domainBox = nullptr;
    QPlainTextEdit *m_domainXml = nullptr;
};

} // namespace passdeck
