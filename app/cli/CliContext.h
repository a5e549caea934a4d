#pragma once

#include "core/Error.h"

#include <QJsonValue>
#include <QString>
#include <QStringList>
#include <QTextStream>

#include <functional>

namespace passdeck::cli {

// Exit codes of passdeck-cli: 0 success, 1 operational error or refusal, 2 bad usage.
enum ExitCode { ExitOk = 0, ExitFailed = 1, ExitUsage = 2 };

// The global options (accepted anywhere on the command line) and the command's own arguments.
struct CliContext
{
    QString hostRoot = QStringLiteral("/");
    bool hostRootGiven = false;
    bool simulate = false;
    bool json = false;
    QString dbPath;   // a file or a postgresql:// URI; empty: the default store in the user's data directory
    QString pciIds;   // empty: the system pci.ids
    QString command;  // e.g. "devices"
    QStringList args; // what follows the command, global options removed

    QTextStream &out();
    QTextStream &err();

    // Prints "passdeck-cli: <message>" on stderr; returns ExitUsage / ExitFailed for `return`.
    int usage(const QString &message);
    int fail(const QString &message);
    int fail(const Error &error);

    void printJson(const QJsonValue &value);

    // Takes "--name VALUE" (or "--name=VALUE") out of args; false if absent.
    // Sets *missingValue when the option is the last word or is followed by another option
    // ("--name --description": a value starting with "--" must be written --name=VALUE).
    bool takeOption(const QString &name, QString *value, bool *missingValue = nullptr);
    bool takeFlag(const QString &name);
    // The first remaining word starting with "--", if any (for "unknown option" errors).
    QString firstUnknownOption() const;
};

struct CliCommand
{
    QString name;     // first word: "devices", "bind", "node"...
    QString synopsis; // for --help: "devices [--json]"
    std::function<int(CliContext &)> run;
};

// Commands register themselves from their own source file, so that each area of the CLI lives
// in one file and main.cpp never needs to know them.
class CliRegistry
{
public:
    static bool add(CliCommand command);
    static const QList<CliCommand> &commands();
    static const CliCommand *find(const QString &name);
};

} // namespace passdeck::cli
