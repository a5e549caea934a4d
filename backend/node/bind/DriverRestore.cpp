#include "node/bind/DriverRestore.h"

#include "node/bind/BindPlanner.h"
#include "node/host/HostAccess.h"
#include "core/PciAddress.h"
#include "node/host/SysfsWriter.h"

#include <QCoreApplication>

namespace passdeck {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("DriverRestore", text);
}

QString normalOverride(const QString &value)
{
    const QString v = value.trimmed();
    return v == QLatin1String("(null)") ? QString() : v;
}

} // namespace

Status DriverRestore::restore(HostAccess &host, const QMap<QString, QString> &originalDrivers,
                              const QMap<QString, QString> &originalOverrides)
{
    QStringList failures;
    Error first;
    for (auto it = originalDrivers.cbegin(); it != originalDrivers.cend(); ++it) {
        Status s = restoreDevice(host, it.key(), it.value(), normalOverride(originalOverrides.value(it.key())));
        if (!s) {
            if (failures.isEmpty())
                first = s.error();
            failures << s.error().message();
        }
    }
    if (failures.isEmpty())
        return {};
    if (failures.size() > 1)
        first.why = failures.join(QLatin1String("; "));
    return first;
}

Status DriverRestore::restorePersistence(HostAccess &host, const QMap<QString, QString> &originalDrivers)
{
    auto now = host.persistedOverrides();
    if (!now)
        return now.error();
    QMap<QString, QString> set;
    QStringList clear;
    for (auto it = originalDrivers.cbegin(); it != originalDrivers.cend(); ++it) {
        if (!PciAddress::isValid(it.key()))
            continue; // restore() names it
        const bool wanted = it.value() == kVfioPci;
        if (wanted && now->value(it.key()) != kVfioPci)
            set.insert(it.key(), QString(kVfioPci));
        else if (!wanted && now->contains(it.key()))
            clear << it.key();
    }
    if (set.isEmpty() && clear.isEmpty())
        return {};
    return host.updatePersistence(set, clear);
}

QStringList DriverRestore::notRestored(const HostAccess &host, const QMap<QString, QString> &originalDrivers)
{
    QStringList out;
    for (auto it = originalDrivers.cbegin(); it != originalDrivers.cend(); ++it) {
        const Result<PciAddress> a = PciAddress::parse(it.key());
        if (!a || host.readLinkName(bindpaths::driverLink(*a)) != it.value())
            out << it.key();
    }
    return out;
}

Status DriverRestore::restoreDevice(HostAccess &host, const QString &addr, const QString &driver, const QString &originalOverride)
{
    const QString what = driver.isEmpty() ? tr("Putting %1 back without a driver").arg(addr)
                                          : tr("Putting %1 back on %2").arg(addr, driver);
    // Journal contents are data: nothing becomes a path unvalidated.
    const Result<PciAddress> parsed = PciAddress::parse(addr);
    if (!parsed) {
        Error e = Error::make(ErrorCode::BadAddress, what, tr("the journaled address is not a PCI address"));
        e.device = addr;
        return e;
    }
    const PciAddress a = *parsed;
    QString override = normalOverride(originalOverride);
    if (!driver.isEmpty() && !override.isEmpty() && override != driver)
        override.clear();
    if ((!driver.isEmpty() && !isValidDriverName(driver)) || (!override.isEmpty() && !isValidDriverName(override))) {
        Error e = Error::make(ErrorCode::BadDriver, what, tr("the journaled driver name is not valid"));
        e.device = addr;
        return e;
    }
    auto write = [&](const QString &path, const QByteArray &value) -> Status {
        int err = host.write(path, value);
        if (err != 0)
            err = host.write(path, value); // one retry: this is the last line of defence
        if (err == 0)
            return {};
        Error e = Error::make(ErrorCode::WriteFailed, what,
                              tr("writing %1 failed: %2").arg(path, errnoDescription(err)),
                              tr("See its driver in PCI Devices after Refresh Inventory (or with `passdeck-cli devices`) and move it by hand (docs/binding.md, "
                                 "\"Undoing by hand\"); reopening Passdeck retries."));
        e.device = addr;
        e.step = path;
        e.errnum = err;
        return e;
    };
    auto setOverride = [&](const QString &value) -> Status {
        auto now = host.readAttribute(bindpaths::driverOverride(a));
        if (now && normalOverride(*now) == value)
            return {};
        return write(bindpaths::driverOverride(a), value.isEmpty() ? QByteArray("\n") : value.toUtf8());
    };
    const QString current = host.readLinkName(bindpaths::driverLink(a));
    if (current != driver) {
        if (!current.isEmpty())
            if (Status s = write(bindpaths::unbind(a), addr.toLatin1()); !s)
                return s;
        if (!driver.isEmpty()) {
            // The override pins the match to the original driver, so neither an explicit bind
            // nor the kernel's probe can land the device anywhere else.
            if (Status s = setOverride(driver); !s)
                return s;
            if (Status s = write(bindpaths::driverBind(driver), addr.toLatin1()); !s) {
                // Some drivers refuse a manual bind but take the device on a probe.
                if (!write(bindpaths::driversProbe(), addr.toLatin1()))
                    return s;
            }
        }
    }
    if (Status s = setOverride(override); !s)
        return s;
    const QString after = host.readLinkName(bindpaths::driverLink(a));
    if (after != driver) {
        Error e = Error::make(ErrorCode::VerifyFailed, what,
                              tr("it is on %1 afterwards").arg(after.isEmpty() ? tr("no driver") : after),
                              tr("See its driver in PCI Devices after Refresh Inventory (or with `passdeck-cli devices`) and move it by hand (docs/binding.md, "
                                 "\"Undoing by hand\"); reopening Passdeck retries."));
        e.device = addr;
        e.step = bindpaths::driverLink(a);
        return e;
    }
    return {};
}

} // namespace passdeck
