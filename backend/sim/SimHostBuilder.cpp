#include "sim/SimHostBuilder.h"

#include "node/host/RootedFile.h"
#include "sim/SimHostLayout.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QSet>

#include <cerrno>
#include <cstdio>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace passdeck {

namespace {
QString tr(const char *s)
{
    return QCoreApplication::translate("SimHostBuilder", s);
}

Error writeError(const QString &dir, const QString &why)
{
    return Error::make(ErrorCode::SimBuildFailed, tr("Cannot build the simulated node in %1").arg(dir), why,
                       tr("Check that the directory is writable and the disk is not full."));
}
} // namespace

bool SimHostBuilder::isSimulatedRoot(const QString &dir)
{
    // .passdeck-sim/description.json itself, not through a link (a link could make any tree,
    // or this machine's, look simulated); its type is checked when it is read.
    if (dir.isEmpty())
        return false;
    const int fd = RootedFile::open(dir, QStringLiteral(".passdeck-sim/description.json"), O_PATH | O_NOFOLLOW, 0,
                                    RootedFile::NoSymlinks);
    if (fd < 0)
        return false;
    struct stat st;
    const bool ok = ::fstat(fd, &st) == 0 && !S_ISLNK(st.st_mode);
    ::close(fd);
    return ok;
}

Result<int> SimHostBuilder::writeTree(const SimHostDescription &desc, const QJsonObject &json, const QString &dir,
                                      const SimBootOptions &boot)
{
    const SimHostLayout l(dir);
    bool ok = true;
    for (const char *d : {"sys/devices", "sys/bus/pci/devices", "sys/bus/pci/drivers", "sys/kernel/iommu_groups",
                          "sys/class/net", "sys/class/drm", "sys/class/nvme", "sys/class/block", "sys/block",
                          "sys/module", "proc", "dev", ".passdeck-sim"})
        ok = l.makeDir(QLatin1String(d)) && ok;
    ok = l.writeFile(QStringLiteral("sys/bus/pci/drivers_probe"), {}) && ok;
    ok = l.writeFile(QStringLiteral("sys/bus/pci/drivers_autoprobe"), "1\n") && ok;
    ok = l.writeFile(QStringLiteral("sys/bus/pci/rescan"), {}) && ok;
    ok = l.writeFile(QStringLiteral("sys/bus/pci/resource_alignment"), "\n") && ok;
    if (!ok)
        return writeError(dir, tr("creating the sysfs skeleton failed: %1").arg(QString::fromLocal8Bit(strerror(errno))));

    const bool vfio = desc.vfioLoaded || boot.loadVfioPci;
    QSet<QString> drivers(desc.extraDrivers.cbegin(), desc.extraDrivers.cend());
    for (const SimDeviceSpec &s : desc.devices) {
        for (const QString &d : {s.driver, s.nativeDriver, s.sriov.vfDriver})
            if (!d.isEmpty())
                drivers.insert(d);
        if (s.driver == QLatin1String("vfio-pci") && !vfio)
            return Error::make(ErrorCode::BadDescription, tr("Invalid simulated device %1").arg(s.address),
                               tr("field \"driver\": vfio-pci is not loaded on this node"),
                               tr("Set \"vfio_pci_loaded\": true or choose another driver."));
    }
    if (vfio)
        drivers.insert(QStringLiteral("vfio-pci"));
    else
        drivers.remove(QStringLiteral("vfio-pci"));
    for (const QString &d : std::as_const(drivers))
        ok = l.ensureDriver(d) && ok;
    if (vfio) {
        ok = l.makeDir(QStringLiteral("sys/module/vfio")) && l.makeDir(QStringLiteral("sys/module/vfio_iommu_type1"))
             && l.makeDir(QStringLiteral("dev/vfio")) && l.writeFile(QStringLiteral("dev/vfio/vfio"), {}) && ok;
    }

    QSet<int> vfioGroups;
    auto bootBind = [&](const SimDeviceSpec &s, const QString &declared) {
        QString driver = declared;
        const auto ov = boot.overrides.constFind(s.address);
        QString override = declared == QLatin1String("vfio-pci") ? declared : QString();
        if (ov != boot.overrides.cend()) {
            override = *ov;
            driver = *ov;
        }
        if (!override.isEmpty())
            ok = l.writeFile(s.sysPath + QLatin1String("/driver_override"), override.toLatin1() + '\n') && ok;
        if (driver.isEmpty() || !drivers.contains(driver))
            return;
        ok = l.bindDriver(s.sysPath, s.address, driver) && ok;
        if (driver == QLatin1String("vfio-pci")) {
            if (s.iommuGroup >= 0)
                vfioGroups.insert(s.iommuGroup);
        } else if (driver == s.nativeDriver) {
            ok = l.attachDriverChildren(s, false) && ok;
        }
    };
    for (const SimDeviceSpec &s : desc.devices) {
        ok = l.writeDevice(s) && ok;
        bootBind(s, s.driver);
        if (!ok)
            return writeError(dir, tr("writing device %1 failed: %2").arg(s.address, QString::fromLocal8Bit(strerror(errno))));
    }
    // VFs enabled at boot come after every described device, so their group numbers follow.
    int nextGroup = desc.maxGroup + 1;
    for (const SimDeviceSpec &pf : desc.devices) {
        if (!pf.hasSriov || pf.sriov.numVfs == 0)
            continue;
        for (int i = 0; i < pf.sriov.numVfs; ++i) {
            SimDeviceSpec vf = SimHostDescription::virtualFunction(pf, i);
            vf.iommuGroup = desc.iommu ? nextGroup++ : -1;
            ok = l.writeDevice(vf) && ok;
            const bool probe = pf.sriov.autoprobe || boot.overrides.contains(vf.address);
            bootBind(vf, probe ? vf.nativeDriver : QString());
        }
        ok = l.writeFile(pf.sysPath + QLatin1String("/sriov_numvfs"), QByteArray::number(pf.sriov.numVfs) + '\n') && ok;
    }
    for (int g : std::as_const(vfioGroups))
        ok = l.writeFile(QStringLiteral("dev/vfio/") + QString::number(g), {}) && ok;

    // Always there on Linux; the impact check refuses to guess when either is missing.
    ok = l.writeFile(QStringLiteral("proc/swaps"), "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n") && ok;
    QByteArray mounts = "sysfs /sys sysfs rw,nosuid,nodev,noexec,relatime 0 0\n"
                        "proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0\n";
    for (const QString &m : desc.mounts)
        mounts += m.toLocal8Bit() + '\n';
    ok = l.writeFile(QStringLiteral("proc/mounts"), mounts) && ok;
    ok = l.writeFile(QStringLiteral("proc/cmdline"), desc.cmdline.toLocal8Bit() + '\n') && ok;
    // The host's identity, as systemd writes it: a random 128-bit id in hex. Passdeck tells
    // hosts apart by it (one host is never two nodes, docs/store.md).
    {
        QByteArray id(16, '\0');
        QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(id.data()), 4);
        ok = l.makeDir(QStringLiteral("etc")) && l.writeFile(QStringLiteral("etc/machine-id"), id.toHex() + '\n') && ok;
    }
    ok = l.writeFile(QStringLiteral(".passdeck-sim/description.json"), QJsonDocument(json).toJson(QJsonDocument::Compact)) && ok;
    ok = l.writeFile(QStringLiteral(".passdeck-sim/state.json"),
                     QJsonDocument(QJsonObject{{QStringLiteral("next_group"), nextGroup}}).toJson(QJsonDocument::Compact)) && ok;
    ok = l.writeFile(QStringLiteral(".passdeck-sim/README"),
                     "This directory is a Passdeck simulated host root (node \"" + desc.node.toUtf8()
                         + "\").\nRebuild it with: passdeck-cli sim build DIR --description FILE --force\n") && ok;
    if (!ok)
        return writeError(dir, QString::fromLocal8Bit(strerror(errno)));
    return nextGroup;
}

namespace {

bool writeLibvirtFile(const SimHostDescription &desc, const QString &dir)
{
    const QString path = dir + u'/' + SimDomains::relativePath();
    if (!QDir().mkpath(QFileInfo(path).absolutePath()))
        return false;
    QFile file(path);
    const QByteArray xml = SimDomains::testDriverXml(desc.domains);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(xml) == xml.size();
}

} // namespace

Status SimHostBuilder::build(const QJsonObject &json, const QString &rootDir, const Options &options)
{
    Result<SimHostDescription> desc = SimHostDescription::fromJson(json);
    if (!desc)
        return desc.error();
    const QString root = QDir::cleanPath(QDir(rootDir).absolutePath());
    const QFileInfo info(root);
    if (rootDir.isEmpty() || root == QLatin1String("/") || info.canonicalFilePath() == QLatin1String("/"))
        return Error::make(ErrorCode::SimRefused, tr("Refusing to build a simulated node in %1").arg(root),
                           tr("that is the real root of this machine"), tr("Choose an empty directory."));
    const bool existed = info.exists();
    bool replacing = false;
    if (existed) {
        if (!info.isDir())
            return Error::make(ErrorCode::SimRefused, tr("Refusing to build a simulated node in %1").arg(root),
                               tr("it exists and is not a directory"), tr("Choose an empty directory."));
        const bool empty = QDir(root).isEmpty(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System);
        if (!empty) {
            if (!isSimulatedRoot(root))
                return Error::make(ErrorCode::SimRefused, tr("Refusing to build a simulated node in %1").arg(root),
                                   tr("the directory is not empty and is not a simulated node"),
                                   tr("Choose an empty or new directory."));
            if (!options.force)
                return Error::make(ErrorCode::SimExists, tr("%1 is already a simulated node").arg(root),
                                   tr("building again would replace it"), tr("Pass --force to replace it."));
            replacing = true;
        }
    }
    const QString parent = info.absolutePath();
    if (!QDir().mkpath(parent))
        return writeError(root, tr("cannot create %1").arg(parent));
    const QString tmp = parent + QLatin1String("/.") + info.fileName() + QLatin1String(".building-")
                        + QString::number(::getpid());
    QDir(tmp).removeRecursively();
    if (!QDir().mkpath(tmp))
        return writeError(root, tr("cannot create %1").arg(tmp));
    Result<int> written = writeTree(*desc, json, tmp);
    if (!written) {
        QDir(tmp).removeRecursively();
        return written.error();
    }
    // The node's libvirt (docs/libvirt.md): written once here, never by a reboot (which keeps etc/).
    if (!writeLibvirtFile(*desc, tmp)) {
        QDir(tmp).removeRecursively();
        return writeError(root, tr("cannot write %1").arg(SimDomains::relativePath()));
    }
    const QString old = parent + QLatin1String("/.") + info.fileName() + QLatin1String(".old-") + QString::number(::getpid());
    if (replacing) {
        // Rebuilt, it is still the same host: it keeps its machine id.
        const QString id = root + QLatin1String("/etc/machine-id");
        if (QFileInfo(id).isFile() && QFileInfo(id).size() <= 64) {
            QFile::remove(tmp + QLatin1String("/etc/machine-id"));
            QFile::copy(id, tmp + QLatin1String("/etc/machine-id"));
        }
        if (std::rename(QFile::encodeName(root).constData(), QFile::encodeName(old).constData()) != 0) {
            QDir(tmp).removeRecursively();
            return writeError(root, tr("cannot move the old tree aside: %1").arg(QString::fromLocal8Bit(strerror(errno))));
        }
    } else if (existed) {
        ::rmdir(QFile::encodeName(root).constData());
    }
    if (std::rename(QFile::encodeName(tmp).constData(), QFile::encodeName(root).constData()) != 0) {
        const QString why = QString::fromLocal8Bit(strerror(errno));
        QDir(tmp).removeRecursively();
        if (replacing)
            std::rename(QFile::encodeName(old).constData(), QFile::encodeName(root).constData());
        else if (existed)
            QDir().mkpath(root);
        return writeError(root, tr("cannot move the new tree into place: %1").arg(why));
    }
    if (replacing)
        QDir(old).removeRecursively();
    return {};
}

Status SimHostBuilder::buildFromFile(const QString &descriptionPath, const QString &rootDir, const Options &options)
{
    Result<QJsonObject> json = SimHostDescription::readJsonFile(descriptionPath);
    if (!json)
        return json.error();
    return build(*json, rootDir, options);
}

} // namespace passdeck
