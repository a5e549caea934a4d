#pragma once

#include <QByteArray>
#include <QList>

namespace passdeck {

// One PCI Express extended capability found in a function's configuration space.
struct PciExtCap
{
    int id = -1;      // e.g. 0x000d (ACS), 0x0003 (Device Serial Number)
    int version = 0;
    int offset = -1;  // where its header sits in config space (0x100 or above)
};

// Walks the PCI Express extended capability list of a configuration space as the sysfs `config`
// file gives it (4096 bytes for a PCIe function read by root; 64 or 256 otherwise, and then there
// is no list). Pure over bytes: the caller reads the file. The walk starts at 0x100, follows the
// 12-bit "next" pointers, and stops at a pointer below 0x100 or past the bytes given, a
// header of 0 or all ones, or a capability seen before, so a broken or hostile config never hangs the inventory.
class PciExtCaps
{
public:
    static constexpr int kAcs = 0x000d;
    static constexpr int kDeviceSerialNumber = 0x0003;
    static constexpr int kFirstOffset = 0x100;

    static QList<PciExtCap> walk(const QByteArray &config);
    // The offset of the first capability with that id, or -1.
    static int find(const QByteArray &config, int id);

    // Little-endian reads; -1 when the bytes are not there.
    static int read16(const QByteArray &config, int offset);
    static qint64 read32(const QByteArray &config, int offset);
};

} // namespace passdeck
