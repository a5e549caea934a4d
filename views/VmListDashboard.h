#pragma once

#include "views/Dashboard.h"

class QTableView;
class QToolButton;

namespace passdeck {

class VmCreateDialog;
class VmModel;

// Virtual Machines → List: node, owner, power state, devices, the restart-needed marker;
// New VM (a form), Delete VM (confirmed in the banner). Double-click opens the VM's dashboard.
class VmListDashboard : public Dashboard
{
    Q_OBJECT
public:
    explicit VmListDashboard(MainWindow &window);

    QString title() const override;
    void refresh() override;

    QTableView *vmsTable() const { return m_table; }
    VmModel *model() const { return m_model; }
    VmCreateDialog *newVm();
    // Asks for confirmation in the banner (link "confirm-delete"); deleteNow() does it.
    void requestDelete();
    void deleteNow();

protected:
    void handleLink(const QString &link) override;

private:
    qint64 selectedVm() const;

    VmModel *m_model = nullptr;
    QTableView *m_table = nullptr;
    QToolButton *m_deleteItem = nullptr;
    qint64 m_pendingDelete = 0;
};

} // namespace passdeck
