#include "service/VmPassthroughSnippets.h"

#include "core/PciAddress.h"
#include "service/DomainService.h"

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
        // Read by the one address parser: a malformed address never reaches the XML.
        const auto a = PciAddress::parse(d.address);
        if (!a)
            continue;
        const auto hex = [](int value, int width) { return QStringLiteral("%1").arg(value, width, 16, QLatin1Char('0')); };
        out << QStringLiteral("<hostdev mode='subsystem' type='pci' managed='no'>\n"
                              "  <source>\n"
                              "    <address domain='0x%1' bus='0x%2' slot='0x%3' function='0x%4'/>\n"
                              "  </source>\n"
                              "</hostdev>")
                   .arg(hex(a->domain(), 4), hex(a->bus(), 2), hex(a->slot(), 2), QString::number(a->function()));
    }
    return out.join(QLatin1Char('\n'));
}

Result<VmPassthrough> VmPassthroughSnippets::forVm(const DomainService &service, qint64 vmId)
{
    auto machineDevices = service.machineDevices(vmId);
    if (!machineDevices)
        return machineDevices.error();
    VmPassthrough out;
    for (const MachineDevice &m : *machineDevices) {
        out.allocated << m.allocated;
        out.requested += m.count;
        // A start allocates a machine device's units all together or not at all
        // (PassthroughUnits::pickForMachineDevice), so its functions mean all its Count.
        if (!m.allocated.isEmpty())
            out.allocatedUnits += m.count;
    }
    out.machineDevices = *machineDevices;
    out.qemu = qemuArguments(out.allocated);
    out.libvirt = libvirtHostdevXml(out.allocated);
    return out;
}

} // namespace passdeck
