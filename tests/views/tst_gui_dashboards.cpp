// The dashboards around flow 1.1, driven through the real main window on the demo's simulated
// nodes: the resource group dashboard (edit, remove a device, delete refused while in use),
// the node dashboard (maintenance mode, simulated reboot, inventory refresh), navigation (back,
// forward, Alt+Left/Right, breadcrumb), the main dashboard's live tiles and the PCI Devices
// table's keyboard use. Checked in the store and the simulated sysfs.
#include "GuiTestUtil.h"

#include "views/DashboardTile.h"
#include "views/GroupDashboard.h"
#include "views/GroupEditDialog.h"
#include "views/MainDashboard.h"
#include "views/NodeDashboard.h"
#include "models/PciDeviceFilterProxy.h"
#include "models/PciDeviceModel.h"
#include "views/PciDevicesDashboard.h"
#include "views/PciDevicesView.h"
#include "views/ResourceManagerDashboard.h"
#include "sim/SimKernel.h"

#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTableView>

#include <cerrno>

using namespace passdeck;
using namespace passdeck::test;

namespace {
const QString kNicDown = QStringLiteral("0000:3b:00.0"); // a data NVMe, alone in its IOMMU group
const QString kGpu = QStringLiteral("0000:17:00.0");
const QString kGpuAudio = QStringLiteral("0000:17:00.1");
} // namespace

class TestGuiDashboards : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<GuiFixture> m_fx;
    GuiFixture &fx() { return *m_fx; }
    MainWindow &window() { return m_fx->window(); }
    qint64 nodeA() { return fx().nodeId(QStringLiteral("node-a")); }

    // A host group holding node-a's free-able NIC (made through the service, as a fixture).
    qint64 groupWithNic(const QString &name)
    {
        auto g = fx().service().createGroup({name, QStringLiteral("for the test"), GroupClass::Network});
        if (!g)
            return 0;
        auto change = fx().service().makeResource(g->id, nodeA(), {kNicDown});
        if (!change)
            qWarning("makeResource: %s", qPrintable(change.error().message()));
        return change ? g->id : 0;
    }

    // Resource Manager -> double-click the group's row.
    GroupDashboard *openGroupFromResourceManager(const QString &name)
    {
        window().navigate(QStringLiteral("resources"));
        auto *table = child<QTableView>(window().currentDashboard(), QStringLiteral("groupsTable"));
        if (!table)
            return nullptr;
        for (int r = 0; r < table->model()->rowCount(); ++r) {
            const QModelIndex i = table->model()->index(r, 0);
            if (i.data().toString() == name) {
                const QPoint p = table->visualRect(i).center();
                QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, p);
                QTest::mouseDClick(table->viewport(), Qt::LeftButton, {}, p);
                break;
            }
        }
        return window().current<GroupDashboard>();
    }

    static void activateLink(Dashboard *d, const QString &key, const QString &link)
    {
        QLabel *label = d->banner()->noticeLabel(key);
        QVERIFY2(label, qPrintable(key));
        QVERIFY(label->text().contains(QStringLiteral("href=\"%1\"").arg(link)));
        Q_EMIT label->linkActivated(link);
    }

private Q_SLOTS:
    void init()
    {
        m_fx = std::make_unique<GuiFixture>();
        QVERIFY2(m_fx->openBareNodes(), qPrintable(m_fx->error()));
    }

    void cleanup() { m_fx.reset(); }

    void groupDashboardEdit()
    {
        const qint64 id = groupWithNic(QStringLiteral("PCI NICs"));
        QVERIFY(id);
        QVERIFY(fx().service().createGroup({QStringLiteral("Other group"), {}, GroupClass::Other}));
        GroupDashboard *d = openGroupFromResourceManager(QStringLiteral("PCI NICs"));
        QVERIFY(d);
        QCOMPARE(d->argument(), id);
        QCOMPARE(d->devicesTable()->model()->rowCount(), 1);
        QVERIFY(child<QLabel>(d, QStringLiteral("groupDetails"))->text().contains(QStringLiteral("Network")));
        QVERIFY(clickMenu(window(), QStringLiteral("menuEditGroup")));
        auto *dialog = d->findChild<GroupEditDialog *>();
        QVERIFY(dialog);
        QVERIFY(QTest::qWaitForWindowExposed(dialog));
        QCOMPARE(dialog->nameEdit()->text(), QStringLiteral("PCI NICs"));
        auto *save = child<QPushButton>(dialog, QStringLiteral("groupSaveButton"));
        // Another group's name is refused inline; its own is fine.
        dialog->nameEdit()->clear();
        QTest::keyClicks(dialog->nameEdit(), QStringLiteral("other GROUP"));
        QVERIFY(!save->isEnabled());
        QVERIFY(dialog->errorLabel()->text().contains(QStringLiteral("already exists")));
        dialog->nameEdit()->clear();
        QVERIFY(!save->isEnabled());
        QTest::keyClicks(dialog->nameEdit(), QStringLiteral("Uplinks"));
        dialog->classCombo()->setCurrentIndex(dialog->classCombo()->findText(QStringLiteral("Accelerator")));
        QVERIFY(clickButton(save));
        QTRY_VERIFY(!dialog->isVisible());
        auto g = fx().service().group(id);
        QVERIFY(g);
        QCOMPARE(g->name, QStringLiteral("Uplinks"));
        QCOMPARE(g->groupClass, GroupClass::Accelerator);
        QCOMPARE(g->total, 1);
        QTRY_COMPARE(d->title(), QStringLiteral("Uplinks"));
        QVERIFY(d->banner()->noticeText(QStringLiteral("result")).contains(QStringLiteral("was saved")));
        QVERIFY(child<QLabel>(window().centralWidget(), QStringLiteral("breadcrumb"))->text().contains(QStringLiteral("Uplinks")));
    }

    void groupDashboardRemoveDevice()
    {
        const qint64 id = groupWithNic(QStringLiteral("PCI NICs"));
        QVERIFY(id);
        QCOMPARE(fx().driverOf(QStringLiteral("node-a"), kNicDown), QStringLiteral("vfio-pci"));
        GroupDashboard *d = openGroupFromResourceManager(QStringLiteral("PCI NICs"));
        QVERIFY(d);
        auto *remove = child<QToolButton>(d, QStringLiteral("menuRemoveFromGroup"));
        QVERIFY(!remove->isEnabled());
        QTableView *table = d->devicesTable();
        QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, table->visualRect(table->model()->index(0, 1)).center());
        QVERIFY(remove->isEnabled());
        QVERIFY(clickMenu(window(), QStringLiteral("menuRemoveFromGroup")));
        QTRY_VERIFY(d->banner()->hasNotice(QStringLiteral("result")));
        QVERIFY2(d->banner()->noticeText(QStringLiteral("result")).contains(QStringLiteral("went back to their host drivers")),
                 qPrintable(d->banner()->noticeText(QStringLiteral("result"))));
        QTRY_COMPARE(table->model()->rowCount(), 0);
        QCOMPARE(fx().service().group(id)->total, 0);
        QCOMPARE(fx().driverOf(QStringLiteral("node-a"), kNicDown), QStringLiteral("nvme"));
        QCOMPARE(fx().device(QStringLiteral("node-a"), kNicDown).groupId, qint64(0));
    }

    // In use by a VM's machine device: refused with the service's reason, nothing moved. Once
    // the VM is gone: deleted, its device back on the host driver.
    void groupDashboardDelete()
    {
        const qint64 id = groupWithNic(QStringLiteral("PCI NICs"));
        QVERIFY(id);
        auto vm = fx().service().createVm({QStringLiteral("vm-test"), {}, nodeA(), 0, 0});
        QVERIFY(vm);
        AttachSpec attach;
        attach.vmId = vm->id;
        attach.groupId = id;
        QVERIFY(fx().service().attach(attach));
        GroupDashboard *d = openGroupFromResourceManager(QStringLiteral("PCI NICs"));
        QVERIFY(d);
        // Refused before it asks (not asked first and refused after): no confirmation.
        QVERIFY(clickMenu(window(), QStringLiteral("menuDeleteGroup")));
        QVERIFY(!d->banner()->hasNotice(QStringLiteral("confirm")));
        QTRY_VERIFY(d->banner()->hasNotice(QStringLiteral("result")));
        const QString reason = d->banner()->noticeText(QStringLiteral("result"));
        QVERIFY2(reason.contains(QStringLiteral("machine device")), qPrintable(reason));
        QVERIFY(fx().service().group(id));
        QCOMPARE(fx().service().group(id)->total, 1);
        QCOMPARE(fx().driverOf(QStringLiteral("node-a"), kNicDown), QStringLiteral("vfio-pci"));
        QCOMPARE(window().currentDashboard(), d);

        QVERIFY(fx().service().deleteVm(vm->id));
        // Cancel does nothing.
        QVERIFY(clickMenu(window(), QStringLiteral("menuDeleteGroup")));
        QVERIFY(d->banner()->noticeText(QStringLiteral("confirm")).contains(QStringLiteral("Delete resource group PCI NICs?")));
        activateLink(d, QStringLiteral("confirm"), QStringLiteral("cancel-delete"));
        QVERIFY(!d->banner()->hasNotice(QStringLiteral("confirm")));
        QVERIFY(fx().service().group(id));

        QVERIFY(clickMenu(window(), QStringLiteral("menuDeleteGroup")));
        QVERIFY(d->banner()->noticeText(QStringLiteral("confirm")).contains(QStringLiteral("go back to their host drivers")));
        activateLink(d, QStringLiteral("confirm"), QStringLiteral("confirm-delete"));
        QTRY_VERIFY(window().current<ResourceManagerDashboard>());
        QVERIFY(window().currentDashboard()->banner()->noticeText(QStringLiteral("result")).contains(QStringLiteral("was deleted")));
        QVERIFY(!fx().service().group(id));
        QCOMPARE(fx().driverOf(QStringLiteral("node-a"), kNicDown), QStringLiteral("nvme"));
        // The deleted group's dashboard is gone from the history too.
        while (window().canGoBack()) {
            window().goBack();
            QVERIFY(!window().current<GroupDashboard>());
        }
    }

    void nodeMaintenanceAndReboot()
    {
        // A change waiting for the reboot: the GPU stayed busy.
        {
            SimKernel kernel{HostRoot(fx().nodeRoot(QStringLiteral("node-a")))};
            QVERIFY(kernel.injectFault(QStringLiteral("sys/bus/pci/devices/%1/driver/unbind").arg(kGpu), EBUSY, 2).ok());
        }
        auto g = fx().service().createGroup({QStringLiteral("PCI GPUs"), {}, GroupClass::Gpu});
        QVERIFY(g);
        auto change = fx().service().makeResource(g->id, nodeA(), {kGpu});
        QVERIFY(change && change->rebootRequired);

        window().navigate(QStringLiteral("node"), nodeA());
        auto *d = window().current<NodeDashboard>();
        QVERIFY(d);
        QVERIFY(d->banner()->noticeText(QStringLiteral("reboot")).contains(kGpu));
        QVERIFY(child<QLabel>(d, QStringLiteral("nodeStatus"))->text().contains(QStringLiteral("Reboot required")));
        // Reboot without maintenance mode: refused with the reason.
        QVERIFY(clickMenu(window(), QStringLiteral("menuReboot")));
        QVERIFY(d->banner()->noticeText(QStringLiteral("result")).contains(QStringLiteral("maintenance mode")));
        QVERIFY(fx().service().node(nodeA())->rebootRequired);

        QCheckBox *toggle = d->maintenanceToggle();
        QTest::mouseClick(toggle, Qt::LeftButton, {}, QPoint(5, toggle->height() / 2));
        QVERIFY(fx().service().node(nodeA())->maintenance);
        QTRY_VERIFY(child<QLabel>(d, QStringLiteral("nodeStatus"))->text().contains(QStringLiteral("Maintenance mode")));

        // Reboot asks first (no VM runs on the node); then it runs.
        QVERIFY(clickMenu(window(), QStringLiteral("menuReboot")));
        QVERIFY(d->banner()->noticeText(QStringLiteral("confirm")).contains(QStringLiteral("No VM runs on it")));
        activateLink(d, QStringLiteral("confirm"), QStringLiteral("confirm-reboot"));
        QVERIFY(!child<QToolButton>(d, QStringLiteral("menuReboot"))->isEnabled()); // running
        QTRY_VERIFY_WITH_TIMEOUT(d->banner()->noticeText(QStringLiteral("result")).contains(QStringLiteral("rebooted")), 20000);
        QVERIFY(child<QToolButton>(d, QStringLiteral("menuReboot"))->isEnabled());
        // After the reboot the persistent configuration put the GPU on vfio-pci.
        QVERIFY(!fx().service().node(nodeA())->rebootRequired);
        QVERIFY(!d->banner()->hasNotice(QStringLiteral("reboot")));
        QCOMPARE(fx().driverOf(QStringLiteral("node-a"), kGpu), QStringLiteral("vfio-pci"));
        QVERIFY(!fx().device(QStringLiteral("node-a"), kGpu).rebootPending);

        QTest::mouseClick(toggle, Qt::LeftButton, {}, QPoint(5, toggle->height() / 2));
        QVERIFY(!fx().service().node(nodeA())->maintenance);
        QVERIFY(d->banner()->noticeText(QStringLiteral("result")).contains(QStringLiteral("left maintenance mode")));
    }

    // A node that is not simulated stands for a real machine: Reboot explains what to do and
    // changes nothing (the root here is a generated tree read with plain file I/O).
    void realHostRebootGivesInstructions()
    {
        QTemporaryDir dir;
        Error error;
        const QString root = test::buildSimRoot(dir, test::demoDescription(QStringLiteral("node-b")), QStringLiteral("real"), &error);
        QVERIFY2(!root.isEmpty(), qPrintable(error.message()));
        // Without its description the tree is plain files, as a real host's sysfs would be read.
        QVERIFY(QFile::remove(SimHostBuilder::descriptionFile(root)));
        auto added = fx().service().addNode(QStringLiteral("metal"), root, false);
        QVERIFY2(added, added ? "" : qPrintable(added.error().message()));
        window().navigate(QStringLiteral("node"), added->node.id);
        auto *d = window().current<NodeDashboard>();
        QVERIFY(d);
        QCOMPARE(child<QLabel>(d, QStringLiteral("nodeKind"))->text(), QStringLiteral("Real host"));
        QVERIFY(clickMenu(window(), QStringLiteral("menuReboot")));
        const QString text = d->banner()->noticeText(QStringLiteral("result"));
        QVERIFY2(text.contains(QStringLiteral("does not reboot a real host")) && text.contains(QStringLiteral("systemctl reboot")),
                 qPrintable(text));
        QVERIFY(!child<QWidget>(d, QStringLiteral("dashboardProgressRow"))->isVisible());
        QCOMPARE(fx().service().node(added->node.id)->refreshedAt, added->node.refreshedAt);
    }

    void aboutBox()
    {
        window().findChild<QAction *>(QStringLiteral("actionAbout"))->trigger();
        auto *box = window().findChild<QWidget *>(QStringLiteral("aboutBox"));
        QVERIFY(box && box->isVisible());
        box->close();
    }

    void nodeRefreshInventory()
    {
        window().navigate(QStringLiteral("node"), nodeA());
        auto *d = window().current<NodeDashboard>();
        QVERIFY(d);
        QVERIFY(child<QLabel>(d, QStringLiteral("nodeDevices"))->text().contains(QStringLiteral("in use by the host")));
        QVERIFY(clickMenu(window(), QStringLiteral("menuRefreshNode")));
        QVERIFY(!child<QToolButton>(d, QStringLiteral("menuRefreshNode"))->isEnabled());
        // Off the GUI thread, with progress under the banner.
        QVERIFY(child<QWidget>(d, QStringLiteral("dashboardProgressRow"))->isVisible());
        QTRY_VERIFY_WITH_TIMEOUT(d->banner()->noticeText(QStringLiteral("result")).contains(QStringLiteral("Inventory read")), 20000);
        QVERIFY(child<QToolButton>(d, QStringLiteral("menuRefreshNode"))->isEnabled());
        QVERIFY(!child<QWidget>(d, QStringLiteral("dashboardProgressRow"))->isVisible());
    }

    void backForwardAndBreadcrumb()
    {
        MainWindow &w = window();
        QVERIFY(w.current<MainDashboard>());
        QVERIFY(!w.canGoBack());
        auto *back = child<QToolButton>(&w, QStringLiteral("backButton"));
        auto *forward = child<QToolButton>(&w, QStringLiteral("forwardButton"));
        auto *crumb = child<QLabel>(&w, QStringLiteral("breadcrumb"));
        QVERIFY(!back->isEnabled() && !forward->isEnabled());

        QTest::mouseClick(child<DashboardTile>(w.currentDashboard(), QStringLiteral("tileNodes")), Qt::LeftButton);
        QVERIFY(clickMenu(w, QStringLiteral("menuResources")));
        w.navigate(QStringLiteral("node"), nodeA());
        QVERIFY(w.current<NodeDashboard>());
        QVERIFY(crumb->text().contains(QStringLiteral("Nodes")) && crumb->text().contains(QStringLiteral("<b>node-a</b>")));
        QVERIFY(w.windowTitle().startsWith(QStringLiteral("node-a")));

        QVERIFY(clickButton(back));
        QVERIFY(w.current<ResourceManagerDashboard>());
        QVERIFY(forward->isEnabled());
        QTest::keyClick(&w, Qt::Key_Left, Qt::AltModifier);
        QCOMPARE(w.currentDashboard()->dashboardId(), QStringLiteral("nodes"));
        QTest::keyClick(&w, Qt::Key_Left, Qt::AltModifier);
        QVERIFY(w.current<MainDashboard>());
        QVERIFY(!back->isEnabled());
        QTest::keyClick(&w, Qt::Key_Left, Qt::AltModifier); // nothing further back
        QVERIFY(w.current<MainDashboard>());
        QTest::keyClick(&w, Qt::Key_Right, Qt::AltModifier);
        QCOMPARE(w.currentDashboard()->dashboardId(), QStringLiteral("nodes"));
        QVERIFY(clickButton(forward));
        QVERIFY(w.current<ResourceManagerDashboard>());
        // A new visit cuts the forward history, as in a browser.
        QVERIFY(w.canGoForward());
        QVERIFY(clickMenu(w, QStringLiteral("menuPciDevices")));
        QVERIFY(!w.canGoForward());
        QVERIFY(!forward->isEnabled());
        // Breadcrumb links navigate.
        QVERIFY(crumb->text().contains(QStringLiteral("href=\"resources:0\"")));
        Q_EMIT crumb->linkActivated(QStringLiteral("main:0"));
        QVERIFY(w.current<MainDashboard>());
        // Menus reach every dashboard of the shell.
        for (const auto &[action, id] : {std::pair{"actionResources", "resources"}, {"actionNodes", "nodes"},
                                         {"actionVmList", "vms"}, {"actionTenantList", "tenants"},
                                         {"actionRisks", "risks"}, {"actionMainDashboard", "main"}}) {
            auto *a = w.findChild<QAction *>(QLatin1String(action));
            QVERIFY2(a, action);
            a->trigger();
            QCOMPARE(w.currentDashboard()->dashboardId(), QLatin1String(id));
        }
    }

    // The tiles follow the store while the Main Dashboard is on screen, and open their dashboards.
    void mainDashboardTiles()
    {
        auto *main = window().current<MainDashboard>();
        QVERIFY(main);
        const int groups = main->tile(QStringLiteral("resources"))->count();
        const int vms = main->tile(QStringLiteral("vms"))->count();
        QCOMPARE(main->tile(QStringLiteral("nodes"))->count(), 2);
        QCOMPARE(groups, int(fx().service().allGroups()->size()));
        QVERIFY(groupWithNic(QStringLiteral("Live count")));
        QTRY_COMPARE(main->tile(QStringLiteral("resources"))->count(), groups + 1);
        QVERIFY(child<QLabel>(main->tile(QStringLiteral("resources")), QStringLiteral("tileDetail"))->text().contains(QStringLiteral("1 passthrough unit")));
        // Recent changes follow the audit log, refusals included.
        QTRY_VERIFY(child<QLabel>(main, QStringLiteral("recentChanges"))->text().contains(QStringLiteral("Live count")));
        QVERIFY(!fx().service().createGroup({QStringLiteral("Live count"), {}, GroupClass::Other}));
        QTRY_VERIFY(child<QLabel>(main, QStringLiteral("recentChanges"))->text().contains(QStringLiteral("refused")));
        QVERIFY(fx().service().createVm({QStringLiteral("vm-live"), {}, nodeA(), 0, 0}));
        QTRY_COMPARE(main->tile(QStringLiteral("vms"))->count(), vms + 1);
        QVERIFY(fx().service().createTenant(QStringLiteral("live-tenant")));
        QTRY_COMPARE(main->tile(QStringLiteral("tenants"))->count(), int(fx().service().tenants()->size()));
        for (const QString &id : {QStringLiteral("resources"), QStringLiteral("nodes"), QStringLiteral("vms"), QStringLiteral("tenants")}) {
            window().navigate(QStringLiteral("main"));
            QTest::mouseClick(window().current<MainDashboard>()->tile(id), Qt::LeftButton);
            QCOMPARE(window().currentDashboard()->dashboardId(), id);
        }
    }

    // PCI Devices by keyboard: Ctrl+F, type, Escape, Down into the table, Shift+Down to extend,
    // Ctrl+M for Make Resource; the class filter and "Only free".
    void pciDevicesKeyboardAndFilters()
    {
        window().navigate(QStringLiteral("pci"), nodeA());
        auto *d = window().current<PciDevicesDashboard>();
        QVERIFY(d);
        PciDevicesView *v = d->devicesView();
        const int all = v->proxy()->rowCount();
        QCOMPARE(all, fx().service().node(nodeA())->deviceCount);
        QVERIFY(v->table()->isColumnHidden(PciDeviceModel::NodeColumn));
        v->table()->setFocus();
        QTest::keyClick(v->table(), Qt::Key_F, Qt::ControlModifier);
        QTRY_VERIFY(v->filterEdit()->hasFocus());
        QTest::keyClicks(v->filterEdit(), QStringLiteral("nvidia"));
        QCOMPARE(v->proxy()->rowCount(), 4); // two GPUs, each with its audio function
        QVERIFY(child<QLabel>(v, QStringLiteral("pciCount"))->text().startsWith(QStringLiteral("Showing 4 of")));
        QTest::keyClick(v->filterEdit(), Qt::Key_Escape);
        QVERIFY(v->filterEdit()->text().isEmpty());
        QCOMPARE(v->proxy()->rowCount(), all);
        QTest::keyClicks(v->filterEdit(), QStringLiteral("17:00"));
        QTest::keyClick(v->filterEdit(), Qt::Key_Down);
        QVERIFY(v->table()->hasFocus());
        QTest::keyClick(v->table(), Qt::Key_Down, Qt::ShiftModifier);
        QCOMPARE(v->selectedDevices().size(), 2);
        QVERIFY(d->makeResourceButton()->isEnabled());
        // Copy puts the addresses on the clipboard; the context menu offers Make Resource.
        QTest::keyClick(v->table(), Qt::Key_C, Qt::ControlModifier);
        QCOMPARE(QGuiApplication::clipboard()->text(), QStringLiteral("0000:17:00.0\n0000:17:00.1"));
        QVERIFY(v->table()->findChild<QAction *>(QStringLiteral("actionMakeResource"))->isEnabled());
        QTest::keyClick(v->table(), Qt::Key_M, Qt::ControlModifier);
        QWidget *wizard = d->findChild<QWidget *>(QStringLiteral("makeResourceWizard"));
        QVERIFY(wizard && wizard->isVisible());
        wizard->close();
        v->filterEdit()->clear();

        const int display = v->classFilter()->findData(0x03);
        QVERIFY(display > 0);
        v->classFilter()->setCurrentIndex(display);
        QCOMPARE(v->proxy()->rowCount(), 3); // the boot VGA and two GPUs
        QTest::mouseClick(v->onlyFreeCheck(), Qt::LeftButton, {}, QPoint(5, v->onlyFreeCheck()->height() / 2));
        QCOMPARE(v->proxy()->rowCount(), 0);
        v->classFilter()->setCurrentIndex(0);
        for (int r = 0; r < v->proxy()->rowCount(); ++r)
            QVERIFY(v->proxy()->index(r, 0).data(PciDeviceModel::IsFreeRole).toBool());
    }
};

QTEST_MAIN(TestGuiDashboards)
#include "tst_gui_dashboards.moc"
