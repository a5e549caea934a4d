#include "sim/SimDomains.h"

#include "core/PciAddress.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QSet>
#include <QUuid>
#include <QXmlStreamWriter>

namespace passdeck {

namespace {

QString tr(const char *s)
{
    return QCoreApplication::translate("SimHostDescription", s);
}

Error badField(const QString &domain, const QString &field, const QString &why)
{
    Error e = Error::make(ErrorCode::BadDescription,
                          domain.isEmpty() ? tr("Invalid simulated node description") : tr("Invalid simulated domain '%1'").arg(domain),
                          tr("field \"%1\": %2").arg(field, why),
                          tr("Fix the description (see docs/simulated-nodes.md) and build again."));
    e.step = field;
    return e;
}

// The numbers of libvirt's virDomainState, as the test driver reads <test:runstate>.
int runState(const QString &state)
{
    if (state == QLatin1String("running"))
        return 1;
    if (state == QLatin1String("paused"))
        return 3;
    return 5;
}

bool addressList(const QJsonObject &o, const QString &name, const char *key, QStringList *out, std::optional<Error> *error)
{
    const QJsonValue v = o.value(QLatin1String(key));
    if (v.isUndefined())
        return true;
    if (!v.isArray()) {
        *error = badField(name, QString::fromLatin1(key), tr("must be an array of PCI addresses"));
        return false;
    }
    for (const QJsonValue &a : v.toArray()) {
        if (!a.isString() || !PciAddress::isValid(a.toString())) {
            *error = badField(name, QString::fromLatin1(key), tr("\"%1\" is not a PCI address (0000:01:00.0)").arg(a.toString()));
            return false;
        }
        out->append(a.toString());
    }
    return true;
}

} // namespace

QString SimDomains::relativePath()
{
    return QStringLiteral("etc/passdeck/libvirt.xml");
}

Result<QList<SimDomainSpec>> SimDomains::parse(const QJsonObject &description)
{
    QList<SimDomainSpec> out;
    const QJsonValue domains = description.value(QLatin1String("domains"));
    if (domains.isUndefined())
        return out;
    if (!domains.isArray())
        return badField({}, QStringLiteral("domains"), tr("must be an array of domains"));
    QSet<QString> names;
    for (const QJsonValue &v : domains.toArray()) {
        if (!v.isObject())
            return badField({}, QStringLiteral("domains"), tr("every entry must be an object"));
        const QJsonObject o = v.toObject();
        SimDomainSpec d;
        d.name = o.value(QLatin1String("name")).toString();
        if (d.name.isEmpty() || d.name.size() > 64 || d.name.contains(u'/') || names.contains(d.name))
            return badField(d.name, QStringLiteral("name"), tr("missing, longer than 64 characters, with a '/' or used twice"));
        names.insert(d.name);
        const QJsonValue vcpus = o.value(QLatin1String("vcpus"));
        if (!vcpus.isUndefined() && (!vcpus.isDouble() || vcpus.toInt(-1) < 1 || vcpus.toInt(-1) > 4096))
            return badField(d.name, QStringLiteral("vcpus"), tr("must be a number from 1 to 4096"));
        d.vcpus = vcpus.toInt(1);
        const QJsonValue memory = o.value(QLatin1String("memory_mib"));
        if (!memory.isUndefined() && (!memory.isDouble() || memory.toDouble() < 1 || memory.toDouble() > 16.0 * 1024 * 1024))
            return badField(d.name, QStringLiteral("memory_mib"), tr("must be a number of MiB from 1 to 16777216"));
        d.memoryMiB = qint64(memory.toDouble(1024));
        d.state = o.value(QLatin1String("state")).toString(d.state);
        if (d.state != QLatin1String("running") && d.state != QLatin1String("paused") && d.state != QLatin1String("shut-off"))
            return badField(d.name, QStringLiteral("state"), tr("must be \"running\", \"paused\" or \"shut-off\""));
        std::optional<Error> error;
        if (!addressList(o, d.name, "hostdevs", &d.hostdevs, &error) || !addressList(o, d.name, "passdeck_hostdevs", &d.passdeckHostdevs, &error))
            return *error;
        out.append(d);
    }
    return out;
}

QByteArray SimDomains::testDriverXml(const QList<SimDomainSpec> &domains)
{
    QByteArray out;
    QXmlStreamWriter w(&out);
    w.setAutoFormatting(true);
    w.writeStartElement(QStringLiteral("node"));
    const QString testNs = QStringLiteral("http://libvirt.org/schemas/domain/test/1.0");
    const QString passdeckNs = QStringLiteral("https://passdeck.dev/xmlns/libvirt/1");
    w.writeAttribute(QStringLiteral("xmlns:test"), testNs);
    for (const SimDomainSpec &d : domains) {
        w.writeStartElement(QStringLiteral("domain"));
        w.writeAttribute(QStringLiteral("type"), QStringLiteral("test"));
        w.writeTextElement(QStringLiteral("name"), d.name);
        // A UUID now: the test driver would invent a new one on every load until the first save.
        w.writeTextElement(QStringLiteral("uuid"), QUuid::createUuid().toString(QUuid::WithoutBraces));
        if (!d.passdeckHostdevs.isEmpty()) {
            // The declaration on Passdeck's own element, as libvirt writes it back.
            w.writeStartElement(QStringLiteral("metadata"));
            w.writeStartElement(QStringLiteral("passdeck:passdeck"));
            w.writeAttribute(QStringLiteral("xmlns:passdeck"), passdeckNs);
            for (const QString &a : d.passdeckHostdevs) {
                w.writeStartElement(QStringLiteral("passdeck:hostdev"));
                w.writeAttribute(QStringLiteral("address"), a);
                w.writeEndElement();
            }
            w.writeEndElement();
            w.writeEndElement();
        }
        w.writeStartElement(QStringLiteral("memory"));
        w.writeAttribute(QStringLiteral("unit"), QStringLiteral("MiB"));
        w.writeCharacters(QString::number(d.memoryMiB));
        w.writeEndElement();
        w.writeTextElement(QStringLiteral("vcpu"), QString::number(d.vcpus));
        w.writeStartElement(QStringLiteral("os"));
        w.writeTextElement(QStringLiteral("type"), QStringLiteral("hvm"));
        w.writeEndElement();
        w.writeStartElement(QStringLiteral("devices"));
        for (const QString &a : d.hostdevs + d.passdeckHostdevs) {
            const PciAddress p = PciAddress::parse(a).value();
            w.writeStartElement(QStringLiteral("hostdev"));
            w.writeAttribute(QStringLiteral("mode"), QStringLiteral("subsystem"));
            w.writeAttribute(QStringLiteral("type"), QStringLiteral("pci"));
            w.writeAttribute(QStringLiteral("managed"), QStringLiteral("no"));
            w.writeStartElement(QStringLiteral("source"));
            w.writeStartElement(QStringLiteral("address"));
            w.writeAttribute(QStringLiteral("domain"), QStringLiteral("0x%1").arg(p.domain(), 4, 16, QLatin1Char('0')));
            w.writeAttribute(QStringLiteral("bus"), QStringLiteral("0x%1").arg(p.bus(), 2, 16, QLatin1Char('0')));
            w.writeAttribute(QStringLiteral("slot"), QStringLiteral("0x%1").arg(p.slot(), 2, 16, QLatin1Char('0')));
            w.writeAttribute(QStringLiteral("function"), QStringLiteral("0x%1").arg(p.function()));
            w.writeEndElement();
            w.writeEndElement();
            w.writeEndElement();
        }
        w.writeEndElement(); // devices
        w.writeTextElement(QStringLiteral("test:runstate"), QString::number(runState(d.state)));
        w.writeEndElement(); // domain
    }
    w.writeEndElement(); // node
    out += '\n';
    return out;
}

} // namespace passdeck
