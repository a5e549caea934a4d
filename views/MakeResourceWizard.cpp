#include "views/MakeResourceWizard.h"

#include "views/ApplyPage.h"
#include "views/GroupChoicePage.h"
#include "models/GroupClassNames.h"
#include "views/GroupDetailsPage.h"
#include "models/Icons.h"
#include "views/ImpactPage.h"

#include <QAbstractButton>

namespace passdeck {

MakeResourceWizard::MakeResourceWizard(DomainService &service, QList<DeviceRecord> selection, QString pciIdsPath,
                                       QWidget *parent)
    : QWizard(parent), m_service(service), m_selection(std::move(selection)), m_pciIdsPath(std::move(pciIdsPath))
{
    setObjectName(QStringLiteral("makeResourceWizard"));
    setAccessibleName(tr("Make Resource"));
    setWindowTitle(tr("Make Resource"));
    setAttribute(Qt::WA_DeleteOnClose);
    setWizardStyle(QWizard::ClassicStyle);
    setOption(QWizard::NoBackButtonOnLastPage);
    setOption(QWizard::NoCancelButtonOnLastPage);
    setMinimumSize(720, 520);
    m_choice = new GroupChoicePage(this);
    m_details = new GroupDetailsPage(this);
    m_check = new ImpactPage(this);
    m_apply = new ApplyPage(this);
    setPage(ChoosePage, m_choice);
    setPage(DetailsPage, m_details);
    setPage(CheckPage, m_check);
    setPage(ResultPage, m_apply);
    setStartId(ChoosePage);
    setButtonText(QWizard::CommitButton, tr("&Submit"));
    button(QWizard::NextButton)->setObjectName(QStringLiteral("wizardNext"));
    button(QWizard::BackButton)->setObjectName(QStringLiteral("wizardBack"));
    button(QWizard::CommitButton)->setObjectName(QStringLiteral("wizardSubmit"));
    button(QWizard::FinishButton)->setObjectName(QStringLiteral("wizardFinish"));
    button(QWizard::CancelButton)->setObjectName(QStringLiteral("wizardCancel"));
    for (QWizard::WizardButton b : {QWizard::NextButton, QWizard::BackButton, QWizard::CommitButton,
                                    QWizard::FinishButton, QWizard::CancelButton})
        button(b)->setAccessibleName(button(b)->text().remove(QLatin1Char('&')).remove(QLatin1Char('<')).remove(QLatin1Char('>')).trimmed());
}

void MakeResourceWizard::setSelection(QList<DeviceRecord> selection)
{
    m_selection = std::move(selection);
    Q_EMIT selectionReduced(m_selection);
}

qint64 MakeResourceWizard::chosenGroupId() const
{
    return field(QStringLiteral("existingGroupId")).toLongLong();
}

GroupSpec MakeResourceWizard::newGroupSpec() const
{
    GroupSpec spec;
    spec.name = field(QStringLiteral("name")).toString().trimmed();
    spec.description = field(QStringLiteral("description")).toString().trimmed();
    spec.groupClass = GroupClassNames::all().value(field(QStringLiteral("groupClass")).toInt(), GroupClass::Other);
    return spec;
}

QString MakeResourceWizard::chosenGroupName() const
{
    return chosenGroupId() < 0 ? newGroupSpec().name : m_choice->chosenGroupName();
}

void MakeResourceWizard::reject()
{
    // The window cannot go away under a running apply: it owns the progress receiver.
    if (m_apply->isRunning())
        return;
    QWizard::reject();
}

} // namespace passdeck
