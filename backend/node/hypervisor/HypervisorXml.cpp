#include "node/hypervisor/HypervisorXml.h"

#include "core/DomainName.h"

#include <QCoreApplication>
#include <QDomDocument>
#include <QSet>

namespace passdeck {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("Hypervisor", text);
}

const QString kMetadataName = QStringLiteral("passdeck"); // <passdeck:passdeck> in <metadata>
const QString kPrefix = QStringLiteral("passdeck");

Result<QDomDocument> parse(const QString &xml)
{
    QDomDocument doc;
    QString message;
    int line = 0;
    int column = 0;
    // Without namespace processing: the documents are libvirt's own, and QDom then keeps every
    // namespace declaration as the plain attribute it is (Passdeck's element is found by it).
    if (!doc.setContent(xml, false, &message, &line, &column) || doc.documentElement().tagName() != QLatin1String("domain"))
        return Error::make(ErrorCode::DomainFailed, tr("Reading a domain definition"),
                           message.isEmpty() ? tr("the document is not a <domain>")
                                             : tr("the domain XML does not parse (line %1, column %2: %3)")
                                                   .arg(line).arg(column).arg(message));
    return doc;
}

QDomElement child(const QDomElement &parent, const QString &name)
{
    return parent.firstChildElement(name);
}

int hexAttribute(const QDomElement &element, const QString &name)
{
    bool ok = false;
    const int value = element.attribute(name).toInt(&ok, 0);
    return ok ? value : -1;
}

// A <hostdev mode='subsystem' type='pci'>'s source address; null for any other hostdev.
PciAddress pciSource(const QDomElement &hostdev)
{
    if (hostdev.attribute(QStringLiteral("mode"), QStringLiteral("subsystem")) != QLatin1String("subsystem")
        || hostdev.attribute(QStringLiteral("type")) != QLatin1String("pci"))
        return {};
    const QDomElement address = child(child(hostdev, QStringLiteral("source")), QStringLiteral("address"));
    if (address.isNull())
        return {};
    const int domain = hexAttribute(address, QStringLiteral("domain"));
    const int bus = hexAttribute(address, QStringLiteral("bus"));
    const int slot = hexAttribute(address, QStringLiteral("slot"));
    const int function = hexAttribute(address, QStringLiteral("function"));
    if (domain < 0 || domain > 0xffff || bus < 0 || bus > 0xff || slot < 0 || slot > 0xff || function < 0 || function > 7)
        return {};
    return PciAddress::fromParts(domain, bus, slot, function);
}

QList<QDomElement> hostdevElements(const QDomDocument &doc)
{
    QList<QDomElement> out;
    const QDomElement devices = child(doc.documentElement(), QStringLiteral("devices"));
    for (QDomElement e = child(devices, QStringLiteral("hostdev")); !e.isNull(); e = e.nextSiblingElement(QStringLiteral("hostdev")))
        out.append(e);
    return out;
}

// The prefix of an element's tag ("passdeck" of "passdeck:hostdev"; "" without one) and its local name.
QString prefixOf(const QDomElement &e)
{
    const qsizetype colon = e.tagName().indexOf(u':');
    return colon < 0 ? QString() : e.tagName().left(colon);
}

QString localNameOf(const QDomElement &e)
{
    const qsizetype colon = e.tagName().indexOf(u':');
    return colon < 0 ? e.tagName() : e.tagName().mid(colon + 1);
}

// Whether e is Passdeck's element: its own namespace declaration names Passdeck's namespace
// (libvirt keeps each metadata element with the declaration it was defined with).
bool isPassdeckElement(const QDomElement &e)
{
    const QString prefix = prefixOf(e);
    const QString declaration = prefix.isEmpty() ? QStringLiteral("xmlns") : QStringLiteral("xmlns:") + prefix;
    return localNameOf(e) == kMetadataName && e.attribute(declaration) == HypervisorXml::passdeckNamespace();
}

// Passdeck's element in <metadata>, created when `create`.
QDomElement passdeckMetadata(QDomDocument &doc, bool create)
{
    QDomElement root = doc.documentElement();
    QDomElement metadata = child(root, QStringLiteral("metadata"));
    if (!metadata.isNull()) {
        for (QDomElement e = metadata.firstChildElement(); !e.isNull(); e = e.nextSiblingElement())
            if (isPassdeckElement(e))
                return e;
    }
    if (!create)
        return {};
    if (metadata.isNull()) {
        metadata = doc.createElement(QStringLiteral("metadata"));
        // libvirt writes <metadata> after <uuid>/<title>/<description>; its parser takes any order.
        root.insertAfter(metadata, child(root, QStringLiteral("uuid")).isNull() ? child(root, QStringLiteral("name"))
                                                                                 : child(root, QStringLiteral("uuid")));
    }
    QDomElement own = doc.createElement(kPrefix + u':' + kMetadataName);
    own.setAttribute(QStringLiteral("xmlns:") + kPrefix, HypervisorXml::passdeckNamespace());
    metadata.appendChild(own);
    return own;
}

QSet<QString> listedAddresses(QDomDocument &doc)
{
    QSet<QString> out;
    const QDomElement own = passdeckMetadata(doc, false);
    for (QDomElement e = own.firstChildElement(); !e.isNull(); e = e.nextSiblingElement())
        if (localNameOf(e) == QLatin1String("hostdev"))
            out.insert(e.attribute(QStringLiteral("address")));
    return out;
}

void writeListed(QDomDocument &doc, const QList<PciAddress> &addresses)
{
    QDomElement own = passdeckMetadata(doc, true);
    while (!own.firstChild().isNull())
        own.removeChild(own.firstChild());
    for (const PciAddress &a : addresses) {
        // Children take the prefix their parent declared.
        const QString prefix = prefixOf(own);
        QDomElement e = doc.createElement(prefix.isEmpty() ? QStringLiteral("hostdev") : prefix + QStringLiteral(":hostdev"));
        e.setAttribute(QStringLiteral("address"), a.toString());
        own.appendChild(e);
    }
}

QString hex(int value, int width)
{
    return QStringLiteral("0x%1").arg(value, width, 16, QLatin1Char('0'));
}

QDomElement makeHostdev(QDomDocument &doc, const PciAddress &a)
{
    QDomElement hostdev = doc.createElement(QStringLiteral("hostdev"));
    hostdev.setAttribute(QStringLiteral("mode"), QStringLiteral("subsystem"));
    hostdev.setAttribute(QStringLiteral("type"), QStringLiteral("pci"));
    // Passdeck binds the device to vfio-pci itself (docs/binding.md): libvirt must not rebind it.
    hostdev.setAttribute(QStringLiteral("managed"), QStringLiteral("no"));
    QDomElement source = doc.createElement(QStringLiteral("source"));
    QDomElement address = doc.createElement(QStringLiteral("address"));
    address.setAttribute(QStringLiteral("domain"), hex(a.domain(), 4));
    address.setAttribute(QStringLiteral("bus"), hex(a.bus(), 2));
    address.setAttribute(QStringLiteral("slot"), hex(a.slot(), 2));
    address.setAttribute(QStringLiteral("function"), hex(a.function(), 1));
    source.appendChild(address);
    hostdev.appendChild(source);
    return hostdev;
}

} // namespace

QString HypervisorXml::passdeckNamespace()
{
    return QStringLiteral("https://passdeck.dev/xmlns/libvirt/1");
}

QString HypervisorXml::testDriverNamespace()
{
    return QStringLiteral("http://libvirt.org/schemas/domain/test/1.0");
}

bool HypervisorXml::isValidDomainName(const QString &name)
{
    return passdeck::isValidDomainName(name);
}

Result<QList<DomainHostdev>> HypervisorXml::hostdevs(const QString &domainXml)
{
    auto doc = parse(domainXml);
    if (!doc)
        return doc.error();
    const QSet<QString> listed = listedAddresses(doc.value());
    QList<DomainHostdev> out;
    for (const QDomElement &e : hostdevElements(doc.value())) {
        const PciAddress address = pciSource(e);
        if (address.isNull())
            continue;
        DomainHostdev h;
        h.address = address.toString();
        h.passdeck = listed.contains(h.address);
        h.managed = e.attribute(QStringLiteral("managed")) == QLatin1String("yes");
        out.append(h);
    }
    return out;
}

QString HypervisorXml::hostdevXml(const PciAddress &address)
{
    QDomDocument doc;
    doc.appendChild(makeHostdev(doc, address));
    return doc.toString(-1);
}

Result<QString> HypervisorXml::withPassdeckHostdevs(const QString &domainXml, const QList<PciAddress> &addresses)
{
    auto parsed = parse(domainXml);
    if (!parsed)
        return parsed.error();
    QDomDocument &doc = parsed.value();
    const QSet<QString> listed = listedAddresses(doc);
    QDomElement root = doc.documentElement();
    QDomElement devices = child(root, QStringLiteral("devices"));
    if (devices.isNull())
        devices = root.appendChild(doc.createElement(QStringLiteral("devices"))).toElement();

    QSet<QString> foreign;
    for (QDomElement &e : hostdevElements(doc)) {
        const PciAddress address = pciSource(e);
        if (address.isNull())
            continue;
        if (listed.contains(address.toString()))
            devices.removeChild(e);
        else
            foreign.insert(address.toString());
    }
    for (const PciAddress &a : addresses) {
        if (foreign.contains(a.toString())) {
            Error e = Error::make(ErrorCode::DomainFailed, tr("Assigning %1").arg(a.toString()),
                                  tr("the domain already has %1 as a hostdev that Passdeck did not write").arg(a.toString()),
                                  tr("Remove that hostdev from the domain (virsh edit) or leave the device out."));
            e.device = a.toString();
            return e;
        }
        devices.appendChild(makeHostdev(doc, a));
    }
    writeListed(doc, addresses);
    return doc.toString(2);
}

Result<QString> HypervisorXml::withPassdeckMetadata(const QString &domainXml, const QList<PciAddress> &added)
{
    auto parsed = parse(domainXml);
    if (!parsed)
        return parsed.error();
    QDomDocument &doc = parsed.value();
    const QSet<QString> listed = listedAddresses(doc);
    QList<PciAddress> all;
    for (const QDomElement &e : hostdevElements(doc)) {
        const PciAddress address = pciSource(e);
        if (!address.isNull() && (listed.contains(address.toString()) || added.contains(address)) && !all.contains(address))
            all.append(address);
    }
    writeListed(doc, all);
    return doc.toString(2);
}

QString HypervisorXml::minimalDomain(const DomainDefinition &definition, const QString &type)
{
    QDomDocument doc;
    QDomElement root = doc.createElement(QStringLiteral("domain"));
    root.setAttribute(QStringLiteral("type"), type);
    doc.appendChild(root);
    auto add = [&doc](QDomElement parent, const QString &name, const QString &text) {
        QDomElement e = doc.createElement(name);
        if (!text.isEmpty())
            e.appendChild(doc.createTextNode(text));
        parent.appendChild(e);
        return e;
    };
    add(root, QStringLiteral("name"), definition.name);
    add(root, QStringLiteral("memory"), QString::number(definition.memoryMiB)).setAttribute(QStringLiteral("unit"), QStringLiteral("MiB"));
    add(root, QStringLiteral("vcpu"), QString::number(definition.vcpus));
    QDomElement os = add(root, QStringLiteral("os"), {});
    add(os, QStringLiteral("type"), QStringLiteral("hvm"));
    add(root, QStringLiteral("devices"), {});
    return doc.toString(2);
}

} // namespace passdeck
