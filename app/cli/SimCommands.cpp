// passdeck-cli sim build|scale|reboot|fault: create and drive simulated nodes.
#include "CliContext.h"

#include "HostRoot.h"
#include "SimHostBuilder.h"
#include "SimKernel.h"
#include "SimScale.h"

#include <QCoreApplication>
#include <QElapsedTimer>

namespace passdeck::cli {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("SimCommands", text);
}

int simBuild(CliContext &ctx, bool scale)
{
    const bool force = ctx.takeFlag(QStringLiteral("--force"));
    QString description, devicesText, seedText;
    bool missing = false;
    quint32 seed = 1;
    int devices = 0;
    if (scale) {
        if (!ctx.takeOption(QStringLiteral("--devices"), &devicesText, &missing))
            return ctx.usage(tr("sim scale needs --devices N"));
        bool ok = false;
        devices = devicesText.toInt(&ok);
        if (!ok || devices < 1 || devices > 200000)
            return ctx.usage(tr("--devices must be a number from 1 to 200000, not \"%1\"").arg(devicesText));
        if (ctx.takeOption(QStringLiteral("--seed"), &seedText, &missing)) {
            seed = seedText.toUInt(&ok);
            if (!ok)
                return ctx.usage(tr("--seed must be a non-negative number, not \"%1\"").arg(seedText));
        } else if (missing) {
            return ctx.usage(tr("--seed needs a number"));
        }
    } else if (!ctx.takeOption(QStringLiteral("--description"), &description, &missing)) {
        return ctx.usage(tr("sim build needs --description FILE (or a resource such as :/demo/node-a.json)"));
    }
    if (const QString unknown = ctx.firstUnknownOption(); !unknown.isEmpty())
        return ctx.usage(tr("unknown option %1").arg(unknown));
    if (ctx.args.size() != 2)
        return ctx.usage(scale ? tr("usage: sim scale DIR --devices N [--seed S] [--force]")
                               : tr("usage: sim build DIR --description FILE [--force]"));
    const QString dir = ctx.args.at(1);
    QElapsedTimer timer;
    timer.start();
    SimHostBuilder::Options options;
    options.force = force;
    Status st = scale ? SimHostBuilder::build(SimScale::description({devices, seed, QStringLiteral("scale"), -1}), dir, options)
                      : SimHostBuilder::buildFromFile(description, dir, options);
    if (!st)
        return ctx.fail(st.error());
    ctx.out() << tr("Built simulated node in %1 (%2 ms)").arg(dir).arg(timer.elapsed()) << "\n";
    return ExitOk;
}

int simReboot(CliContext &ctx)
{
    if (!ctx.hostRootGiven || ctx.args.size() != 1)
        return ctx.usage(tr("usage: passdeck-cli --host-root DIR sim reboot"));
    if (!SimHostBuilder::isSimulatedRoot(ctx.hostRoot))
        return ctx.fail(tr("%1 is not a simulated node; Passdeck never reboots a real machine").arg(ctx.hostRoot));
    SimKernel kernel{HostRoot(ctx.hostRoot)};
    Status st = kernel.reboot();
    if (!st)
        return ctx.fail(st.error());
    ctx.out() << tr("Simulated node %1 rebooted").arg(ctx.hostRoot) << "\n";
    return ExitOk;
}

// sim fault PATTERN --errno N [--count C] | --delay MS | --clear
int simFault(CliContext &ctx)
{
    if (!ctx.hostRootGiven)
        return ctx.usage(tr("usage: passdeck-cli --host-root DIR sim fault PATTERN --errno N [--count C] | --delay MS | --clear"));
    if (!SimHostBuilder::isSimulatedRoot(ctx.hostRoot))
        return ctx.fail(tr("%1 is not a simulated node").arg(ctx.hostRoot));
    SimKernel kernel{HostRoot(ctx.hostRoot)};
    if (ctx.takeFlag(QStringLiteral("--clear"))) {
        Status st = kernel.clearFaults();
        return st ? int(ExitOk) : ctx.fail(st.error());
    }
    QString value;
    bool missing = false;
    if (ctx.takeOption(QStringLiteral("--delay"), &value, &missing)) {
        bool ok = false;
        const int ms = value.toInt(&ok);
        if (!ok || ms < 0)
            return ctx.usage(tr("--delay needs milliseconds"));
        Status st = kernel.setWriteDelay(ms);
        return st ? int(ExitOk) : ctx.fail(st.error());
    }
    QString errnoText, countText;
    if (!ctx.takeOption(QStringLiteral("--errno"), &errnoText, &missing) || ctx.args.size() != 2)
        return ctx.usage(tr("usage: sim fault PATTERN --errno N [--count C]"));
    bool ok = false;
    const int err = errnoText.toInt(&ok);
    if (!ok || err <= 0)
        return ctx.usage(tr("--errno needs a positive number (e.g. 16 for EBUSY)"));
    int count = 1;
    if (ctx.takeOption(QStringLiteral("--count"), &countText, &missing)) {
        count = countText.toInt(&ok);
        if (!ok || count < 1)
            return ctx.usage(tr("--count needs a positive number"));
    }
    Status st = kernel.injectFault(ctx.args.at(1), err, count);
    return st ? int(ExitOk) : ctx.fail(st.error());
}

int runSim(CliContext &ctx)
{
    const QString sub = ctx.args.value(0);
    if (sub == QLatin1String("build"))
        return simBuild(ctx, false);
    if (sub == QLatin1String("scale"))
        return simBuild(ctx, true);
    if (sub == QLatin1String("reboot"))
        return simReboot(ctx);
    if (sub == QLatin1String("fault"))
        return simFault(ctx);
    return ctx.usage(tr("sim needs a subcommand: build, scale, reboot or fault"));
}

const bool registered = CliRegistry::add(
    {QStringLiteral("sim"),
     QStringLiteral("sim build DIR --description FILE [--force] | sim scale DIR --devices N [--seed S] [--force]\n"
                    "      | sim reboot | sim fault PATTERN --errno N [--count C] | --delay MS | --clear"),
     runSim});

} // namespace

} // namespace passdeck::cli
