#pragma once

#include "service/MakeResourceImpact.h"

#include <QFutureWatcher>
#include <QWizardPage>

class QCheckBox;
class QLabel;
class QListWidget;
class QPushButton;

namespace passdeck {

// The impact check before Submit: the binder's plan for every node, as a readable list.
// Blockers keep Submit disabled; warnings need the confirming tick. A commit page: once
// submitted there is no way back.
class ImpactPage : public QWizardPage
{
    Q_OBJECT
public:
    explicit ImpactPage(QWidget *parent = nullptr);

    void initializePage() override;
    void cleanupPage() override;
    bool isComplete() const override;
    int nextId() const override;

    bool isChecking() const { return m_checking; }
    QListWidget *findingsList() const { return m_findings; }
    QCheckBox *confirmCheck() const { return m_confirm; }
    QLabel *summaryLabel() const { return m_summary; }
    QLabel *blockedLabel() const { return m_blocked; }
    // Takes the devices behind the blockers out of the wizard's selection and checks again.
    QPushButton *leaveOutButton() const { return m_leaveOut; }
    void leaveBlockedOut();

private:
    void showImpact(const Result<MakeResourceImpact> &result);

    QLabel *m_summary = nullptr;
    QListWidget *m_findings = nullptr;
    QLabel *m_blocked = nullptr;
    QCheckBox *m_confirm = nullptr;
    QPushButton *m_leaveOut = nullptr;
    MakeResourceImpact m_impact;
    QLabel *m_risks = nullptr;
    QFutureWatcher<Result<MakeResourceImpact>> *m_watcher = nullptr;
    bool m_checking = false;
    bool m_failed = false;
    int m_blockers = 0;
    int m_warnings = 0;
};

} // namespace passdeck
