#pragma once

#include "core/Error.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QString>
#include <QStringList>

namespace passdeck {

// Reads one JSON object field by field, checking every type, range and size, for input that
// may come from the network (core/NodeCodec.h). The first problem is kept (with the field's
// path, e.g. "plan.devices[3]") and every later read returns a default, so a decoder reads all
// fields and checks failed() once at the end.
class JsonReader
{
public:
    JsonReader(const QJsonValue &value, QString path, QString *problem);

    bool failed() const { return !m_problem->isEmpty(); }
    const QString &path() const { return m_path; }
    // The reader of a member object (a problem when it is not an object).
    JsonReader object(const QString &key) const;

    bool has(const QString &key) const { return m_object.contains(key); }
    QString string(const QString &key, int maxLength = 4096, bool required = true) const;
    // A PCI address (PciAddress::isValid); with allowEmpty also "".
    QString address(const QString &key, bool allowEmpty = false) const;
    // A kernel driver name (isValidDriverName) or "".
    QString driver(const QString &key) const;
    qint64 integer(const QString &key, qint64 min, qint64 max, bool required = true, qint64 fallback = 0) const;
    bool boolean(const QString &key, bool required = true) const;
    QStringList strings(const QString &key, int maxItems, int maxLength = 4096) const;
    QStringList addresses(const QString &key, int maxItems) const;
    // An array's elements (a problem when it is not an array or has more than maxItems).
    QJsonArray array(const QString &key, int maxItems) const;
    // A JSON object of string -> string (map keys are addresses: checked with keyCheck).
    QMap<QString, QString> stringMap(const QString &key, int maxItems, bool keysAreAddresses, bool valuesAreDrivers) const;

    void fail(const QString &key, const QString &why) const;

    // The Error for a failed read: code "bad-message".
    Error error(const QString &what) const;

    static constexpr int kMaxDevices = 65536;
    static constexpr int kMaxItems = 4096;

private:
    QJsonValue member(const QString &key, bool required) const;

    QJsonObject m_object;
    QString m_path;
    QString *m_problem;
};

} // namespace passdeck
