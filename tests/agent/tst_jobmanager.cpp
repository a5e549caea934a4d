// JobManager in process over simulated roots: jobs journaled before their first write and run
// to their end on worker threads, one change at a time per device, recovery of a job the agent
// died in, outcomes kept across restarts, a corrupt journal reported (docs/agent-jobs.md).
#include "core/JobCodec.h"
#include "core/NodeCodec.h"
#include "remote/server/DeviceLocks.h"
#include "remote/server/JobJournal.h"
#include "remote/server/JobManager.h"
#include "sim/SimKernel.h"

#include "JobTestUtil.h"

#include <QDir>
#include <QJsonDocument>
#include <QMutex>
#include <QTemporaryDir>
#include <QtTest>

using namespace passdeck;
using namespace passdeck::test;

namespace {

QJsonObject readJson(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

QString journalState(const QString &path)
{
    return readJson(path).value(QStringLiteral("status")).toObject().value(QStringLiteral("state")).toString();
}

} // namespace

class TstJobManager : public QObject
{
    Q_OBJECT

    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_root;
    QString m_state;
    QStringList m_vfs;

    std::unique_ptr<LocalNode> node() { return std::move(LocalNode::open(m_root, true)).value(); }

    // A plan to vfio-pci (or host) as a client would make it, with force for the forcible
    // findings a VF has.
    JobRequest applyRequest(const QStringList &addresses, BindTarget target = BindTarget::VfioPci)
    {
        Result<BindPlan> plan = node()->plan(addresses, target);
        if (!plan)
            qFatal("plan: %s", qPrintable(plan.error().message()));
        JobRequest r;
        r.kind = JobRequest::Kind::Apply;
        r.plan = *plan;
        r.options.force = true;
        r.clientRef = QStringLiteral("test");
        return r;
    }

    Status setDelay(int ms) { return node()->simKernel()->setWriteDelay(ms); }

    void makeRoot(int vfs)
    {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
        Error e;
        m_root = buildSimRoot(*m_dir, jobsDescription(vfs), QStringLiteral("root"), &e);
        QVERIFY2(!m_root.isEmpty(), qPrintable(e.message()));
        m_state = m_dir->path() + QStringLiteral("/state");
        QVERIFY(QDir().mkpath(m_state));
        Result<SriovState> s = node()->sriovState(kPf);
        QVERIFY(s);
        m_vfs = s->vfs;
        QCOMPARE(m_vfs.size(), vfs);
    }

private Q_SLOTS:
    // Most functions need a few VFs; the recovery of a 64-VF apply builds its own root.
    void init() { makeRoot(8); }

    void applyBindsAndIsJournaledBeforeTheFirstWrite()
    {
        JobManager jobs(nodeMaker(m_root), m_state);
        QVERIFY(jobs.recover());
        QMutex mutex;
        QStringList seen; // journal state at each job's first progress callback
        QStringList driverAtFirst;
        jobs.setProgressObserver([&](const QString &id, int done, int) {
            QMutexLocker lock(&mutex);
            if (done == 0 && seen.isEmpty()) {
                seen << journalState(jobs.jobsDir() + u'/' + id + QStringLiteral(".json"));
                driverAtFirst << driverOf(m_root, kNic1);
            }
        });
        Result<JobStatus> s = jobs.submit(applyRequest({kNic1}));
        QVERIFY2(s, s ? "" : qPrintable(s.error().message()));
        QCOMPARE(s->state, QStringLiteral("queued"));
        QCOMPARE(s->id.size(), 32);
        QCOMPARE(s->clientRef, QStringLiteral("test"));
        jobs.waitForAll();

        QCOMPARE(seen, QStringList{QStringLiteral("running")});
        QCOMPARE(driverAtFirst, QStringList{QStringLiteral("igb")}); // nothing written yet
        Result<JobStatus> end = jobs.status(s->id);
        QVERIFY(end);
        QCOMPARE(end->state, QStringLiteral("succeeded"));
        QVERIFY(end->ended.isValid());
        QVERIFY(end->total > 0);
        QCOMPARE(end->done, end->total);
        Result<ApplyResult> result = nodecodec::resultFromJson<ApplyResult>(end->result);
        QVERIFY(result);
        QCOMPARE(driverOf(m_root, kNic1), QStringLiteral("vfio-pci"));
        QCOMPARE(driverOf(m_root, kNic2), QStringLiteral("igb"));

        // The journal file: the outcome, the request and the originals.
        const QJsonObject file = readJson(jobs.jobsDir() + u'/' + s->id + QStringLiteral(".json"));
        QCOMPARE(file.value(QStringLiteral("status")).toObject().value(QStringLiteral("state")).toString(), QStringLiteral("succeeded"));
        QCOMPARE(file.value(QStringLiteral("originals")).toObject().value(QStringLiteral("originalDrivers")).toObject().value(kNic1).toString(),
                 QStringLiteral("igb"));
        QCOMPARE(QFileInfo(jobs.jobsDir()).permissions() & (QFile::ReadOther | QFile::ReadGroup), QFile::Permissions());
        const QString file0 = jobs.jobsDir() + u'/' + s->id + QStringLiteral(".json");
        QCOMPARE(QFileInfo(file0).permissions() & (QFile::ReadOther | QFile::ReadGroup), QFile::Permissions());
        // Written through a temporary file that is gone once renamed.
        QCOMPARE(QDir(jobs.jobsDir()).entryList(QDir::Files | QDir::Hidden), QStringList{s->id + QStringLiteral(".json")});
    }

    void sameDeviceIsBusy()
    {
        QVERIFY(setDelay(100));
        JobManager jobs(nodeMaker(m_root), m_state);
        QVERIFY(jobs.recover());
        Result<JobStatus> first = jobs.submit(applyRequest({kNic1}));
        QVERIFY(first);
        Result<JobStatus> second = jobs.submit(applyRequest({kNic1}));
        QVERIFY(!second);
        QCOMPARE(second.error().code, ErrorCode::DeviceBusy);
        QCOMPARE(second.error().device, kNic1);
        QVERIFY2(second.error().why.contains(first->id), qPrintable(second.error().why));
        // A restore naming the device is refused too, and refused jobs leave no journal file.
        JobRequest restore;
        restore.kind = JobRequest::Kind::Restore;
        restore.restore.originalDrivers.insert(kNic1, QStringLiteral("igb"));
        QCOMPARE(jobs.submit(restore).error().code, ErrorCode::DeviceBusy);
        QCOMPARE(QDir(jobs.jobsDir()).entryList({QStringLiteral("*.json")}, QDir::Files).size(), 1);
        jobs.waitForAll();
        QVERIFY(setDelay(0));
        QCOMPARE(jobs.status(first->id)->state, QStringLiteral("succeeded"));
        QCOMPARE(driverOf(m_root, kNic1), QStringLiteral("vfio-pci"));
        // Released at the end: the device can be changed again.
        Result<JobStatus> back = jobs.submit(applyRequest({kNic1}, BindTarget::Host));
        QVERIFY2(back, back ? "" : qPrintable(back.error().message()));
        jobs.waitForAll();
        QCOMPARE(jobs.status(back->id)->state, QStringLiteral("succeeded"));
        QCOMPARE(driverOf(m_root, kNic1), QStringLiteral("igb"));
    }

    void differentDevicesRunSideBySide()
    {
        QVERIFY(setDelay(150));
        JobManager jobs(nodeMaker(m_root), m_state);
        QVERIFY(jobs.recover());
        Result<JobStatus> a = jobs.submit(applyRequest({kNic1}));
        Result<JobStatus> b = jobs.submit(applyRequest({kNic2}));
        QVERIFY(a);
        QVERIFY2(b, b ? "" : qPrintable(b.error().message()));
        // Both under way at once, each with its progress visible while it runs.
        QTRY_VERIFY(jobs.status(a->id)->state == QLatin1String("running") && jobs.status(b->id)->state == QLatin1String("running")
                    && jobs.status(a->id)->total > 0 && jobs.status(b->id)->total > 0);
        jobs.waitForAll();
        QVERIFY(setDelay(0));
        QCOMPARE(jobs.status(a->id)->state, QStringLiteral("succeeded"));
        QCOMPARE(jobs.status(b->id)->state, QStringLiteral("succeeded"));
        QCOMPARE(driverOf(m_root, kNic1), QStringLiteral("vfio-pci"));
        QCOMPARE(driverOf(m_root, kNic2), QStringLiteral("vfio-pci"));
        const QList<JobStatus> recent = jobs.recent();
        QCOMPARE(recent.size(), 2);
    }

    void failedApplyIsRolledBack()
    {
        JobManager jobs(nodeMaker(m_root), m_state);
        QVERIFY(jobs.recover());
        // The second device's probe fails: the node puts both back.
        QVERIFY(node()->simKernel()->injectFault(QStringLiteral("sys/bus/pci/drivers_probe"), EIO, 1));
        Result<JobStatus> s = jobs.submit(applyRequest({kNic1, kNic2}));
        QVERIFY(s);
        jobs.waitForAll();
        Result<JobStatus> end = jobs.status(s->id);
        QCOMPARE(end->state, QStringLiteral("rolled-back"));
        Result<ApplyResult> result = nodecodec::resultFromJson<ApplyResult>(end->result);
        QVERIFY(!result);
        QCOMPARE(driverOf(m_root, kNic1), QStringLiteral("igb"));
        QCOMPARE(driverOf(m_root, kNic2), QStringLiteral("igb"));
    }

    void refusedApplyFails()
    {
        JobManager jobs(nodeMaker(m_root), m_state);
        QVERIFY(jobs.recover());
        // A plan made before the node changed: stale, refused before any write.
        JobRequest r = applyRequest({kNic1});
        r.plan.devices << kNic2;
        Result<JobStatus> s = jobs.submit(r);
        QVERIFY(s);
        jobs.waitForAll();
        QCOMPARE(jobs.status(s->id)->state, QStringLiteral("failed"));
        QCOMPARE(nodecodec::resultFromJson<ApplyResult>(jobs.status(s->id)->result).error().code, ErrorCode::StalePlan);
        QCOMPARE(driverOf(m_root, kNic1), QStringLiteral("igb"));
    }

    void setVfCountJob()
    {
        JobManager jobs(nodeMaker(m_root), m_state);
        QVERIFY(jobs.recover());
        JobRequest r;
        r.kind = JobRequest::Kind::SetVfCount;
        r.pf = kPf;
        r.count = 4;
        r.vfOptions.force = true;
        Result<JobStatus> s = jobs.submit(r);
        QVERIFY2(s, s ? "" : qPrintable(s.error().message()));
        // The PF and its VFs are held while it runs.
        jobs.waitForAll();
        Result<JobStatus> end = jobs.status(s->id);
        QCOMPARE(end->state, QStringLiteral("succeeded"));
        Result<QStringList> vfs = vfListResultFromJson(end->result);
        QVERIFY2(vfs, vfs ? "" : qPrintable(vfs.error().message()));
        QCOMPARE(vfs->size(), 4);
        QCOMPARE(QString::fromLatin1(readRootFile(m_root, QStringLiteral("sys/bus/pci/devices/%1/sriov_numvfs").arg(kPf))).trimmed(),
                 QStringLiteral("4"));
    }

    void recoverPutsAHalfMovedJobBack()
    {
        // The agent died mid-apply of all 64 VFs: 10 are on vfio-pci, the journal says running.
        makeRoot(64);
        if (QTest::currentTestFailed())
            return;
        const QStringList moved = m_vfs.mid(0, 10);
        {
            std::unique_ptr<LocalNode> n = node();
            Result<BindPlan> plan = n->plan(moved, BindTarget::VfioPci);
            QVERIFY(plan);
            ApplyOptions o;
            o.force = true;
            QVERIFY(n->apply(*plan, o));
        }
        for (const QString &vf : moved)
            QCOMPARE(driverOf(m_root, vf), QStringLiteral("vfio-pci"));
        const QString id = QStringLiteral("00112233445566778899aabbccddeeff");
        JournalEntry e;
        e.status.id = id;
        e.status.kind = JobRequest::Kind::Apply;
        e.status.state = QStringLiteral("running");
        e.status.done = 30;
        e.status.total = 256;
        e.status.created = QDateTime::currentDateTimeUtc();
        e.request = applyRequest(m_vfs);
        e.devices = m_vfs;
        for (const QString &vf : m_vfs) {
            e.originals.originalDrivers.insert(vf, QStringLiteral("iavf"));
            e.originals.originalOverrides.insert(vf, QString());
        }
        QVERIFY(QDir().mkpath(m_state + QStringLiteral("/jobs")));
        {
            QFile f(m_state + QStringLiteral("/jobs/") + id + QStringLiteral(".json"));
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(QJsonDocument(JobJournal::toJson(e)).toJson());
        }

        JobManager jobs(nodeMaker(m_root), m_state);
        const Status recovered = jobs.recover();
        QVERIFY2(recovered, recovered ? "" : qPrintable(recovered.error().message()));
        for (const QString &vf : m_vfs) {
            QCOMPARE(driverOf(m_root, vf), QStringLiteral("iavf"));
            QCOMPARE(QString::fromLatin1(readRootFile(m_root, QStringLiteral("sys/bus/pci/devices/%1/driver_override").arg(vf))).trimmed(),
                     QStringLiteral("(null)"));
        }
        Result<JobStatus> s = jobs.status(id);
        QVERIFY(s);
        QCOMPARE(s->state, QStringLiteral("interrupted"));
        QVERIFY(s->ended.isValid());
        const Status result = nodecodec::statusFromJson(s->result);
        QVERIFY(!result);
        QCOMPARE(result.error().code, ErrorCode::JobInterrupted);
        QVERIFY2(result.error().why.contains(QLatin1String("original drivers")), qPrintable(result.error().why));
        QCOMPARE(journalState(jobs.jobsDir() + u'/' + id + QStringLiteral(".json")), QStringLiteral("interrupted"));

        // Read again by a later start: still interrupted, nothing rolled back twice.
        JobManager again(nodeMaker(m_root), m_state);
        QVERIFY(again.recover());
        QCOMPARE(again.status(id)->state, QStringLiteral("interrupted"));
    }

    void outcomesSurviveANewManager()
    {
        QString id;
        QJsonValue result;
        {
            JobManager jobs(nodeMaker(m_root), m_state);
            QVERIFY(jobs.recover());
            Result<JobStatus> s = jobs.submit(applyRequest({kNic2}));
            QVERIFY(s);
            id = s->id;
            jobs.waitForAll();
            result = jobs.status(id)->result;
        }
        JobManager later(nodeMaker(m_root), m_state);
        QVERIFY(later.recover());
        Result<JobStatus> s = later.status(id);
        QVERIFY(s);
        QCOMPARE(s->state, QStringLiteral("succeeded"));
        QCOMPARE(s->result, result);
        QCOMPARE(s->clientRef, QStringLiteral("test"));
        QCOMPARE(later.recent().size(), 1);
        QCOMPARE(later.recent().first().id, id);
        QCOMPARE(driverOf(m_root, kNic2), QStringLiteral("vfio-pci")); // recovery left it alone
    }

    void corruptJournalIsReported()
    {
        QVERIFY(QDir().mkpath(m_state + QStringLiteral("/jobs")));
        const QString bad = m_state + QStringLiteral("/jobs/0123456789abcdef0123456789abcdef.json");
        {
            QFile f(bad);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("{\"version\": 1, \"status\": {\"id\": ");
        }
        const QString wrongType = m_state + QStringLiteral("/jobs/fedcba9876543210fedcba9876543210.json");
        {
            QFile f(wrongType);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("[1, 2, 3]");
        }
        const QString leftover = m_state + QStringLiteral("/jobs/0123456789abcdef0123456789abcdef.json.tmp");
        {
            QFile f(leftover); // a write that died before its rename
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("{\"half\":");
        }
        JobManager jobs(nodeMaker(m_root), m_state);
        const Status st = jobs.recover();
        QVERIFY(!st);
        QVERIFY(!QFile::exists(leftover));
        QVERIFY2(!st.error().message().contains(leftover), qPrintable(st.error().message()));
        QVERIFY2(st.error().message().contains(bad), qPrintable(st.error().message()));
        QVERIFY2(st.error().message().contains(wrongType), qPrintable(st.error().message()));
        QVERIFY(QFile::exists(bad)); // kept for the administrator
        // The manager still works.
        Result<JobStatus> s = jobs.submit(applyRequest({kNic1}));
        QVERIFY(s);
        jobs.waitForAll();
        QCOMPARE(jobs.status(s->id)->state, QStringLiteral("succeeded"));
    }

    void unknownJob()
    {
        JobManager jobs(nodeMaker(m_root), m_state);
        QVERIFY(jobs.recover());
        QCOMPARE(jobs.status(QStringLiteral("0123")).error().code, ErrorCode::UnknownJob);
    }

    void endedJobsArePruned()
    {
        JobManager jobs(nodeMaker(m_root), m_state);
        QVERIFY(jobs.recover());
        jobs.setRetention(3);
        QStringList ids;
        for (int i = 0; i < 5; ++i) {
            JobRequest r;
            r.kind = JobRequest::Kind::Restore;
            r.restore.originalDrivers.insert(kNic1, QStringLiteral("igb"));
            r.restore.originalOverrides.insert(kNic1, QString());
            Result<JobStatus> s = jobs.submit(r);
            QVERIFY2(s, s ? "" : qPrintable(s.error().message()));
            jobs.waitForAll();
            QCOMPARE(jobs.status(s->id)->state, QStringLiteral("succeeded"));
            ids << s->id;
        }
        QCOMPARE(jobs.recent().size(), 3);
        QCOMPARE(jobs.status(ids.at(0)).error().code, ErrorCode::UnknownJob);
        QCOMPARE(jobs.status(ids.at(1)).error().code, ErrorCode::UnknownJob);
        QVERIFY(jobs.status(ids.at(4)));
        QCOMPARE(QDir(jobs.jobsDir()).entryList({QStringLiteral("*.json")}, QDir::Files).size(), 3);
    }

    void rebootHoldsTheNode()
    {
        DeviceLocks locks;
        QVERIFY(locks.acquire({kNic1}, QStringLiteral("a")));
        Status st = locks.acquireNode(QStringLiteral("r"));
        QVERIFY(!st);
        QCOMPARE(st.error().code, ErrorCode::DeviceBusy);
        locks.release(QStringLiteral("a"));
        QVERIFY(locks.acquireNode(QStringLiteral("r")));
        QCOMPARE(locks.acquire({kNic2}, QStringLiteral("b")).error().code, ErrorCode::DeviceBusy);
        locks.release(QStringLiteral("r"));
        QVERIFY(locks.acquire({kNic2}, QStringLiteral("b")));
        QCOMPARE(locks.holder(kNic2), QStringLiteral("b"));
        // All or nothing: a refused acquire takes none of its devices.
        QCOMPARE(locks.acquire({kNic1, kNic2}, QStringLiteral("c")).error().code, ErrorCode::DeviceBusy);
        QCOMPARE(locks.holder(kNic1), QString());
    }

    void cleanup()
    {
        m_dir.reset();
    }
};

QTEST_GUILESS_MAIN(TstJobManager)
#include "tst_jobmanager.moc"
