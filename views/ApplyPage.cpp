#include "views/ApplyPage.h"

#include "service/DomainService.h"
#include "views/MakeResourceWizard.h"

#include <QLabel>
#include <QProgressBar>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace passdeck {

namespace {
struct Job
{
    DomainService *service = nullptr;
    qint64 groupId = -1;
    GroupSpec newGroup;
    QList<NodeImpact> nodes;
};

ApplyOutcome runJob(const Job &job, ApplyPage *page)
{
    ApplyOutcome out;
    DomainService &s = *job.service;
    bool createdGroup = false;
    out.groupId = job.groupId;
    if (job.groupId < 0) {
        auto group = s.createGroup(job.newGroup);
        if (!group) {
            out.error = group.error();
            return out;
        }
        out.groupId = group->id;
        out.groupName = group->name;
        createdGroup = true;
    } else if (auto group = s.group(job.groupId)) {
        out.groupName = group->name;
    }
    QList<QPair<qint64, QStringList>> done;
    for (const NodeImpact &n : job.nodes) {
        ApplyOptions options;
        options.progress = [page, n](int d, int total, const QString &step) {
            Q_EMIT page->progressed(d, total, n.nodeName + QStringLiteral(": ") + step);
        };
        auto change = s.makeResource(out.groupId, n.nodeId, n.requested, options);
        if (!change) {
            out.error = change.error();
            // Leave nothing changed: earlier nodes go back to their host drivers, a group made
            // here goes away. Errors while undoing are appended to the reason.
            for (const auto &[nodeId, devices] : done) {
                auto undo = s.removeResource(nodeId, devices);
                if (!undo)
                    out.error.why += QStringLiteral("; undoing failed too: ") + undo.error().message();
            }
            if (createdGroup) {
                Status del = s.deleteGroup(out.groupId);
                if (!del)
                    out.error.why += QStringLiteral("; removing the new group failed: ") + del.error().message();
            }
            return out;
        }
        done.append({n.nodeId, change->devices});
        out.rulesCreated += int(change->rulesCreated.size());
        out.devices += int(change->devices.size());
        if (change->rebootRequired)
            out.rebootNodes << change->nodeName;
    }
    out.ok = true;
    return out;
}
} // namespace

ApplyPage::ApplyPage(QWidget *parent) : QWizardPage(parent)
{
    setObjectName(QStringLiteral("applyPage"));
    setTitle(tr("Making the resource"));
    m_step = new QLabel(this);
    m_step->setObjectName(QStringLiteral("applyStep"));
    m_step->setWordWrap(true);
    m_progress = new QProgressBar(this);
    m_progress->setObjectName(QStringLiteral("applyProgress"));
    m_progress->setAccessibleName(tr("Progress"));
    m_result = new QLabel(this);
    m_result->setObjectName(QStringLiteral("applyResult"));
    m_result->setWordWrap(true);
    m_result->setTextFormat(Qt::RichText);
    m_result->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_step);
    layout->addWidget(m_progress);
    layout->addWidget(m_result, 1, Qt::AlignTop);
    m_watcher = new QFutureWatcher<ApplyOutcome>(this);
    connect(m_watcher, &QFutureWatcherBase::finished, this, [this] { finish(m_watcher->result()); });
    connect(this, &ApplyPage::progressed, this, [this](int done, int total, const QString &step) {
        m_progress->setRange(0, qMax(total, 1));
        m_progress->setValue(done);
        m_step->setText(step);
    }, Qt::QueuedConnection);
}

void ApplyPage::initializePage()
{
    auto *w = static_cast<MakeResourceWizard *>(wizard());
    Job job;
    job.service = &w->service();
    job.groupId = w->chosenGroupId();
    job.newGroup = w->newGroupSpec();
    job.nodes = w->impact().nodes;
    m_result->clear();
    m_step->setText(tr("Binding devices to vfio-pci and recording the resource rules…"));
    m_progress->setRange(0, 0);
    m_running = true;
    m_outcome = {};
    Q_EMIT completeChanged();
    m_watcher->setFuture(QtConcurrent::run([job, this] { return runJob(job, this); }));
}

void ApplyPage::finish(const ApplyOutcome &outcome)
{
    auto *w = static_cast<MakeResourceWizard *>(wizard());
    m_running = false;
    m_outcome = outcome;
    m_progress->setRange(0, 1);
    m_progress->setValue(1);
    if (!outcome.ok) {
        setTitle(tr("Nothing was changed"));
        m_step->setText(tr("The change failed and was rolled back."));
        QString html = QStringLiteral("<p style='color:#c53030'><b>%1</b></p>").arg(outcome.error.what.toHtmlEscaped());
        if (!outcome.error.why.isEmpty())
            html += QStringLiteral("<p>%1</p>").arg(outcome.error.why.toHtmlEscaped());
        if (!outcome.error.hint.isEmpty())
            html += QStringLiteral("<p>%1</p>").arg(outcome.error.hint.toHtmlEscaped());
        m_result->setText(html);
    } else {
        setTitle(tr("Done"));
        m_step->setText(tr("All devices were processed."));
        const int n = outcome.rulesCreated > 0 ? outcome.rulesCreated : outcome.devices;
        QString message = tr("Resource rules were created for %n device(s)", nullptr, n);
        QString html = QStringLiteral("<p><b>%1</b> in group \"%2\".</p>")
                           .arg(message.toHtmlEscaped(), outcome.groupName.toHtmlEscaped());
        if (!outcome.rebootNodes.isEmpty())
            html += tr("<p>Node(s) %1 must reboot for the change to take effect. Put them in maintenance mode "
                       "before rebooting.</p>").arg(outcome.rebootNodes.join(QStringLiteral(", ")).toHtmlEscaped());
        m_result->setText(html);
        Q_EMIT w->applied(message + tr(" in group \"%1\".").arg(outcome.groupName));
    }
    Q_EMIT completeChanged();
}

bool ApplyPage::isComplete() const
{
    return !m_running;
}

} // namespace passdeck
