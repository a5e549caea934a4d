#include "views/VmCreateDialog.h"

#include "service/DomainService.h"
#include "models/Icons.h"
#include "views/TableSetup.h"

#include <QCheckBox>
#include <QComboBox>
#include <QSpinBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace passdeck {

VmCreateDialog::VmCreateDialog(DomainService &service, QWidget *parent) : QDialog(parent), m_service(service)
{
    setObjectName(QStringLiteral("vmCreateDialog"));
    setAttribute(Qt::WA_DeleteOnClose);
    setWindowTitle(tr("New Virtual Machine"));
    setMinimumWidth(460);
    auto *layout = new QVBoxLayout(this);
    auto *form = new QFormLayout;
    auto named = [](QWidget *w, const QString &objectName, const QString &accessible) {
        w->setObjectName(objectName);
        w->setAccessibleName(accessible);
    };
    m_name = new QLineEdit(this);
    named(m_name, QStringLiteral("vmNameEdit"), tr("Name"));
    m_name->setMaxLength(128);
    m_description = new QLineEdit(this);
    named(m_description, QStringLiteral("vmDescriptionEdit"), tr("Description"));
    m_description->setPlaceholderText(tr("Optional"));
    m_owner = new QComboBox(this);
    named(m_owner, QStringLiteral("vmOwnerCombo"), tr("Owner"));
    m_owner->addItem(Icons::resources(), tr("Host"), qint64(0));
    if (auto tenants = service.tenants())
        for (const Tenant &t : *tenants)
            m_owner->addItem(Icons::tenant(), tr("Tenant %1").arg(t.name), t.id);
    if (auto tn = service.tenantNodes(0))
        m_tenantNodes = *tn;
    m_tenantNode = new QComboBox(this);
    named(m_tenantNode, QStringLiteral("vmTenantNodeCombo"), tr("Tenant node"));
    m_node = new QComboBox(this);
    named(m_node, QStringLiteral("vmNodeCombo"), tr("Node"));
    if (auto nodes = service.nodes())
        for (const NodeInfo &n : *nodes)
            m_node->addItem(Icons::node(), n.name, n.id);
    form->addRow(tr("&Name:"), m_name);
    form->addRow(tr("&Description:"), m_description);
    form->addRow(tr("&Owner:"), m_owner);
    m_tenantNodeLabel = new QLabel(tr("&Tenant node:"), this);
    m_tenantNodeLabel->setBuddy(m_tenantNode);
    form->addRow(m_tenantNodeLabel, m_tenantNode);
    form->addRow(tr("No&de:"), m_node);
    // The VM's libvirt domain (docs/libvirt.md): a minimal new one, or one the node has already.
    m_vcpus = new QSpinBox(this);
    named(m_vcpus, QStringLiteral("vmVcpusSpin"), tr("vCPUs"));
    m_vcpus->setRange(1, 4096);
    m_vcpus->setValue(1);
    m_memory = new QSpinBox(this);
    named(m_memory, QStringLiteral("vmMemorySpin"), tr("Memory in MiB"));
    m_memory->setRange(16, 16 * 1024 * 1024);
    m_memory->setSingleStep(256);
    m_memory->setValue(1024);
    m_memory->setSuffix(tr(" MiB"));
    m_adopt = new QCheckBox(tr("&Adopt existing domain"), this);
    named(m_adopt, QStringLiteral("vmAdoptCheck"), tr("Adopt existing domain"));
    m_domain = new QComboBox(this);
    named(m_domain, QStringLiteral("vmDomainCombo"), tr("Existing domain"));
    m_domainNote = new QLabel(this);
    m_domainNote->setObjectName(QStringLiteral("vmDomainNote"));
    m_domainNote->setAccessibleName(tr("Domain note"));
    m_domainNote->setWordWrap(true);
    form->addRow(tr("&vCPUs:"), m_vcpus);
    form->addRow(tr("&Memory:"), m_memory);
    form->addRow(QString(), m_adopt);
    form->addRow(tr("Do&main:"), m_domain);
    form->addRow(QString(), m_domainNote);
    layout->addLayout(form);
    m_message = createFormError(this, QStringLiteral("vmCreateMessage"), tr("New VM message"));
    layout->addWidget(m_message);
    auto *buttons = new QDialogButtonBox(this);
    m_submit = buttons->addButton(tr("&Submit"), QDialogButtonBox::AcceptRole);
    named(m_submit, QStringLiteral("submitButton"), tr("Submit"));
    m_submit->setDefault(true);
    QPushButton *cancel = buttons->addButton(QDialogButtonBox::Cancel);
    named(cancel, QStringLiteral("cancelButton"), tr("Cancel"));
    layout->addWidget(buttons);
    connect(m_submit, &QPushButton::clicked, this, [this] { submit(); });
    connect(cancel, &QPushButton::clicked, this, &QDialog::reject);
    connect(m_owner, &QComboBox::currentIndexChanged, this, [this] { ownerChanged(); });
    connect(m_tenantNode, &QComboBox::currentIndexChanged, this, [this] {
        // A tenant VM runs where its tenant node runs.
        const qint64 tn = m_tenantNode->currentData().toLongLong();
        for (const TenantNode &n : std::as_const(m_tenantNodes))
            if (n.id == tn)
                selectNode(n.nodeId);
    });
    connect(m_name, &QLineEdit::textChanged, this, [this] { updateState(); });
    connect(m_node, &QComboBox::currentIndexChanged, this, [this] { nodeChanged(); });
    connect(m_adopt, &QCheckBox::toggled, this, [this](bool adopt) {
        // Adopting takes the domain's own name, vCPUs and memory.
        if (adopt && m_domain->count() > 0)
            m_name->setText(m_domain->currentText());
        updateState();
    });
    connect(m_domain, &QComboBox::currentIndexChanged, this, [this] {
        if (m_adopt->isChecked())
            m_name->setText(m_domain->currentText());
    });
    ownerChanged();
    nodeChanged();
}

void VmCreateDialog::ownerChanged()
{
    const qint64 tenantId = m_owner->currentData().toLongLong();
    m_tenantNode->clear();
    for (const TenantNode &n : std::as_const(m_tenantNodes))
        if (n.tenantId == tenantId)
            m_tenantNode->addItem(Icons::node(), tr("%1 (on %2)").arg(n.name, n.nodeName), n.id);
    const bool tenant = tenantId > 0;
    m_tenantNode->setVisible(tenant);
    m_tenantNodeLabel->setVisible(tenant);
    m_node->setEnabled(!tenant);
    updateState();
}

void VmCreateDialog::nodeChanged()
{
    m_domain->clear();
    const qint64 nodeId = m_node->currentData().toLongLong();
    if (nodeId <= 0) {
        m_domainNote->clear();
    } else if (auto domains = m_service.adoptableDomains(nodeId)) {
        for (const DomainInfo &d : *domains)
            m_domain->addItem(Icons::vm(), d.name, d.uuid);
        m_domainNote->setText(domains->isEmpty() ? tr("Every domain of this node is a VM in Passdeck already.") : QString());
    } else {
        // A node without a hypervisor still gets VMs: Passdeck allocates and binds, the VM
        // dashboard gives the configuration to copy.
        m_domainNote->setText(tr("No libvirt domain can be defined on this node: %1")
                                  .arg(domains.error().why.isEmpty() ? domains.error().message() : domains.error().why));
    }
    updateState();
}

void VmCreateDialog::updateState()
{
    const bool adopt = m_adopt->isChecked();
    m_adopt->setEnabled(m_domain->count() > 0 || adopt);
    m_domain->setEnabled(adopt);
    m_vcpus->setEnabled(!adopt);
    m_memory->setEnabled(!adopt);
    const bool tenant = m_owner->currentData().toLongLong() > 0;
    if (tenant && m_tenantNode->count() == 0) {
        m_message->setText(tr("%1 has no tenant node yet. Add one on the tenant's dashboard (Add Tenant Node…); "
                              "its VMs run there.")
                               .arg(m_owner->currentText().toHtmlEscaped()));
        m_message->show();
    } else {
        m_message->hide();   // a refusal shown earlier is about input the user has changed since
    }
    m_submit->setEnabled(!m_name->text().trimmed().isEmpty() && (!tenant || m_tenantNode->count() > 0)
                         && m_node->count() > 0 && (!adopt || m_domain->count() > 0));
}

bool VmCreateDialog::selectOwner(qint64 tenantId)
{
    const int row = m_owner->findData(tenantId);
    if (row >= 0)
        m_owner->setCurrentIndex(row);
    return row >= 0;
}

bool VmCreateDialog::selectTenantNode(qint64 tenantNodeId)
{
    const int row = m_tenantNode->findData(tenantNodeId);
    if (row >= 0)
        m_tenantNode->setCurrentIndex(row);
    return row >= 0;
}

bool VmCreateDialog::selectNode(qint64 nodeId)
{
    const int row = m_node->findData(nodeId);
    if (row >= 0)
        m_node->setCurrentIndex(row);
    return row >= 0;
}

bool VmCreateDialog::submit()
{
    if (!m_submit->isEnabled())
        return false;
    VmSpec spec;
    spec.name = m_name->text().trimmed();
    spec.description = m_description->text().trimmed();
    spec.nodeId = m_node->currentData().toLongLong();
    spec.tenantId = m_owner->currentData().toLongLong();
    if (spec.tenantId > 0)
        spec.tenantNodeId = m_tenantNode->currentData().toLongLong();
    spec.adopt = m_adopt->isChecked();
    if (spec.adopt)
        spec.name = m_domain->currentText();
    spec.vcpus = m_vcpus->value();
    spec.memoryMiB = m_memory->value();
    auto vm = m_service.createVm(spec);
    if (!vm) {
        const Error &e = vm.error();
        m_message->setText(QStringLiteral("<b>%1</b>: %2<br>%3")
                               .arg(e.what.toHtmlEscaped(), e.why.toHtmlEscaped(), e.hint.toHtmlEscaped()));
        m_message->show();
        return false;
    }
    Q_EMIT created(*vm);
    accept();
    return true;
}

} // namespace passdeck
