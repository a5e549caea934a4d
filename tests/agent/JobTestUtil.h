#pragma once
// Shared by the job tests: a simulated node with two NICs and an SR-IOV PF with 64 VFs, and a
// node maker over it (header-only: tests list their own sources).
#include "core/Error.h"
#include "core/Node.h"
#include "node/LocalNode.h"

#include "SimTestUtil.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <functional>
#include <memory>

namespace passdeck::test {

inline const QString kNic1 = QStringLiteral("0000:00:02.0");
inline const QString kNic2 = QStringLiteral("0000:00:03.0");
inline const QString kPf = QStringLiteral("0000:03:00.0");

// Two igb NICs (interfaces down, so nothing blocks them) and an i40e PF behind a bridge with 64
// iavf VFs enabled at boot (64 by default), each VF in its own IOMMU group; vfio-pci loaded.
inline QJsonObject jobsDescription(int vfs = 64)
{
    const QByteArray json = R"({
      "node": "jobs", "iommu": true, "vfio_pci_loaded": true,
      "devices": [
        { "address": "0000:00:02.0", "vendor": "8086", "device": "1521", "class": "020000", "driver": "igb",
          "net": [ { "name": "eth1", "operstate": "down" } ] },
        { "address": "0000:00:03.0", "vendor": "8086", "device": "1521", "class": "020000", "driver": "igb",
          "net": [ { "name": "eth2", "operstate": "down" } ] },
        { "address": "0000:00:01.0", "vendor": "8086", "device": "a190", "class": "060400", "driver": "pcieport",
          "children": [
            { "address": "0000:03:00.0", "vendor": "8086", "device": "1572", "class": "020000", "driver": "i40e",
              "sriov": { "totalvfs": 64, "numvfs": 64, "vf_device": "154c", "offset": 1, "stride": 1, "vf_driver": "iavf" } }
          ] }
      ]
    })";
    QJsonObject d = QJsonDocument::fromJson(json).object();
    QJsonArray devices = d.value(QStringLiteral("devices")).toArray();
    QJsonObject bridge = devices.at(2).toObject();
    QJsonArray children = bridge.value(QStringLiteral("children")).toArray();
    QJsonObject pf = children.at(0).toObject();
    QJsonObject sriov = pf.value(QStringLiteral("sriov")).toObject();
    sriov.insert(QStringLiteral("numvfs"), vfs);
    pf.insert(QStringLiteral("sriov"), sriov);
    children.replace(0, pf);
    bridge.insert(QStringLiteral("children"), children);
    devices.replace(2, bridge);
    d.insert(QStringLiteral("devices"), devices);
    return d;
}

inline std::function<Result<std::unique_ptr<Node>>()> nodeMaker(const QString &root)
{
    return [root]() -> Result<std::unique_ptr<Node>> {
        Result<std::unique_ptr<LocalNode>> n = LocalNode::open(root, true);
        if (!n)
            return n.error();
        return std::unique_ptr<Node>(std::move(n).value());
    };
}

} // namespace passdeck::test
