// Flow 1.3 through the real main window on a demo environment: Tenants → List → New Tenant, the
// tenant dashboard → Add Tenant Node → double-click the node → Devices → New (devices of a host
// group passed to the tenant), "Owned by tenant" in PCI Devices, thick provisioning against host
// VMs and other tenants, a tenant VM attaching from its tenant's group, and the wrong-node
// refusal. Checked on the store and the simulated sysfs.
#include "tst_gui_vm_util.h"

#include "views/MachineDevicesDashboard.h"
#include "models/PciDeviceModel.h"
#include "views/PciDevicesDashboard.h"
#include "views/PciDevicesView.h"
#include "models/ResourceGroupModel.h"
#include "views/TenantCreateDialog.h"
#include "views/TenantDashboard.h"
#include "views/TenantListDashboard.h"
#include "views/TenantNodeDashboard.h"
#include "models/TenantNodeModel.h"
#include "views/VmCreateDialog.h"
#include "views/VmDashboard.h"

#include <QLabel>
#include <QPlainTextEdit>
#include <QTabWidget>

using namespace passdeck;
using namespace passdeck::test;

class TestGuiTenant : public QObject
{
    Q_OBJECT

private:
    GuiFixture m_fx;
    qint64 m_hostGroup = 0;
    QStringList m_addresses;
    QString m_node;    // the demo node the host group is on
    QString m_other;
    qint64 m_tenant = 0;
    qint64 m_tenantNodeA = 0;
    qint64 m_tenantGroup = 0;
    QStringList m_passed;

    template<typename T>
    T *visibleChild(QObject *parent)
    {
        for (T *d : parent->findChildren<T *>())
            if (d->isVisible())
                return d;
        return nullptr;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(m_fx.open(), qPrintable(m_fx.error()));
        QString error;
        m_hostGroup = makeFreeGroup(m_fx, QStringLiteral("Shared VFs"), 3, &m_node, &m_other, &m_addresses, &error);
        QVERIFY2(m_hostGroup > 0, qPrintable(error));
    }

    void newTenantAndNode()
    {
        MainWindow &w = m_fx.window();
        w.navigate(QStringLiteral("tenants"));
        auto *list = w.current<TenantListDashboard>();
        QVERIFY(list);
        QVERIFY(clickMenu(w, QStringLiteral("menuNewTenant")));
        auto *dialog = visibleChild<TenantCreateDialog>(list);
        QVERIFY(dialog);
        QVERIFY(!dialog->submitButton()->isEnabled());   // a name is required
        typeInto(dialog->nameEdit(), QStringLiteral("acme"));
        QVERIFY(clickButton(dialog->submitButton()));
        auto tenant = m_fx.service().findTenant(QStringLiteral("acme"));
        QVERIFY(tenant);
        m_tenant = tenant->id;

        QTRY_VERIFY(doubleClickRow(list->tenantsTable(), 0, QStringLiteral("acme")));
        auto *td = w.current<TenantDashboard>();
        QVERIFY(td);
        QCOMPARE(td->tenant().id, m_tenant);
        QVERIFY(clickMenu(w, QStringLiteral("menuAddTenantNode")));
        auto *nodeDialog = visibleChild<TenantCreateDialog>(td);
        QVERIFY(nodeDialog);
        typeInto(nodeDialog->nameEdit(), QStringLiteral("acme-a"));
        QVERIFY(chooseData(nodeDialog->nodeCombo(), m_fx.nodeId(m_node)));
        QVERIFY(clickButton(nodeDialog->submitButton()));
        auto tn = m_fx.service().findTenantNode(m_tenant, QStringLiteral("acme-a"));
        QVERIFY(tn);
        QCOMPARE(tn->nodeName, m_node);
        m_tenantNodeA = tn->id;
        // A second tenant node on the other host, for the wrong-node case.
        QVERIFY(m_fx.service().addTenantNode(m_tenant, QStringLiteral("acme-b"), m_fx.nodeId(m_other)));
        QTRY_COMPARE(td->nodesModel()->rowCount(), 2);
    }

    // Flow 1.3: Nodes → double-click the tenant node → Devices → New.
    void passDevicesToTenantNode()
    {
        MainWindow &w = m_fx.window();
        auto *td = qobject_cast<TenantDashboard *>(w.navigate(QStringLiteral("tenant"), m_tenant));
        QVERIFY(td);
        QVERIFY(clickMenu(w, QStringLiteral("menuTenantNodes")));
        QCOMPARE(td->tabs()->currentIndex(), 0);
        QVERIFY(doubleClickRow(td->nodesTable(), TenantNodeModel::NameColumn, QStringLiteral("acme-a")));
        auto *tnd = w.current<TenantNodeDashboard>();
        QVERIFY(tnd);
        QCOMPARE(tnd->tenantNode().id, m_tenantNodeA);
        QVERIFY(clickMenu(w, QStringLiteral("menuDevices")));
        QVERIFY(clickMenu(w, QStringLiteral("menuNewDevice")));
        DeviceEntryDialog *form = openDialog(tnd);
        QVERIFY(form);
        QCOMPARE(form->mode(), DeviceEntryDialog::Mode::TenantNode);
        QVERIFY(chooseData(form->groupCombo(), m_hostGroup));
        QCOMPARE(form->availability().capacity, 3);
        // Count above the free devices on the node: refused, nothing reserved.
        setCount(form->countSpin(), 4);
        QVERIFY(!form->submitButton()->isEnabled());
        QVERIFY(form->messageLabel()->text().contains(QStringLiteral("only 3 network devices free on node")));
        auto refused = m_fx.service().passToTenant(PassSpec{m_tenantNodeA, m_hostGroup, 4, {}, {}});
        QVERIFY(!refused);
        QCOMPARE(m_fx.service().groups(GroupOwner::Tenant, m_tenant)->size(), 0);

        setCount(form->countSpin(), 2);
        QVERIFY(form->nameEdit()->text().isEmpty());  // blank: the tenant's group gets a generated name
        QVERIFY(clickButton(form->submitButton()));
        QTRY_VERIFY(!openDialog(tnd));
        auto group = m_fx.service().findGroup(QStringLiteral("Shared VFs-1"), m_tenant);
        QVERIFY2(group, group ? "" : qPrintable(group.error().message()));
        QCOMPARE(group->owner, GroupOwner::Tenant);
        QCOMPARE(group->tenantNodeId, m_tenantNodeA);
        QCOMPARE(group->total, 2);
        m_tenantGroup = group->id;
        auto pool = m_fx.service().groupDevices(m_tenantGroup);
        QCOMPARE(pool->size(), 2);
        for (const DeviceRecord &d : *pool) {
            m_passed << d.address;
            QCOMPARE(d.status, DeviceStatus::OwnedByTenant);
            QCOMPARE(d.tenantName, QStringLiteral("acme"));
            QCOMPARE(m_fx.driverOf(m_node, d.address), QStringLiteral("vfio-pci"));
        }
        // The tenant node's dashboard lists the group and its devices.
        QTRY_COMPARE(tnd->groupsModel()->rowCount(), 1);
        QCOMPARE(tnd->devicesModel()->rowCount(), 2);
        QVERIFY(tnd->banner()->noticeText(QStringLiteral("result")).contains(QStringLiteral("Shared VFs-1")));

        // PCI Devices says who owns them.
        auto *pci = qobject_cast<PciDevicesDashboard *>(w.navigate(QStringLiteral("pci"), m_fx.nodeId(m_node)));
        QVERIFY(pci);
        PciDeviceModel *model = pci->findChild<PciDeviceModel *>();
        QVERIFY(model);
        for (const QString &a : std::as_const(m_passed)) {
            const int row = model->rowOf(m_fx.nodeId(m_node), a);
            QVERIFY(row >= 0);
            QCOMPARE(model->index(row, PciDeviceModel::StatusColumn).data().toString(), QStringLiteral("Owned by tenant acme"));
        }
    }

    // Thick provisioning: the tenant's devices are not for host VMs or other tenants.
    void thickProvisioningRefusals()
    {
        MainWindow &w = m_fx.window();
        auto hostVm = m_fx.service().createVm(VmSpec{QStringLiteral("host-vm"), {}, m_fx.nodeId(m_node), 0, 0});
        QVERIFY(hostVm);
        auto *vmd = qobject_cast<VmDashboard *>(w.navigate(QStringLiteral("vm"), hostVm->id));
        QVERIFY(vmd);
        QVERIFY(clickButton(child<QPushButton>(vmd, QStringLiteral("newDeviceButton"))));
        DeviceEntryDialog *form = openDialog(vmd);
        QVERIFY(form);
        // The tenant's group is not offered to a host VM at all.
        QCOMPARE(form->groupCombo()->findData(m_tenantGroup), -1);
        QVERIFY(chooseData(form->groupCombo(), m_hostGroup));
        QCOMPARE(form->availability().capacity, 1);
        QCOMPARE(form->availability().reserved, 2);
        QVERIFY(form->availabilityLabel()->text().contains(QStringLiteral("owned by tenants")));
        setCount(form->countSpin(), 2);
        QVERIFY(!form->submitButton()->isEnabled());
        QVERIFY2(form->messageLabel()->text().contains(QStringLiteral("owned by a tenant")), qPrintable(form->messageLabel()->text()));
        form->close();
        auto refused = m_fx.service().attach(AttachSpec{hostVm->id, m_hostGroup, 2, {}, {}});
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, ErrorCode::NotEnoughDevices);
        auto foreign = m_fx.service().attach(AttachSpec{hostVm->id, m_tenantGroup, 1, {}, {}});
        QVERIFY(!foreign);
        QCOMPARE(foreign.error().code, ErrorCode::TenantGroup);
        // The host VM gets the one device left, never a tenant's.
        QVERIFY(m_fx.service().attach(AttachSpec{hostVm->id, m_hostGroup, 1, {}, {}}));
        auto restarted = m_fx.service().restartVm(hostVm->id);
        QVERIFY(restarted);
        QCOMPARE(restarted->allocated.size(), 1);
        QVERIFY(!m_passed.contains(restarted->allocated.first().address));

        // Another tenant cannot draw them either.
        auto other = m_fx.service().createTenant(QStringLiteral("globex"));
        QVERIFY(other);
        auto otherNode = m_fx.service().addTenantNode(other->id, QStringLiteral("globex-a"), m_fx.nodeId(m_node));
        QVERIFY(otherNode);
        auto *tnd = qobject_cast<TenantNodeDashboard *>(w.navigate(QStringLiteral("tenantnode"), otherNode->id));
        QVERIFY(tnd);
        QVERIFY(clickButton(child<QPushButton>(tnd, QStringLiteral("newDeviceButton"))));
        form = openDialog(tnd);
        QVERIFY(form);
        QVERIFY(chooseData(form->groupCombo(), m_hostGroup));
        QCOMPARE(form->availability().free, 0);
        QVERIFY(!form->submitButton()->isEnabled());
        form->close();
        QVERIFY(!m_fx.service().passToTenant(PassSpec{otherNode->id, m_hostGroup, 1, {}, {}}));
    }

    // The tenant's VM attaches from the tenant's group by the same form (flow 1.2).
    void tenantVmAttach()
    {
        MainWindow &w = m_fx.window();
        auto *td = qobject_cast<TenantDashboard *>(w.navigate(QStringLiteral("tenant"), m_tenant));
        QVERIFY(td);
        QVERIFY(clickMenu(w, QStringLiteral("menuNewTenantVm")));
        auto *dialog = visibleChild<VmCreateDialog>(td);
        QVERIFY(dialog);
        QCOMPARE(dialog->ownerCombo()->currentData().toLongLong(), m_tenant);
        QVERIFY(dialog->tenantNodeCombo()->isVisible());
        QVERIFY(chooseData(dialog->tenantNodeCombo(), m_tenantNodeA));
        QCOMPARE(dialog->nodeCombo()->currentData().toLongLong(), m_fx.nodeId(m_node));
        typeInto(dialog->nameEdit(), QStringLiteral("acme-vm1"));
        QVERIFY(clickButton(dialog->submitButton()));
        auto vm = m_fx.service().findVm(QStringLiteral("acme-vm1"));
        QVERIFY(vm);
        QCOMPARE(vm->owner, GroupOwner::Tenant);
        QCOMPARE(vm->tenantNodeId, m_tenantNodeA);
        QVERIFY(clickMenu(w, QStringLiteral("menuTenantVms")));
        QTRY_VERIFY(doubleClickRow(td->vmsTable(), 0, QStringLiteral("acme-vm1")));
        auto *vmd = w.current<VmDashboard>();
        QVERIFY(vmd);
        QVERIFY(clickButton(child<QPushButton>(vmd, QStringLiteral("newDeviceButton"))));
        DeviceEntryDialog *form = openDialog(vmd);
        QVERIFY(form);
        QCOMPARE(form->groupCombo()->findData(m_hostGroup), -1);   // only the tenant's groups
        QVERIFY(chooseData(form->groupCombo(), m_tenantGroup));
        QCOMPARE(form->availability().capacity, 2);
        setCount(form->countSpin(), 2);
        QVERIFY(clickButton(form->submitButton()));
        QTRY_VERIFY(vmd->banner()->hasNotice(QStringLiteral("restart")));
        QVERIFY(clickStartOrRestart(w));
        QTRY_VERIFY_WITH_TIMEOUT(!vmd->isBusy(), 20000);
        QVERIFY(!vmd->banner()->hasNotice(QStringLiteral("restart")));
        auto mds = m_fx.service().machineDevices(vm->id);
        QCOMPARE(mds->size(), 1);
        QCOMPARE(mds->first().allocated.size(), 2);
        for (const AllocatedDevice &a : mds->first().allocated) {
            QVERIFY(m_passed.contains(a.address));
            QCOMPARE(m_fx.driverOf(m_node, a.address), QStringLiteral("vfio-pci"));
            QCOMPARE(m_fx.device(m_node, a.address).vmName, QStringLiteral("acme-vm1"));
            QVERIFY(vmd->qemuSnippet()->toPlainText().contains(a.address));
        }
    }

    // A tenant VM on another tenant node than the devices': refused, naming where it must run.
    void wrongNodeRefused()
    {
        MainWindow &w = m_fx.window();
        auto tnB = m_fx.service().findTenantNode(m_tenant, QStringLiteral("acme-b"));
        QVERIFY(tnB);
        auto vm = m_fx.service().createVm(VmSpec{QStringLiteral("acme-vm2"), {}, 0, m_tenant, tnB->id});
        QVERIFY2(vm, vm ? "" : qPrintable(vm.error().message()));
        QCOMPARE(vm->nodeName, m_other);

        // From the tenant group's View Machine Devices, with the Machine dropdown.
        QVERIFY(w.navigate(QStringLiteral("group"), m_tenantGroup));
        QVERIFY(clickMenu(w, QStringLiteral("menuViewMachineDevices")));
        auto *md = w.current<MachineDevicesDashboard>();
        QVERIFY(md);
        QVERIFY(clickButton(child<QPushButton>(md, QStringLiteral("newMachineDeviceButton"))));
        DeviceEntryDialog *form = openDialog(md);
        QVERIFY(form);
        QVERIFY(form->machineCombo()->findData(m_fx.service().findVm(QStringLiteral("host-vm"))->id) < 0);
        QVERIFY(chooseData(form->machineCombo(), vm->id));
        QVERIFY(form->availability().wrongTenantNode);
        QVERIFY(!form->submitButton()->isEnabled());
        const QString text = form->messageLabel()->text();
        QVERIFY2(text.contains(QStringLiteral("must run on tenant node <b>acme-a</b> (node <b>%1</b>)").arg(m_node)), qPrintable(text));
        form->close();

        // The service says the same to anyone else, and stores nothing.
        auto refused = m_fx.service().attach(AttachSpec{vm->id, m_tenantGroup, 1, {}, {}});
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, ErrorCode::WrongTenantNode);
        QVERIFY(refused.error().hint.contains(m_node));
        QVERIFY(m_fx.service().machineDevices(vm->id)->isEmpty());

        // And from the VM's own dashboard the group is shown as attached elsewhere.
        auto *vmd = qobject_cast<VmDashboard *>(w.navigate(QStringLiteral("vm"), vm->id));
        QVERIFY(clickButton(child<QPushButton>(vmd, QStringLiteral("newDeviceButton"))));
        form = openDialog(vmd);
        QVERIFY(form);
        QVERIFY(chooseData(form->groupCombo(), m_tenantGroup));
        QVERIFY(form->groupCombo()->currentText().contains(QStringLiteral("on tenant node acme-a")));
        QVERIFY(!form->submitButton()->isEnabled());
        QVERIFY(form->messageLabel()->text().contains(QStringLiteral("node <b>%1</b>").arg(m_node)));
        form->close();
    }

    // Return to Host Group: refused while a tenant VM draws from the group, then the devices go
    // back to the host group and host VMs may have them again.
    void returnDevicesToHost()
    {
        MainWindow &w = m_fx.window();
        auto *tnd = qobject_cast<TenantNodeDashboard *>(w.navigate(QStringLiteral("tenantnode"), m_tenantNodeA));
        QVERIFY(tnd);
        QTRY_VERIFY(selectRow(tnd->groupsTable(), ResourceGroupModel::NameColumn, QStringLiteral("Shared VFs-1")));
        QVERIFY(clickMenu(w, QStringLiteral("menuReturnDevices")));
        QVERIFY(tnd->banner()->noticeText(QStringLiteral("confirm")).contains(QStringLiteral("Shared VFs")));
        Q_EMIT tnd->banner()->linkActivated(QStringLiteral("confirm-return"));
        QVERIFY(tnd->banner()->noticeText(QStringLiteral("result")).contains(QStringLiteral("machine device")));
        QVERIFY(m_fx.service().group(m_tenantGroup));

        const qint64 vmId = m_fx.service().findVm(QStringLiteral("acme-vm1"))->id;
        // acme-vm1 runs: detaching with StopVmFirst removes the machine device now.
        QVERIFY(m_fx.service().detach(vmId, m_fx.service().machineDevices(vmId)->first().id, RunningVmPolicy::StopVmFirst));
        QTRY_VERIFY(selectRow(tnd->groupsTable(), ResourceGroupModel::NameColumn, QStringLiteral("Shared VFs-1")));
        QVERIFY(clickMenu(w, QStringLiteral("menuReturnDevices")));
        Q_EMIT tnd->banner()->linkActivated(QStringLiteral("confirm-return"));
        QVERIFY2(!m_fx.service().group(m_tenantGroup), qPrintable(tnd->banner()->noticeText(QStringLiteral("result"))));
        for (const QString &a : std::as_const(m_passed)) {
            const DeviceRecord d = m_fx.device(m_node, a);
            QCOMPARE(d.tenantId, 0);
            QCOMPARE(d.groupId, m_hostGroup);
            QCOMPARE(d.status, DeviceStatus::InResourceGroup);
        }
        QTRY_COMPARE(tnd->groupsModel()->rowCount(), 0);
        QCOMPARE(tnd->devicesModel()->rowCount(), 0);
    }

    void deleteTenantRefusedWhileItHasVms()
    {
        MainWindow &w = m_fx.window();
        w.navigate(QStringLiteral("tenants"));
        auto *list = w.current<TenantListDashboard>();
        QVERIFY(selectRow(list->tenantsTable(), 0, QStringLiteral("acme")));
        QVERIFY(clickMenu(w, QStringLiteral("menuDeleteTenant")));
        Q_EMIT list->banner()->linkActivated(QStringLiteral("confirm-delete"));
        QVERIFY(m_fx.service().findTenant(QStringLiteral("acme")));
        QVERIFY(list->banner()->noticeText(QStringLiteral("result")).contains(QStringLiteral("VM")));
    }

    void cleanupTestCase() { m_fx.close(); }
};

QTEST_MAIN(TestGuiTenant)
#include "tst_gui_tenant.moc"
