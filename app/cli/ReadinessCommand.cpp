// passdeck-cli readiness --node N [--json]: is the node ready for passthrough (docs/readiness.md).
// Exit status: 0 no blocker (warnings may remain), 1 a blocker or the node could not be
// checked, 2 bad usage (docs/cli.md).
#include "cli/StoreCommands.h"

#include "service/Readiness.h"

#include <QCoreApplication>
#include <QJsonArray>

namespace passdeck::cli {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("ReadinessCommand", text);
}

QJsonObject toJson(const ReadinessReport &r)
{
    QJsonArray findings;
    for (const ReadinessFinding &f : r.findings)
        findings.append(QJsonObject{{QStringLiteral("code"), f.code},
                                    {QStringLiteral("severity"), Readiness::severityName(f.severity)},
                                    {QStringLiteral("device"), f.device.isEmpty() ? QJsonValue() : QJsonValue(f.device)},
                                    {QStringLiteral("message"), f.message},
                                    {QStringLiteral("action"), f.action}});
    return {{QStringLiteral("node"), r.node},
            {QStringLiteral("ready"), r.ready()},
            {QStringLiteral("summary"), r.summary()},
            {QStringLiteral("blockers"), r.count(Severity::Blocker)},
            {QStringLiteral("warnings"), r.count(Severity::Warning)},
            {QStringLiteral("findings"), findings}};
}

int runReadiness(CliContext &ctx)
{
    QString nodeName;
    bool missing = false;
    const bool hasNode = ctx.takeOption(QStringLiteral("--node"), &nodeName, &missing);
    if (missing)
        return ctx.usage(tr("--node needs a node name"));
    if (int r = rejectLeftovers(ctx, 0))
        return r;
    if (!hasNode)
        return ctx.usage(tr("readiness needs --node N (a node of the store: see `passdeck-cli nodes`)"));
    int rc = ExitOk;
    auto service = openService(ctx, &rc);
    if (!service)
        return rc;
    auto node = service->findNode(nodeName);
    if (!node)
        return ctx.fail(node.error());
    auto report = service->readinessReport(node->id);
    if (!report)
        return ctx.fail(report.error());
    if (ctx.json) {
        ctx.printJson(toJson(*report));
    } else {
        QTextStream &o = ctx.out();
        o << tr("Node %1: %2").arg(report->node, report->summary()) << "\n";
        for (const ReadinessFinding &f : report->findings) {
            o << "\n" << Readiness::severityName(f.severity).toUpper() << "  " << f.code;
            if (!f.device.isEmpty())
                o << "  " << f.device;
            o << "\n  " << f.message << "\n  " << tr("What to do: %1").arg(f.action) << "\n";
        }
        o.flush();
    }
    return report->ready() ? ExitOk : ExitFailed;
}

const bool registered = [] {
    CliRegistry::add({QStringLiteral("readiness"),
                      QStringLiteral("readiness --node N [--json]   is the node ready for passthrough (exit 1: blockers)"),
                      runReadiness});
    return true;
}();

} // namespace

} // namespace passdeck::cli
