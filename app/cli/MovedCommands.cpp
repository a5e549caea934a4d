// passdeck-cli moved: hardware that moved (docs/moved-hardware.md). A refresh offers, the
// administrator confirms or dismisses; nothing moves before.
#include "cli/StoreCommands.h"

#include <QCoreApplication>
#include <QJsonArray>

namespace passdeck::cli {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("MovedCommands", text);
}

QString idsText(const MovedOffer &o)
{
    return QStringLiteral("%1:%2").arg(o.vendorId, 4, 16, QLatin1Char('0')).arg(o.deviceId, 4, 16, QLatin1Char('0'));
}

QJsonObject toJson(const MovedOffer &o)
{
    return {{QStringLiteral("node"), o.nodeName},
            {QStringLiteral("group"), o.groupName},
            {QStringLiteral("old_address"), o.oldAddress},
            {QStringLiteral("new_address"), o.newAddress},
            {QStringLiteral("ids"), idsText(o)},
            {QStringLiteral("device_name"), o.deviceName},
            {QStringLiteral("matched_by"), o.matchedBy},
            {QStringLiteral("slot"), o.slot},
            {QStringLiteral("serial_number"), o.serialNumber},
            {QStringLiteral("found_at"), o.foundAt},
            {QStringLiteral("dismissed"), o.dismissed}};
}

QString matchText(const MovedOffer &o)
{
    return o.matchedBy == QLatin1String("serial") ? tr("serial number %1").arg(o.serialNumber)
                                                   : tr("slot %1").arg(o.slot);
}

// moved [--node NAME] [--all] [--json] | moved confirm|dismiss OLD NEW --node NAME
int runMoved(CliContext &ctx)
{
    QString nodeName;
    bool missing = false;
    if (!ctx.takeOption(QStringLiteral("--node"), &nodeName, &missing) && missing)
        return ctx.usage(tr("--node needs a node name"));
    const bool all = ctx.takeFlag(QStringLiteral("--all"));
    const QString sub = ctx.args.value(0);
    const bool answer = sub == QLatin1String("confirm") || sub == QLatin1String("dismiss");
    if (!answer && !sub.isEmpty())
        return ctx.usage(tr("usage: moved [--node NAME] [--all] [--json] | moved confirm|dismiss OLD NEW --node NAME"));
    if (int r = rejectLeftovers(ctx, answer ? 3 : 0))
        return r;
    if (answer && (ctx.args.size() != 3 || nodeName.isEmpty()))
        return ctx.usage(tr("usage: moved %1 OLD NEW --node NAME").arg(sub));
    int rc = ExitOk;
    auto service = openService(ctx, &rc);
    if (!service)
        return rc;
    qint64 nodeId = 0;
    if (!nodeName.isEmpty()) {
        auto node = service->findNode(nodeName);
        if (!node)
            return ctx.fail(node.error());
        nodeId = node->id;
    }
    if (answer) {
        const QString from = ctx.args.at(1), to = ctx.args.at(2);
        auto r = sub == QLatin1String("confirm") ? service->confirmMove(nodeId, from, to) : service->dismissMove(nodeId, from, to);
        if (!r)
            return ctx.fail(r.error());
        return done(ctx, {}, sub == QLatin1String("confirm")
                                 ? tr("The rule of group '%1' for %2 moved from %3 to %4 on node '%5'. Refresh the node to read "
                                      "what is now at %3.").arg(r->groupName, idsText(*r), from, to, r->nodeName)
                                 : tr("The move of %1 to %2 on node '%3' is dismissed; the rule stays at %1.")
                                       .arg(from, to, r->nodeName));
    }
    auto offers = service->movedHardware(nodeId, all);
    if (!offers)
        return ctx.fail(offers.error());
    if (ctx.json) {
        QJsonArray list;
        for (const MovedOffer &o : std::as_const(*offers))
            list.append(toJson(o));
        ctx.printJson(list);
        return ExitOk;
    }
    if (offers->isEmpty())
        ctx.out() << tr("No hardware moved.") << "\n";
    for (const MovedOffer &o : std::as_const(*offers))
        ctx.out() << tr("%1: %2 %3 (group '%4') moved %5 → %6, recognised by %7%8")
                         .arg(o.nodeName, idsText(o), o.deviceName, o.groupName, o.oldAddress, o.newAddress, matchText(o),
                              o.dismissed ? tr(" [dismissed]") : QString())
                  << "\n";
    if (!offers->isEmpty() && !all)
        ctx.out() << tr("Confirm with: passdeck-cli moved confirm OLD NEW --node NODE (or dismiss)") << "\n";
    return ExitOk;
}

const bool registered = CliRegistry::add(
    {QStringLiteral("moved"),
     QStringLiteral("moved [--node NAME] [--all] [--json] | moved confirm|dismiss OLD NEW --node NAME"), runMoved});

} // namespace

} // namespace passdeck::cli
