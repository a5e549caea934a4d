// Store commands, part 1: nodes, groups, make/remove resource (flow 1.1, docs/store.md).
#include "cli/StoreCommands.h"

#include "service/PassthroughUnits.h"
#include "core/PciAddress.h"

#include <QCoreApplication>

#include <algorithm>
#include <QJsonArray>

namespace passdeck::cli {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("StoreCommands", text);
}

// "--NAME VALUE" or "--NAME=VALUE"; *given says whether it was there. A --NAME without a value is
// a usage error naming that option: its exit code is returned (0 otherwise).
int takeRequiredOption(CliContext &ctx, const QString &name, QString *value, bool *given = nullptr)
{
    bool missing = false;
    const bool has = ctx.takeOption(name, value, &missing);
    if (given)
        *given = has;
    return missing ? ctx.usage(tr("%1 needs a value").arg(name)) : 0;
}

int runNodes(CliContext &ctx)
{
    if (int rc = rejectLeftovers(ctx, 0))
        return rc;
    int rc = ExitOk;
    auto service = openService(ctx, &rc);
    if (!service)
        return rc;
    auto nodes = service->nodes();
    if (!nodes)
        return ctx.fail(nodes.error());
    if (ctx.json) {
        QJsonArray a;
        for (const NodeInfo &n : *nodes)
            a.append(toJson(n));
        ctx.printJson(a);
        return ExitOk;
    }
    for (const NodeInfo &n : *nodes) {
        ctx.out() << n.name << "\t" << n.hostRoot << (n.simulated ? "\tsimulated" : "\treal") << "\t" << n.deviceCount << " devices";
        // A node behind an agent: its version as last reported, and whether it answers.
        if (!n.agentFingerprint.isEmpty())
            ctx.out() << "\t" << tr("agent %1").arg(n.agentVersion.isEmpty() ? QStringLiteral("?") : n.agentVersion);
        ctx.out() << "\t" << nodeStateText(n);
        if (n.maintenance)
            ctx.out() << "\tmaintenance";
        if (n.rebootRequired)
            ctx.out() << "\treboot required: " << n.rebootDevices.join(QLatin1String(", "));
        ctx.out() << "\n";
    }
    ctx.out().flush();
    return ExitOk;
}

} // namespace

void printReport(CliContext &ctx, const RefreshReport &r)
{
    if (ctx.json) {
        QJsonObject o = toJson(r.node);
        o.insert(QStringLiteral("added"), r.added);
        o.insert(QStringLiteral("updated"), r.updated);
        o.insert(QStringLiteral("vanished"), QJsonArray::fromStringList(r.vanished));
        o.insert(QStringLiteral("idsChanged"), QJsonArray::fromStringList(r.idsChanged));
        o.insert(QStringLiteral("warnings"), QJsonArray::fromStringList(r.warnings));
        ctx.printJson(o);
        return;
    }
    ctx.out() << tr("Node '%1': %2 device(s) present, %3 of them new.").arg(r.node.name).arg(r.added + r.updated).arg(r.added) << "\n";
    if (!r.vanished.isEmpty())
        ctx.out() << tr("Vanished (kept, flagged): %1").arg(r.vanished.join(QLatin1String(", "))) << "\n";
    if (!r.idsChanged.isEmpty())
        ctx.out() << tr("Ids changed (flagged): %1").arg(r.idsChanged.join(QLatin1String(", "))) << "\n";
    for (const QString &w : r.warnings)
        ctx.out() << tr("Warning: %1").arg(w) << "\n";
    ctx.out().flush();
}

namespace {

int runNode(CliContext &ctx)
{
    if (ctx.args.isEmpty())
        return ctx.usage(tr("node needs a subcommand: add, list, refresh, reboot, remove, devices, maintenance"));
    const QString sub = ctx.args.takeFirst();
    int rc = ExitOk;
    if (sub == QLatin1String("list")) {
        if (int r = rejectLeftovers(ctx, 0))
            return r;
        return runNodes(ctx);
    }
    if (sub == QLatin1String("add")
        && std::any_of(ctx.args.cbegin(), ctx.args.cend(), [](const QString &a) { return a.section(u'=', 0, 0) == QLatin1String("--agent"); }))
        return runNodeAddAgent(ctx);
    if (sub == QLatin1String("add")) {
        // --libvirt URI: the node's libvirt connection instead of the default (docs/libvirt.md).
        QString libvirtUri;
        bool missingUri = false;
        const bool hasUri = ctx.takeOption(QStringLiteral("--libvirt"), &libvirtUri, &missingUri);
        if (missingUri || (hasUri && libvirtUri.isEmpty()))
            return ctx.usage(tr("--libvirt needs a URI (e.g. qemu:///system)"));
        if (int r = rejectLeftovers(ctx, 1))
            return r;
        if (ctx.args.size() != 1)
            return ctx.usage(tr("node add NAME --host-root DIR [--simulate] [--libvirt URI]"));
        if (!ctx.hostRootGiven)
            return ctx.usage(tr("node add needs --host-root DIR"));
        auto service = openService(ctx, &rc);
        if (!service)
            return rc;
        auto r = service->addNode(ctx.args.at(0), ctx.hostRoot, ctx.simulate, {}, libvirtUri);
        if (!r)
            return ctx.fail(r.error());
        printReport(ctx, *r);
        return ExitOk;
    }
    if (sub == QLatin1String("refresh") || sub == QLatin1String("reboot") || sub == QLatin1String("remove")
        || sub == QLatin1String("devices") || sub == QLatin1String("maintenance")) {
        if (int r = rejectLeftovers(ctx, sub == QLatin1String("maintenance") ? 2 : 1))
            return r;
        if (ctx.args.isEmpty())
            return ctx.usage(tr("node %1 needs the node's NAME").arg(sub));
        auto service = openService(ctx, &rc);
        if (!service)
            return rc;
        auto node = service->findNode(ctx.args.at(0));
        if (!node)
            return ctx.fail(node.error());
        if (sub == QLatin1String("remove")) {
            return done(ctx, service->removeNode(node->id), tr("Removed node '%1' from the store.").arg(node->name));
        }
        if (sub == QLatin1String("maintenance")) {
            const QString v = ctx.args.value(1);
            if (v != QLatin1String("on") && v != QLatin1String("off"))
                return ctx.usage(tr("node maintenance NAME on|off"));
            return done(ctx, service->setMaintenance(node->id, v == QLatin1String("on")),
                        v == QLatin1String("on") ? tr("Node '%1' is in maintenance mode.").arg(node->name)
                                                 : tr("Node '%1' left maintenance mode.").arg(node->name));
        }
        if (sub == QLatin1String("devices")) {
            auto devices = service->devices(node->id);
            if (!devices)
                return ctx.fail(devices.error());
            QJsonArray a;
            for (const DeviceRecord &d : *devices) {
                if (ctx.json)
                    a.append(toJson(d));
                else
                    ctx.out() << d.address << "\t" << deviceStatusName(d.status) << "\t" << (d.driver.isEmpty() ? QStringLiteral("-") : d.driver)
                              << "\t" << d.groupName << "\t" << d.consumer << "\t" << d.deviceName << (d.present ? "" : "\t(vanished)")
                              << (d.idsChanged ? "\t(ids changed)" : "") << "\n";
            }
            if (ctx.json)
                ctx.printJson(a);
            ctx.out().flush();
            return ExitOk;
        }
        auto r = sub == QLatin1String("refresh") ? service->refreshNode(node->id) : service->rebootNode(node->id);
        if (!r)
            return ctx.fail(r.error());
        printReport(ctx, *r);
        return ExitOk;
    }
    return ctx.usage(tr("unknown node subcommand '%1'").arg(sub));
}

int runGroups(CliContext &ctx)
{
    QString tenantName;
    bool tenantGiven = false;
    if (int rc = takeRequiredOption(ctx, QStringLiteral("--tenant"), &tenantName, &tenantGiven))
        return rc;
    const bool all = ctx.takeFlag(QStringLiteral("--all"));
    if (int rc = rejectLeftovers(ctx, 0))
        return rc;
    int rc = ExitOk;
    auto service = openService(ctx, &rc);
    if (!service)
        return rc;
    Result<QList<ResourceGroup>> groups = all ? service->allGroups() : service->groups(GroupOwner::Host);
    if (tenantGiven) {
        auto t = service->findTenant(tenantName);
        if (!t)
            return ctx.fail(t.error());
        groups = service->groups(GroupOwner::Tenant, t->id);
    }
    if (!groups)
        return ctx.fail(groups.error());
    QJsonArray a;
    for (const ResourceGroup &g : *groups) {
        if (ctx.json)
            a.append(toJson(g));
        else
            ctx.out() << g.name << "\t" << groupClassName(g.groupClass) << "\t"
                      << (g.owner == GroupOwner::Host ? QStringLiteral("host") : QStringLiteral("tenant:") + g.tenantName)
                      << "\t" << tr("total %1, free %2, in use %3, tenants %4")
                                    .arg(PassthroughUnits::describe(g.total, g.functions, g.groupClass)).arg(g.free).arg(g.inUse).arg(g.tenantReserved)
                      << "\n";
    }
    if (ctx.json)
        ctx.printJson(a);
    ctx.out().flush();
    return ExitOk;
}

int runGroup(CliContext &ctx)
{
    if (ctx.args.isEmpty())
        return ctx.usage(tr("group needs a subcommand: create, edit, delete, devices"));
    const QString sub = ctx.args.takeFirst();
    QString name, description, cls, newName, tenantName;
    bool hasName = false, hasDescription = false, hasClass = false, hasNewName = false, hasTenant = false;
    if (int rc = takeRequiredOption(ctx, QStringLiteral("--name"), &name, &hasName))
        return rc;
    if (int rc = takeRequiredOption(ctx, QStringLiteral("--description"), &description, &hasDescription))
        return rc;
    if (int rc = takeRequiredOption(ctx, QStringLiteral("--class"), &cls, &hasClass))
        return rc;
    if (int rc = takeRequiredOption(ctx, QStringLiteral("--new-name"), &newName, &hasNewName))
        return rc;
    if (int rc = takeRequiredOption(ctx, QStringLiteral("--tenant"), &tenantName, &hasTenant))
        return rc;
    GroupClass groupClass = GroupClass::Other;
    if (hasClass && !groupClassFromString(cls, &groupClass))
        return ctx.usage(tr("unknown class '%1' (GPU, Network, Storage, USB, Audio, Accelerator, Other)").arg(cls));
    if (!hasName && !ctx.args.isEmpty() && sub != QLatin1String("create")) {
        name = ctx.args.takeFirst();
    }
    if (int rc = rejectLeftovers(ctx, 0))
        return rc;
    if (!hasName && name.isNull())
        return ctx.usage(tr("group %1 needs --name NAME").arg(sub));
    static const QStringList known = {QStringLiteral("create"), QStringLiteral("edit"), QStringLiteral("delete"), QStringLiteral("devices")};
    if (!known.contains(sub))
        return ctx.usage(tr("unknown group subcommand '%1'").arg(sub));
    int rc = ExitOk;
    auto service = openService(ctx, &rc);
    if (!service)
        return rc;
    if (sub == QLatin1String("create")) {
        auto g = service->createGroup(GroupSpec{name, description, groupClass});
        if (!g)
            return ctx.fail(g.error());
        if (ctx.json)
            ctx.printJson(toJson(*g));
        else
            ctx.out() << tr("Created resource group '%1'.").arg(g->name) << "\n";
        ctx.out().flush();
        return ExitOk;
    }
    // --tenant T: one of that tenant's groups (a tenant may reuse a host group's name).
    qint64 tenantId = 0;
    if (hasTenant) {
        auto t = service->findTenant(tenantName);
        if (!t)
            return ctx.fail(t.error());
        tenantId = t->id;
    }
    auto g = service->findGroup(name, tenantId);
    if (!g)
        return ctx.fail(g.error());
    if (sub == QLatin1String("delete")) {
        return done(ctx, service->deleteGroup(g->id), tr("Deleted resource group '%1'.").arg(g->name));
    }
    if (sub == QLatin1String("edit")) {
        GroupSpec spec{hasNewName ? newName : g->name, hasDescription ? description : g->description,
                       hasClass ? groupClass : g->groupClass};
        auto r = service->editGroup(g->id, spec);
        if (!r)
            return ctx.fail(r.error());
        if (ctx.json)
            ctx.printJson(toJson(*r));
        else
            ctx.out() << tr("Saved resource group '%1'.").arg(r->name) << "\n";
        ctx.out().flush();
        return ExitOk;
    }
    if (sub == QLatin1String("devices")) {
        auto devices = service->groupDevices(g->id);
        if (!devices)
            return ctx.fail(devices.error());
        QJsonArray a;
        for (const DeviceRecord &d : *devices) {
            if (ctx.json)
                a.append(toJson(d));
            else
                ctx.out() << d.nodeName << "\t" << d.address << "\t" << deviceStatusName(d.status) << "\t" << d.consumer << "\n";
        }
        if (ctx.json)
            ctx.printJson(a);
        ctx.out().flush();
        return ExitOk;
    }
    return ctx.usage(tr("unknown group subcommand '%1'").arg(sub));
}

int runResource(CliContext &ctx, bool make)
{
    QString groupName, nodeName;
    bool hasGroup = false, hasNode = false;
    if (int rc = takeRequiredOption(ctx, QStringLiteral("--group"), &groupName, &hasGroup))
        return rc;
    if (int rc = takeRequiredOption(ctx, QStringLiteral("--node"), &nodeName, &hasNode))
        return rc;
    ApplyOptions options;
    options.force = ctx.takeFlag(QStringLiteral("--force"));
    options.nextBoot = ctx.takeFlag(QStringLiteral("--next-boot"));
    if (int rc = rejectLeftovers(ctx, int(ctx.args.size())))
        return rc;
    if ((make && !hasGroup) || !hasNode || ctx.args.isEmpty())
        return ctx.usage(make ? tr("make-resource --group G --node N ADDR... [--force] [--next-boot]")
                              : tr("remove-resource --node N ADDR... [--force] [--next-boot]"));
    for (const QString &a : std::as_const(ctx.args))
        if (!PciAddress::isValid(a))
            return ctx.usage(tr("'%1' is not a PCI address (DDDD:BB:DD.F, lower-case hex)").arg(a));
    int rc = ExitOk;
    auto service = openService(ctx, &rc);
    if (!service)
        return rc;
    auto node = service->findNode(nodeName);
    if (!node)
        return ctx.fail(node.error());
    Result<ResourceChange> r = Error();
    if (make) {
        auto g = service->findGroup(groupName);
        if (!g)
            return ctx.fail(g.error());
        r = service->makeResource(g->id, node->id, ctx.args, options);
    } else {
        r = service->removeResource(node->id, ctx.args, options);
    }
    if (!r)
        return ctx.fail(r.error());
    if (ctx.json) {
        ctx.printJson(QJsonObject{{QStringLiteral("node"), r->nodeName}, {QStringLiteral("devices"), QJsonArray::fromStringList(r->devices)},
                                  {QStringLiteral("added"), QJsonArray::fromStringList(r->added)},
                                  {QStringLiteral("rules"), QJsonArray::fromStringList(r->rulesCreated)},
                                  {QStringLiteral("rebootRequired"), r->rebootRequired},
                                  {QStringLiteral("rebootDevices"), QJsonArray::fromStringList(r->rebootDevices)},
                                  {QStringLiteral("warnings"), QJsonArray::fromStringList(r->warnings)}});
        return ExitOk;
    }
    if (make)
        ctx.out() << tr("Resource rules created for %1.").arg(r->rulesCreated.join(QLatin1String(", "))) << "\n";
    else
        ctx.out() << tr("Returned to the host: %1.").arg(r->devices.join(QLatin1String(", "))) << "\n";
    if (!r->added.isEmpty())
        ctx.out() << tr("Came along for their IOMMU group: %1.").arg(r->added.join(QLatin1String(", "))) << "\n";
    for (const QString &w : r->warnings)
        ctx.out() << tr("Warning: %1").arg(w) << "\n";
    if (r->rebootRequired)
        ctx.out() << tr("Node '%1' must reboot for %2 (use maintenance mode before rebooting).")
                         .arg(r->nodeName, r->rebootDevices.join(QLatin1String(", ")))
                  << "\n";
    ctx.out().flush();
    return ExitOk;
}

int runAudit(CliContext &ctx)
{
    QString limitText;
    bool missing = false;
    const bool hasLimit = ctx.takeOption(QStringLiteral("--limit"), &limitText, &missing);
    int limit = 500;
    if (missing)
        return ctx.usage(tr("--limit needs a number"));
    if (hasLimit) {
        bool ok = false;
        limit = limitText.toInt(&ok);
        if (!ok || limit < 1)
            return ctx.usage(tr("--limit needs a whole number of entries, 1 or more, not '%1'").arg(limitText));
    }
    if (int rc = rejectLeftovers(ctx, 0))
        return rc;
    int rc = ExitOk;
    auto service = openService(ctx, &rc);
    if (!service)
        return rc;
    auto entries = service->audit(limit);
    if (!entries)
        return ctx.fail(entries.error());
    QJsonArray a;
    for (const AuditEntry &e : *entries) {
        if (ctx.json)
            a.append(toJson(e));
        else
            ctx.out() << e.at.toString(Qt::ISODate) << "\t" << e.user << "\t" << e.action << "\t" << e.subject << "\t"
                      << auditResultName(e.result) << (e.detail.isEmpty() ? QString() : QStringLiteral("\t") + e.detail) << "\n";
    }
    if (ctx.json)
        ctx.printJson(a);
    ctx.out().flush();
    return ExitOk;
}

const bool registered = [] {
    CliRegistry::add({QStringLiteral("nodes"), QStringLiteral("nodes [--json]   list the nodes in the store"), runNodes});
    CliRegistry::add({QStringLiteral("node"),
                      QStringLiteral("node add NAME --host-root DIR [--simulate] [--libvirt URI] | node add NAME --agent HOST:PORT --token-file FILE"
                                     " --fingerprint SHA256:<hex> | node list | node refresh|reboot|remove|devices NAME"
                                     " | node maintenance NAME on|off"),
                      runNode});
    CliRegistry::add({QStringLiteral("groups"), QStringLiteral("groups [--tenant T | --all] [--json]   list resource groups"), runGroups});
    CliRegistry::add({QStringLiteral("group"),
                      QStringLiteral("group create --name N [--description D] [--class C] | group edit|delete|devices --name N [--tenant T]"
                                     " [--new-name M]"),
                      runGroup});
    CliRegistry::add({QStringLiteral("make-resource"),
                      QStringLiteral("make-resource --group G --node N ADDR... [--force] [--next-boot]   devices -> vfio-pci, into a group"),
                      [](CliContext &ctx) { return runResource(ctx, true); }});
    CliRegistry::add({QStringLiteral("remove-resource"),
                      QStringLiteral("remove-resource --node N ADDR... [--force] [--next-boot]   back to the host driver"),
                      [](CliContext &ctx) { return runResource(ctx, false); }});
    CliRegistry::add({QStringLiteral("audit"), QStringLiteral("audit [--limit N] [--json]   the audit log, newest first"), runAudit});
    return true;
}();

} // namespace

} // namespace passdeck::cli
