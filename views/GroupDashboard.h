#pragma once

#include "views/Dashboard.h"
#include "core/DomainTypes.h"

class QLabel;
class QTableView;
class QToolButton;

namespace passdeck {

class GroupEditDialog;
class PciDeviceFilterProxy;
class PciDeviceModel;

// One resource group: details, its devices, Edit, Remove from Group, Delete Group (refused
// before it asks while the group is in use: the reason is shown, and in the item's tooltip).
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
    // Refuses at once while the group is in use; otherwise asks in the banner, listing the
    // devices that go back to the host (link "confirm-delete"); deleteNow() does it.
    void requestDelete();
    void deleteNow();

protected:
    void handleLink(const QString &link) override;

private:
    static QString removalOutcome(const QList<ResourceChange> &changes);

    ResourceGroup m_group;
    bool m_gone = false;
    PciDeviceModel *m_model = nullptr;
    PciDeviceFilterProxy *m_proxy = nullptr;
    QTableView *m_table = nullptr;
    QLabel *m_details = nullptr;
    QToolButton *m_remove = nullptr;
    QToolButton *m_deleteItem = nullptr;
};

} // namespace passdeck
