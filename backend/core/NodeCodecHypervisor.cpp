// NodeCodec for the hypervisor types (core/HypervisorTypes.h, docs/libvirt.md): what
// GET /v1/domains answers and what the define, change and attach requests carry.
#include "core/NodeCodec.h"

#include "core/DomainName.h"
#include "core/JsonReader.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QRegularExpression>

namespace passdeck::nodecodec {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("NodeCodec", text);
}

template<typename T>
Result<T> done(const T &value, const QString &problem)
{
    if (!problem.isEmpty())
        return Error::make(ErrorCode::BadMessage, tr("Reading a node message"), problem,
                           tr("The node and Passdeck may be different versions, or the message was damaged; nothing was done."));
    return value;
}

QString domainName(const JsonReader &r, const QString &key)
{
    const QString name = r.string(key, 64);
    if (!r.failed() && !isValidDomainName(name))
        r.fail(key, tr("'%1' is not a domain name (1-64 characters, no '/')").arg(name.left(64)));
    return name;
}

} // namespace

QJsonObject toJson(const DomainHostdev &hostdev)
{
    return {{QStringLiteral("address"), hostdev.address},
            {QStringLiteral("passdeck"), hostdev.passdeck},
            {QStringLiteral("managed"), hostdev.managed}};
}

QJsonObject toJson(const DomainInfo &info)
{
    QJsonArray hostdevs;
    for (const DomainHostdev &h : info.hostdevs)
        hostdevs.append(toJson(h));
    return {{QStringLiteral("name"), info.name},
            {QStringLiteral("uuid"), info.uuid},
            {QStringLiteral("state"), domainStateName(info.state)},
            {QStringLiteral("vcpus"), info.vcpus},
            {QStringLiteral("memoryMiB"), info.memoryMiB},
            {QStringLiteral("persistent"), info.persistent},
            {QStringLiteral("hostdevs"), hostdevs}};
}

QJsonObject toJson(const QList<DomainInfo> &domains)
{
    QJsonArray a;
    for (const DomainInfo &d : domains)
        a.append(toJson(d));
    return {{QStringLiteral("domains"), a}};
}

QJsonObject toJson(const DomainDefinition &definition)
{
    return {{QStringLiteral("name"), definition.name},
            {QStringLiteral("vcpus"), definition.vcpus},
            {QStringLiteral("memoryMiB"), definition.memoryMiB}};
}

QJsonObject toJson(const DomainChange &change)
{
    return {{QStringLiteral("name"), change.name},
            {QStringLiteral("hostdevs"), QJsonArray::fromStringList(change.hostdevs)},
            {QStringLiteral("start"), change.start},
            {QStringLiteral("shutdownTimeoutSec"), change.shutdownTimeoutSec}};
}

template<>
Result<DomainHostdev> fromJson<DomainHostdev>(const QJsonValue &value)
{
    QString problem;
    JsonReader r(value, QStringLiteral("hostdev"), &problem);
    DomainHostdev h;
    h.address = r.address(QStringLiteral("address"));
    h.passdeck = r.boolean(QStringLiteral("passdeck"));
    h.managed = r.boolean(QStringLiteral("managed"));
    return done(h, problem);
}

template<>
Result<DomainInfo> fromJson<DomainInfo>(const QJsonValue &value)
{
    QString problem;
    JsonReader r(value, QStringLiteral("domain"), &problem);
    DomainInfo d;
    d.name = domainName(r, QStringLiteral("name"));
    d.uuid = r.string(QStringLiteral("uuid"), 36);
    static const QRegularExpression kUuid(QStringLiteral("^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})?$"));
    if (!r.failed() && !kUuid.match(d.uuid).hasMatch())
        r.fail(QStringLiteral("uuid"), tr("'%1' is not a UUID").arg(d.uuid));
    const QString state = r.string(QStringLiteral("state"), 32);
    if (!r.failed() && !domainStateFromName(state, &d.state))
        r.fail(QStringLiteral("state"), tr("'%1' is not a domain state").arg(state));
    d.vcpus = int(r.integer(QStringLiteral("vcpus"), 0, 65536));
    d.memoryMiB = r.integer(QStringLiteral("memoryMiB"), 0, qint64(1) << 40);
    d.persistent = r.boolean(QStringLiteral("persistent"));
    const QJsonArray hostdevs = r.array(QStringLiteral("hostdevs"), JsonReader::kMaxItems);
    for (qsizetype i = 0; i < hostdevs.size() && !r.failed(); ++i) {
        Result<DomainHostdev> h = fromJson<DomainHostdev>(hostdevs.at(i));
        if (!h)
            r.fail(QStringLiteral("hostdevs[%1]").arg(i), h.error().why);
        else
            d.hostdevs.append(*h);
    }
    return done(d, problem);
}

template<>
Result<QList<DomainInfo>> fromJson<QList<DomainInfo>>(const QJsonValue &value)
{
    QString problem;
    JsonReader r(value, QStringLiteral("domains"), &problem);
    QList<DomainInfo> out;
    const QJsonArray a = r.array(QStringLiteral("domains"), JsonReader::kMaxItems);
    for (qsizetype i = 0; i < a.size() && !r.failed(); ++i) {
        Result<DomainInfo> d = fromJson<DomainInfo>(a.at(i));
        if (!d)
            r.fail(QStringLiteral("domains[%1]").arg(i), d.error().why);
        else
            out.append(*d);
    }
    return done(out, problem);
}

template<>
Result<DomainDefinition> fromJson<DomainDefinition>(const QJsonValue &value)
{
    QString problem;
    JsonReader r(value, QStringLiteral("definition"), &problem);
    DomainDefinition d;
    d.name = domainName(r, QStringLiteral("name"));
    d.vcpus = int(r.integer(QStringLiteral("vcpus"), 1, kMaxVcpus));
    d.memoryMiB = r.integer(QStringLiteral("memoryMiB"), 1, kMaxMemoryMiB);
    return done(d, problem);
}

template<>
Result<DomainChange> fromJson<DomainChange>(const QJsonValue &value)
{
    QString problem;
    JsonReader r(value, QStringLiteral("change"), &problem);
    DomainChange c;
    c.name = domainName(r, QStringLiteral("name"));
    // An empty list is a change too: every Passdeck hostdev goes.
    c.hostdevs = r.addresses(QStringLiteral("hostdevs"), JsonReader::kMaxItems);
    c.start = r.boolean(QStringLiteral("start"));
    c.shutdownTimeoutSec = int(r.integer(QStringLiteral("shutdownTimeoutSec"), 0, kMaxShutdownTimeoutSec));
    return done(c, problem);
}

} // namespace passdeck::nodecodec
