// Store commands, shared part: opening the service, argument checks, JSON records.
#include "cli/StoreCommands.h"

#include "connect/NodeConnector.h"

#include <QCoreApplication>
#include <QJsonArray>

namespace passdeck::cli {

namespace {
QString tr(const char *text)
{
    return QCoreApplication::translate("StoreCommands", text);
}
} // namespace

std::unique_ptr<DomainService> openService(CliContext &ctx, int *exitCode)
{
    ServiceOptions options;
    ConnectOptions connect;
    connect.inventory.pciIdsPath = ctx.pciIds;
    options.nodeFactory = nodeFactory(connect);
    auto service = DomainService::open(ctx.dbPath, options);
    if (!service) {
        *exitCode = ctx.fail(service.error());
        return nullptr;
    }
    // Problems found at open (an IOMMU group held by two consumers) go to stderr on every
    // command until they are fixed, each with what to do.
    for (const QString &w : (*service)->openWarnings())
        ctx.err() << tr("warning: %1").arg(w) << "\n";
    ctx.err().flush();
    return std::move(service.value());
}

bool parseCount(CliContext &ctx, const QString &text, int *count, int *exitCode)
{
    bool ok = false;
    const int v = text.toInt(&ok);
    if (!ok) {
        *exitCode = ctx.usage(tr("--count needs a whole number, not '%1'").arg(text));
        return false;
    }
    *count = v; // 0 and negatives are refused by the service (with the audit entry)
    return true;
}

int done(CliContext &ctx, const Status &status, const QString &message)
{
    if (!status)
        return ctx.fail(status.error());
    if (ctx.json)
        ctx.printJson(QJsonObject{{QStringLiteral("ok"), true}, {QStringLiteral("message"), message}});
    else
        ctx.out() << message << "\n";
    ctx.out().flush();
    return ExitOk;
}

int rejectLeftovers(CliContext &ctx, int maxPositional)
{
    const QString unknown = ctx.firstUnknownOption();
    if (!unknown.isEmpty())
        return ctx.usage(tr("unknown option '%1' for '%2'").arg(unknown, ctx.command));
    if (ctx.args.size() > maxPositional)
        return ctx.usage(tr("unexpected argument '%1'").arg(ctx.args.at(maxPositional)));
    return ExitOk;
}

QJsonObject toJson(const NodeInfo &n)
{
    return {{QStringLiteral("id"), n.id}, {QStringLiteral("name"), n.name}, {QStringLiteral("hostRoot"), n.hostRoot},
            {QStringLiteral("simulated"), n.simulated}, {QStringLiteral("maintenance"), n.maintenance},
            {QStringLiteral("rebootRequired"), n.rebootRequired},
            {QStringLiteral("rebootDevices"), QJsonArray::fromStringList(n.rebootDevices)},
            {QStringLiteral("devices"), n.deviceCount}, {QStringLiteral("flaggedDevices"), n.flaggedDevices},
            // The address again under its own name (a host root or HOST:PORT); an agent's
            // fingerprint and version, and whether it answers. Never its token.
            {QStringLiteral("address"), n.hostRoot},
            {QStringLiteral("agent"), !n.agentFingerprint.isEmpty()},
            {QStringLiteral("agentFingerprint"), n.agentFingerprint.isEmpty() ? QJsonValue() : QJsonValue(n.agentFingerprint)},
            {QStringLiteral("agentVersion"), n.agentVersion.isEmpty() ? QJsonValue() : QJsonValue(n.agentVersion)},
            {QStringLiteral("state"), n.unreachableSince.isValid() ? QStringLiteral("unreachable") : QStringLiteral("connected")},
            {QStringLiteral("unreachableSince"), n.unreachableSince.isValid()
                 ? QJsonValue(n.unreachableSince.toUTC().toString(Qt::ISODate)) : QJsonValue()}};
}

QJsonObject toJson(const DeviceRecord &d)
{
    return {{QStringLiteral("id"), d.id}, {QStringLiteral("node"), d.nodeName}, {QStringLiteral("address"), d.address},
            {QStringLiteral("vendorId"), d.vendorId}, {QStringLiteral("deviceId"), d.deviceId},
            {QStringLiteral("name"), d.deviceName}, {QStringLiteral("driver"), d.driver},
            {QStringLiteral("iommuGroup"), d.iommuGroup}, {QStringLiteral("bridge"), d.isBridge},
            {QStringLiteral("present"), d.present}, {QStringLiteral("idsChanged"), d.idsChanged},
            {QStringLiteral("rebootPending"), d.rebootPending}, {QStringLiteral("status"), deviceStatusName(d.status)},
            {QStringLiteral("group"), d.groupName}, {QStringLiteral("consumer"), d.consumer}};
}

QJsonObject toJson(const ResourceGroup &g)
{
    return {{QStringLiteral("id"), g.id}, {QStringLiteral("name"), g.name}, {QStringLiteral("type"), g.type},
            {QStringLiteral("description"), g.description}, {QStringLiteral("class"), groupClassName(g.groupClass)},
            {QStringLiteral("owner"), g.owner == GroupOwner::Host ? QStringLiteral("host") : QStringLiteral("tenant")},
            {QStringLiteral("tenant"), g.tenantName}, {QStringLiteral("tenantNode"), g.tenantNodeName},
            {QStringLiteral("total"), g.total}, {QStringLiteral("free"), g.free}, {QStringLiteral("inUse"), g.inUse},
            {QStringLiteral("tenantReserved"), g.tenantReserved}, {QStringLiteral("functions"), g.functions},
            {QStringLiteral("machineDevices"), g.machineDevices}};
}

QJsonObject toJson(const Vm &v)
{
    // The domain's PCI hostdevs; passdeck false: assigned outside Passdeck (its device is taken).
    QJsonArray hostdevs;
    for (const DomainHostdev &h : v.hostdevs)
        hostdevs.append(QJsonObject{{QStringLiteral("address"), h.address}, {QStringLiteral("passdeck"), h.passdeck}});
    return {{QStringLiteral("id"), v.id}, {QStringLiteral("name"), v.name}, {QStringLiteral("node"), v.nodeName},
            {QStringLiteral("owner"), v.owner == GroupOwner::Host ? QStringLiteral("host") : QStringLiteral("tenant")},
            {QStringLiteral("tenant"), v.tenantName}, {QStringLiteral("tenantNode"), v.tenantNodeName},
            {QStringLiteral("power"), v.power == PowerState::On ? QStringLiteral("on") : QStringLiteral("off")},
            {QStringLiteral("restartNeeded"), v.restartNeeded}, {QStringLiteral("machineDevices"), v.machineDeviceCount},
            {QStringLiteral("allocatedDevices"), v.allocatedDeviceCount}, {QStringLiteral("uuid"), v.domainUuid},
            {QStringLiteral("state"), v.libvirtState}, {QStringLiteral("vcpus"), v.vcpus}, {QStringLiteral("memoryMiB"), v.memoryMiB},
            {QStringLiteral("vanished"), v.vanishedSince.isValid()},
            {QStringLiteral("vanishedSince"), v.vanishedSince.isValid() ? v.vanishedSince.toString(Qt::ISODate) : QString()},
            {QStringLiteral("hostdevs"), hostdevs}, {QStringLiteral("shutdownTimeout"), v.shutdownTimeoutSec},
            {QStringLiteral("hypervisorError"), v.hypervisorError}};
}

QJsonObject toJson(const MachineDevice &m)
{
    QJsonArray allocated;
    for (const AllocatedDevice &a : m.allocated)
        allocated.append(QJsonObject{{QStringLiteral("node"), a.nodeName}, {QStringLiteral("address"), a.address},
                                     {QStringLiteral("driver"), a.driver}});
    return {{QStringLiteral("id"), m.id}, {QStringLiteral("vm"), m.vmName}, {QStringLiteral("name"), m.name},
            {QStringLiteral("type"), m.type}, {QStringLiteral("description"), m.description},
            {QStringLiteral("group"), m.groupName}, {QStringLiteral("count"), m.count}, {QStringLiteral("allocated"), allocated},
            {QStringLiteral("removalPending"), m.removalPending}};
}

QJsonObject toJson(const Tenant &t)
{
    return {{QStringLiteral("id"), t.id}, {QStringLiteral("name"), t.name}, {QStringLiteral("description"), t.description},
            {QStringLiteral("nodes"), t.nodeCount}, {QStringLiteral("groups"), t.groupCount}, {QStringLiteral("vms"), t.vmCount},
            {QStringLiteral("reservedDevices"), t.reservedDevices}};
}

QJsonObject toJson(const TenantNode &t)
{
    return {{QStringLiteral("id"), t.id}, {QStringLiteral("tenant"), t.tenantName}, {QStringLiteral("name"), t.name},
            {QStringLiteral("node"), t.nodeName}, {QStringLiteral("reservedDevices"), t.reservedDevices},
            {QStringLiteral("groups"), t.groupCount}};
}

QJsonObject toJson(const AuditEntry &e)
{
    return {{QStringLiteral("id"), e.id}, {QStringLiteral("at"), e.at.toString(Qt::ISODateWithMs)}, {QStringLiteral("user"), e.user},
            {QStringLiteral("action"), e.action}, {QStringLiteral("subject"), e.subject},
            {QStringLiteral("result"), auditResultName(e.result)}, {QStringLiteral("detail"), e.detail}};
}

} // namespace passdeck::cli
