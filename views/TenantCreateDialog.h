#pragma once

#include "core/DomainTypes.h"

#include <QDialog>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace passdeck {

class DomainService;

// Two small forms of the tenant flow: Tenants → New Tenant (Name, Description) and a tenant's
// Add Tenant Node (Name, the host Node it runs on). A refusal is shown in the form. Open with show().
class TenantCreateDialog : public QDialog
{
    Q_OBJECT
public:
    // tenantId 0: a new tenant; otherwise a new node of that tenant.
    TenantCreateDialog(DomainService &service, qint64 tenantId, QWidget *parent);

    QLineEdit *nameEdit() const { return m_name; }
    QLineEdit *descriptionEdit() const { return m_description; }
    QComboBox *nodeCombo() const { return m_node; }
    QLabel *messageLabel() const { return m_message; }
    QPushButton *submitButton() const { return m_submit; }
    bool submit();

Q_SIGNALS:
    void tenantCreated(const passdeck::Tenant &tenant);
    void tenantNodeCreated(const passdeck::TenantNode &node);

private:
    DomainService &m_service;
    qint64 m_tenantId;
    QLineEdit *m_name = nullptr;
    QLineEdit *m_description = nullptr;
    QComboBox *m_node = nullptr;
    QLabel *m_message = nullptr;
    QPushButton *m_submit = nullptr;
};

} // namespace passdeck
