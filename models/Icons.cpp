#include "models/Icons.h"

#include <QHash>

namespace passdeck {

QIcon Icons::named(const QString &name)
{
    // QIcon construction parses the SVG lazily, but tables ask for icons per row: cache them.
    static QHash<QString, QIcon> cache;
    auto it = cache.constFind(name);
    if (it != cache.constEnd())
        return *it;
    QIcon icon(QStringLiteral(":/icons/") + name + QStringLiteral(".svg"));
    cache.insert(name, icon);
    return icon;
}

QIcon Icons::groupClass(GroupClass c)
{
    switch (c) {
    case GroupClass::Gpu: return named(QStringLiteral("class-gpu"));
    case GroupClass::Network: return named(QStringLiteral("class-network"));
    case GroupClass::Storage: return named(QStringLiteral("class-storage"));
    case GroupClass::Usb: return named(QStringLiteral("class-usb"));
    case GroupClass::Audio: return named(QStringLiteral("class-audio"));
    case GroupClass::Accelerator: return named(QStringLiteral("class-accelerator"));
    case GroupClass::Other: break;
    }
    return named(QStringLiteral("class-other"));
}

GroupClass Icons::classForPciClass(int classId)
{
    if (classId < 0)
        return GroupClass::Other;
    const int base = (classId >> 16) & 0xff;
    const int sub = (classId >> 8) & 0xff;
    switch (base) {
    case 0x03: return GroupClass::Gpu;
    case 0x02: return GroupClass::Network;
    case 0x01: return GroupClass::Storage;
    case 0x04: return GroupClass::Audio;
    case 0x0c: return sub == 0x03 ? GroupClass::Usb : GroupClass::Other;
    case 0x12: case 0x0b: return GroupClass::Accelerator;
    default: return GroupClass::Other;
    }
}

QIcon Icons::node() { return named(QStringLiteral("node")); }
QIcon Icons::vm() { return named(QStringLiteral("vm")); }
QIcon Icons::tenant() { return named(QStringLiteral("tenant")); }
QIcon Icons::resources() { return named(QStringLiteral("resources")); }
QIcon Icons::warning() { return named(QStringLiteral("warning")); }
QIcon Icons::blocker() { return named(QStringLiteral("blocker")); }
QIcon Icons::info() { return named(QStringLiteral("info")); }
QIcon Icons::ok() { return named(QStringLiteral("ok")); }

} // namespace passdeck
