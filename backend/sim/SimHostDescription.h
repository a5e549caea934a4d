#pragma once

#include "core/Error.h"
#include "sim/SimDomains.h"

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace passdeck {

struct SimNetSpec
{
    QString name;
    QString operstate = QStringLiteral("down");
    QString mac;
};

struct SimSriovSpec
{
    int totalVfs = 0;
    int numVfs = 0;        // VFs enabled at boot
    int vfDevice = -1;     // VF device id
    int offset = 1;        // routing-id offset of VF 0 from the PF
    int stride = 1;        // routing-id distance between VFs
    QString vfDriver;      // native driver of the VFs (empty: none)
    bool autoprobe = true; // sriov_drivers_autoprobe at boot
};

// One PCI function of a simulated node, validated and with everything derived (IOMMU group,
// bus numbers, sysfs directory).
struct SimDeviceSpec
{
    QString address;
    int vendor = 0;
    int device = 0;
    int subVendor = 0;
    int subDevice = 0;
    int classId = 0;
    int revision = 0;
    QString driver;       // bound at boot; empty: none
    QString nativeDriver; // the driver whose id table matches the device (drivers_probe)
    int iommuGroup = -1;  // resolved; -1 when the IOMMU is off
    int numaNode = -1;
    int irq = 0;
    QStringList resetMethods;
    bool bootVga = false;
    QList<SimNetSpec> net;
    QString nvmeController;        // "nvme0"
    QStringList nvmeNamespaces;    // "nvme0n1"
    int nvmePartitions = 0;        // partitions per namespace (nvme0n1p1...)
    QStringList block;             // other block devices, under <device>/block/
    QStringList drm;               // "card0", "renderD128"
    bool hasSriov = false;
    SimSriovSpec sriov;

    QString parent;       // address of the upstream bridge; empty under the host bridge root
    QString physfn;       // VFs only: the PF's address
    int vfIndex = -1;     // VFs only
    int secondaryBus = -1;   // bridges only
    int subordinateBus = -1; // bridges only
    bool multiFunction = false;
    QString sysPath;      // relative to the host root: sys/devices/pci0000:00/.../<address>

    bool isBridge() const { return (classId >> 16) == 0x06 && (((classId >> 8) & 0xff) == 0x04 || ((classId >> 8) & 0xff) == 0x07); }
    bool isVga() const { return (classId >> 8) == 0x0300; }
    bool isVirtualFunction() const { return !physfn.isEmpty(); }
};

// A simulated node as data: parsed strictly from the JSON format of docs/simulated-nodes.md.
// Bad input gives an Error naming the device and the field; nothing is guessed.
class SimHostDescription
{
public:
    QString node;
    bool iommu = true;
    bool vfioLoaded = false;
    QString cmdline;
    QStringList mounts;       // /proc/mounts lines
    QString cpuList = QStringLiteral("0-7");
    QStringList extraDrivers; // drivers loaded without devices (directories under drivers/)
    QList<SimDeviceSpec> devices; // parents before children, no VFs
    int maxGroup = -1;        // highest group of a described device (VF groups follow)
    QList<SimDomainSpec> domains; // libvirt domains of the node (its test driver file)

    static Result<SimHostDescription> fromJson(const QJsonObject &json);
    // A file path or a Qt resource (":/demo/node-a.json").
    static Result<SimHostDescription> fromFile(const QString &path);
    // A file (regular files only, read without blocking, at most RootedFile::kDescriptionCap) or
    // a Qt resource.
    static Result<QJsonObject> readJsonFile(const QString &path);
    // The JSON object in bytes; path names the file in the error.
    static Result<QJsonObject> parseJson(const QByteArray &bytes, const QString &path);

    int indexOf(const QString &address) const { return m_index.value(address, -1); }
    const SimDeviceSpec *find(const QString &address) const;

    // The VF with index `vfIndex` of a PF (address, ids, sysfs directory); its IOMMU group is
    // left -1 for the caller to assign.
    static SimDeviceSpec virtualFunction(const SimDeviceSpec &pf, int vfIndex);
    // Root directory name of a top-level device: "pci0000:00".
    static QString rootBusDir(const QString &address);

private:
    QHash<QString, int> m_index;
    friend class SimHostDescriptionParser;
};

} // namespace passdeck
