// The flows of docs/store.md end to end through the domain service on simulated nodes, asserting
// the store and the simulated sysfs; node refresh flags vanished / changed devices.
#include "node/LocalNode.h"
#include "StoreFixture.h"
#include "node/host/SysfsWriter.h"

#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTest>

using namespace passdeck;
using namespace passdeck::test;

class TstStoreFlows : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void nodeAddRecordsInventory();
    void makeResourceFlow();
    void removeResourceFlow();
    void vmFlow();
    void vmFlowFromGroupSide();
    void restartBindsDriftedDevice();
    void tenantFlow();
    void refreshFlagsVanishedAndChanged();
    void rebootRequiredNoted();
    void signalsAndAudit();
};

void TstStoreFlows::nodeAddRecordsInventory()
{
    StoreFixture f;
    STORE_SETUP(f, true);
    auto nodes = f.service->nodes();
    QVERIFY(nodes);
    QCOMPARE(nodes->size(), 2);
    QCOMPARE(nodes->at(0).name, QStringLiteral("a"));
    QVERIFY(nodes->at(0).simulated);
    QCOMPARE(nodes->at(0).deviceCount, 25);
    auto devices = f.service->devices(f.nodeA);
    QVERIFY(devices);
    QCOMPARE(devices->size(), 25);
    const auto gpu = std::find_if(devices->cbegin(), devices->cend(), [](const DeviceRecord &d) { return d.address == gpu1; });
    QVERIFY(gpu != devices->cend());
    QCOMPARE(gpu->vendorId, 0x10de);
    QCOMPARE(gpu->driver, QStringLiteral("nvidia"));
    QCOMPARE(gpu->status, DeviceStatus::InUseByHost);
    QVERIFY(gpu->deviceName.contains(QStringLiteral("RTX A6000")));
    auto all = f.service->devices();
    QVERIFY(all);
    QCOMPARE(all->size(), 25 + f.service->devices(f.nodeB)->size());
}

void TstStoreFlows::makeResourceFlow()
{
    StoreFixture f;
    STORE_SETUP(f, false);
    auto g = f.service->createGroup(GroupSpec{QStringLiteral("PCI GPUs"), QStringLiteral("the big ones"), GroupClass::Gpu});
    QVERIFY2(g, qPrintable(g ? QString() : g.error().message()));
    QCOMPARE(f.driverA(gpu1), QStringLiteral("nvidia"));

    auto r = f.service->makeResource(g->id, f.nodeA, {gpu1});
    QVERIFY2(r, qPrintable(r ? QString() : r.error().message()));
    // The audio function shares the IOMMU group: it comes along.
    QCOMPARE(r->devices, (QStringList{gpu1, gpu1Audio}));
    QCOMPARE(r->added, QStringList{gpu1Audio});
    QCOMPARE(r->rulesCreated, (QStringList{gpu1, gpu1Audio}));
    QVERIFY(!r->warnings.isEmpty());

    // sysfs: both on vfio-pci with driver_override set.
    QCOMPARE(f.driverA(gpu1), QStringLiteral("vfio-pci"));
    QCOMPARE(f.driverA(gpu1Audio), QStringLiteral("vfio-pci"));
    QCOMPARE(f.overrideA(gpu1), QByteArray("vfio-pci"));
    QVERIFY(QFile::exists(f.rootA + QStringLiteral("/dev/vfio/10")));

    // store: rules with the ids, the device rows updated, the group's totals.
    QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM resource_rules WHERE group_id = ?"), {g->id}), 2);
    QCOMPARE(f.scalar(QStringLiteral("SELECT vendor_id FROM resource_rules WHERE address = ?"), {gpu1}).toInt(), 0x10de);
    QCOMPARE(f.scalar(QStringLiteral("SELECT driver FROM devices WHERE address = ? AND node_id = ?"), {gpu1, f.nodeA}).toString(),
             QStringLiteral("vfio-pci"));
    auto after = f.service->group(g->id);
    QVERIFY(after);
    QCOMPARE(after->total, 1);      // one passthrough unit: the GPU with its audio function
    QCOMPARE(after->functions, 2);
    QCOMPARE(after->free, 1);
    QCOMPARE(after->groupClass, GroupClass::Gpu);
    auto members = f.service->groupDevices(g->id);
    QVERIFY(members);
    QCOMPARE(members->size(), 2);
    QCOMPARE(members->at(0).status, DeviceStatus::InResourceGroup);
    QCOMPARE(members->at(0).groupName, QStringLiteral("PCI GPUs"));
    QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM journal")), 0);

    // Making the same device a resource of the same group again changes nothing.
    auto again = f.service->makeResource(g->id, f.nodeA, {gpu1});
    QVERIFY(again);
    QVERIFY(again->rulesCreated.isEmpty());
}

void TstStoreFlows::removeResourceFlow()
{
    StoreFixture f;
    STORE_SETUP(f, false);
    const qint64 g = f.groupWith(QStringLiteral("GPUs"), {gpu1});
    QVERIFY(g);
    auto r = f.service->removeResource(f.nodeA, {gpu1});
    QVERIFY2(r, qPrintable(r ? QString() : r.error().message()));
    QCOMPARE(r->devices, (QStringList{gpu1, gpu1Audio}));
    QCOMPARE(f.driverA(gpu1), QStringLiteral("nvidia"));
    QCOMPARE(f.driverA(gpu1Audio), QStringLiteral("snd_hda_intel"));
    QVERIFY(f.overrideA(gpu1) != QByteArray("vfio-pci"));
    QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM resource_rules")), 0);
    QCOMPARE(f.service->group(g)->total, 0);
    QCOMPARE(f.scalar(QStringLiteral("SELECT driver FROM devices WHERE address = ? AND node_id = ?"), {gpu1, f.nodeA}).toString(),
             QStringLiteral("nvidia"));
    // Now the group is empty and unused: it can be deleted.
    QVERIFY(f.service->deleteGroup(g));
    QVERIFY(!f.service->group(g));
}

void TstStoreFlows::vmFlow()
{
    StoreFixture f;
    STORE_SETUP(f, false);
    const qint64 g = f.groupWith(QStringLiteral("GPUs"), {gpu1, gpu2});
    QVERIFY(g);
    const qint64 vm = f.hostVm(QStringLiteral("render-01"));
    QVERIFY(vm);
    // Blank name: generated.
    // Count counts passthrough units: each GPU comes with its audio function.
    auto m = f.service->attach(AttachSpec{vm, g, 1, QString(), QStringLiteral("one of them")});
    QVERIFY2(m, qPrintable(m ? QString() : m.error().message()));
    QCOMPARE(m->name, QStringLiteral("GPUs-1"));
    QCOMPARE(m->count, 1);
    QVERIFY(m->allocated.isEmpty());
    QVERIFY(f.service->vm(vm)->restartNeeded);
    auto m2 = f.service->attach(AttachSpec{vm, g, 1, QStringLiteral("   "), {}});
    QVERIFY(m2);
    QCOMPARE(m2->name, QStringLiteral("GPUs-2"));

    auto r = f.service->restartVm(vm);
    QVERIFY2(r, qPrintable(r ? QString() : r.error().message()));
    QCOMPARE(r->allocated.size(), 4);
    QVERIFY(!r->vm.restartNeeded);
    QCOMPARE(r->vm.power, PowerState::On);
    QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM allocations WHERE vm_id = ?"), {vm}), 4);
    QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM device_holds WHERE holder_scope = 0")), 4);
    for (const AllocatedDevice &d : r->allocated)
        QCOMPARE(f.driverA(d.address), QStringLiteral("vfio-pci"));
    auto grp = f.service->group(g);
    QCOMPARE(grp->inUse, 2);
    QCOMPARE(grp->free, 0);
    auto mds = f.service->machineDevices(vm);
    QVERIFY(mds);
    QCOMPARE(mds->size(), 2);
    QCOMPARE(mds->at(0).allocated.size(), 2);
    auto devs = f.service->groupDevices(g);
    int used = 0;
    for (const DeviceRecord &d : *devs)
        if (d.status == DeviceStatus::UsedByVm) {
            ++used;
            QCOMPARE(d.vmName, QStringLiteral("render-01"));
            QCOMPARE(d.consumer, QStringLiteral("vm:render-01"));
        }
    QCOMPARE(used, 4);

    // Detach one while the VM runs: it keeps the devices until it stops.
    QVERIFY(f.service->detach(vm, m2->id));
    QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM allocations WHERE vm_id = ?"), {vm}), 4);
    QVERIFY(f.service->machineDevices(vm)->at(1).removalPending);
    // Power off frees everything (the detached machine device goes); the devices stay on
    // vfio-pci, in the group.
    QVERIFY(f.service->powerOff(vm));
    QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM device_holds")), 0);
    QCOMPARE(f.service->machineDevices(vm)->size(), 1);
    QCOMPARE(f.service->vm(vm)->power, PowerState::Off);
    QCOMPARE(f.driverA(gpu1), QStringLiteral("vfio-pci"));
    // Delete: the machine devices go with it.
    QVERIFY(f.service->deleteVm(vm));
    QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM machine_devices")), 0);
}

void TstStoreFlows::vmFlowFromGroupSide()
{
    // Flow 1.2 step 5: from the group's dashboard, several VMs at once.
    StoreFixture f;
    STORE_SETUP(f, false);
    const qint64 g = f.groupWith(QStringLiteral("VFs"), {vf0, vf1, vf2});
    QVERIFY(g);
    const qint64 a = f.hostVm(QStringLiteral("a1"));
    const qint64 b = f.hostVm(QStringLiteral("b1"));
    QVERIFY(f.service->attach(AttachSpec{a, g, 1, QStringLiteral("nic"), {}}));
    QVERIFY(f.service->attach(AttachSpec{b, g, 2, QStringLiteral("nic"), {}}));
    auto list = f.service->groupMachineDevices(g);
    QVERIFY(list);
    QCOMPARE(list->size(), 2);
    QCOMPARE(f.service->group(g)->machineDevices, 2);
    QVERIFY(f.service->restartVm(a));
    QVERIFY(f.service->restartVm(b));
    QCOMPARE(f.service->group(g)->free, 0);
    // Group in use: delete refused; VFs were bound at make-resource time.
    QVERIFY(!f.service->deleteGroup(g));
    for (const QString &vf : {vf0, vf1, vf2})
        QCOMPARE(f.driverA(vf), QStringLiteral("vfio-pci"));
    QCOMPARE(f.driverA(vf3), QStringLiteral("iavf"));
}

void TstStoreFlows::restartBindsDriftedDevice()
{
    // A group member that left vfio-pci behind Passdeck's back (someone unbound it by hand) is
    // bound again when a VM restart allocates it, under the journal.
    StoreFixture f;
    STORE_SETUP(f, false);
    const qint64 g = f.groupWith(QStringLiteral("VFs"), {vf0});
    QVERIFY(g);
    {
        LocalNode node(f.rootA, true);
        const QString dev = QStringLiteral("sys/bus/pci/devices/%1/").arg(vf0);
        QCOMPARE(node.writer().write(dev + QStringLiteral("driver_override"), "\n"), 0);
        QCOMPARE(node.writer().write(dev + QStringLiteral("driver/unbind"), vf0.toLatin1()), 0);
        QCOMPARE(node.writer().write(QStringLiteral("sys/bus/pci/drivers_probe"), vf0.toLatin1()), 0);
    }
    QCOMPARE(f.driverA(vf0), QStringLiteral("iavf"));
    const qint64 vm = f.hostVm(QStringLiteral("vm"));
    QVERIFY(f.service->attach(AttachSpec{vm, g, 1, {}, {}}));
    auto r = f.service->restartVm(vm);
    QVERIFY2(r, qPrintable(r ? QString() : r.error().message()));
    QCOMPARE(r->bound, QStringList{vf0});
    QCOMPARE(f.driverA(vf0), QStringLiteral("vfio-pci"));
    QCOMPARE(f.scalar(QStringLiteral("SELECT driver FROM devices WHERE address = ?"), {vf0}).toString(), QStringLiteral("vfio-pci"));
    QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM journal")), 0);
}

void TstStoreFlows::tenantFlow()
{
    StoreFixture f;
    STORE_SETUP(f, true);
    const qint64 g = f.groupWith(QStringLiteral("VFs"), {vf0, vf1, vf2, vf3});
    QVERIFY(g);
    auto t = f.service->createTenant(QStringLiteral("acme"), QStringLiteral("a customer"));
    QVERIFY(t);
    auto tn = f.service->addTenantNode(t->id, QStringLiteral("acme-a"), f.nodeA);
    QVERIFY2(tn, qPrintable(tn ? QString() : tn.error().message()));
    QCOMPARE(tn->nodeName, QStringLiteral("a"));
    auto tg = f.service->passToTenant(PassSpec{tn->id, g, 2, QStringLiteral("acme VFs"), QStringLiteral("for acme")});
    QVERIFY2(tg, qPrintable(tg ? QString() : tg.error().message()));
    QCOMPARE(tg->owner, GroupOwner::Tenant);
    QCOMPARE(tg->tenantName, QStringLiteral("acme"));
    QCOMPARE(tg->tenantNodeName, QStringLiteral("acme-a"));
    QCOMPARE(tg->sourceGroupId, g);
    QCOMPARE(tg->total, 2);
    QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM tenant_pool WHERE tenant_id = ?"), {t->id}), 2);
    QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM device_holds WHERE holder_scope = ?"), {t->id}), 2);
    auto host = f.service->group(g);
    QCOMPARE(host->tenantReserved, 2);
    QCOMPARE(host->free, 2);
    QCOMPARE(f.service->tenant(t->id)->reservedDevices, 2);

    // Thick: a host VM can now get only the 2 others.
    const qint64 hvm = f.hostVm(QStringLiteral("host-vm"));
    QVERIFY(!f.service->attach(AttachSpec{hvm, g, 3, {}, {}}));
    QVERIFY(f.service->attach(AttachSpec{hvm, g, 2, {}, {}}));
    QVERIFY(f.service->restartVm(hvm));
    auto reserved = f.service->groupDevices(tg->id);
    QVERIFY(reserved);
    QCOMPARE(reserved->size(), 2);
    for (const DeviceRecord &d : *reserved) {
        QCOMPARE(d.status, DeviceStatus::OwnedByTenant);
        QCOMPARE(d.tenantName, QStringLiteral("acme"));
        QCOMPARE(f.driverA(d.address), QStringLiteral("vfio-pci"));
    }

    // The tenant's VM runs on the tenant node and draws from the tenant's group.
    auto tvm = f.service->createVm(VmSpec{QStringLiteral("acme-vm"), {}, 0, t->id, tn->id});
    QVERIFY2(tvm, qPrintable(tvm ? QString() : tvm.error().message()));
    QCOMPARE(tvm->nodeId, f.nodeA);
    auto groups = f.service->groupsForVm(tvm->id);
    QVERIFY(groups);
    QCOMPARE(groups->size(), 1);
    QCOMPARE(groups->first().id, tg->id);
    QVERIFY(f.service->attach(AttachSpec{tvm->id, tg->id, 2, {}, {}}));
    auto r = f.service->restartVm(tvm->id);
    QVERIFY2(r, qPrintable(r ? QString() : r.error().message()));
    QCOMPARE(r->allocated.size(), 2);
    const auto allocatedNow = f.service->groupDevices(tg->id);
    QVERIFY(allocatedNow);
    for (const DeviceRecord &d : *allocatedNow)
        QCOMPARE(d.status, DeviceStatus::UsedByVm);
    // Powering off keeps them the tenant's.
    QVERIFY(f.service->powerOff(tvm->id));
    QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM device_holds WHERE holder_scope = ?"), {t->id}), 2);
    QCOMPARE(f.service->tenantNodes(t->id)->first().reservedDevices, 2);
    QCOMPARE(f.service->groups(GroupOwner::Tenant, t->id)->size(), 1);

    // Taking it all down again, in the order the refusals ask for.
    QCOMPARE(f.service->deleteGroup(tg->id).error().code, ErrorCode::InUse); // a machine device draws from it
    QVERIFY(f.service->deleteVm(tvm->id));
    QCOMPARE(f.service->deleteGroup(g).error().code, ErrorCode::InUse);       // rules, and a tenant group drawn from it
    QVERIFY(f.service->deleteGroup(tg->id));                                          // gives the devices back
    QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM device_holds WHERE holder_scope = ?"), {t->id}), 0);
    QCOMPARE(f.service->group(g)->tenantReserved, 0);
    QVERIFY(f.service->removeTenantNode(tn->id));
    QVERIFY(f.service->deleteTenant(t->id));
    QVERIFY(f.service->tenants()->isEmpty());
    // The devices stayed on vfio-pci, in the host group, free for host VMs.
    QCOMPARE(f.driverA(vf0), QStringLiteral("vfio-pci"));
    QCOMPARE(f.service->group(g)->free, 2);
}

void TstStoreFlows::refreshFlagsVanishedAndChanged()
{
    StoreFixture f;
    STORE_SETUP(f, false);
    const qint64 g = f.groupWith(QStringLiteral("VFs"), {vf0, vf1});
    QVERIFY(g);
    // vf0 disappears from the bus, vf1's device id changes (a different card in the slot).
    QVERIFY(QFile::remove(f.rootA + QStringLiteral("/sys/bus/pci/devices/") + vf0));
    {
        QFile id(f.rootA + QStringLiteral("/sys/bus/pci/devices/%1/device").arg(vf1));
        QVERIFY(id.open(QIODevice::WriteOnly | QIODevice::Truncate));
        id.write("0x1572\n");
    }
    auto r = f.service->refreshNode(f.nodeA);
    QVERIFY2(r, qPrintable(r ? QString() : r.error().message()));
    QCOMPARE(r->vanished, QStringList{vf0});
    QCOMPARE(r->idsChanged, QStringList{vf1});
    QCOMPARE(r->node.flaggedDevices, 2);
    // Kept, flagged; the rule of the vanished device is still there.
    QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM devices WHERE node_id = ?"), {f.nodeA}), 25);
    QCOMPARE(f.count(QStringLiteral("SELECT present FROM devices WHERE address = ?"), {vf0}), 0);
    QCOMPARE(f.count(QStringLiteral("SELECT ids_changed FROM devices WHERE address = ?"), {vf1}), 1);
    QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM resource_rules WHERE group_id = ?"), {g}), 2);
    auto devs = f.service->devices(f.nodeA);
    for (const DeviceRecord &d : *devs) {
        if (d.address == vf0)
            QVERIFY(!d.present);
        if (d.address == vf1)
            QVERIFY(d.idsChanged);
    }
    // Neither a vanished device nor a changed one is handed out: a VM or a tenant cannot get it.
    const qint64 vm = f.hostVm(QStringLiteral("v"));
    auto m = f.service->attach(AttachSpec{vm, g, 1, {}, {}});
    QVERIFY(!m);
    QCOMPARE(m.error().code, ErrorCode::NotEnoughDevices);
    auto t = f.service->createTenant(QStringLiteral("t"));
    auto tn = f.service->addTenantNode(t->id, QStringLiteral("n"), f.nodeA);
    QCOMPARE(f.service->passToTenant(PassSpec{tn->id, g, 1, {}, {}}).error().code, ErrorCode::NotEnoughDevices);
    // A vanished device cannot be made a resource.
    auto again = f.service->makeResource(g, f.nodeA, {vf0});
    QVERIFY(!again);
}

void TstStoreFlows::rebootRequiredNoted()
{
    StoreFixture f;
    STORE_SETUP(f, false);
    auto g = f.service->createGroup(GroupSpec{QStringLiteral("USB"), {}, GroupClass::Usb});
    QVERIFY(g);
    ApplyOptions next;
    next.nextBoot = true;
    auto r = f.service->makeResource(g->id, f.nodeA, {QStringLiteral("0000:00:14.0")}, next);
    QVERIFY2(r, qPrintable(r ? QString() : r.error().message()));
    QVERIFY(r->rebootRequired);
    QCOMPARE(r->rebootDevices, QStringList{QStringLiteral("0000:00:14.0")});
    auto notices = f.service->rebootRequired();
    QVERIFY(notices);
    QCOMPARE(notices->size(), 1);
    QCOMPARE(notices->first().nodeName, QStringLiteral("a"));
    QCOMPARE(notices->first().devices, QStringList{QStringLiteral("0000:00:14.0")});
    QVERIFY(f.service->node(f.nodeA)->rebootRequired);
    // Still on the host driver until the (simulated) reboot.
    QCOMPARE(f.driverA(QStringLiteral("0000:00:14.0")), QStringLiteral("xhci_hcd"));
    auto rb = f.service->rebootNode(f.nodeA);
    QVERIFY2(rb, qPrintable(rb ? QString() : rb.error().message()));
    QCOMPARE(f.driverA(QStringLiteral("0000:00:14.0")), QStringLiteral("vfio-pci"));
    QVERIFY(f.service->rebootRequired()->isEmpty());
    QVERIFY(!f.service->node(f.nodeA)->rebootRequired);
}

void TstStoreFlows::signalsAndAudit()
{
    StoreFixture f;
    STORE_SETUP(f, false);
    QSignalSpy changed(f.service.get(), &DomainService::changed);
    QSignalSpy groups(f.service.get(), &DomainService::groupsChanged);
    auto g = f.service->createGroup(GroupSpec{QStringLiteral("G"), {}, GroupClass::Other});
    QVERIFY(g);
    QCOMPARE(changed.size(), 1);
    QCOMPARE(groups.size(), 1);
    QString result;
    QCOMPARE(f.lastAudit(&result), QStringLiteral("group.create"));
    QCOMPARE(result, QStringLiteral("ok"));
    // A refusal: audited, no change signal.
    QVERIFY(!f.service->createGroup(GroupSpec{QStringLiteral("G"), {}, GroupClass::Other}));
    QCOMPARE(changed.size(), 1);
    QCOMPARE(f.lastAudit(&result), QStringLiteral("group.create"));
    QCOMPARE(result, QStringLiteral("refused"));
    auto entries = f.service->audit(10);
    QVERIFY(entries);
    QCOMPARE(entries->first().user, QStringLiteral("tester"));
    QVERIFY(entries->first().detail.contains(QStringLiteral("already exists")));
    QVERIFY(entries->first().subject.contains(QStringLiteral("'G'")));
    QVERIFY(entries->first().at.secsTo(QDateTime::currentDateTimeUtc()) < 60);
    // Every change writes one: make-resource, attach, restart, tenant...
    const qint64 g2 = f.groupWith(QStringLiteral("VFs"), {vf0});
    const qint64 vm = f.hostVm(QStringLiteral("vm"));
    QVERIFY(f.service->attach(AttachSpec{vm, g2, 1, {}, {}}));
    QVERIFY(f.service->restartVm(vm));
    QStringList actions;
    const auto recent = f.service->audit(5);
    QVERIFY(recent);
    for (const AuditEntry &e : *recent)
        actions << e.action;
    QCOMPARE(actions, (QStringList{QStringLiteral("vm.restart"), QStringLiteral("vm.attach"), QStringLiteral("vm.create"),
                                   QStringLiteral("resource.make"), QStringLiteral("group.create")}));
}

QTEST_GUILESS_MAIN(TstStoreFlows)
#include "tst_store_flows.moc"
