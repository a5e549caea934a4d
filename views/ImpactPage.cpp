#include "views/ImpactPage.h"

#include "service/DomainService.h"
#include "models/Icons.h"
#include "views/MakeResourceWizard.h"

#include <QCheckBox>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace passdeck {

ImpactPage::ImpactPage(QWidget *parent) : QWizardPage(parent)
{
    setObjectName(QStringLiteral("impactPage"));
    setTitle(tr("Impact check"));
    setSubTitle(tr("What binding these devices to vfio-pci takes away from the host."));
    setCommitPage(true);
    setButtonText(QWizard::CommitButton, tr("&Submit"));
    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("impactSummary"));
    m_summary->setWordWrap(true);
    m_summary->setTextFormat(Qt::RichText);
    m_findings = new QListWidget(this);
    m_findings->setObjectName(QStringLiteral("impactFindings"));
    m_findings->setAccessibleName(tr("Impact findings"));
    m_findings->setWordWrap(true);
    m_findings->setIconSize(QSize(20, 20));
    m_findings->setSpacing(3);
    m_findings->setSelectionMode(QAbstractItemView::NoSelection);
    m_blocked = new QLabel(this);
    m_blocked->setObjectName(QStringLiteral("impactBlocked"));
    m_blocked->setWordWrap(true);
    m_blocked->setStyleSheet(QStringLiteral("color: #c53030; font-weight: bold;"));
    m_leaveOut = new QPushButton(Icons::blocker(), tr("&Leave Those Devices Out"), this);
    m_leaveOut->setObjectName(QStringLiteral("impactLeaveOut"));
    m_leaveOut->setAccessibleName(tr("Leave the blocked devices out and check again"));
    m_leaveOut->setToolTip(tr("Remove the devices behind the blockers from the selection and run the check again"));
    m_leaveOut->hide();
    connect(m_leaveOut, &QPushButton::clicked, this, &ImpactPage::leaveBlockedOut);
    m_confirm = new QCheckBox(tr("I have read the warnings above and want to go ahead."), this);
    m_confirm->setObjectName(QStringLiteral("impactConfirm"));
    m_confirm->setAccessibleName(tr("Confirm warnings"));
    m_risks = new QLabel(tr("Before any passthrough change, read <a href=\"risks\">Risks and Precautions</a>."), this);
    m_risks->setObjectName(QStringLiteral("impactRisksLink"));
    m_risks->setAccessibleName(tr("Risks and Precautions"));
    m_risks->setTextInteractionFlags(Qt::TextBrowserInteraction);
    connect(m_risks, &QLabel::linkActivated, this, [this] {
        Q_EMIT static_cast<MakeResourceWizard *>(wizard())->risksRequested();
    });
    registerField(QStringLiteral("confirmWarnings"), m_confirm);
    connect(m_confirm, &QCheckBox::toggled, this, &ImpactPage::completeChanged);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_summary);
    layout->addWidget(m_findings, 1);
    layout->addWidget(m_blocked);
    layout->addWidget(m_leaveOut, 0, Qt::AlignLeft);
    layout->addWidget(m_confirm);
    layout->addWidget(m_risks);

    m_watcher = new QFutureWatcher<Result<MakeResourceImpact>>(this);
    connect(m_watcher, &QFutureWatcherBase::finished, this, [this] { showImpact(m_watcher->result()); });
}

void ImpactPage::initializePage()
{
    auto *w = static_cast<MakeResourceWizard *>(wizard());
    m_findings->clear();
    m_blocked->clear();
    m_confirm->setChecked(false);
    m_confirm->setVisible(false);
    m_leaveOut->setVisible(false);
    m_blockers = 0;
    m_warnings = 0;
    m_summary->setText(tr("Checking the impact on the host…"));
    m_checking = true;
    m_failed = false;
    Q_EMIT completeChanged();
    // The plan reads the node's sysfs: off the GUI thread, it can take a while on a big node.
    const DomainService *service = &w->service();
    const QList<DeviceRecord> selection = w->selection();
    // The service's check: the same rules makeResource refuses with, for the group chosen.
    const qint64 groupId = std::max<qint64>(0, w->chosenGroupId());
    m_watcher->setFuture(QtConcurrent::run([service, selection, groupId] {
        return service->makeResourceImpact(selection, groupId);
    }));
}

void ImpactPage::cleanupPage()
{
    m_watcher->waitForFinished();
}

void ImpactPage::showImpact(const Result<MakeResourceImpact> &result)
{
    auto *w = static_cast<MakeResourceWizard *>(wizard());
    m_checking = false;
    if (!result) {
        m_failed = true;
        m_summary->setText(tr("<b>The impact check failed.</b> %1").arg(result.error().message().toHtmlEscaped()));
        Q_EMIT completeChanged();
        return;
    }
    const MakeResourceImpact &impact = *result;
    w->setImpact(impact);
    m_impact = impact;
    m_blockers = impact.blockerCount;
    m_warnings = impact.warningCount;
    QStringList companions;
    for (const NodeImpact &n : impact.nodes)
        companions += n.plan.added;
    QString summary = impact.blockerCount > 0
        ? tr("<b>%n device(s)</b> would be bound to vfio-pci and get resource rules in group <b>%1</b>, "
             "but something stops the change.", nullptr, impact.deviceCount)
              .arg(w->chosenGroupName().toHtmlEscaped())
        : tr("<b>%n device(s)</b> will be bound to vfio-pci and get resource rules in group "
             "<b>%1</b>.", nullptr, impact.deviceCount)
              .arg(w->chosenGroupName().toHtmlEscaped());
    if (!companions.isEmpty())
        summary += QLatin1Char(' ') + tr("Included because they share an IOMMU group with your selection: %1.")
                                          .arg(companions.join(QStringLiteral(", ")));
    // What moves, one line each: where it is now and where it goes.
    QString rows;
    for (const DeviceRecord &d : impact.moving) {
        const QString name = d.deviceName.isEmpty() ? d.className : d.deviceName;
        rows += QStringLiteral("<tr><td>%1</td><td>%2</td><td>%3 → vfio-pci</td></tr>")
                    .arg((impact.nodes.size() > 1 ? d.nodeName + QLatin1Char('/') : QString()) + d.address,
                         name.toHtmlEscaped(),
                         (d.driver.isEmpty() ? tr("no driver") : d.driver).toHtmlEscaped());
    }
    if (!rows.isEmpty())
        summary += QStringLiteral("<table cellspacing=2 cellpadding=2 style='margin-top:6px'>") + rows
                   + QStringLiteral("</table>");
    m_summary->setText(summary);
    for (const Finding &f : impact.findings) {
        QIcon icon = f.severity == Severity::Blocker ? Icons::blocker()
                   : f.severity == Severity::Warning ? Icons::warning() : Icons::info();
        QString prefix = f.severity == Severity::Blocker ? tr("Blocker: ")
                       : f.severity == Severity::Warning ? tr("Warning: ") : QString();
        auto *item = new QListWidgetItem(icon, prefix + f.message, m_findings);
        item->setData(Qt::UserRole, int(f.severity));
        item->setData(Qt::UserRole + 1, f.code);
        item->setToolTip(f.device);
    }
    if (impact.findings.isEmpty())
        new QListWidgetItem(Icons::ok(), tr("No impact on the host was found."), m_findings);
    // Devices to leave out: the ones behind device blockers (a node-wide one has none).
    const QList<DeviceRecord> kept = MakeResourceCheck::withoutBlocked(w->selection(), impact);
    const int leaving = int(w->selection().size() - kept.size());
    if (m_blockers > 0) {
        if (leaving == 0)
            m_blocked->setText(tr("Submit is disabled: %n blocker(s) above concern the whole node; no device "
                                  "choice avoids them.", nullptr, m_blockers));
        else if (kept.isEmpty())
            m_blocked->setText(tr("Submit is disabled: %n blocker(s) above concern every selected device. Cancel "
                                  "and select other devices.", nullptr, m_blockers));
        else
            m_blocked->setText(tr("Submit is disabled: %n blocker(s) above. Click Leave Those Devices Out to take "
                                  "them out of the selection and check again.", nullptr, m_blockers));
    }
    m_leaveOut->setText(tr("&Leave %n Device(s) Out", nullptr, leaving));
    m_leaveOut->setVisible(m_blockers > 0 && leaving > 0 && !kept.isEmpty());
    m_confirm->setVisible(m_blockers == 0 && m_warnings > 0);
    Q_EMIT completeChanged();
}

void ImpactPage::leaveBlockedOut()
{
    auto *w = static_cast<MakeResourceWizard *>(wizard());
    if (m_checking)
        return;
    const QList<DeviceRecord> kept = MakeResourceCheck::withoutBlocked(w->selection(), m_impact);
    if (kept.isEmpty() || kept.size() == w->selection().size())
        return;
    w->setSelection(kept);
    initializePage();
}

bool ImpactPage::isComplete() const
{
    if (m_checking || m_failed || m_blockers > 0)
        return false;
    return m_warnings == 0 || m_confirm->isChecked();
}

int ImpactPage::nextId() const
{
    return MakeResourceWizard::ResultPage;
}

} // namespace passdeck
