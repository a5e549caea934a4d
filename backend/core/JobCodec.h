#pragma once

#include "core/BindTypes.h"
#include "core/Error.h"
#include "core/Node.h"

#include <QDateTime>
#include <QJsonObject>
#include <QJsonValue>
#include <QString>

#include <optional>

namespace passdeck {

// A change a node agent runs as a job (docs/agent-jobs.md): an apply of a plan, a restore to
// recorded drivers, an SR-IOV VF count, a reboot, a domain change, a live attach, an undefine. Only the fields of its kind are meaningful.
struct JobRequest
{
    enum class Kind { Apply, Restore, SetVfCount, Reboot, ChangeDomain, AttachLive, UndefineDomain };
    Kind kind = Kind::Apply;
    BindPlan plan;              // Apply
    ApplyOptions options;       // Apply (the progress callback never crosses the wire)
    RestoreRequest restore;     // Restore
    QString pf;                 // SetVfCount: the physical function's address
    int count = 0;              // SetVfCount
    VfCountOptions vfOptions;   // SetVfCount
    DomainChange change;        // ChangeDomain (docs/libvirt.md)
    QString domain;             // AttachLive, UndefineDomain: the domain's name
    QStringList addresses;      // AttachLive
    QString clientRef;          // echoed back; the desktop puts its journal entry id here
};

// A job as the agent reports it. state: "queued", "running", "succeeded", "failed",
// "rolled-back" or "interrupted". result is the kind's resultToJson(...) once the job ended
// (apply: Result<ApplyResult>; restore, reboot and undefine-domain: Status; set-vf-count:
// Result<QStringList>, a JSON array of VF addresses; change-domain and attach-live:
// Result<DomainInfo>) and null before.
struct JobStatus
{
    QString id;
    JobRequest::Kind kind = JobRequest::Kind::Apply;
    QString state;
    int done = 0;
    int total = 0;
    QString step;
    QJsonValue result;
    QString clientRef;
    QDateTime created;
    QDateTime ended;   // invalid while the job runs
};

namespace jobstate {
inline constexpr QLatin1StringView kQueued{"queued"};
inline constexpr QLatin1StringView kRunning{"running"};
inline constexpr QLatin1StringView kSucceeded{"succeeded"};
inline constexpr QLatin1StringView kFailed{"failed"};
inline constexpr QLatin1StringView kRolledBack{"rolled-back"};
inline constexpr QLatin1StringView kInterrupted{"interrupted"};
// One of the six states above.
bool isKnown(QStringView state);
// succeeded, failed, rolled-back or interrupted: the job will not change again.
bool isEnded(QStringView state);
} // namespace jobstate

// "apply", "restore", "set-vf-count", "reboot", "change-domain", "attach-live", "undefine-domain".
QString jobKindName(JobRequest::Kind kind);
std::optional<JobRequest::Kind> jobKindFromName(QStringView name);

inline constexpr int kMaxClientRefLength = 128;

// The JSON of core/NodeCodec.h for the embedded plan, options and request. The decoders check
// every field and return Error "bad-message" naming the field (e.g. "job.plan.devices[2]: ...").
QJsonObject jobRequestToJson(const JobRequest &request);
Result<JobRequest> jobRequestFromJson(const QJsonValue &value);
QJsonObject jobStatusToJson(const JobStatus &status);
Result<JobStatus> jobStatusFromJson(const QJsonValue &value);

// The result of a set-vf-count job, which NodeCodec has no toJson for: the VF addresses as a
// JSON array inside {"ok": true, "value": [...]}.
QJsonObject vfListResultToJson(const Result<QStringList> &result);
Result<QStringList> vfListResultFromJson(const QJsonValue &value);

} // namespace passdeck
