#include "PersistentConfig.h"

#include "PciAddress.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSaveFile>

namespace passdeck {

namespace {
QString tr(const char *s)
{
    return QCoreApplication::translate("PersistentConfig", s);
}

const char kHeader[] =
    "# Written by Passdeck: devices bound at boot to the driver named here instead of their host\n"
    "# driver (udev sets driver_override when the device appears, as driverctl does).\n"
    "# Undo: `passdeck-cli --host-root / unbind ADDRESS --next-boot` (or remove the line) and reboot.\n"
    "# Do not edit by hand: Passdeck refuses a file with lines it did not write.\n";

Status saveFile(const QString &path, const QByteArray &content)
{
    if (!QDir().mkpath(QFileInfo(path).absolutePath()))
        return Error::make(QStringLiteral("persist-failed"), tr("Cannot write %1").arg(path),
                           tr("cannot create its directory"), tr("Check permissions (root is needed on a real host)."));
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(content) != content.size() || !f.commit())
        return Error::make(QStringLiteral("persist-failed"), tr("Cannot write %1").arg(path), f.errorString(),
                           tr("Check permissions (root is needed on a real host) and free space."));
    return {};
}
} // namespace

PersistentConfig::PersistentConfig(const HostRoot &root) : m_root(root) {}

Result<QMap<QString, QString>> PersistentConfig::overrides() const
{
    QMap<QString, QString> out;
    const QString path = m_root.path(rulesRelativePath());
    QFile f(path);
    if (!f.exists())
        return out;
    if (!f.open(QIODevice::ReadOnly))
        return Error::make(QStringLiteral("persist-unreadable"), tr("Cannot read %1").arg(path), f.errorString(),
                           tr("Check permissions."));
    static const QRegularExpression rule(QString::fromLatin1(
        R"re(^ACTION=="add", SUBSYSTEM=="pci", KERNEL=="([^"]*)", ATTR\{driver_override\}="([^"]*)"$)re"));
    int lineNo = 0;
    const QList<QByteArray> lines = f.readAll().split('\n');
    for (const QByteArray &raw : lines) {
        ++lineNo;
        const QString line = QString::fromUtf8(raw).trimmed();
        if (line.isEmpty() || line.startsWith(u'#'))
            continue;
        const QRegularExpressionMatch m = rule.match(line);
        QString why;
        if (!m.hasMatch())
            why = tr("line %1 is not a rule Passdeck writes: %2").arg(lineNo).arg(line.left(120));
        else if (!PciAddress::isValid(m.captured(1)))
            why = tr("line %1 names an invalid PCI address \"%2\"").arg(lineNo).arg(m.captured(1).left(64));
        else if (!isValidDriverName(m.captured(2)))
            why = tr("line %1 names an invalid driver \"%2\"").arg(lineNo).arg(m.captured(2).left(64));
        else if (out.contains(m.captured(1)))
            why = tr("line %1 repeats device %2").arg(lineNo).arg(m.captured(1));
        if (!why.isEmpty()) {
            Error e = Error::make(QStringLiteral("persist-malformed"), tr("Cannot read the persistent bindings in %1").arg(path),
                                  why, tr("Remove or fix that line, then try again."));
            e.step = path;
            return e;
        }
        out.insert(m.captured(1), m.captured(2));
    }
    return out;
}

Status PersistentConfig::setOverride(const QString &address, const QString &driver)
{
    if (!PciAddress::isValid(address))
        return PciAddress::parse(address).error();
    if (!isValidDriverName(driver))
        return Error::make(QStringLiteral("bad-driver"), tr("Cannot make %1 bind to \"%2\" at boot").arg(address, driver.left(64)),
                           tr("that is not a valid driver name"), tr("Use a kernel driver name such as vfio-pci."));
    Result<QMap<QString, QString>> current = overrides();
    if (!current)
        return current.error();
    QMap<QString, QString> map = *current;
    map.insert(address, driver);
    return write(map);
}

Status PersistentConfig::clearOverride(const QString &address)
{
    if (!PciAddress::isValid(address))
        return PciAddress::parse(address).error();
    Result<QMap<QString, QString>> current = overrides();
    if (!current)
        return current.error();
    QMap<QString, QString> map = *current;
    if (!map.remove(address))
        return {};
    return write(map);
}

Status PersistentConfig::update(const QMap<QString, QString> &set, const QStringList &clear)
{
    for (auto it = set.cbegin(); it != set.cend(); ++it) {
        if (!PciAddress::isValid(it.key()))
            return PciAddress::parse(it.key()).error();
        if (!isValidDriverName(it.value()))
            return Error::make(QStringLiteral("bad-driver"), tr("Cannot make %1 bind to \"%2\" at boot").arg(it.key(), it.value().left(64)),
                               tr("that is not a valid driver name"), tr("Use a kernel driver name such as vfio-pci."));
    }
    for (const QString &address : clear)
        if (!PciAddress::isValid(address))
            return PciAddress::parse(address).error();
    Result<QMap<QString, QString>> current = overrides();
    if (!current)
        return current.error();
    QMap<QString, QString> map = *current;
    for (const QString &address : clear)
        map.remove(address);
    map.insert(set);
    if (map == *current)
        return {}; // nothing to change: no rewrite (and no fsync)
    return write(map);
}

Status PersistentConfig::write(const QMap<QString, QString> &map) const
{
    const QString rules = m_root.path(rulesRelativePath());
    const QString modules = m_root.path(modulesRelativePath());
    if (map.isEmpty()) {
        QFile::remove(rules);
        QFile::remove(modules);
        return {};
    }
    QByteArray content = kHeader;
    for (auto it = map.cbegin(); it != map.cend(); ++it)
        content += "ACTION==\"add\", SUBSYSTEM==\"pci\", KERNEL==\"" + it.key().toLatin1()
                   + "\", ATTR{driver_override}=\"" + it.value().toLatin1() + "\"\n";
    if (Status st = saveFile(rules, content); !st)
        return st;
    return saveFile(modules, "# Written by Passdeck: load vfio-pci at boot for the devices in\n"
                             "# /etc/udev/rules.d/61-passdeck-vfio.rules. Removed with the last of them.\n"
                             "vfio-pci\n");
}

} // namespace passdeck
