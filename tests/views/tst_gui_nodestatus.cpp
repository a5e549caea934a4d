// Said before the wizard, through the real main window: a node without an IOMMU or vfio-pci
// says so in the Nodes list and in a banner on its dashboard; PCI Devices names what keeps a
// device with the host ("Boot VGA", "Root disk", "NIC eno1 up", a bridge) and keeps Make
// Resource disabled for it with the reason; the impact page's Leave Those Devices Out takes
// the blocked devices out of the selection and checks again.
#include "GuiTestUtil.h"

#include "views/ImpactPage.h"
#include "views/MakeResourceWizard.h"
#include "views/ApplyPage.h"
#include "views/NodeDashboard.h"
#include "models/NodeModel.h"
#include "views/NodesDashboard.h"
#include "models/PciDeviceModel.h"
#include "views/PciDevicesDashboard.h"
#include "views/PciDevicesView.h"

#include <QAction>
#include <QCheckBox>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QTableView>

using namespace passdeck;
using namespace passdeck::test;

namespace {
const QString kBootVga = QStringLiteral("0000:02:00.0");
const QString kRootDisk = QStringLiteral("0000:03:00.0"); // nvme0n1, its nvme0n1p2 is /
const QString kNicUp = QStringLiteral("0000:04:00.0");    // eno1, up
const QString kBridge = QStringLiteral("0000:00:1c.0");
const QString kDataDisk = QStringLiteral("0000:3b:00.0"); // nvme1n1, not mounted
const QString kGpu = QStringLiteral("0000:17:00.0");
const QString kGpuAudio = QStringLiteral("0000:17:00.1");
} // namespace

class TestGuiNodeStatus : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<GuiFixture> m_fx;
    GuiFixture &fx() { return *m_fx; }
    MainWindow &window() { return m_fx->window(); }

    PciDevicesDashboard *pciOf(const QString &node)
    {
        window().navigate(QStringLiteral("pci"), fx().nodeId(node));
        return window().current<PciDevicesDashboard>();
    }

    QString statusOf(PciDevicesDashboard *d, const QString &node, const QString &address)
    {
        PciDeviceModel *model = d->devicesView()->model();
        const int row = model->rowOf(fx().nodeId(node), address);
        return row < 0 ? QString() : model->index(row, PciDeviceModel::StatusColumn).data().toString();
    }

    QString nodeStatus(NodesDashboard *d, const QString &node)
    {
        QAbstractItemModel *m = d->nodesTable()->model();
        for (int r = 0; r < m->rowCount(); ++r)
            if (m->index(r, NodeModel::NameColumn).data().toString() == node)
                return m->index(r, NodeModel::StatusColumn).data().toString();
        return {};
    }

private Q_SLOTS:
    void init()
    {
        m_fx = std::make_unique<GuiFixture>();
        QVERIFY2(m_fx->openBareNodes(), qPrintable(m_fx->error()));
    }
    void cleanup() { m_fx.reset(); }

    // Like the real host with the IOMMU off and vfio-pci not loaded.
    void nodeThatCannotPassThrough()
    {
        QTemporaryDir dir;
        QJsonObject description = demoDescription(QStringLiteral("node-a"));
        description.insert(QStringLiteral("node"), QStringLiteral("bare"));
        description.insert(QStringLiteral("iommu"), false);
        description.insert(QStringLiteral("vfio_pci_loaded"), false);
        Error error;
        const QString root = buildSimRoot(dir, description, QStringLiteral("bare"), &error);
        QVERIFY2(!root.isEmpty(), qPrintable(error.message()));
        QVERIFY(!QFileInfo::exists(root + QStringLiteral("/sys/bus/pci/drivers/vfio-pci")));
        auto added = fx().service().addNode(QStringLiteral("bare"), root, true);
        QVERIFY2(added, added ? "" : qPrintable(added.error().message()));

        window().navigate(QStringLiteral("nodes"));
        auto *nodes = window().current<NodesDashboard>();
        QVERIFY(nodes);
        const QString bare = nodeStatus(nodes, QStringLiteral("bare"));
        QVERIFY2(bare.contains(QStringLiteral("Cannot pass through")) && bare.contains(QStringLiteral("no IOMMU"))
                     && bare.contains(QStringLiteral("vfio-pci not loaded")), qPrintable(bare));
        QCOMPARE(nodeStatus(nodes, QStringLiteral("node-a")), QStringLiteral("Ready"));

        window().navigate(QStringLiteral("node"), added->node.id);
        auto *dash = window().current<NodeDashboard>();
        QVERIFY(dash);
        QVERIFY(child<QLabel>(dash, QStringLiteral("nodeStatus"))->text().contains(QStringLiteral("Cannot pass through")));
        QVERIFY(dash->banner()->hasNotice(QStringLiteral("readiness")));
        const QString banner = dash->banner()->noticeText(QStringLiteral("readiness"));
        QVERIFY2(banner.contains(QStringLiteral("No IOMMU groups")) && banner.contains(QStringLiteral("intel_iommu=on"))
                     && banner.contains(QStringLiteral("vfio-pci driver is not loaded")), qPrintable(banner));
        // A node that can: no such banner.
        window().navigate(QStringLiteral("node"), fx().nodeId(QStringLiteral("node-a")));
        QVERIFY(!window().current<NodeDashboard>()->banner()->hasNotice(QStringLiteral("readiness")));

        // Its devices: Make Resource says why before the wizard.
        PciDevicesDashboard *d = pciOf(QStringLiteral("bare"));
        QVERIFY(d);
        QCOMPARE(d->devicesView()->selectAddresses({kGpu}, added->node.id), 1);
        QVERIFY(!d->makeResourceButton()->isEnabled());
        QVERIFY(d->makeResourceReason()->isVisible());
        QVERIFY2(d->makeResourceReason()->text().contains(QStringLiteral("node bare cannot pass devices through")),
                 qPrintable(d->makeResourceReason()->text()));
        QVERIFY(d->makeResource() == nullptr);
    }

    void hostUseReasons_data()
    {
        QTest::addColumn<QStringList>("addresses");
        QTest::addColumn<QString>("status");
        QTest::newRow("boot VGA") << QStringList{kBootVga} << QStringLiteral("Boot VGA");
        QTest::newRow("root disk") << QStringList{kRootDisk} << QStringLiteral("Root disk");
        QTest::newRow("NIC up") << QStringList{kNicUp} << QStringLiteral("NIC eno1 up");
        QTest::newRow("bridge") << QStringList{kBridge} << QStringLiteral("Bridge (host only)");
        QTest::newRow("boot VGA among good devices") << QStringList{kGpu, kBootVga} << QStringLiteral("Boot VGA");
    }

    void hostUseReasons()
    {
        QFETCH(QStringList, addresses);
        QFETCH(QString, status);
        PciDevicesDashboard *d = pciOf(QStringLiteral("node-a"));
        QVERIFY(d);
        const QString address = addresses.last();
        QCOMPARE(statusOf(d, QStringLiteral("node-a"), address), status);
        QCOMPARE(d->devicesView()->selectAddresses(addresses, fx().nodeId(QStringLiteral("node-a"))), int(addresses.size()));
        QVERIFY(!d->makeResourceButton()->isEnabled());
        QVERIFY(d->makeResourceReason()->isVisible());
        const QString reason = d->makeResourceReason()->text();
        QVERIFY2(reason.contains(address + QStringLiteral(": ") + status), qPrintable(reason));
        QCOMPARE(d->makeResourceButton()->toolTip(), reason);
        // Neither the menu, nor Ctrl+M, nor the table's context menu opens the wizard.
        QVERIFY(!clickMenu(window(), QStringLiteral("menuMakeResource")));
        QTest::keyClick(d->devicesView()->table(), Qt::Key_M, Qt::ControlModifier);
        QVERIFY(d->findChild<MakeResourceWizard *>() == nullptr);
        auto *action = d->devicesView()->table()->findChild<QAction *>(QStringLiteral("actionMakeResource"));
        QVERIFY(action && !action->isEnabled());
        // A plain device: enabled, no reason.
        QCOMPARE(statusOf(d, QStringLiteral("node-a"), kDataDisk), QStringLiteral("In use by host"));
        QCOMPARE(d->devicesView()->selectAddresses({kGpu}, fx().nodeId(QStringLiteral("node-a"))), 1);
        QVERIFY(d->makeResourceButton()->isEnabled());
        QVERIFY(!d->makeResourceReason()->isVisible());
        // Nothing changed on the node.
        QCOMPARE(fx().driverOf(QStringLiteral("node-a"), kBootVga), QStringLiteral("ast"));
        QCOMPARE(fx().driverOf(QStringLiteral("node-a"), kNicUp), QStringLiteral("igb"));
    }

    // A device already in a group among the selection: the impact page's button leaves it out,
    // checks again, and the rest goes through.
    void leaveThoseDevicesOut()
    {
        const qint64 nodeA = fx().nodeId(QStringLiteral("node-a"));
        auto disks = fx().service().createGroup({QStringLiteral("Disks"), {}, GroupClass::Storage});
        QVERIFY(disks);
        QVERIFY(fx().service().makeResource(disks->id, nodeA, {kDataDisk}));

        PciDevicesDashboard *d = pciOf(QStringLiteral("node-a"));
        QVERIFY(d);
        QCOMPARE(d->devicesView()->selectAddresses({kGpu, kDataDisk}, nodeA), 2);
        QVERIFY(d->makeResourceButton()->isEnabled());
        QVERIFY(clickMenu(window(), QStringLiteral("menuMakeResource")));
        auto *w = d->findChild<MakeResourceWizard *>();
        QVERIFY(w);
        QVERIFY(QTest::qWaitForWindowExposed(w));
        child<QListWidget>(w, QStringLiteral("groupChoiceList"))->setCurrentRow(0);
        QVERIFY(clickButton(w->button(QWizard::NextButton)));
        QTest::keyClicks(child<QLineEdit>(w, QStringLiteral("wizardNameEdit")), QStringLiteral("GPUs"));
        QVERIFY(clickButton(w->button(QWizard::NextButton)));
        QCOMPARE(w->currentId(), int(MakeResourceWizard::CheckPage));
        ImpactPage *page = w->impactPage();
        QTRY_VERIFY(!page->isChecking());
        QVERIFY(!w->button(QWizard::CommitButton)->isEnabled());
        QVERIFY(page->leaveOutButton()->isVisible());
        QVERIFY2(page->blockedLabel()->text().contains(QStringLiteral("Leave Those Devices Out")), qPrintable(page->blockedLabel()->text()));
        QVERIFY(clickButton(page->leaveOutButton()));
        QTRY_VERIFY(!page->isChecking());
        QCOMPARE(w->currentId(), int(MakeResourceWizard::CheckPage));
        QCOMPARE(w->selection().size(), 1);
        QCOMPARE(w->selection().first().address, kGpu);
        QVERIFY(!page->leaveOutButton()->isVisible());
        QVERIFY(!page->summaryLabel()->text().contains(kDataDisk));
        // The table follows: only the GPU is selected now.
        const QList<DeviceRecord> selected = d->devicesView()->selectedDevices();
        QCOMPARE(selected.size(), 1);
        QCOMPARE(selected.first().address, kGpu);
        // The GPU's audio function comes along (a warning): tick, Submit.
        QVERIFY(page->confirmCheck()->isVisible());
        page->confirmCheck()->setChecked(true);
        QVERIFY(clickButton(w->button(QWizard::CommitButton)));
        QTRY_VERIFY_WITH_TIMEOUT(!w->applyPage()->isRunning(), 20000);
        QVERIFY(w->applyPage()->succeeded());
        auto gpus = fx().service().findGroup(QStringLiteral("GPUs"));
        QVERIFY(gpus);
        QCOMPARE(fx().device(QStringLiteral("node-a"), kGpu).groupId, gpus->id);
        QCOMPARE(fx().device(QStringLiteral("node-a"), kGpuAudio).groupId, gpus->id);
        QCOMPARE(fx().device(QStringLiteral("node-a"), kDataDisk).groupId, disks->id);
        QCOMPARE(fx().driverOf(QStringLiteral("node-a"), kGpu), QStringLiteral("vfio-pci"));
        QCOMPARE(fx().driverOf(QStringLiteral("node-a"), kDataDisk), QStringLiteral("vfio-pci"));
        QVERIFY(clickButton(w->button(QWizard::FinishButton)));
    }
};

QTEST_MAIN(TestGuiNodeStatus)
#include "tst_gui_nodestatus.moc"
