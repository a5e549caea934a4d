// Flow 1.2 through the real main window on a demo environment: Virtual Machines → List → New VM,
// the VM dashboard → Devices → New (the device entry form), the restart banner, Restart (binds on
// the simulated node), the allocated devices and their QEMU / libvirt snippets; the same from a
// group's View Machine Devices with the Machine dropdown. Every step is checked on the store and
// on the simulated sysfs, not only on the widgets.
#include "tst_gui_vm_util.h"

#include "node/LocalNode.h"
#include "models/MachineDeviceModel.h"
#include "node/host/SysfsWriter.h"
#include "views/MachineDevicesDashboard.h"
#include "views/VmCreateDialog.h"
#include "views/VmDashboard.h"
#include "views/VmListDashboard.h"

#include <QClipboard>
#include <QProgressBar>
#include <QLabel>
#include <QPlainTextEdit>

using namespace passdeck;
using namespace passdeck::test;

class TestGuiVm : public QObject
{
    Q_OBJECT

private:
    GuiFixture m_fx;
    qint64 m_group = 0;
    QStringList m_addresses;
    QString m_node;    // the demo node the test group is on
    QString m_other;

    // Virtual Machines → List → New VM… on the test group's node, as a user fills the form.
    qint64 createVmThroughGui(const QString &name)
    {
        MainWindow &w = m_fx.window();
        w.navigate(QStringLiteral("vms"));
        auto *list = w.current<VmListDashboard>();
        if (!list || !clickMenu(w, QStringLiteral("menuNewVm")))
            return 0;
        auto *dialog = list->findChild<VmCreateDialog *>();
        if (!dialog || !dialog->isVisible())
            return 0;
        typeInto(dialog->nameEdit(), name);
        chooseData(dialog->nodeCombo(), m_fx.nodeId(m_node));
        if (!clickButton(dialog->submitButton()))
            return 0;
        auto vm = m_fx.service().findVm(name);
        return vm ? vm->id : 0;
    }

    VmDashboard *openVmFromList(const QString &name)
    {
        MainWindow &w = m_fx.window();
        w.navigate(QStringLiteral("vms"));
        auto *list = w.current<VmListDashboard>();
        if (!list || !doubleClickRow(list->vmsTable(), 0, name))
            return nullptr;
        return w.current<VmDashboard>();
    }

    QList<MachineDevice> machineDevices(qint64 vmId)
    {
        auto list = m_fx.service().machineDevices(vmId);
        return list ? *list : QList<MachineDevice>();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(m_fx.open(), qPrintable(m_fx.error()));
        QString error;
        m_group = makeFreeGroup(m_fx, QStringLiteral("Test VFs"), 3, &m_node, &m_other, &m_addresses, &error);
        QVERIFY2(m_group > 0, qPrintable(error));
        for (const QString &a : std::as_const(m_addresses))
            QCOMPARE(m_fx.driverOf(m_node, a), QStringLiteral("vfio-pci"));
    }

    void newVmFromList()
    {
        const qint64 id = createVmThroughGui(QStringLiteral("web-1"));
        QVERIFY(id > 0);
        auto vm = m_fx.service().vm(id);
        QVERIFY(vm);
        QCOMPARE(vm->nodeName, m_node);
        QCOMPARE(vm->owner, GroupOwner::Host);
        QCOMPARE(vm->power, PowerState::Off);
        auto *list = m_fx.window().current<VmListDashboard>();
        QVERIFY(list->banner()->noticeText(QStringLiteral("result")).contains(QStringLiteral("web-1")));
        // A duplicate name is refused in the form, which stays open with the reason.
        QVERIFY(clickMenu(m_fx.window(), QStringLiteral("menuNewVm")));
        VmCreateDialog *dialog = nullptr;
        for (auto *d : list->findChildren<VmCreateDialog *>())
            if (d->isVisible())
                dialog = d;
        QVERIFY(dialog);
        typeInto(dialog->nameEdit(), QStringLiteral("web-1"));
        QVERIFY(clickButton(dialog->submitButton()));
        QVERIFY(dialog->isVisible());
        QVERIFY(dialog->messageLabel()->text().contains(QStringLiteral("already exists")));
        dialog->close();
    }

    // Flow 1.2 from the VM dashboard: blank name → generated, Count above what is available
    // refused, Submit → restart banner, Restart → allocated, bound, snippets shown.
    void attachFromVmDashboard()
    {
        VmDashboard *vmd = openVmFromList(QStringLiteral("web-1"));
        QVERIFY(vmd);
        const qint64 vmId = vmd->vm().id;
        QVERIFY(!vmd->banner()->hasNotice(QStringLiteral("restart")));
        QVERIFY(clickMenu(m_fx.window(), QStringLiteral("menuDevices")));
        QVERIFY(clickButton(child<QPushButton>(vmd, QStringLiteral("newDeviceButton"))));
        DeviceEntryDialog *form = openDialog(vmd);
        QVERIFY(form);
        QCOMPARE(form->typeCombo()->currentText(), QStringLiteral("PCI"));
        QVERIFY(form->machineCombo()->isHidden());
        QVERIFY(chooseData(form->groupCombo(), m_group));
        QVERIFY(form->groupCombo()->currentText().contains(QStringLiteral("3 network devices free on ") + m_node));
        QCOMPARE(form->availability().capacity, 3);

        // Count above what the VM could get: refused in the form, nothing stored.
        setCount(form->countSpin(), 4);
        QCOMPARE(form->countSpin()->value(), 4);
        QVERIFY(!form->submitButton()->isEnabled());
        QVERIFY(form->messageLabel()->isVisible());
        QVERIFY2(form->messageLabel()->text().contains(QStringLiteral("only 3 network devices")), qPrintable(form->messageLabel()->text()));
        QVERIFY(machineDevices(vmId).isEmpty());
        // The store refuses it as well, whoever asks.
        auto refused = m_fx.service().attach(AttachSpec{vmId, m_group, 4, {}, {}});
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, ErrorCode::NotEnoughDevices);

        // Blank name, Count 2: accepted, name generated from the group.
        setCount(form->countSpin(), 2);
        QVERIFY(form->submitButton()->isEnabled());
        QVERIFY(form->nameEdit()->text().isEmpty());
        QTest::keyClicks(form->descriptionEdit(), QStringLiteral("two VFs"));
        QVERIFY(clickButton(form->submitButton()));
        QTRY_VERIFY(!openDialog(vmd));
        const QList<MachineDevice> mds = machineDevices(vmId);
        QCOMPARE(mds.size(), 1);
        QCOMPARE(mds.first().name, QStringLiteral("Test VFs-1"));
        QCOMPARE(mds.first().count, 2);
        QCOMPARE(mds.first().description, QStringLiteral("two VFs"));
        QVERIFY(mds.first().allocated.isEmpty());
        QVERIFY(m_fx.service().vm(vmId)->restartNeeded);

        // The restart banner, with its Restart link; the list marks the VM too.
        QTRY_VERIFY(vmd->banner()->hasNotice(QStringLiteral("restart")));
        const QString notice = vmd->banner()->noticeText(QStringLiteral("restart"));
        // web-1 is stopped: it is started, not restarted, and the notice says so.
        QVERIFY2(notice.contains(QStringLiteral("gets the device when it powers on")), qPrintable(notice));
        QVERIFY(vmd->banner()->noticeLabel(QStringLiteral("restart"))->text().contains(QStringLiteral("href=\"restart\"")));
        QCOMPARE(vmd->devicesModel()->rowCount(), 1);
        QVERIFY(vmd->qemuSnippet()->toPlainText().isEmpty());

        // Restart through the banner's link: off the GUI thread, then allocated and bound.
        Q_EMIT vmd->banner()->linkActivated(QStringLiteral("restart"));
        QTRY_VERIFY_WITH_TIMEOUT(!vmd->isBusy(), 20000);
        QVERIFY2(!vmd->banner()->hasNotice(QStringLiteral("restart")), qPrintable(vmd->banner()->noticeText(QStringLiteral("result"))));
        auto vm = m_fx.service().vm(vmId);
        QCOMPARE(vm->power, PowerState::On);
        QVERIFY(!vm->restartNeeded);
        QCOMPARE(vm->allocatedDeviceCount, 2);
        const MachineDevice md = machineDevices(vmId).first();
        QCOMPARE(md.allocated.size(), 2);
        for (const AllocatedDevice &a : md.allocated) {
            QVERIFY(m_addresses.contains(a.address));
            QCOMPARE(m_fx.driverOf(m_node, a.address), QStringLiteral("vfio-pci"));
            QCOMPARE(m_fx.device(m_node, a.address).status, DeviceStatus::UsedByVm);
            QCOMPARE(m_fx.device(m_node, a.address).vmName, QStringLiteral("web-1"));
            // The dashboard shows them and the snippets to paste.
            QVERIFY(vmd->devicesModel()->index(0, MachineDeviceModel::AllocatedColumn).data().toString().contains(a.address));
            QVERIFY(vmd->qemuSnippet()->toPlainText().contains(QStringLiteral("-device vfio-pci,host=") + a.address));
            const QString bus = a.address.mid(5, 2);
            QVERIFY(vmd->libvirtSnippet()->toPlainText().contains(QStringLiteral("bus='0x%1'").arg(bus)));
        }
        QCOMPARE(vmd->libvirtSnippet()->toPlainText().count(QStringLiteral("<hostdev")), 2);
        QVERIFY(vmd->banner()->noticeText(QStringLiteral("result")).contains(QStringLiteral("is running")));
        QVERIFY(vmd->qemuSnippet()->isReadOnly());
        if (vm->domainUuid.isEmpty()) {
            // A node without a hypervisor: the configuration to copy.
            QVERIFY(clickButton(child<QPushButton>(vmd, QStringLiteral("qemuSnippetCopy"))));
            QCOMPARE(QApplication::clipboard()->text(), vmd->qemuSnippet()->toPlainText());
            QVERIFY(clickButton(child<QPushButton>(vmd, QStringLiteral("libvirtSnippetCopy"))));
            QCOMPARE(QApplication::clipboard()->text(), vmd->libvirtSnippet()->toPlainText());
        } else {
            // VMs are libvirt domains (docs/libvirt.md): the dashboard shows the domain's XML as
            // libvirt returns it instead of snippets to copy, with exactly the allocated hostdevs.
            QVERIFY(!vmd->qemuSnippet()->isVisible());
            QVERIFY(vmd->domainXmlView()->isVisible() && vmd->domainXmlView()->isReadOnly());
            QCOMPARE(vmd->domainXmlView()->toPlainText().count(QStringLiteral("<hostdev ")), 2);
        }
        QVERIFY(vmd->findChild<QLabel *>(QStringLiteral("vmState"))->text().contains(QStringLiteral("Running")));
        // Requested devices are passthrough units, counted apart from their PCI functions.
        QCOMPARE(vmd->findChild<QLabel *>(QStringLiteral("vmDeviceSummary"))->text(),
                 QStringLiteral("2 of 2 requested device(s) allocated (2 PCI function(s)), in 1 machine device(s)"));
    }

    // Flow 1.2 the other way in: group dashboard → View Machine Devices → New, with the Machine
    // dropdown; the devices another VM holds are not handed out twice.
    void attachFromViewMachineDevices()
    {
        MainWindow &w = m_fx.window();
        const qint64 dbId = createVmThroughGui(QStringLiteral("db-1"));
        QVERIFY(dbId > 0);
        QVERIFY(w.navigate(QStringLiteral("group"), m_group));
        QVERIFY(clickMenu(w, QStringLiteral("menuViewMachineDevices")));
        auto *md = w.current<MachineDevicesDashboard>();
        QVERIFY(md);
        QCOMPARE(md->devicesModel()->rowCount(), 1);   // web-1's
        QCOMPARE(md->devicesModel()->index(0, MachineDeviceModel::VmColumn).data().toString(), QStringLiteral("web-1"));
        QVERIFY(clickButton(child<QPushButton>(md, QStringLiteral("newMachineDeviceButton"))));
        DeviceEntryDialog *form = openDialog(md);
        QVERIFY(form);
        QVERIFY(form->machineCombo()->isVisible());
        QVERIFY(!form->groupCombo()->isEnabled());
        QCOMPARE(form->groupCombo()->currentData().toLongLong(), m_group);
        QVERIFY(chooseData(form->machineCombo(), dbId));
        // web-1 holds two of the three: one is free now, three could be had.
        QCOMPARE(form->availability().free, 1);
        setCount(form->countSpin(), 1);
        typeInto(form->nameEdit(), QStringLiteral("uplink"));
        QVERIFY(clickButton(form->submitButton()));
        QTRY_VERIFY(!openDialog(md));
        auto stored = m_fx.service().findMachineDevice(dbId, QStringLiteral("uplink"));
        QVERIFY(stored);
        QCOMPARE(stored->groupId, m_group);
        QTRY_COMPARE(md->devicesModel()->rowCount(), 2);
        QVERIFY(md->banner()->noticeText(QStringLiteral("restart")).contains(QStringLiteral("db-1")));

        // Double-click the new row: db-1's dashboard, with its banner; Restart from the menu.
        QVERIFY(doubleClickRow(md->devicesTable(), MachineDeviceModel::NameColumn, QStringLiteral("uplink")));
        auto *vmd = w.current<VmDashboard>();
        QVERIFY(vmd);
        QCOMPARE(vmd->vm().id, dbId);
        QVERIFY(vmd->banner()->hasNotice(QStringLiteral("restart")));
        QVERIFY(clickStartOrRestart(w));
        QTRY_VERIFY_WITH_TIMEOUT(!vmd->isBusy(), 20000);
        QVERIFY(!vmd->banner()->hasNotice(QStringLiteral("restart")));
        auto uplink = m_fx.service().findMachineDevice(dbId, QStringLiteral("uplink"));
        QCOMPARE(uplink->allocated.size(), 1);
        const QString address = uplink->allocated.first().address;
        const QList<MachineDevice> web = machineDevices(m_fx.service().findVm(QStringLiteral("web-1"))->id);
        for (const AllocatedDevice &a : web.first().allocated)
            QVERIFY(a.address != address);
        QCOMPARE(m_fx.driverOf(m_node, address), QStringLiteral("vfio-pci"));
        QVERIFY(vmd->qemuSnippet()->toPlainText().contains(address));
    }

    // Nothing left: a third VM's restart is refused with the reason, and it stays off.
    void restartRefusedWhenNothingFree()
    {
        auto vm = m_fx.service().createVm(VmSpec{QStringLiteral("late-1"), {}, m_fx.nodeId(m_node), 0, 0});
        QVERIFY(vm);
        QVERIFY(m_fx.service().attach(AttachSpec{vm->id, m_group, 1, {}, {}}));
        auto *vmd = qobject_cast<VmDashboard *>(m_fx.window().navigate(QStringLiteral("vm"), vm->id));
        QVERIFY(vmd);
        QVERIFY(clickStartOrRestart(m_fx.window()));
        QTRY_VERIFY_WITH_TIMEOUT(!vmd->isBusy(), 20000);
        QVERIFY(vmd->banner()->noticeText(QStringLiteral("result")).contains(QStringLiteral("only 0 are free")));
        QVERIFY(vmd->banner()->hasNotice(QStringLiteral("restart")));
        QCOMPARE(m_fx.service().vm(vm->id)->power, PowerState::Off);

        // Power db-1 off: its device is free again and late-1's restart gets it.
        const qint64 dbId = m_fx.service().findVm(QStringLiteral("db-1"))->id;
        auto *db = qobject_cast<VmDashboard *>(m_fx.window().navigate(QStringLiteral("vm"), dbId));
        QVERIFY(clickMenu(m_fx.window(), QStringLiteral("menuPowerOff")));
        QCOMPARE(m_fx.service().vm(dbId)->power, PowerState::Off);
        QCOMPARE(m_fx.service().vm(dbId)->allocatedDeviceCount, 0);
        QVERIFY(db->qemuSnippet()->toPlainText().isEmpty());
        m_fx.window().navigate(QStringLiteral("vm"), vm->id);
        QVERIFY(clickStartOrRestart(m_fx.window()));
        QTRY_VERIFY_WITH_TIMEOUT(!vmd->isBusy(), 20000);
        QCOMPARE(m_fx.service().vm(vm->id)->allocatedDeviceCount, 1);
    }

    void deleteDeviceAndVm()
    {
        MainWindow &w = m_fx.window();
        const qint64 lateId = m_fx.service().findVm(QStringLiteral("late-1"))->id;
        auto *vmd = qobject_cast<VmDashboard *>(w.navigate(QStringLiteral("vm"), lateId));
        QVERIFY(selectRow(vmd->devicesTable(), MachineDeviceModel::NameColumn, QStringLiteral("Test VFs-1")));
        QVERIFY(clickButton(child<QPushButton>(vmd, QStringLiteral("deleteDeviceButton"))));
        // late-1 runs (started above): asked first; "remove at restart" keeps the device until it
        // stops, then it goes.
        QVERIFY(vmd->banner()->noticeText(QStringLiteral("confirm")).contains(QStringLiteral("is running")));
        Q_EMIT vmd->banner()->linkActivated(QStringLiteral("remove-at-restart"));
        QVERIFY(machineDevices(lateId).first().removalPending);
        QVERIFY(m_fx.service().powerOff(lateId));
        QVERIFY(machineDevices(lateId).isEmpty());

        // Delete from the list asks first; Cancel keeps it, Delete removes it.
        w.navigate(QStringLiteral("vms"));
        auto *list = w.current<VmListDashboard>();
        QVERIFY(selectRow(list->vmsTable(), 0, QStringLiteral("late-1")));
        QVERIFY(clickMenu(w, QStringLiteral("menuDeleteVm")));
        QVERIFY(list->banner()->hasNotice(QStringLiteral("confirm")));
        Q_EMIT list->banner()->linkActivated(QStringLiteral("cancel-delete"));
        QVERIFY(m_fx.service().findVm(QStringLiteral("late-1")));
        QVERIFY(clickMenu(w, QStringLiteral("menuDeleteVm")));
        Q_EMIT list->banner()->linkActivated(QStringLiteral("confirm-delete"));
        QVERIFY(!m_fx.service().findVm(QStringLiteral("late-1")));
        QVERIFY(list->banner()->noticeText(QStringLiteral("result")).contains(QStringLiteral("deleted")));
    }

    // A group member that left vfio-pci behind Passdeck's back is bound again by the restart,
    // off the GUI thread with progress, and the result says so.
    void restartBindsDriftedDevice()
    {
        QString address;
        const QList<DeviceRecord> members = *m_fx.service().groupDevices(m_group);
        for (const DeviceRecord &d : members)
            if (d.status == DeviceStatus::InResourceGroup)
                address = d.address;
        QVERIFY(!address.isEmpty());
        {
            LocalNode node(m_fx.nodeRoot(m_node), true);
            const QString dev = QStringLiteral("sys/bus/pci/devices/%1/").arg(address);
            QCOMPARE(node.writer().write(dev + QStringLiteral("driver_override"), "\n"), 0);
            QCOMPARE(node.writer().write(dev + QStringLiteral("driver/unbind"), address.toLatin1()), 0);
            QCOMPARE(node.writer().write(QStringLiteral("sys/bus/pci/drivers_probe"), address.toLatin1()), 0);
        }
        QVERIFY(m_fx.driverOf(m_node, address) != QStringLiteral("vfio-pci"));
        auto vm = m_fx.service().createVm(VmSpec{QStringLiteral("drift-1"), {}, m_fx.nodeId(m_node), 0, 0});
        QVERIFY(vm);
        QVERIFY(m_fx.service().attach(AttachSpec{vm->id, m_group, 1, {}, {}}));
        auto *vmd = qobject_cast<VmDashboard *>(m_fx.window().navigate(QStringLiteral("vm"), vm->id));
        QVERIFY(vmd);
        auto *progress = child<QProgressBar>(vmd, QStringLiteral("restartProgress"));
        QVERIFY(progress);
        QVERIFY(clickStartOrRestart(m_fx.window()));
        QVERIFY(progress->isVisible());
        QTRY_VERIFY_WITH_TIMEOUT(!vmd->isBusy(), 20000);
        QVERIFY(!progress->isVisible());
        QVERIFY(progress->maximum() > 0);   // the binder reported its steps
        const QString result = vmd->banner()->noticeText(QStringLiteral("result"));
        QVERIFY2(result.contains(QStringLiteral("Bound to vfio-pci now: ") + address), qPrintable(result));
        QCOMPARE(m_fx.driverOf(m_node, address), QStringLiteral("vfio-pci"));
        QCOMPARE(m_fx.device(m_node, address).vmName, QStringLiteral("drift-1"));
    }

    // Delete VM on the VM's own dashboard: confirmed, then back on the list without it.
    void deleteFromVmDashboard()
    {
        MainWindow &w = m_fx.window();
        auto vm = m_fx.service().createVm(VmSpec{QStringLiteral("tmp-1"), {}, m_fx.nodeId(m_node), 0, 0});
        QVERIFY(vm);
        auto *vmd = qobject_cast<VmDashboard *>(w.navigate(QStringLiteral("vm"), vm->id));
        QVERIFY(vmd);
        QVERIFY(clickMenu(w, QStringLiteral("menuDeleteVm")));
        QVERIFY(vmd->banner()->noticeText(QStringLiteral("confirm")).contains(QStringLiteral("tmp-1")));
        Q_EMIT vmd->banner()->linkActivated(QStringLiteral("confirm-delete-vm"));
        QVERIFY(!m_fx.service().findVm(QStringLiteral("tmp-1")));
        auto *list = w.current<VmListDashboard>();
        QVERIFY(list);
        QVERIFY(list->banner()->noticeText(QStringLiteral("result")).contains(QStringLiteral("tmp-1")));
        QVERIFY(!w.canGoForward());
    }

    void cleanupTestCase() { m_fx.close(); }
};

QTEST_MAIN(TestGuiVm)
#include "tst_gui_vm.moc"
