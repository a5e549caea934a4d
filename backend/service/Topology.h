#pragma once

#include "core/PciDevice.h"

#include <QHash>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

namespace passdeck {

// Access Control Services of one function, as the kernel judges it for IOMMU isolation
// (docs/topology.md): the request-redirect flags it needs (SV, RR, CR, UF) that the function can
// control must be enabled; flags it cannot control count as hard-wired on.
enum class AcsState {
    Unknown, // config space not readable that far (not root, or not PCIe)
    Absent,  // no ACS capability
    Off,     // the capability, but a needed flag is not enabled
    On,
};

// One function in the tree, with the facts the topology page, `passdeck-cli topology` and the
// readiness findings share. Computed only here (TopologyFacts and Topology::build).
struct TopologyItem
{
    PciDevice device;
    QString rootBus;           // "pci0000:00": the root complex (host bridge) it hangs under
    int depth = 0;             // 0: on the root bus
    QStringList children;      // addresses directly below (a bridge's secondary bus), sorted
    bool linkDegraded = false; // trained below what both ends can do (speed or width)
    AcsState acs = AcsState::Unknown;
    // The bridges above, nearest first, and those of them that must have ACS but do not have it
    // on: while one is listed, peer-to-peer traffic can bypass the IOMMU, so the kernel puts
    // everything below that port into one IOMMU group.
    QStringList bridgesAbove;
    QStringList acsGapsAbove;
    // A switch's upstream port: the kernel does not require ACS there (only on root and
    // downstream ports). Told from the tree: a port below another port whose children are all
    // ports.
    bool switchUpstreamPort = false;
};

struct TopologyRootBus
{
    QString name;          // "pci0000:00"
    QStringList children;  // addresses on the root bus, sorted
};

// A node's PCI tree: root complexes, then ports and bridges, then endpoints, in the order a tree
// view shows them (parents before children, siblings by address).
struct Topology
{
    QList<TopologyRootBus> rootBuses;
    QList<TopologyItem> items;            // depth-first pre-order
    QMap<int, QStringList> iommuGroups;   // group -> member addresses (from the inventory)

    const TopologyItem *find(const QString &address) const;
    qsizetype indexOf(const QString &address) const { return m_index.value(address, -1); }

    // O(devices). A device whose parent is not in the inventory is shown at the top, under a
    // root named after its own bus ("pci0000:05").
    static Topology build(const InventorySnapshot &snapshot);

private:
    QHash<QString, qsizetype> m_index;
};

namespace TopologyFacts {

// "8.0 GT/s PCIe" -> 8.0; -1 when unknown ("Unknown", empty).
double linkSpeedGts(const QString &speed);
// Current speed below the maximum, or current width below the maximum (both known, link up).
bool isLinkDegraded(const PciDevice &device);
AcsState acsState(const PciDevice &device);
// A PCI-to-PCI bridge (class 0604, 0609): a root port, a switch port or a PCIe-to-PCI bridge,
// the functions ACS matters on. Host and ISA bridges (0600, 0601) are bridges too, but not ports.
bool isPort(const PciDevice &device);
// "8.0 GT/s x4 (capable 16.0 GT/s x16) DEGRADED", "16.0 GT/s x16", "" without link files.
QString linkText(const PciDevice &device);
QString acsText(AcsState state); // "on", "off", "absent", "unknown"
// The ACS bits that are set, e.g. "SV RR CR UF"; empty when none or unknown.
QString acsFlagsText(int bits);

} // namespace TopologyFacts

} // namespace passdeck
