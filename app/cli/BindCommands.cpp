// passdeck-cli plan | bind | unbind | sriov | sysfs-write: the binding engine from the shell.
// The JSON shapes here are a contract (tests/kernel relies on them): see docs/binding.md.
#include "cli/CliContext.h"

#include "node/bind/BindPlanner.h"
#include "node/LocalNode.h"
#include "connect/NodeConnector.h"
#include "node/host/PersistentConfig.h"
#include "node/host/RealSysfsWriter.h"
#include "node/host/SysfsWriter.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonObject>
#include <QMap>
#include <QRegularExpression>

namespace passdeck::cli {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("BindCommands", text);
}

QString severityName(Severity s)
{
    switch (s) {
    case Severity::Blocker: return QStringLiteral("blocker");
    case Severity::Warning: return QStringLiteral("warning");
    case Severity::Info: return QStringLiteral("info");
    }
    return {};
}

QJsonArray stringsJson(const QStringList &list)
{
    return QJsonArray::fromStringList(list);
}

QJsonArray findingsJson(const QList<Finding> &findings)
{
    QJsonArray out;
    for (const Finding &f : findings)
        out.append(QJsonObject{{QStringLiteral("severity"), severityName(f.severity)},
                               {QStringLiteral("code"), f.code},
                               {QStringLiteral("device"), f.device},
                               {QStringLiteral("message"), f.message},
                               {QStringLiteral("forcible"), f.forcible}});
    return out;
}

QJsonObject planJson(const BindPlan &plan)
{
    QJsonArray writes;
    for (const PlannedWrite &w : plan.writes)
        writes.append(QJsonObject{{QStringLiteral("device"), w.device},
                                  {QStringLiteral("path"), w.path},
                                  {QStringLiteral("value"), QString::fromUtf8(w.value)},
                                  {QStringLiteral("step"), w.step}});
    return QJsonObject{{QStringLiteral("target"), BindPlanner::targetName(plan.target)},
                       {QStringLiteral("devices"), stringsJson(plan.devices)},
                       {QStringLiteral("added"), stringsJson(plan.added)},
                       {QStringLiteral("writes"), writes},
                       {QStringLiteral("findings"), findingsJson(plan.findings)}};
}

QJsonValue errorJson(const Error &e)
{
    return QJsonObject{{QStringLiteral("code"), errorCodeName(e.code)},
                       {QStringLiteral("device"), e.device},
                       {QStringLiteral("step"), e.step},
                       {QStringLiteral("errno"), e.errnum},
                       {QStringLiteral("errno_name"), e.errnum ? QJsonValue(errnoName(e.errnum)) : QJsonValue()},
                       {QStringLiteral("message"), e.message()}};
}

QString shownValue(const QByteArray &value)
{
    if (value == "\n")
        return QStringLiteral("\"\\n\"");
    return u'"' + QString::fromUtf8(value) + u'"';
}

void printFindings(QTextStream &o, const QList<Finding> &findings)
{
    if (findings.isEmpty()) {
        o << tr("Findings: none") << "\n";
        return;
    }
    o << tr("Findings:") << "\n";
    // Blockers and warnings are always shown in full; info findings of one kind (e.g. one per VF
    // of a 512-VF apply) are cut after a few, with a count.
    constexpr int kInfoShown = 3;
    QMap<QString, int> infoSeen;
    for (const Finding &f : findings)
        if (f.severity == Severity::Info)
            ++infoSeen[f.code];
    QMap<QString, int> infoPrinted;
    for (const Finding &f : findings) {
        if (f.severity == Severity::Info && infoSeen.value(f.code) > kInfoShown + 1) {
            const int n = ++infoPrinted[f.code];
            if (n > kInfoShown) {
                if (n == kInfoShown + 1)
                    o << "  [info] " << tr("... and %1 more like this (%2); --json lists them all")
                                            .arg(infoSeen.value(f.code) - kInfoShown).arg(f.code) << "\n";
                continue;
            }
        }
        o << "  [" << severityName(f.severity) << "] " << f.message;
        if (f.severity == Severity::Blocker)
            o << (f.forcible ? tr(" (can be forced with --force)") : tr(" (cannot be forced)"));
        o << "\n";
    }
}

QString driverShown(const QString &driver)
{
    return driver.isEmpty() ? tr("(no driver)") : driver;
}

void printPlan(QTextStream &o, const BindPlan &plan)
{
    const bool toVfio = plan.target == BindTarget::VfioPci;
    int moving = 0;
    for (const QString &d : plan.devices)
        if (!BindPlanner::isOnTarget(plan.originalDrivers.value(d), plan.originalOverrides.value(d), plan.target))
            ++moving;
    if (moving == 0)
        o << (toVfio ? tr("Plan: nothing to do, the %1 device(s) are already on vfio-pci")
                     : tr("Plan: nothing to do, the %1 device(s) are already on their host drivers")).arg(plan.devices.size()) << "\n";
    else
        o << (toVfio ? tr("Plan: move %1 of %2 device(s) to vfio-pci") : tr("Plan: move %1 of %2 device(s) back to their host drivers"))
                 .arg(moving).arg(plan.devices.size()) << "\n";
    for (const QString &d : plan.devices) {
        const QString from = plan.originalDrivers.value(d);
        o << "  " << d << "  ";
        if (BindPlanner::isOnTarget(from, plan.originalOverrides.value(d), plan.target))
            o << from << tr("  (already there)");
        else
            o << driverShown(from) << " -> " << (toVfio ? QStringLiteral("vfio-pci") : tr("host driver"));
        if (plan.added.contains(d))
            o << tr("  (comes along: same IOMMU group)");
        o << "\n";
    }
    if (plan.writes.isEmpty()) {
        o << tr("Writes: none") << "\n";
    } else {
        o << tr("Writes:") << "\n";
        int n = 0;
        for (const PlannedWrite &w : plan.writes)
            o << QStringLiteral("  %1. %2 %3 <- %4").arg(++n).arg(w.step, -8).arg(w.path, shownValue(w.value)) << "\n";
    }
    printFindings(o, plan.findings);
}

// The addresses are what is left of the arguments; an unknown option is bad usage.
bool takeAddresses(CliContext &ctx, QStringList *addresses, int *exitCode)
{
    if (const QString unknown = ctx.firstUnknownOption(); !unknown.isEmpty()) {
        *exitCode = ctx.usage(tr("unknown option '%1' for %2").arg(unknown, ctx.command));
        return false;
    }
    if (ctx.args.isEmpty()) {
        *exitCode = ctx.usage(tr("%1 needs at least one device address (e.g. 0000:01:00.0)").arg(ctx.command));
        return false;
    }
    for (const QString &a : std::as_const(ctx.args)) {
        if (!PciAddress::isValid(a)) {
            *exitCode = ctx.usage(PciAddress::parse(a).error().message());
            return false;
        }
    }
    *addresses = ctx.args;
    return true;
}

// plan, bind, unbind and sriov go through the Node interface (core/Node.h), as the service
// does: one call per operation, the node re-planning and re-checking before it writes.
Result<std::unique_ptr<Node>> openNode(CliContext &ctx)
{
    ConnectOptions options;
    options.inventory.pciIdsPath = ctx.pciIds;
    NodeInfo info;
    info.name = ctx.hostRoot;
    info.hostRoot = ctx.hostRoot;
    info.simulated = ctx.simulate;
    return nodeFactory(options)(info);
}

// The driver of a plan's device now, "" when none or unreadable.
QString driverNow(Node &node, const QString &address)
{
    auto states = node.driverStates({address});
    return states ? states->value(address).driver : QString();
}

int runPlan(CliContext &ctx)
{
    QString targetText = QStringLiteral("vfio-pci");
    bool missing = false;
    ctx.takeOption(QStringLiteral("--target"), &targetText, &missing);
    if (missing)
        return ctx.usage(tr("--target needs vfio-pci or host"));
    if (targetText != QLatin1String("vfio-pci") && targetText != QLatin1String("host"))
        return ctx.usage(tr("unknown target '%1': use vfio-pci or host").arg(targetText.left(64)));
    const BindTarget target = targetText == QLatin1String("host") ? BindTarget::Host : BindTarget::VfioPci;
    QStringList addresses;
    int code = 0;
    if (!takeAddresses(ctx, &addresses, &code))
        return code;
    Result<std::unique_ptr<Node>> node = openNode(ctx);
    if (!node)
        return ctx.fail(node.error());
    Result<BindPlan> plan = node.value()->plan(addresses, target);
    if (!plan)
        return ctx.fail(plan.error());
    if (ctx.json)
        ctx.printJson(planJson(plan.value()));
    else
        printPlan(ctx.out(), plan.value());
    ctx.out().flush();
    return ExitOk;
}

// The binder's refusal says what to resolve; only the command line has a force, so only it
// offers one, and only when every blocker may be forced.
Error withForceHint(Error e, const QList<Finding> &findings)
{
    if (e.code != ErrorCode::Blocked)
        return e;
    bool any = false;
    for (const Finding &f : findings) {
        if (f.severity != Severity::Blocker)
            continue;
        if (!f.forcible)
            return e;
        any = true;
    }
    if (any)
        e.addHint(tr("If you are sure, repeat with --force."));
    return e;
}

int runMove(CliContext &ctx, BindTarget target)
{
    ApplyOptions options;
    options.force = ctx.takeFlag(QStringLiteral("--force"));
    options.nextBoot = ctx.takeFlag(QStringLiteral("--next-boot"));
    QStringList addresses;
    int code = 0;
    if (!takeAddresses(ctx, &addresses, &code))
        return code;
    Result<std::unique_ptr<Node>> opened = openNode(ctx);
    if (!opened)
        return ctx.fail(opened.error());
    Node &node = *opened.value();

    QJsonObject json{{QStringLiteral("ok"), false},
                     {QStringLiteral("target"), BindPlanner::targetName(target)},
                     {QStringLiteral("devices"), QJsonArray()},
                     {QStringLiteral("reboot_required"), false},
                     {QStringLiteral("reboot_devices"), QJsonArray()},
                     {QStringLiteral("findings"), QJsonArray()},
                     {QStringLiteral("error"), QJsonValue()}};
    auto failWith = [&](const Error &e, const BindPlan *plan) {
        if (ctx.json) {
            if (plan) {
                QJsonArray devices;
                for (const QString &d : plan->devices)
                    devices.append(QJsonObject{{QStringLiteral("address"), d},
                                               {QStringLiteral("original_driver"), plan->originalDrivers.value(d)},
                                               {QStringLiteral("driver"), driverNow(node, d)}});
                json[QStringLiteral("devices")] = devices;
                json[QStringLiteral("findings")] = findingsJson(plan->findings);
            }
            json[QStringLiteral("error")] = errorJson(e);
            ctx.printJson(json);
        }
        return ctx.fail(e);
    };

    Result<BindPlan> plan = node.plan(addresses, target);
    if (!plan)
        return failWith(plan.error(), nullptr);
    if (!ctx.json) {
        printPlan(ctx.out(), plan.value());
        if (options.nextBoot && !plan->writes.isEmpty())
            ctx.out() << tr("--next-boot: none of these writes is made now; the persistent configuration under %1 is "
                            "written instead and the node makes the change when it boots.")
                             .arg(HostRoot(node.address()).path(QStringLiteral("etc"))) << "\n";
    }
    ctx.out().flush();

    int lastPercent = -1;
    if (!ctx.json && plan->writes.size() > 50)
        options.progress = [&](int done, int total, const QString &) {
            const int percent = total ? done * 100 / total : 100;
            if (percent / 10 != lastPercent / 10) {
                lastPercent = percent;
                ctx.err() << tr("progress: %1%").arg(percent) << "\n";
                ctx.err().flush();
            }
        };
    Result<ApplyResult> applied = node.apply(plan.value(), options);
    if (!applied) {
        if (!ctx.json) {
            QTextStream &o = ctx.out();
            if (applied.error().code == ErrorCode::Blocked) {
                o << tr("Outcome: refused, nothing was changed (the reason follows on stderr).") << "\n";
            } else {
                o << tr("Outcome: failed (the error follows on stderr); the devices are now on:") << "\n";
                for (const QString &d : std::as_const(plan->devices))
                    o << "  " << d << "  " << driverShown(driverNow(node, d)) << "\n";
            }
            o.flush();
        }
        return failWith(withForceHint(applied.error(), plan->findings), &plan.value());
    }

    const ApplyResult &r = applied.value();
    if (ctx.json) {
        QJsonArray devices;
        for (const DeviceOutcome &d : r.devices)
            devices.append(QJsonObject{{QStringLiteral("address"), d.address},
                                       {QStringLiteral("original_driver"), d.originalDriver},
                                       {QStringLiteral("driver"), d.driver}});
        json[QStringLiteral("ok")] = true;
        json[QStringLiteral("devices")] = devices;
        json[QStringLiteral("reboot_required")] = r.rebootRequired;
        json[QStringLiteral("reboot_devices")] = stringsJson(r.rebootDevices);
        json[QStringLiteral("findings")] = findingsJson(r.findings);
        ctx.printJson(json);
        return ExitOk;
    }
    QTextStream &o = ctx.out();
    o << tr("Outcome:") << "\n";
    for (const DeviceOutcome &d : r.devices) {
        o << "  " << d.address << "  ";
        if (r.rebootDevices.contains(d.address))
            o << driverShown(d.driver) << (target == BindTarget::VfioPci ? tr("  (vfio-pci after the next boot)")
                                                                          : tr("  (host driver after the next boot)"));
        else if (d.driver == d.originalDriver)
            o << driverShown(d.driver) << tr("  (unchanged)");
        else
            o << driverShown(d.originalDriver) << " -> " << driverShown(d.driver);
        o << "\n";
    }
    for (const Finding &f : r.findings)
        if (f.code == QLatin1String("busy"))
            o << "  [warning] " << f.message << "\n";
    if (r.rebootRequired)
        o << tr("Reboot required: the persistent configuration is written; %1 move(s) at the next boot of this node "
                "(put the node in maintenance mode before rebooting).").arg(r.rebootDevices.join(QLatin1String(", "))) << "\n";
    else if (target == BindTarget::VfioPci)
        o << tr("Done: %1 device(s) on vfio-pci, kept across reboots by %2.")
                 .arg(r.devices.size()).arg(PersistentConfig::rulesRelativePath()) << "\n";
    else {
        QStringList driverless;
        for (const DeviceOutcome &d : r.devices)
            if (d.driver.isEmpty())
                driverless.append(d.address);
        o << tr("Done: %1 device(s) off vfio-pci; their boot-time vfio-pci binding is removed.").arg(r.devices.size()) << "\n";
        if (!driverless.isEmpty())
            o << tr("No host driver took %1 (none matches, it is not loaded, or the PF's sriov_drivers_autoprobe is 0 "
                    "for a VF); the device has no driver now.").arg(driverless.join(QLatin1String(", "))) << "\n";
    }
    o.flush();
    return ExitOk;
}

int runSriov(CliContext &ctx)
{
    QString vfsText;
    bool missing = false;
    const bool given = ctx.takeOption(QStringLiteral("--vfs"), &vfsText, &missing);
    const bool noAutoprobe = ctx.takeFlag(QStringLiteral("--no-autoprobe"));
    const bool force = ctx.takeFlag(QStringLiteral("--force"));
    if (!given || missing)
        return ctx.usage(tr("sriov needs --vfs N"));
    // A plain decimal number only: " 2", "+2", "0x2" and "2 " are refused, not read as 2. The
    // kernel takes at most 65535 (kstrtou16); the PF's own limit is checked by the binder.
    bool isNumber = false;
    const int count = vfsText.toInt(&isNumber);
    static const QRegularExpression decimal(QRegularExpression::anchoredPattern(QStringLiteral("[0-9]{1,5}")));
    if (!isNumber || count < 0 || count > 65535 || !decimal.match(vfsText).hasMatch())
        return ctx.usage(tr("--vfs needs a plain number of VFs from 0 to 65535, not '%1'").arg(vfsText.left(32)));
    if (const QString unknown = ctx.firstUnknownOption(); !unknown.isEmpty())
        return ctx.usage(tr("unknown option '%1' for sriov").arg(unknown));
    if (ctx.args.size() != 1)
        return ctx.usage(tr("sriov needs exactly one PF address"));
    const QString pf = ctx.args.first();
    if (!PciAddress::isValid(pf))
        return ctx.usage(PciAddress::parse(pf).error().message());
    Result<std::unique_ptr<Node>> node = openNode(ctx);
    if (!node)
        return ctx.fail(node.error());
    // The impact check of the VFs the change removes, shown; setVfCount checks again and refuses.
    const Result<QList<Finding>> impact = node.value()->vfCountImpact(pf, count);
    const QList<Finding> findings = impact ? impact.value() : QList<Finding>();
    if (!ctx.json && !findings.isEmpty()) {
        printFindings(ctx.err(), findings);
        ctx.err().flush();
    }
    Result<QStringList> vfs = node.value()->setVfCount(pf, count, VfCountOptions{!noAutoprobe, force});
    QStringList now;
    if (vfs)
        now = vfs.value();
    else if (Result<SriovState> state = node.value()->sriovState(pf))
        now = state->vfs;
    if (ctx.json)
        ctx.printJson(QJsonObject{{QStringLiteral("ok"), vfs.ok()},
                                  {QStringLiteral("address"), pf},
                                  {QStringLiteral("numvfs"), int(now.size())},
                                  {QStringLiteral("vfs"), stringsJson(now)},
                                  {QStringLiteral("findings"), findingsJson(findings)},
                                  {QStringLiteral("error"), vfs ? QJsonValue() : errorJson(vfs.error())}});
    if (!vfs)
        return ctx.fail(withForceHint(vfs.error(), findings));
    if (!ctx.json) {
        ctx.out() << tr("%1 has %2 VF(s)").arg(pf).arg(now.size()) << (now.isEmpty() ? QString() : QStringLiteral(": ") + now.join(QLatin1String(", "))) << "\n";
        ctx.out().flush();
    }
    return ExitOk;
}

int runSysfsWrite(CliContext &ctx)
{
    if (const QString unknown = ctx.firstUnknownOption(); !unknown.isEmpty())
        return ctx.usage(tr("unknown option '%1' for sysfs-write").arg(unknown));
    if (ctx.args.size() != 2)
        return ctx.usage(tr("sysfs-write needs PATH VALUE"));
    const QString path = ctx.args.at(0);
    const QByteArray value = ctx.args.at(1).toUtf8();
    if (!RealSysfsWriter::isSafeRelativePath(path) || !path.startsWith(QLatin1String("sys/bus/pci/")))
        return ctx.usage(tr("sysfs-write only writes under sys/bus/pci/, with a path relative to the host root and "
                            "without \".\" or \"..\" components: '%1'").arg(path.left(128)));
    // The one command below the Node interface: a diagnostic write of one value with its errno,
    // which no whole operation offers. The CLI is also the node-side tool, so it may open the
    // node's HostAccess (LocalNode) directly; a remote node would run this on the node itself.
    InventoryOptions options;
    options.pciIdsPath = ctx.pciIds;
    Result<std::unique_ptr<LocalNode>> node = LocalNode::open(ctx.hostRoot, ctx.simulate, options);
    if (!node)
        return ctx.fail(node.error());
    const int e = node.value()->write(path, value);
    if (ctx.json) {
        ctx.printJson(QJsonObject{{QStringLiteral("path"), path},
                                  {QStringLiteral("value"), QString::fromUtf8(value)},
                                  {QStringLiteral("errno"), e},
                                  {QStringLiteral("errno_name"), e ? QJsonValue(errnoName(e)) : QJsonValue()}});
    } else {
        if (e == 0)
            ctx.out() << tr("%1: written, errno 0").arg(path) << "\n";
        else
            ctx.out() << tr("%1: errno %2 (%3): %4").arg(path).arg(e).arg(errnoName(e), RealSysfsWriter::errnoMeaning(path, e)) << "\n";
        ctx.out().flush();
    }
    // It reports, it does not judge: the errno is the answer.
    return ExitOk;
}

const bool registered = [] {
    CliRegistry::add({QStringLiteral("plan"), QStringLiteral("plan ADDR... [--target vfio-pci|host] [--json]   dry run: writes and impact check"), runPlan});
    CliRegistry::add({QStringLiteral("bind"), QStringLiteral("bind ADDR... [--force] [--next-boot] [--json]   move devices to vfio-pci"),
                      [](CliContext &ctx) { return runMove(ctx, BindTarget::VfioPci); }});
    CliRegistry::add({QStringLiteral("unbind"), QStringLiteral("unbind ADDR... [--force] [--next-boot] [--json]   move devices back to their host driver"),
                      [](CliContext &ctx) { return runMove(ctx, BindTarget::Host); }});
    CliRegistry::add({QStringLiteral("sriov"), QStringLiteral("sriov ADDR --vfs N [--no-autoprobe] [--force] [--json]   set a PF's VF count (impact check on the VFs it removes)"), runSriov});
    CliRegistry::add({QStringLiteral("sysfs-write"), QStringLiteral("sysfs-write PATH VALUE [--json]   one diagnostic write under sys/bus/pci, prints the errno"), runSysfsWrite});
    return true;
}();

} // namespace

} // namespace passdeck::cli
