#include "core/JsonReader.h"

#include "core/PciAddress.h"

#include <QCoreApplication>
#include <QMap>

namespace passdeck {

namespace {
QString tr(const char *text)
{
    return QCoreApplication::translate("NodeCodec", text);
}
} // namespace

JsonReader::JsonReader(const QJsonValue &value, QString path, QString *problem)
    : m_object(value.toObject())
    , m_path(std::move(path))
    , m_problem(problem)
{
    if (!value.isObject() && m_problem->isEmpty())
        *m_problem = tr("%1: expected an object").arg(m_path);
}

void JsonReader::fail(const QString &key, const QString &why) const
{
    if (m_problem->isEmpty())
        *m_problem = QStringLiteral("%1.%2: %3").arg(m_path, key, why);
}

QJsonValue JsonReader::member(const QString &key, bool required) const
{
    if (failed())
        return {};
    const auto it = m_object.constFind(key);
    if (it == m_object.constEnd() || it->isUndefined()) {
        if (required)
            fail(key, tr("missing"));
        return QJsonValue(QJsonValue::Undefined);
    }
    return *it;
}

JsonReader JsonReader::object(const QString &key) const
{
    const QJsonValue v = member(key, true);
    if (failed())
        return JsonReader(QJsonObject(), m_path + QLatin1Char('.') + key, m_problem);
    return JsonReader(v, m_path + QLatin1Char('.') + key, m_problem);
}

QString JsonReader::string(const QString &key, int maxLength, bool required) const
{
    const QJsonValue v = member(key, required);
    if (v.isUndefined())
        return {};
    if (!v.isString()) {
        fail(key, tr("expected a string"));
        return {};
    }
    const QString s = v.toString();
    if (s.size() > maxLength) {
        fail(key, tr("longer than %1 characters").arg(maxLength));
        return {};
    }
    if (s.contains(QChar(0))) {
        fail(key, tr("contains a NUL character"));
        return {};
    }
    return s;
}

QString JsonReader::address(const QString &key, bool allowEmpty) const
{
    const QString s = string(key, 64);
    if (failed() || (allowEmpty && s.isEmpty()))
        return s;
    if (!PciAddress::isValid(s)) {
        fail(key, tr("'%1' is not a PCI address").arg(s));
        return {};
    }
    return s;
}

QString JsonReader::driver(const QString &key) const
{
    const QString s = string(key, 64);
    if (failed() || s.isEmpty())
        return s;
    if (!isValidDriverName(s)) {
        fail(key, tr("'%1' is not a driver name").arg(s));
        return {};
    }
    return s;
}

qint64 JsonReader::integer(const QString &key, qint64 min, qint64 max, bool required, qint64 fallback) const
{
    const QJsonValue v = member(key, required);
    if (v.isUndefined())
        return fallback;
    const double d = v.toDouble();
    if (!v.isDouble() || d != double(qint64(d))) {
        fail(key, tr("expected an integer"));
        return fallback;
    }
    if (qint64(d) < min || qint64(d) > max) {
        fail(key, tr("%1 is outside %2..%3").arg(qint64(d)).arg(min).arg(max));
        return fallback;
    }
    return qint64(d);
}

bool JsonReader::boolean(const QString &key, bool required) const
{
    const QJsonValue v = member(key, required);
    if (v.isUndefined())
        return false;
    if (!v.isBool()) {
        fail(key, tr("expected true or false"));
        return false;
    }
    return v.toBool();
}

QJsonArray JsonReader::array(const QString &key, int maxItems) const
{
    const QJsonValue v = member(key, true);
    if (failed())
        return {};
    if (!v.isArray()) {
        fail(key, tr("expected an array"));
        return {};
    }
    const QJsonArray a = v.toArray();
    if (a.size() > maxItems) {
        fail(key, tr("more than %1 entries").arg(maxItems));
        return {};
    }
    return a;
}

QStringList JsonReader::strings(const QString &key, int maxItems, int maxLength) const
{
    QStringList out;
    const QJsonArray a = array(key, maxItems);
    for (qsizetype i = 0; i < a.size() && !failed(); ++i) {
        const QString entry = QStringLiteral("%1[%2]").arg(key).arg(i);
        if (!a.at(i).isString())
            fail(entry, tr("expected a string"));
        else if (a.at(i).toString().size() > maxLength)
            fail(entry, tr("longer than %1 characters").arg(maxLength));
        else if (a.at(i).toString().contains(QChar(0)))
            fail(entry, tr("contains a NUL character"));
        else
            out << a.at(i).toString();
    }
    return failed() ? QStringList() : out;
}

QStringList JsonReader::addresses(const QString &key, int maxItems) const
{
    const QStringList list = strings(key, maxItems, 64);
    for (qsizetype i = 0; i < list.size() && !failed(); ++i)
        if (!PciAddress::isValid(list.at(i)))
            fail(QStringLiteral("%1[%2]").arg(key).arg(i), tr("'%1' is not a PCI address").arg(list.at(i)));
    return failed() ? QStringList() : list;
}

QMap<QString, QString> JsonReader::stringMap(const QString &key, int maxItems, bool keysAreAddresses, bool valuesAreDrivers) const
{
    QMap<QString, QString> out;
    const QJsonValue v = member(key, true);
    if (failed())
        return out;
    if (!v.isObject()) {
        fail(key, tr("expected an object"));
        return out;
    }
    const QJsonObject o = v.toObject();
    if (o.size() > maxItems) {
        fail(key, tr("more than %1 entries").arg(maxItems));
        return out;
    }
    for (auto it = o.constBegin(); it != o.constEnd() && !failed(); ++it) {
        const QString entry = QStringLiteral("%1[%2]").arg(key, it.key().left(64));
        if (keysAreAddresses && !PciAddress::isValid(it.key()))
            fail(entry, tr("the key is not a PCI address"));
        else if (!it.value().isString())
            fail(entry, tr("expected a string"));
        else if (valuesAreDrivers && !it.value().toString().isEmpty() && !isValidDriverName(it.value().toString()))
            fail(entry, tr("'%1' is not a driver name").arg(it.value().toString().left(64)));
        else if (it.value().toString().size() > 4096)
            fail(entry, tr("longer than %1 characters").arg(4096));
        else
            out.insert(it.key(), it.value().toString());
    }
    return failed() ? QMap<QString, QString>() : out;
}

Error JsonReader::error(const QString &what) const
{
    return Error::make(ErrorCode::BadMessage, what, *m_problem,
                       tr("The node and Passdeck may be different versions, or the message was damaged; nothing was done."));
}

} // namespace passdeck
