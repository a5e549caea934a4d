#pragma once

#include "views/Dashboard.h"

class QLabel;

namespace passdeck {

class TopologyView;

// Topology of one node (argument = node id): its PCI tree as a picture (views/TopologyView.h),
// read live from the node. Selecting boxes selects the same devices in PCI Devices and back,
// through the window's DeviceSelection (docs/topology.md).
class TopologyDashboard : public Dashboard
{
    Q_OBJECT
public:
    TopologyDashboard(MainWindow &window, qint64 nodeId);

    QString title() const override;
    QList<Crumb> breadcrumb() const override;
    void refresh() override;

    TopologyView *view() const { return m_view; }
    QLabel *summary() const { return m_summary; }

private:
    void reload();
    void followSelection();

    QString m_nodeName;
    TopologyView *m_view = nullptr;
    QLabel *m_summary = nullptr;
    bool m_loaded = false;
};

} // namespace passdeck
