#include "sim/SimScale.h"

#include <QJsonArray>

#include <random>

namespace passdeck {

namespace {
QString addr(int domain, int bus, int slot, int fn)
{
    return QStringLiteral("%1:%2:%3.%4").arg(domain, 4, 16, QLatin1Char('0')).arg(bus, 2, 16, QLatin1Char('0'))
        .arg(slot, 2, 16, QLatin1Char('0')).arg(fn);
}

QJsonObject fn(const QString &address, const char *vendor, const char *device, const char *cls, const char *driver, int numa)
{
    return QJsonObject{{QStringLiteral("address"), address}, {QStringLiteral("vendor"), QLatin1String(vendor)},
                       {QStringLiteral("device"), QLatin1String(device)}, {QStringLiteral("class"), QLatin1String(cls)},
                       {QStringLiteral("subsystem_vendor"), QLatin1String(vendor)},
                       {QStringLiteral("subsystem_device"), QStringLiteral("0001")},
                       {QStringLiteral("driver"), QLatin1String(driver)}, {QStringLiteral("numa_node"), numa}};
}
} // namespace

QJsonObject SimScale::description(const Options &o)
{
    std::mt19937 rng(o.seed);
    auto pick = [&rng](int n) { return int(rng() % unsigned(n)); };
    QJsonArray roots;
    int remaining = std::max(o.devices, 1);
    int domain = 0, rootPortIndex = 0, bus = 1;
    int gpus = 0, nics = 0, nvmes = 0;
    QJsonObject hostBridge = fn(addr(0, 0, 0, 0), "8086", "2020", "060000", "", 0);
    hostBridge.remove(QStringLiteral("driver"));
    roots.append(hostBridge);
    --remaining;
    while (remaining > 0) {
        if (rootPortIndex == 248 || bus > 248) { // bus numbers of this domain used up
            ++domain;
            rootPortIndex = 0;
            bus = 1;
            if (remaining > 0) {
                QJsonObject hb = fn(addr(domain, 0, 0, 0), "8086", "2020", "060000", "", domain % 2);
                hb.remove(QStringLiteral("driver"));
                roots.append(hb);
                if (--remaining == 0)
                    break;
            }
        }
        const int numa = domain % 2;
        QJsonObject port = fn(addr(domain, 0, 1 + rootPortIndex / 8, rootPortIndex % 8), "8086", "2030", "060400", "pcieport", numa);
        ++rootPortIndex;
        --remaining;
        QJsonArray children;
        const int kind = pick(10);
        if (kind < 4 && remaining >= 2) { // dual-port NIC with VFs
            const bool intel = pick(2) == 0;
            const int maxVfs = std::max(0, (remaining - 2) / 2);
            int vfs = o.vfsPerNic >= 0 ? o.vfsPerNic : pick(9);
            vfs = std::min({vfs, maxVfs, 32});
            for (int f = 0; f < 2; ++f) {
                QJsonObject pf = fn(addr(domain, bus, 0, f), intel ? "8086" : "15b3", intel ? "1572" : "1017", "020000",
                                    intel ? "i40e" : "mlx5_core", numa);
                pf.insert(QStringLiteral("reset_methods"), QJsonArray{QStringLiteral("flr"), QStringLiteral("bus")});
                pf.insert(QStringLiteral("net"), QJsonArray{QJsonObject{
                    {QStringLiteral("name"), QStringLiteral("ens%1f%2").arg(nics).arg(f)}, {QStringLiteral("operstate"), QStringLiteral("down")}}});
                pf.insert(QStringLiteral("sriov"), QJsonObject{
                    {QStringLiteral("totalvfs"), 32}, {QStringLiteral("numvfs"), vfs},
                    {QStringLiteral("vf_device"), intel ? QStringLiteral("154c") : QStringLiteral("1018")},
                    {QStringLiteral("offset"), f == 0 ? 16 : 47}, {QStringLiteral("stride"), 1},
                    {QStringLiteral("vf_driver"), intel ? QStringLiteral("iavf") : QStringLiteral("mlx5_core")}});
                children.append(pf);
            }
            ++nics;
            remaining -= 2 + 2 * vfs;
        } else if (kind < 7 && remaining >= 2) { // GPU + HDMI audio
            QJsonObject gpu = fn(addr(domain, bus, 0, 0), "10de", "2230", "030000", "nvidia", numa);
            gpu.insert(QStringLiteral("drm"), QJsonArray{QStringLiteral("card%1").arg(gpus + 1), QStringLiteral("renderD%1").arg(128 + gpus)});
            gpu.insert(QStringLiteral("reset_methods"), QJsonArray{QStringLiteral("bus")});
            children.append(gpu);
            children.append(fn(addr(domain, bus, 0, 1), "10de", "1aef", "040300", "snd_hda_intel", numa));
            ++gpus;
            remaining -= 2;
        } else if (remaining >= 1) { // NVMe
            QJsonObject nvme = fn(addr(domain, bus, 0, 0), "144d", "a80a", "010802", "nvme", numa);
            nvme.insert(QStringLiteral("nvme"), QJsonObject{{QStringLiteral("controller"), QStringLiteral("nvme%1").arg(nvmes)},
                                                            {QStringLiteral("namespaces"), QJsonArray{QStringLiteral("nvme%1n1").arg(nvmes)}}});
            children.append(nvme);
            ++nvmes;
            remaining -= 1;
        }
        if (!children.isEmpty())
            port.insert(QStringLiteral("children"), children);
        ++bus;
        roots.append(port);
    }
    return QJsonObject{{QStringLiteral("node"), o.node}, {QStringLiteral("iommu"), true},
                       {QStringLiteral("vfio_pci_loaded"), true}, {QStringLiteral("devices"), roots}};
}

} // namespace passdeck
