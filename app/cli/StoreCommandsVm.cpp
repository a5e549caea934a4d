// Store commands, part 2: VMs (flow 1.2) and tenants (flow 1.3).
#include "cli/StoreCommands.h"

#include "service/VmPassthroughSnippets.h"

#include <QCoreApplication>
#include <QJsonArray>

namespace passdeck::cli {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("StoreCommands", text);
}

bool takeValue(CliContext &ctx, const char *option, QString *value, bool *given, int *rc)
{
    bool missing = false;
    *given = ctx.takeOption(QLatin1String(option), value, &missing);
    if (missing) {
        *rc = ctx.usage(tr("%1 needs a value").arg(QLatin1String(option)));
        return false;
    }
    return true;
}

int printList(CliContext &ctx, const QJsonArray &json, const QStringList &lines)
{
    if (ctx.json) {
        ctx.printJson(json);
        return ExitOk;
    }
    for (const QString &l : lines)
        ctx.out() << l << "\n";
    ctx.out().flush();
    return ExitOk;
}

int runVms(CliContext &ctx)
{
    if (int rc = rejectLeftovers(ctx, 0))
        return rc;
    int rc = ExitOk;
    auto service = openService(ctx, &rc);
    if (!service)
        return rc;
    auto vms = service->vms();
    if (!vms)
        return ctx.fail(vms.error());
    QJsonArray a;
    QStringList lines;
    for (const Vm &v : *vms) {
        a.append(toJson(v));
        // libvirt's state when the VM has a domain; a vanished domain and foreign hostdevs flagged.
        int foreign = 0;
        for (const DomainHostdev &h : v.hostdevs)
            foreign += h.passdeck ? 0 : 1;
        const QString state = v.vanishedSince.isValid() ? tr("domain vanished")
                              : !v.libvirtState.isEmpty() ? v.libvirtState
                              : v.power == PowerState::On ? QStringLiteral("on") : QStringLiteral("off");
        lines << QStringLiteral("%1\t%2\t%3\t%4\t%5 device(s)%6%7")
                     .arg(v.name, v.nodeName, v.owner == GroupOwner::Host ? QStringLiteral("host") : v.tenantName + u'/' + v.tenantNodeName,
                          state)
                     .arg(v.allocatedDeviceCount)
                     .arg(v.restartNeeded ? tr("\trestart needed") : QString())
                     .arg(foreign > 0 ? tr("\t%1 assigned outside Passdeck").arg(foreign) : QString());
    }
    return printList(ctx, a, lines);
}

// The VM, where it runs, its machine devices and what they got, then the QEMU and libvirt
// snippets for those devices (the service's, as the VM dashboard shows them).
int showVm(CliContext &ctx, const DomainService &service, const Vm &v)
{
    auto passthrough = VmPassthroughSnippets::forVm(service, v.id);
    if (!passthrough)
        return ctx.fail(passthrough.error());
    if (ctx.json) {
        QJsonObject o = toJson(v);
        QJsonArray devices;
        for (const MachineDevice &m : passthrough->machineDevices)
            devices.append(toJson(m));
        o.insert(QStringLiteral("machineDevices"), devices);
        o.insert(QStringLiteral("qemu"), passthrough->qemu);
        o.insert(QStringLiteral("libvirt"), passthrough->libvirt);
        ctx.printJson(o);
        return ExitOk;
    }
    QTextStream &out = ctx.out();
    out << tr("VM:        %1").arg(v.name) << "\n";
    out << tr("Node:      %1").arg(v.nodeName) << "\n";
    if (v.owner == GroupOwner::Tenant)
        out << tr("Tenant:    %1 (tenant node %2)").arg(v.tenantName, v.tenantNodeName) << "\n";
    out << tr("State:     %1%2").arg(v.power == PowerState::On ? tr("on") : tr("off"),
                                    v.restartNeeded ? tr(", restart needed") : QString()) << "\n";
    out << tr("Devices:") << "\n";
    if (passthrough->machineDevices.isEmpty())
        out << "  " << tr("none") << "\n";
    for (const MachineDevice &m : passthrough->machineDevices) {
        QStringList addresses;
        for (const AllocatedDevice &d : m.allocated)
            addresses << d.address;
        out << QStringLiteral("  %1\t%2\tcount %3\t%4")
                   .arg(m.name, m.groupName)
                   .arg(m.count)
                   .arg(addresses.isEmpty() ? tr("not allocated") : addresses.join(QLatin1String(", ")))
            << "\n";
    }
    out << tr("QEMU:") << "\n";
    out << (passthrough->qemu.isEmpty() ? QStringLiteral("  ") + tr("no device allocated (start the VM first)") : passthrough->qemu) << "\n";
    out << tr("libvirt:") << "\n";
    out << (passthrough->libvirt.isEmpty() ? QStringLiteral("  ") + tr("no device allocated (start the VM first)") : passthrough->libvirt)
        << "\n";
    out.flush();
    return ExitOk;
}

int runVm(CliContext &ctx)
{
    if (ctx.args.isEmpty())
        return ctx.usage(tr("vm needs a subcommand: list, refresh, create, show, xml, delete, attach, attach-now, detach, restart, "
                            "power-on, power-off, set, devices, move"));
    const QString sub = ctx.args.takeFirst();
    int rc = ExitOk;
    if (sub == QLatin1String("list"))
        return runVms(ctx);
    if (sub == QLatin1String("refresh")) {
        // The VM list from the nodes' domains (docs/libvirt.md): all nodes, or --node N.
        QString node;
        bool hasNode = false;
        if (!takeValue(ctx, "--node", &node, &hasNode, &rc))
            return rc;
        if (int r = rejectLeftovers(ctx, 0))
            return r;
        auto service = openService(ctx, &rc);
        if (!service)
            return rc;
        qint64 nodeId = 0;
        if (hasNode) {
            auto n = service->findNode(node);
            if (!n)
                return ctx.fail(n.error());
            nodeId = n->id;
        }
        auto report = service->refreshVms(nodeId);
        if (!report)
            return ctx.fail(report.error());
        if (ctx.json) {
            ctx.printJson(QJsonObject{{QStringLiteral("imported"), QJsonArray::fromStringList(report->imported)},
                                      {QStringLiteral("vanished"), QJsonArray::fromStringList(report->vanished)},
                                      {QStringLiteral("unavailable"), QJsonArray::fromStringList(report->unavailable)}});
            return ExitOk;
        }
        for (const QString &n : report->imported)
            ctx.out() << tr("Imported domain '%1' as a VM.").arg(n) << "\n";
        for (const QString &n : report->vanished)
            ctx.out() << tr("VM '%1': its domain is gone (flagged, kept).").arg(n) << "\n";
        for (const QString &n : report->unavailable)
            ctx.out() << tr("No hypervisor: %1").arg(n) << "\n";
        ctx.out() << tr("VMs refreshed.") << "\n";
        ctx.out().flush();
        return ExitOk;
    }
    QString vcpusText, memoryText, timeoutText;
    bool hasVcpus = false, hasMemory = false, hasTimeout = false;
    if (!takeValue(ctx, "--vcpus", &vcpusText, &hasVcpus, &rc) || !takeValue(ctx, "--memory", &memoryText, &hasMemory, &rc)
        || !takeValue(ctx, "--shutdown-timeout", &timeoutText, &hasTimeout, &rc))
        return rc;
    const bool adopt = sub == QLatin1String("create") && ctx.takeFlag(QStringLiteral("--adopt"));
    bool numbersOk = true;
    const int vcpus = hasVcpus ? vcpusText.toInt(&numbersOk) : 1;
    bool memoryOk = true;
    const qint64 memory = hasMemory ? memoryText.toLongLong(&memoryOk) : 1024;
    bool timeoutOk = true;
    const int timeout = hasTimeout ? timeoutText.toInt(&timeoutOk) : 60;
    if (!numbersOk || !memoryOk || !timeoutOk)
        return ctx.usage(tr("--vcpus, --memory (MiB) and --shutdown-timeout (seconds) take whole numbers"));
    if (adopt && (hasVcpus || hasMemory))
        return ctx.usage(tr("--adopt takes the domain as it is: no --vcpus or --memory"));
    if ((hasVcpus || hasMemory) && sub != QLatin1String("create"))
        return ctx.usage(tr("--vcpus and --memory are for vm create"));
    QString node, tenant, tenantNode, group, countText, name, description;
    bool hasNode = false, hasTenant = false, hasTenantNode = false, hasGroup = false, hasCount = false, hasName = false, hasDescription = false;
    if (!takeValue(ctx, "--node", &node, &hasNode, &rc) || !takeValue(ctx, "--tenant", &tenant, &hasTenant, &rc)
        || !takeValue(ctx, "--tenant-node", &tenantNode, &hasTenantNode, &rc) || !takeValue(ctx, "--group", &group, &hasGroup, &rc)
        || !takeValue(ctx, "--count", &countText, &hasCount, &rc) || !takeValue(ctx, "--name", &name, &hasName, &rc)
        || !takeValue(ctx, "--description", &description, &hasDescription, &rc))
        return rc;
    // detach of a running VM's device: --stop-vm powers the VM off first (its devices are released
    // now); without it the VM keeps the devices until it stops.
    const bool stopVm = sub == QLatin1String("detach") && ctx.takeFlag(QStringLiteral("--stop-vm"));
    const int positional = sub == QLatin1String("detach") ? 2 : 1;
    if (int r = rejectLeftovers(ctx, positional))
        return r;
    if (ctx.args.size() != positional)
        return ctx.usage(sub == QLatin1String("detach") ? tr("vm detach VM DEVICE [--stop-vm]") : tr("vm %1 needs the VM's NAME").arg(sub));
    const QString vmName = ctx.args.at(0);

    if (sub == QLatin1String("create")) {
        if (!hasNode && !hasTenantNode)
            return ctx.usage(tr("vm create NAME --node N [--tenant T --tenant-node TN] [--vcpus N --memory MiB | --adopt] "
                                "[--shutdown-timeout S]"));
        if (hasTenant != hasTenantNode)
            return ctx.usage(tr("a tenant VM needs both --tenant and --tenant-node"));
        auto service = openService(ctx, &rc);
        if (!service)
            return rc;
        VmSpec spec;
        spec.name = vmName;
        spec.description = description;
        if (hasNode) {
            auto n = service->findNode(node);
            if (!n)
                return ctx.fail(n.error());
            spec.nodeId = n->id;
        }
        if (hasTenant) {
            auto t = service->findTenant(tenant);
            if (!t)
                return ctx.fail(t.error());
            auto tn = service->findTenantNode(t->id, tenantNode);
            if (!tn)
                return ctx.fail(tn.error());
            spec.tenantId = t->id;
            spec.tenantNodeId = tn->id;
        }
        spec.adopt = adopt;
        spec.vcpus = vcpus;
        spec.memoryMiB = memory;
        auto v = service->createVm(spec);
        if (!v)
            return ctx.fail(v.error());
        if (hasTimeout) {
            if (Status s = service->setShutdownTimeout(v->id, timeout); !s)
                return ctx.fail(s.error());
            if (auto again = service->vm(v->id))
                v = again;
        }
        if (ctx.json)
            ctx.printJson(toJson(*v));
        else
            ctx.out() << (adopt ? tr("Adopted domain '%1' on node '%2' as a VM.") : tr("Created VM '%1' on node '%2'."))
                             .arg(v->name, v->nodeName) << "\n";
        ctx.out().flush();
        return ExitOk;
    }

    // Usage first: a malformed command is exit 2 whatever the store holds.
    int count = 0;
    if (sub == QLatin1String("move") && !hasNode)
        return ctx.usage(tr("vm move NAME --node N"));
    if (sub == QLatin1String("attach")) {
        if (!hasGroup || !hasCount)
            return ctx.usage(tr("vm attach VM --group G --count K [--name N] [--description D]"));
        if (!parseCount(ctx, countText, &count, &rc))
            return rc;
    }
    if (sub == QLatin1String("set") && !hasTimeout)
        return ctx.usage(tr("vm set VM --shutdown-timeout SECONDS"));
    static const QStringList known = {QStringLiteral("attach"), QStringLiteral("detach"), QStringLiteral("restart"), QStringLiteral("power-on"),
                                      QStringLiteral("power-off"), QStringLiteral("delete"), QStringLiteral("devices"),
                                      QStringLiteral("move"), QStringLiteral("show"), QStringLiteral("xml"), QStringLiteral("attach-now"),
                                      QStringLiteral("set")};
    if (!known.contains(sub))
        return ctx.usage(tr("unknown vm subcommand '%1'").arg(sub));
    auto service = openService(ctx, &rc);
    if (!service)
        return rc;
    auto v = service->findVm(vmName);
    if (!v)
        return ctx.fail(v.error());
    if (sub == QLatin1String("attach")) {
        // A tenant VM's --group names one of its tenant's groups.
        auto g = service->findGroup(group, v->tenantId);
        if (!g && v->tenantId > 0)
            g = service->findGroup(group);
        if (!g)
            return ctx.fail(g.error());
        auto m = service->attach(AttachSpec{v->id, g->id, count, name, description});
        if (!m)
            return ctx.fail(m.error());
        if (ctx.json)
            ctx.printJson(toJson(*m));
        else
            ctx.out() << tr("Machine device '%1' added to VM '%2'; restart the VM to attach it.").arg(m->name, v->name) << "\n";
        ctx.out().flush();
        return ExitOk;
    }
    if (sub == QLatin1String("detach")) {
        auto m = service->findMachineDevice(v->id, ctx.args.at(1));
        if (!m)
            return ctx.fail(m.error());
        QStringList held;
        for (const AllocatedDevice &d : m->allocated)
            held << d.address;
        const bool deferred = !stopVm && v->power == PowerState::On && !m->allocated.isEmpty();
        return done(ctx, service->detach(v->id, m->id, stopVm ? RunningVmPolicy::StopVmFirst : RunningVmPolicy::KeepUntilStop),
                    deferred ? tr("VM '%1' is running: it keeps machine device '%2' (%3) until it stops; the device goes at its restart "
                                  "or power off. Use --stop-vm to power the VM off and remove it now.")
                                   .arg(v->name, m->name, held.join(QLatin1String(", ")))
                             : stopVm && v->power == PowerState::On
                                   ? tr("VM '%1' is off; detached machine device '%2'.").arg(v->name, m->name)
                                   : tr("Detached machine device '%1' from VM '%2'.").arg(m->name, v->name));
    }
    if (sub == QLatin1String("xml")) {
        // The persistent definition exactly as libvirt returns it.
        auto xml = service->vmDomainXml(v->id);
        if (!xml)
            return ctx.fail(xml.error());
        ctx.out() << *xml;
        if (!xml->endsWith(u'\n'))
            ctx.out() << "\n";
        ctx.out().flush();
        return ExitOk;
    }
    if (sub == QLatin1String("set"))
        return done(ctx, service->setShutdownTimeout(v->id, timeout),
                    tr("VM '%1': libvirt waits %2 s for the guest to shut down before it destroys it.").arg(v->name).arg(timeout));
    if (sub == QLatin1String("restart") || sub == QLatin1String("power-on") || sub == QLatin1String("attach-now")) {
        auto r = sub == QLatin1String("restart") ? service->restartVm(v->id)
                 : sub == QLatin1String("power-on") ? service->powerOn(v->id)
                                                     : service->attachNow(v->id);
        if (!r)
            return ctx.fail(r.error());
        QJsonArray a;
        QStringList addresses;
        for (const AllocatedDevice &d : r->allocated) {
            a.append(QJsonObject{{QStringLiteral("node"), d.nodeName}, {QStringLiteral("address"), d.address}, {QStringLiteral("driver"), d.driver}});
            addresses << d.address;
        }
        if (ctx.json) {
            QJsonObject o = toJson(r->vm);
            o.insert(QStringLiteral("allocated"), a);
            o.insert(QStringLiteral("bound"), QJsonArray::fromStringList(r->bound));
            ctx.printJson(o);
        } else {
            ctx.out() << tr("VM '%1' is running with %2.").arg(v->name, addresses.isEmpty() ? tr("no PCI devices") : addresses.join(QLatin1String(", ")))
                      << "\n";
        }
        ctx.out().flush();
        return ExitOk;
    }
    if (sub == QLatin1String("power-off")) {
        return done(ctx, service->powerOff(v->id), tr("VM '%1' is off; its devices are released.").arg(v->name));
    }
    if (sub == QLatin1String("delete")) {
        return done(ctx, service->deleteVm(v->id), tr("Deleted VM '%1'.").arg(v->name));
    }
    if (sub == QLatin1String("move")) {
        auto n = service->findNode(node);
        if (!n)
            return ctx.fail(n.error());
        return done(ctx, service->moveVm(v->id, n->id), tr("VM '%1' moved to node '%2'.").arg(v->name, n->name));
    }
    if (sub == QLatin1String("show"))
        return showVm(ctx, *service, *v);
    if (sub == QLatin1String("devices")) {
        auto list = service->machineDevices(v->id);
        if (!list)
            return ctx.fail(list.error());
        QJsonArray a;
        QStringList lines;
        for (const MachineDevice &m : *list) {
            a.append(toJson(m));
            QStringList addresses;
            for (const AllocatedDevice &d : m.allocated)
                addresses << d.address;
            lines << QStringLiteral("%1\t%2\tcount %3\t%4").arg(m.name, m.groupName).arg(m.count).arg(addresses.join(QLatin1String(", ")));
        }
        return printList(ctx, a, lines);
    }
    return ctx.usage(tr("unknown vm subcommand '%1'").arg(sub));
}

int runTenants(CliContext &ctx)
{
    if (int rc = rejectLeftovers(ctx, 0))
        return rc;
    int rc = ExitOk;
    auto service = openService(ctx, &rc);
    if (!service)
        return rc;
    auto tenants = service->tenants();
    if (!tenants)
        return ctx.fail(tenants.error());
    QJsonArray a;
    QStringList lines;
    for (const Tenant &t : *tenants) {
        a.append(toJson(t));
        lines << tr("%1\t%2 node(s)\t%3 group(s)\t%4 VM(s)\t%5 reserved device(s)")
                     .arg(t.name).arg(t.nodeCount).arg(t.groupCount).arg(t.vmCount).arg(t.reservedDevices);
    }
    return printList(ctx, a, lines);
}

int runTenant(CliContext &ctx)
{
    if (ctx.args.isEmpty())
        return ctx.usage(tr("tenant needs a subcommand: create, delete, node add, nodes, pass"));
    const QString sub = ctx.args.takeFirst();
    int rc = ExitOk;
    QString node, group, countText, name, description;
    bool hasNode = false, hasGroup = false, hasCount = false, hasName = false, hasDescription = false;
    if (!takeValue(ctx, "--node", &node, &hasNode, &rc) || !takeValue(ctx, "--group", &group, &hasGroup, &rc)
        || !takeValue(ctx, "--count", &countText, &hasCount, &rc) || !takeValue(ctx, "--name", &name, &hasName, &rc)
        || !takeValue(ctx, "--description", &description, &hasDescription, &rc))
        return rc;
    if (sub == QLatin1String("node")) {
        if (ctx.args.isEmpty() || ctx.args.takeFirst() != QLatin1String("add"))
            return ctx.usage(tr("tenant node add TENANT NAME --node N"));
    }
    const int positional = sub == QLatin1String("node") || sub == QLatin1String("pass") ? 2 : 1;
    if (int r = rejectLeftovers(ctx, positional))
        return r;
    if (ctx.args.size() != positional)
        return ctx.usage(sub == QLatin1String("node")   ? tr("tenant node add TENANT NAME --node N")
                         : sub == QLatin1String("pass") ? tr("tenant pass TENANT TNODE --group G --count K [--name N] [--description D]")
                                                        : tr("tenant %1 NAME").arg(sub));
    // Usage first: a malformed command is exit 2 whatever the store holds.
    int count = 0;
    if (sub == QLatin1String("node") && !hasNode)
        return ctx.usage(tr("tenant node add TENANT NAME --node N"));
    if (sub == QLatin1String("pass")) {
        if (!hasGroup || !hasCount)
            return ctx.usage(tr("tenant pass TENANT TNODE --group G --count K [--name N] [--description D]"));
        if (!parseCount(ctx, countText, &count, &rc))
            return rc;
    }
    static const QStringList known = {QStringLiteral("create"), QStringLiteral("delete"), QStringLiteral("nodes"), QStringLiteral("node"),
                                      QStringLiteral("pass")};
    if (!known.contains(sub))
        return ctx.usage(tr("unknown tenant subcommand '%1'").arg(sub));
    if (sub == QLatin1String("create")) {
        auto service = openService(ctx, &rc);
        if (!service)
            return rc;
        auto t = service->createTenant(ctx.args.at(0), description);
        if (!t)
            return ctx.fail(t.error());
        if (ctx.json)
            ctx.printJson(toJson(*t));
        else
            ctx.out() << tr("Created tenant '%1'.").arg(t->name) << "\n";
        ctx.out().flush();
        return ExitOk;
    }
    auto service = openService(ctx, &rc);
    if (!service)
        return rc;
    auto t = service->findTenant(ctx.args.at(0));
    if (!t)
        return ctx.fail(t.error());
    if (sub == QLatin1String("delete")) {
        return done(ctx, service->deleteTenant(t->id), tr("Deleted tenant '%1'.").arg(t->name));
    }
    if (sub == QLatin1String("nodes")) {
        auto list = service->tenantNodes(t->id);
        if (!list)
            return ctx.fail(list.error());
        QJsonArray a;
        QStringList lines;
        for (const TenantNode &n : *list) {
            a.append(toJson(n));
            lines << tr("%1\ton node %2\t%3 reserved device(s)").arg(n.name, n.nodeName).arg(n.reservedDevices);
        }
        return printList(ctx, a, lines);
    }
    if (sub == QLatin1String("node")) {
        auto n = service->findNode(node);
        if (!n)
            return ctx.fail(n.error());
        auto tn = service->addTenantNode(t->id, ctx.args.at(1), n->id);
        if (!tn)
            return ctx.fail(tn.error());
        if (ctx.json)
            ctx.printJson(toJson(*tn));
        else
            ctx.out() << tr("Tenant '%1' has node '%2' on node '%3'.").arg(t->name, tn->name, tn->nodeName) << "\n";
        ctx.out().flush();
        return ExitOk;
    }
    if (sub == QLatin1String("pass")) {
        auto tn = service->findTenantNode(t->id, ctx.args.at(1));
        if (!tn)
            return ctx.fail(tn.error());
        auto g = service->findGroup(group);
        if (!g)
            return ctx.fail(g.error());
        auto created = service->passToTenant(PassSpec{tn->id, g->id, count, name, description});
        if (!created)
            return ctx.fail(created.error());
        if (ctx.json)
            ctx.printJson(toJson(*created));
        else
            ctx.out() << tr("Tenant '%1' now owns %2 device(s) in its group '%3'.").arg(t->name).arg(created->total).arg(created->name) << "\n";
        ctx.out().flush();
        return ExitOk;
    }
    return ctx.usage(tr("unknown tenant subcommand '%1'").arg(sub));
}

const bool registered = [] {
    CliRegistry::add({QStringLiteral("vms"), QStringLiteral("vms [--json]   list VMs"), runVms});
    CliRegistry::add({QStringLiteral("vm"),
                      QStringLiteral("vm list [--json] | vm refresh [--node N] | vm create NAME --node N [--tenant T --tenant-node TN] "
                                     "[--vcpus N --memory MiB | --adopt] [--shutdown-timeout S] | vm attach VM --group G --count K [--name N] "
                                     "[--description D] | vm show|xml|restart|attach-now|power-on|power-off|delete|devices VM "
                                     "| vm set VM --shutdown-timeout S | vm detach VM DEVICE [--stop-vm] | vm move VM --node N"),
                      runVm});
    CliRegistry::add({QStringLiteral("tenants"), QStringLiteral("tenants [--json]   list tenants"), runTenants});
    CliRegistry::add({QStringLiteral("tenant"),
                      QStringLiteral("tenant create|delete|nodes NAME | tenant node add TENANT NAME --node N | tenant pass TENANT TNODE "
                                     "--group G --count K [--name N] [--description D]"),
                      runTenant});
    return true;
}();

} // namespace

} // namespace passdeck::cli
