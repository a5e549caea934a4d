#pragma once

#include "core/Error.h"
#include "core/HypervisorTypes.h"
#include "node/hypervisor/HypervisorTarget.h"
#include "node/hypervisor/TestDriverFile.h"

#include <libvirt/libvirt.h>

#include <QString>

#include <memory>
#include <optional>

namespace passdeck {

// One operation's connection (Hypervisor's helper): opened per call so that a libvirt restart
// between two calls costs nothing, and, on the test driver file, the file's lock held from the
// read to the write back.
class HypervisorSession
{
public:
    static Result<std::unique_ptr<HypervisorSession>> open(const HypervisorTarget &target, const QString &domain);
    ~HypervisorSession();
    HypervisorSession(const HypervisorSession &) = delete;
    HypervisorSession &operator=(const HypervisorSession &) = delete;

    virConnectPtr connection() const { return m_conn; }
    bool isTestDriver() const { return m_file.has_value(); }
    const HypervisorTarget &target() const { return m_target; }

    // The domain, or Error domain-not-found (what = whatText). The caller frees it (DomainRef).
    Result<virDomainPtr> lookup(const QString &name, const QString &whatText) const;
    // What libvirt said about its last failure (virGetLastErrorMessage), never empty.
    static QString lastMessage();
    // An Error of `code` whose why is libvirt's last message.
    Error libvirtError(ErrorCode code, const QString &what, const QString &domain) const;

    // Test driver file: every domain (persistent XML and run state) written back to the file.
    // Real libvirt: nothing to do (libvirtd keeps its own state).
    Status save();

private:
    HypervisorSession() = default;

    HypervisorTarget m_target;
    std::optional<TestDriverFile> m_file;
    virConnectPtr m_conn = nullptr;
};

// Frees a virDomainPtr at scope end.
class DomainRef
{
public:
    explicit DomainRef(virDomainPtr domain) : m_domain(domain) {}
    ~DomainRef()
    {
        if (m_domain)
            virDomainFree(m_domain);
    }
    DomainRef(const DomainRef &) = delete;
    DomainRef &operator=(const DomainRef &) = delete;
    virDomainPtr get() const { return m_domain; }

private:
    virDomainPtr m_domain;
};

// The domain's state (virDomainGetState); NoState when it cannot be read.
DomainState domainState(virDomainPtr domain);
// The persistent definition (VIR_DOMAIN_XML_INACTIVE | SECURE); "" on failure.
QString inactiveXml(virDomainPtr domain);
// The DomainInfo of a domain (state, size, persistence, hostdevs of the persistent definition).
Result<DomainInfo> describeDomain(const HypervisorSession &session, virDomainPtr domain);

} // namespace passdeck
