#include "service/LiveUpdates.h"

#include "service/DomainService.h"
#include "service/DomainServiceContext.h"
#include "store/Store.h"
#include "store/StoreWatcher.h"

namespace passdeck {

LiveUpdates::LiveUpdates(DomainService &service, QObject *parent)
    : QObject(parent), m_service(service), m_watcher(new StoreWatcher(service.store(), this))
{
    connect(m_watcher, &StoreWatcher::changed, this, &LiveUpdates::onChanged);
}

bool LiveUpdates::start()
{
    return m_watcher->start();
}

bool LiveUpdates::isListening() const
{
    return m_watcher && m_watcher->isListening();
}

QString LiveUpdates::error() const
{
    return m_watcher->error();
}

int LiveUpdates::changesOf(const QStringList &tables, bool *audit)
{
    if (tables.isEmpty()) {
        *audit = true;
        return ServiceContext::Nodes | ServiceContext::Groups | ServiceContext::Vms | ServiceContext::Tenants;
    }
    *audit = false;
    int changes = 0;
    for (const QString &t : tables) {
        if (t == QLatin1String("nodes") || t == QLatin1String("devices") || t == QLatin1String("journal"))
            changes |= ServiceContext::Nodes;
        else if (t == QLatin1String("resource_groups") || t == QLatin1String("resource_rules") || t == QLatin1String("device_holds")
                 || t == QLatin1String("tenant_pool"))
            changes |= ServiceContext::Groups;
        // What VMs hold changes the groups' free counts too.
        else if (t == QLatin1String("vms") || t == QLatin1String("machine_devices") || t == QLatin1String("allocations"))
            changes |= ServiceContext::Vms | ServiceContext::Groups;
        else if (t == QLatin1String("tenants") || t == QLatin1String("tenant_nodes"))
            changes |= ServiceContext::Tenants;
        else if (t == QLatin1String("audit_log"))
            *audit = true;
    }
    return changes;
}

void LiveUpdates::onChanged(const QStringList &tables)
{
    bool audit = false;
    const int changes = changesOf(tables, &audit);
    // The same signals a local change emits (ServiceContext::finished): views reload as they do then.
    if (audit)
        Q_EMIT m_service.auditAppended();
    if (changes & ServiceContext::Nodes)
        Q_EMIT m_service.nodesChanged();
    if (changes & ServiceContext::Groups)
        Q_EMIT m_service.groupsChanged();
    if (changes & ServiceContext::Vms)
        Q_EMIT m_service.vmsChanged();
    if (changes & ServiceContext::Tenants)
        Q_EMIT m_service.tenantsChanged();
    if (changes)
        Q_EMIT m_service.changed();
    Q_EMIT applied(tables);
}

} // namespace passdeck
