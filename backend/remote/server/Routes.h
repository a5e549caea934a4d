#pragma once

#include "core/Node.h"
#include "remote/server/HttpRequest.h"
#include "remote/server/HttpResponse.h"

#include <functional>
#include <memory>

namespace passdeck {

class JobManager;

// The endpoints of API v1 (docs/agent-api.md) on top of a Node: the typed allow-list of what a
// client may ask — nothing like "write this path". Every argument and result crosses in the
// existing codec (core/NodeCodec.h); a Node's Error is a 422 {"error": …} the client turns back
// into the same Error. Called only after the token was checked (unknown paths are 404 and
// wrong methods 405 only then: an unauthenticated peer learns nothing about paths).
//
// Reads make a fresh Node per request (a LocalNode is not shared across threads) and may run
// on any thread; jobs go to the JobManager on the thread that owns it (isJobRequest()).
class Routes
{
public:
    using NodeMaker = std::function<Result<std::unique_ptr<Node>>()>;

    explicit Routes(NodeMaker makeNode, JobManager *jobs = nullptr);

    // Answers one authenticated request. Thread-safe for everything but job requests.
    HttpResponse handle(const HttpRequest &request) const;
    // Whether the request is for /api/v1/jobs… (answered on the JobManager's thread).
    static bool isJobRequest(const HttpRequest &request);

    static constexpr int apiVersion = 1;

private:
    HttpResponse handleRead(const HttpRequest &request, const QStringList &segments) const;
    HttpResponse handleJobs(const HttpRequest &request, const QStringList &segments) const;

    NodeMaker m_makeNode;
    JobManager *m_jobs = nullptr;
};

} // namespace passdeck
