#include "SimHostLayout.h"

#include <QDir>

#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace passdeck {

namespace {
// Lexical: "a/b/c" relative to dir "a/x" is "../b/c"; inputs are clean, root-relative paths.
QString relativeTo(const QString &fromDir, const QString &target)
{
    const QStringList from = fromDir.split(u'/', Qt::SkipEmptyParts);
    const QStringList to = target.split(u'/', Qt::SkipEmptyParts);
    qsizetype common = 0;
    while (common < from.size() && common < to.size() && from[common] == to[common])
        ++common;
    QString out;
    for (qsizetype i = common; i < from.size(); ++i)
        out += QLatin1String("../");
    out += to.mid(common).join(u'/');
    return out;
}

QByteArray macFor(const QString &address, int index)
{
    const size_t h = qHash(address) + size_t(index);
    return QStringLiteral("02:%1:%2:%3:%4:%5\n")
        .arg(int(h >> 32) & 0xff, 2, 16, QLatin1Char('0')).arg(int(h >> 24) & 0xff, 2, 16, QLatin1Char('0'))
        .arg(int(h >> 16) & 0xff, 2, 16, QLatin1Char('0')).arg(int(h >> 8) & 0xff, 2, 16, QLatin1Char('0'))
        .arg(int(h) & 0xff, 2, 16, QLatin1Char('0')).toLatin1();
}
} // namespace

QByteArray SimHostLayout::hex(int value, int digits)
{
    return "0x" + QByteArray::number(value, 16).rightJustified(digits, '0') + '\n';
}

bool SimHostLayout::writeFile(const QString &relative, const QByteArray &content) const
{
    const int fd = ::open(abs(relative).constData(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return false;
    const bool ok = ::write(fd, content.constData(), size_t(content.size())) == content.size();
    return ::close(fd) == 0 && ok;
}

bool SimHostLayout::makeDir(const QString &relative) const
{
    const QByteArray p = abs(relative);
    if (::mkdir(p.constData(), 0755) == 0 || errno == EEXIST)
        return true;
    return QDir().mkpath(QString::fromLocal8Bit(p));
}

bool SimHostLayout::symlink(const QString &link, const QString &target) const
{
    const QString dir = link.left(link.lastIndexOf(u'/'));
    const QByteArray l = abs(link);
    ::unlink(l.constData());
    return ::symlink(relativeTo(dir, target).toLocal8Bit().constData(), l.constData()) == 0;
}

bool SimHostLayout::remove(const QString &relative) const
{
    return ::unlink(abs(relative).constData()) == 0 || errno == ENOENT;
}

bool SimHostLayout::removeTree(const QString &relative) const
{
    QDir d(QString::fromLocal8Bit(abs(relative)));
    return !d.exists() || d.removeRecursively();
}

bool SimHostLayout::exists(const QString &relative) const
{
    struct stat st;
    return ::lstat(abs(relative).constData(), &st) == 0;
}

QString SimHostLayout::readLink(const QString &relative) const
{
    char buf[4096];
    const ssize_t n = ::readlink(abs(relative).constData(), buf, sizeof buf);
    return n <= 0 ? QString() : QString::fromLocal8Bit(buf, n);
}

QString SimHostLayout::linkName(const QString &relative) const
{
    const QString l = readLink(relative);
    return l.mid(l.lastIndexOf(u'/') + 1);
}

QByteArray SimHostLayout::readFile(const QString &relative) const
{
    const int fd = ::open(abs(relative).constData(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return {};
    QByteArray out;
    char buf[4096];
    ssize_t n;
    while ((n = ::read(fd, buf, sizeof buf)) > 0)
        out.append(buf, n);
    ::close(fd);
    return out;
}

QByteArray SimHostLayout::configSpace(const SimDeviceSpec &s)
{
    QByteArray c(256, '\0');
    auto put16 = [&c](int off, int v) {
        c[off] = char(v & 0xff);
        c[off + 1] = char((v >> 8) & 0xff);
    };
    put16(0x00, s.vendor);
    put16(0x02, s.device);
    put16(0x04, s.isBridge() ? 0x0007 : 0x0006); // memory + bus master (+ I/O for bridges)
    put16(0x06, 0x0000);                         // no capability list
    c[0x08] = char(s.revision);
    c[0x09] = char(s.classId & 0xff);
    c[0x0a] = char((s.classId >> 8) & 0xff);
    c[0x0b] = char((s.classId >> 16) & 0xff);
    c[0x0e] = char((s.isBridge() ? 0x01 : 0x00) | (s.multiFunction ? 0x80 : 0x00));
    if (s.isBridge()) {
        c[0x18] = char(s.address.mid(5, 2).toInt(nullptr, 16));
        c[0x19] = char(s.secondaryBus);
        c[0x1a] = char(s.subordinateBus);
    } else {
        put16(0x2c, s.subVendor);
        put16(0x2e, s.subDevice);
    }
    c[0x3c] = char(s.irq & 0xff);
    c[0x3d] = char(s.isBridge() || s.isVirtualFunction() ? 0 : 1);
    return c;
}

bool SimHostLayout::writeDevice(const SimDeviceSpec &s) const
{
    const QString &p = s.sysPath;
    if (!makeDir(p))
        return false;
    const QString d = p + u'/';
    bool ok = true;
    auto w = [&](const char *name, const QByteArray &v) { ok = writeFile(d + QLatin1String(name), v) && ok; };
    w("vendor", hex(s.vendor, 4));
    w("device", hex(s.device, 4));
    w("subsystem_vendor", hex(s.subVendor, 4));
    w("subsystem_device", hex(s.subDevice, 4));
    w("class", hex(s.classId, 6));
    w("revision", hex(s.revision, 2));
    w("irq", QByteArray::number(s.irq) + '\n');
    w("numa_node", QByteArray::number(s.numaNode) + '\n');
    QByteArray res;
    for (int i = 0; i < 13; ++i)
        res += "0x0000000000000000 0x0000000000000000 0x0000000000000000\n";
    w("resource", res);
    w("enable", s.driver.isEmpty() ? "0\n" : "1\n");
    auto up = [](int v, int digits) { return QByteArray::number(v, 16).toUpper().rightJustified(digits, '0'); };
    const QByteArray modalias = "pci:v" + up(s.vendor, 8) + 'd' + up(s.device, 8) + "sv" + up(s.subVendor, 8) + "sd"
                                + up(s.subDevice, 8) + "bc" + up((s.classId >> 16) & 0xff, 2) + "sc"
                                + up((s.classId >> 8) & 0xff, 2) + 'i' + up(s.classId & 0xff, 2);
    w("modalias", modalias + '\n');
    const QByteArray ids = QStringLiteral("PCI_CLASS=%1\nPCI_ID=%2:%3\nPCI_SUBSYS_ID=%4:%5\n")
        .arg(s.classId, 0, 16).arg(s.vendor, 4, 16, QLatin1Char('0')).arg(s.device, 4, 16, QLatin1Char('0'))
        .arg(s.subVendor, 4, 16, QLatin1Char('0')).arg(s.subDevice, 4, 16, QLatin1Char('0')).toUpper().toLatin1();
    w("uevent", ids + "PCI_SLOT_NAME=" + s.address.toLatin1() + "\nMODALIAS=" + modalias + '\n');
    w("local_cpulist", "0-7\n");
    w("config", configSpace(s));
    w("driver_override", "(null)\n");
    w("d3cold_allowed", "1\n");
    w("msi_bus", "1\n");
    w("remove", {});
    w("rescan", {});
    if (!s.resetMethods.isEmpty()) {
        w("reset_method", s.resetMethods.join(u' ').toLatin1() + '\n');
        w("reset", {});
    }
    if (s.isVga())
        w("boot_vga", s.bootVga ? "1\n" : "0\n");
    if (s.isBridge()) {
        w("secondary_bus_number", QByteArray::number(s.secondaryBus) + '\n');
        w("subordinate_bus_number", QByteArray::number(s.subordinateBus) + '\n');
    }
    if (s.hasSriov) {
        w("sriov_totalvfs", QByteArray::number(s.sriov.totalVfs) + '\n');
        w("sriov_numvfs", "0\n");
        w("sriov_offset", QByteArray::number(s.sriov.offset) + '\n');
        w("sriov_stride", QByteArray::number(s.sriov.stride) + '\n');
        // the kernel prints "%x" here (QEMU's nvme VF reads "10"), unlike vendor/device ("0x0010")
        w("sriov_vf_device", QByteArray::number(s.sriov.vfDevice, 16) + '\n');
        w("sriov_drivers_autoprobe", s.sriov.autoprobe ? "1\n" : "0\n");
    }
    ok = symlink(d + QLatin1String("subsystem"), QStringLiteral("sys/bus/pci")) && ok;
    ok = symlink(QStringLiteral("sys/bus/pci/devices/") + s.address, p) && ok;
    if (s.isVirtualFunction()) {
        const QString pfPath = p.left(p.lastIndexOf(u'/') + 1) + s.physfn;
        ok = symlink(d + QLatin1String("physfn"), pfPath) && ok;
        ok = symlink(pfPath + QLatin1String("/virtfn") + QString::number(s.vfIndex), p) && ok;
    }
    if (s.iommuGroup >= 0)
        ok = addToGroup(s) && ok;
    return ok;
}

bool SimHostLayout::addToGroup(const SimDeviceSpec &s) const
{
    const QString g = QStringLiteral("sys/kernel/iommu_groups/") + QString::number(s.iommuGroup);
    bool ok = true;
    if (!exists(g)) {
        ok = makeDir(g + QLatin1String("/devices"));
        ok = writeFile(g + QLatin1String("/type"), "DMA\n") && ok;
        ok = writeFile(g + QLatin1String("/reserved_regions"), "0x00000000fee00000 0x00000000feefffff msi\n") && ok;
    }
    ok = symlink(g + QLatin1String("/devices/") + s.address, s.sysPath) && ok;
    return symlink(s.sysPath + QLatin1String("/iommu_group"), g) && ok;
}

bool SimHostLayout::ensureDriver(const QString &driver) const
{
    const QString d = QStringLiteral("sys/bus/pci/drivers/") + driver;
    if (exists(d))
        return true;
    QString module = driver;
    module.replace(u'-', u'_');
    bool ok = makeDir(d) && makeDir(QStringLiteral("sys/module/") + module);
    for (const char *f : {"bind", "unbind", "new_id", "remove_id", "uevent"})
        ok = writeFile(d + u'/' + QLatin1String(f), {}) && ok;
    ok = writeFile(QStringLiteral("sys/module/") + module + QLatin1String("/initstate"), "live\n") && ok;
    return symlink(d + QLatin1String("/module"), QStringLiteral("sys/module/") + module) && ok;
}

bool SimHostLayout::bindDriver(const QString &sysPath, const QString &address, const QString &driver) const
{
    const QString d = QStringLiteral("sys/bus/pci/drivers/") + driver;
    bool ok = symlink(sysPath + QLatin1String("/driver"), d);
    ok = symlink(d + u'/' + address, sysPath) && ok;
    return writeFile(sysPath + QLatin1String("/enable"), "1\n") && ok;
}

bool SimHostLayout::unbindDriver(const QString &sysPath, const QString &address, const QString &driver) const
{
    bool ok = remove(sysPath + QLatin1String("/driver"));
    ok = remove(QStringLiteral("sys/bus/pci/drivers/") + driver + u'/' + address) && ok;
    return writeFile(sysPath + QLatin1String("/enable"), "0\n") && ok;
}

bool SimHostLayout::attachDriverChildren(const SimDeviceSpec &s, bool restoreOperstate) const
{
    const QString d = s.sysPath + u'/';
    bool ok = true;
    int index = 0;
    for (const SimNetSpec &n : s.net) {
        const QString dir = d + QLatin1String("net/") + n.name;
        ok = makeDir(dir) && ok;
        const QString operstate = restoreOperstate ? QStringLiteral("down") : n.operstate;
        ok = writeFile(dir + QLatin1String("/operstate"), operstate.toLatin1() + '\n') && ok;
        // IFF_BROADCAST | IFF_MULTICAST, plus IFF_UP when up: what an Ethernet driver's netdev shows
        ok = writeFile(dir + QLatin1String("/flags"), operstate == QLatin1String("up") ? "0x1003\n" : "0x1002\n") && ok;
        ok = writeFile(dir + QLatin1String("/address"), n.mac.isEmpty() ? macFor(s.address, index) : n.mac.toLatin1() + '\n') && ok;
        ok = writeFile(dir + QLatin1String("/mtu"), "1500\n") && ok;
        ok = writeFile(dir + QLatin1String("/ifindex"), QByteArray::number(qHash(n.name) % 10000 + 2) + '\n') && ok;
        ok = symlink(dir + QLatin1String("/device"), s.sysPath) && ok;
        ok = symlink(QStringLiteral("sys/class/net/") + n.name, dir) && ok;
        ++index;
    }
    for (const QString &card : s.drm) {
        const QString dir = d + QLatin1String("drm/") + card;
        ok = makeDir(dir) && ok;
        QString digits;
        for (QChar c : card)
            if (c.isDigit())
                digits += c;
        ok = writeFile(dir + QLatin1String("/dev"), "226:" + digits.toLatin1() + '\n') && ok;
        ok = symlink(dir + QLatin1String("/device"), s.sysPath) && ok;
        ok = symlink(QStringLiteral("sys/class/drm/") + card, dir) && ok;
    }
    if (!s.nvmeController.isEmpty()) {
        const QString ctrl = d + QLatin1String("nvme/") + s.nvmeController;
        ok = makeDir(ctrl) && ok;
        ok = writeFile(ctrl + QLatin1String("/state"), "live\n") && ok;
        ok = writeFile(ctrl + QLatin1String("/model"), "Simulated NVMe SSD\n") && ok;
        ok = writeFile(ctrl + QLatin1String("/serial"), "SIM" + s.address.toLatin1().replace(':', "").replace('.', "") + '\n') && ok;
        ok = symlink(ctrl + QLatin1String("/device"), s.sysPath) && ok;
        ok = symlink(QStringLiteral("sys/class/nvme/") + s.nvmeController, ctrl) && ok;
        for (const QString &ns : s.nvmeNamespaces) {
            const QString nsDir = ctrl + u'/' + ns;
            ok = makeDir(nsDir) && ok;
            ok = writeFile(nsDir + QLatin1String("/size"), "3907029168\n") && ok;
            ok = symlink(QStringLiteral("sys/block/") + ns, nsDir) && ok;
            ok = symlink(QStringLiteral("sys/class/block/") + ns, nsDir) && ok;
            for (int p = 1; p <= s.nvmePartitions; ++p) {
                const QString part = ns + u'p' + QString::number(p);
                ok = makeDir(nsDir + u'/' + part) && ok;
                ok = writeFile(nsDir + u'/' + part + QLatin1String("/partition"), QByteArray::number(p) + '\n') && ok;
                ok = symlink(QStringLiteral("sys/class/block/") + part, nsDir + u'/' + part) && ok;
            }
        }
    }
    for (const QString &b : s.block) {
        const QString dir = d + QLatin1String("block/") + b;
        ok = makeDir(dir) && ok;
        ok = writeFile(dir + QLatin1String("/size"), "1953525168\n") && ok;
        ok = symlink(QStringLiteral("sys/block/") + b, dir) && ok;
        ok = symlink(QStringLiteral("sys/class/block/") + b, dir) && ok;
    }
    return ok;
}

bool SimHostLayout::detachDriverChildren(const QString &sysPath) const
{
    // Class links first: they are found through the device's own entries.
    bool ok = true;
    const QString base = QString::fromLocal8Bit(abs(sysPath));
    auto dropClassLinks = [&](const QString &sub, const QStringList &classDirs) {
        const QStringList names = QDir(base + u'/' + sub).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
        for (const QString &n : names)
            for (const QString &c : classDirs)
                ok = remove(c + u'/' + n) && ok;
        return names;
    };
    dropClassLinks(QStringLiteral("net"), {QStringLiteral("sys/class/net")});
    dropClassLinks(QStringLiteral("drm"), {QStringLiteral("sys/class/drm")});
    dropClassLinks(QStringLiteral("block"), {QStringLiteral("sys/block"), QStringLiteral("sys/class/block")});
    const QStringList ctrls = dropClassLinks(QStringLiteral("nvme"), {QStringLiteral("sys/class/nvme")});
    for (const QString &c : ctrls) {
        const QDir cd(base + QLatin1String("/nvme/") + c);
        for (const QString &ns : cd.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
            ok = remove(QStringLiteral("sys/block/") + ns) && ok;
            ok = remove(QStringLiteral("sys/class/block/") + ns) && ok;
            for (const QString &part : QDir(cd.filePath(ns)).entryList(QDir::Dirs | QDir::NoDotAndDotDot))
                ok = remove(QStringLiteral("sys/class/block/") + part) && ok;
        }
    }
    for (const char *sub : {"net", "drm", "nvme", "block"})
        ok = removeTree(sysPath + u'/' + QLatin1String(sub)) && ok;
    return ok;
}

} // namespace passdeck
