#include "core/JobCodec.h"

#include "core/DomainName.h"
#include "core/JsonReader.h"
#include "core/NodeCodec.h"
#include "core/PciAddress.h"

#include <QCoreApplication>
#include <QJsonArray>

namespace passdeck {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("JobCodec", text);
}

QString messageWhat()
{
    return tr("Reading a job message");
}

// An embedded NodeCodec value: its decoding error names the field under the reader's path
// ("job.plan.devices[2]: …").
template<typename T>
T decodeMember(const QJsonObject &object, const JsonReader &r, const QString &key, QString *problem)
{
    r.object(key);
    if (r.failed())
        return T();
    Result<T> value = nodecodec::fromJson<T>(object.value(key));
    if (!value) {
        // The inner decoder names its own root ("restore.originalDrivers[x]"); name the member.
        const QString why = value.error().why;
        qsizetype cut = 0;
        while (cut < why.size() && why.at(cut) != u'.' && why.at(cut) != u':' && why.at(cut) != u'[')
            ++cut;
        *problem = QStringLiteral("%1.%2%3").arg(r.path(), key, why.mid(cut));
        return T();
    }
    return *value;
}

QString readDomainName(const JsonReader &r, const QString &key)
{
    const QString name = r.string(key, 64);
    if (!r.failed() && !isValidDomainName(name))
        r.fail(key, tr("'%1' is not a domain name (1-64 characters, no '/')").arg(name));
    return name;
}

bool isJobId(const QString &id)
{
    if (id.isEmpty() || id.size() > 64)
        return false;
    for (QChar c : id)
        if (!((c >= u'0' && c <= u'9') || (c >= u'a' && c <= u'f')))
            return false;
    return true;
}

QJsonValue dateJson(const QDateTime &when)
{
    if (!when.isValid())
        return QJsonValue(QJsonValue::Null);
    return when.toUTC().toString(Qt::ISODateWithMs);
}

QDateTime readDate(const JsonReader &r, const QJsonObject &o, const QString &key, bool nullable)
{
    if (r.failed())
        return {};
    const QJsonValue v = o.value(key);
    if (nullable && v.isNull())
        return {};
    const QString text = r.string(key, 64);
    if (r.failed())
        return {};
    QDateTime when = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!when.isValid()) {
        r.fail(key, tr("'%1' is not an ISO-8601 time").arg(text));
        return {};
    }
    return when.toUTC();
}

template<typename T>
Result<T> done(const T &value, const QString &problem)
{
    if (!problem.isEmpty())
        return Error::make(ErrorCode::BadMessage, messageWhat(), problem,
                           tr("The agent and Passdeck may be different versions, or the message was damaged; nothing was done."));
    return value;
}

} // namespace

namespace jobstate {
bool isKnown(QStringView state)
{
    return state == kQueued || state == kRunning || isEnded(state);
}

bool isEnded(QStringView state)
{
    return state == kSucceeded || state == kFailed || state == kRolledBack || state == kInterrupted;
}
} // namespace jobstate

QString jobKindName(JobRequest::Kind kind)
{
    switch (kind) {
    case JobRequest::Kind::Apply: return QStringLiteral("apply");
    case JobRequest::Kind::Restore: return QStringLiteral("restore");
    case JobRequest::Kind::SetVfCount: return QStringLiteral("set-vf-count");
    case JobRequest::Kind::ChangeDomain: return QStringLiteral("change-domain");
    case JobRequest::Kind::AttachLive: return QStringLiteral("attach-live");
    case JobRequest::Kind::UndefineDomain: return QStringLiteral("undefine-domain");
    case JobRequest::Kind::Reboot: break;
    }
    return QStringLiteral("reboot");
}

std::optional<JobRequest::Kind> jobKindFromName(QStringView name)
{
    for (JobRequest::Kind k : {JobRequest::Kind::Apply, JobRequest::Kind::Restore, JobRequest::Kind::SetVfCount, JobRequest::Kind::Reboot,
                               JobRequest::Kind::ChangeDomain, JobRequest::Kind::AttachLive, JobRequest::Kind::UndefineDomain})
        if (name == jobKindName(k))
            return k;
    return std::nullopt;
}

QJsonObject jobRequestToJson(const JobRequest &request)
{
    QJsonObject o{{QStringLiteral("kind"), jobKindName(request.kind)}};
    switch (request.kind) {
    case JobRequest::Kind::Apply:
        o.insert(QStringLiteral("plan"), nodecodec::toJson(request.plan));
        o.insert(QStringLiteral("options"), nodecodec::toJson(request.options));
        break;
    case JobRequest::Kind::Restore:
        o.insert(QStringLiteral("request"), nodecodec::toJson(request.restore));
        break;
    case JobRequest::Kind::SetVfCount:
        o.insert(QStringLiteral("pf"), request.pf);
        o.insert(QStringLiteral("count"), request.count);
        o.insert(QStringLiteral("options"), nodecodec::toJson(request.vfOptions));
        break;
    case JobRequest::Kind::ChangeDomain:
        o.insert(QStringLiteral("change"), nodecodec::toJson(request.change));
        break;
    case JobRequest::Kind::AttachLive:
        o.insert(QStringLiteral("addresses"), QJsonArray::fromStringList(request.addresses));
        o.insert(QStringLiteral("domain"), request.domain);
        break;
    case JobRequest::Kind::UndefineDomain:
        o.insert(QStringLiteral("domain"), request.domain);
        break;
    case JobRequest::Kind::Reboot:
        break;
    }
    if (!request.clientRef.isEmpty())
        o.insert(QStringLiteral("client_ref"), request.clientRef);
    return o;
}

Result<JobRequest> jobRequestFromJson(const QJsonValue &value)
{
    QString problem;
    JsonReader r(value, QStringLiteral("job"), &problem);
    const QJsonObject o = value.toObject();
    JobRequest j;
    const QString kind = r.string(QStringLiteral("kind"), 32);
    if (!r.failed()) {
        if (std::optional<JobRequest::Kind> k = jobKindFromName(kind))
            j.kind = *k;
        else
            r.fail(QStringLiteral("kind"), tr("'%1' is not a job kind (apply, restore, set-vf-count, reboot, change-domain, "
                                              "attach-live or undefine-domain)").arg(kind));
    }
    if (!r.failed()) {
        switch (j.kind) {
        case JobRequest::Kind::Apply:
            j.plan = decodeMember<BindPlan>(o, r, QStringLiteral("plan"), &problem);
            j.options = decodeMember<ApplyOptions>(o, r, QStringLiteral("options"), &problem);
            break;
        case JobRequest::Kind::Restore:
            j.restore = decodeMember<RestoreRequest>(o, r, QStringLiteral("request"), &problem);
            break;
        case JobRequest::Kind::SetVfCount:
            j.pf = r.address(QStringLiteral("pf"));
            j.count = int(r.integer(QStringLiteral("count"), 0, 65535));
            j.vfOptions = decodeMember<VfCountOptions>(o, r, QStringLiteral("options"), &problem);
            break;
        case JobRequest::Kind::ChangeDomain:
            j.change = decodeMember<DomainChange>(o, r, QStringLiteral("change"), &problem);
            break;
        case JobRequest::Kind::AttachLive:
            j.addresses = r.addresses(QStringLiteral("addresses"), JsonReader::kMaxItems);
            if (!r.failed() && j.addresses.isEmpty())
                r.fail(QStringLiteral("addresses"), tr("no address to attach"));
            j.domain = readDomainName(r, QStringLiteral("domain"));
            break;
        case JobRequest::Kind::UndefineDomain:
            j.domain = readDomainName(r, QStringLiteral("domain"));
            break;
        case JobRequest::Kind::Reboot:
            break;
        }
    }
    j.clientRef = r.string(QStringLiteral("client_ref"), kMaxClientRefLength, false);
    return done(j, problem);
}

QJsonObject jobStatusToJson(const JobStatus &s)
{
    return {{QStringLiteral("id"), s.id},
            {QStringLiteral("kind"), jobKindName(s.kind)},
            {QStringLiteral("state"), s.state},
            {QStringLiteral("progress"), QJsonObject{{QStringLiteral("done"), s.done}, {QStringLiteral("total"), s.total},
                                                     {QStringLiteral("step"), s.step}}},
            {QStringLiteral("result"), s.result.isUndefined() ? QJsonValue(QJsonValue::Null) : s.result},
            {QStringLiteral("client_ref"), s.clientRef},
            {QStringLiteral("created"), dateJson(s.created)},
            {QStringLiteral("ended"), dateJson(s.ended)}};
}

Result<JobStatus> jobStatusFromJson(const QJsonValue &value)
{
    QString problem;
    JsonReader r(value, QStringLiteral("jobStatus"), &problem);
    const QJsonObject o = value.toObject();
    JobStatus s;
    s.id = r.string(QStringLiteral("id"), 64);
    if (!r.failed() && !isJobId(s.id))
        r.fail(QStringLiteral("id"), tr("'%1' is not a job id (lowercase hex)").arg(s.id.left(64)));
    const QString kind = r.string(QStringLiteral("kind"), 32);
    if (!r.failed()) {
        if (std::optional<JobRequest::Kind> k = jobKindFromName(kind))
            s.kind = *k;
        else
            r.fail(QStringLiteral("kind"), tr("'%1' is not a job kind").arg(kind));
    }
    s.state = r.string(QStringLiteral("state"), 32);
    if (!r.failed() && !jobstate::isKnown(s.state))
        r.fail(QStringLiteral("state"), tr("'%1' is not a job state").arg(s.state));
    const JsonReader progress = r.object(QStringLiteral("progress"));
    s.done = int(progress.integer(QStringLiteral("done"), 0, 1 << 30));
    s.total = int(progress.integer(QStringLiteral("total"), 0, 1 << 30));
    s.step = progress.string(QStringLiteral("step"), 4096);
    if (!r.failed()) {
        const QJsonValue result = o.value(QStringLiteral("result"));
        const bool ended = jobstate::isEnded(s.state);
        // An ended job carries its answer ({"ok": …}); a running one has none yet.
        if (ended && (!result.isObject() || !result.toObject().value(QStringLiteral("ok")).isBool()))
            r.fail(QStringLiteral("result"), tr("an ended job needs a result {\"ok\": …}"));
        else if (!ended && !result.isNull() && !result.isUndefined())
            r.fail(QStringLiteral("result"), tr("a job that has not ended has no result"));
        else if (ended)
            s.result = result;
    }
    s.clientRef = r.string(QStringLiteral("client_ref"), kMaxClientRefLength, false);
    s.created = readDate(r, o, QStringLiteral("created"), false);
    s.ended = readDate(r, o, QStringLiteral("ended"), true);
    return done(s, problem);
}

QJsonObject vfListResultToJson(const Result<QStringList> &result)
{
    if (!result)
        return QJsonObject{{QStringLiteral("ok"), false}, {QStringLiteral("error"), nodecodec::toJson(result.error())}};
    return QJsonObject{{QStringLiteral("ok"), true}, {QStringLiteral("value"), QJsonArray::fromStringList(result.value())}};
}

Result<QStringList> vfListResultFromJson(const QJsonValue &value)
{
    Result<QJsonValue> inner = nodecodec::unwrapResult(value);
    if (!inner)
        return inner.error();
    QString problem;
    // Read the array through a one-field wrapper so the reader's checks and wording apply.
    JsonReader r(QJsonObject{{QStringLiteral("value"), *inner}}, QStringLiteral("answer"), &problem);
    const QStringList vfs = r.addresses(QStringLiteral("value"), 65535);
    return done(vfs, problem);
}

} // namespace passdeck
