// Routes, the job endpoints (docs/agent-api.md, "Jobs"): POST /api/v1/jobs, GET /api/v1/jobs,
// GET /api/v1/jobs/{id}. What a job does and how it is journaled is the JobManager's
// (docs/agent-jobs.md); here only the HTTP side: 202 + Location, 409 device-busy, 422 for a
// request the codec or the node refuses, 404 unknown-job.
#include "remote/server/Routes.h"

#include "core/JobCodec.h"
#include "remote/server/JobManager.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>

namespace passdeck {

HttpResponse Routes::handleJobs(const HttpRequest &request, const QStringList &segments) const
{
    const int n = int(segments.size());
    const QString what = QStringLiteral("%1 %2").arg(QString::fromLatin1(request.method), request.path);
    if (n > 2)
        return HttpResponse::protocolError(404, what, QStringLiteral("API v1 has no such path"));
    const bool post = n == 1 && request.method == "POST";
    if (request.method != "GET" && !post) {
        HttpResponse r = HttpResponse::protocolError(405, what, QStringLiteral("the path takes only %1").arg(n == 1 ? QStringLiteral("GET, POST") : QStringLiteral("GET")));
        r.headers.append({"Allow", n == 1 ? QByteArray("GET, POST") : QByteArray("GET")});
        return r;
    }
    if (!m_jobs)
        return HttpResponse::protocolError(503, what, QStringLiteral("this agent runs no jobs"));

    if (n == 2) {
        Result<JobStatus> status = m_jobs->status(segments.at(1));
        if (!status)
            return HttpResponse::error(status.error().code == ErrorCode::UnknownJob ? 404 : 422, status.error());
        return HttpResponse::json(200, jobStatusToJson(*status));
    }
    if (!post) {
        QJsonArray jobs;
        for (const JobStatus &s : m_jobs->recent(100))
            jobs.append(jobStatusToJson(s));
        return HttpResponse::json(200, QJsonObject{{QStringLiteral("jobs"), jobs}});
    }

    QJsonParseError err;
    const QJsonDocument doc = QJsonDocument::fromJson(request.body, &err);
    if (err.error != QJsonParseError::NoError)
        return HttpResponse::protocolError(400, QStringLiteral("Reading the job request"),
                                           QStringLiteral("the body is not JSON: %1 at offset %2").arg(err.errorString()).arg(err.offset));
    Result<JobRequest> job = jobRequestFromJson(doc.isObject() ? QJsonValue(doc.object()) : QJsonValue(doc.array()));
    if (!job)
        return HttpResponse::error(422, job.error());
    Result<JobStatus> submitted = m_jobs->submit(*job);
    if (!submitted)
        return HttpResponse::error(submitted.error().code == ErrorCode::DeviceBusy ? 409 : 422, submitted.error());
    HttpResponse r = HttpResponse::json(202, jobStatusToJson(*submitted));
    r.headers.append({"Location", "/api/v1/jobs/" + submitted->id.toLatin1()});
    return r;
}

} // namespace passdeck
