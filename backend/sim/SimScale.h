#pragma once

#include <QJsonObject>
#include <QString>

namespace passdeck {

// Generates the description of a large simulated node: `devices` PCI functions in all (root
// ports, GPUs with their audio function, dual-port NICs with SR-IOV VFs enabled at boot, NVMe
// drives), spread over as many PCI domains as the bus numbers need. Same seed, same node.
class SimScale
{
public:
    struct Options
    {
        int devices = 4000;
        quint32 seed = 1;
        QString node = QStringLiteral("scale");
        int vfsPerNic = -1; // VFs enabled at boot per NIC PF; -1: random 0..8
    };

    static QJsonObject description(const Options &options);
};

} // namespace passdeck
