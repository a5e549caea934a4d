#pragma once
// Fixtures of the agent tests: a simulated host root and a digest of everything in it, to show
// that a refused request wrote nothing.

#include "sim/SimHostBuilder.h"

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QString>

namespace passdeck::test {

// Builds the demo node-a (or another resources/demo description) into <dir>/root.
inline QString buildAgentRoot(const QString &dir, const QString &demo = QStringLiteral("node-a"), QString *error = nullptr)
{
    const QString root = dir + QStringLiteral("/root");
    const Status st = SimHostBuilder::buildFromFile(QStringLiteral(PASSDECK_SOURCE_DIR "/resources/demo/") + demo
                                                        + QStringLiteral(".json"), root);
    if (!st) {
        if (error)
            *error = st.error().message();
        return {};
    }
    return root;
}

// SHA-256 over every path, file content and link target under root (sorted, links not followed).
inline QByteArray treeDigest(const QString &root)
{
    QStringList entries;
    QDirIterator it(root, QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    while (it.hasNext())
        entries << it.next();
    entries.sort();
    QCryptographicHash hash(QCryptographicHash::Sha256);
    for (const QString &path : entries) {
        const QFileInfo fi(path);
        hash.addData(path.toUtf8());
        if (fi.isSymLink()) {
            hash.addData(QByteArray("->" + fi.symLinkTarget().toUtf8()));
        } else if (fi.isFile()) {
            QFile f(path);
            if (f.open(QIODevice::ReadOnly))
                hash.addData(f.read(1 << 20));
        }
    }
    return hash.result().toHex();
}

} // namespace passdeck::test
