#include "sim/SimDeviceExtras.h"

#include "sim/SimHostDescription.h"

#include <QCoreApplication>
#include <QRegularExpression>

namespace passdeck {

namespace {
QString tr(const char *s)
{
    return QCoreApplication::translate("SimHostDescription", s);
}

Error badField(const QString &device, const QString &field, const QString &why)
{
    Error e = Error::make(ErrorCode::BadDescription, tr("Invalid simulated device %1").arg(device),
                          tr("field \"%1\": %2").arg(field, why),
                          tr("Fix the description (see docs/simulated-nodes.md) and build again."));
    e.device = device;
    e.step = field;
    return e;
}
} // namespace

bool SimDeviceExtras::isCopiedAttribute(const QString &name)
{
    // The link files have their own field ("link", sim/SimLinkSpec.h).
    static const QStringList names = {QStringLiteral("label"), QStringLiteral("index"), QStringLiteral("acpi_index"),
                                      QStringLiteral("ari_enabled")};
    return names.contains(name);
}

bool SimDeviceExtras::isValidSlotName(const QString &name)
{
    static const QRegularExpression re(QStringLiteral("^[A-Za-z0-9_.-]{1,64}$"));
    return re.match(name).hasMatch() && name != QLatin1String(".") && name != QLatin1String("..");
}

Status SimDeviceExtras::parse(const QJsonObject &o, SimDeviceSpec &spec)
{
    const QString &dev = spec.address;
    const QJsonValue slot = o.value(QLatin1String("slot"));
    if (!slot.isUndefined() && !slot.isNull()) {
        if (!slot.isString() || !isValidSlotName(slot.toString()))
            return badField(dev, QStringLiteral("slot"), tr("must be a slot name (letters, digits, '-', '_', '.')"));
        spec.slot = slot.toString();
    }
    const QJsonValue serial = o.value(QLatin1String("serial_number"));
    if (!serial.isUndefined() && !serial.isNull()) {
        quint64 v = 0;
        if (!serial.isString() || !parseSerialNumber(serial.toString(), &v))
            return badField(dev, QStringLiteral("serial_number"), tr("must be 8 hex bytes like \"00-11-22-ff-fe-33-44-55\""));
        spec.serialNumber = serial.toString().toLower();
    }
    const QJsonValue config = o.value(QLatin1String("config"));
    if (!config.isUndefined() && !config.isNull()) {
        static const QRegularExpression hex(QStringLiteral("^([0-9a-fA-F]{2})*$"));
        const QString text = config.toString();
        if (!config.isString() || !hex.match(text).hasMatch() || text.size() < 128
            || text.size() > 2 * 4096)
            return badField(dev, QStringLiteral("config"), tr("must be 64 to 4096 bytes in hex"));
        spec.config = QByteArray::fromHex(text.toLatin1());
    }
    const QJsonValue attrs = o.value(QLatin1String("attributes"));
    if (!attrs.isUndefined() && !attrs.isNull()) {
        if (!attrs.isObject())
            return badField(dev, QStringLiteral("attributes"), tr("must be an object of attribute names and values"));
        const QJsonObject a = attrs.toObject();
        for (auto it = a.begin(); it != a.end(); ++it) {
            if (!isCopiedAttribute(it.key()))
                return badField(dev, QStringLiteral("attributes.%1").arg(it.key()),
                                tr("not an attribute a description may set (label, index, acpi_index, ari_enabled)"));
            if (!it.value().isString() || it.value().toString().size() > 256 || it.value().toString().contains(u'\n'))
                return badField(dev, QStringLiteral("attributes.%1").arg(it.key()), tr("must be one line of text"));
            spec.attributes.insert(it.key(), it.value().toString().toUtf8());
        }
    }
    return {};
}

bool SimDeviceExtras::parseSerialNumber(const QString &text, quint64 *value)
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

QByteArray SimDeviceExtras::configFor(const SimDeviceSpec &spec, const QByteArray &generated)
{
    if (!spec.config.isEmpty())
        return spec.config;
    QByteArray config = generated;
    quint64 serial = 0;
    if (spec.serialNumber.isEmpty() || !parseSerialNumber(spec.serialNumber, &serial))
        return config;
    // The DSN capability (id 0x0003, version 1): header, then the serial low dword first. The
    // generated extended list holds at most the ACS capability at 0x100 (sim/SimLinkSpec), so
    // the DSN goes at 0x100 or is linked from it at 0x148.
    if (config.size() < 4096)
        config.append(QByteArray(4096 - config.size(), '\0'));
    const auto put32 = [&config](int at, quint32 v) {
        for (int i = 0; i < 4; ++i)
            config[at + i] = char((v >> (8 * i)) & 0xff);
    };
    const auto get32 = [&config](int at) {
        quint32 v = 0;
        for (int i = 3; i >= 0; --i)
            v = (v << 8) | quint8(config.at(at + i));
        return v;
    };
    int at = 0x100;
    if (const quint32 first = get32(0x100); first != 0 && first != 0xffffffffu) {
        at = 0x148;
        put32(0x100, (first & 0x000fffffu) | (quint32(at) << 20));
    }
    put32(at, 0x0003u | (1u << 16));
    put32(at + 4, quint32(serial & 0xffffffffu));
    put32(at + 8, quint32(serial >> 32));
    return config;
}

} // namespace passdeck
