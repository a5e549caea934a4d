// Flow 1.1 (Make Resource) driven through the real main window on the demo's simulated nodes:
// from the Resource Manager and from a node dashboard, into an existing group and a new one
// through the wizard; wizard validation; blockers and warnings; the success message and the
// reboot banner; failure rolled back; the window responsive during a slow apply. Every flow is
// checked afterwards in the store and in the simulated sysfs.
#include "GuiTestUtil.h"

#include "views/ApplyPage.h"
#include "views/DashboardTile.h"
#include "views/GroupDetailsPage.h"
#include "views/ImpactPage.h"
#include "views/MakeResourceWizard.h"
#include "views/NodeDashboard.h"
#include "models/PciDeviceModel.h"
#include "views/PciDevicesDashboard.h"
#include "views/PciDevicesView.h"
#include "views/ResourceManagerDashboard.h"
#include "sim/SimKernel.h"

#include <QCheckBox>
#include <QElapsedTimer>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QTableView>
#include <QTimer>

#include <cerrno>

using namespace passdeck;
using namespace passdeck::test;

namespace {
const QString kGpu = QStringLiteral("0000:17:00.0");
const QString kGpuAudio = QStringLiteral("0000:17:00.1");
const QString kBootVga = QStringLiteral("0000:02:00.0");
const QString kBridge = QStringLiteral("0000:00:1c.0");
const QString kNicDown = QStringLiteral("0000:18:00.1"); // node-a: i40e, link down, alone in its IOMMU group
const QString kPfWithVfs = QStringLiteral("0000:18:00.0"); // node-a: i40e with 4 VFs enabled
const QString kComputeB = QStringLiteral("0000:af:00.0"); // node-b: a 3D controller alone in its IOMMU group
} // namespace

class TestGuiMakeResource : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<GuiFixture> m_fx;

    GuiFixture &fx() { return *m_fx; }
    MainWindow &window() { return m_fx->window(); }

    // Main Dashboard -> Resources tile -> PCI Devices (all nodes).
    PciDevicesDashboard *pciFromResourceManager()
    {
        window().navigate(QStringLiteral("main"));
        auto *tile = child<DashboardTile>(window().currentDashboard(), QStringLiteral("tileResources"));
        if (!tile)
            return nullptr;
        QTest::mouseClick(tile, Qt::LeftButton);
        if (!window().current<ResourceManagerDashboard>() || !clickMenu(window(), QStringLiteral("menuPciDevices")))
            return nullptr;
        return window().current<PciDevicesDashboard>();
    }

    // Main Dashboard -> Nodes tile -> double-click the node -> PCI Devices of that node.
    PciDevicesDashboard *pciFromNode(const QString &node)
    {
        window().navigate(QStringLiteral("main"));
        QTest::mouseClick(child<DashboardTile>(window().currentDashboard(), QStringLiteral("tileNodes")), Qt::LeftButton);
        auto *table = child<QTableView>(window().currentDashboard(), QStringLiteral("nodesTable"));
        if (!table)
            return nullptr;
        for (int r = 0; r < table->model()->rowCount(); ++r) {
            const QModelIndex i = table->model()->index(r, 0);
            if (i.data().toString() == node) {
                const QPoint p = table->visualRect(i).center();
                QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, p);
                QTest::mouseDClick(table->viewport(), Qt::LeftButton, {}, p);
                break;
            }
        }
        if (!window().current<NodeDashboard>() || !clickMenu(window(), QStringLiteral("menuPciDevices")))
            return nullptr;
        return window().current<PciDevicesDashboard>();
    }

    // Clicks the rows of these devices as a user would: the first plainly, the others with Ctrl.
    int clickDevices(PciDevicesDashboard *d, const QString &node, const QStringList &addresses)
    {
        QTableView *table = d->devicesView()->table();
        const qint64 nodeId = fx().nodeId(node);
        int clicked = 0;
        for (const QString &address : addresses) {
            for (int r = 0; r < table->model()->rowCount(); ++r) {
                const QModelIndex i = table->model()->index(r, PciDeviceModel::SlotColumn);
                if (i.data(PciDeviceModel::AddressRole).toString() == address
                    && i.data(PciDeviceModel::NodeIdRole).toLongLong() == nodeId) {
                    table->scrollTo(i);
                    QTest::mouseClick(table->viewport(), Qt::LeftButton,
                                      clicked == 0 ? Qt::KeyboardModifiers() : Qt::ControlModifier,
                                      table->visualRect(i).center());
                    ++clicked;
                    break;
                }
            }
        }
        return clicked;
    }

    MakeResourceWizard *openWizard(PciDevicesDashboard *d)
    {
        if (!clickMenu(window(), QStringLiteral("menuMakeResource")))
            return nullptr;
        auto *w = d->findChild<MakeResourceWizard *>();
        if (w && !QTest::qWaitForWindowExposed(w))
            return nullptr;
        return w;
    }

    static bool chooseGroup(MakeResourceWizard *w, const QString &name)
    {
        auto *list = child<QListWidget>(w, QStringLiteral("groupChoiceList"));
        for (int i = 0; list && i < list->count(); ++i) {
            const bool isNew = list->item(i)->data(Qt::UserRole).toLongLong() < 0;
            if ((name.isEmpty() && isNew) || (!isNew && list->item(i)->data(Qt::UserRole + 1).toString() == name)) {
                list->setCurrentRow(i);
                return true;
            }
        }
        return false;
    }

    static QAbstractButton *button(MakeResourceWizard *w, QWizard::WizardButton b) { return w->button(b); }

    // Through the details page to the impact check, for a new group.
    static void newGroupDetails(MakeResourceWizard *w, const QString &name)
    {
        QVERIFY(chooseGroup(w, {}));
        QVERIFY(clickButton(button(w, QWizard::NextButton)));
        QCOMPARE(w->currentId(), int(MakeResourceWizard::DetailsPage));
        QTest::keyClicks(child<QLineEdit>(w, QStringLiteral("wizardNameEdit")), name);
        QVERIFY(clickButton(button(w, QWizard::NextButton)));
        QCOMPARE(w->currentId(), int(MakeResourceWizard::CheckPage));
        QTRY_VERIFY(!w->impactPage()->isChecking());
    }

    static void submitAndWait(MakeResourceWizard *w)
    {
        QVERIFY(clickButton(button(w, QWizard::CommitButton)));
        QCOMPARE(w->currentId(), int(MakeResourceWizard::ResultPage));
        QTRY_VERIFY_WITH_TIMEOUT(!w->applyPage()->isRunning(), 20000);
        QTRY_VERIFY(button(w, QWizard::FinishButton)->isEnabled());
    }

    void injectFault(const QString &node, const QString &pattern, int errnum, int count)
    {
        SimKernel kernel{HostRoot(fx().nodeRoot(node))};
        QVERIFY(kernel.injectFault(pattern, errnum, count).ok());
    }

private Q_SLOTS:
    void init()
    {
        m_fx = std::make_unique<GuiFixture>();
        QVERIFY2(m_fx->openBareNodes(), qPrintable(m_fx->error()));
    }

    void cleanup() { m_fx.reset(); }

    // Flow 1.1 from the Resource Manager into a new group: the GPU brings its audio function.
    void newGroupFromResourceManager()
    {
        PciDevicesDashboard *d = pciFromResourceManager();
        QVERIFY(d);
        QCOMPARE(d->argument(), qint64(0));
        QVERIFY(!d->makeResourceButton()->isEnabled());
        QCOMPARE(clickDevices(d, QStringLiteral("node-a"), {kGpu}), 1);
        QVERIFY(d->makeResourceButton()->isEnabled());
        // The audio function shares the GPU's IOMMU group: highlighted.
        PciDeviceModel *model = d->devicesView()->model();
        QTRY_VERIFY(model->isHighlighted(model->rowOf(fx().nodeId(QStringLiteral("node-a")), kGpuAudio)));

        MakeResourceWizard *w = openWizard(d);
        QVERIFY(w);
        newGroupDetails(w, QStringLiteral("PCI GPUs"));
        QVERIFY(w->impactPage()->summaryLabel()->text().contains(kGpuAudio));
        // The companion is a warning: Submit waits for the confirming tick.
        QCheckBox *confirm = w->impactPage()->confirmCheck();
        QVERIFY(confirm->isVisible());
        QVERIFY(!button(w, QWizard::CommitButton)->isEnabled());
        QTest::mouseClick(confirm, Qt::LeftButton, {}, QPoint(5, confirm->height() / 2));
        QVERIFY(confirm->isChecked());
        QVERIFY(button(w, QWizard::CommitButton)->isEnabled());
        submitAndWait(w);
        QVERIFY(w->applyPage()->succeeded());
        QVERIFY2(w->applyPage()->resultLabel()->text().contains(QStringLiteral("Resource rules were created for 2 device(s)")),
                 qPrintable(w->applyPage()->resultLabel()->text()));
        QVERIFY(clickButton(button(w, QWizard::FinishButton)));
        QTRY_VERIFY(!w->isVisible());
        QVERIFY(d->banner()->noticeText(QStringLiteral("result")).contains(QStringLiteral("Resource rules were created for 2 device(s)")));

        // The store: the group with both functions; the sysfs: both on vfio-pci.
        auto group = fx().service().findGroup(QStringLiteral("PCI GPUs"));
        QVERIFY(group);
        QCOMPARE(group->total, 1);      // one passthrough unit...
        QCOMPARE(group->functions, 2);  // ...of both functions
        QCOMPARE(group->groupClass, GroupClass::Gpu); // suggested from the selection's class
        for (const QString &a : {kGpu, kGpuAudio}) {
            const DeviceRecord dev = fx().device(QStringLiteral("node-a"), a);
            QCOMPARE(dev.groupId, group->id);
            QCOMPARE(dev.status, DeviceStatus::InResourceGroup);
            QCOMPARE(fx().driverOf(QStringLiteral("node-a"), a), QStringLiteral("vfio-pci"));
        }
        // node-b's GPUs are untouched.
        QCOMPARE(fx().driverOf(QStringLiteral("node-b"), QStringLiteral("0000:b0:00.0")), QStringLiteral("nvidia"));
        // The table shows it at once.
        const int row = model->rowOf(fx().nodeId(QStringLiteral("node-a")), kGpu);
        QCOMPARE(model->index(row, PciDeviceModel::ResourceGroupColumn).data().toString(), QStringLiteral("PCI GPUs"));
        QCOMPARE(model->index(row, PciDeviceModel::DriverColumn).data().toString(), QStringLiteral("vfio-pci"));
        // No reboot needed: no reboot banner.
        QVERIFY(!d->banner()->hasNotice(QStringLiteral("reboot")));
    }

    // Flow 1.1 from a node dashboard into an existing group: no details page, no warnings.
    void existingGroupFromNodeDashboard()
    {
        auto existing = fx().service().createGroup({QStringLiteral("PCI Compute"), QStringLiteral("Data-centre GPUs"), GroupClass::Accelerator});
        QVERIFY(existing);
        PciDevicesDashboard *d = pciFromNode(QStringLiteral("node-b"));
        QVERIFY(d);
        QCOMPARE(d->argument(), fx().nodeId(QStringLiteral("node-b")));
        QVERIFY(window().currentDashboard()->title().contains(QStringLiteral("PCI Devices")));
        const QString crumbs = child<QLabel>(&window(), QStringLiteral("breadcrumb"))->text();
        QVERIFY2(crumbs.contains(QStringLiteral("Nodes")) && crumbs.contains(QStringLiteral(">node-b<")), qPrintable(crumbs));
        QCOMPARE(clickDevices(d, QStringLiteral("node-b"), {kComputeB}), 1);
        MakeResourceWizard *w = openWizard(d);
        QVERIFY(w);
        QVERIFY(chooseGroup(w, QStringLiteral("PCI Compute")));
        QVERIFY(clickButton(button(w, QWizard::NextButton)));
        QCOMPARE(w->currentId(), int(MakeResourceWizard::CheckPage));
        QTRY_VERIFY(!w->impactPage()->isChecking());
        QVERIFY(!w->impactPage()->confirmCheck()->isVisible());
        submitAndWait(w);
        QVERIFY(w->applyPage()->resultLabel()->text().contains(QStringLiteral("Resource rules were created for 1 device(s)")));
        QVERIFY(clickButton(button(w, QWizard::FinishButton)));
        auto group = fx().service().group(existing->id);
        QVERIFY(group);
        QCOMPARE(group->total, 1);
        QCOMPARE(fx().device(QStringLiteral("node-b"), kComputeB).groupId, existing->id);
        QCOMPARE(fx().driverOf(QStringLiteral("node-b"), kComputeB), QStringLiteral("vfio-pci"));
        QCOMPARE(fx().driverOf(QStringLiteral("node-a"), kGpu), QStringLiteral("nvidia"));
        QCOMPARE(int(fx().service().groups()->size()), 1); // no stray group
    }

    void wizardValidation()
    {
        QVERIFY(fx().service().createGroup({QStringLiteral("PCI GPUs"), {}, GroupClass::Gpu}));
        PciDevicesDashboard *d = pciFromResourceManager();
        QVERIFY(d);
        QCOMPARE(clickDevices(d, QStringLiteral("node-a"), {kNicDown}), 1);
        MakeResourceWizard *w = openWizard(d);
        QVERIFY(w);
        QVERIFY(chooseGroup(w, {}));
        QVERIFY(clickButton(button(w, QWizard::NextButton)));
        auto *name = child<QLineEdit>(w, QStringLiteral("wizardNameEdit"));
        auto *problem = child<QLabel>(w, QStringLiteral("wizardNameError"));
        QVERIFY(name && problem);
        // Empty: Next stays disabled (no shouting before anything was typed).
        QVERIFY(!button(w, QWizard::NextButton)->isEnabled());
        QTest::keyClicks(name, QStringLiteral("   "));
        QVERIFY(!button(w, QWizard::NextButton)->isEnabled());
        QCOMPARE(problem->text(), QStringLiteral("A name is required."));
        QVERIFY(problem->isVisible());
        // Duplicate, whatever the case and the spaces around it.
        name->clear();
        QTest::keyClicks(name, QStringLiteral(" pci gpus "));
        QVERIFY(!button(w, QWizard::NextButton)->isEnabled());
        QVERIFY(problem->text().contains(QStringLiteral("already exists")));
        // A fresh name: fine.
        name->clear();
        QTest::keyClicks(name, QStringLiteral("PCI NICs"));
        QVERIFY(button(w, QWizard::NextButton)->isEnabled());
        QVERIFY(!problem->isVisible());
        // Type is PCI, the class was suggested from the selection (a NIC).
        QCOMPARE(w->field(QStringLiteral("type")).toString(), QStringLiteral("PCI"));
        QCOMPARE(w->newGroupSpec().groupClass, GroupClass::Network);
        w->close();
        QCOMPARE(int(fx().service().groups()->size()), 1);
    }

    void blockersStopSubmit_data()
    {
        QTest::addColumn<QStringList>("addresses");
        QTest::addColumn<QString>("code");
        // A boot VGA or a bridge no longer reaches the wizard: Make Resource is disabled for them
        // with the reason (tst_gui_nodestatus). A PF with VFs enabled is known only to the check.
        QTest::newRow("PF with VFs") << QStringList{kPfWithVfs} << QStringLiteral("vf-pf");
        QTest::newRow("PF with VFs among good devices") << QStringList{kNicDown, kPfWithVfs} << QStringLiteral("vf-pf");
    }

    void blockersStopSubmit()
    {
        QFETCH(QStringList, addresses);
        QFETCH(QString, code);
        PciDevicesDashboard *d = pciFromNode(QStringLiteral("node-a"));
        QVERIFY(d);
        QCOMPARE(clickDevices(d, QStringLiteral("node-a"), addresses), int(addresses.size()));
        MakeResourceWizard *w = openWizard(d);
        QVERIFY(w);
        newGroupDetails(w, QStringLiteral("Blocked"));
        bool found = false;
        QListWidget *findings = w->impactPage()->findingsList();
        for (int i = 0; i < findings->count(); ++i) {
            if (findings->item(i)->data(Qt::UserRole + 1).toString() == code) {
                found = true;
                QCOMPARE(findings->item(i)->data(Qt::UserRole).toInt(), int(Severity::Blocker));
                QVERIFY(findings->item(i)->text().startsWith(QStringLiteral("Blocker: ")));
            }
        }
        QVERIFY2(found, qPrintable(code));
        QVERIFY(!button(w, QWizard::CommitButton)->isEnabled());
        QVERIFY(w->impactPage()->blockedLabel()->text().contains(QStringLiteral("Submit is disabled")));
        // The Risks and Precautions link opens that page in the main window.
        Q_EMIT child<QLabel>(w, QStringLiteral("impactRisksLink"))->linkActivated(QStringLiteral("risks"));
        QCOMPARE(window().currentDashboard()->dashboardId(), QStringLiteral("risks"));
        // No tick can override a blocker.
        w->impactPage()->confirmCheck()->setChecked(true);
        QVERIFY(!button(w, QWizard::CommitButton)->isEnabled());
        w->close();
        // Nothing changed anywhere.
        QVERIFY(fx().service().groups()->isEmpty());
        QCOMPARE(fx().driverOf(QStringLiteral("node-a"), kBootVga), QStringLiteral("ast"));
        QCOMPARE(fx().driverOf(QStringLiteral("node-a"), kNicDown), QStringLiteral("i40e"));
        QCOMPARE(fx().driverOf(QStringLiteral("node-a"), kBridge), QStringLiteral("pcieport"));
        QCOMPARE(fx().driverOf(QStringLiteral("node-a"), kPfWithVfs), QStringLiteral("i40e"));
    }

    // A device busy past the retry: the change waits for the next boot, and the Resource
    // Manager and the node dashboard say which node must reboot, naming the devices.
    void rebootBanner()
    {
        injectFault(QStringLiteral("node-a"), QStringLiteral("sys/bus/pci/devices/%1/driver/unbind").arg(kGpu), EBUSY, 2);
        PciDevicesDashboard *d = pciFromResourceManager();
        QVERIFY(d);
        QCOMPARE(clickDevices(d, QStringLiteral("node-a"), {kGpu}), 1);
        MakeResourceWizard *w = openWizard(d);
        QVERIFY(w);
        newGroupDetails(w, QStringLiteral("PCI GPUs"));
        w->impactPage()->confirmCheck()->setChecked(true);
        submitAndWait(w);
        QVERIFY(w->applyPage()->succeeded());
        const QString result = w->applyPage()->resultLabel()->text();
        QVERIFY2(result.contains(QStringLiteral("Resource rules were created for 2 device(s)")), qPrintable(result));
        QVERIFY2(result.contains(QStringLiteral("must reboot")), qPrintable(result));
        QVERIFY(clickButton(button(w, QWizard::FinishButton)));

        auto node = fx().service().findNode(QStringLiteral("node-a"));
        QVERIFY(node && node->rebootRequired);
        QVERIFY(node->rebootDevices.contains(kGpu));
        QVERIFY(fx().device(QStringLiteral("node-a"), kGpu).rebootPending);
        QCOMPARE(fx().driverOf(QStringLiteral("node-a"), kGpu), QStringLiteral("nvidia")); // until the reboot

        window().navigate(QStringLiteral("resources"));
        Dashboard *rm = window().currentDashboard();
        QTRY_VERIFY(rm->banner()->hasNotice(QStringLiteral("reboot")));
        QString banner = rm->banner()->noticeText(QStringLiteral("reboot"));
        QVERIFY2(banner.contains(QStringLiteral("node-a")) && banner.contains(kGpu) && banner.contains(QStringLiteral("maintenance mode")),
                 qPrintable(banner));
        // The banner's node link opens the node dashboard, which says the same.
        Q_EMIT rm->banner()->noticeLabel(QStringLiteral("reboot"))->linkActivated(QStringLiteral("nav:node:%1").arg(node->id));
        auto *nd = window().current<NodeDashboard>();
        QVERIFY(nd);
        QVERIFY(nd->banner()->noticeText(QStringLiteral("reboot")).contains(kGpu));
        QVERIFY(!nd->banner()->noticeText(QStringLiteral("reboot")).contains(QStringLiteral("node-b")));
    }

    // The binder fails half way: the wizard shows its message, and nothing is left changed —
    // not the drivers, not the new group.
    void failureLeavesNothingChanged()
    {
        injectFault(QStringLiteral("node-a"), QStringLiteral("sys/bus/pci/drivers_probe"), EIO, 1);
        PciDevicesDashboard *d = pciFromResourceManager();
        QVERIFY(d);
        QCOMPARE(clickDevices(d, QStringLiteral("node-a"), {kGpu}), 1);
        MakeResourceWizard *w = openWizard(d);
        QVERIFY(w);
        newGroupDetails(w, QStringLiteral("PCI GPUs"));
        w->impactPage()->confirmCheck()->setChecked(true);
        submitAndWait(w);
        QVERIFY(!w->applyPage()->succeeded());
        const Error &error = w->applyPage()->outcome().error;
        QVERIFY(!error.what.isEmpty());
        const QString shown = w->applyPage()->resultLabel()->text();
        QVERIFY2(shown.contains(error.what.toHtmlEscaped()), qPrintable(shown));
        QVERIFY2(shown.contains(QStringLiteral("drivers_probe")), qPrintable(shown));
        QCOMPARE(w->applyPage()->title(), QStringLiteral("Nothing was changed"));
        QVERIFY(clickButton(button(w, QWizard::FinishButton)));
        QVERIFY(!d->banner()->hasNotice(QStringLiteral("result")));
        QVERIFY(!fx().service().findGroup(QStringLiteral("PCI GPUs")));
        QVERIFY(fx().service().groups()->isEmpty());
        QCOMPARE(fx().driverOf(QStringLiteral("node-a"), kGpu), QStringLiteral("nvidia"));
        QCOMPARE(fx().driverOf(QStringLiteral("node-a"), kGpuAudio), QStringLiteral("snd_hda_intel"));
        QCOMPARE(fx().device(QStringLiteral("node-a"), kGpu).status, DeviceStatus::InUseByHost);
        QVERIFY(!fx().service().findNode(QStringLiteral("node-a"))->rebootRequired);
    }

    // A slow apply runs on a worker thread: progress moves and the event loop keeps turning.
    void windowStaysResponsive()
    {
        {
            SimKernel kernel{HostRoot(fx().nodeRoot(QStringLiteral("node-a")))};
            QVERIFY(kernel.setWriteDelay(150).ok());
        }
        PciDevicesDashboard *d = pciFromResourceManager();
        QVERIFY(d);
        QCOMPARE(clickDevices(d, QStringLiteral("node-a"), {kGpu}), 1);
        MakeResourceWizard *w = openWizard(d);
        QVERIFY(w);
        newGroupDetails(w, QStringLiteral("PCI GPUs"));
        w->impactPage()->confirmCheck()->setChecked(true);
        int ticks = 0;
        QTimer timer;
        connect(&timer, &QTimer::timeout, this, [&ticks] { ++ticks; });
        timer.start(20);
        QVERIFY(clickButton(button(w, QWizard::CommitButton)));
        QVERIFY(w->applyPage()->isRunning());
        // Cancel and Escape cannot pull the window from under the worker.
        w->reject();
        QVERIFY(w->isVisible());
        QTRY_VERIFY(w->applyPage()->progressBar()->maximum() > 1);
        QTRY_VERIFY_WITH_TIMEOUT(!w->applyPage()->isRunning(), 30000);
        timer.stop();
        // ~8 writes of 150 ms: well over a second during which 20 ms ticks must keep coming.
        QVERIFY2(ticks > 20, qPrintable(QString::number(ticks)));
        QVERIFY(w->applyPage()->succeeded());
        QVERIFY(SimKernel{HostRoot(fx().nodeRoot(QStringLiteral("node-a")))}.setWriteDelay(0).ok());
        QCOMPARE(fx().driverOf(QStringLiteral("node-a"), kGpu), QStringLiteral("vfio-pci"));
    }
};

QTEST_MAIN(TestGuiMakeResource)
#include "tst_gui_makeresource.moc"
