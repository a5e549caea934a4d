#pragma once

#include "core/Error.h"

#include <QFutureWatcher>
#include <QWizardPage>

class QLabel;
class QProgressBar;

namespace passdeck {

// What the Submit did (the worker's result).
struct ApplyOutcome
{
    bool ok = false;
    Error error;
    qint64 groupId = 0;
    QString groupName;
    int rulesCreated = 0;
    int devices = 0;
    QStringList rebootNodes;
};

// Submit: creates the new group if needed, then makes the resource node by node on a worker
// thread, with progress. On failure every node already changed is put back and a group this
// wizard created is deleted, so nothing is left changed.
class ApplyPage : public QWizardPage
{
    Q_OBJECT
public:
    explicit ApplyPage(QWidget *parent = nullptr);

    void initializePage() override;
    bool isComplete() const override;

    bool isRunning() const { return m_running; }
    bool succeeded() const { return m_outcome.ok; }
    const ApplyOutcome &outcome() const { return m_outcome; }
    QLabel *resultLabel() const { return m_result; }
    QProgressBar *progressBar() const { return m_progress; }

Q_SIGNALS:
    // Emitted from the worker thread; delivered queued.
    void progressed(int done, int total, const QString &step);

private:
    void finish(const ApplyOutcome &outcome);

    QLabel *m_step = nullptr;
    QProgressBar *m_progress = nullptr;
    QLabel *m_result = nullptr;
    QFutureWatcher<ApplyOutcome> *m_watcher = nullptr;
    ApplyOutcome m_outcome;
    bool m_running = false;
};

} // namespace passdeck
