#pragma once

#include "core/Error.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace passdeck {

// One libvirt domain of a simulated node's description ("domains", docs/simulated-nodes.md).
struct SimDomainSpec
{
    QString name;
    int vcpus = 1;
    qint64 memoryMiB = 1024;
    QString state = QStringLiteral("shut-off"); // "running", "paused" or "shut-off"
    QStringList hostdevs;         // PCI hostdevs written outside Passdeck (managed='no')
    QStringList passdeckHostdevs; // PCI hostdevs listed in Passdeck's metadata, as if it wrote them
};

// The "domains" list of a description and the test driver file it becomes
// (<root>/etc/passdeck/libvirt.xml, read by the node's hypervisor, docs/libvirt.md).
namespace SimDomains {

// The optional "domains" array; an Error (bad-description) naming the domain and the field.
Result<QList<SimDomainSpec>> parse(const QJsonObject &description);
// The <node> document of <domain type='test'> elements (with UUIDs and run states) for `domains`.
QByteArray testDriverXml(const QList<SimDomainSpec> &domains);
// Where the file goes below a host root.
QString relativePath();

} // namespace SimDomains

} // namespace passdeck
