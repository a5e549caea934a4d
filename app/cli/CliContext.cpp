#include "cli/CliContext.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cstdio>

namespace passdeck::cli {

QTextStream &CliContext::out()
{
    static QTextStream stream(stdout);
    return stream;
}

QTextStream &CliContext::err()
{
    static QTextStream stream(stderr);
    return stream;
}

int CliContext::usage(const QString &message)
{
    err() << "passdeck-cli: " << message << "\n"
          << "Try 'passdeck-cli --help'.\n";
    err().flush();
    return ExitUsage;
}

int CliContext::fail(const QString &message)
{
    QString line = message;
    line.replace(u'\n', u' ');
    err() << "passdeck-cli: " << line << "\n";
    err().flush();
    return ExitFailed;
}

int CliContext::fail(const Error &error)
{
    return fail(error.message());
}

void CliContext::printJson(const QJsonValue &value)
{
    QJsonDocument doc = value.isArray() ? QJsonDocument(value.toArray()) : QJsonDocument(value.toObject());
    const QByteArray bytes = doc.toJson(QJsonDocument::Indented);
    out().flush();
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stdout);
    std::fflush(stdout);
}

bool CliContext::takeOption(const QString &name, QString *value, bool *missingValue)
{
    if (missingValue)
        *missingValue = false;
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString &a = args.at(i);
        if (a == name) {
            // A value is never another option: "--name --description" lacks the name (a value
            // that starts with "--" can be given as --name=VALUE).
            if (i + 1 >= args.size() || args.at(i + 1).startsWith(QLatin1String("--"))) {
                if (missingValue)
                    *missingValue = true;
                args.removeAt(i);
                return false;
            }
            *value = args.at(i + 1);
            args.remove(i, 2);
            return true;
        }
        if (a.startsWith(name + u'=')) {
            *value = a.mid(name.size() + 1);
            args.removeAt(i);
            return true;
        }
    }
    return false;
}

bool CliContext::takeFlag(const QString &name)
{
    return args.removeAll(name) > 0;
}

QString CliContext::firstUnknownOption() const
{
    for (const QString &a : args)
        if (a.startsWith(QLatin1String("--")))
            return a;
    return {};
}

namespace {
QList<CliCommand> &registry()
{
    static QList<CliCommand> commands;
    return commands;
}
} // namespace

bool CliRegistry::add(CliCommand command)
{
    registry().append(std::move(command));
    return true;
}

const QList<CliCommand> &CliRegistry::commands()
{
    return registry();
}

const CliCommand *CliRegistry::find(const QString &name)
{
    for (const CliCommand &c : registry())
        if (c.name == name)
            return &c;
    return nullptr;
}

} // namespace passdeck::cli
