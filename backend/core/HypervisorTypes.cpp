#include "core/HypervisorTypes.h"

#include <QCoreApplication>

namespace passdeck {

namespace {

struct StateName
{
    DomainState state;
    const char *name;
};

constexpr StateName kStateNames[] = {
    {DomainState::NoState, "no-state"},   {DomainState::Running, "running"},
    {DomainState::Blocked, "blocked"},    {DomainState::Paused, "paused"},
    {DomainState::ShuttingDown, "shutting-down"}, {DomainState::ShutOff, "shut-off"},
    {DomainState::Crashed, "crashed"},    {DomainState::Suspended, "suspended"},
};

QString tr(const char *text)
{
    return QCoreApplication::translate("Hypervisor", text);
}

} // namespace

Error noHypervisorError(const QString &nodeAddress, const QString &domain)
{
    return Error::make(ErrorCode::HypervisorUnavailable,
                       domain.isEmpty() ? tr("Reading the VMs of node %1").arg(nodeAddress)
                                        : tr("VM '%1' on node %2").arg(domain, nodeAddress),
                       tr("this node has no hypervisor connection"), tr("Check that libvirt runs on the node."));
}

QString domainStateName(DomainState state)
{
    for (const StateName &s : kStateNames)
        if (s.state == state)
            return QString::fromLatin1(s.name);
    return QStringLiteral("no-state");
}

bool domainStateFromName(const QString &name, DomainState *out)
{
    for (const StateName &s : kStateNames) {
        if (name == QLatin1String(s.name)) {
            *out = s.state;
            return true;
        }
    }
    return false;
}

bool domainStateIsActive(DomainState state)
{
    switch (state) {
    case DomainState::Running:
    case DomainState::Blocked:
    case DomainState::Paused:
    case DomainState::ShuttingDown:
    case DomainState::Suspended:
        return true;
    case DomainState::NoState:
    case DomainState::ShutOff:
    case DomainState::Crashed:
        break;
    }
    return false;
}

} // namespace passdeck
