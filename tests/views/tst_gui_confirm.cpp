// Running work is protected: every confirmation lists the running VMs and devices it affects,
// cancelling changes nothing, accepting does what it said; Delete Group and Delete Tenant are
// refused before anything is asked. The real MainWindow on the seeded demo (render-01 runs on
// node-a with a GPU and its audio function, acme-app-01 with a VF), checked in the store and
// the simulated sysfs.
#include "tst_gui_vm_util.h"

#include "views/GroupDashboard.h"
#include "models/MachineDeviceModel.h"
#include "views/NodeDashboard.h"
#include "views/TenantListDashboard.h"
#include "models/TenantModel.h"
#include "views/VmDashboard.h"
#include "views/VmListDashboard.h"
#include "models/VmModel.h"

#include <QCheckBox>
#include <QLabel>
#include <QToolButton>

using namespace passdeck;
using namespace passdeck::test;

namespace {
const QString kGpu = QStringLiteral("0000:17:00.0");
} // namespace

class TestGuiConfirm : public QObject
{
    Q_OBJECT

    std::unique_ptr<GuiFixture> m_fx;
    GuiFixture &fx() { return *m_fx; }
    MainWindow &window() { return m_fx->window(); }
    qint64 nodeA() { return fx().nodeId(QStringLiteral("node-a")); }
    qint64 vmId(const QString &name) { return fx().service().findVm(name)->id; }
    PowerState power(const QString &name) { return fx().service().findVm(name)->power; }
    int allocated(const QString &name) { return fx().service().findVm(name)->allocatedDeviceCount; }

    static bool follow(Dashboard *d, const QString &link)
    {
        QLabel *label = d->banner()->noticeLabel(QStringLiteral("confirm"));
        if (!label || !label->text().contains(QStringLiteral("href=\"%1\"").arg(link)))
            return false;
        Q_EMIT label->linkActivated(link);
        return true;
    }

private Q_SLOTS:
    void init()
    {
        m_fx = std::make_unique<GuiFixture>();
        QVERIFY2(m_fx->open({}, DemoContent::Seeded), qPrintable(m_fx->error()));
        QCOMPARE(power(QStringLiteral("render-01")), PowerState::On);
        QCOMPARE(power(QStringLiteral("acme-app-01")), PowerState::On);
    }
    void cleanup() { m_fx.reset(); }

    // Maintenance mode with VMs running: asked first, naming them and their devices.
    void maintenanceListsRunningVms()
    {
        auto *d = qobject_cast<NodeDashboard *>(window().navigate(QStringLiteral("node"), nodeA()));
        QVERIFY(d);
        QCheckBox *toggle = d->maintenanceToggle();
        QTest::mouseClick(toggle, Qt::LeftButton, {}, QPoint(5, toggle->height() / 2));
        const QString question = d->banner()->noticeText(QStringLiteral("confirm"));
        QVERIFY2(question.contains(QStringLiteral("2 VM(s) run on it")), qPrintable(question));
        QVERIFY2(question.contains(QStringLiteral("render-01 on node-a (")) && question.contains(kGpu), qPrintable(question));
        QVERIFY(question.contains(QStringLiteral("acme-app-01")));
        QVERIFY(!fx().service().node(nodeA())->maintenance);   // not before the answer
        QVERIFY(!toggle->isChecked());

        QVERIFY(follow(d, QStringLiteral("cancel-maintenance")));
        QVERIFY(!d->banner()->hasNotice(QStringLiteral("confirm")));
        QVERIFY(!fx().service().node(nodeA())->maintenance);

        QTest::mouseClick(toggle, Qt::LeftButton, {}, QPoint(5, toggle->height() / 2));
        QVERIFY(follow(d, QStringLiteral("confirm-maintenance")));
        QVERIFY(fx().service().node(nodeA())->maintenance);
        QTRY_VERIFY(toggle->isChecked());
        // Maintenance mode alone stops nothing.
        QCOMPARE(power(QStringLiteral("render-01")), PowerState::On);
        QCOMPARE(fx().driverOf(QStringLiteral("node-a"), kGpu), QStringLiteral("vfio-pci"));
    }

    // Reboot: asked first, naming the running VMs it stops; Cancel keeps them; Reboot stops them.
    void rebootListsTheVmsItStops()
    {
        QVERIFY(fx().service().setMaintenance(nodeA(), true));
        auto *d = qobject_cast<NodeDashboard *>(window().navigate(QStringLiteral("node"), nodeA()));
        QVERIFY(d);
        QVERIFY(clickMenu(window(), QStringLiteral("menuReboot")));
        const QString question = d->banner()->noticeText(QStringLiteral("confirm"));
        QVERIFY2(question.contains(QStringLiteral("stops 2 running VM(s)")), qPrintable(question));
        QVERIFY(question.contains(QStringLiteral("render-01")) && question.contains(QStringLiteral("acme-app-01")));
        QVERIFY(question.contains(kGpu));
        QVERIFY(child<QWidget>(d, QStringLiteral("dashboardProgressRow"))->isHidden());   // nothing started

        QVERIFY(follow(d, QStringLiteral("cancel-reboot")));
        QCOMPARE(power(QStringLiteral("render-01")), PowerState::On);
        QCOMPARE(allocated(QStringLiteral("render-01")), 2);
        QVERIFY(!d->banner()->hasNotice(QStringLiteral("confirm")));

        QVERIFY(clickMenu(window(), QStringLiteral("menuReboot")));
        QVERIFY(follow(d, QStringLiteral("confirm-reboot")));
        QTRY_VERIFY_WITH_TIMEOUT(d->banner()->noticeText(QStringLiteral("result")).contains(QStringLiteral("rebooted")), 30000);
        const QString result = d->banner()->noticeText(QStringLiteral("result"));
        QVERIFY2(result.contains(QStringLiteral("Stopped: acme-app-01, render-01")), qPrintable(result));
        QCOMPARE(power(QStringLiteral("render-01")), PowerState::Off);
        QCOMPARE(power(QStringLiteral("acme-app-01")), PowerState::Off);
        QCOMPARE(allocated(QStringLiteral("render-01")), 0);
    }

    // Delete VM says the VM runs and what it frees, on the list and on its dashboard.
    void deleteRunningVmSaysSo()
    {
        window().navigate(QStringLiteral("vms"));
        auto *list = window().current<VmListDashboard>();
        QVERIFY(list);
        QVERIFY(selectRow(list->vmsTable(), VmModel::NameColumn, QStringLiteral("render-01")));
        QVERIFY(clickMenu(window(), QStringLiteral("menuDeleteVm")));
        QString question = list->banner()->noticeText(QStringLiteral("confirm"));
        QVERIFY2(question.contains(QStringLiteral("It is running on node node-a")), qPrintable(question));
        QVERIFY(question.contains(kGpu));
        QVERIFY(list->banner()->noticeLabel(QStringLiteral("confirm"))->text().contains(QStringLiteral("Stop and delete")));
        QVERIFY(follow(list, QStringLiteral("cancel-delete")));
        QVERIFY(fx().service().findVm(QStringLiteral("render-01")));

        // A stopped VM's question says it is stopped.
        QVERIFY(selectRow(list->vmsTable(), VmModel::NameColumn, QStringLiteral("db-01")));
        QVERIFY(clickMenu(window(), QStringLiteral("menuDeleteVm")));
        QVERIFY(list->banner()->noticeText(QStringLiteral("confirm")).contains(QStringLiteral("It is stopped")));
        QVERIFY(follow(list, QStringLiteral("cancel-delete")));

        auto *vmd = qobject_cast<VmDashboard *>(window().navigate(QStringLiteral("vm"), vmId(QStringLiteral("render-01"))));
        QVERIFY(vmd);
        QVERIFY(clickMenu(window(), QStringLiteral("menuDeleteVm")));
        question = vmd->banner()->noticeText(QStringLiteral("confirm"));
        QVERIFY2(question.contains(QStringLiteral("It is running")), qPrintable(question));
        QVERIFY(follow(vmd, QStringLiteral("confirm-delete-vm")));
        QVERIFY(!fx().service().findVm(QStringLiteral("render-01")));
        QCOMPARE(fx().device(QStringLiteral("node-a"), kGpu).status, DeviceStatus::InResourceGroup);
    }

    // Delete Group: refused at once while machine devices draw from it (reason shown, also in
    // the tooltip); nothing asked, nothing moved.
    void deleteGroupRefusedBeforeAsking()
    {
        const qint64 gpus = fx().service().findGroup(QStringLiteral("GPUs"))->id;
        auto *d = qobject_cast<GroupDashboard *>(window().navigate(QStringLiteral("group"), gpus));
        QVERIFY(d);
        auto *item = child<QToolButton>(d, QStringLiteral("menuDeleteGroup"));
        QTRY_VERIFY(item->toolTip().contains(QStringLiteral("Cannot be deleted now")));
        QVERIFY(item->toolTip().contains(QStringLiteral("machine device")));
        QVERIFY(clickMenu(window(), QStringLiteral("menuDeleteGroup")));
        QVERIFY(!d->banner()->hasNotice(QStringLiteral("confirm")));
        QCOMPARE(d->banner()->level(QStringLiteral("result")), MessageBanner::Level::Error);
        QVERIFY(d->banner()->noticeText(QStringLiteral("result")).contains(QStringLiteral("machine device")));
        QVERIFY(fx().service().group(gpus));
        QCOMPARE(fx().driverOf(QStringLiteral("node-a"), kGpu), QStringLiteral("vfio-pci"));
    }

    // Delete Tenant: refused at once while it has VMs; the tooltip says why beforehand.
    void deleteTenantRefusedBeforeAsking()
    {
        window().navigate(QStringLiteral("tenants"));
        auto *list = window().current<TenantListDashboard>();
        QVERIFY(list);
        auto *item = child<QToolButton>(list, QStringLiteral("menuDeleteTenant"));
        QVERIFY(!item->isEnabled());   // nothing selected
        QVERIFY(selectRow(list->tenantsTable(), TenantModel::NameColumn, QStringLiteral("Acme Corp")));
        QVERIFY(item->isEnabled());
        QVERIFY2(item->toolTip().contains(QStringLiteral("still has 1 VM")), qPrintable(item->toolTip()));
        QVERIFY(clickMenu(window(), QStringLiteral("menuDeleteTenant")));
        QVERIFY(!list->banner()->hasNotice(QStringLiteral("confirm")));
        QVERIFY(list->banner()->noticeText(QStringLiteral("result")).contains(QStringLiteral("Delete the tenant's VMs first")));
        QVERIFY(fx().service().findTenant(QStringLiteral("Acme Corp")));

        // Without its VM: asked, listing the devices that go back to the host groups.
        QVERIFY(fx().service().deleteVm(vmId(QStringLiteral("acme-app-01"))));
        QVERIFY(selectRow(list->tenantsTable(), TenantModel::NameColumn, QStringLiteral("Acme Corp")));
        QVERIFY(clickMenu(window(), QStringLiteral("menuDeleteTenant")));
        const QString question = list->banner()->noticeText(QStringLiteral("confirm"));
        QVERIFY2(question.contains(QStringLiteral("2 device(s) reserved to it")) && question.contains(QStringLiteral("node-a 0000:18:02.")),
                 qPrintable(question));
        QVERIFY(follow(list, QStringLiteral("confirm-delete")));
        QVERIFY(!fx().service().findTenant(QStringLiteral("Acme Corp")));
    }

    // Removing a machine device of a running VM asks: at the next restart, stop now, or cancel.
    void removeRunningVmsDeviceAsks()
    {
        const qint64 id = vmId(QStringLiteral("render-01"));
        auto *vmd = qobject_cast<VmDashboard *>(window().navigate(QStringLiteral("vm"), id));
        QVERIFY(vmd);
        auto *remove = child<QPushButton>(vmd, QStringLiteral("deleteDeviceButton"));
        QVERIFY(!remove->isEnabled());   // nothing selected
        QVERIFY(selectRow(vmd->devicesTable(), MachineDeviceModel::NameColumn, QStringLiteral("gpu")));
        QVERIFY(clickButton(remove));
        const QString question = vmd->banner()->noticeText(QStringLiteral("confirm"));
        QVERIFY2(question.contains(QStringLiteral("is running with machine device gpu")) && question.contains(kGpu), qPrintable(question));
        const QString html = vmd->banner()->noticeLabel(QStringLiteral("confirm"))->text();
        QVERIFY(html.contains(QStringLiteral("remove-at-restart")) && html.contains(QStringLiteral("stop-and-remove")));

        QVERIFY(follow(vmd, QStringLiteral("cancel-remove")));
        QCOMPARE(fx().service().machineDevices(id)->size(), 1);
        QCOMPARE(power(QStringLiteral("render-01")), PowerState::On);
        QCOMPARE(fx().device(QStringLiteral("node-a"), kGpu).vmName, QStringLiteral("render-01"));

        // At the next restart: the VM keeps running. The message says what the store holds.
        QVERIFY(selectRow(vmd->devicesTable(), MachineDeviceModel::NameColumn, QStringLiteral("gpu")));
        QVERIFY(clickButton(remove));
        QVERIFY(follow(vmd, QStringLiteral("remove-at-restart")));
        QCOMPARE(power(QStringLiteral("render-01")), PowerState::On);
        const QString result = vmd->banner()->noticeText(QStringLiteral("result"));
        const bool kept = fx().service().findMachineDevice(id, QStringLiteral("gpu")).ok();
        QVERIFY2(kept ? result.contains(QStringLiteral("will be removed when VM render-01 restarts"))
                      : result.contains(QStringLiteral("was removed")), qPrintable(result));
        // A reset table has no selection: Delete is off again.
        QTRY_VERIFY(!remove->isEnabled() || vmd->devicesTable()->selectionModel()->hasSelection());
    }

    void stopNowAndRemove()
    {
        const qint64 id = vmId(QStringLiteral("render-01"));
        auto *vmd = qobject_cast<VmDashboard *>(window().navigate(QStringLiteral("vm"), id));
        QVERIFY(vmd);
        QVERIFY(selectRow(vmd->devicesTable(), MachineDeviceModel::NameColumn, QStringLiteral("gpu")));
        QVERIFY(clickButton(child<QPushButton>(vmd, QStringLiteral("deleteDeviceButton"))));
        QVERIFY(follow(vmd, QStringLiteral("stop-and-remove")));
        QCOMPARE(power(QStringLiteral("render-01")), PowerState::Off);
        QVERIFY(!fx().service().findMachineDevice(id, QStringLiteral("gpu")));
        QCOMPARE(fx().device(QStringLiteral("node-a"), kGpu).status, DeviceStatus::InResourceGroup);
        QVERIFY(vmd->banner()->noticeText(QStringLiteral("result")).contains(QStringLiteral("was powered off")));
        QTRY_VERIFY(!child<QPushButton>(vmd, QStringLiteral("deleteDeviceButton"))->isEnabled());
        // Stopped: Power On, not Restart.
        QTRY_VERIFY(child<QToolButton>(vmd, QStringLiteral("menuPowerOn"))->isVisible());
        QVERIFY(!child<QToolButton>(vmd, QStringLiteral("menuRestart"))->isVisible());
    }
};

QTEST_MAIN(TestGuiConfirm)
#include "tst_gui_confirm.moc"
