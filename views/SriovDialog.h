#pragma once

#include "core/NodeChecks.h"

#include <QDialog>

class QCheckBox;
class QLabel;
class QListWidget;
class QPushButton;
class QSpinBox;

namespace passdeck {

class DomainService;

// PCI Devices → SR-IOV VFs… for a physical function: its current and total VFs, a new count,
// and before anything is written the impact check of the VFs that would vanish and what uses
// them (resource groups, VMs, tenants, vfio-pci, up interfaces, mounted disks). Blockers keep
// Apply disabled (nothing here overrides one); removing VFs nobody uses needs the confirming
// tick. Open with show().
class SriovDialog : public QDialog
{
    Q_OBJECT
public:
    SriovDialog(DomainService &service, qint64 nodeId, const QString &pfAddress, QWidget *parent);

    // False when the device is not an SR-IOV PF (or unreadable): the reason is in the message.
    bool isUsable() const { return m_usable; }
    QSpinBox *countSpin() const { return m_count; }
    QLabel *stateLabel() const { return m_state; }
    QListWidget *findingsList() const { return m_findings; }
    QCheckBox *confirmCheck() const { return m_confirm; }
    QLabel *messageLabel() const { return m_message; }
    QPushButton *applyButton() const { return m_apply; }
    const VfCountPlan &plan() const { return m_plan; }
    bool apply();

Q_SIGNALS:
    void applied(const QString &message);

private:
    void loadState();
    void checkImpact();
    void updateApply();
    void showError(const QString &html);

    DomainService &m_service;
    qint64 m_nodeId;
    QString m_address;
    bool m_usable = false;
    bool m_planned = false;
    VfCountPlan m_plan;
    QLabel *m_state = nullptr;
    QSpinBox *m_count = nullptr;
    QListWidget *m_findings = nullptr;
    QCheckBox *m_confirm = nullptr;
    QLabel *m_message = nullptr;
    QPushButton *m_apply = nullptr;
};

} // namespace passdeck
