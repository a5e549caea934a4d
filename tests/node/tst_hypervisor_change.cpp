// changeDomain and attachLive on simulated roots through libvirt's test driver file
// (docs/libvirt.md, "What a change does"): exactly Passdeck's hostdevs with the metadata, a
// foreign hostdev kept, shutdown and start, and the previous definition back on any failure.
#include "HypervisorTestUtil.h"

#include "node/LocalNode.h"
#include "node/hypervisor/HypervisorXml.h"

#include <QTest>

using namespace passdeck;
using namespace passdeck::test;

namespace {

const QString kForeign = QStringLiteral("0000:03:00.0");
const QString kGpu = QStringLiteral("0000:02:00.0");
const QString kNic = QStringLiteral("0000:04:00.0");
const QString kNic2 = QStringLiteral("0000:04:00.1");

QStringList addresses(const QList<DomainHostdev> &hostdevs, bool passdeck)
{
    QStringList out;
    for (const DomainHostdev &h : hostdevs)
        if (h.passdeck == passdeck)
            out.append(h.address);
    return out;
}

} // namespace

class TestHypervisorChange : public QObject
{
    Q_OBJECT

private:
    QString m_root;
    std::unique_ptr<QTemporaryDir> m_dir;

    std::unique_ptr<LocalNode> node()
    {
        auto n = LocalNode::open(m_root, true);
        if (!n)
            qFatal("%s", qPrintable(n.error().message()));
        return std::move(n.value());
    }

    DomainInfo domain(const QString &name)
    {
        auto list = node()->domains();
        if (list)
            for (const DomainInfo &d : *list)
                if (d.name == name)
                    return d;
        return {};
    }

    static DomainChange change(const QString &name, const QStringList &hostdevs, bool start = true)
    {
        DomainChange c;
        c.name = name;
        c.hostdevs = hostdevs;
        c.start = start;
        c.shutdownTimeoutSec = 5;
        return c;
    }

private Q_SLOTS:
    void init()
    {
        qunsetenv("PASSDECK_TEST_HYPERVISOR_FAIL_AT");
        m_dir = std::make_unique<QTemporaryDir>();
        Error error;
        m_root = buildSimRoot(*m_dir,
                              withDomains({domainSpec(QStringLiteral("web"), QStringLiteral("running"), {kForeign}),
                                           domainSpec(QStringLiteral("db"), QStringLiteral("shut-off"))}),
                              QStringLiteral("root"), &error);
        QVERIFY2(!m_root.isEmpty(), qPrintable(error.message()));
    }

    void cleanup()
    {
        qunsetenv("PASSDECK_TEST_HYPERVISOR_FAIL_AT");
    }

    void writesExactlyTheHostdevsAndKeepsAForeignOne()
    {
        auto n = node();
        auto done = n->changeDomain(change(QStringLiteral("web"), {kGpu, kNic}));
        QVERIFY2(done, done ? "" : qPrintable(done.error().message()));
        QCOMPARE(done->state, DomainState::Running);
        QCOMPARE(addresses(done->hostdevs, true), QStringList({kGpu, kNic}));
        QCOMPARE(addresses(done->hostdevs, false), QStringList({kForeign}));

        auto xml = n->domainXml(QStringLiteral("web"));
        QVERIFY(xml);
        PASSDECK_VERIFY_DOMAIN_XML(*xml);
        QVERIFY(xml->contains(HypervisorXml::passdeckNamespace()));
        QVERIFY(xml->contains(QStringLiteral("address=\"0000:02:00.0\"")));
        QCOMPARE(xml->count(QStringLiteral("managed=\"no\"")) + xml->count(QStringLiteral("managed='no'")), 3);
        // Another connection reads the same from the file.
        const DomainInfo seen = domain(QStringLiteral("web"));
        QCOMPARE(addresses(seen.hostdevs, true), QStringList({kGpu, kNic}));
        QCOMPARE(seen.state, DomainState::Running);
    }

    void aSecondChangeReplacesOnlyPassdecksEntries()
    {
        auto n = node();
        QVERIFY(n->changeDomain(change(QStringLiteral("web"), {kGpu, kNic})));
        auto second = n->changeDomain(change(QStringLiteral("web"), {kNic2}));
        QVERIFY2(second, second ? "" : qPrintable(second.error().message()));
        QCOMPARE(addresses(second->hostdevs, true), QStringList({kNic2}));
        QCOMPARE(addresses(second->hostdevs, false), QStringList({kForeign}));
        auto xml = n->domainXml(QStringLiteral("web"));
        QVERIFY(xml);
        QVERIFY(!xml->contains(QStringLiteral("0000:02:00.0")));
        PASSDECK_VERIFY_DOMAIN_XML(*xml);
        // None at all: Passdeck's entries go, the foreign one stays.
        auto none = n->changeDomain(change(QStringLiteral("web"), {}));
        QVERIFY2(none, none ? "" : qPrintable(none.error().message()));
        QCOMPARE(addresses(none->hostdevs, true), QStringList());
        QCOMPARE(addresses(none->hostdevs, false), QStringList({kForeign}));
    }

    void startFalseLeavesItShutOff()
    {
        auto n = node();
        auto off = n->changeDomain(change(QStringLiteral("web"), {kGpu}, false));
        QVERIFY2(off, off ? "" : qPrintable(off.error().message()));
        QCOMPARE(off->state, DomainState::ShutOff);
        QCOMPARE(domain(QStringLiteral("web")).state, DomainState::ShutOff);
        // Power On of a shut-off domain starts it.
        auto on = n->changeDomain(change(QStringLiteral("web"), {kGpu}, true));
        QVERIFY2(on, on ? "" : qPrintable(on.error().message()));
        QCOMPARE(on->state, DomainState::Running);
        QCOMPARE(domain(QStringLiteral("web")).state, DomainState::Running);
        auto db = n->changeDomain(change(QStringLiteral("db"), {kNic}, true));
        QVERIFY2(db, db ? "" : qPrintable(db.error().message()));
        QCOMPARE(domain(QStringLiteral("db")).state, DomainState::Running);
    }

    void aForeignAddressIsRefused()
    {
        auto n = node();
        const QString before = *n->domainXml(QStringLiteral("web"));
        auto refused = n->changeDomain(change(QStringLiteral("web"), {kForeign}));
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, ErrorCode::DomainFailed);
        QCOMPARE(refused.error().device, kForeign);
        QCOMPARE(*n->domainXml(QStringLiteral("web")), before);
    }

    void anInvalidAddressChangesNothing()
    {
        auto n = node();
        const QString before = *n->domainXml(QStringLiteral("web"));
        auto bad = n->changeDomain(change(QStringLiteral("web"), {QStringLiteral("0000:zz:00.0")}));
        QVERIFY(!bad);
        QCOMPARE(bad.error().code, ErrorCode::BadAddress);
        // An address Passdeck accepts but libvirt does not (slot > 0x1f): libvirt's reason.
        auto refused = n->changeDomain(change(QStringLiteral("web"), {QStringLiteral("0000:01:ff.0")}));
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, ErrorCode::DomainFailed);
        QVERIFY2(refused.error().why.contains(QStringLiteral("slot")), qPrintable(refused.error().why));
        QVERIFY(refused.error().what.contains(QStringLiteral("web")));
        QCOMPARE(refused.error().device, QStringLiteral("0000:01:ff.0"));
        QCOMPARE(*n->domainXml(QStringLiteral("web")), before);
        QCOMPARE(domain(QStringLiteral("web")).state, DomainState::Running);
    }

    void aVanishedDomainIsNotFound()
    {
        auto n = node();
        QVERIFY(n->changeDomain(change(QStringLiteral("db"), {kGpu}, false)));
        QVERIFY(node()->undefineDomain(QStringLiteral("db")));
        auto gone = n->changeDomain(change(QStringLiteral("db"), {kGpu}));
        QVERIFY(!gone);
        QCOMPARE(gone.error().code, ErrorCode::DomainNotFound);
    }

    void aFailureAfterTheDefinitionPutsTheOldOneBack_data()
    {
        QTest::addColumn<QByteArray>("step");
        QTest::newRow("after-define") << QByteArray("after-define");
        QTest::newRow("after-shutdown") << QByteArray("after-shutdown");
    }

    void aFailureAfterTheDefinitionPutsTheOldOneBack()
    {
        QFETCH(QByteArray, step);
        auto n = node();
        QVERIFY(n->changeDomain(change(QStringLiteral("web"), {kGpu})));
        const QString before = *n->domainXml(QStringLiteral("web"));
        qputenv("PASSDECK_TEST_HYPERVISOR_FAIL_AT", step);
        auto failed = n->changeDomain(change(QStringLiteral("web"), {kNic}));
        qunsetenv("PASSDECK_TEST_HYPERVISOR_FAIL_AT");
        QVERIFY(!failed);
        QCOMPARE(failed.error().code, ErrorCode::DomainFailed);
        QVERIFY(failed.error().what.contains(QStringLiteral("web")));
        QCOMPARE(*n->domainXml(QStringLiteral("web")), before);
        const DomainInfo after = domain(QStringLiteral("web"));
        QCOMPARE(after.state, DomainState::Running);
        QCOMPARE(addresses(after.hostdevs, true), QStringList({kGpu}));
    }

    void attachLiveIsRefusedByTheTestDriver()
    {
        auto n = node();
        const QString before = *n->domainXml(QStringLiteral("web"));
        auto refused = n->attachLive(QStringLiteral("web"), {kGpu});
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, ErrorCode::LiveAttachRefused);
        QCOMPARE(refused.error().device, kGpu);
        // libvirt's own reason: the test driver has no device attach.
        QVERIFY2(refused.error().why.contains(QStringLiteral("not supported")), qPrintable(refused.error().why));
        QCOMPARE(*n->domainXml(QStringLiteral("web")), before);
        auto missing = n->attachLive(QStringLiteral("nope"), {kGpu});
        QVERIFY(!missing);
        QCOMPARE(missing.error().code, ErrorCode::DomainNotFound);
    }

    void aSecondNodeSeesTheChange()
    {
        auto a = node();
        auto b = node();
        QVERIFY(a->changeDomain(change(QStringLiteral("db"), {kGpu}, true)));
        auto list = b->domains();
        QVERIFY(list);
        for (const DomainInfo &d : *list) {
            if (d.name != QLatin1String("db"))
                continue;
            QCOMPARE(d.state, DomainState::Running);
            QCOMPARE(addresses(d.hostdevs, true), QStringList({kGpu}));
            return;
        }
        QFAIL("db is missing");
    }
};

QTEST_GUILESS_MAIN(TestHypervisorChange)
#include "tst_hypervisor_change.moc"
