#pragma once

#include "views/Dashboard.h"
#include "core/DomainTypes.h"
#include "core/NodeChecks.h"

#include <QHash>

class QAction;
class QLabel;
class QToolButton;

namespace passdeck {

class DeviceSelection;
class MakeResourceWizard;
class PciDevicesView;
class SriovDialog;

// PCI Devices of one node (argument = node id) or of all nodes (0). Make Resource in the left
// menu is enabled with a selection and opens the Make Resource wizard; a selection the binder
// would refuse anyway (a bridge, the boot VGA, the root disk, a NIC that is up, a node that
// cannot pass through) keeps it disabled with the reason beside it. SR-IOV VFs… sets the VF
// count of a selected physical function.
class PciDevicesDashboard : public Dashboard
{
    Q_OBJECT
public:
    PciDevicesDashboard(MainWindow &window, qint64 nodeId);

    QString title() const override;
    QList<Crumb> breadcrumb() const override;
    void refresh() override;

    PciDevicesView *devicesView() const { return m_view; }
    QToolButton *makeResourceButton() const { return m_makeResource; }
    QLabel *makeResourceReason() const { return m_makeResourceReason; }
    QToolButton *sriovButton() const { return m_sriov; }
    // Opens the SR-IOV dialog for the one selected device (shown); nullptr otherwise.
    SriovDialog *editVfs();
    // Opens the wizard for the current selection (shown, non-modal) and returns it; nullptr
    // without a selection or while another wizard is open.
    MakeResourceWizard *makeResource();

private:
    void updateActions();
    void publishSelection(DeviceSelection &shared);
    void followSelection();

    QString m_nodeName;
    PciDevicesView *m_view = nullptr;
    QToolButton *m_makeResource = nullptr;
    QLabel *m_makeResourceReason = nullptr;
    QToolButton *m_sriov = nullptr;
    QAction *m_makeAction = nullptr;
    QHash<qint64, NodeReadiness> m_readiness;
    bool m_followingSelection = false;
};

} // namespace passdeck
