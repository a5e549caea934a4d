#include "views/GroupEditDialog.h"

#include "views/Dashboard.h"
#include "service/DomainService.h"
#include "models/GroupClassNames.h"
#include "models/Icons.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace passdeck {

GroupEditDialog *GroupEditDialog::createGroup(DomainService &service, Dashboard *parent)
{
    auto *d = new GroupEditDialog(service, 0, parent);
    d->setWindowTitle(tr("New Resource Group"));
    d->show();
    return d;
}

GroupEditDialog *GroupEditDialog::editGroup(DomainService &service, const ResourceGroup &group, Dashboard *parent)
{
    auto *d = new GroupEditDialog(service, group.id, parent);
    d->setWindowTitle(tr("Edit Resource Group"));
    d->m_originalName = group.name;
    d->m_name->setText(group.name);
    d->m_description->setPlainText(group.description);
    d->m_class->setCurrentIndex(int(GroupClassNames::all().indexOf(group.groupClass)));
    d->validate();
    d->show();
    return d;
}

GroupEditDialog::GroupEditDialog(DomainService &service, qint64 groupId, Dashboard *parent)
    : QDialog(parent), m_service(service), m_dashboard(parent), m_groupId(groupId)
{
    setObjectName(QStringLiteral("groupEditDialog"));
    setAttribute(Qt::WA_DeleteOnClose);
    setMinimumWidth(460);
    if (auto groups = service.groups(GroupOwner::Host)) {
        for (const ResourceGroup &g : *groups) {
            if (g.id != groupId)
                m_takenNames << g.name.toLower();
        }
    }
    auto *form = new QFormLayout;
    m_name = new QLineEdit(this);
    m_name->setObjectName(QStringLiteral("groupNameEdit"));
    m_name->setAccessibleName(tr("Name"));
    m_name->setPlaceholderText(tr("e.g. PCI GPUs"));
    m_type = new QComboBox(this);
    m_type->setObjectName(QStringLiteral("groupTypeCombo"));
    m_type->setAccessibleName(tr("Type"));
    m_type->addItem(tr("PCI"), QStringLiteral("PCI"));
    m_description = new QPlainTextEdit(this);
    m_description->setObjectName(QStringLiteral("groupDescriptionEdit"));
    m_description->setAccessibleName(tr("Description"));
    m_description->setFixedHeight(70);
    m_class = new QComboBox(this);
    m_class->setObjectName(QStringLiteral("groupClassCombo"));
    m_class->setAccessibleName(tr("Class"));
    for (GroupClass c : GroupClassNames::all())
        m_class->addItem(Icons::groupClass(c), GroupClassNames::display(c), int(c));
    form->addRow(tr("&Name:"), m_name);
    form->addRow(tr("&Type:"), m_type);
    form->addRow(tr("&Description:"), m_description);
    form->addRow(tr("&Class:"), m_class);
    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("groupEditError"));
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: #c53030;"));
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
    m_buttons->setObjectName(QStringLiteral("groupEditButtons"));
    m_buttons->button(QDialogButtonBox::Save)->setObjectName(QStringLiteral("groupSaveButton"));
    connect(m_buttons, &QDialogButtonBox::accepted, this, &GroupEditDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &GroupEditDialog::reject);
    connect(m_name, &QLineEdit::textChanged, this, &GroupEditDialog::validate);
    // No shouting before anything was typed: the blank-name message waits for an edit.
    connect(m_name, &QLineEdit::textEdited, this, [this] {
        m_edited = true;
        validate();
    });
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_error);
    layout->addWidget(m_buttons);
    validate();
}

void GroupEditDialog::validate()
{
    const QString name = m_name->text().trimmed();
    QString problem;
    const bool blank = name.isEmpty();
    if (blank)
        problem = tr("Enter a name for the group.");
    else if (m_takenNames.contains(name.toLower()))
        problem = tr("A resource group named \"%1\" already exists. Choose another name.").arg(name);
    m_error->setText(blank && !m_edited ? QString() : problem);
    m_buttons->button(QDialogButtonBox::Save)->setEnabled(problem.isEmpty());
}

void GroupEditDialog::accept()
{
    GroupSpec spec;
    spec.name = m_name->text().trimmed();
    spec.description = m_description->toPlainText().trimmed();
    spec.groupClass = GroupClass(m_class->currentData().toInt());
    auto result = m_groupId == 0 ? m_service.createGroup(spec) : m_service.editGroup(m_groupId, spec);
    if (!result) {
        m_error->setText(result.error().message());
        return;
    }
    if (m_dashboard) {
        m_dashboard->showSuccess(m_groupId == 0 ? tr("Resource group \"%1\" was created.").arg(result->name)
                                                : tr("Resource group \"%1\" was saved.").arg(result->name));
    }
    Q_EMIT saved(*result);
    QDialog::accept();
}

} // namespace passdeck
