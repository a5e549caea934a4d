#include "remote/server/JobManager.h"

#include "core/NodeCodec.h"

#include <QCoreApplication>
#include <QMutexLocker>
#include <QRandomGenerator>
#include <QSet>

#include <algorithm>
#include <csignal>

namespace passdeck {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("JobManager", text);
}

// 128 random bits as 32 lowercase hex digits.
QString newJobId()
{
    quint32 words[4];
    QRandomGenerator::system()->fillRange(words);
    QString id;
    for (quint32 w : words)
        id += QStringLiteral("%1").arg(w, 8, 16, QLatin1Char('0'));
    return id;
}

// Milliseconds, as the JSON keeps them: a status read back from the journal compares equal.
QDateTime nowUtc()
{
    return QDateTime::fromMSecsSinceEpoch(QDateTime::currentMSecsSinceEpoch(), Qt::UTC);
}

QString jobWhat(const JobStatus &s)
{
    return tr("Job %1 (%2)").arg(s.id, jobKindName(s.kind));
}

Error interruptedError(const JobStatus &s)
{
    return Error::make(ErrorCode::JobInterrupted, jobWhat(s),
                       tr("the agent stopped during this job; its devices were put back on their original drivers"),
                       tr("Check the devices, then run the change again if it is still wanted."));
}

// The originals recovery puts back: every device that exists now.
RestoreRequest originalsOf(const QMap<QString, DriverState> &states)
{
    RestoreRequest r;
    for (auto it = states.cbegin(); it != states.cend(); ++it) {
        if (!it->present)
            continue;
        r.originalDrivers.insert(it.key(), it->driver);
        r.originalOverrides.insert(it.key(), it->override);
    }
    return r;
}

} // namespace

JobManager::JobManager(NodeMaker makeNode, QString stateDir, QObject *parent)
    : QObject(parent)
    , m_makeNode(std::move(makeNode))
    , m_journal(stateDir + QLatin1String("/jobs"))
{
    // Jobs on different devices run side by side; a job waits for no free core.
    m_pool.setMaxThreadCount(64);
    m_pool.setExpiryTimeout(30000);
    m_killAt = qEnvironmentVariableIntValue("PASSDECK_TEST_JOB_KILL_AT");
}

JobManager::~JobManager()
{
    waitForAll();
}

void JobManager::waitForAll()
{
    m_pool.waitForDone();
}

Result<QStringList> JobManager::devicesOf(const JobRequest &request, Node &node) const
{
    QStringList devices;
    switch (request.kind) {
    case JobRequest::Kind::Apply: {
        // The plan's own devices are all an apply may write: the node plans again before its
        // first write and refuses (stale-plan, nothing written) when its group members differ
        // from the plan's, so no second inventory pass is needed here to find them.
        devices = request.plan.requested + request.plan.devices + request.plan.originalDrivers.keys();
        break;
    }
    case JobRequest::Kind::Restore:
        devices = request.restore.originalDrivers.keys() + request.restore.originalOverrides.keys();
        break;
    case JobRequest::Kind::SetVfCount:
        devices << request.pf;
        // The VFs there are now: a count change removes them (new ones have no driver to restore).
        if (Result<SriovState> s = node.sriovState(request.pf))
            devices += s->vfs;
        break;
    case JobRequest::Kind::Reboot:
    case JobRequest::Kind::ChangeDomain:
    case JobRequest::Kind::AttachLive:
    case JobRequest::Kind::UndefineDomain:
        // A domain job writes no sysfs: Passdeck binds the devices before it asks for one.
        break;
    }
    devices.removeDuplicates();
    devices.sort();
    return devices;
}

Result<JobStatus> JobManager::submit(const JobRequest &request)
{
    Result<std::unique_ptr<Node>> made = m_makeNode();
    if (!made)
        return made.error();
    auto job = std::make_shared<Job>();
    job->node = std::move(made).value();
    JobStatus &s = job->entry.status;
    s.id = newJobId();
    s.kind = request.kind;
    s.state = jobstate::kQueued;
    s.clientRef = request.clientRef;
    s.created = nowUtc();
    job->entry.request = request;

    Result<QStringList> devices = devicesOf(request, *job->node);
    if (!devices)
        return devices.error();
    job->entry.devices = *devices;
    // A domain job holds its domain (one change at a time per VM), named apart from addresses.
    const Status locked = request.kind == JobRequest::Kind::Reboot ? m_locks.acquireNode(s.id)
                          : isDomainJob(request)                   ? m_locks.acquire({QStringLiteral("domain:") + domainOf(request)}, s.id)
                                                                   : m_locks.acquire(*devices, s.id);
    if (!locked)
        return locked.error();
    // Read with the lock held: nobody else moves these devices until this job ends.
    if (!devices->isEmpty()) {
        Result<QMap<QString, DriverState>> states = job->node->driverStates(*devices);
        if (!states) {
            m_locks.release(s.id);
            return states.error();
        }
        job->entry.originals = originalsOf(*states);
    }
    if (request.kind == JobRequest::Kind::SetVfCount)
        if (Result<SriovState> sriov = job->node->sriovState(request.pf))
            job->entry.originalVfCount = sriov->current;
    if (isDomainJob(request)) {
        if (Status st = journalDomain(job->entry, *job->node); !st) {
            m_locks.release(s.id);
            return st.error();
        }
    }
    if (Status st = m_journal.open(); !st) {
        m_locks.release(s.id);
        return st.error();
    }
    if (Status st = m_journal.write(job->entry); !st) {
        m_locks.release(s.id);
        return st.error();
    }
    const JobStatus answer = s;
    {
        QMutexLocker lock(&m_mutex);
        m_jobs.insert(s.id, job);
    }
    m_pool.start([this, job] { run(job); });
    return answer;
}

void JobManager::onProgress(Job &job, int done, int total, const QString &step)
{
    QString id;
    {
        QMutexLocker lock(&m_mutex);
        job.wrote = true;
        JobStatus &s = job.entry.status;
        s.done = std::max(0, done);
        s.total = std::max(0, total);
        s.step = step.left(4096);
        id = s.id;
    }
    if (m_observer)
        m_observer(id, done, total);
    // A test hook: die as a power cut would, between two writes of a job.
    if (m_killAt > 0 && done >= m_killAt)
        ::raise(SIGKILL);
}

void JobManager::run(const std::shared_ptr<Job> &job)
{
    JournalEntry entry;
    {
        QMutexLocker lock(&m_mutex);
        job->entry.status.state = jobstate::kRunning;
        entry = job->entry;
    }
    if (Status st = m_journal.write(entry); !st) {
        // Nothing was written to the node: the job fails as it stands.
        finish(*job, jobstate::kFailed, nodecodec::resultToJson(st));
        return;
    }
    const JobRequest &r = entry.request;
    Node &node = *job->node;
    const NodeProgress progress = [this, &job = *job](int done, int total, const QString &step) {
        onProgress(job, done, total, step);
    };
    switch (r.kind) {
    case JobRequest::Kind::Apply: {
        ApplyOptions options = r.options;
        options.progress = progress;
        const Result<ApplyResult> result = node.apply(r.plan, options, progress);
        QString state = result ? QString(jobstate::kSucceeded) : QString(jobstate::kFailed);
        bool wrote = false;
        {
            QMutexLocker lock(&m_mutex);
            wrote = job->wrote;
        }
        // A failed apply that had begun writing and left every device as it was: rolled back.
        if (!result && wrote && !entry.originals.originalDrivers.isEmpty()) {
            Result<QMap<QString, DriverState>> now = node.driverStates(entry.originals.originalDrivers.keys());
            bool back = now.ok();
            for (auto it = entry.originals.originalDrivers.cbegin(); back && it != entry.originals.originalDrivers.cend(); ++it)
                back = now->value(it.key()).driver == it.value();
            if (back)
                state = jobstate::kRolledBack;
        }
        finish(*job, state, nodecodec::resultToJson(result));
        return;
    }
    case JobRequest::Kind::Restore: {
        const Status st = node.restore(r.restore);
        finish(*job, st ? jobstate::kSucceeded : jobstate::kFailed, nodecodec::resultToJson(st));
        return;
    }
    case JobRequest::Kind::SetVfCount: {
        onProgress(*job, 0, 1, QStringLiteral("sriov_numvfs"));
        const Result<QStringList> vfs = node.setVfCount(r.pf, r.count, r.vfOptions);
        onProgress(*job, 1, 1, QStringLiteral("sriov_numvfs"));
        finish(*job, vfs ? jobstate::kSucceeded : jobstate::kFailed, vfListResultToJson(vfs));
        return;
    }
    case JobRequest::Kind::ChangeDomain:
    case JobRequest::Kind::AttachLive:
    case JobRequest::Kind::UndefineDomain:
        runDomainJob(*job, entry);
        return;
    case JobRequest::Kind::Reboot: {
        onProgress(*job, 0, 1, QStringLiteral("reboot"));
        const Status st = node.reboot();
        onProgress(*job, 1, 1, QStringLiteral("reboot"));
        finish(*job, st ? jobstate::kSucceeded : jobstate::kFailed, nodecodec::resultToJson(st));
        return;
    }
    }
}

void JobManager::finish(Job &job, const QString &state, const QJsonValue &result)
{
    JournalEntry entry;
    {
        QMutexLocker lock(&m_mutex);
        entry = job.entry;
    }
    entry.status.state = state;
    entry.status.result = result;
    entry.status.ended = nowUtc();
    // The outcome is kept even when the journal cannot be written (it lives in memory until the
    // agent stops); the next start would then roll the job back: its devices were moved and
    // recorded, so that is the safe side.
    if (Status st = m_journal.write(entry); !st)
        qWarning("passdeckd: %s", qPrintable(st.error().message()));
    job.node.reset();
    m_locks.release(entry.status.id);
    // Published last: a client that sees the job ended may at once send a job for the same
    // devices or domain, and must not find them still locked by this one (409 device-busy).
    {
        QMutexLocker lock(&m_mutex);
        job.entry.status = entry.status;
    }
    prune();
    Q_EMIT jobEnded(entry.status.id);
}

void JobManager::prune()
{
    QList<std::pair<QDateTime, QString>> ended;
    {
        QMutexLocker lock(&m_mutex);
        for (auto it = m_jobs.cbegin(); it != m_jobs.cend(); ++it)
            if (jobstate::isEnded((*it)->entry.status.state))
                ended.append({(*it)->entry.status.ended, it.key()});
        if (ended.size() <= m_retention)
            return;
        std::sort(ended.begin(), ended.end());
        ended.resize(ended.size() - m_retention);
        for (const auto &e : std::as_const(ended))
            m_jobs.remove(e.second);
    }
    for (const auto &e : std::as_const(ended))
        if (Status st = m_journal.remove(e.second); !st)
            qWarning("passdeckd: %s", qPrintable(st.error().message()));
}

Status JobManager::rollBack(const JournalEntry &entry)
{
    if (isDomainJob(entry.request))
        return rollBackDomain(entry);
    const bool vfCount = entry.originalVfCount >= 0 && !entry.request.pf.isEmpty();
    if (entry.originals.originalDrivers.isEmpty() && !vfCount)
        return {};
    Result<std::unique_ptr<Node>> made = m_makeNode();
    if (!made)
        return made.error();
    Node &node = **made;
    // An interrupted VF count first: the VFs it removed come back (to their host driver), so
    // that their drivers can be put back below.
    if (vfCount) {
        Result<SriovState> now = node.sriovState(entry.request.pf);
        if (!now)
            return now.error();
        if (now->current != entry.originalVfCount) {
            VfCountOptions o;
            o.autoprobeToHost = true;
            o.force = true;
            if (Result<QStringList> vfs = node.setVfCount(entry.request.pf, entry.originalVfCount, o); !vfs)
                return vfs.error();
        }
    }
    if (entry.originals.originalDrivers.isEmpty())
        return {};
    // A device that is not there now cannot be half-moved; the others go back.
    Result<QMap<QString, DriverState>> states = node.driverStates(entry.originals.originalDrivers.keys());
    if (!states)
        return states.error();
    RestoreRequest present;
    for (auto it = entry.originals.originalDrivers.cbegin(); it != entry.originals.originalDrivers.cend(); ++it) {
        if (!states->value(it.key()).present)
            continue;
        present.originalDrivers.insert(it.key(), it.value());
        present.originalOverrides.insert(it.key(), entry.originals.originalOverrides.value(it.key()));
    }
    return present.originalDrivers.isEmpty() ? Status() : node.restore(present);
}

Status JobManager::recover()
{
    if (Status st = m_journal.open(); !st)
        return st;
    QList<Error> problems;
    const QList<JournalEntry> entries = m_journal.readAll(&problems);
    for (JournalEntry entry : entries) {
        auto job = std::make_shared<Job>();
        if (!jobstate::isEnded(entry.status.state)) {
            const Status restored = rollBack(entry);
            if (!restored) {
                // The file stays as it is: the next start tries again.
                Error e = restored.error();
                e.what = tr("Putting back the devices of %1 (journal %2)").arg(jobWhat(entry.status), m_journal.pathOf(entry.status.id));
                problems.append(e);
                job->entry = entry;
                QMutexLocker lock(&m_mutex);
                m_jobs.insert(entry.status.id, job);
                continue;
            }
            entry.status.state = jobstate::kInterrupted;
            Error interrupted = interruptedError(entry.status);
            if (isDomainJob(entry.request))
                interrupted.why = tr("the agent stopped during this job; the domain's previous definition was put back");
            entry.status.result = nodecodec::resultToJson(Status(interrupted));
            entry.status.ended = nowUtc();
            if (Status st = m_journal.write(entry); !st)
                problems.append(st.error());
        }
        job->entry = entry;
        QMutexLocker lock(&m_mutex);
        m_jobs.insert(entry.status.id, job);
    }
    prune();
    if (problems.isEmpty())
        return {};
    Error first = problems.first();
    if (problems.size() > 1) {
        QStringList more;
        for (qsizetype i = 1; i < problems.size(); ++i)
            more << problems.at(i).message();
        first.why += tr(" (and %n more: %1)", nullptr, int(problems.size() - 1)).arg(more.join(QLatin1String("; ")));
    }
    return first;
}

Result<JobStatus> JobManager::status(const QString &id) const
{
    QMutexLocker lock(&m_mutex);
    const auto it = m_jobs.constFind(id);
    if (it == m_jobs.cend())
        return Error::make(ErrorCode::UnknownJob, tr("Reading job %1").arg(id.left(64)),
                           tr("the agent has no job with that id"),
                           tr("It keeps the last %1 ended jobs; an older one was pruned.").arg(m_retention));
    return (*it)->entry.status;
}

QList<JobStatus> JobManager::recent(int max) const
{
    QList<JobStatus> out;
    {
        QMutexLocker lock(&m_mutex);
        out.reserve(m_jobs.size());
        for (const auto &job : m_jobs)
            out.append(job->entry.status);
    }
    std::sort(out.begin(), out.end(), [](const JobStatus &a, const JobStatus &b) {
        return a.created != b.created ? a.created > b.created : a.id > b.id;
    });
    if (max >= 0 && out.size() > max)
        out.resize(max);
    return out;
}

} // namespace passdeck
