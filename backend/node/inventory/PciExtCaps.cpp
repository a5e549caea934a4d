#include "node/inventory/PciExtCaps.h"

#include <bitset>

namespace passdeck {

int PciExtCaps::read16(const QByteArray &config, int offset)
{
    if (offset < 0 || offset + 2 > config.size())
        return -1;
    const auto b = [&config](int i) { return int(static_cast<unsigned char>(config.at(i))); };
    return b(offset) | (b(offset + 1) << 8);
}

qint64 PciExtCaps::read32(const QByteArray &config, int offset)
{
    const int lo = read16(config, offset);
    const int hi = read16(config, offset + 2);
    if (lo < 0 || hi < 0)
        return -1;
    return qint64(lo) | (qint64(hi) << 16);
}

QList<PciExtCap> PciExtCaps::walk(const QByteArray &config)
{
    QList<PciExtCap> caps;
    int offset = kFirstOffset;
    const int maxCaps = (4096 - kFirstOffset) / 4;
    std::bitset<1024> seen;
    while (offset >= kFirstOffset && offset % 4 == 0 && caps.size() < maxCaps) {
        const qint64 header = read32(config, offset);
        // 0: no capabilities (PCIe spec, 7.6.2); all ones: the function did not answer.
        if (header <= 0 || header == 0xffffffff)
            break;
        PciExtCap cap;
        cap.id = int(header & 0xffff);
        cap.version = int((header >> 16) & 0xf);
        cap.offset = offset;
        caps.append(cap);
        seen.set(size_t(offset / 4));
        const int next = int((header >> 20) & 0xffc);
        // 0 ends the list; a pointer back into the base config space or to a capability already
        // seen is a broken list (Linux's pci_find_next_ext_capability stops the same way).
        if (next < kFirstOffset || seen.test(size_t(next / 4)))
            break;
        offset = next;
    }
    return caps;
}

int PciExtCaps::find(const QByteArray &config, int id)
{
    for (const PciExtCap &cap : walk(config))
        if (cap.id == id)
            return cap.offset;
    return -1;
}

} // namespace passdeck
