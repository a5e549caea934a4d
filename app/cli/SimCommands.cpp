// passdeck-cli sim build|scale|reboot|fault|link: create and drive simulated nodes.
#include "cli/CliContext.h"

#include "node/host/HostRoot.h"
#include "sim/SimCapture.h"
#include "sim/SimHostBuilder.h"
#include "sim/SimKernel.h"
#include "sim/SimScale.h"
#include "node/host/SysfsWriter.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QRegularExpression>

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
        return ctx.usage(tr("usage: passdeck-cli --host-root DIR sim fault PATTERN --errno N|NAME [--count C] | --delay MS | --clear"));
    if (!SimHostBuilder::isSimulatedRoot(ctx.hostRoot))
        return ctx.fail(tr("%1 is not a simulated node").arg(ctx.hostRoot));
    SimKernel kernel{HostRoot(ctx.hostRoot)};
    if (ctx.takeFlag(QStringLiteral("--clear"))) {
        Status st = kernel.clearFaults();
        if (!st)
            return ctx.fail(st.error());
        ctx.out() << tr("Injected faults and the write delay of %1 cleared").arg(ctx.hostRoot) << "\n";
        return ExitOk;
    }
    QString value;
    bool missing = false;
    if (ctx.takeOption(QStringLiteral("--delay"), &value, &missing)) {
        bool ok = false;
        const int ms = value.toInt(&ok);
        if (!ok || ms < 0)
            return ctx.usage(tr("--delay needs milliseconds"));
        Status st = kernel.setWriteDelay(ms);
        if (!st)
            return ctx.fail(st.error());
        ctx.out() << (ms > 0 ? tr("Every write to %1 now waits %2 ms first").arg(ctx.hostRoot).arg(ms)
                             : tr("Writes to %1 no longer wait").arg(ctx.hostRoot)) << "\n";
        return ExitOk;
    }
    QString errnoText, countText;
    const bool hasErrno = ctx.takeOption(QStringLiteral("--errno"), &errnoText, &missing);
    int count = 1;
    bool ok = false;
    if (ctx.takeOption(QStringLiteral("--count"), &countText, &missing)) {
        count = countText.toInt(&ok);
        if (!ok || count < 1 || !QRegularExpression(QRegularExpression::anchoredPattern(QStringLiteral("[0-9]{1,9}"))).match(countText).hasMatch())
            return ctx.usage(tr("--count needs a positive number"));
    }
    if (const QString unknown = ctx.firstUnknownOption(); !unknown.isEmpty())
        return ctx.usage(tr("unknown option %1 for sim fault").arg(unknown));
    if (!hasErrno || ctx.args.size() != 2)
        return ctx.usage(tr("usage: sim fault PATTERN --errno N|NAME [--count C]   (e.g. sys/bus/pci/drivers_probe --errno EBUSY)"));
    // A plain decimal number (16) or a name (EBUSY); within the errnos Linux has.
    int err = 0;
    static const QRegularExpression decimal(QRegularExpression::anchoredPattern(QStringLiteral("[0-9]{1,6}")));
    if (decimal.match(errnoText).hasMatch()) {
        err = errnoText.toInt();
    } else {
        for (int e = 1; e <= SimKernel::kMaxErrno && err == 0; ++e)
            if (errnoName(e).compare(errnoText, Qt::CaseInsensitive) == 0)
                err = e;
    }
    if (err <= 0 || err > SimKernel::kMaxErrno)
        return ctx.usage(tr("--errno needs a number from 1 to %1 or a name such as EBUSY, not \"%2\"")
                             .arg(SimKernel::kMaxErrno).arg(errnoText.left(32)));
    if (Status valid = SimKernel::validateFault(ctx.args.at(1), err, count); !valid)
        return ctx.usage(tr("%1: %2").arg(valid.error().what, valid.error().why));
    Status st = kernel.injectFault(ctx.args.at(1), err, count);
    if (!st)
        return ctx.fail(st.error());
    ctx.out() << tr("The next %1 write(s) to %2 matching %3 fail with %4 (%5)")
                     .arg(count).arg(ctx.hostRoot, ctx.args.at(1), errnoName(err)).arg(err) << "\n";
    return ExitOk;
}

// sim link IFACE up|down: what `ip link set` would change, on a simulated node.
int simLink(CliContext &ctx)
{
    if (!ctx.hostRootGiven || ctx.args.size() != 3
        || (ctx.args.at(2) != QLatin1String("up") && ctx.args.at(2) != QLatin1String("down")))
        return ctx.usage(tr("usage: passdeck-cli --host-root DIR sim link IFACE up|down"));
    if (!SimHostBuilder::isSimulatedRoot(ctx.hostRoot))
        return ctx.fail(tr("%1 is not a simulated node").arg(ctx.hostRoot));
    SimKernel kernel{HostRoot(ctx.hostRoot)};
    Status st = kernel.setLinkState(ctx.args.at(1), ctx.args.at(2) == QLatin1String("up"));
    if (!st)
        return ctx.fail(st.error());
    ctx.out() << tr("%1 is %2").arg(ctx.args.at(1), ctx.args.at(2)) << "\n";
    return ExitOk;
}

// sim capture SRC DIR [--name NAME] [--force]: a twin of any host root, read only.
int simCapture(CliContext &ctx)
{
    const bool force = ctx.takeFlag(QStringLiteral("--force"));
    QString name = QStringLiteral("twin");
    bool missing = false;
    if (!ctx.takeOption(QStringLiteral("--name"), &name, &missing) && missing)
        return ctx.usage(tr("--name needs a node name"));
    if (const QString unknown = ctx.firstUnknownOption(); !unknown.isEmpty())
        return ctx.usage(tr("unknown option %1 for sim capture").arg(unknown));
    if (ctx.args.size() != 3)
        return ctx.usage(tr("usage: sim capture SRC DIR [--name NAME] [--force]   (SRC: a host root such as /)"));
    SimCaptureOptions options;
    options.nodeName = name;
    options.force = force;
    QElapsedTimer timer;
    timer.start();
    Result<SimCaptureReport> report = SimCapture::capture(ctx.args.at(1), ctx.args.at(2), options);
    if (!report)
        return ctx.fail(report.error());
    for (const QString &w : std::as_const(report->warnings))
        ctx.err() << tr("warning: %1").arg(w) << "\n";
    ctx.out() << tr("Captured %1 PCI devices of %2 into the simulated node %3 (%4 ms, %5 warnings)")
                     .arg(report->devices).arg(ctx.args.at(1), ctx.args.at(2)).arg(timer.elapsed()).arg(report->warnings.size())
              << "\n";
    return ExitOk;
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
    if (sub == QLatin1String("link"))
        return simLink(ctx);
    if (sub == QLatin1String("capture"))
        return simCapture(ctx);
    return ctx.usage(tr("sim needs a subcommand: build, scale, capture, reboot, fault or link"));
}

const bool registered = CliRegistry::add(
    {QStringLiteral("sim"),
     QStringLiteral("sim build DIR --description FILE [--force] | sim scale DIR --devices N [--seed S] [--force]\n"
                    "      | sim capture SRC DIR [--name NAME] [--force]\n"
                    "      | sim reboot | sim fault PATTERN --errno N|NAME [--count C] | sim fault --delay MS | sim fault --clear\n"
                    "      | sim link IFACE up|down"),
     runSim});

} // namespace

} // namespace passdeck::cli
