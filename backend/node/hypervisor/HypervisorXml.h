#pragma once

#include "core/Error.h"
#include "core/HypervisorTypes.h"
#include "core/PciAddress.h"

#include <QList>
#include <QString>

namespace passdeck {

// Domain XML as Passdeck reads and writes it (docs/libvirt.md, "On the node"). Pure text in,
// text out: the libvirt calls live in Hypervisor.
namespace HypervisorXml {

// The namespace of Passdeck's element in a domain's <metadata>: it lists the hostdevs Passdeck
// wrote, so a later change replaces those and nothing else.
QString passdeckNamespace();
// libvirt's test driver namespace (<test:runstate> in the test driver file).
QString testDriverNamespace();

// Whether a name is a domain name Passdeck accepts: 1 to 64 characters, no '/', no control
// characters, not only dots (libvirt's own rules are looser; these keep a name a safe path part).
bool isValidDomainName(const QString &name);

// The PCI hostdevs of a domain XML in document order, each marked passdeck when the Passdeck
// metadata lists its address. An Error (domain-failed) when the XML does not parse.
Result<QList<DomainHostdev>> hostdevs(const QString &domainXml);

// One <hostdev mode='subsystem' type='pci' managed='no'> for address.
QString hostdevXml(const PciAddress &address);

// The XML with Passdeck's hostdevs replaced by exactly `addresses` (and the metadata saying so).
// Hostdevs Passdeck did not write stay as they are; an address that is one of them is refused
// (Error domain-failed naming the device): it is assigned outside Passdeck.
Result<QString> withPassdeckHostdevs(const QString &domainXml, const QList<PciAddress> &addresses);

// The XML with `addresses` added to the Passdeck metadata (after a live attach put the hostdevs
// into the definition).
Result<QString> withPassdeckMetadata(const QString &domainXml, const QList<PciAddress> &added);

// A minimal domain: name, vCPUs, memory, an hvm os, no disk. type: "kvm" or "test".
QString minimalDomain(const DomainDefinition &definition, const QString &type);

} // namespace HypervisorXml

} // namespace passdeck
