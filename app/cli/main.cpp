// passdeck-cli: the headless face of Passdeck. Global options may stand anywhere; each command
// lives in its own file and registers itself with CliRegistry.
#include "cli/CliContext.h"

#include "core/PassdeckVersion.h"

#include <QCoreApplication>

#include <algorithm>

using namespace passdeck::cli;

namespace {

void printHelp(CliContext &ctx)
{
    QTextStream &o = ctx.out();
    o << "Usage: passdeck-cli [global options] COMMAND [ARGS]\n\n"
         "Global options:\n"
         "  --host-root DIR   the directory that stands for / on the host (default: /)\n"
         "  --simulate        treat --host-root as a simulated node (kernel semantics by Passdeck)\n"
         "  --db FILE|URI     the state store: an SQLite file (default: in the user's data directory)\n"
         "                    or postgresql://USER@HOST:PORT/DBNAME (also ?host=/socket/dir);\n"
         "                    the password comes from ~/.pgpass or PGPASSFILE, never from here\n"
         "  --pci-ids FILE    the pci.ids file for names (default: the system's)\n"
         "  --json            machine-readable output\n"
         "  -h, --help        this help\n"
         "  --version         print the version (passdeck-cli X.Y.Z) and exit\n\n"
         "Commands:\n";
    QList<CliCommand> commands = CliRegistry::commands();
    std::sort(commands.begin(), commands.end(), [](const CliCommand &a, const CliCommand &b) { return a.name < b.name; });
    for (const CliCommand &c : commands)
        o << "  " << c.synopsis << "\n";
    o << "\nExit status: 0 success, 1 refused or failed (reason on stderr), 2 bad usage.\n";
    o.flush();
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("passdeck"));

    CliContext ctx;
    QStringList words = app.arguments().mid(1);
    bool help = false;
    bool dbGiven = false;
    for (qsizetype i = 0; i < words.size();) {
        const QString w = words.at(i);
        auto takeValue = [&](QString *target) -> bool {
            if (w.contains(u'=')) {
                *target = w.section(u'=', 1);
                words.removeAt(i);
                return true;
            }
            // An option's value is never another option: `--db --json` lacks its file.
            if (i + 1 >= words.size() || words.at(i + 1).startsWith(QLatin1String("--")))
                return false;
            *target = words.at(i + 1);
            words.remove(i, 2);
            return true;
        };
        const QString key = w.section(u'=', 0, 0);
        if (key == QLatin1String("--host-root")) {
            if (!takeValue(&ctx.hostRoot))
                return ctx.usage(QStringLiteral("--host-root needs a directory"));
            ctx.hostRootGiven = true;
        } else if (key == QLatin1String("--db")) {
            if (!takeValue(&ctx.dbPath))
                return ctx.usage(QStringLiteral("--db needs a file"));
            dbGiven = true;
        } else if (key == QLatin1String("--pci-ids")) {
            if (!takeValue(&ctx.pciIds))
                return ctx.usage(QStringLiteral("--pci-ids needs a file"));
        } else if (w == QLatin1String("--simulate")) {
            ctx.simulate = true;
            words.removeAt(i);
        } else if (w == QLatin1String("--json")) {
            ctx.json = true;
            words.removeAt(i);
        } else if (w == QLatin1String("--version")) {
            // Before any other check: the version needs no host root, store or command.
            ctx.out() << "passdeck-cli " << PASSDECK_VERSION << "\n";
            ctx.out().flush();
            return ExitOk;
        } else if (w == QLatin1String("-h") || w == QLatin1String("--help")) {
            help = true;
            words.removeAt(i);
        } else {
            ++i;
        }
    }
    if (ctx.hostRoot.isEmpty())
        return ctx.usage(QStringLiteral("--host-root needs a directory"));
    // An empty name is not "the default store": leaving --db out is.
    if (dbGiven && ctx.dbPath.isEmpty())
        return ctx.usage(QStringLiteral("--db needs a file; leave --db out for the default store"));
    if (ctx.simulate && !ctx.hostRootGiven)
        return ctx.usage(QStringLiteral("--simulate needs --host-root DIR (a simulated node's root)"));

    // The first word that is not an option is the command.
    const auto firstWord = std::find_if(words.cbegin(), words.cend(), [](const QString &w) { return !w.startsWith(u'-'); });
    if (help || firstWord == words.cend()) {
        printHelp(ctx);
        if (help)
            return ExitOk;
        return ctx.usage(QStringLiteral("no command given"));
    }
    ctx.command = *firstWord;
    words.removeAt(firstWord - words.cbegin());
    ctx.args = words;

    const CliCommand *command = CliRegistry::find(ctx.command);
    if (!command)
        return ctx.usage(QStringLiteral("unknown command '%1'").arg(ctx.command));
    return command->run(ctx);
}
