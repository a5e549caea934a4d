// The hypervisor types on the wire (core/NodeCodec.h, docs/libvirt.md): round trips and
// strict refusals of names, addresses and bounds; the domain job kinds (core/JobCodec.h).
#include "core/JobCodec.h"
#include "core/NodeCodec.h"

#include <QJsonArray>
#include <QTest>

using namespace passdeck;
using namespace passdeck::nodecodec;

class TestNodeCodecHypervisor : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void domainInfoRoundTrip()
    {
        DomainInfo d;
        d.name = QStringLiteral("web 1");
        d.uuid = QStringLiteral("a2f6095e-a302-4471-a02d-3d3f7c1b81d5");
        d.state = DomainState::Paused;
        d.vcpus = 8;
        d.memoryMiB = 65536;
        d.persistent = false;
        d.hostdevs = {{QStringLiteral("0000:01:00.0"), true, false}, {QStringLiteral("0000:02:00.1"), false, true}};
        Result<QList<DomainInfo>> back = fromJson<QList<DomainInfo>>(toJson(QList<DomainInfo>{d}));
        QVERIFY2(back, back ? "" : qPrintable(back.error().message()));
        QCOMPARE(back->size(), 1);
        const DomainInfo &b = back->first();
        QCOMPARE(b.name, d.name);
        QCOMPARE(b.uuid, d.uuid);
        QCOMPARE(b.state, d.state);
        QCOMPARE(b.vcpus, 8);
        QCOMPARE(b.memoryMiB, 65536);
        QCOMPARE(b.persistent, false);
        QCOMPARE(b.hostdevs.size(), 2);
        QCOMPARE(b.hostdevs.at(0).address, QStringLiteral("0000:01:00.0"));
        QVERIFY(b.hostdevs.at(0).passdeck);
        QVERIFY(!b.hostdevs.at(0).managed);
        QVERIFY(b.hostdevs.at(1).managed);
    }

    void definitionAndChangeRoundTrip()
    {
        Result<DomainDefinition> def = fromJson<DomainDefinition>(toJson(DomainDefinition{QStringLiteral("db"), 4, 4096}));
        QVERIFY(def);
        QCOMPARE(def->name, QStringLiteral("db"));
        QCOMPARE(def->vcpus, 4);
        QCOMPARE(def->memoryMiB, 4096);
        DomainChange c;
        c.name = QStringLiteral("db");
        c.hostdevs = {QStringLiteral("0000:01:00.0"), QStringLiteral("0000:01:00.1")};
        c.start = false;
        c.shutdownTimeoutSec = 5;
        Result<DomainChange> back = fromJson<DomainChange>(toJson(c));
        QVERIFY(back);
        QCOMPARE(back->hostdevs, c.hostdevs);
        QCOMPARE(back->start, false);
        QCOMPARE(back->shutdownTimeoutSec, 5);
        c.hostdevs.clear(); // no hostdev at all is a change too
        QVERIFY(fromJson<DomainChange>(toJson(c)));
    }

    void refusals_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QJsonObject>("json");
        QTest::addColumn<QString>("field");
        const QJsonObject def = toJson(DomainDefinition{QStringLiteral("db"), 2, 2048});
        auto with = [](QJsonObject o, const QString &k, const QJsonValue &v) {
            o.insert(k, v);
            return o;
        };
        QTest::newRow("slash") << "definition" << with(def, QStringLiteral("name"), QStringLiteral("a/b")) << "name";
        QTest::newRow("too long") << "definition" << with(def, QStringLiteral("name"), QString(65, u'x')) << "name";
        QTest::newRow("empty") << "definition" << with(def, QStringLiteral("name"), QString()) << "name";
        QTest::newRow("newline") << "definition" << with(def, QStringLiteral("name"), QStringLiteral("a\nb")) << "name";
        QTest::newRow("dots") << "definition" << with(def, QStringLiteral("name"), QStringLiteral("..")) << "name";
        QTest::newRow("0 vcpus") << "definition" << with(def, QStringLiteral("vcpus"), 0) << "vcpus";
        QTest::newRow("vcpus") << "definition" << with(def, QStringLiteral("vcpus"), 5000) << "vcpus";
        QTest::newRow("memory") << "definition" << with(def, QStringLiteral("memoryMiB"), 0) << "memoryMiB";
        QTest::newRow("memory big") << "definition" << with(def, QStringLiteral("memoryMiB"), 1e15) << "memoryMiB";
        QTest::newRow("no name") << "definition" << QJsonObject{{QStringLiteral("vcpus"), 1}, {QStringLiteral("memoryMiB"), 1}} << "name";
        DomainChange c;
        c.name = QStringLiteral("db");
        c.hostdevs = {QStringLiteral("0000:01:00.0")};
        const QJsonObject change = toJson(c);
        QTest::newRow("address") << "change" << with(change, QStringLiteral("hostdevs"), QJsonArray{QStringLiteral("01:00.0")}) << "hostdevs";
        QTest::newRow("upper") << "change" << with(change, QStringLiteral("hostdevs"), QJsonArray{QStringLiteral("0000:0A:00.0")}) << "hostdevs";
        QTest::newRow("timeout") << "change" << with(change, QStringLiteral("shutdownTimeoutSec"), 3601) << "shutdownTimeoutSec";
        QTest::newRow("negative") << "change" << with(change, QStringLiteral("shutdownTimeoutSec"), -1) << "shutdownTimeoutSec";
        QTest::newRow("start") << "change" << with(change, QStringLiteral("start"), QStringLiteral("yes")) << "start";
        QTest::newRow("change name") << "change" << with(change, QStringLiteral("name"), QStringLiteral("x/y")) << "name";
        DomainInfo d;
        d.name = QStringLiteral("db");
        const QJsonObject info = toJson(d);
        QTest::newRow("state") << "info" << with(info, QStringLiteral("state"), QStringLiteral("flying")) << "state";
        QTest::newRow("uuid") << "info" << with(info, QStringLiteral("uuid"), QStringLiteral("not-a-uuid")) << "uuid";
        QTest::newRow("hostdev") << "info"
                                 << with(info, QStringLiteral("hostdevs"),
                                         QJsonArray{QJsonObject{{QStringLiteral("address"), QStringLiteral("x")},
                                                                {QStringLiteral("passdeck"), true},
                                                                {QStringLiteral("managed"), false}}})
                                 << "hostdevs";
    }

    void refusals()
    {
        QFETCH(QString, kind);
        QFETCH(QJsonObject, json);
        QFETCH(QString, field);
        Error e;
        if (kind == QLatin1String("definition")) {
            auto r = fromJson<DomainDefinition>(json);
            QVERIFY(!r);
            e = r.error();
        } else if (kind == QLatin1String("change")) {
            auto r = fromJson<DomainChange>(json);
            QVERIFY(!r);
            e = r.error();
        } else {
            auto r = fromJson<DomainInfo>(json);
            QVERIFY(!r);
            e = r.error();
        }
        QCOMPARE(e.code, ErrorCode::BadMessage);
        QVERIFY2(e.why.contains(field), qPrintable(e.why));
    }

    void domainJobs()
    {
        JobRequest change;
        change.kind = JobRequest::Kind::ChangeDomain;
        change.change.name = QStringLiteral("web");
        change.change.hostdevs = {QStringLiteral("0000:01:00.0")};
        Result<JobRequest> back = jobRequestFromJson(jobRequestToJson(change));
        QVERIFY(back);
        QCOMPARE(back->kind, JobRequest::Kind::ChangeDomain);
        QCOMPARE(back->change.hostdevs, change.change.hostdevs);
        QCOMPARE(jobKindName(JobRequest::Kind::ChangeDomain), QStringLiteral("change-domain"));

        JobRequest attach;
        attach.kind = JobRequest::Kind::AttachLive;
        attach.domain = QStringLiteral("web");
        attach.addresses = {QStringLiteral("0000:01:00.0")};
        back = jobRequestFromJson(jobRequestToJson(attach));
        QVERIFY(back);
        QCOMPARE(back->domain, QStringLiteral("web"));
        QCOMPARE(back->addresses, attach.addresses);
        attach.addresses.clear();
        QVERIFY(!jobRequestFromJson(jobRequestToJson(attach)));

        JobRequest undefine;
        undefine.kind = JobRequest::Kind::UndefineDomain;
        undefine.domain = QStringLiteral("a/b");
        Result<JobRequest> bad = jobRequestFromJson(jobRequestToJson(undefine));
        QVERIFY(!bad);
        QVERIFY2(bad.error().why.contains(QStringLiteral("domain")), qPrintable(bad.error().why));
        undefine.domain = QStringLiteral("web");
        QVERIFY(jobRequestFromJson(jobRequestToJson(undefine)));
    }
};

QTEST_GUILESS_MAIN(TestNodeCodecHypervisor)
#include "tst_nodecodec_hypervisor.moc"
