#include "views/TenantCreateDialog.h"

#include "service/DomainService.h"
#include "models/Icons.h"
#include "views/TableSetup.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace passdeck {

TenantCreateDialog::TenantCreateDialog(DomainService &service, qint64 tenantId, QWidget *parent)
    : QDialog(parent), m_service(service), m_tenantId(tenantId)
{
    setObjectName(tenantId > 0 ? QStringLiteral("tenantNodeCreateDialog") : QStringLiteral("tenantCreateDialog"));
    setAttribute(Qt::WA_DeleteOnClose);
    setMinimumWidth(440);
    auto *layout = new QVBoxLayout(this);
    auto *form = new QFormLayout;
    auto named = [](QWidget *w, const QString &objectName, const QString &accessible) {
        w->setObjectName(objectName);
        w->setAccessibleName(accessible);
    };
    m_name = new QLineEdit(this);
    named(m_name, QStringLiteral("nameEdit"), tr("Name"));
    m_name->setMaxLength(128);
    form->addRow(tr("&Name:"), m_name);
    m_description = new QLineEdit(this);
    named(m_description, QStringLiteral("descriptionEdit"), tr("Description"));
    m_description->setPlaceholderText(tr("Optional"));
    m_node = new QComboBox(this);
    named(m_node, QStringLiteral("nodeCombo"), tr("Node"));
    if (tenantId > 0) {
        auto tenant = service.tenant(tenantId);
        setWindowTitle(tr("New node of tenant %1").arg(tenant ? tenant->name : QString()));
        if (auto nodes = service.nodes())
            for (const NodeInfo &n : *nodes)
                m_node->addItem(Icons::node(), n.name, n.id);
        form->addRow(tr("Runs on &node:"), m_node);
        m_description->hide();
    } else {
        setWindowTitle(tr("New Tenant"));
        form->addRow(tr("&Description:"), m_description);
        m_node->hide();
    }
    layout->addLayout(form);
    m_message = createFormError(this, QStringLiteral("tenantCreateMessage"), tr("New Tenant message"));
    layout->addWidget(m_message);
    auto *buttons = new QDialogButtonBox(this);
    m_submit = buttons->addButton(tr("&Submit"), QDialogButtonBox::AcceptRole);
    named(m_submit, QStringLiteral("submitButton"), tr("Submit"));
    m_submit->setDefault(true);
    m_submit->setEnabled(false);
    QPushButton *cancel = buttons->addButton(QDialogButtonBox::Cancel);
    named(cancel, QStringLiteral("cancelButton"), tr("Cancel"));
    layout->addWidget(buttons);
    connect(m_submit, &QPushButton::clicked, this, [this] { submit(); });
    connect(cancel, &QPushButton::clicked, this, &QDialog::reject);
    connect(m_name, &QLineEdit::textChanged, this, [this](const QString &text) {
        m_submit->setEnabled(!text.trimmed().isEmpty() && (m_tenantId == 0 || m_node->count() > 0));
    });
}

bool TenantCreateDialog::submit()
{
    if (!m_submit->isEnabled())
        return false;
    auto refused = [this](const Error &e) {
        m_message->setText(QStringLiteral("<b>%1</b>: %2<br>%3")
                               .arg(e.what.toHtmlEscaped(), e.why.toHtmlEscaped(), e.hint.toHtmlEscaped()));
        m_message->show();
        return false;
    };
    const QString name = m_name->text().trimmed();
    if (m_tenantId > 0) {
        auto node = m_service.addTenantNode(m_tenantId, name, m_node->currentData().toLongLong());
        if (!node)
            return refused(node.error());
        Q_EMIT tenantNodeCreated(*node);
    } else {
        auto tenant = m_service.createTenant(name, m_description->text().trimmed());
        if (!tenant)
            return refused(tenant.error());
        Q_EMIT tenantCreated(*tenant);
    }
    accept();
    return true;
}

} // namespace passdeck
