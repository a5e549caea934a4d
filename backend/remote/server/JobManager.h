#pragma once

#include "core/Error.h"
#include "core/JobCodec.h"
#include "core/Node.h"
#include "remote/server/DeviceLocks.h"
#include "remote/server/JobJournal.h"

#include <QHash>
#include <QMutex>
#include <QObject>
#include <QThreadPool>

#include <functional>
#include <memory>

namespace passdeck {

// The agent's jobs (docs/agent-jobs.md): every change a client asks for runs as a job on a
// worker thread, with its own Node, to its end whether or not anybody polls. Before its first
// write a job is journaled (JobJournal: the request and the original driver and override of
// every device it may touch), so that recover() at the next start can put the devices back if
// the agent died during it. One change at a time per device (DeviceLocks); reads take no lock.
class JobManager : public QObject
{
    Q_OBJECT
public:
    using NodeMaker = std::function<Result<std::unique_ptr<Node>>()>;

    // stateDir/jobs holds the journal. makeNode gives a fresh Node per job (and per recovery):
    // a LocalNode is not shared across threads.
    JobManager(NodeMaker makeNode, QString stateDir, QObject *parent = nullptr);
    ~JobManager() override; // waits for running jobs

    // At start, before any submit: reads the journal; every job that had not ended is rolled
    // back to its recorded originals and reads "interrupted" afterwards. A journal file that
    // cannot be read, or a rollback that fails, is the Error (naming the file or the device);
    // such a file stays for the next start. Ended jobs become readable by id again.
    Status recover();
    // Journals (fsync) the job, then starts it on a worker thread; the answer is "queued".
    // Error "device-busy" when another job holds one of its devices; the node's Error when its
    // devices cannot be read.
    Result<JobStatus> submit(const JobRequest &request);
    // Error "unknown-job" for an id this agent does not know (or pruned).
    Result<JobStatus> status(const QString &id) const;
    // Newest first.
    QList<JobStatus> recent(int max = 100) const;
    // Blocks until every started job has ended (shutdown; tests).
    void waitForAll();

    const QString &jobsDir() const { return m_journal.dir(); }
    // How many ended jobs are kept (journal files and memory); the oldest go first.
    void setRetention(int endedJobs) { m_retention = endedJobs; }
    static constexpr int kDefaultRetention = 1000;

    // Tests: called on the worker thread at each progress callback of a job, after the status
    // was updated (the journal says "running" by then).
    using ProgressObserver = std::function<void(const QString &id, int done, int total)>;
    void setProgressObserver(ProgressObserver observer) { m_observer = std::move(observer); }

Q_SIGNALS:
    // Emitted from the worker thread once a job's outcome is journaled.
    void jobEnded(const QString &id);

private:
    // One job (JobManager.cpp and JobManagerDomains.cpp run it).
    struct Job
    {
        JournalEntry entry;         // entry.status guarded by JobManager::m_mutex
        std::unique_ptr<Node> node; // used by the worker only
        bool wrote = false;         // a progress callback came: writes may have happened
    };

    void run(const std::shared_ptr<Job> &job);
    void onProgress(Job &job, int done, int total, const QString &step);
    void finish(Job &job, const QString &state, const QJsonValue &result);
    void prune();
    Result<QStringList> devicesOf(const JobRequest &request, Node &node) const;
    Status rollBack(const JournalEntry &entry);
    // Domain jobs (JobManagerDomains.cpp, docs/libvirt.md).
    static bool isDomainJob(const JobRequest &request);
    static QString domainOf(const JobRequest &request);
    Status journalDomain(JournalEntry &entry, Node &node) const;
    void runDomainJob(Job &job, const JournalEntry &entry);
    Status rollBackDomain(const JournalEntry &entry);

    NodeMaker m_makeNode;
    JobJournal m_journal;
    DeviceLocks m_locks;
    QThreadPool m_pool;
    mutable QMutex m_mutex;                      // guards m_jobs and every job's status
    QHash<QString, std::shared_ptr<Job>> m_jobs; // id -> job
    int m_retention = kDefaultRetention;
    int m_killAt = 0; // PASSDECK_TEST_JOB_KILL_AT: the agent kills itself at that much progress
    ProgressObserver m_observer;
};

} // namespace passdeck
