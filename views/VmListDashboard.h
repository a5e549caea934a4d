#pragma once

#include "Dashboard.h"

class QTableView;

namespace passdeck {

class VmModel;

// Virtual Machines → List. Double-click opens the "vm" dashboard once one is registered.
class VmListDashboard : public Dashboard
{
    Q_OBJECT
public:
    explicit VmListDashboard(MainWindow &window);

    QString title() const override;
    void refresh() override;

    QTableView *vmsTable() const { return m_table; }
    VmModel *model() const { return m_model; }

private:
    VmModel *m_model = nullptr;
    QTableView *m_table = nullptr;
    bool m_sized = false;
};

} // namespace passdeck
