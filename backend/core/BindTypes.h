#pragma once

#include <QByteArray>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include <functional>

namespace passdeck {

// The driver passthrough uses.
inline constexpr QLatin1StringView kVfioPci{"vfio-pci"};

enum class BindTarget { VfioPci, Host };

enum class Severity { Blocker, Warning, Info };

// One result of the impact check, in a sentence an administrator understands.
struct Finding
{
    Severity severity = Severity::Info;
    QString code;     // stable: "bridge", "no-iommu", "group-member", "net-up", "mounted",
                      // "boot-vga", "vfio-not-loaded", "vf-pf", "already-on-target", ...
    QString device;   // the address concerned
    QString message;  // the sentence shown to the administrator
    bool forcible = false; // a blocker that --force may override (never a bridge)
};

// The findings' sentences as one paragraph (an Error's "why").
inline QString joinFindingMessages(const QList<Finding> &findings)
{
    QStringList lines;
    for (const Finding &f : findings)
        lines.append(f.message);
    return lines.join(u' ');
}

// One sysfs write of a plan, in order.
struct PlannedWrite
{
    QString device;        // the address this write is for
    QString path;          // relative to the host root, e.g. "sys/bus/pci/drivers_probe"
    QByteArray value;      // exactly what is written
    QString step;          // "override", "unbind", "probe", "verify"...
};

struct BindPlan
{
    BindTarget target = BindTarget::VfioPci;
    QStringList requested;  // the addresses asked for (validated, de-duplicated)
    QStringList devices;    // requested + IOMMU group endpoints that must come along, sorted
    QStringList added;      // devices that came along for their IOMMU group
    QList<PlannedWrite> writes;
    QList<Finding> findings;
    QMap<QString, QString> originalDrivers; // address -> driver at plan time ("" = none)
    QMap<QString, QString> originalOverrides; // address -> driver_override at plan time ("" = none)

    // Blockers that stop an apply: all of them, or with force only the non-forcible ones.
    QList<Finding> blockers(bool force) const;
};

struct ApplyOptions
{
    bool force = false;     // override forcible blockers (never a bridge)
    bool nextBoot = false;  // write only the persistent configuration; the node needs a reboot
    // Progress for long applies: steps done, steps in all, the step under way.
    std::function<void(int done, int total, const QString &step)> progress;
};

struct DeviceOutcome
{
    QString address;
    QString originalDriver; // "" = none
    QString driver;         // after the apply ("" = none)
};

struct ApplyResult
{
    BindTarget target = BindTarget::VfioPci;
    QList<DeviceOutcome> devices;
    QList<Finding> findings;      // what the impact check said (warnings the caller accepted)
    bool rebootRequired = false;  // persistent configuration written, live move not done/possible
    QStringList rebootDevices;    // which devices wait for the reboot
};

} // namespace passdeck
