#include "views/GroupDetailsPage.h"

#include "service/DomainService.h"
#include "models/GroupClassNames.h"
#include "models/Icons.h"
#include "views/MakeResourceWizard.h"
#include "views/TableSetup.h"

#include <QComboBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>

namespace passdeck {

GroupDetailsPage::GroupDetailsPage(QWidget *parent) : QWizardPage(parent)
{
    setObjectName(QStringLiteral("groupDetailsPage"));
    setTitle(tr("New resource group"));
    setSubTitle(tr("A descriptive name helps whoever attaches devices later, e.g. \"PCI GPUs\"."));
    m_name = new QLineEdit(this);
    m_name->setObjectName(QStringLiteral("wizardNameEdit"));
    m_name->setAccessibleName(tr("Name"));
    m_name->setPlaceholderText(tr("e.g. PCI GPUs"));
    m_validation = new QLabel(this);
    m_validation->setObjectName(QStringLiteral("wizardNameError"));
    m_validation->setAccessibleName(tr("Name problem"));
    m_validation->setWordWrap(true);
    m_validation->setStyleSheet(QStringLiteral("color: #c53030;"));
    m_type = new QComboBox(this);
    m_type->setObjectName(QStringLiteral("wizardTypeCombo"));
    m_type->setAccessibleName(tr("Type"));
    m_type->addItem(tr("PCI"), QStringLiteral("PCI"));
    m_description = new QLineEdit(this);
    m_description->setObjectName(QStringLiteral("wizardDescriptionEdit"));
    m_description->setAccessibleName(tr("Description"));
    m_description->setPlaceholderText(tr("Optional"));
    m_class = new QComboBox(this);
    m_class->setObjectName(QStringLiteral("wizardClassCombo"));
    m_class->setAccessibleName(tr("Class"));
    m_class->setIconSize(QSize(20, 20));
    for (GroupClass c : GroupClassNames::all())
        m_class->addItem(Icons::groupClass(c), GroupClassNames::display(c), int(c));
    auto *classHint = new QLabel(tr("The class only chooses the group's icon."), this);
    setMuted(classHint);

    auto *form = new QFormLayout(this);
    form->addRow(tr("&Name:"), m_name);
    form->addRow(QString(), m_validation);
    form->addRow(tr("&Type:"), m_type);
    form->addRow(tr("&Description:"), m_description);
    form->addRow(tr("&Class:"), m_class);
    form->addRow(QString(), classHint);

    registerField(QStringLiteral("name*"), m_name);
    registerField(QStringLiteral("type"), m_type, "currentText");
    registerField(QStringLiteral("description"), m_description);
    registerField(QStringLiteral("groupClass"), m_class);
    connect(m_name, &QLineEdit::textChanged, this, [this] {
        showValidation(validationMessage());
        Q_EMIT completeChanged();
    });
    showValidation({});
}

void GroupDetailsPage::initializePage()
{
    auto *w = static_cast<MakeResourceWizard *>(wizard());
    m_taken.clear();
    if (auto groups = w->service().groups(GroupOwner::Host)) {
        for (const ResourceGroup &g : *groups)
            m_taken << g.name.trimmed().toLower();
    }
    // Suggest the class of the first selected device; the administrator may change it.
    if (!w->selection().isEmpty() && m_name->text().isEmpty()) {
        const GroupClass c = Icons::classForPciClass(w->selection().first().classId);
        m_class->setCurrentIndex(int(GroupClassNames::all().indexOf(c)));
    }
    showValidation(m_name->text().isEmpty() ? QString() : validationMessage());
}

void GroupDetailsPage::showValidation(const QString &message)
{
    m_validation->setText(message);
    m_validation->setVisible(!message.isEmpty());
}

QString GroupDetailsPage::validationMessage() const
{
    const QString name = m_name->text().trimmed();
    if (name.isEmpty())
        return tr("A name is required.");
    if (m_taken.contains(name.toLower()))
        return tr("A resource group named \"%1\" already exists. Choose another name, or go back and pick "
                  "that group.").arg(name);
    return {};
}

bool GroupDetailsPage::isComplete() const
{
    return validationMessage().isEmpty();
}

int GroupDetailsPage::nextId() const
{
    return MakeResourceWizard::CheckPage;
}

} // namespace passdeck
