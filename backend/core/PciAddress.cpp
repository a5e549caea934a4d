#include "core/PciAddress.h"

#include <QCoreApplication>

namespace passdeck {

namespace {
bool isLowerHex(QChar c)
{
    return (c >= u'0' && c <= u'9') || (c >= u'a' && c <= u'f');
}
int hexValue(QStringView text)
{
    int v = 0;
    for (QChar c : text)
        v = v * 16 + (c <= u'9' ? c.unicode() - u'0' : c.unicode() - u'a' + 10);
    return v;
}
} // namespace

bool PciAddress::isValid(QStringView t)
{
    // Hand-written rather than a QRegularExpression: it runs for every device of every scan.
    if (t.size() != 12 || t[4] != u':' || t[7] != u':' || t[10] != u'.')
        return false;
    for (int i : {0, 1, 2, 3, 5, 6, 8, 9})
        if (!isLowerHex(t[i]))
            return false;
    return t[11] >= u'0' && t[11] <= u'7';
}

Result<PciAddress> PciAddress::parse(QStringView text)
{
    if (!isValid(text)) {
        Error e = Error::make(ErrorCode::BadAddress,
                              QCoreApplication::translate("PciAddress", "Invalid PCI address \"%1\"")
                                  .arg(text.left(64).toString()),
                              QCoreApplication::translate("PciAddress",
                                  "an address must look like 0000:01:00.0 (domain:bus:slot.function, lower-case hex)"),
                              QCoreApplication::translate("PciAddress",
                                  "Copy the address from `passdeck-cli devices` or the PCI Devices table."));
        return e;
    }
    return fromParts(hexValue(text.mid(0, 4)), hexValue(text.mid(5, 2)), hexValue(text.mid(8, 2)),
                     text[11].unicode() - u'0');
}

Result<QList<PciAddress>> PciAddress::parseList(const QStringList &texts, Spelling spelling, QString *invalid)
{
    QList<PciAddress> parsed;
    for (const QString &given : texts) {
        const QString text = spelling == Spelling::Normalized ? given.trimmed().toLower() : given;
        Result<PciAddress> a = parse(text);
        if (!a) {
            if (invalid)
                *invalid = given;
            Error e = a.error();
            e.device = given.left(64);
            return e;
        }
        if (!parsed.contains(a.value()))
            parsed.append(a.value());
    }
    if (parsed.isEmpty())
        return Error::make(ErrorCode::NoDevices, QCoreApplication::translate("PciAddress", "Nothing to plan"),
                           QCoreApplication::translate("PciAddress", "no device address was given"),
                           QCoreApplication::translate("PciAddress", "Name at least one device, e.g. 0000:01:00.0."));
    return parsed;
}

PciAddress PciAddress::fromParts(int domain, int bus, int slot, int function)
{
    PciAddress a;
    a.m_domain = domain;
    a.m_bus = bus;
    a.m_slot = slot;
    a.m_function = function;
    return a;
}

QString PciAddress::toString() const
{
    if (isNull())
        return {};
    return QStringLiteral("%1:%2:%3.%4")
        .arg(m_domain, 4, 16, QLatin1Char('0'))
        .arg(m_bus, 2, 16, QLatin1Char('0'))
        .arg(m_slot, 2, 16, QLatin1Char('0'))
        .arg(m_function);
}

bool isValidDriverName(QStringView name)
{
    if (name.isEmpty() || name.size() > 64 || name == u"." || name == u"..")
        return false;
    for (QChar c : name) {
        const bool ok = (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || (c >= u'0' && c <= u'9')
                        || c == u'_' || c == u'-';
        if (!ok)
            return false;
    }
    return true;
}

} // namespace passdeck
