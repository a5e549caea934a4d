// Nodes behind an agent, on the service side (no network: FakeAgentNode answers as an agent
// would): adding one (every part checked, the agent reached and identified before anything is
// stored, its refusals passed on unchanged, one host one node), and an agent that stops
// answering: noted once with its time, its inventory kept, the flows that need it refused
// naming it, the others going on, and the note cleared when it answers again.
#include "FakeAgentNode.h"
#include "StoreFixture.h"
#include "service/TrackedNode.h"

#include <QFile>
#include <QSignalSpy>
#include <QTest>

using namespace passdeck;
using namespace passdeck::test;

namespace {
const QString agentAddress = QStringLiteral("127.0.0.1:7443");
const QString token = QString(64, u'c');
const QString fingerprint = QStringLiteral("SHA256:") + QString(64, u'd');
const QString pf = QStringLiteral("0000:18:00.1");
} // namespace

class TstAgentNodes : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void addRecordsTheAgent();
    void addChecksEveryPart();
    void addPassesTheAgentsRefusalsOn();
    void oneHostIsOneNode();
    void unreachableIsNotedOnceAndInventoryKept();
    void flowsThatNeedTheNodeAreRefused();
    void flowsThatDoNotNeedItGoOn();
    void answeringAgainClearsTheNote();

private:
    // Node "a" (a host root) and an agent at agentAddress serving a second copy of node-a.
    struct Fixture
    {
        StoreFixture f;
        std::shared_ptr<FakeAgentControl> control = std::make_shared<FakeAgentControl>();
        QString agentRoot;
        QString setUp()
        {
            if (QString e = f.setUp(false); !e.isEmpty())
                return e;
            Error e;
            agentRoot = buildSimRoot(f.dir, demoDescription(QStringLiteral("node-a")), QStringLiteral("r"), &e);
            if (agentRoot.isEmpty())
                return e.message();
            control->inventory = InventoryOptions{pinnedPciIdsFile(), true};
            control->agents.insert(agentAddress, FakeAgentControl::Agent{agentRoot, token, fingerprint, {}, QStringLiteral("0.9.0")});
            f.service.reset();
            ServiceOptions o = testOptions();
            o.nodeFactory = fakeAgentNodes(control);
            auto s = DomainService::open(f.dbPath(), o);
            if (!s)
                return s.error().message();
            f.service = std::move(s).value();
            return {};
        }
        Result<RefreshReport> addAgent(const QString &name = QStringLiteral("r"))
        {
            return f.service->addAgentNode(AgentNodeSpec{name, agentAddress, token + u'\n', fingerprint.toUpper()});
        }
        int nodes() const { return f.count(QStringLiteral("SELECT COUNT(*) FROM nodes")); }
        int devices() const { return f.count(QStringLiteral("SELECT COUNT(*) FROM devices")); }
        QString since(qint64 nodeId) const
        {
            return f.scalar(QStringLiteral("SELECT unreachable_since FROM nodes WHERE id = ?"), {nodeId}).toString();
        }
        void down() { control->agents[agentAddress].answer = FakeAgentControl::unreachable(agentAddress); }
        void up() { control->agents[agentAddress].answer.reset(); }
    };
};

#define FIXTURE(x)                                                     \
    Fixture x;                                                         \
    do {                                                               \
        const QString setUpError_ = x.setUp();                         \
        QVERIFY2(setUpError_.isEmpty(), qPrintable(setUpError_));      \
    } while (false)

void TstAgentNodes::addRecordsTheAgent()
{
    FIXTURE(x);
    auto r = x.addAgent();
    QVERIFY2(r, qPrintable(r ? QString() : r.error().message()));
    QCOMPARE(r->node.hostRoot, agentAddress);
    QCOMPARE(r->node.agentFingerprint, fingerprint);   // normalized: lower-case hex
    QCOMPARE(r->node.agentToken, token);               // the newline of the token file dropped
    QCOMPARE(r->node.agentVersion, QStringLiteral("0.9.0"));
    QVERIFY(!r->node.unreachableSince.isValid());
    QVERIFY(r->node.simulated);
    QVERIFY(r->added > 0);
    QCOMPARE(r->node.deviceCount, x.f.count(QStringLiteral("SELECT COUNT(*) FROM devices WHERE node_id = ? AND present = 1"), {r->node.id}));
    // The host's identity as the agent reported it: its machine id.
    QFile id(x.agentRoot + QStringLiteral("/etc/machine-id"));
    QVERIFY(id.open(QIODevice::ReadOnly));
    QCOMPARE(x.f.scalar(QStringLiteral("SELECT machine_id FROM nodes WHERE id = ?"), {r->node.id}).toString(),
             QString::fromLatin1(id.readAll()).trimmed());
    QCOMPARE(x.f.lastAudit(), QStringLiteral("node.add"));
    // Refreshing goes through the agent again.
    const int before = x.control->opened;
    QVERIFY(x.f.service->refreshNode(r->node.id));
    QVERIFY(x.control->opened > before);
}

void TstAgentNodes::addChecksEveryPart()
{
    FIXTURE(x);
    const int nodes = x.nodes(), devices = x.devices();
    struct Case { AgentNodeSpec spec; ErrorCode code; QString inWhy; };
    const QList<Case> cases = {
        {{QStringLiteral(" "), agentAddress, token, fingerprint}, ErrorCode::BadName, QStringLiteral("empty")},
        {{QStringLiteral("r"), QStringLiteral("127.0.0.1"), token, fingerprint}, ErrorCode::AgentAddress, QStringLiteral("PORT")},
        {{QStringLiteral("r"), QStringLiteral("127.0.0.1:99999"), token, fingerprint}, ErrorCode::AgentAddress, QStringLiteral("99999")},
        {{QStringLiteral("r"), QStringLiteral("/srv/root"), token, fingerprint}, ErrorCode::AgentAddress, {}},
        {{QStringLiteral("r"), agentAddress, QStringLiteral("not-a-token"), fingerprint}, ErrorCode::AgentAddress, {}},
        {{QStringLiteral("r"), agentAddress, QString(), fingerprint}, ErrorCode::AgentAddress, {}},
        {{QStringLiteral("r"), agentAddress, token, QStringLiteral("SHA256:abc")}, ErrorCode::AgentAddress, {}},
        {{QStringLiteral("r"), agentAddress, token, QStringLiteral("MD5:") + QString(32, u'a')}, ErrorCode::AgentAddress, {}},
        {{QStringLiteral("a"), agentAddress, token, fingerprint}, ErrorCode::Duplicate, QStringLiteral("'a'")},
    };
    for (const Case &c : cases) {
        auto r = x.f.service->addAgentNode(c.spec);
        QVERIFY2(!r, qPrintable(c.spec.address));
        QCOMPARE(r.error().code, c.code);
        QVERIFY2(!r.error().what.isEmpty() && !r.error().why.isEmpty() && !r.error().hint.isEmpty(), qPrintable(r.error().message()));
        if (!c.inWhy.isEmpty())
            QVERIFY2(r.error().why.contains(c.inWhy), qPrintable(r.error().message()));
        // The token is never repeated.
        QVERIFY(!r.error().message().contains(token));
        QVERIFY(!r.error().message().contains(QStringLiteral("not-a-token")));
    }
    // Checked before the agent was asked anything; nothing stored.
    QCOMPARE(x.control->opened, 0);
    QCOMPARE(x.nodes(), nodes);
    QCOMPARE(x.devices(), devices);
}

void TstAgentNodes::addPassesTheAgentsRefusalsOn()
{
    FIXTURE(x);
    const int nodes = x.nodes(), devices = x.devices();
    const QList<Error> answers = {FakeAgentControl::unreachable(agentAddress), FakeAgentControl::certificateMismatch(agentAddress),
                                  FakeAgentControl::unauthorized(agentAddress)};
    for (const Error &answer : answers) {
        x.control->agents[agentAddress].answer = answer;
        auto r = x.addAgent();
        QVERIFY(!r);
        QCOMPARE(r.error().code, answer.code);
        QCOMPARE(r.error().what, answer.what);
        QCOMPARE(r.error().why, answer.why);
        QCOMPARE(r.error().hint, answer.hint);
    }
    // The checks at connecting: another certificate, another token.
    x.up();
    auto wrongPin = x.f.service->addAgentNode(AgentNodeSpec{QStringLiteral("r"), agentAddress, token, QStringLiteral("SHA256:") + QString(64, u'0')});
    QVERIFY(!wrongPin);
    QCOMPARE(wrongPin.error().code, ErrorCode::CertificateMismatch);
    auto wrongToken = x.f.service->addAgentNode(AgentNodeSpec{QStringLiteral("r"), agentAddress, QString(64, u'0'), fingerprint});
    QVERIFY(!wrongToken);
    QCOMPARE(wrongToken.error().code, ErrorCode::AgentUnauthorized);
    // Nothing listens there at all.
    auto nobody = x.f.service->addAgentNode(AgentNodeSpec{QStringLiteral("r"), QStringLiteral("127.0.0.1:1"), token, fingerprint});
    QVERIFY(!nobody);
    QCOMPARE(nobody.error().code, ErrorCode::NodeUnreachable);
    QCOMPARE(x.nodes(), nodes);
    QCOMPARE(x.devices(), devices);
    QString result;
    x.f.lastAudit(&result);
    QVERIFY(result == QLatin1String("failed") || result == QLatin1String("refused"));
}

void TstAgentNodes::oneHostIsOneNode()
{
    FIXTURE(x);
    QVERIFY(x.addAgent());
    const int nodes = x.nodes();
    // The same agent under another name.
    auto again = x.addAgent(QStringLiteral("r2"));
    QVERIFY(!again);
    QCOMPARE(again.error().code, ErrorCode::SameHost);
    QVERIFY2(again.error().why.contains(QStringLiteral("'r'")), qPrintable(again.error().message()));
    // An agent on the host that node "a" (a host root) already is: the same machine id.
    const QString other = QStringLiteral("10.0.0.2:7443");
    x.control->agents.insert(other, FakeAgentControl::Agent{x.f.rootA, {}, {}, {}, QStringLiteral("0.9.0")});
    auto same = x.f.service->addAgentNode(AgentNodeSpec{QStringLiteral("a-again"), other, token, fingerprint});
    QVERIFY(!same);
    QCOMPARE(same.error().code, ErrorCode::SameHost);
    QVERIFY2(same.error().why.contains(QStringLiteral("machine id")) && same.error().why.contains(QStringLiteral("'a'")),
             qPrintable(same.error().message()));
    QCOMPARE(x.nodes(), nodes);
}

void TstAgentNodes::unreachableIsNotedOnceAndInventoryKept()
{
    FIXTURE(x);
    auto added = x.addAgent();
    QVERIFY(added);
    const qint64 r = added->node.id;
    const qint64 g = x.f.groupWith(QStringLiteral("VFs"), {vf0}, r);
    QVERIFY(g);
    const QString devicesBefore = x.f.scalar(QStringLiteral(
        "SELECT group_concat(address || driver || present || ids_changed, ',') FROM (SELECT * FROM devices WHERE node_id = ? ORDER BY address)"), {r}).toString();
    const int rules = x.f.count(QStringLiteral("SELECT COUNT(*) FROM resource_rules WHERE node_id = ?"), {r});
    QCOMPARE(rules, 1);

    x.down();
    QSignalSpy nodesChanged(x.f.service.get(), &DomainService::nodesChanged);
    auto refreshed = x.f.service->refreshNode(r);
    QVERIFY(!refreshed);
    QCOMPARE(refreshed.error().code, ErrorCode::NodeUnreachable);
    const QString since = x.since(r);
    QVERIFY(!since.isEmpty());
    const QDateTime sinceTime = QDateTime::fromString(since, Qt::ISODateWithMs);
    QVERIFY(sinceTime.isValid());
    const QString text = refreshed.error().message();
    QVERIFY2(text.contains(QStringLiteral("unreachable")) && text.contains(unreachableSinceText(sinceTime)) && text.contains(QStringLiteral("'r'")),
             qPrintable(text));
    // The agent's own hint is still there.
    QVERIFY2(text.contains(QStringLiteral("systemctl start passdeckd")), qPrintable(text));
    QVERIFY(nodesChanged.count() >= 1);
    auto info = x.f.service->node(r);
    QVERIFY(info);
    QCOMPARE(info->unreachableSince, sinceTime);

    // The first time only: a second failure keeps the time.
    QTest::qWait(1100);
    QVERIFY(!x.f.service->refreshNode(r));
    QCOMPARE(x.since(r), since);
    // The inventory as last seen: nothing vanished, nothing reassigned.
    QCOMPARE(x.f.scalar(QStringLiteral(
        "SELECT group_concat(address || driver || present || ids_changed, ',') FROM (SELECT * FROM devices WHERE node_id = ? ORDER BY address)"), {r}).toString(),
             devicesBefore);
    QCOMPARE(x.f.count(QStringLiteral("SELECT COUNT(*) FROM resource_rules WHERE node_id = ?"), {r}), rules);
    QCOMPARE(x.f.count(QStringLiteral("SELECT COUNT(*) FROM devices WHERE node_id = ? AND present = 0"), {r}), 0);
    // Node "a" is untouched.
    QVERIFY(x.since(x.f.nodeA).isEmpty());
}

void TstAgentNodes::flowsThatNeedTheNodeAreRefused()
{
    FIXTURE(x);
    auto added = x.addAgent();
    QVERIFY(added);
    const qint64 r = added->node.id;
    const qint64 g = x.f.groupWith(QStringLiteral("VFs"), {vf0, vf1}, r);
    QVERIFY(g);
    const qint64 vm = x.f.hostVm(QStringLiteral("vm-r"), r);
    QVERIFY(vm);
    QVERIFY(x.f.service->attach(AttachSpec{vm, g, 1, {}, {}}));
    auto t = x.f.service->createTenant(QStringLiteral("acme"));
    QVERIFY(t);
    auto tn = x.f.service->addTenantNode(t->id, QStringLiteral("acme-r"), r);
    QVERIFY(tn);
    const qint64 other = x.f.service->createGroup(GroupSpec{QStringLiteral("More"), {}, GroupClass::Other})->id;

    x.down();
    QVERIFY(!x.f.service->refreshNode(r));
    const QString since = unreachableSinceText(QDateTime::fromString(x.since(r), Qt::ISODateWithMs));
    auto refusedNamingTheNode = [&](const Error &e) {
        const QString text = e.message();
        return e.code == ErrorCode::NodeUnreachable && text.contains(QStringLiteral("unreachable")) && text.contains(since)
            && text.contains(QStringLiteral("'r'"));
    };
    const QString rulesBefore = x.f.scalar(QStringLiteral("SELECT group_concat(device_id, ',') FROM resource_rules")).toString();

    // Make resource.
    auto made = x.f.service->makeResource(other, r, {vf2});
    QVERIFY(!made);
    QVERIFY2(refusedNamingTheNode(made.error()), qPrintable(made.error().message()));
    QCOMPARE(x.f.scalar(QStringLiteral("SELECT group_concat(device_id, ',') FROM resource_rules")).toString(), rulesBefore);
    QCOMPARE(x.f.count(QStringLiteral("SELECT COUNT(*) FROM journal")), 0);
    // VM start with its devices: still off, nothing allocated.
    auto started = x.f.service->restartVm(vm);
    QVERIFY(!started);
    QVERIFY2(refusedNamingTheNode(started.error()), qPrintable(started.error().message()));
    QCOMPARE(x.f.scalar(QStringLiteral("SELECT power FROM vms WHERE id = ?"), {vm}).toString(), QStringLiteral("off"));
    QCOMPARE(x.f.count(QStringLiteral("SELECT COUNT(*) FROM allocations")), 0);
    QCOMPARE(x.f.count(QStringLiteral("SELECT COUNT(*) FROM device_holds")), 0);
    // Pass to a tenant (a store-only change, but of devices the node may no longer have).
    auto passed = x.f.service->passToTenant(PassSpec{tn->id, g, 1, {}, {}});
    QVERIFY(!passed);
    QVERIFY2(refusedNamingTheNode(passed.error()), qPrintable(passed.error().message()));
    QCOMPARE(x.f.count(QStringLiteral("SELECT COUNT(*) FROM tenant_pool")), 0);
    // SR-IOV: reading and setting the VF count.
    auto state = x.f.service->sriovState(r, pf);
    QVERIFY(!state);
    QVERIFY2(refusedNamingTheNode(state.error()), qPrintable(state.error().message()));
    const int devices = x.f.count(QStringLiteral("SELECT COUNT(*) FROM devices WHERE node_id = ?"), {r});
    auto vfs = x.f.service->setVfCount(r, pf, 2);
    QVERIFY(!vfs);
    QVERIFY2(refusedNamingTheNode(vfs.error()), qPrintable(vfs.error().message()));
    QCOMPARE(x.f.count(QStringLiteral("SELECT COUNT(*) FROM devices WHERE node_id = ?"), {r}), devices);
    // Readiness says why the node cannot be read.
    auto ready = x.f.service->nodeReadiness(r);
    QVERIFY(ready);
    QVERIFY(!ready->reachable && !ready->ready());
    QVERIFY2(ready->reasons.join(u' ').contains(QStringLiteral("unreachable since ") + since), qPrintable(ready->reasons.join(u' ')));
    // Still noted from the first time.
    QCOMPARE(unreachableSinceText(QDateTime::fromString(x.since(r), Qt::ISODateWithMs)), since);
}

void TstAgentNodes::flowsThatDoNotNeedItGoOn()
{
    FIXTURE(x);
    auto added = x.addAgent();
    QVERIFY(added);
    const qint64 r = added->node.id;
    const qint64 g = x.f.groupWith(QStringLiteral("VFs r"), {vf0}, r);
    QVERIFY(g);
    x.down();
    QVERIFY(!x.f.service->refreshNode(r));
    QVERIFY(!x.since(r).isEmpty());

    // Renaming a group of the unreachable node, a group on another node, a VM there: all go on.
    QVERIFY(x.f.service->editGroup(g, GroupSpec{QStringLiteral("VFs of r"), QStringLiteral("renamed"), GroupClass::Network}));
    QCOMPARE(x.f.service->group(g)->name, QStringLiteral("VFs of r"));
    const qint64 ga = x.f.groupWith(QStringLiteral("VFs a"), {vf0}, x.f.nodeA);
    QVERIFY(ga);
    const qint64 vm = x.f.hostVm(QStringLiteral("vm-a"), x.f.nodeA);
    QVERIFY(x.f.service->attach(AttachSpec{vm, ga, 1, {}, {}}));
    auto started = x.f.service->restartVm(vm);
    QVERIFY2(started, qPrintable(started ? QString() : started.error().message()));
    // Viewing: the node, its devices, its groups.
    QVERIFY(x.f.service->nodes());
    auto devs = x.f.service->devices(r);
    QVERIFY(devs && !devs->isEmpty());
    QVERIFY(x.f.service->groupDevices(g));
    // A VM on the unreachable node without devices starts (it needs nothing of the node).
    const qint64 bare = x.f.hostVm(QStringLiteral("vm-r"), r);
    QVERIFY(x.f.service->restartVm(bare));
    QVERIFY(!x.since(r).isEmpty());
}

void TstAgentNodes::answeringAgainClearsTheNote()
{
    FIXTURE(x);
    auto added = x.addAgent();
    QVERIFY(added);
    const qint64 r = added->node.id;
    x.down();
    QVERIFY(!x.f.service->refreshNode(r));
    QVERIFY(!x.since(r).isEmpty());
    // Back, updated meanwhile.
    x.up();
    x.control->agents[agentAddress].version = QStringLiteral("1.0.0");
    auto refreshed = x.f.service->refreshNode(r);
    QVERIFY2(refreshed, qPrintable(refreshed ? QString() : refreshed.error().message()));
    QVERIFY(x.since(r).isEmpty());
    QVERIFY(!refreshed->node.unreachableSince.isValid());
    QCOMPARE(refreshed->node.agentVersion, QStringLiteral("1.0.0"));
    QCOMPARE(x.f.scalar(QStringLiteral("SELECT agent_version FROM nodes WHERE id = ?"), {r}).toString(), QStringLiteral("1.0.0"));
    // A flow that needs the node clears it too (pass to a tenant asks the agent again).
    const qint64 g = x.f.groupWith(QStringLiteral("VFs"), {vf0}, r);
    QVERIFY(g);
    auto t = x.f.service->createTenant(QStringLiteral("acme"));
    auto tn = x.f.service->addTenantNode(t->id, QStringLiteral("acme-r"), r);
    QVERIFY(tn);
    x.down();
    QVERIFY(!x.f.service->refreshNode(r));
    QVERIFY(!x.since(r).isEmpty());
    x.up();
    auto passed = x.f.service->passToTenant(PassSpec{tn->id, g, 1, {}, {}});
    QVERIFY2(passed, qPrintable(passed ? QString() : passed.error().message()));
    QVERIFY(x.since(r).isEmpty());
}

QTEST_MAIN(TstAgentNodes)
#include "tst_agent_nodes.moc"
