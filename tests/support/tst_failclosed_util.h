#pragma once
// Shared by the fail-closed tests: an "outside" directory that stands for everything a host root
// must never reach (this machine's /sys, /etc, /dev), and a fingerprint of it to assert that
// nothing in it changed.
#include <QByteArray>
#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>

#include <sys/stat.h>
#include <sys/types.h>

namespace failclosed {

// Every entry below dir (links not followed), with its type and content: equal fingerprints
// mean nothing was created, removed or written.
inline QByteArray fingerprint(const QString &dir)
{
    QByteArray out;
    QDirIterator it(dir, QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System,
                    QDirIterator::Subdirectories);
    QStringList entries;
    while (it.hasNext())
        entries.append(it.next());
    entries.sort();
    for (const QString &e : std::as_const(entries)) {
        const QFileInfo info(e);
        out += e.toUtf8() + ' ';
        if (info.isSymLink()) {
            out += "-> " + info.symLinkTarget().toUtf8();
        } else if (info.isFile()) {
            QFile f(e);
            if (f.open(QIODevice::ReadOnly))
                out += QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256).toHex();
        } else if (info.isDir()) {
            out += "dir";
        }
        out += '\n';
    }
    return out;
}

inline bool writeText(const QString &path, const QByteArray &content)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(content) == content.size();
}

// Replaces path (a file or directory under a test root) with a symbolic link to target.
inline bool replaceWithLink(const QString &path, const QString &target)
{
    const QFileInfo info(path);
    if (info.isDir() && !info.isSymLink())
        QDir(path).removeRecursively();
    else
        QFile::remove(path);
    QDir().mkpath(info.absolutePath());
    return QFile::link(target, path);
}

// Replaces path with a FIFO (no reader, no writer: a blocking open() never returns).
inline bool replaceWithFifo(const QString &path)
{
    QFile::remove(path);
    return ::mkfifo(QFile::encodeName(path).constData(), 0644) == 0;
}

// "../" repeated often enough to climb from dir (inside a root) to "/", then path.
inline QString upAndOver(const QString &fromDir, const QString &absoluteTarget)
{
    const int depth = int(QDir::cleanPath(fromDir).count(u'/'));
    QString up;
    for (int i = 0; i < depth + 2; ++i)
        up += QStringLiteral("../");
    return up + absoluteTarget.mid(1);
}

} // namespace failclosed
