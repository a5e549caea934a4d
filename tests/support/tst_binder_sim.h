#pragma once
// A simulated node for the binder tests, described inline so each test reads what it uses.
#include "FakeNode.h"
#include "node/LocalNode.h"
#include "sim/SimHostBuilder.h"
#include "sim/SimKernel.h"
#include "node/host/SysfsWriter.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

#include <functional>
#include <memory>

namespace bindtest {

using namespace passdeck;

inline const QString kGpu = QStringLiteral("0000:01:00.0");     // nvidia, group with its audio function
inline const QString kAudio = QStringLiteral("0000:01:00.1");   // snd_hda_intel
inline const QString kBridge = QStringLiteral("0000:00:01.0");  // pcieport above the GPU
inline const QString kNicUp = QStringLiteral("0000:00:02.0");   // igb, eth0 up
inline const QString kNic = QStringLiteral("0000:00:03.0");     // igb, eth1 down
inline const QString kNvme = QStringLiteral("0000:00:04.0");    // nvme0n1p2 mounted on /
inline const QString kVga = QStringLiteral("0000:00:05.0");     // ast, boot VGA
inline const QString kPf = QStringLiteral("0000:00:06.0");      // i40e, SR-IOV, 8 VFs max
inline const QString kNic2 = QStringLiteral("0000:00:07.0");     // e1000e, no interface up

inline QJsonObject description(bool iommu = true, bool vfioLoaded = true)
{
    const char *json = R"({
  "node": "bindtest",
  "iommu": true,
  "vfio_pci_loaded": true,
  "mounts": ["/dev/nvme0n1p2 / ext4 rw,relatime 0 0", "tmpfs /run tmpfs rw 0 0"],
  "devices": [
    { "address": "0000:00:00.0", "vendor": "8086", "device": "2020", "class": "060000" },
    { "address": "0000:00:01.0", "vendor": "8086", "device": "a190", "class": "060400", "driver": "pcieport",
      "children": [
        { "address": "0000:01:00.0", "vendor": "10de", "device": "2230", "class": "030000", "driver": "nvidia",
          "drm": ["card1", "renderD128"], "reset_methods": ["bus"] },
        { "address": "0000:01:00.1", "vendor": "10de", "device": "1aef", "class": "040300", "driver": "snd_hda_intel" }
      ] },
    { "address": "0000:00:02.0", "vendor": "8086", "device": "1521", "class": "020000", "driver": "igb",
      "net": [ { "name": "eth0", "operstate": "up", "mac": "ac:1f:6b:10:20:30" } ] },
    { "address": "0000:00:03.0", "vendor": "8086", "device": "1521", "class": "020000", "driver": "igb",
      "net": [ { "name": "eth1", "operstate": "down", "mac": "ac:1f:6b:10:20:31" } ] },
    { "address": "0000:00:04.0", "vendor": "144d", "device": "a80a", "class": "010802", "driver": "nvme",
      "nvme": { "controller": "nvme0", "namespaces": ["nvme0n1"], "partitions": 2 } },
    { "address": "0000:00:05.0", "vendor": "1a03", "device": "2000", "class": "030000", "driver": "ast",
      "boot_vga": true, "drm": ["card0"] },
    { "address": "0000:00:06.0", "vendor": "8086", "device": "1572", "class": "020000", "driver": "i40e",
      "net": [ { "name": "ens6f0", "operstate": "down" } ],
      "sriov": { "totalvfs": 8, "numvfs": 0, "vf_device": "154c", "offset": 16, "stride": 1, "vf_driver": "iavf" } },
    { "address": "0000:00:07.0", "vendor": "8086", "device": "10d3", "class": "020000", "driver": "e1000e" }
  ]
})";
    QJsonObject o = QJsonDocument::fromJson(json).object();
    o[QStringLiteral("iommu")] = iommu;
    o[QStringLiteral("vfio_pci_loaded")] = vfioLoaded;
    return o;
}

// Where simulated roots for tests go: a tmpfs when there is one. sysfs is in memory, and on a
// busy ext4 every inode a bind creates can cost milliseconds (see tests/bench/bench_bind.cpp).
inline QString simTempPattern()
{
    const QFileInfo shm(QStringLiteral("/dev/shm"));
    return (shm.isDir() && shm.isWritable() ? shm.filePath() : QDir::tempPath()) + QStringLiteral("/passdeck-test-XXXXXX");
}

// A fresh simulated root in a temporary directory, with its node.
struct SimNode
{
    QTemporaryDir dir{simTempPattern()};
    QString root;
    std::unique_ptr<LocalNode> node;

    explicit SimNode(const QJsonObject &desc = description())
    {
        root = dir.path() + QStringLiteral("/node");
        const Status s = SimHostBuilder::build(desc, root);
        if (!s)
            qFatal("building the simulated node failed: %s", qPrintable(s.error().message()));
        InventoryOptions o;
        o.pciIdsPath = QStringLiteral(PASSDECK_SOURCE_DIR "/tests/data/pci.ids");
        Result<std::unique_ptr<LocalNode>> opened = LocalNode::open(root, true, o);
        if (!opened)
            qFatal("opening the simulated node failed: %s", qPrintable(opened.error().message()));
        node = std::move(opened).value();
    }

    QString path(const QString &rel) const { return root + u'/' + rel; }
    QString driver(const QString &a) const { return node->readLinkName(QStringLiteral("sys/bus/pci/devices/") + a + QStringLiteral("/driver")); }
    QString override(const QString &a) const
    {
        QFile f(path(QStringLiteral("sys/bus/pci/devices/") + a + QStringLiteral("/driver_override")));
        if (!f.open(QIODevice::ReadOnly))
            return QStringLiteral("<unreadable>");
        return QString::fromUtf8(f.readAll()).trimmed();
    }
    int group(const QString &a) const
    {
        const QString g = node->readLinkName(QStringLiteral("sys/bus/pci/devices/") + a + QStringLiteral("/iommu_group"));
        return g.isEmpty() ? -1 : g.toInt();
    }
    bool devVfio(const QString &a) const { return QFile::exists(path(QStringLiteral("dev/vfio/%1").arg(group(a)))); }
    bool driverHasLink(const QString &drv, const QString &a) const
    {
        return QFileInfo(path(QStringLiteral("sys/bus/pci/drivers/%1/%2").arg(drv, a))).isSymLink();
    }
    QString rules() const
    {
        QFile f(path(QStringLiteral("etc/udev/rules.d/61-passdeck-vfio.rules")));
        return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
    }
};

} // namespace bindtest
