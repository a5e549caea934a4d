#pragma once

#include "core/Error.h"

#include <QByteArray>
#include <QJsonObject>
#include <QMap>
#include <QString>

namespace passdeck {

struct SimDeviceSpec;

// The fields of a simulated device that say where a card sits and who it is, and what a capture
// copies from a real machine verbatim (docs/simulated-nodes.md): `slot` (a physical slot,
// sys/bus/pci/slots/<slot>/address), `serial_number` (a PCIe Device Serial Number capability in
// a generated config), `config` (raw config space in hex, up to 4 KiB, instead of the generated
// one) and `attributes` (read-only sysfs attributes such as label; the link files are "link",
// sim/SimLinkSpec.h).
class SimDeviceExtras
{
public:
    // The attributes `attributes` may name: read-only files no other field writes.
    static bool isCopiedAttribute(const QString &name);
    // Parses the fields above into spec; an Error names the device and the field.
    static Status parse(const QJsonObject &o, SimDeviceSpec &spec);
    // The config space the builder writes: `config` if given, else the generated one (with
    // a DSN capability when `serial_number` is set).
    static QByteArray configFor(const SimDeviceSpec &spec, const QByteArray &generated);
    // "xx-xx-xx-xx-xx-xx-xx-xx" (either case); false when malformed.
    static bool parseSerialNumber(const QString &text, quint64 *value);
    // A slot name as sysfs shows it: letters, digits, '-', '_', '.', at most 64.
    static bool isValidSlotName(const QString &name);
};

} // namespace passdeck
