#pragma once

#include "core/Error.h"
#include "core/HypervisorTypes.h"
#include "node/hypervisor/HypervisorTarget.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <memory>

namespace passdeck {

class HypervisorSession;

// A node's hypervisor over libvirt's C API (docs/libvirt.md, "On the node"): the hypervisor
// half of Node, for LocalNode and the agent. Each call opens its own connection (and, on a
// simulated node, locks the test driver file for the whole read-modify-write), so calls from
// several processes see each other's changes. Errors name the VM, the device when one is
// concerned, and carry libvirt's own message in `why`.
class Hypervisor
{
public:
    explicit Hypervisor(HypervisorTarget target);

    const HypervisorTarget &target() const { return m_target; }

    Result<QList<DomainInfo>> domains();
    Result<DomainInfo> domain(const QString &name);
    Result<QString> domainXml(const QString &name);
    Result<DomainInfo> defineDomain(const DomainDefinition &definition);
    // HypervisorChange.cpp: define, shut down, start; the previous definition and run state
    // back on any failure.
    Result<DomainInfo> changeDomain(const DomainChange &change);
    Result<DomainInfo> attachLive(const QString &name, const QStringList &addresses);
    Status undefineDomain(const QString &name);
    // Recovery (the agent's journal): the domain defined from `xml` again and, when `running`,
    // started if it is not. A missing domain is defined anew.
    Status restoreDefinition(const QString &name, const QString &xml, bool running);

private:
    Result<std::unique_ptr<HypervisorSession>> open(const QString &domain);
    QString domainType() const;

    HypervisorTarget m_target;
};

} // namespace passdeck
