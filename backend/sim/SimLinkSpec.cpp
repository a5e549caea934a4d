#include "sim/SimLinkSpec.h"

#include <QCoreApplication>
#include <QJsonValue>
#include <QRegularExpression>

namespace passdeck {

namespace {

QString tr(const char *s)
{
    return QCoreApplication::translate("SimHostDescription", s);
}

// The speeds the kernel prints (PCIE_SPEED2STR): "2.5 GT/s PCIe" ... "64.0 GT/s PCIe", or "Unknown".
bool isLinkSpeed(const QString &s)
{
    static const QRegularExpression re(QStringLiteral("^(Unknown|[0-9]+(\\.[0-9]+)? GT/s( PCIe)?)$"));
    return re.match(s).hasMatch();
}

bool hex16(const QJsonValue &v, int *out)
{
    if (!v.isString())
        return false;
    QString s = v.toString();
    if (s.startsWith(QLatin1String("0x")))
        s = s.mid(2);
    bool ok = false;
    const int value = s.toInt(&ok, 16);
    if (!ok || s.isEmpty() || s.size() > 4 || value < 0)
        return false;
    *out = value;
    return true;
}

} // namespace

bool parseSimLinkAndAcs(const QJsonObject &device, SimDeviceSpec &spec, QString *field, QString *why)
{
    const QJsonValue link = device.value(QLatin1String("link"));
    if (!link.isUndefined() && !link.isNull()) {
        if (!link.isObject()) {
            *field = QStringLiteral("link");
            *why = tr("must be an object {\"speed\", \"width\", \"max_speed\", \"max_width\"}");
            return false;
        }
        const QJsonObject l = link.toObject();
        for (const char *key : {"speed", "max_speed"}) {
            const QJsonValue v = l.value(QLatin1String(key));
            if (!v.isString() || !isLinkSpeed(v.toString())) {
                *field = QStringLiteral("link.") + QLatin1String(key);
                *why = tr("must be a speed as the kernel writes it, e.g. \"8.0 GT/s PCIe\"");
                return false;
            }
        }
        for (const char *key : {"width", "max_width"}) {
            const QJsonValue v = l.value(QLatin1String(key));
            if (!v.isDouble() || v.toDouble() != double(v.toInt()) || v.toInt() < 0 || v.toInt() > 32) {
                *field = QStringLiteral("link.") + QLatin1String(key);
                *why = tr("must be a lane count from 0 to 32");
                return false;
            }
        }
        spec.linkSpeed = l.value(QLatin1String("speed")).toString();
        spec.maxLinkSpeed = l.value(QLatin1String("max_speed")).toString();
        spec.linkWidth = l.value(QLatin1String("width")).toInt();
        spec.maxLinkWidth = l.value(QLatin1String("max_width")).toInt();
    }
    const QJsonValue acs = device.value(QLatin1String("acs"));
    if (!acs.isUndefined() && !acs.isNull()) {
        const QJsonObject a = acs.toObject();
        if (!acs.isObject() || !hex16(a.value(QLatin1String("capability")), &spec.acsCapability)) {
            *field = QStringLiteral("acs.capability");
            *why = tr("must be the 16-bit ACS capability register in hex, e.g. \"0x005f\"");
            return false;
        }
        if (a.contains(QLatin1String("control")) && !hex16(a.value(QLatin1String("control")), &spec.acsControl)) {
            *field = QStringLiteral("acs.control");
            *why = tr("must be the 16-bit ACS control register in hex, e.g. \"0x001d\"");
            return false;
        }
    }
    return true;
}

void writeSimExtendedConfig(const SimDeviceSpec &spec, QByteArray &config)
{
    auto put16 = [&config](int off, int v) {
        config[off] = char(v & 0xff);
        config[off + 1] = char((v >> 8) & 0xff);
    };
    if (spec.acsCapability < 0)
        return;
    // Header at 0x100: id 0x000d, version 1, next 0 (the end of the list).
    put16(0x100, 0x000d);
    put16(0x102, 0x0001);
    put16(0x104, spec.acsCapability);
    put16(0x106, spec.acsControl);
}

} // namespace passdeck
