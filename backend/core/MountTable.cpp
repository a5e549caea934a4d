#include "core/MountTable.h"

#include <QCoreApplication>

#include <algorithm>

namespace passdeck::mounttable {

namespace {
QString tr(const char *text)
{
    // The sentences were the impact check's; their translations stay under its context.
    return QCoreApplication::translate("ImpactCheck", text);
}

// /proc/mounts escapes blanks in paths as octal (\040).
QString unescapeMountField(const QString &field)
{
    if (!field.contains(u'\\'))
        return field;
    QString out;
    for (qsizetype i = 0; i < field.size(); ++i) {
        if (field[i] == u'\\' && i + 3 < field.size()) {
            bool ok = false;
            const int code = field.mid(i + 1, 3).toInt(&ok, 8);
            if (ok) {
                out += QChar(code);
                i += 3;
                continue;
            }
        }
        out += field[i];
    }
    return out;
}

bool isOnBlockDevice(const QString &source, const QStringList &blockDevices)
{
    static const QString dev = QStringLiteral("/dev/");
    if (!source.startsWith(dev))
        return false;
    const QStringView name = QStringView(source).mid(dev.size());
    for (const QString &bd : blockDevices) {
        if (bd.isEmpty() || !name.startsWith(bd))
            continue;
        QStringView rest = name.mid(bd.size());
        if (rest.isEmpty())
            return true;
        // nvme0n1 -> nvme0n1p2 (a name ending in a digit takes "p"), sda -> sda1.
        if (bd.back().isDigit()) {
            if (!rest.startsWith(u'p'))
                continue;
            rest = rest.mid(1);
        }
        if (!rest.isEmpty() && std::all_of(rest.begin(), rest.end(), [](QChar c) { return c.isDigit(); }))
            return true;
    }
    return false;
}

} // namespace

QStringList mountsOn(const QStringList &blockDevices, const QString &procMounts, const QString &procSwaps)
{
    QStringList found;
    if (blockDevices.isEmpty())
        return found;
    for (QStringView line : QStringView(procMounts).split(u'\n')) {
        const QList<QStringView> fields = line.split(u' ', Qt::SkipEmptyParts);
        if (fields.size() < 2)
            continue;
        const QString source = unescapeMountField(fields[0].toString());
        if (isOnBlockDevice(source, blockDevices))
            found.append(tr("%1 on %2").arg(source, unescapeMountField(fields[1].toString())));
    }
    for (QStringView line : QStringView(procSwaps).split(u'\n')) {
        const QList<QStringView> fields = line.split(u' ', Qt::SkipEmptyParts);
        if (fields.isEmpty())
            continue;
        const QString source = unescapeMountField(fields[0].toString());
        if (isOnBlockDevice(source, blockDevices))
            found.append(tr("%1 as swap").arg(source));
    }
    return found;
}

QString rootMountLines(const QString &procMounts)
{
    QStringList lines;
    for (const QString &line : procMounts.split(u'\n')) {
        const QStringList fields = line.split(u' ', Qt::SkipEmptyParts);
        if (fields.size() >= 2 && fields.at(1) == QLatin1String("/"))
            lines << line;
    }
    return lines.join(u'\n');
}

} // namespace passdeck::mounttable
