#pragma once
// Helpers for tests that need a simulated host root (header-only: tests list their own sources).
#include "core/Error.h"
#include "sim/SimHostBuilder.h"
#include "sim/SimHostDescription.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QString>
#include <QTemporaryDir>

namespace passdeck::test {

// A demo description from the compiled resources: "node-a" or "node-b".
inline QJsonObject demoDescription(const QString &node = QStringLiteral("node-a"))
{
    Result<QJsonObject> json = SimHostDescription::readJsonFile(QStringLiteral(":/demo/%1.json").arg(node));
    return json ? *json : QJsonObject();
}

// Builds `description` into <dir>/<name> and returns that root ("" and *error set on failure).
inline QString buildSimRoot(const QTemporaryDir &dir, const QJsonObject &description,
                            const QString &name = QStringLiteral("root"), Error *error = nullptr)
{
    const QString root = dir.path() + u'/' + name;
    Status st = SimHostBuilder::build(description, root);
    if (!st) {
        if (error)
            *error = st.error();
        return {};
    }
    return root;
}

// Reads a small file of a root ("sys/bus/pci/devices/0000:01:00.0/driver_override").
inline QByteArray readRootFile(const QString &root, const QString &relative)
{
    QFile f(root + u'/' + relative);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// The last component of a symlink's target ("vfio-pci" for .../driver), "" if no link.
inline QString rootLinkName(const QString &root, const QString &relative)
{
    const QString t = QFileInfo(root + u'/' + relative).symLinkTarget();
    return t.isEmpty() ? QString() : QFileInfo(t).fileName();
}

inline QString driverOf(const QString &root, const QString &address)
{
    return rootLinkName(root, QStringLiteral("sys/bus/pci/devices/%1/driver").arg(address));
}

} // namespace passdeck::test
