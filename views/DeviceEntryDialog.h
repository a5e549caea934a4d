#pragma once

#include "core/DomainTypes.h"
#include "models/MachineDeviceCapacity.h"

#include <QDialog>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace passdeck {

class DomainService;

// The device entry form of flows 1.2 and 1.3: Name (blank: generated), Type (PCI), Description,
// Resource Group (with what is available to the consumer), Count — and, opened from a group's
// machine devices, a Machine dropdown. Submit calls the domain service; a refusal is shown in the
// form and nothing is lost. Non-modal: open with show(), it deletes itself when closed.
class DeviceEntryDialog : public QDialog
{
    Q_OBJECT
public:
    enum class Mode { Vm, Group, TenantNode };

    static DeviceEntryDialog *forVm(DomainService &service, qint64 vmId, QWidget *parent);
    static DeviceEntryDialog *forGroup(DomainService &service, qint64 groupId, QWidget *parent);
    static DeviceEntryDialog *forTenantNode(DomainService &service, qint64 tenantNodeId, QWidget *parent);

    Mode mode() const { return m_mode; }
    QLineEdit *nameEdit() const { return m_name; }
    QComboBox *typeCombo() const { return m_type; }
    QLineEdit *descriptionEdit() const { return m_description; }
    QComboBox *machineCombo() const { return m_machine; }
    QComboBox *groupCombo() const { return m_group; }
    QSpinBox *countSpin() const { return m_count; }
    QLabel *availabilityLabel() const { return m_availability; }
    QLabel *messageLabel() const { return m_message; }
    QPushButton *submitButton() const { return m_submit; }

    // Selects the group / machine with this id in its dropdown; false when it is not offered.
    bool selectGroup(qint64 groupId);
    bool selectMachine(qint64 vmId);
    GroupAvailability availability() const { return m_current; }

    // Submits as the Submit button does; true when the service accepted it (the form closes).
    bool submit();

Q_SIGNALS:
    void attached(const passdeck::MachineDevice &device);
    void passed(const passdeck::ResourceGroup &group);

private:
    DeviceEntryDialog(DomainService &service, Mode mode, qint64 subjectId, QWidget *parent);
    void build();
    void load();
    void fillGroups();
    void updateState();
    void showMessage(const QString &html, bool error);
    // The service's count (in passthrough units) for the group and the VM (0: the tenant node).
    GroupAvailability availability(qint64 groupId, qint64 vmId);

    DomainService &m_service;
    Mode m_mode;
    qint64 m_subjectId;
    QList<Vm> m_vms;                  // Vm mode: the VM; Group mode: the machines offered
    QList<ResourceGroup> m_groups;    // the groups offered
    TenantNode m_tenantNode;          // TenantNode mode
    QList<TenantNode> m_allTenantNodes;
    GroupAvailability m_current;
    bool m_loaded = false;

    QLineEdit *m_name = nullptr;
    QComboBox *m_type = nullptr;
    QLineEdit *m_description = nullptr;
    QComboBox *m_machine = nullptr;
    QComboBox *m_group = nullptr;
    QSpinBox *m_count = nullptr;
    QLabel *m_availability = nullptr;
    QLabel *m_message = nullptr;
    QLabel *m_intro = nullptr;
    QPushButton *m_submit = nullptr;
};

} // namespace passdeck
