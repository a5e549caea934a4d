#pragma once

#include "core/DomainTypes.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QSpinBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace passdeck {

class DomainService;

// Virtual Machines → New VM: Name and Node for a host VM; for a tenant VM the tenant and the
// tenant node it runs on (its node follows). A refusal is shown in the form. Open with show().
class VmCreateDialog : public QDialog
{
    Q_OBJECT
public:
    VmCreateDialog(DomainService &service, QWidget *parent);

    QLineEdit *nameEdit() const { return m_name; }
    QComboBox *ownerCombo() const { return m_owner; }       // "Host" or a tenant
    QComboBox *tenantNodeCombo() const { return m_tenantNode; }
    QComboBox *nodeCombo() const { return m_node; }
    QSpinBox *vcpusSpin() const { return m_vcpus; }
    QSpinBox *memorySpin() const { return m_memory; }
    QCheckBox *adoptCheck() const { return m_adopt; }
    QComboBox *domainCombo() const { return m_domain; } // the node's domains no VM stands for yet
    QLabel *messageLabel() const { return m_message; }
    QPushButton *submitButton() const { return m_submit; }

    bool selectOwner(qint64 tenantId);      // 0: host
    bool selectTenantNode(qint64 tenantNodeId);
    bool selectNode(qint64 nodeId);
    bool submit();

Q_SIGNALS:
    void created(const passdeck::Vm &vm);

private:
    void ownerChanged();
    void updateState();
    void nodeChanged();

    DomainService &m_service;
    QList<TenantNode> m_tenantNodes;
    QLineEdit *m_name = nullptr;
    QLineEdit *m_description = nullptr;
    QComboBox *m_owner = nullptr;
    QComboBox *m_tenantNode = nullptr;
    QComboBox *m_node = nullptr;
    QSpinBox *m_vcpus = nullptr;
    QSpinBox *m_memory = nullptr;
    QCheckBox *m_adopt = nullptr;
    QComboBox *m_domain = nullptr;
    QLabel *m_domainNote = nullptr;
    QLabel *m_tenantNodeLabel = nullptr;
    QLabel *m_message = nullptr;
    QPushButton *m_submit = nullptr;
};

} // namespace passdeck
