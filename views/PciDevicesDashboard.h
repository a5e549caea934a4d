#pragma once

#include "Dashboard.h"
#include "DomainTypes.h"

class QToolButton;

namespace passdeck {

class MakeResourceWizard;
class PciDevicesView;

// PCI Devices of one node (argument = node id) or of all nodes (0). Make Resource in the left
// menu is enabled with a selection and opens the Make Resource wizard.
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
    // Opens the wizard for the current selection (shown, non-modal) and returns it; nullptr
    // without a selection or while another wizard is open.
    MakeResourceWizard *makeResource();

private:
    QString m_nodeName;
    PciDevicesView *m_view = nullptr;
    QToolButton *m_makeResource = nullptr;
};

} // namespace passdeck
