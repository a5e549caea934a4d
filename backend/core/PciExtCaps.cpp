#include "core/PciExtCaps.h"

#include <QSet>
#include <QStringList>

namespace passdeck {

quint32 PciExtCaps::dword(const QByteArray &config, int offset)
{
    if (offset < 0 || offset + 4 > config.size())
        return 0;
    const auto b = [&config, offset](int i) { return quint32(quint8(config.at(offset + i))); };
    return b(0) | (b(1) << 8) | (b(2) << 16) | (b(3) << 24);
}

QList<PciExtCap> PciExtCaps::list(const QByteArray &config)
{
    QList<PciExtCap> caps;
    if (config.size() < kFirstOffset + 4)
        return caps;
    QSet<int> seen;
    int offset = kFirstOffset;
    // At most (4096 - 256) / 4 headers fit: a longer chain is a loop.
    while (offset >= kFirstOffset && offset + 4 <= config.size() && (offset & 3) == 0 && !seen.contains(offset)) {
        const quint32 header = dword(config, offset);
        if (header == 0 || header == 0xffffffffu)
            break;
        seen.insert(offset);
        caps.append({int(header & 0xffff), int((header >> 16) & 0xf), offset});
        offset = int((header >> 20) & 0xffc);
        if (offset == 0)
            break;
    }
    return caps;
}

PciExtCap PciExtCaps::find(const QByteArray &config, int id)
{
    for (const PciExtCap &c : list(config))
        if (c.id == id)
            return c;
    return {};
}

QString PciExtCaps::serialNumber(const QByteArray &config)
{
    const PciExtCap dsn = find(config, kDeviceSerialNumber);
    if (dsn.offset == 0 || dsn.offset + 12 > config.size())
        return {};
    const quint64 serial = quint64(dword(config, dsn.offset + 4)) | (quint64(dword(config, dsn.offset + 8)) << 32);
    QStringList bytes;
    for (int shift = 56; shift >= 0; shift -= 8)
        bytes.append(QStringLiteral("%1").arg(uint((serial >> shift) & 0xff), 2, 16, QLatin1Char('0')));
    return bytes.join(u'-');
}

bool PciExtCaps::parseSerialNumber(const QString &text, quint64 *value)
{
    const QStringList parts = text.split(u'-');
    if (parts.size() != 8)
        return false;
    quint64 v = 0;
    for (const QString &p : parts) {
        bool ok = false;
        const uint b = p.toUInt(&ok, 16);
        if (!ok || p.size() != 2)
            return false;
        v = (v << 8) | b;
    }
    *value = v;
    return true;
}

QByteArray PciExtCaps::serialNumberBody(quint64 serial)
{
    QByteArray body(8, '\0');
    for (int i = 0; i < 8; ++i)
        body[i] = char((serial >> (8 * i)) & 0xff);
    return body;
}

void PciExtCaps::append(QByteArray &config, int id, int version, int offset, const QByteArray &body)
{
    if (config.size() < kConfigSize)
        config.append(QByteArray(kConfigSize - config.size(), '\0'));
    const auto put32 = [&config](int at, quint32 v) {
        for (int i = 0; i < 4; ++i)
            config[at + i] = char((v >> (8 * i)) & 0xff);
    };
    const QList<PciExtCap> caps = list(config);
    if (!caps.isEmpty()) {
        const PciExtCap &last = caps.last();
        put32(last.offset, (dword(config, last.offset) & 0x000fffffu) | (quint32(offset) << 20));
    }
    put32(offset, quint32(id & 0xffff) | (quint32(version & 0xf) << 16));
    for (int i = 0; i < body.size() && offset + 4 + i < config.size(); ++i)
        config[offset + 4 + i] = body.at(i);
}

} // namespace passdeck
