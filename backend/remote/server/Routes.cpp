#include "remote/server/Routes.h"

#include "core/DomainName.h"
#include "core/NodeCodec.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>

namespace passdeck {

namespace {

HttpResponse badMessage(const QString &what, const QString &why)
{
    return HttpResponse::protocolError(400, what, why);
}

HttpResponse notFound(const HttpRequest &request)
{
    return HttpResponse::protocolError(404, QStringLiteral("%1 %2").arg(QString::fromLatin1(request.method), request.path),
                                       QStringLiteral("API v1 has no such path"));
}

HttpResponse wrongMethod(const HttpRequest &request, const QByteArray &allowed)
{
    HttpResponse r = HttpResponse::protocolError(
        405, QStringLiteral("%1 %2").arg(QString::fromLatin1(request.method), request.path),
        QStringLiteral("the path takes only %1").arg(QString::fromLatin1(allowed)));
    r.headers.append({"Allow", allowed});
    return r;
}

// A Node's answer: 200 with the value's JSON, or 422 with the node's Error.
template<typename T, typename F>
HttpResponse answer(const Result<T> &result, F &&encode)
{
    if (!result)
        return HttpResponse::error(422, result.error());
    return HttpResponse::json(200, encode(result.value()));
}

template<typename T>
HttpResponse answer(const Result<T> &result)
{
    return answer(result, [](const T &v) { return nodecodec::toJson(v); });
}

// An integer query parameter in [min, max]; `fallback` when absent.
std::optional<int> intParam(const HttpRequest &request, const QString &name, int fallback, int min, int max, QString *why)
{
    if (!request.query.hasQueryItem(name))
        return fallback;
    bool ok = false;
    const int v = request.query.queryItemValue(name).toInt(&ok);
    if (!ok || v < min || v > max) {
        *why = QStringLiteral("query parameter '%1' is not an integer from %2 to %3").arg(name).arg(min).arg(max);
        return std::nullopt;
    }
    return v;
}

Result<QJsonObject> jsonBody(const HttpRequest &request)
{
    QJsonParseError err;
    const QJsonDocument doc = QJsonDocument::fromJson(request.body, &err);
    if (err.error != QJsonParseError::NoError || !doc.isObject())
        return Error::make(ErrorCode::BadMessage, QStringLiteral("Reading the request body"),
                           err.error != QJsonParseError::NoError
                               ? QStringLiteral("it is not JSON: %1 at offset %2").arg(err.errorString()).arg(err.offset)
                               : QStringLiteral("it is not a JSON object"));
    return doc.object();
}

} // namespace

Routes::Routes(NodeMaker makeNode, JobManager *jobs) : m_makeNode(std::move(makeNode)), m_jobs(jobs) {}

bool Routes::isJobRequest(const HttpRequest &request)
{
    return request.path == QLatin1String("/api/v1/jobs") || request.path.startsWith(QLatin1String("/api/v1/jobs/"));
}

HttpResponse Routes::handle(const HttpRequest &request) const
{
    static const QString prefix = QStringLiteral("/api/v1/");
    if (!request.path.startsWith(prefix))
        return notFound(request);
    const QStringList segments = request.path.mid(prefix.size()).split(u'/');
    for (const QString &s : segments)
        if (s.isEmpty())
            return notFound(request);
    if (segments.first() == QLatin1String("jobs"))
        return handleJobs(request, segments);
    return handleRead(request, segments);
}

HttpResponse Routes::handleRead(const HttpRequest &request, const QStringList &segments) const
{
    const QString &first = segments.first();
    const int n = int(segments.size());
    // Which method the path takes; 404 for any other path.
    QByteArray allowed;
    if (n == 1 && (first == QLatin1String("node") || first == QLatin1String("devices") || first == QLatin1String("mounts")
                   || first == QLatin1String("capabilities") || first == QLatin1String("driver-states")))
        allowed = "GET";
    else if (n == 1 && first == QLatin1String("plan"))
        allowed = "POST";
    else if (first == QLatin1String("sriov") && (n == 2 || (n == 3 && segments.at(2) == QLatin1String("impact"))))
        allowed = "GET";
    else if (first == QLatin1String("domains") && n == 1)
        allowed = request.method == "POST" ? QByteArray("POST") : QByteArray("GET");
    else if (first == QLatin1String("domains") && n == 3 && segments.at(2) == QLatin1String("xml"))
        allowed = "GET";
    else
        return notFound(request);
    if (request.method != allowed)
        return wrongMethod(request, first == QLatin1String("domains") && n == 1 ? QByteArray("GET, POST") : allowed);

    // Arguments first: a malformed request is a 400 before any node is opened.
    QString why;
    std::optional<int> iommuGroup, count;
    QStringList addresses;
    BindTarget target = BindTarget::VfioPci;
    if (first == QLatin1String("capabilities")) {
        iommuGroup = intParam(request, QStringLiteral("iommu_group"), -1, -1, 1 << 20, &why);
        if (!iommuGroup)
            return badMessage(QStringLiteral("GET /api/v1/capabilities"), why);
    } else if (first == QLatin1String("driver-states")) {
        const QString list = request.query.queryItemValue(QStringLiteral("addresses"), QUrl::FullyDecoded);
        addresses = list.isEmpty() ? QStringList() : list.split(u',');
        if (addresses.size() > 4096)
            return badMessage(QStringLiteral("GET /api/v1/driver-states"), QStringLiteral("more than 4096 addresses"));
    } else if (first == QLatin1String("sriov") && n == 3) {
        count = intParam(request, QStringLiteral("count"), -1, 0, 4096, &why);
        if (!count || *count < 0)
            return badMessage(QStringLiteral("GET /api/v1/sriov/%1/impact").arg(segments.at(1)),
                              why.isEmpty() ? QStringLiteral("query parameter 'count' is missing") : why);
    } else if (first == QLatin1String("plan")) {
        Result<QJsonObject> body = jsonBody(request);
        if (!body)
            return HttpResponse::error(400, body.error());
        const QJsonValue list = body->value(QStringLiteral("addresses"));
        const QJsonValue t = body->value(QStringLiteral("target"));
        if (!list.isArray() || list.toArray().size() > 4096)
            return badMessage(QStringLiteral("POST /api/v1/plan"), QStringLiteral("'addresses' is not an array of at most 4096 strings"));
        for (const QJsonValue &a : list.toArray()) {
            if (!a.isString())
                return badMessage(QStringLiteral("POST /api/v1/plan"), QStringLiteral("'addresses' holds something that is not a string"));
            addresses << a.toString();
        }
        if (t.toString() == nodecodec::targetName(BindTarget::VfioPci))
            target = BindTarget::VfioPci;
        else if (t.toString() == nodecodec::targetName(BindTarget::Host))
            target = BindTarget::Host;
        else
            return badMessage(QStringLiteral("POST /api/v1/plan"), QStringLiteral("'target' is neither \"vfio-pci\" nor \"host\""));
    }

    // The hypervisor's reads and the define (docs/libvirt.md); its changes are jobs.
    std::optional<DomainDefinition> definition;
    if (first == QLatin1String("domains") && request.method == "POST") {
        Result<QJsonObject> body = jsonBody(request);
        if (!body)
            return HttpResponse::error(400, body.error());
        Result<DomainDefinition> d = nodecodec::fromJson<DomainDefinition>(*body);
        if (!d)
            return HttpResponse::error(400, d.error());
        definition = *d;
    } else if (first == QLatin1String("domains") && n == 3 && !isValidDomainName(segments.at(1))) {
        return badMessage(QStringLiteral("GET /api/v1/domains/…/xml"), QStringLiteral("'%1' is not a domain name").arg(segments.at(1).left(64)));
    }

    Result<std::unique_ptr<Node>> made = m_makeNode();
    if (!made)
        return HttpResponse::error(422, made.error());
    Node &node = *made.value();

    if (first == QLatin1String("node")) {
        return answer(node.identity(), [](const NodeIdentity &id) {
            QJsonObject o = nodecodec::toJson(id);
            o.insert(QStringLiteral("api_version"), apiVersion);
            return o;
        });
    }
    if (first == QLatin1String("devices"))
        return answer(node.inventory());
    if (first == QLatin1String("mounts"))
        return answer(node.hostMounts());
    if (first == QLatin1String("capabilities"))
        return answer(node.capabilities(*iommuGroup));
    if (first == QLatin1String("driver-states"))
        return answer(node.driverStates(addresses));
    if (first == QLatin1String("plan"))
        return answer(node.plan(addresses, target));
    if (first == QLatin1String("domains")) {
        if (definition)
            return answer(node.defineDomain(*definition));
        if (n == 1)
            return answer(node.domains());
        return answer(node.domainXml(segments.at(1)), [](const QString &xml) { return QJsonObject{{QStringLiteral("xml"), xml}}; });
    }
    // sriov/{pf}[/impact]
    const QString pf = segments.at(1);
    if (n == 2)
        return answer(node.sriovState(pf));
    return answer(node.vfCountImpact(pf, *count), [](const QList<Finding> &findings) {
        QJsonArray a;
        for (const Finding &f : findings)
            a.append(nodecodec::toJson(f));
        return QJsonObject{{QStringLiteral("findings"), a}};
    });
}

} // namespace passdeck
