#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

namespace passdeck {

// One PCI Express extended capability found in a device's config space.
struct PciExtCap
{
    int id = 0;      // capability id (0x0003 Device Serial Number, 0x000d ACS, ...)
    int version = 0; // capability version (4 bits)
    int offset = 0;  // where its header dword starts in config space (>= 0x100)
};

// The PCIe extended capability list in config space (docs/moved-hardware.md): a chain of header
// dwords starting at 0x100, each id(16) | version(4) | next(12), little-endian as sysfs `config`
// returns it. Pure functions over the bytes, so the inventory, the topology and the simulator
// read one walker. A config shorter than 4 KiB (conventional PCI, or an unprivileged read of
// sysfs, which gives 64 or 256 bytes) simply has no extended capabilities.
class PciExtCaps
{
public:
    static constexpr int kConfigSize = 4096;
    static constexpr int kFirstOffset = 0x100;
    static constexpr int kDeviceSerialNumber = 0x0003;
    static constexpr int kAccessControlServices = 0x000d;

    // Every capability in chain order. Stops at an empty header (0 or all ones), an offset
    // outside 0x100..0xffc or not dword-aligned, a loop, or the end of the bytes.
    static QList<PciExtCap> list(const QByteArray &config);
    // The first capability with this id, or nullptr-like {id 0, offset 0} when absent.
    static PciExtCap find(const QByteArray &config, int id);
    // The 32-bit little-endian dword at offset (0 when out of range).
    static quint32 dword(const QByteArray &config, int offset);

    // The Device Serial Number as lspci prints it, high byte first: "00-11-22-ff-fe-33-44-55".
    // Empty when the device has no DSN capability.
    static QString serialNumber(const QByteArray &config);
    // Parses "xx-xx-xx-xx-xx-xx-xx-xx" (lower- or upper-case hex); false when malformed.
    static bool parseSerialNumber(const QString &text, quint64 *value);
    // Appends a capability to a config (extended to kConfigSize): writes its header at offset
    // and links it from the previous last one (the first capability goes at kFirstOffset). `body` follows the header. Used by the simulator
    // to write a config with a DSN (or another extended capability).
    static void append(QByteArray &config, int id, int version, int offset, const QByteArray &body);
    // A DSN capability body: the 64-bit serial, low dword first.
    static QByteArray serialNumberBody(quint64 serial);
};

} // namespace passdeck
