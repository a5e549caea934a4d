#include "views/BuiltinDashboards.h"

#include "views/GroupDashboard.h"
#include "views/MachineDevicesDashboard.h"
#include "views/MainDashboard.h"
#include "views/MainWindow.h"
#include "views/NodeDashboard.h"
#include "views/NodesDashboard.h"
#include "views/PciDevicesDashboard.h"
#include "views/ReadinessDashboard.h"
#include "views/TopologyDashboard.h"
#include "views/ResourceManagerDashboard.h"
#include "views/RisksDashboard.h"
#include "views/TenantDashboard.h"
#include "views/TenantListDashboard.h"
#include "views/TenantNodeDashboard.h"
#include "views/VmDashboard.h"
#include "views/VmListDashboard.h"

namespace passdeck {

void registerBuiltinDashboards(MainWindow &window)
{
    window.registerDashboard(QStringLiteral("main"), [](MainWindow &w, qint64) { return new MainDashboard(w); });
    window.registerDashboard(QStringLiteral("resources"),
                             [](MainWindow &w, qint64) { return new ResourceManagerDashboard(w); });
    window.registerDashboard(QStringLiteral("nodes"), [](MainWindow &w, qint64) { return new NodesDashboard(w); });
    window.registerDashboard(QStringLiteral("node"), [](MainWindow &w, qint64 id) { return new NodeDashboard(w, id); });
    window.registerDashboard(QStringLiteral("pci"),
                             [](MainWindow &w, qint64 id) { return new PciDevicesDashboard(w, id); });
    window.registerDashboard(QStringLiteral("topology"),
                             [](MainWindow &w, qint64 id) { return new TopologyDashboard(w, id); });
    window.registerDashboard(QStringLiteral("group"),
                             [](MainWindow &w, qint64 id) { return new GroupDashboard(w, id); });
    window.registerDashboard(QStringLiteral("vms"), [](MainWindow &w, qint64) { return new VmListDashboard(w); });
    window.registerDashboard(QStringLiteral("tenants"),
                             [](MainWindow &w, qint64) { return new TenantListDashboard(w); });
    // The VM and tenant flows (1.2, 1.3).
    window.registerDashboard(QStringLiteral("vm"), [](MainWindow &w, qint64 id) { return new VmDashboard(w, id); });
    window.registerDashboard(QStringLiteral("groupmachines"),
                             [](MainWindow &w, qint64 id) { return new MachineDevicesDashboard(w, id); });
    window.registerDashboard(QStringLiteral("tenant"), [](MainWindow &w, qint64 id) { return new TenantDashboard(w, id); });
    window.registerDashboard(QStringLiteral("tenantnode"),
                             [](MainWindow &w, qint64 id) { return new TenantNodeDashboard(w, id); });
    window.registerDashboard(QStringLiteral("risks"), [](MainWindow &w, qint64) { return new RisksDashboard(w); });
    window.registerDashboard(QStringLiteral("readiness"),
                             [](MainWindow &w, qint64 id) { return new ReadinessDashboard(w, id); });
}

} // namespace passdeck
