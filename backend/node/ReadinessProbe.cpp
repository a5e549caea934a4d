#include "node/ReadinessProbe.h"

#include <QDir>
#include <QRegularExpression>

namespace passdeck {

namespace {

QStringList entries(const HostRoot &root, const QString &relative)
{
    QDir dir(root.path(relative));
    if (root.isEmpty() || !dir.exists())
        return {};
    QStringList names = dir.entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::System, QDir::Name);
    return names;
}

bool cmdlineHas(const QString &cmdline, const QString &word)
{
    const QStringList words = cmdline.split(u' ', Qt::SkipEmptyParts);
    return words.contains(word);
}

} // namespace

ReadinessFacts ReadinessProbe::read(const HostRoot &root, const HostAccess &host)
{
    ReadinessFacts f;
    f.known = true;
    f.iommuGroups = int(entries(root, QStringLiteral("sys/kernel/iommu_groups")).size());
    f.iommuUnits = entries(root, QStringLiteral("sys/class/iommu"));

    if (Result<QString> c = host.readAttribute(QStringLiteral("proc/cmdline"))) {
        f.cmdlineRead = true;
        f.cmdline = c->section(u'\n', 0, 0).trimmed();
    }
    if (Result<QString> cpu = host.readAttribute(QStringLiteral("proc/cpuinfo"))) {
        static const QRegularExpression vendor(QStringLiteral("^vendor_id\\s*:\\s*(\\S+)"), QRegularExpression::MultilineOption);
        if (const QRegularExpressionMatch m = vendor.match(*cpu); m.hasMatch())
            f.cpuVendor = m.captured(1);
    }
    for (const QString &module : vfioModuleNames()) {
        // Built-in modules with parameters also appear under sys/module.
        bool loaded = host.exists(QStringLiteral("sys/module/") + module);
        if (module == QLatin1String("vfio_pci"))
            loaded = loaded || host.exists(QStringLiteral("sys/bus/pci/drivers/vfio-pci"));
        if (loaded)
            f.vfioModules << module;
    }
    if (Result<QString> unsafe = host.readAttribute(QStringLiteral("sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts")))
        f.unsafeInterruptsAllowed = unsafe->trimmed().startsWith(u'Y');

    QString interrupts;
    if (Result<QString> r = host.readAttribute(QStringLiteral("proc/interrupts")))
        interrupts = *r;
    QStringList ecaps;
    for (const QString &unit : std::as_const(f.iommuUnits)) {
        const QString path = QStringLiteral("sys/class/iommu/%1/intel-iommu/ecap").arg(unit);
        if (!host.exists(path))
            continue;
        // An unreadable ecap counts as "could not tell": the rule needs every unit.
        Result<QString> r = host.readAttribute(path);
        ecaps << (r ? r->trimmed() : QString());
    }
    f.interruptRemapping = interruptRemapping(interrupts, f.cmdlineRead ? f.cmdline : QString(), ecaps,
                                              &f.interruptRemappingBasis);
    return f;
}

ReadinessFacts::Remapping ReadinessProbe::interruptRemapping(const QString &interrupts, const QString &cmdline,
                                                             const QStringList &intelEcaps, QString *basis)
{
    basis->clear();
    bool remapped = false, plain = false;
    for (QStringView line : QStringView(interrupts).split(u'\n')) {
        // The chip name is one of the words of a line: "IR-PCI-MSI", "IR-PCI-MSIX-0000:01:00.0",
        // "IR-IO-APIC" when remapped; "PCI-MSI", "IO-APIC" when not.
        for (QStringView word : line.split(u' ', Qt::SkipEmptyParts)) {
            if (word.startsWith(u"IR-"))
                remapped = true;
            else if (word.startsWith(u"PCI-MSI") || word == u"IO-APIC")
                plain = true;
        }
    }
    if (remapped) {
        *basis = QStringLiteral("proc/interrupts");
        return ReadinessFacts::Remapping::On;
    }
    if (plain) {
        *basis = QStringLiteral("proc/interrupts");
        return ReadinessFacts::Remapping::Off;
    }
    if (cmdlineHas(cmdline, QStringLiteral("intremap=off")) || cmdlineHas(cmdline, QStringLiteral("nointremap"))) {
        *basis = QStringLiteral("proc/cmdline");
        return ReadinessFacts::Remapping::Off;
    }
    if (!intelEcaps.isEmpty()) {
        bool allRead = true, anyIr = false;
        for (const QString &ecap : intelEcaps) {
            bool ok = false;
            const qulonglong value = ecap.toULongLong(&ok, 16);
            allRead = allRead && ok;
            anyIr = anyIr || (ok && (value & 0x8));
        }
        if (allRead && !anyIr) {
            *basis = QStringLiteral("sys/class/iommu/*/intel-iommu/ecap");
            return ReadinessFacts::Remapping::Off;
        }
    }
    return ReadinessFacts::Remapping::Unknown;
}

} // namespace passdeck
