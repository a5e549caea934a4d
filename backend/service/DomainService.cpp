#include "service/DomainService.h"

#include "store/AuditLog.h"
#include "service/ChangeImpact.h"
#include "service/DomainServiceContext.h"
#include "service/DomainServiceQueries.h"
#include "service/GroupService.h"
#include "service/PassthroughUnits.h"
#include "service/NodeService.h"
#include "store/Store.h"
#include "store/StoreQuery.h"
#include "service/TenantService.h"
#include "service/VmService.h"

namespace passdeck {

Result<std::unique_ptr<DomainService>> DomainService::open(const QString &dbPath, ServiceOptions options)
{
    auto store = Store::open(dbPath);
    if (!store)
        return store.error();
    auto service = std::make_unique<DomainService>(*store, std::move(options));
    auto recovered = service->recoverInterrupted();
    if (!recovered)
        return recovered.error();
    // Operations another administrator is still running are left to them, and said so.
    for (const Error &held : service->m_nodes->leaseRefusals())
        service->m_openWarnings << held.message();
    // A store with one host as two nodes still opens (its administrator must be able to fix
    // it), but says so every time.
    auto duplicates = service->m_nodes->checkIdentities();
    if (!duplicates)
        return duplicates.error();
    for (const QString &w : std::as_const(*duplicates))
        qWarning("Passdeck: warning: %s", qPrintable(w));
    // An IOMMU group held by two consumers (written before whole groups were allocated) is
    // flagged, not repaired behind the administrator's back: each line says what to do.
    if (auto split = service->splitIommuGroups(); !split)
        service->m_openWarnings << split.error().message();
    else
        for (const SplitIommuGroup &g : *split)
            service->m_openWarnings << g.message + QStringLiteral(". ") + g.hint;
    return service;
}

DomainService::DomainService(std::shared_ptr<Store> store, ServiceOptions options, QObject *parent)
    : QObject(parent), m_ctx(std::make_unique<ServiceContext>())
{
    m_ctx->q = this;
    m_ctx->store = std::move(store);
    m_ctx->user = options.user.isEmpty() ? AuditLog::administrator(m_ctx->store->connection()) : options.user;
    m_ctx->options = std::move(options);
    m_nodes = std::make_unique<NodeService>(*m_ctx);
    m_groups = std::make_unique<GroupService>(*m_ctx);
    m_vms = std::make_unique<VmService>(*m_ctx);
    m_tenants = std::make_unique<TenantService>(*m_ctx);
}

DomainService::~DomainService() = default;

Store &DomainService::store() const { return *m_ctx->store; }
Result<int> DomainService::recoverInterrupted() { return m_nodes->recoverInterrupted(); }

Result<RefreshReport> DomainService::addAgentNode(const AgentNodeSpec &spec, const ProgressFn &progress)
{
    return m_nodes->addAgent(spec, progress);
}

QString DomainService::storeLocation() const
{
    return store().path();
}

bool DomainService::storeIsPostgres() const
{
    return store().isPostgres();
}

Status DomainService::checkStore(const QString &location)
{
    auto opened = Store::open(location);
    if (!opened)
        return opened.error();
    return {};
}

Result<RefreshReport> DomainService::addNode(const QString &name, const QString &hostRoot, bool simulated, const ProgressFn &progress,
                                             const QString &libvirtUri)
{
    auto added = m_nodes->add(name, hostRoot, simulated, progress);
    if (!added)
        return added;
    auto n = DomainServiceQueries::nodeByName(m_ctx->db(), name);
    if (!n)
        return added;
    if (!libvirtUri.isEmpty()) {
        if (Status s = setNodeLibvirtUri(n->id, libvirtUri); !s)
            return s.error();
    } else {
        (void)m_vms->refreshDomains(n->id, false); // a hypervisor that does not answer is recorded on the node
    }
    return added;
}

Status DomainService::setNodeLibvirtUri(qint64 nodeId, const QString &uri)
{
    auto n = DomainServiceQueries::node(m_ctx->db(), nodeId);
    const QString subject = n ? tr("node '%1', libvirt '%2'").arg(n->name, uri) : tr("node #%1").arg(nodeId);
    Status set = m_ctx->change(QStringLiteral("node.libvirt-uri"), subject, ServiceContext::Nodes, [&](StoreTransaction &) -> Status {
        if (!n)
            return n.error();
        if (uri.contains(QLatin1Char('\n')) || uri.size() > 1024)
            return ServiceContext::refusal(ErrorCode::BadUsage, tr("Setting the libvirt URI of node '%1'").arg(n->name),
                                           tr("'%1' is not a libvirt URI").arg(uri), tr("Give a URI such as qemu:///system."));
        return StoreQuery::run(m_ctx->db(), QStringLiteral("UPDATE nodes SET libvirt_uri = ? WHERE id = ?"), {uri, nodeId},
                               tr("Setting the libvirt URI of node '%1'").arg(n->name));
    });
    if (!set)
        return set;
    (void)m_vms->refreshDomains(nodeId, false);
    return {};
}

Result<RefreshReport> DomainService::refreshNode(qint64 nodeId, const ProgressFn &progress)
{
    auto r = m_nodes->refresh(nodeId, progress);
    // The VMs come with the node (docs/libvirt.md): a hypervisor that does not answer is recorded.
    if (r)
        (void)m_vms->refreshDomains(nodeId, false);
    return r;
}
Status DomainService::removeNode(qint64 nodeId) { return m_nodes->remove(nodeId); }
Status DomainService::setMaintenance(qint64 nodeId, bool on) { return m_nodes->setMaintenance(nodeId, on); }
Result<RefreshReport> DomainService::rebootNode(qint64 nodeId) { return m_nodes->reboot(nodeId); }
Result<QList<NodeInfo>> DomainService::nodes() const { return DomainServiceQueries::nodes(m_ctx->db()); }
Result<NodeInfo> DomainService::node(qint64 nodeId) const { return DomainServiceQueries::node(m_ctx->db(), nodeId); }
Result<NodeInfo> DomainService::findNode(const QString &name) const { return DomainServiceQueries::nodeByName(m_ctx->db(), name); }
Result<QList<RebootNotice>> DomainService::rebootRequired() const { return DomainServiceQueries::rebootRequired(m_ctx->db()); }
Result<NodeReadiness> DomainService::nodeReadiness(qint64 nodeId) const { return m_nodes->readiness(nodeId); }
Result<SriovState> DomainService::sriovState(qint64 nodeId, const QString &pfAddress) const
{
    return m_nodes->sriovState(nodeId, pfAddress);
}
Result<VfCountPlan> DomainService::planVfCount(qint64 nodeId, const QString &pfAddress, int count) const
{
    return m_nodes->planVfCount(nodeId, pfAddress, count);
}
Result<VfCountPlan> DomainService::setVfCount(qint64 nodeId, const QString &pfAddress, int count)
{
    return m_nodes->setVfCount(nodeId, pfAddress, count);
}

Result<QList<DeviceRecord>> DomainService::devices(qint64 nodeId) const { return DomainServiceQueries::devices(m_ctx->db(), nodeId); }
Result<QList<DeviceRecord>> DomainService::groupDevices(qint64 groupId) const
{
    auto g = DomainServiceQueries::group(m_ctx->db(), groupId);
    if (!g)
        return g.error();
    return DomainServiceQueries::devices(m_ctx->db(), 0, groupId, g->owner == GroupOwner::Tenant);
}

Result<ResourceGroup> DomainService::createGroup(const GroupSpec &spec) { return m_groups->create(spec); }
Result<ResourceGroup> DomainService::editGroup(qint64 groupId, const GroupSpec &spec) { return m_groups->edit(groupId, spec); }
Status DomainService::deleteGroup(qint64 groupId) { return m_groups->remove(groupId); }
Result<QList<ResourceGroup>> DomainService::groups(GroupOwner owner, qint64 tenantId) const
{
    if (owner == GroupOwner::Host)
        return DomainServiceQueries::groups(m_ctx->db(), 0);
    if (tenantId > 0)
        return DomainServiceQueries::groups(m_ctx->db(), tenantId);
    auto all = DomainServiceQueries::groups(m_ctx->db(), -1);
    if (!all)
        return all;
    QList<ResourceGroup> out;
    for (const ResourceGroup &g : *all)
        if (g.owner == GroupOwner::Tenant)
            out << g;
    return out;
}
Result<QList<ResourceGroup>> DomainService::allGroups() const { return DomainServiceQueries::groups(m_ctx->db(), -1); }
Result<ResourceGroup> DomainService::group(qint64 groupId) const { return DomainServiceQueries::group(m_ctx->db(), groupId); }
Result<ResourceGroup> DomainService::findGroup(const QString &name, qint64 tenantId) const
{
    auto list = DomainServiceQueries::groups(m_ctx->db(), tenantId > 0 ? tenantId : 0, 0, name);
    if (!list)
        return list.error();
    if (list->isEmpty())
        return Error::make(ErrorCode::NotFound, tr("Looking up resource group '%1'").arg(name),
                           tenantId > 0 ? tr("the tenant has no resource group named '%1'").arg(name)
                                        : tr("there is no host resource group named '%1'").arg(name),
                           tr("Check the spelling, or list the groups."));
    return list->first();
}
Result<QList<ResourceGroup>> DomainService::groupsForVm(qint64 vmId) const
{
    auto v = DomainServiceQueries::vm(m_ctx->db(), vmId);
    if (!v)
        return v.error();
    auto list = DomainServiceQueries::groups(m_ctx->db(), v->tenantId);
    if (!list || v->owner == GroupOwner::Host)
        return list;
    QList<ResourceGroup> out;
    for (const ResourceGroup &g : *list)
        if (g.tenantNodeId == v->tenantNodeId)
            out << g;
    return out;
}

Result<ResourceChange> DomainService::makeResource(qint64 groupId, qint64 nodeId, const QStringList &addresses, const ApplyOptions &options)
{
    return m_groups->makeResource(groupId, nodeId, addresses, options);
}
Result<ResourceChange> DomainService::removeResource(qint64 nodeId, const QStringList &addresses, const ApplyOptions &options)
{
    return m_groups->removeResource(nodeId, addresses, options);
}

Result<Vm> DomainService::createVm(const VmSpec &spec) { return m_vms->create(spec); }
Status DomainService::deleteVm(qint64 vmId) { return m_vms->remove(vmId); }
Status DomainService::moveVm(qint64 vmId, qint64 nodeId) { return m_vms->moveToNode(vmId, nodeId); }
Result<QList<Vm>> DomainService::vms(qint64 tenantId) const { return DomainServiceQueries::vms(m_ctx->db(), tenantId); }
Result<Vm> DomainService::vm(qint64 vmId) const { return DomainServiceQueries::vm(m_ctx->db(), vmId); }
Result<Vm> DomainService::findVm(const QString &name) const
{
    auto list = DomainServiceQueries::vms(m_ctx->db(), -1, 0, name);
    if (!list)
        return list.error();
    if (list->isEmpty())
        return Error::make(ErrorCode::NotFound, tr("Looking up VM '%1'").arg(name),
                           tr("there is no VM named '%1'").arg(name), tr("Check the spelling, or list the VMs."));
    return list->first();
}
Result<MachineDevice> DomainService::attach(const AttachSpec &spec) { return m_vms->attach(spec); }
Status DomainService::detach(qint64 vmId, qint64 machineDeviceId, RunningVmPolicy policy)
{
    return m_vms->detach(vmId, machineDeviceId, policy);
}
Result<RestartResult> DomainService::restartVm(qint64 vmId, const ProgressFn &progress)
{
    return m_vms->start(vmId, progress, QStringLiteral("vm.restart"));
}
Result<RestartResult> DomainService::powerOn(qint64 vmId, const ProgressFn &progress)
{
    return m_vms->start(vmId, progress, QStringLiteral("vm.power-on"));
}
Status DomainService::powerOff(qint64 vmId) { return m_vms->powerOff(vmId); }
Result<VmRefreshReport> DomainService::refreshVms(qint64 nodeId) { return m_vms->refreshDomains(nodeId, true); }
Result<QList<DomainInfo>> DomainService::adoptableDomains(qint64 nodeId) { return m_vms->adoptableDomains(nodeId); }
Result<QString> DomainService::vmDomainXml(qint64 vmId) { return m_vms->domainXml(vmId); }
Result<RestartResult> DomainService::attachNow(qint64 vmId, const ProgressFn &progress) { return m_vms->attachNow(vmId, progress); }
Status DomainService::setShutdownTimeout(qint64 vmId, int seconds) { return m_vms->setShutdownTimeout(vmId, seconds); }
Result<QList<MachineDevice>> DomainService::machineDevices(qint64 vmId) const
{
    if (vmId <= 0)
        return ServiceContext::notFound(tr("VM"), vmId);
    return DomainServiceQueries::machineDevices(m_ctx->db(), vmId, 0);
}
Result<QList<MachineDevice>> DomainService::groupMachineDevices(qint64 groupId) const
{
    if (groupId <= 0)
        return ServiceContext::notFound(tr("resource group"), groupId);
    return DomainServiceQueries::machineDevices(m_ctx->db(), 0, groupId);
}
Result<MachineDevice> DomainService::findMachineDevice(qint64 vmId, const QString &name) const
{
    auto list = machineDevices(vmId);
    if (!list)
        return list.error();
    for (const MachineDevice &m : *list)
        if (m.name == name)
            return m;
    return Error::make(ErrorCode::NotFound, tr("Looking up machine device '%1'").arg(name),
                       tr("the VM has no machine device named '%1'").arg(name), tr("List the VM's devices."));
}

Result<Tenant> DomainService::createTenant(const QString &name, const QString &description) { return m_tenants->create(name, description); }
Status DomainService::deleteTenant(qint64 tenantId) { return m_tenants->remove(tenantId); }
Result<QList<Tenant>> DomainService::tenants() const { return DomainServiceQueries::tenants(m_ctx->db()); }
Result<Tenant> DomainService::tenant(qint64 tenantId) const { return DomainServiceQueries::tenant(m_ctx->db(), tenantId); }
Result<Tenant> DomainService::findTenant(const QString &name) const
{
    auto list = DomainServiceQueries::tenants(m_ctx->db(), 0, name);
    if (!list)
        return list.error();
    if (list->isEmpty())
        return Error::make(ErrorCode::NotFound, tr("Looking up tenant '%1'").arg(name),
                           tr("there is no tenant named '%1'").arg(name), tr("Check the spelling, or list the tenants."));
    return list->first();
}
Result<TenantNode> DomainService::addTenantNode(qint64 tenantId, const QString &name, qint64 nodeId)
{
    return m_tenants->addNode(tenantId, name, nodeId);
}
Status DomainService::removeTenantNode(qint64 tenantNodeId) { return m_tenants->removeNode(tenantNodeId); }
Result<QList<TenantNode>> DomainService::tenantNodes(qint64 tenantId) const { return DomainServiceQueries::tenantNodes(m_ctx->db(), tenantId); }
Result<TenantNode> DomainService::findTenantNode(qint64 tenantId, const QString &name) const
{
    auto list = DomainServiceQueries::tenantNodes(m_ctx->db(), tenantId);
    if (!list)
        return list.error();
    for (const TenantNode &n : *list)
        if (n.name == name)
            return n;
    return Error::make(ErrorCode::NotFound, tr("Looking up tenant node '%1'").arg(name),
                       tr("the tenant has no node named '%1'").arg(name), tr("List the tenant's nodes."));
}
Result<ResourceGroup> DomainService::passToTenant(const PassSpec &spec) { return m_tenants->pass(spec); }

Result<QList<AuditEntry>> DomainService::audit(int limit) const { return AuditLog::list(m_ctx->db(), limit); }

Result<ChangeImpactReport> DomainService::maintenanceImpact(qint64 nodeId) const { return ChangeImpact::maintenance(m_ctx->db(), nodeId); }
Result<ChangeImpactReport> DomainService::rebootImpact(qint64 nodeId) const { return ChangeImpact::reboot(m_ctx->db(), nodeId); }
Result<ChangeImpactReport> DomainService::deleteVmImpact(qint64 vmId) const { return ChangeImpact::deleteVm(m_ctx->db(), vmId); }
Result<ChangeImpactReport> DomainService::detachImpact(qint64 vmId, qint64 machineDeviceId) const
{
    return ChangeImpact::detach(m_ctx->db(), vmId, machineDeviceId);
}
Result<ChangeImpactReport> DomainService::deleteGroupImpact(qint64 groupId) const { return ChangeImpact::deleteGroup(m_ctx->db(), groupId); }
Result<ChangeImpactReport> DomainService::deleteTenantImpact(qint64 tenantId) const { return ChangeImpact::deleteTenant(m_ctx->db(), tenantId); }
Result<MakeResourceImpact> DomainService::makeResourceImpact(const QList<DeviceRecord> &selection, qint64 groupId) const
{
    return MakeResourceCheck::impact(*m_ctx, selection, groupId);
}

Result<GroupAvailability> DomainService::availabilityForVm(qint64 vmId, qint64 groupId) const
{
    auto v = DomainServiceQueries::vm(m_ctx->db(), vmId);
    if (!v)
        return v.error();
    auto g = DomainServiceQueries::group(m_ctx->db(), groupId);
    if (!g)
        return g.error();
    return PassthroughUnits::forVm(m_ctx->db(), *v, *g);
}

Result<GroupAvailability> DomainService::availabilityForTenantNode(qint64 tenantNodeId, qint64 groupId) const
{
    auto tn = DomainServiceQueries::tenantNode(m_ctx->db(), tenantNodeId);
    if (!tn)
        return tn.error();
    auto g = DomainServiceQueries::group(m_ctx->db(), groupId);
    if (!g)
        return g.error();
    return PassthroughUnits::forTenantNode(m_ctx->db(), *tn, *g);
}

Result<QList<SplitIommuGroup>> DomainService::splitIommuGroups() const { return PassthroughUnits::splitGroups(m_ctx->db()); }
QStringList DomainService::openWarnings() const { return m_openWarnings; }

Status DomainService::canDeleteGroup(qint64 groupId) const
{
    auto g = DomainServiceQueries::group(m_ctx->db(), groupId);
    if (!g)
        return g.error();
    return GroupService::deletable(m_ctx->db(), *g);
}

Status DomainService::canDeleteTenant(qint64 tenantId) const
{
    auto t = DomainServiceQueries::tenant(m_ctx->db(), tenantId);
    if (!t)
        return t.error();
    return TenantService::deletable(*t);
}

Status DomainService::canStartVm(qint64 vmId) const { return m_vms->canStart(vmId); }

} // namespace passdeck
