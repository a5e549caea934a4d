#include "views/MoveVmDialog.h"

#include "service/DomainService.h"
#include "models/Icons.h"
#include "views/TableSetup.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace passdeck {

MoveVmDialog::MoveVmDialog(DomainService &service, qint64 vmId, QWidget *parent)
    : QDialog(parent), m_service(service), m_vmId(vmId)
{
    setObjectName(QStringLiteral("moveVmDialog"));
    setAccessibleName(tr("Move to Node"));
    setAttribute(Qt::WA_DeleteOnClose);
    setMinimumWidth(480);
    auto vm = service.vm(vmId);
    setWindowTitle(tr("Move VM %1 to another node").arg(vm ? vm->name : QString()));
    auto *layout = new QVBoxLayout(this);
    m_note = new QLabel(this);
    m_note->setObjectName(QStringLiteral("moveVmNote"));
    m_note->setAccessibleName(tr("About this move"));
    m_note->setWordWrap(true);
    if (vm) {
        QString note = tr("VM %1 runs on node %2 and is %3.")
                           .arg(vm->name, vm->nodeName, vm->power == PowerState::On ? tr("running") : tr("stopped"));
        if (vm->owner == GroupOwner::Tenant)
            note += QLatin1Char(' ') + tr("As a VM of tenant %1 it can move only to a node where the tenant has a tenant node.")
                                           .arg(vm->tenantName);
        note += QLatin1Char(' ') + tr("Its devices are allocated on the new node at its next start.");
        m_note->setText(note);
    }
    layout->addWidget(m_note);
    auto *form = new QFormLayout;
    m_node = new QComboBox(this);
    m_node->setObjectName(QStringLiteral("moveVmNode"));
    m_node->setAccessibleName(tr("Node"));
    if (auto nodes = service.nodes()) {
        for (const NodeInfo &n : *nodes) {
            if (!vm || n.id != vm->nodeId)
                m_node->addItem(Icons::node(), n.name, n.id);
        }
    }
    form->addRow(tr("Move to &node:"), m_node);
    layout->addLayout(form);
    m_message = createFormError(this, QStringLiteral("moveVmMessage"), tr("Move message"));
    layout->addWidget(m_message);
    auto *buttons = new QDialogButtonBox(this);
    m_submit = buttons->addButton(tr("&Move"), QDialogButtonBox::AcceptRole);
    m_submit->setObjectName(QStringLiteral("moveVmSubmit"));
    m_submit->setAccessibleName(tr("Move"));
    m_submit->setDefault(true);
    m_submit->setEnabled(m_node->count() > 0);
    if (m_node->count() == 0)
        m_node->setToolTip(tr("There is no other node; add one under Infrastructure → Nodes → Add Node…"));
    QPushButton *cancel = buttons->addButton(QDialogButtonBox::Cancel);
    cancel->setObjectName(QStringLiteral("moveVmCancel"));
    cancel->setAccessibleName(tr("Cancel"));
    layout->addWidget(buttons);
    connect(m_submit, &QPushButton::clicked, this, [this] { submit(); });
    connect(cancel, &QPushButton::clicked, this, &QDialog::reject);
    connect(m_node, &QComboBox::currentIndexChanged, m_message, &QWidget::hide);
}

bool MoveVmDialog::submit()
{
    if (!m_submit->isEnabled())
        return false;
    const QString node = m_node->currentText();
    Status s = m_service.moveVm(m_vmId, m_node->currentData().toLongLong());
    if (!s) {
        const Error &e = s.error();
        m_message->setText(QStringLiteral("<b>%1</b>: %2<br>%3")
                               .arg(e.what.toHtmlEscaped(), e.why.toHtmlEscaped(), e.hint.toHtmlEscaped()));
        m_message->show();
        return false;
    }
    auto vm = m_service.vm(m_vmId);
    Q_EMIT moved(tr("VM %1 now runs on node %2.").arg(vm ? vm->name : QString(), node));
    accept();
    return true;
}

} // namespace passdeck
