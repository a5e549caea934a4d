#pragma once

namespace passdeck {

class MainWindow;

// Registers the dashboards of the shell and of flow 1.1 ("main", "resources", "nodes", "node",
// "pci", "group", "vms", "tenants", "risks").
void registerBuiltinDashboards(MainWindow &window);

} // namespace passdeck
