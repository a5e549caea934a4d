// core/JobCodec: a job request of every kind and a job status of every state through JSON
// (and text) and back; malformed input refused with "bad-message" naming the field.
#include "core/JobCodec.h"
#include "core/NodeCodec.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QtTest>

using namespace passdeck;

namespace {

QJsonObject viaText(const QJsonObject &o)
{
    return QJsonDocument::fromJson(QJsonDocument(o).toJson(QJsonDocument::Compact)).object();
}

BindPlan samplePlan()
{
    BindPlan p;
    p.target = BindTarget::VfioPci;
    p.requested = {QStringLiteral("0000:01:00.0")};
    p.devices = {QStringLiteral("0000:01:00.0"), QStringLiteral("0000:01:00.1")};
    p.added = {QStringLiteral("0000:01:00.1")};
    p.writes = {PlannedWrite{QStringLiteral("0000:01:00.0"), QStringLiteral("sys/bus/pci/devices/0000:01:00.0/driver_override"),
                             QByteArray("vfio-pci\n"), QStringLiteral("override")}};
    p.originalDrivers = {{QStringLiteral("0000:01:00.0"), QStringLiteral("nvidia")}, {QStringLiteral("0000:01:00.1"), QString()}};
    p.originalOverrides = {{QStringLiteral("0000:01:00.0"), QString()}, {QStringLiteral("0000:01:00.1"), QString()}};
    return p;
}

JobRequest applyRequest()
{
    JobRequest r;
    r.kind = JobRequest::Kind::Apply;
    r.plan = samplePlan();
    r.options.force = true;
    r.options.nextBoot = false;
    r.clientRef = QStringLiteral("journal-42");
    return r;
}

QString whyOf(const QJsonObject &o)
{
    Result<JobRequest> r = jobRequestFromJson(o);
    if (r)
        return QStringLiteral("(accepted)");
    if (r.error().code != ErrorCode::BadMessage)
        return QStringLiteral("(wrong code %1)").arg(errorCodeName(r.error().code));
    return r.error().why;
}

QString statusWhy(const QJsonObject &o)
{
    Result<JobStatus> r = jobStatusFromJson(o);
    if (r)
        return QStringLiteral("(accepted)");
    if (r.error().code != ErrorCode::BadMessage)
        return QStringLiteral("(wrong code %1)").arg(errorCodeName(r.error().code));
    return r.error().why;
}

JobStatus endedStatus()
{
    JobStatus s;
    s.id = QStringLiteral("0123456789abcdef0123456789abcdef");
    s.kind = JobRequest::Kind::SetVfCount;
    s.state = QStringLiteral("succeeded");
    s.done = 2;
    s.total = 2;
    s.step = QStringLiteral("sriov_numvfs");
    s.result = vfListResultToJson(Result<QStringList>(QStringList{QStringLiteral("0000:03:00.1"), QStringLiteral("0000:03:00.2")}));
    s.clientRef = QStringLiteral("ref");
    s.created = QDateTime::fromMSecsSinceEpoch(1764626400123, Qt::UTC);
    s.ended = QDateTime::fromMSecsSinceEpoch(1764626401456, Qt::UTC);
    return s;
}

} // namespace

class TstJobCodec : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void applyRoundTrip()
    {
        const JobRequest in = applyRequest();
        const QJsonObject o = viaText(jobRequestToJson(in));
        QCOMPARE(o.value(QStringLiteral("kind")).toString(), QStringLiteral("apply"));
        // The embedded plan is NodeCodec's, byte for byte.
        QCOMPARE(o.value(QStringLiteral("plan")).toObject(), nodecodec::toJson(in.plan));
        Result<JobRequest> out = jobRequestFromJson(o);
        QVERIFY2(out.ok(), out ? "" : qPrintable(out.error().message()));
        QCOMPARE(out->kind, JobRequest::Kind::Apply);
        QCOMPARE(out->plan.devices, in.plan.devices);
        QCOMPARE(out->plan.requested, in.plan.requested);
        QCOMPARE(out->plan.originalDrivers, in.plan.originalDrivers);
        QCOMPARE(out->plan.writes.size(), 1);
        QCOMPARE(out->plan.writes.first().value, QByteArray("vfio-pci\n"));
        QCOMPARE(out->options.force, true);
        QCOMPARE(out->options.nextBoot, false);
        QCOMPARE(out->clientRef, QStringLiteral("journal-42"));
    }

    void otherKindsRoundTrip()
    {
        JobRequest restore;
        restore.kind = JobRequest::Kind::Restore;
        restore.restore.originalDrivers = {{QStringLiteral("0000:02:00.0"), QStringLiteral("e1000e")}};
        restore.restore.originalOverrides = {{QStringLiteral("0000:02:00.0"), QString()}};
        Result<JobRequest> r = jobRequestFromJson(viaText(jobRequestToJson(restore)));
        QVERIFY(r.ok());
        QCOMPARE(r->kind, JobRequest::Kind::Restore);
        QCOMPARE(r->restore.originalDrivers, restore.restore.originalDrivers);
        QVERIFY(r->clientRef.isEmpty());

        JobRequest vf;
        vf.kind = JobRequest::Kind::SetVfCount;
        vf.pf = QStringLiteral("0000:03:00.0");
        vf.count = 64;
        vf.vfOptions.autoprobeToHost = false;
        vf.vfOptions.force = true;
        const QJsonObject vo = viaText(jobRequestToJson(vf));
        QCOMPARE(vo.value(QStringLiteral("kind")).toString(), QStringLiteral("set-vf-count"));
        Result<JobRequest> v = jobRequestFromJson(vo);
        QVERIFY(v.ok());
        QCOMPARE(v->pf, vf.pf);
        QCOMPARE(v->count, 64);
        QCOMPARE(v->vfOptions.autoprobeToHost, false);
        QCOMPARE(v->vfOptions.force, true);

        JobRequest reboot;
        reboot.kind = JobRequest::Kind::Reboot;
        reboot.clientRef = QStringLiteral("x");
        const QJsonObject ro = viaText(jobRequestToJson(reboot));
        QCOMPARE(ro, (QJsonObject{{QStringLiteral("kind"), QStringLiteral("reboot")}, {QStringLiteral("client_ref"), QStringLiteral("x")}}));
        Result<JobRequest> b = jobRequestFromJson(ro);
        QVERIFY(b.ok());
        QCOMPARE(b->kind, JobRequest::Kind::Reboot);
        QCOMPARE(b->clientRef, QStringLiteral("x"));
    }

    void kindNames()
    {
        for (auto k : {JobRequest::Kind::Apply, JobRequest::Kind::Restore, JobRequest::Kind::SetVfCount, JobRequest::Kind::Reboot})
            QCOMPARE(jobKindFromName(jobKindName(k)), std::optional<JobRequest::Kind>(k));
        QVERIFY(!jobKindFromName(u"write-this-path").has_value());
    }

    void malformedRequests_data()
    {
        QTest::addColumn<QJsonValue>("input");
        QTest::addColumn<QString>("field");
        const QJsonObject good = jobRequestToJson(applyRequest());
        auto with = [&](const QString &key, const QJsonValue &v) {
            QJsonObject o = good;
            o.insert(key, v);
            return o;
        };
        auto without = [&](const QString &key) {
            QJsonObject o = good;
            o.remove(key);
            return o;
        };
        QJsonObject badPlan = nodecodec::toJson(samplePlan());
        badPlan.insert(QStringLiteral("devices"), QJsonArray{QStringLiteral("0000:01:00.0"), QStringLiteral("../../etc")});
        QJsonObject vf{{QStringLiteral("kind"), QStringLiteral("set-vf-count")}, {QStringLiteral("pf"), QStringLiteral("0000:03:00.0")},
                       {QStringLiteral("count"), 2}, {QStringLiteral("options"), nodecodec::toJson(VfCountOptions())}};
        auto vfWith = [&](const QString &key, const QJsonValue &v) {
            QJsonObject o = vf;
            o.insert(key, v);
            return o;
        };

        QTest::newRow("not an object") << QJsonValue(QJsonArray{1, 2}) << QStringLiteral("job");
        QTest::newRow("no kind") << QJsonValue(without(QStringLiteral("kind"))) << QStringLiteral("job.kind");
        QTest::newRow("unknown kind") << QJsonValue(with(QStringLiteral("kind"), QStringLiteral("write-path"))) << QStringLiteral("job.kind");
        QTest::newRow("kind not a string") << QJsonValue(with(QStringLiteral("kind"), 3)) << QStringLiteral("job.kind");
        QTest::newRow("no plan") << QJsonValue(without(QStringLiteral("plan"))) << QStringLiteral("job.plan");
        QTest::newRow("plan not an object") << QJsonValue(with(QStringLiteral("plan"), QStringLiteral("x"))) << QStringLiteral("job.plan");
        QTest::newRow("bad device in plan") << QJsonValue(with(QStringLiteral("plan"), badPlan)) << QStringLiteral("job.plan.devices[1]");
        QTest::newRow("no options") << QJsonValue(without(QStringLiteral("options"))) << QStringLiteral("job.options");
        QTest::newRow("options.force not bool")
            << QJsonValue(with(QStringLiteral("options"), QJsonObject{{QStringLiteral("force"), 1}, {QStringLiteral("nextBoot"), false}}))
            << QStringLiteral("job.options.force");
        QTest::newRow("client_ref too long") << QJsonValue(with(QStringLiteral("client_ref"), QString(129, u'x'))) << QStringLiteral("job.client_ref");
        QTest::newRow("client_ref not a string") << QJsonValue(with(QStringLiteral("client_ref"), 7)) << QStringLiteral("job.client_ref");
        QTest::newRow("restore without request")
            << QJsonValue(QJsonObject{{QStringLiteral("kind"), QStringLiteral("restore")}}) << QStringLiteral("job.request");
        QTest::newRow("restore with a bad address")
            << QJsonValue(QJsonObject{{QStringLiteral("kind"), QStringLiteral("restore")},
                                      {QStringLiteral("request"), QJsonObject{{QStringLiteral("originalDrivers"), QJsonObject{{QStringLiteral("nope"), QString()}}},
                                                                              {QStringLiteral("originalOverrides"), QJsonObject()}}}})
            << QStringLiteral("job.request.originalDrivers[nope]");
        QTest::newRow("vf pf not an address") << QJsonValue(vfWith(QStringLiteral("pf"), QStringLiteral("eth0"))) << QStringLiteral("job.pf");
        QTest::newRow("vf count negative") << QJsonValue(vfWith(QStringLiteral("count"), -1)) << QStringLiteral("job.count");
        QTest::newRow("vf count fractional") << QJsonValue(vfWith(QStringLiteral("count"), 1.5)) << QStringLiteral("job.count");
        QTest::newRow("vf count huge") << QJsonValue(vfWith(QStringLiteral("count"), 1e12)) << QStringLiteral("job.count");
        QTest::newRow("vf options missing") << QJsonValue(vfWith(QStringLiteral("options"), QJsonValue())) << QStringLiteral("job.options");
    }

    void malformedRequests()
    {
        QFETCH(QJsonValue, input);
        QFETCH(QString, field);
        const QString why = input.isObject() ? whyOf(input.toObject()) : [&] {
            Result<JobRequest> r = jobRequestFromJson(input);
            return r ? QStringLiteral("(accepted)") : r.error().why;
        }();
        QVERIFY2(why.startsWith(field + u':') || why.startsWith(field + u'.') || why.startsWith(field + u'['),
                 qPrintable(QStringLiteral("expected the field %1 named, got: %2").arg(field, why)));
    }

    void statusRoundTrip()
    {
        const JobStatus in = endedStatus();
        const QJsonObject o = viaText(jobStatusToJson(in));
        QCOMPARE(o.value(QStringLiteral("progress")).toObject().value(QStringLiteral("done")).toInt(), 2);
        QCOMPARE(o.value(QStringLiteral("kind")).toString(), QStringLiteral("set-vf-count"));
        Result<JobStatus> out = jobStatusFromJson(o);
        QVERIFY2(out.ok(), out ? "" : qPrintable(out.error().message()));
        QCOMPARE(out->id, in.id);
        QCOMPARE(out->kind, in.kind);
        QCOMPARE(out->state, in.state);
        QCOMPARE(out->done, 2);
        QCOMPARE(out->total, 2);
        QCOMPARE(out->step, in.step);
        QCOMPARE(out->clientRef, in.clientRef);
        QCOMPARE(out->created, in.created);
        QCOMPARE(out->ended, in.ended);
        Result<QStringList> vfs = vfListResultFromJson(out->result);
        QVERIFY(vfs.ok());
        QCOMPARE(*vfs, (QStringList{QStringLiteral("0000:03:00.1"), QStringLiteral("0000:03:00.2")}));
    }

    void runningStatusHasNoResult()
    {
        JobStatus s = endedStatus();
        s.state = QStringLiteral("running");
        s.result = QJsonValue();
        s.ended = QDateTime();
        const QJsonObject o = viaText(jobStatusToJson(s));
        QVERIFY(o.value(QStringLiteral("ended")).isNull());
        QVERIFY(o.value(QStringLiteral("result")).isNull());
        Result<JobStatus> out = jobStatusFromJson(o);
        QVERIFY(out.ok());
        QVERIFY(!out->ended.isValid());
        QVERIFY(out->result.isNull() || out->result.isUndefined());
    }

    void failedResultCarriesTheError()
    {
        JobStatus s = endedStatus();
        s.kind = JobRequest::Kind::Apply;
        s.state = QStringLiteral("failed");
        Error e = Error::make(ErrorCode::DeviceBusy, QStringLiteral("Binding 0000:01:00.0"), QStringLiteral("busy"));
        e.device = QStringLiteral("0000:01:00.0");
        s.result = nodecodec::resultToJson(Result<ApplyResult>(e));
        Result<JobStatus> out = jobStatusFromJson(viaText(jobStatusToJson(s)));
        QVERIFY(out.ok());
        Result<ApplyResult> r = nodecodec::resultFromJson<ApplyResult>(out->result);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, ErrorCode::DeviceBusy);
        QCOMPARE(r.error().device, QStringLiteral("0000:01:00.0"));
    }

    void malformedStatus_data()
    {
        QTest::addColumn<QJsonObject>("input");
        QTest::addColumn<QString>("field");
        const QJsonObject good = jobStatusToJson(endedStatus());
        auto with = [&](const QString &key, const QJsonValue &v) {
            QJsonObject o = good;
            o.insert(key, v);
            return o;
        };
        QTest::newRow("id not hex") << with(QStringLiteral("id"), QStringLiteral("../etc")) << QStringLiteral("jobStatus.id");
        QTest::newRow("id missing") << [&] { QJsonObject o = good; o.remove(QStringLiteral("id")); return o; }() << QStringLiteral("jobStatus.id");
        QTest::newRow("kind unknown") << with(QStringLiteral("kind"), QStringLiteral("x")) << QStringLiteral("jobStatus.kind");
        QTest::newRow("state unknown") << with(QStringLiteral("state"), QStringLiteral("done")) << QStringLiteral("jobStatus.state");
        QTest::newRow("progress not an object") << with(QStringLiteral("progress"), 3) << QStringLiteral("jobStatus.progress");
        QTest::newRow("progress.done negative")
            << with(QStringLiteral("progress"), QJsonObject{{QStringLiteral("done"), -1}, {QStringLiteral("total"), 1}, {QStringLiteral("step"), QString()}})
            << QStringLiteral("jobStatus.progress.done");
        QTest::newRow("ended without result") << with(QStringLiteral("result"), QJsonValue()) << QStringLiteral("jobStatus.result");
        QTest::newRow("created not a time") << with(QStringLiteral("created"), QStringLiteral("yesterday")) << QStringLiteral("jobStatus.created");
        QTest::newRow("ended a number") << with(QStringLiteral("ended"), 5) << QStringLiteral("jobStatus.ended");
        QTest::newRow("running with a result") << with(QStringLiteral("state"), QStringLiteral("running")) << QStringLiteral("jobStatus.result");
    }

    void malformedStatus()
    {
        QFETCH(QJsonObject, input);
        QFETCH(QString, field);
        const QString why = statusWhy(input);
        QVERIFY2(why.startsWith(field + u':') || why.startsWith(field + u'.'),
                 qPrintable(QStringLiteral("expected the field %1 named, got: %2").arg(field, why)));
    }

    void states()
    {
        for (const char *s : {"queued", "running"}) {
            QVERIFY(jobstate::isKnown(QString::fromLatin1(s)));
            QVERIFY(!jobstate::isEnded(QString::fromLatin1(s)));
        }
        for (const char *s : {"succeeded", "failed", "rolled-back", "interrupted"})
            QVERIFY(jobstate::isEnded(QString::fromLatin1(s)));
        QVERIFY(!jobstate::isKnown(u"done"));
    }

    void interruptedCodeHasAName()
    {
        QCOMPARE(errorCodeName(ErrorCode::JobInterrupted), QStringLiteral("job-interrupted"));
        QCOMPARE(errorCodeFromName(u"job-interrupted"), std::optional<ErrorCode>(ErrorCode::JobInterrupted));
    }
};

QTEST_GUILESS_MAIN(TstJobCodec)
#include "tst_jobcodec.moc"
