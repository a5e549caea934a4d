#pragma once
// A minimal sysfs tree for inventory tests: flat devices under sys/devices/pci0000:00, the
// links the kernel makes, and a config space consistent with the id files. Tests that need the
// full kernel layout use the simulator's SimHostBuilder; this one lets a test break single
// files on purpose.

#include <QDir>
#include <QFile>
#include <QString>
#include <QStringList>

#include <unistd.h>

namespace passdeck::test {

struct TreeDevice
{
    QString address;
    int vendor = 0x8086, device = 0x1533, subVendor = 0x8086, subDevice = 0x0001;
    int revision = 0x03, classId = 0x020000;
    QString driver;      // empty: unbound
    int iommuGroup = -1; // -1: none
    int numaNode = -1;   // written as -1, like the kernel on non-NUMA machines
};

class TestTree
{
public:
    explicit TestTree(const QString &root) : m_root(root)
    {
        QDir().mkpath(path(QStringLiteral("sys/bus/pci/devices")));
        QDir().mkpath(path(QStringLiteral("sys/bus/pci/drivers")));
        QDir().mkpath(path(QStringLiteral("sys/devices/pci0000:00")));
    }

    QString path(const QString &relative) const { return m_root + u'/' + relative; }
    QString deviceDir(const QString &address) const { return path(QStringLiteral("sys/devices/pci0000:00/") + address); }

    void write(const QString &relative, const QByteArray &content) const
    {
        QFile f(path(relative));
        f.open(QIODevice::WriteOnly | QIODevice::Truncate);
        f.write(content);
    }
    void writeAttr(const QString &address, const QString &name, const QByteArray &content) const
    {
        QFile f(deviceDir(address) + u'/' + name);
        f.open(QIODevice::WriteOnly | QIODevice::Truncate);
        f.write(content);
    }
    static void link(const QString &target, const QString &at)
    {
        QFile::remove(at);
        const QByteArray t = QFile::encodeName(target), a = QFile::encodeName(at);
        [[maybe_unused]] int rc = ::symlink(t.constData(), a.constData());
    }

    void addDevice(const TreeDevice &d) const
    {
        const QString dir = deviceDir(d.address);
        QDir().mkpath(dir);
        auto hex = [](int v, int digits) -> QByteArray { return "0x" + QByteArray::number(v, 16).rightJustified(digits, '0') + '\n'; };
        writeAttr(d.address, QStringLiteral("vendor"), hex(d.vendor, 4));
        writeAttr(d.address, QStringLiteral("device"), hex(d.device, 4));
        writeAttr(d.address, QStringLiteral("subsystem_vendor"), hex(d.subVendor, 4));
        writeAttr(d.address, QStringLiteral("subsystem_device"), hex(d.subDevice, 4));
        writeAttr(d.address, QStringLiteral("revision"), hex(d.revision, 2));
        writeAttr(d.address, QStringLiteral("class"), hex(d.classId, 6));
        writeAttr(d.address, QStringLiteral("numa_node"), QByteArray::number(d.numaNode) + '\n');
        writeAttr(d.address, QStringLiteral("irq"), "0\n");
        writeAttr(d.address, QStringLiteral("driver_override"), "(null)\n");
        QByteArray config(256, '\0');
        auto put16 = [&](int at, int v) { config[at] = char(v & 0xff); config[at + 1] = char((v >> 8) & 0xff); };
        put16(0, d.vendor);
        put16(2, d.device);
        config[8] = char(d.revision);
        config[9] = char(d.classId & 0xff);
        config[10] = char((d.classId >> 8) & 0xff);
        config[11] = char((d.classId >> 16) & 0xff);
        const bool bridge = ((d.classId >> 8) & 0xffff) == 0x0604;
        config[14] = bridge ? 1 : 0;
        if (!bridge) {
            put16(0x2c, d.subVendor);
            put16(0x2e, d.subDevice);
        }
        writeAttr(d.address, QStringLiteral("config"), config);
        link(QStringLiteral("../../../devices/pci0000:00/") + d.address, path(QStringLiteral("sys/bus/pci/devices/") + d.address));
        if (!d.driver.isEmpty()) {
            const QString drv = path(QStringLiteral("sys/bus/pci/drivers/") + d.driver);
            QDir().mkpath(drv);
            link(QStringLiteral("../../../bus/pci/drivers/") + d.driver, dir + QStringLiteral("/driver"));
            link(QStringLiteral("../../../../devices/pci0000:00/") + d.address, drv + u'/' + d.address);
        }
        if (d.iommuGroup >= 0) {
            const QString group = path(QStringLiteral("sys/kernel/iommu_groups/%1/devices").arg(d.iommuGroup));
            QDir().mkpath(group);
            link(QStringLiteral("../../../kernel/iommu_groups/%1").arg(d.iommuGroup), dir + QStringLiteral("/iommu_group"));
            link(QStringLiteral("../../../../devices/pci0000:00/") + d.address, group + u'/' + d.address);
        }
    }

private:
    QString m_root;
};

} // namespace passdeck::test
