#include "views/SriovDialog.h"

#include "service/DomainService.h"
#include "models/Icons.h"
#include "views/TableSetup.h"

#include <QApplication>
#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace passdeck {

namespace {
QString errorHtml(const Error &e)
{
    QString html = QStringLiteral("<b>%1</b>").arg(e.what.toHtmlEscaped());
    if (!e.why.isEmpty())
        html += QStringLiteral(": ") + e.why.toHtmlEscaped();
    if (!e.hint.isEmpty())
        html += QStringLiteral("<br>") + e.hint.toHtmlEscaped();
    return html;
}
} // namespace

SriovDialog::SriovDialog(DomainService &service, qint64 nodeId, const QString &pfAddress, QWidget *parent)
    : QDialog(parent), m_service(service), m_nodeId(nodeId), m_address(pfAddress)
{
    setObjectName(QStringLiteral("sriovDialog"));
    setAccessibleName(tr("SR-IOV VFs"));
    setWindowTitle(tr("SR-IOV VFs of %1").arg(pfAddress));
    setAttribute(Qt::WA_DeleteOnClose);
    setMinimumSize(560, 380);
    auto *layout = new QVBoxLayout(this);
    auto *form = new QFormLayout;
    m_state = new QLabel(this);
    m_state->setObjectName(QStringLiteral("sriovState"));
    m_state->setAccessibleName(tr("Current VFs"));
    m_state->setWordWrap(true);
    m_state->setTextInteractionFlags(Qt::TextSelectableByMouse);
    form->addRow(tr("Now:"), m_state);
    m_count = new QSpinBox(this);
    m_count->setObjectName(QStringLiteral("sriovCount"));
    m_count->setAccessibleName(tr("Number of VFs"));
    form->addRow(tr("&Number of VFs:"), m_count);
    layout->addLayout(form);
    m_findings = new QListWidget(this);
    m_findings->setObjectName(QStringLiteral("sriovFindings"));
    m_findings->setAccessibleName(tr("Impact of the new VF count"));
    m_findings->setWordWrap(true);
    m_findings->setSelectionMode(QAbstractItemView::NoSelection);
    m_findings->setIconSize(QSize(20, 20));
    layout->addWidget(m_findings, 1);
    m_confirm = new QCheckBox(this);
    m_confirm->setObjectName(QStringLiteral("sriovConfirm"));
    m_confirm->setAccessibleName(tr("Confirm removing the current VFs"));
    m_confirm->hide();
    layout->addWidget(m_confirm);
    m_message = createFormError(this, QStringLiteral("sriovMessage"), tr("SR-IOV message"));
    layout->addWidget(m_message);
    auto *buttons = new QDialogButtonBox(this);
    m_apply = buttons->addButton(tr("&Apply"), QDialogButtonBox::AcceptRole);
    m_apply->setObjectName(QStringLiteral("sriovApply"));
    m_apply->setAccessibleName(tr("Apply the VF count"));
    m_apply->setEnabled(false);
    QPushButton *close = buttons->addButton(QDialogButtonBox::Close);
    close->setObjectName(QStringLiteral("sriovClose"));
    close->setAccessibleName(tr("Close"));
    layout->addWidget(buttons);

    connect(m_apply, &QPushButton::clicked, this, [this] { apply(); });
    connect(close, &QPushButton::clicked, this, &QDialog::reject);
    connect(m_count, &QSpinBox::valueChanged, this, [this] { checkImpact(); });
    connect(m_confirm, &QCheckBox::toggled, this, &SriovDialog::updateApply);
    loadState();
}

void SriovDialog::showError(const QString &html)
{
    m_message->setText(html);
    m_message->setVisible(!html.isEmpty());
}

void SriovDialog::loadState()
{
    auto state = m_service.sriovState(m_nodeId, m_address);
    if (!state) {
        m_usable = false;
        m_state->setText(tr("unknown"));
        m_count->setEnabled(false);
        showError(errorHtml(state.error()));
        updateApply();
        return;
    }
    m_usable = true;
    m_plan = VfCountPlan{};
    m_plan.state = *state;
    m_state->setText(tr("%1 of %2 VFs").arg(state->current).arg(state->total)
                     + (state->vfs.isEmpty() ? QString() : QStringLiteral(": ") + state->vfs.join(QStringLiteral(", "))));
    const QSignalBlocker block(m_count);
    m_count->setRange(0, state->total);
    m_count->setValue(state->current);
    m_planned = false;
    m_findings->clear();
    new QListWidgetItem(Icons::info(), tr("Choose a new number of VFs; what it takes away is checked first."), m_findings);
    updateApply();
}

void SriovDialog::checkImpact()
{
    showError({});
    m_findings->clear();
    m_confirm->setChecked(false);
    auto plan = m_service.planVfCount(m_nodeId, m_address, m_count->value());
    m_planned = bool(plan);
    if (!plan) {
        showError(errorHtml(plan.error()));
        updateApply();
        return;
    }
    m_plan = *plan;
    const int current = m_plan.state.current;
    if (m_plan.count == current)
        new QListWidgetItem(Icons::info(), tr("The PF has %n VF(s) already; nothing changes.", nullptr, current), m_findings);
    else if (!m_plan.removed.isEmpty())
        new QListWidgetItem(Icons::warning(),
                            tr("The kernel changes a non-zero VF count only through 0: these %n VF(s) vanish first: %1.",
                               nullptr, int(m_plan.removed.size())).arg(m_plan.removed.join(QStringLiteral(", "))),
                            m_findings);
    if (m_plan.count > 0 && m_plan.count != current)
        new QListWidgetItem(Icons::info(), tr("%n new VF(s) appear on their host driver.", nullptr, m_plan.count), m_findings);
    for (const Finding &f : m_plan.findings) {
        const bool blocker = f.severity == Severity::Blocker;
        auto *item = new QListWidgetItem(blocker ? Icons::blocker() : f.severity == Severity::Warning ? Icons::warning() : Icons::info(),
                                         (blocker ? tr("Blocker: ") : QString()) + f.message, m_findings);
        item->setData(Qt::UserRole, int(f.severity));
        item->setData(Qt::UserRole + 1, f.code);
        item->setToolTip(f.device);
    }
    if (m_plan.blockers() > 0)
        new QListWidgetItem(Icons::blocker(), tr("Apply is disabled until the blockers above are resolved."), m_findings);
    else if (!m_plan.removed.isEmpty() && m_plan.count != current)
        new QListWidgetItem(Icons::ok(), tr("Nothing Passdeck knows of uses these VFs."), m_findings);
    m_confirm->setText(tr("Remove the %n current VF(s) and set the count to %1.", nullptr, int(m_plan.removed.size()))
                           .arg(m_plan.count));
    m_confirm->setVisible(m_plan.blockers() == 0 && !m_plan.removed.isEmpty() && m_plan.count != current);
    updateApply();
}

void SriovDialog::updateApply()
{
    const bool changes = m_planned && m_plan.count != m_plan.state.current;
    const bool confirmed = m_plan.removed.isEmpty() || m_confirm->isChecked();
    m_apply->setEnabled(m_usable && changes && m_plan.blockers() == 0 && confirmed);
}

bool SriovDialog::apply()
{
    if (!m_apply->isEnabled())
        return false;
    QApplication::setOverrideCursor(Qt::WaitCursor);
    auto done = m_service.setVfCount(m_nodeId, m_address, m_count->value());
    QApplication::restoreOverrideCursor();
    if (!done) {
        // The node is checked again on Apply; show why and what the node says now.
        const QString html = errorHtml(done.error());
        loadState();
        showError(html);
        return false;
    }
    Q_EMIT applied(tr("%1 has %n VF(s) now.", nullptr, done->state.current).arg(m_address));
    accept();
    return true;
}

} // namespace passdeck
