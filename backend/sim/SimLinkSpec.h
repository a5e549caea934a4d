#pragma once

#include "sim/SimHostDescription.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

namespace passdeck {

// The PCIe link and ACS of a simulated device (docs/simulated-nodes.md):
//   "link": {"speed": "8.0 GT/s PCIe", "width": 4, "max_speed": "16.0 GT/s PCIe", "max_width": 16}
//   "acs":  {"capability": "0x005f", "control": "0x001d"}
// False with the offending field and the reason when a value is not what the kernel could show.
bool parseSimLinkAndAcs(const QJsonObject &device, SimDeviceSpec &spec, QString *field, QString *why);

// The extended configuration space (0x100..0xfff) of a PCIe device: its ACS capability, if any,
// as the first entry of the extended list. config must already hold 4096 bytes.
void writeSimExtendedConfig(const SimDeviceSpec &spec, QByteArray &config);

} // namespace passdeck
