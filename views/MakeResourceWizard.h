#pragma once

#include "core/DomainTypes.h"
#include "service/MakeResourceImpact.h"

#include <QWizard>

namespace passdeck {

class ApplyPage;
class DomainService;
class GroupChoicePage;
class GroupDetailsPage;
class ImpactPage;

// Make Resource (flow 1.1, step 4): choose an existing PCI resource group or New group… (Name,
// Type, Description, Class), then the impact check (blockers stop Submit, warnings need a tick),
// Submit, progress and the result. The apply runs on a worker thread; on failure nothing is
// left changed (a group created by this wizard is deleted again).
//
// Fields: "existingGroupId" (qint64, -1 = new group), "name", "type", "description",
// "groupClass" (index into GroupClassNames::all()), "confirmWarnings".
class MakeResourceWizard : public QWizard
{
    Q_OBJECT
public:
    enum PageId { ChoosePage, DetailsPage, CheckPage, ResultPage };

    MakeResourceWizard(DomainService &service, QList<DeviceRecord> selection, QString pciIdsPath,
                       QWidget *parent = nullptr);

    DomainService &service() const { return m_service; }
    const QList<DeviceRecord> &selection() const { return m_selection; }
    // The impact page's "Leave Those Devices Out": the selection without them.
    void setSelection(QList<DeviceRecord> selection);
    const QString &pciIdsPath() const { return m_pciIdsPath; }

    // -1: a new group from the details page.
    qint64 chosenGroupId() const;
    GroupSpec newGroupSpec() const;
    QString chosenGroupName() const;

    void setImpact(const MakeResourceImpact &impact) { m_impact = impact; }
    const MakeResourceImpact &impact() const { return m_impact; }

    GroupChoicePage *choicePage() const { return m_choice; }
    GroupDetailsPage *detailsPage() const { return m_details; }
    ImpactPage *impactPage() const { return m_check; }
    ApplyPage *applyPage() const { return m_apply; }

    void reject() override;

Q_SIGNALS:
    void risksRequested();
    // After a successful apply: "Resource rules were created for N device(s)…"
    void applied(const QString &message);
    // The selection shrank (devices left out on the impact page).
    void selectionReduced(const QList<passdeck::DeviceRecord> &selection);

private:
    DomainService &m_service;
    QList<DeviceRecord> m_selection;
    QString m_pciIdsPath;
    MakeResourceImpact m_impact;
    GroupChoicePage *m_choice = nullptr;
    GroupDetailsPage *m_details = nullptr;
    ImpactPage *m_check = nullptr;
    ApplyPage *m_apply = nullptr;
};

} // namespace passdeck
