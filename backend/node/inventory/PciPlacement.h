#pragma once

#include "core/PciDevice.h"
#include "node/host/HostRoot.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QStringList>

namespace passdeck {

// Where a card sits and who it is, so a rule can follow it when addresses renumber
// (docs/moved-hardware.md): PciDevice::physicalSlot from sys/bus/pci/slots/<name>/address
// ("DDDD:BB:SS", the device's domain, bus and slot) and PciDevice::serialNumber from the PCIe
// Device Serial Number capability in the first 4 KiB of `config` (node/inventory/PciExtCaps.h).
class PciPlacement
{
public:
    // Fills both fields of every device. Reads are bounded and never block; a slot or config
    // that cannot be read costs nothing but the field (both are informational, never a guard).
    static void read(const HostRoot &root, QList<PciDevice> &devices, QStringList &warnings);

    // "DDDD:BB:SS" -> slot name, from sys/bus/pci/slots. Slots whose address is not a
    // device's domain:bus:slot (an empty slot, a bus-only address) are left out.
    static QHash<QString, QString> slotAddresses(const HostRoot &root);
    // At most PciExtCaps::kConfigSize bytes of a device's `config` (fewer when the kernel gives
    // fewer, as for an unprivileged reader); empty with *errnum set when it cannot be read.
    static QByteArray readConfig(const HostRoot &root, const QString &address, int *errnum = nullptr);
    // The Device Serial Number (extended capability 0x0003, the 64-bit serial at +4) as lspci
    // prints it, high byte first: "00-11-22-ff-fe-33-44-55". Empty when config has none.
    static QString serialNumber(const QByteArray &config);
};

} // namespace passdeck
