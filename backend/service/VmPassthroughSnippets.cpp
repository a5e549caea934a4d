#include "models/VmPassthroughSnippets.h"

#include <QStringList>

namespace passdeck {

QString VmPassthroughSnippets::qemuArguments(const QList<AllocatedDevice> &devices)
{
    QStringList lines;
    for (const AllocatedDevice &d : devices)
        lines << QStringLiteral("-device vfio-pci,host=%1").arg(d.address);
    // Shell continuation so the block pastes into a command line as it is.
    return lines.join(QStringLiteral(" \\\n"));
}

QString VmPassthroughSnippets::libvirtHostdevXml(const QList<AllocatedDevice> &devices)
{
    QStringList out;
    for (const AllocatedDevice &d : devices) {
        // DDDD:BB:DD.F
        const QStringList parts = d.address.split(QLatin1Char(':'));
        if (parts.size() != 3 || !parts.at(2).contains(QLatin1Char('.')))
            continue;
        const QString slot = parts.at(2).section(QLatin1Char('.'), 0, 0);
        const QString function = parts.at(2).section(QLatin1Char('.'), 1, 1);
        out << QStringLiteral("<hostdev mode='subsystem' type='pci' managed='no'>\n"
                              "  <source>\n"
                              "    <address domain='0x%1' bus='0x%2' slot='0x%3' function='0x%4'/>\n"
                              "  </source>\n"
                              "</hostdev>")
                   .arg(parts.at(0), parts.at(1), slot, function);
    }
    return out.join(QLatin1Char('\n'));
}

} // namespace passdeck
