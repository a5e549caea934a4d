#pragma once

#include "Dashboard.h"
#include "DomainTypes.h"

class QLabel;
class QTableView;
class QToolButton;

namespace passdeck {

class GroupEditDialog;
class PciDeviceFilterProxy;
class PciDeviceModel;

// One resource group: details, its devices, Edit, Remove from Group, Delete Group (refused by
// the service while the group is in use; the reason is shown).
class GroupDashboard : public Dashboard
{
    Q_OBJECT
public:
    GroupDashboard(MainWindow &window, qint64 groupId);

    QString title() const override;
    QList<Crumb> breadcrumb() const override;
    void refresh() override;

    const ResourceGroup &group() const { return m_group; }
    QTableView *devicesTable() const { return m_table; }
    PciDeviceModel *devicesModel() const { return m_model; }
    GroupEditDialog *edit();
    // Moves the selected devices back to their host drivers and deletes their rules.
    void removeSelected();
    // Asks for confirmation in the banner (link "confirm-delete"); deleteNow() does it.
    void requestDelete();
    void deleteNow();

protected:
    void handleLink(const QString &link) override;

private:
    ResourceGroup m_group;
    bool m_gone = false;
    PciDeviceModel *m_model = nullptr;
    PciDeviceFilterProxy *m_proxy = nullptr;
    QTableView *m_table = nullptr;
    QLabel *m_details = nullptr;
    QToolButton *m_remove = nullptr;
};

} // namespace passdeck
