// VMs are libvirt domains (docs/libvirt.md, "VMs in Passdeck"): the service's VM flows on a
// simulated node whose hypervisor is an in-memory fake (FakeHypervisor.h) that can fail on
// demand. Asserted: the domain after each step, the store and the simulated sysfs.
#include "FakeHypervisor.h"
#include "StoreFixture.h"
#include "VmDomainXmlCheck.h"

#include "node/LocalNode.h"
#include "store/Journal.h"
#include "node/host/SysfsWriter.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTest>

using namespace passdeck;
using namespace passdeck::test;

class TstVmDomains : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void createDefinesDomain();
    void createAdoptsDomain();
    void refreshImportsAndFlagsVanished();
    void hypervisorUnavailableKeepsVms();
    void restartWritesExactHostdevs();
    void domainChangeOutsideTheWriteLock();
    void recordFailureRevertsDomainFirst();
    void recoveryStopsTheDomainFirst();
    void recoveryWaitsForTheHypervisor();
    void powerOffAndOn();
    void restartFailureLeavesStoreAndDriversAsBefore();
    void restartWhenDeviceNoLongerFree();
    void foreignHostdevNotAllocatable();
    void attachNowFallsBackToRestart();
    void attachNowLive();
    void tenantVmOnItsTenantNode();
    void domainGoneIsAnError();
    void shutdownTimeoutReachesTheNode();
    void deleteUndefinesDomain();
    void realTestDriver();

private:
    struct Fixture
    {
        StoreFixture f;
        std::shared_ptr<FakeHypervisor> hv = std::make_shared<FakeHypervisor>();

        QString setUp()
        {
            if (!f.dir.isValid() || f.dbPath().isEmpty())
                return QStringLiteral("no store");
            Error e;
            f.rootA = buildSimRoot(f.dir, demoDescription(QStringLiteral("node-a")), QStringLiteral("a"), &e);
            if (f.rootA.isEmpty())
                return e.message();
            ServiceOptions o = testOptions();
            o.nodeFactory = withFakeHypervisor(o.nodeFactory, hv);
            auto s = DomainService::open(f.dbPath(), o);
            if (!s)
                return s.error().message();
            f.service = std::move(s).value();
            auto a = f.service->addNode(QStringLiteral("a"), f.rootA, true);
            if (!a)
                return a.error().message();
            f.nodeA = a->node.id;
            return {};
        }
        DomainService &svc() { return *f.service; }
        // Off vfio-pci onto its host driver (as the kernel would probe it), so that a start binds it.
        bool toHostDriver(const QString &address)
        {
            LocalNode node(f.rootA, true);
            const QString dev = QStringLiteral("sys/bus/pci/devices/%1/").arg(address);
            return node.writer().write(dev + QStringLiteral("driver_override"), "\n") == 0
                && node.writer().write(dev + QStringLiteral("driver/unbind"), address.toLatin1()) == 0
                && node.writer().write(QStringLiteral("sys/bus/pci/drivers_probe"), address.toLatin1()) == 0;
        }
        Vm vm(const QString &name) { return *svc().findVm(name); }
        // A VM (gpuVm) started, then the journal row of a start of it that died after its domain
        // started on gpu1 and its audio: the row a killed process leaves (a dead owner).
        QString interruptedStart(qint64 vmId, QMap<QString, QString> *hostDrivers)
        {
            if (!toHostDriver(gpu1) || !toHostDriver(gpu1Audio))
                return QStringLiteral("could not put the GPU on its host driver");
            *hostDrivers = {{gpu1, f.driverA(gpu1)}, {gpu1Audio, f.driverA(gpu1Audio)}};
            if (auto started = svc().restartVm(vmId); !started)
                return started.error().message();
            JournalEntry e;
            e.nodeId = f.nodeA;
            e.operation = QStringLiteral("vm-restart");
            e.target = QStringLiteral("vfio");
            e.vmId = vmId;
            e.originalDrivers = *hostDrivers;
            if (!Journal::add(f.db(), e) || !f.sql(QStringLiteral("UPDATE journal SET pid = 999999999, host = ?"), {Journal::thisHost()}))
                return QStringLiteral("could not write the journal row");
            return {};
        }
        int allocations(qint64 vmId) { return f.count(QStringLiteral("SELECT COUNT(*) FROM allocations WHERE vm_id = ?"), {vmId}); }
        // A VM with a domain and one machine device of a group holding gpu1 (and its audio).
        qint64 gpuGroup = 0;
        qint64 gpuVm(const QString &name = QStringLiteral("vm1"))
        {
            if (!gpuGroup)
                gpuGroup = f.groupWith(QStringLiteral("GPUs"), {gpu1});
            const qint64 g = gpuGroup;
            VmSpec spec{name, {}, f.nodeA, 0, 0};
            auto v = svc().createVm(spec);
            if (!v || !g)
                return 0;
            if (!svc().attach(AttachSpec{v->id, g, 1, {}, {}}))
                return 0;
            return v->id;
        }
    };
};

#define FIXTURE(x)                                           \
    Fixture x;                                               \
    do {                                                     \
        const QString e_ = x.setUp();                        \
        QVERIFY2(e_.isEmpty(), qPrintable(e_));              \
    } while (false)

void TstVmDomains::createDefinesDomain()
{
    FIXTURE(x);
    VmSpec spec{QStringLiteral("web"), {}, x.f.nodeA, 0, 0};
    spec.vcpus = 4;
    spec.memoryMiB = 4096;
    auto v = x.svc().createVm(spec);
    QVERIFY2(v, qPrintable(v ? QString() : v.error().message()));
    QVERIFY(x.hv->calls.contains(QStringLiteral("define web")));
    QVERIFY(x.hv->domains.contains(QStringLiteral("web")));
    QCOMPARE(v->domainUuid, x.hv->domains.value(QStringLiteral("web")).uuid);
    QCOMPARE(v->vcpus, 4);
    QCOMPARE(v->memoryMiB, qint64(4096));
    QCOMPARE(v->libvirtState, QStringLiteral("shut-off"));
    // The XML is libvirt's, and valid.
    auto xml = x.svc().vmDomainXml(v->id);
    QVERIFY(xml);
    QVERIFY(xml->contains(QStringLiteral("<name>web</name>")));
    QString why;
    QVERIFY2(validateDomainXml(*xml, &why), qPrintable(why));
    // A name libvirt already has: refused with the hint to adopt; no VM stored.
    x.hv->add(QStringLiteral("taken"));
    auto dup = x.svc().createVm(VmSpec{QStringLiteral("taken"), {}, x.f.nodeA, 0, 0});
    QVERIFY(!dup);
    QCOMPARE(dup.error().code, ErrorCode::DomainExists);
    QVERIFY(dup.error().hint.contains(QStringLiteral("Adopt")));
    QVERIFY(!x.svc().findVm(QStringLiteral("taken")));
    // Bad sizes are refused before anything is defined.
    VmSpec bad{QStringLiteral("tiny"), {}, x.f.nodeA, 0, 0};
    bad.vcpus = 0;
    QCOMPARE(x.svc().createVm(bad).error().code, ErrorCode::BadUsage);
    QVERIFY(!x.hv->domains.contains(QStringLiteral("tiny")));
}

void TstVmDomains::createAdoptsDomain()
{
    FIXTURE(x);
    x.hv->add(QStringLiteral("legacy"), DomainState::Running, {DomainHostdev{gpu2, false, true}});
    auto adoptable = x.svc().adoptableDomains(x.f.nodeA);
    QVERIFY(adoptable);
    QCOMPARE(adoptable->size(), 1);
    VmSpec spec{QStringLiteral("legacy"), {}, x.f.nodeA, 0, 0};
    spec.adopt = true;
    auto v = x.svc().createVm(spec);
    QVERIFY2(v, qPrintable(v ? QString() : v.error().message()));
    QVERIFY(!x.hv->calls.contains(QStringLiteral("define legacy"))); // nothing defined
    QCOMPARE(v->libvirtState, QStringLiteral("running"));
    QCOMPARE(v->hostdevs.size(), 1);
    QVERIFY(!v->hostdevs.first().passdeck);
    QCOMPARE(x.svc().adoptableDomains(x.f.nodeA)->size(), 0);
    // Adopting a domain that is not there: refused, nothing stored.
    VmSpec none{QStringLiteral("ghost"), {}, x.f.nodeA, 0, 0};
    none.adopt = true;
    QCOMPARE(x.svc().createVm(none).error().code, ErrorCode::DomainNotFound);
    QVERIFY(!x.svc().findVm(QStringLiteral("ghost")));
}

void TstVmDomains::refreshImportsAndFlagsVanished()
{
    FIXTURE(x);
    QVERIFY(x.svc().createVm(VmSpec{QStringLiteral("mine"), {}, x.f.nodeA, 0, 0}));
    x.hv->add(QStringLiteral("outside"), DomainState::Paused);
    auto r = x.svc().refreshVms(x.f.nodeA);
    QVERIFY(r);
    QCOMPARE(r->imported, QStringList{QStringLiteral("outside")});
    QCOMPARE(x.vm(QStringLiteral("outside")).libvirtState, QStringLiteral("paused"));
    QCOMPARE(x.vm(QStringLiteral("outside")).nodeId, x.f.nodeA);
    // Gone behind Passdeck's back: flagged, kept.
    x.hv->domains.remove(QStringLiteral("mine"));
    r = x.svc().refreshVms(x.f.nodeA);
    QVERIFY(r);
    QCOMPARE(r->vanished, QStringList{QStringLiteral("mine")});
    QVERIFY(x.vm(QStringLiteral("mine")).vanishedSince.isValid());
    // A node refresh refreshes the VMs too; an imported domain is not imported twice.
    QVERIFY(x.svc().refreshNode(x.f.nodeA));
    QCOMPARE(x.f.count(QStringLiteral("SELECT COUNT(*) FROM vms WHERE name = 'outside'")), 1);
    QVERIFY(x.vm(QStringLiteral("mine")).vanishedSince.isValid());
}

void TstVmDomains::hypervisorUnavailableKeepsVms()
{
    FIXTURE(x);
    QVERIFY(x.svc().createVm(VmSpec{QStringLiteral("mine"), {}, x.f.nodeA, 0, 0}));
    x.hv->available = false;
    auto r = x.svc().refreshVms(x.f.nodeA);
    QVERIFY(r);
    QCOMPARE(r->unavailable.size(), 1);
    const Vm v = x.vm(QStringLiteral("mine"));
    QVERIFY(!v.hypervisorError.isEmpty());   // listed, with the reason
    QVERIFY(!v.vanishedSince.isValid());     // nothing was read: nothing is flagged
    // Its restart is an error naming the VM; nothing changed.
    auto s = x.svc().restartVm(v.id);
    QVERIFY(!s);
    QCOMPARE(s.error().code, ErrorCode::HypervisorUnavailable);
    QVERIFY(s.error().what.contains(QStringLiteral("mine")));
    QCOMPARE(x.vm(QStringLiteral("mine")).power, PowerState::Off);
    x.hv->available = true;
    QVERIFY(x.svc().refreshVms(x.f.nodeA));
    QVERIFY(x.vm(QStringLiteral("mine")).hypervisorError.isEmpty());
}

void TstVmDomains::restartWritesExactHostdevs()
{
    FIXTURE(x);
    const qint64 vm = x.gpuVm();
    QVERIFY(vm);
    auto r = x.svc().restartVm(vm);
    QVERIFY2(r, qPrintable(r ? QString() : r.error().message()));
    // Exactly the allocation, Passdeck's, and the domain runs.
    QCOMPARE(x.hv->passdeckHostdevs(QStringLiteral("vm1")), (QStringList{gpu1, gpu1Audio}));
    QCOMPARE(x.hv->domains.value(QStringLiteral("vm1")).state, DomainState::Running);
    QCOMPARE(r->vm.libvirtState, QStringLiteral("running"));
    QCOMPARE(r->vm.power, PowerState::On);
    QVERIFY(!r->vm.restartNeeded);
    QCOMPARE(x.allocations(vm), 2);
    QCOMPARE(x.f.driverA(gpu1), QStringLiteral("vfio-pci"));
    auto xml = x.svc().vmDomainXml(vm);
    QVERIFY(xml);
    QCOMPARE(xml->count(QStringLiteral("<hostdev ")), 2);
    QVERIFY(xml->contains(QStringLiteral("bus='0x17'")));
    QString why;
    QVERIFY2(validateDomainXml(*xml, &why), qPrintable(why));
    QCOMPARE(x.f.count(QStringLiteral("SELECT COUNT(*) FROM journal")), 0);
}

// A restart's domain change waits for the guest to shut down (up to its timeout): meanwhile the
// store stays free for other administrators. Inside the change, another connection takes the
// write lock without waiting (SQLite: BEGIN IMMEDIATE with no busy timeout).
void TstVmDomains::domainChangeOutsideTheWriteLock()
{
    FIXTURE(x);
    const qint64 vm = x.gpuVm();
    QVERIFY(vm);
    QStringList lockedDuring; // the changes during which another writer could not get in
    int changes = 0;
    x.hv->duringChange = [&](const DomainChange &c) {
        ++changes;
        const QString name = QStringLiteral("other-writer-%1").arg(changes);
        {
            QSqlDatabase other = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
            other.setDatabaseName(x.f.dbPath());
            other.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=0"));
            QSqlQuery q(other);
            if (!other.open() || !q.exec(QStringLiteral("BEGIN IMMEDIATE")))
                lockedDuring << QStringLiteral("%1 %2").arg(c.name, c.start ? QStringLiteral("start") : QStringLiteral("stop"));
            else
                q.exec(QStringLiteral("ROLLBACK"));
            q.finish();
            other.close();
        }
        QSqlDatabase::removeDatabase(name);
    };
    QVERIFY(x.toHostDriver(gpu1)); // so that the restart binds it (the journaled path)
    QVERIFY(x.toHostDriver(gpu1Audio));
    QVERIFY(x.svc().restartVm(vm));
    QCOMPARE(x.f.driverA(gpu1), QStringLiteral("vfio-pci"));
    QVERIFY(x.svc().powerOff(vm));
    QVERIFY(x.svc().powerOn(vm));
    QCOMPARE(changes, 3);
    QVERIFY2(lockedDuring.isEmpty(), qPrintable(lockedDuring.join(QLatin1String(", "))));
    QCOMPARE(x.hv->passdeckHostdevs(QStringLiteral("vm1")), (QStringList{gpu1, gpu1Audio}));
}

// The domain changed and started, then the store refuses the record: the domain goes back
// (stopped, without Passdeck's hostdevs) while the devices are still on vfio-pci, and only then
// do the devices go back to their drivers and the store to what it was.
void TstVmDomains::recordFailureRevertsDomainFirst()
{
    FIXTURE(x);
    const qint64 g = x.f.groupWith(QStringLiteral("VFs"), {vf0});
    QVERIFY(g);
    QVERIFY(x.toHostDriver(vf0));
    const QString driverBefore = x.f.driverA(vf0);
    QCOMPARE(driverBefore, QStringLiteral("iavf"));
    auto created = x.svc().createVm(VmSpec{QStringLiteral("vm1"), {}, x.f.nodeA, 0, 0});
    QVERIFY(created);
    const qint64 vm = created->id;
    QVERIFY(x.svc().attach(AttachSpec{vm, g, 1, {}, {}}));
    const Vm before = x.vm(QStringLiteral("vm1"));
    QStringList driverAtChange;
    x.hv->duringChange = [&](const DomainChange &) {
        driverAtChange << x.f.driverA(vf0);
        if (driverAtChange.size() > 1)
            return;
        // Another connection makes the store refuse what the restart records next.
        QSqlDatabase other = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("saboteur"));
        other.setDatabaseName(x.f.dbPath());
        QVERIFY(other.open());
        QSqlQuery q(other);
        QVERIFY(q.exec(QStringLiteral("CREATE TRIGGER refuse_record BEFORE UPDATE OF domain_uuid ON vms"
                                      " BEGIN SELECT RAISE(ABORT, 'injected: the store refuses the record'); END")));
        q.finish();
        other.close();
    };
    auto r = x.svc().restartVm(vm);
    QSqlDatabase::removeDatabase(QStringLiteral("saboteur"));
    QVERIFY(!r);
    QVERIFY2(r.error().message().contains(QStringLiteral("injected")), qPrintable(r.error().message()));
    // Two changes: the start, then the way back, while the devices were still bound.
    QCOMPARE(driverAtChange, (QStringList{QStringLiteral("vfio-pci"), QStringLiteral("vfio-pci")}));
    QVERIFY(x.hv->passdeckHostdevs(QStringLiteral("vm1")).isEmpty());
    QCOMPARE(x.hv->domains.value(QStringLiteral("vm1")).state, DomainState::ShutOff);
    QCOMPARE(x.f.driverA(vf0), driverBefore);
    QCOMPARE(x.allocations(vm), 0);
    QCOMPARE(x.f.count(QStringLiteral("SELECT COUNT(*) FROM device_holds")), 0);
    QCOMPARE(x.f.count(QStringLiteral("SELECT COUNT(*) FROM journal")), 0);
    QCOMPARE(x.vm(QStringLiteral("vm1")).power, before.power);
    QCOMPARE(x.vm(QStringLiteral("vm1")).restartNeeded, before.restartNeeded);
    QCOMPARE(x.vm(QStringLiteral("vm1")).libvirtState, before.libvirtState);
}

// Recovery of a start that died after its domain started: the domain stops and loses Passdeck's
// hostdevs while the devices are still on vfio-pci, and only then do they go back to their
// drivers; the VM is off and asks for a restart.
void TstVmDomains::recoveryStopsTheDomainFirst()
{
    FIXTURE(x);
    const qint64 vm = x.gpuVm();
    QVERIFY(vm);
    QMap<QString, QString> hostDrivers;
    const QString error = x.interruptedStart(vm, &hostDrivers);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY(domainStateIsActive(x.hv->domains.value(QStringLiteral("vm1")).state));
    QCOMPARE(x.f.driverA(gpu1), QStringLiteral("vfio-pci"));
    QStringList atChange;
    x.hv->duringChange = [&](const DomainChange &c) {
        atChange << x.f.driverA(gpu1) + (c.start ? QStringLiteral(" start") : QStringLiteral(" stop"));
    };
    auto recovered = x.svc().recoverInterrupted();
    QVERIFY2(recovered, qPrintable(recovered ? QString() : recovered.error().message()));
    QCOMPARE(*recovered, 1);
    QCOMPARE(atChange, QStringList{QStringLiteral("vfio-pci stop")});
    QCOMPARE(x.hv->domains.value(QStringLiteral("vm1")).state, DomainState::ShutOff);
    QVERIFY(x.hv->passdeckHostdevs(QStringLiteral("vm1")).isEmpty());
    QCOMPARE(x.f.driverA(gpu1), hostDrivers.value(gpu1));
    QCOMPARE(x.f.driverA(gpu1Audio), hostDrivers.value(gpu1Audio));
    QCOMPARE(x.f.count(QStringLiteral("SELECT COUNT(*) FROM journal")), 0);
    QCOMPARE(x.vm(QStringLiteral("vm1")).power, PowerState::Off);
    QVERIFY(x.vm(QStringLiteral("vm1")).restartNeeded);
    QCOMPARE(x.allocations(vm), 0);
}

// Fail closed: while the node's hypervisor cannot say whether the domain holds the devices, or
// the domain does not stop, the devices stay on vfio-pci and the row stays for the next open.
void TstVmDomains::recoveryWaitsForTheHypervisor()
{
    FIXTURE(x);
    const qint64 vm = x.gpuVm();
    QVERIFY(vm);
    QMap<QString, QString> hostDrivers;
    const QString error = x.interruptedStart(vm, &hostDrivers);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    for (int blocked = 0; blocked < 2; ++blocked) {
        x.hv->available = blocked != 0;
        x.hv->failChangeOf = blocked ? QStringLiteral("vm1") : QString();
        auto recovered = x.svc().recoverInterrupted();
        QVERIFY(recovered);
        QCOMPARE(*recovered, 0);
        QCOMPARE(x.f.driverA(gpu1), QStringLiteral("vfio-pci"));
        QCOMPARE(x.f.driverA(gpu1Audio), QStringLiteral("vfio-pci"));
        QCOMPARE(x.f.count(QStringLiteral("SELECT COUNT(*) FROM journal")), 1);
        QCOMPARE(x.vm(QStringLiteral("vm1")).power, PowerState::On);
        QCOMPARE(x.allocations(vm), 2);
    }
    x.hv->available = true;
    x.hv->failChangeOf.clear();
    auto recovered = x.svc().recoverInterrupted();
    QVERIFY(recovered);
    QCOMPARE(*recovered, 1);
    QCOMPARE(x.hv->domains.value(QStringLiteral("vm1")).state, DomainState::ShutOff);
    QCOMPARE(x.f.driverA(gpu1), hostDrivers.value(gpu1));
    QCOMPARE(x.f.count(QStringLiteral("SELECT COUNT(*) FROM journal")), 0);
}

void TstVmDomains::powerOffAndOn()
{
    FIXTURE(x);
    const qint64 vm = x.gpuVm();
    QVERIFY(x.svc().restartVm(vm));
    QVERIFY(x.svc().powerOff(vm));
    QVERIFY(x.hv->passdeckHostdevs(QStringLiteral("vm1")).isEmpty());
    QCOMPARE(x.hv->domains.value(QStringLiteral("vm1")).state, DomainState::ShutOff);
    QCOMPARE(x.allocations(vm), 0);
    QCOMPARE(x.vm(QStringLiteral("vm1")).power, PowerState::Off);
    QCOMPARE(x.vm(QStringLiteral("vm1")).libvirtState, QStringLiteral("shut-off"));
    QCOMPARE(x.f.count(QStringLiteral("SELECT COUNT(*) FROM device_holds")), 0);
    auto on = x.svc().powerOn(vm);
    QVERIFY(on);
    QCOMPARE(x.hv->passdeckHostdevs(QStringLiteral("vm1")), (QStringList{gpu1, gpu1Audio}));
    QCOMPARE(x.hv->domains.value(QStringLiteral("vm1")).state, DomainState::Running);
    // A power off the node refuses changes nothing in the store.
    x.hv->failChangeOf = QStringLiteral("vm1");
    QVERIFY(!x.svc().powerOff(vm));
    QCOMPARE(x.allocations(vm), 2);
    QCOMPARE(x.vm(QStringLiteral("vm1")).power, PowerState::On);
}

void TstVmDomains::restartFailureLeavesStoreAndDriversAsBefore()
{
    FIXTURE(x);
    // A device that left vfio-pci is bound at the restart: the failure must put it back too.
    const qint64 g = x.f.groupWith(QStringLiteral("VFs"), {vf0});
    QVERIFY(g);
    QVERIFY(x.toHostDriver(vf0));
    QCOMPARE(x.f.driverA(vf0), QStringLiteral("iavf"));
    auto v = x.svc().createVm(VmSpec{QStringLiteral("vm1"), {}, x.f.nodeA, 0, 0});
    QVERIFY(v);
    QVERIFY(x.svc().attach(AttachSpec{v->id, g, 1, {}, {}}));
    x.hv->failChangeOf = QStringLiteral("vm1");
    auto r = x.svc().restartVm(v->id);
    QVERIFY(!r);
    QCOMPARE(r.error().code, ErrorCode::DomainFailed);
    QVERIFY(r.error().what.contains(QStringLiteral("vm1")));            // the VM
    QVERIFY(r.error().why.contains(vf0));                               // libvirt's message, naming the device
    // Store and drivers as before the step.
    QCOMPARE(x.allocations(v->id), 0);
    QCOMPARE(x.vm(QStringLiteral("vm1")).power, PowerState::Off);
    QVERIFY(x.vm(QStringLiteral("vm1")).restartNeeded);
    QCOMPARE(x.f.count(QStringLiteral("SELECT COUNT(*) FROM device_holds")), 0);
    QCOMPARE(x.f.count(QStringLiteral("SELECT COUNT(*) FROM journal")), 0);
    QCOMPARE(x.f.driverA(vf0), QStringLiteral("iavf"));
    QVERIFY(x.hv->passdeckHostdevs(QStringLiteral("vm1")).isEmpty());

    // Running with its devices, then a restart the node refuses: the old allocation stays.
    x.hv->failChangeOf.clear();
    QVERIFY(x.svc().restartVm(v->id));
    QCOMPARE(x.allocations(v->id), 1);
    QCOMPARE(x.f.driverA(vf0), QStringLiteral("vfio-pci"));
    x.hv->failChangeOf = QStringLiteral("vm1");
    QVERIFY(!x.svc().restartVm(v->id));
    QCOMPARE(x.allocations(v->id), 1);
    QCOMPARE(x.vm(QStringLiteral("vm1")).power, PowerState::On);
    QCOMPARE(x.f.count(QStringLiteral("SELECT COUNT(*) FROM device_holds")), 1);
}

void TstVmDomains::restartWhenDeviceNoLongerFree()
{
    FIXTURE(x);
    const qint64 vm = x.gpuVm();
    QVERIFY(vm);
    // Another VM took the group's only unit first.
    const qint64 other = x.gpuVm(QStringLiteral("other"));
    QVERIFY(other);
    QVERIFY(x.svc().restartVm(other));
    const QStringList callsBefore = x.hv->calls;
    auto r = x.svc().restartVm(vm);
    QVERIFY(!r);
    QCOMPARE(r.error().code, ErrorCode::NotEnoughDevices);
    // Refused before anything: the node was not asked, the store is as it was.
    QCOMPARE(x.hv->calls, callsBefore);
    QCOMPARE(x.allocations(vm), 0);
    QCOMPARE(x.allocations(other), 2);
    QCOMPARE(x.vm(QStringLiteral("vm1")).power, PowerState::Off);
    QCOMPARE(x.hv->passdeckHostdevs(QStringLiteral("other")), (QStringList{gpu1, gpu1Audio}));
}

void TstVmDomains::foreignHostdevNotAllocatable()
{
    FIXTURE(x);
    const qint64 vm = x.gpuVm();
    QVERIFY(vm);
    // A domain defined outside Passdeck holds gpu1's audio function: the whole IOMMU group is taken.
    x.hv->add(QStringLiteral("outside"), DomainState::Running, {DomainHostdev{gpu1Audio, false, false}});
    QVERIFY(x.svc().refreshVms(x.f.nodeA));
    auto devices = x.svc().devices(x.f.nodeA);
    QVERIFY(devices);
    for (const DeviceRecord &d : *devices)
        if (d.address == gpu1Audio) {
            QCOMPARE(d.foreignDomain, QStringLiteral("outside"));
            QCOMPARE(d.status, DeviceStatus::UsedByVm);
            QCOMPARE(d.consumer, QStringLiteral("outside-passdeck:outside"));
        }
    auto availability = x.svc().availabilityForVm(vm, x.gpuGroup);
    QVERIFY(availability);
    QCOMPARE(availability->free, 0);
    auto r = x.svc().restartVm(vm);
    QVERIFY(!r);
    QCOMPARE(r.error().code, ErrorCode::NotEnoughDevices);
    QCOMPARE(x.allocations(vm), 0);
    QVERIFY(x.hv->passdeckHostdevs(QStringLiteral("vm1")).isEmpty());
    // Shown on the imported VM as assigned outside Passdeck.
    const Vm outside = x.vm(QStringLiteral("outside"));
    QCOMPARE(outside.hostdevs.size(), 1);
    QVERIFY(!outside.hostdevs.first().passdeck);
    // Once the domain lets go, the device is Passdeck's to give again.
    x.hv->domains[QStringLiteral("outside")].hostdevs.clear();
    QVERIFY(x.svc().refreshVms(x.f.nodeA));
    QVERIFY(x.svc().restartVm(vm));
    QCOMPARE(x.allocations(vm), 2);
}

void TstVmDomains::attachNowFallsBackToRestart()
{
    FIXTURE(x);
    auto v = x.svc().createVm(VmSpec{QStringLiteral("vm1"), {}, x.f.nodeA, 0, 0});
    QVERIFY(v);
    QVERIFY(x.svc().restartVm(v->id)); // running, no devices
    const qint64 g = x.f.groupWith(QStringLiteral("GPUs"), {gpu1});
    QVERIFY(x.svc().attach(AttachSpec{v->id, g, 1, {}, {}}));
    QVERIFY(x.vm(QStringLiteral("vm1")).restartNeeded);
    // The hypervisor refuses live attach (as libvirt's test driver does): restart-needed stays,
    // libvirt's reason is shown, and nothing is allocated.
    auto r = x.svc().attachNow(v->id);
    QVERIFY(!r);
    QCOMPARE(r.error().code, ErrorCode::LiveAttachRefused);
    QVERIFY(r.error().why.contains(QStringLiteral("not supported")));
    QVERIFY(r.error().hint.contains(QStringLiteral("Restart")));
    QVERIFY(x.vm(QStringLiteral("vm1")).restartNeeded);
    QCOMPARE(x.vm(QStringLiteral("vm1")).power, PowerState::On);
    QCOMPARE(x.allocations(v->id), 0);
    QCOMPARE(x.f.count(QStringLiteral("SELECT COUNT(*) FROM device_holds")), 0);
    QVERIFY(x.hv->passdeckHostdevs(QStringLiteral("vm1")).isEmpty());
    // Restart gets them.
    QVERIFY(x.svc().restartVm(v->id));
    QCOMPARE(x.hv->passdeckHostdevs(QStringLiteral("vm1")), (QStringList{gpu1, gpu1Audio}));

    // Refused again with devices already allocated: those stay exactly as they were (a host VM's
    // allocation row has NULL tenant columns, which the undo must write back as NULL), the new
    // device goes back to its driver, and the VM still waits for a restart.
    const qint64 g2 = x.f.groupWith(QStringLiteral("GPU2"), {gpu2});
    QVERIFY(x.svc().attach(AttachSpec{v->id, g2, 1, {}, {}}));
    const QString gpu2Driver = x.f.driverA(gpu2);
    r = x.svc().attachNow(v->id);
    QVERIFY(!r);
    QCOMPARE(r.error().code, ErrorCode::LiveAttachRefused);
    QVERIFY2(!r.error().hint.contains(QStringLiteral("failed too")), qPrintable(r.error().message()));
    QVERIFY(x.vm(QStringLiteral("vm1")).restartNeeded);
    QCOMPARE(x.allocations(v->id), 2);
    QCOMPARE(x.f.count(QStringLiteral("SELECT COUNT(*) FROM allocations WHERE tenant_node_id IS NULL AND pool_group_id IS NULL")), 2);
    QCOMPARE(x.f.count(QStringLiteral("SELECT COUNT(*) FROM device_holds")), 2);
    QCOMPARE(x.f.count(QStringLiteral("SELECT COUNT(*) FROM journal")), 0);
    QCOMPARE(x.f.driverA(gpu2), gpu2Driver);
    QCOMPARE(x.hv->passdeckHostdevs(QStringLiteral("vm1")), (QStringList{gpu1, gpu1Audio}));
}

void TstVmDomains::attachNowLive()
{
    FIXTURE(x);
    x.hv->refuseLive = false;
    auto v = x.svc().createVm(VmSpec{QStringLiteral("vm1"), {}, x.f.nodeA, 0, 0});
    QVERIFY(v);
    // A stopped VM is not attached to live.
    const qint64 g = x.f.groupWith(QStringLiteral("GPUs"), {gpu1});
    QVERIFY(x.svc().attach(AttachSpec{v->id, g, 1, {}, {}}));
    QCOMPARE(x.svc().attachNow(v->id).error().code, ErrorCode::BadUsage);
    QVERIFY(x.svc().powerOn(v->id));
    const qint64 g2 = x.f.groupWith(QStringLiteral("GPU2"), {gpu2});
    QVERIFY(x.svc().attach(AttachSpec{v->id, g2, 1, {}, {}}));
    auto r = x.svc().attachNow(v->id);
    QVERIFY2(r, qPrintable(r ? QString() : r.error().message()));
    QVERIFY(x.hv->calls.contains(QStringLiteral("live vm1 %1,%2").arg(gpu2, gpu2Audio)));
    QCOMPARE(x.hv->passdeckHostdevs(QStringLiteral("vm1")), (QStringList{gpu1, gpu1Audio, gpu2, gpu2Audio}));
    QVERIFY(!x.vm(QStringLiteral("vm1")).restartNeeded);
    QCOMPARE(x.allocations(v->id), 4);
}

void TstVmDomains::tenantVmOnItsTenantNode()
{
    FIXTURE(x);
    const qint64 g = x.f.groupWith(QStringLiteral("VFs"), {vf0, vf1});
    QVERIFY(g);
    auto t = x.svc().createTenant(QStringLiteral("acme"));
    QVERIFY(t);
    auto tn = x.svc().addTenantNode(t->id, QStringLiteral("acme-a"), x.f.nodeA);
    QVERIFY(tn);
    auto tg = x.svc().passToTenant(PassSpec{tn->id, g, 1, QStringLiteral("acme VFs"), {}});
    QVERIFY(tg);
    auto v = x.svc().createVm(VmSpec{QStringLiteral("tvm"), {}, 0, t->id, tn->id});
    QVERIFY2(v, qPrintable(v ? QString() : v.error().message()));
    QVERIFY(x.hv->domains.contains(QStringLiteral("tvm"))); // defined on the tenant node's node
    QVERIFY(x.svc().attach(AttachSpec{v->id, tg->id, 1, {}, {}}));
    auto r = x.svc().restartVm(v->id);
    QVERIFY2(r, qPrintable(r ? QString() : r.error().message()));
    QCOMPARE(x.hv->passdeckHostdevs(QStringLiteral("tvm")).size(), 1);
    QVERIFY(x.svc().powerOff(v->id));
    QVERIFY(x.hv->passdeckHostdevs(QStringLiteral("tvm")).isEmpty());
    // The tenant keeps its device.
    QCOMPARE(x.f.count(QStringLiteral("SELECT COUNT(*) FROM device_holds WHERE holder_scope = ?"), {t->id}), 1);
}

void TstVmDomains::domainGoneIsAnError()
{
    FIXTURE(x);
    const qint64 vm = x.gpuVm();
    QVERIFY(vm);
    x.hv->domains.remove(QStringLiteral("vm1")); // undefined behind Passdeck's back
    auto r = x.svc().restartVm(vm);
    QVERIFY(!r);
    QCOMPARE(r.error().code, ErrorCode::DomainNotFound);
    QVERIFY(r.error().what.contains(QStringLiteral("vm1")));
    QCOMPARE(x.allocations(vm), 0);
    QCOMPARE(x.vm(QStringLiteral("vm1")).power, PowerState::Off);
    QCOMPARE(x.f.count(QStringLiteral("SELECT COUNT(*) FROM device_holds")), 0);
    QCOMPARE(x.f.driverA(gpu1), QStringLiteral("vfio-pci")); // as the group left it
    QCOMPARE(x.svc().vmDomainXml(vm).error().code, ErrorCode::DomainNotFound);
}

void TstVmDomains::shutdownTimeoutReachesTheNode()
{
    FIXTURE(x);
    const qint64 vm = x.gpuVm();
    QVERIFY(vm);
    QCOMPARE(x.vm(QStringLiteral("vm1")).shutdownTimeoutSec, 60);
    QVERIFY(x.svc().setShutdownTimeout(vm, 5));
    QCOMPARE(x.vm(QStringLiteral("vm1")).shutdownTimeoutSec, 5);
    QCOMPARE(x.svc().setShutdownTimeout(vm, -1).error().code, ErrorCode::BadUsage);
    QCOMPARE(x.svc().setShutdownTimeout(vm, 3601).error().code, ErrorCode::BadUsage);
    QCOMPARE(x.vm(QStringLiteral("vm1")).shutdownTimeoutSec, 5);
    QVERIFY(x.svc().restartVm(vm));
    QCOMPARE(x.hv->lastShutdownTimeout, 5);
}

void TstVmDomains::deleteUndefinesDomain()
{
    FIXTURE(x);
    const qint64 vm = x.gpuVm();
    QVERIFY(x.svc().restartVm(vm));
    // Deleting a running VM stops its domain and undefines it: a refresh does not bring it back.
    QVERIFY(x.svc().deleteVm(vm));
    QVERIFY(!x.hv->domains.contains(QStringLiteral("vm1")));
    QVERIFY(x.hv->calls.contains(QStringLiteral("change vm1  stop")));
    QVERIFY(x.svc().refreshVms(x.f.nodeA));
    QVERIFY(!x.svc().findVm(QStringLiteral("vm1")));
    QCOMPARE(x.f.count(QStringLiteral("SELECT COUNT(*) FROM device_holds")), 0);
    // The node refuses: the VM stays.
    const qint64 other = x.gpuVm(QStringLiteral("vm2"));
    x.hv->available = false;
    QCOMPARE(x.svc().deleteVm(other).error().code, ErrorCode::HypervisorUnavailable);
    QVERIFY(x.svc().findVm(QStringLiteral("vm2")));
}

void TstVmDomains::realTestDriver()
{
    // The simulated node's own hypervisor: libvirt's test driver on <root>/etc/passdeck/libvirt.xml.
    StoreFixture f;
    STORE_SETUP(f, false);
    const qint64 g = f.groupWith(QStringLiteral("GPUs"), {gpu1});
    QVERIFY(g);
    const qint64 vm = f.hostVm(QStringLiteral("vm"));
    QVERIFY(vm);
    QVERIFY(!f.service->vm(vm)->domainUuid.isEmpty());
    QVERIFY(f.service->attach(AttachSpec{vm, g, 1, {}, {}}));
    auto r = f.service->restartVm(vm);
    QVERIFY2(r, qPrintable(r ? QString() : r.error().message()));
    QCOMPARE(r->vm.libvirtState, QStringLiteral("running"));
    auto xml = f.service->vmDomainXml(vm);
    QVERIFY(xml);
    QCOMPARE(xml->count(QStringLiteral("<hostdev ")), 2);
    QVERIFY(xml->contains(QStringLiteral("bus='0x17' slot='0x00' function='0x1'")));
    QString why;
    QVERIFY2(validateDomainXml(*xml, &why), qPrintable(why));
    QVERIFY(f.service->powerOff(vm));
    xml = f.service->vmDomainXml(vm);
    QVERIFY(xml && !xml->contains(QStringLiteral("<hostdev")));
    QVERIFY2(validateDomainXml(*xml, &why), qPrintable(why));
    // Undefined behind Passdeck's back: the restart fails naming the VM, nothing changed.
    {
        LocalNode node(f.rootA, true);
        QVERIFY(node.undefineDomain(QStringLiteral("vm")));
    }
    auto again = f.service->restartVm(vm);
    QVERIFY(!again);
    QCOMPARE(again.error().code, ErrorCode::DomainNotFound);
    QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM allocations")), 0);
    QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM journal")), 0);
    QCOMPARE(f.driverA(gpu1), QStringLiteral("vfio-pci"));
    QVERIFY(f.service->refreshVms(f.nodeA));
    QVERIFY(f.service->vm(vm)->vanishedSince.isValid());
}

QTEST_GUILESS_MAIN(TstVmDomains)
#include "tst_vm_domains.moc"
