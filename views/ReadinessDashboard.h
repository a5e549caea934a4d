#pragma once

#include "views/Dashboard.h"

class QLabel;
class QPushButton;
class QTableView;

namespace passdeck {

class ReadinessModel;

// Is this node ready for passthrough (docs/readiness.md): a summary line, the findings (severity,
// code, device, what is wrong, what to do) and Refresh, which asks the node again.
class ReadinessDashboard : public Dashboard
{
    Q_OBJECT
public:
    ReadinessDashboard(MainWindow &window, qint64 nodeId);

    QString title() const override;
    QList<Crumb> breadcrumb() const override;
    // Store changes do not change what the node reports: only the node's name is reloaded.
    void refresh() override;
    // Asks the node again (off the GUI thread).
    void check();

    QTableView *table() const { return m_table; }
    ReadinessModel *model() const { return m_model; }
    QLabel *summary() const { return m_summary; }

protected:
    void showEvent(QShowEvent *event) override;

private:
    QString m_nodeName;
    bool m_checked = false;
    QLabel *m_summary = nullptr;
    QPushButton *m_refresh = nullptr;
    QTableView *m_table = nullptr;
    ReadinessModel *m_model = nullptr;
};

} // namespace passdeck
