#include "sim/SimHostLayout.h"

#include "node/host/RootedFile.h"
#include "sim/SimLinkSpec.h"

#include <QFile>

#include <cerrno>
#include <cstring>
#include <dirent.h>
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

unsigned SimHostLayout::resolveFor(const QString &relative) const
{
    // sysfs is made of links (bus/pci/devices/X -> ../../../devices/...); nothing else in a
    // simulated root is.
    return relative.startsWith(QLatin1String("sys/")) ? RootedFile::InRoot : RootedFile::NoSymlinks;
}

int SimHostLayout::openParent(const QString &relative, QByteArray *leaf) const
{
    const int rootFd = RootedFile::openRoot(m_root);
    if (rootFd < 0)
        return rootFd;
    const int fd = RootedFile::openParentAt(rootFd, QFile::encodeName(relative), leaf, resolveFor(relative));
    ::close(rootFd);
    return fd;
}

namespace {
// Runs fn(parentFd, leaf) on the directory holding relative; false (errno set) when it cannot be opened.
template<typename Fn>
bool atParent(int parent, const QByteArray &leaf, Fn fn)
{
    if (parent < 0) {
        errno = -parent;
        return false;
    }
    const bool ok = fn(parent, leaf.constData());
    const int saved = errno;
    ::close(parent);
    errno = saved;
    return ok;
}

bool removeTreeAt(int parent, const char *name)
{
    struct stat st;
    if (::fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
        return errno == ENOENT;
    if (!S_ISDIR(st.st_mode))
        return ::unlinkat(parent, name, 0) == 0 || errno == ENOENT;
    const int fd = ::openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return false;
    DIR *dir = ::fdopendir(fd);
    if (!dir) {
        ::close(fd);
        return false;
    }
    QList<QByteArray> names;
    while (const dirent *e = ::readdir(dir))
        if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0)
            names.append(QByteArray(e->d_name));
    bool ok = true;
    for (const QByteArray &n : std::as_const(names))
        ok = removeTreeAt(::dirfd(dir), n.constData()) && ok;
    ::closedir(dir);
    return ::unlinkat(parent, name, AT_REMOVEDIR) == 0 && ok;
}
} // namespace

bool SimHostLayout::writeFile(const QString &relative, const QByteArray &content) const
{
    const int rootFd = RootedFile::openRoot(m_root);
    if (rootFd < 0) {
        errno = -rootFd;
        return false;
    }
    const int fd = RootedFile::openAt(rootFd, QFile::encodeName(relative),
                                      O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_NONBLOCK, 0644, resolveFor(relative));
    ::close(rootFd);
    if (fd < 0) {
        errno = -fd;
        return false;
    }
    struct stat st;
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        errno = RootedFile::notRegularErrno();
        return false;
    }
    const bool ok = ::write(fd, content.constData(), size_t(content.size())) == content.size();
    const int saved = errno;
    const bool closed = ::close(fd) == 0;
    if (!ok)
        errno = saved;
    return closed && ok;
}

bool SimHostLayout::makeDir(const QString &relative) const
{
    QByteArray leaf;
    int parent = openParent(relative, &leaf);
    if (parent == -ENOENT) {
        const qsizetype slash = relative.lastIndexOf(u'/');
        if (slash <= 0 || !makeDir(relative.left(slash)))
            return false;
        parent = openParent(relative, &leaf);
    }
    return atParent(parent, leaf, [](int dir, const char *name) {
        if (::mkdirat(dir, name, 0755) == 0)
            return true;
        struct stat st;
        return errno == EEXIST && ::fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
    });
}

bool SimHostLayout::symlink(const QString &link, const QString &target) const
{
    const QString dir = link.left(link.lastIndexOf(u'/'));
    const QByteArray text = relativeTo(dir, target).toLocal8Bit();
    QByteArray leaf;
    return atParent(openParent(link, &leaf), leaf, [&text](int d, const char *name) {
        ::unlinkat(d, name, 0);
        return ::symlinkat(text.constData(), d, name) == 0;
    });
}

bool SimHostLayout::remove(const QString &relative) const
{
    QByteArray leaf;
    const int parent = openParent(relative, &leaf);
    if (parent == -ENOENT)
        return true;
    return atParent(parent, leaf, [](int d, const char *name) { return ::unlinkat(d, name, 0) == 0 || errno == ENOENT; });
}

bool SimHostLayout::removeTree(const QString &relative) const
{
    QByteArray leaf;
    const int parent = openParent(relative, &leaf);
    if (parent == -ENOENT)
        return true;
    return atParent(parent, leaf, [](int d, const char *name) { return removeTreeAt(d, name); });
}

bool SimHostLayout::exists(const QString &relative) const
{
    QByteArray leaf;
    return atParent(openParent(relative, &leaf), leaf, [](int d, const char *name) {
        struct stat st;
        return ::fstatat(d, name, &st, AT_SYMLINK_NOFOLLOW) == 0;
    });
}

QString SimHostLayout::readLink(const QString &relative) const
{
    QByteArray leaf;
    char buf[4096];
    ssize_t n = -1;
    atParent(openParent(relative, &leaf), leaf, [&](int d, const char *name) {
        n = ::readlinkat(d, name, buf, sizeof buf);
        return n > 0;
    });
    return n <= 0 ? QString() : QString::fromLocal8Bit(buf, n);
}

QString SimHostLayout::linkName(const QString &relative) const
{
    const QString l = readLink(relative);
    return l.mid(l.lastIndexOf(u'/') + 1);
}

int SimHostLayout::readFileChecked(const QString &relative, qint64 cap, QByteArray *out) const
{
    out->clear();
    const int rootFd = RootedFile::openRoot(m_root);
    if (rootFd < 0)
        return -rootFd;
    const int fd = RootedFile::openAt(rootFd, QFile::encodeName(relative), O_RDONLY | O_NONBLOCK | O_NOFOLLOW, 0,
                                      resolveFor(relative));
    ::close(rootFd);
    if (fd < 0)
        return -fd;
    const int err = RootedFile::readFd(fd, cap, out);
    ::close(fd);
    return err;
}

QByteArray SimHostLayout::readFile(const QString &relative, qint64 cap) const
{
    QByteArray out;
    return readFileChecked(relative, cap, &out) == 0 ? out : QByteArray();
}

QStringList SimHostLayout::list(const QString &directory) const
{
    QStringList names;
    QString relative = directory; // "sys/bus/pci/devices/" names the directory too
    while (relative.endsWith(u'/'))
        relative.chop(1);
    const int rootFd = RootedFile::openRoot(m_root);
    if (rootFd < 0)
        return names;
    const int fd = RootedFile::openAt(rootFd, QFile::encodeName(relative), O_RDONLY | O_DIRECTORY, 0, resolveFor(relative));
    ::close(rootFd);
    if (fd < 0)
        return names;
    DIR *dir = ::fdopendir(fd);
    if (!dir) {
        ::close(fd);
        return names;
    }
    while (const dirent *e = ::readdir(dir))
        if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0)
            names.append(QFile::decodeName(e->d_name));
    ::closedir(dir);
    names.sort();
    return names;
}

bool SimHostLayout::isDir(const QString &relative) const
{
    const int rootFd = RootedFile::openRoot(m_root);
    if (rootFd < 0)
        return false;
    const int fd = RootedFile::openAt(rootFd, QFile::encodeName(relative), O_PATH, 0, resolveFor(relative));
    ::close(rootFd);
    if (fd < 0)
        return false;
    struct stat st;
    const bool dir = ::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode);
    ::close(fd);
    return dir;
}

bool SimHostLayout::rename(const QString &from, const QString &to) const
{
    QByteArray fromLeaf, toLeaf;
    const int fromDir = openParent(from, &fromLeaf);
    const int toDir = openParent(to, &toLeaf);
    const bool ok = fromDir >= 0 && toDir >= 0
                    && ::renameat(fromDir, fromLeaf.constData(), toDir, toLeaf.constData()) == 0;
    const int saved = errno;
    if (fromDir >= 0)
        ::close(fromDir);
    if (toDir >= 0)
        ::close(toDir);
    errno = saved;
    return ok;
}

QByteArray SimHostLayout::configSpace(const SimDeviceSpec &s)
{
    // A PCIe device (a link or ACS described) has the 4096-byte space the kernel shows root.
    QByteArray c(s.isExpress() ? 4096 : 256, '\0');
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
    if (s.isExpress())
        writeSimExtendedConfig(s, c);
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
    if (!s.linkSpeed.isEmpty()) {
        w("current_link_speed", s.linkSpeed.toLatin1() + '\n');
        w("max_link_speed", s.maxLinkSpeed.toLatin1() + '\n');
        w("current_link_width", QByteArray::number(s.linkWidth) + '\n');
        w("max_link_width", QByteArray::number(s.maxLinkWidth) + '\n');
    }
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
    auto dropClassLinks = [&](const QString &sub, const QStringList &classDirs) {
        QStringList names;
        for (const QString &n : list(sysPath + u'/' + sub))
            if (isDir(sysPath + u'/' + sub + u'/' + n))
                names.append(n);
        for (const QString &n : std::as_const(names))
            for (const QString &c : classDirs)
                ok = remove(c + u'/' + n) && ok;
        return names;
    };
    dropClassLinks(QStringLiteral("net"), {QStringLiteral("sys/class/net")});
    dropClassLinks(QStringLiteral("drm"), {QStringLiteral("sys/class/drm")});
    dropClassLinks(QStringLiteral("block"), {QStringLiteral("sys/block"), QStringLiteral("sys/class/block")});
    const QStringList ctrls = dropClassLinks(QStringLiteral("nvme"), {QStringLiteral("sys/class/nvme")});
    for (const QString &c : ctrls) {
        const QString cd = sysPath + QLatin1String("/nvme/") + c;
        for (const QString &ns : list(cd)) {
            if (!isDir(cd + u'/' + ns))
                continue;
            ok = remove(QStringLiteral("sys/block/") + ns) && ok;
            ok = remove(QStringLiteral("sys/class/block/") + ns) && ok;
            for (const QString &part : list(cd + u'/' + ns))
                if (isDir(cd + u'/' + ns + u'/' + part))
                    ok = remove(QStringLiteral("sys/class/block/") + part) && ok;
        }
    }
    for (const char *sub : {"net", "drm", "nvme", "block"})
        ok = removeTree(sysPath + u'/' + QLatin1String(sub)) && ok;
    return ok;
}

} // namespace passdeck
