// No dead ends that need the command line, driven through the real main window on the demo's
// simulated nodes: SR-IOV VF count from PCI Devices (impact first, blockers refuse, the sysfs
// and the store afterwards), Add Node (a refusal keeps the form), Move to Node for a stopped VM
// (refused while running and for a tenant without a tenant node there), and no promise of a
// force the windows do not have.
#include "GuiTestUtil.h"

#include "views/AddNodeDialog.h"
#include "views/ImpactPage.h"
#include "views/MakeResourceWizard.h"
#include "views/MoveVmDialog.h"
#include "views/NodesDashboard.h"
#include "models/PciDeviceModel.h"
#include "views/PciDevicesDashboard.h"
#include "views/PciDevicesView.h"
#include "views/SriovDialog.h"
#include "views/VmDashboard.h"

#include <QCheckBox>
#include <QComboBox>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPointer>
#include <QPushButton>
#include <QSpinBox>
#include <QTableView>

using namespace passdeck;
using namespace passdeck::test;

namespace {
const QString kPfWithVfs = QStringLiteral("0000:18:00.0"); // node-a: i40e, 4 VFs of 32
const QString kPfNoVfs = QStringLiteral("0000:18:00.1");   // node-a: i40e, 0 VFs of 32
const QString kGpu = QStringLiteral("0000:17:00.0");

// The text of every finding in a list, for wording checks.
QStringList texts(QListWidget *list)
{
    QStringList out;
    for (int i = 0; i < list->count(); ++i)
        out << list->item(i)->text();
    return out;
}

bool hasCode(QListWidget *list, const QString &code, Severity severity)
{
    for (int i = 0; i < list->count(); ++i)
        if (list->item(i)->data(Qt::UserRole + 1).toString() == code && list->item(i)->data(Qt::UserRole).toInt() == int(severity))
            return true;
    return false;
}
} // namespace

class TestGuiDeadEnds : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<GuiFixture> m_fx;
    GuiFixture &fx() { return *m_fx; }
    MainWindow &window() { return m_fx->window(); }

    QByteArray numVfs(const QString &pf)
    {
        return readRootFile(fx().nodeRoot(QStringLiteral("node-a")), QStringLiteral("sys/bus/pci/devices/%1/sriov_numvfs").arg(pf)).trimmed();
    }

    // node-a's PCI Devices with one device selected, then SR-IOV VFs… from the left menu.
    SriovDialog *openSriov(const QString &pf)
    {
        window().navigate(QStringLiteral("pci"), fx().nodeId(QStringLiteral("node-a")));
        auto *d = window().current<PciDevicesDashboard>();
        if (!d || d->devicesView()->selectAddresses({pf}, fx().nodeId(QStringLiteral("node-a"))) != 1)
            return nullptr;
        if (!clickMenu(window(), QStringLiteral("menuSriov")))
            return nullptr;
        // A closed dialog lingers until its deferred delete: take the one that is shown.
        for (auto *dialog : d->findChildren<SriovDialog *>()) {
            if (dialog->isVisible())
                return QTest::qWaitForWindowExposed(dialog) ? dialog : nullptr;
        }
        return nullptr;
    }

    bool storeHasPresent(const QString &address)
    {
        const DeviceRecord d = fx().device(QStringLiteral("node-a"), address);
        return d.id != 0 && d.present;
    }

private Q_SLOTS:
    void init()
    {
        m_fx = std::make_unique<GuiFixture>();
        QVERIFY2(m_fx->openBareNodes(), qPrintable(m_fx->error()));
    }
    void cleanup() { m_fx.reset(); }

    // A PF without VFs: set 2 from the GUI; the sysfs count and the store follow.
    void sriovSetCount()
    {
        SriovDialog *dialog = openSriov(kPfNoVfs);
        QVERIFY(dialog);
        QVERIFY(dialog->isUsable());
        QVERIFY2(dialog->stateLabel()->text().contains(QStringLiteral("0 of 32")), qPrintable(dialog->stateLabel()->text()));
        QVERIFY(!dialog->applyButton()->isEnabled());
        dialog->countSpin()->setValue(2);
        // Nothing goes away: no confirmation needed.
        QVERIFY(!dialog->confirmCheck()->isVisible());
        QVERIFY(dialog->applyButton()->isEnabled());
        QPointer<SriovDialog> guard(dialog);
        QVERIFY(clickButton(dialog->applyButton()));
        QTRY_VERIFY(!guard || !guard->isVisible());
        QCOMPARE(numVfs(kPfNoVfs), QByteArray("2"));
        auto state = fx().service().sriovState(fx().nodeId(QStringLiteral("node-a")), kPfNoVfs);
        QVERIFY(state);
        QCOMPARE(state->vfs.size(), 2);
        for (const QString &vf : state->vfs)
            QVERIFY2(storeHasPresent(vf), qPrintable(vf));
        auto *d = window().current<PciDevicesDashboard>();
        QVERIFY(d->banner()->noticeText(QStringLiteral("result")).contains(QStringLiteral("has 2 VF(s)")));
        // The new VFs are rows of the table at once.
        QVERIFY(d->devicesView()->model()->rowOf(fx().nodeId(QStringLiteral("node-a")), state->vfs.first()) >= 0);
        // The audit names it.
        auto audit = fx().service().audit(5);
        QVERIFY(audit && !audit->isEmpty());
        QCOMPARE(audit->first().action, QStringLiteral("node.sriov"));
    }

    // Removing VFs that a resource group uses is refused before anything is written; removing
    // unused ones asks first, then the old VFs leave the store.
    void sriovImpactFirst()
    {
        const qint64 nodeA = fx().nodeId(QStringLiteral("node-a"));
        auto before = fx().service().sriovState(nodeA, kPfWithVfs);
        QVERIFY(before);
        QCOMPARE(before->vfs.size(), 4);
        const QString usedVf = before->vfs.first();
        auto group = fx().service().createGroup({QStringLiteral("VFs"), {}, GroupClass::Network});
        QVERIFY(group);
        QVERIFY(fx().service().makeResource(group->id, nodeA, {usedVf}));

        SriovDialog *dialog = openSriov(kPfWithVfs);
        QVERIFY(dialog);
        QVERIFY(dialog->stateLabel()->text().contains(QStringLiteral("4 of 32")));
        dialog->countSpin()->setValue(0);
        QVERIFY(hasCode(dialog->findingsList(), QStringLiteral("vf-in-group"), Severity::Blocker));
        // On vfio-pci for the group: the node's own check says so too.
        QVERIFY(hasCode(dialog->findingsList(), QStringLiteral("vf-in-use"), Severity::Blocker));
        QVERIFY(texts(dialog->findingsList()).join(u' ').contains(QStringLiteral("VFs")));
        QVERIFY(!dialog->applyButton()->isEnabled());
        dialog->confirmCheck()->setChecked(true);
        QVERIFY(!dialog->applyButton()->isEnabled());
        // Nothing here promises a force or sends to the command line.
        for (const QString &t : texts(dialog->findingsList())) {
            QVERIFY2(!t.contains(QStringLiteral("force"), Qt::CaseInsensitive), qPrintable(t));
            QVERIFY2(!t.contains(QStringLiteral("passdeck-cli")), qPrintable(t));
        }
        // The service refuses as well, whatever the dialog shows.
        auto refused = fx().service().setVfCount(nodeA, kPfWithVfs, 0);
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, ErrorCode::Blocked);
        QCOMPARE(numVfs(kPfWithVfs), QByteArray("4"));
        dialog->close();

        // Out of the group: the VFs are unused; 4 -> 2 removes all four first and asks.
        window().navigate(QStringLiteral("main"));
        QVERIFY(fx().service().removeResource(nodeA, {usedVf}));
        dialog = openSriov(kPfWithVfs);
        QVERIFY(dialog);
        dialog->countSpin()->setValue(2);
        QCOMPARE(dialog->findingsList()->count() > 0, true);
        QVERIFY(dialog->confirmCheck()->isVisible());
        QVERIFY(!dialog->applyButton()->isEnabled());
        QTest::mouseClick(dialog->confirmCheck(), Qt::LeftButton, {}, QPoint(5, dialog->confirmCheck()->height() / 2));
        QVERIFY(dialog->applyButton()->isEnabled());
        QVERIFY(clickButton(dialog->applyButton()));
        QCOMPARE(numVfs(kPfWithVfs), QByteArray("2"));
        auto after = fx().service().sriovState(nodeA, kPfWithVfs);
        QVERIFY(after);
        QCOMPARE(after->vfs, before->vfs.mid(0, 2));
        QVERIFY(storeHasPresent(before->vfs.at(0)));
        QVERIFY(storeHasPresent(before->vfs.at(1)));
        // The VFs removed on purpose are not left behind as "missing" devices.
        QCOMPARE(fx().device(QStringLiteral("node-a"), before->vfs.at(3)).id, qint64(0));
        QCOMPARE(fx().service().node(nodeA)->flaggedDevices, 0);
    }

    // A device without SR-IOV: the dialog says so instead of offering a count.
    void sriovNotCapable()
    {
        SriovDialog *dialog = openSriov(kGpu);
        QVERIFY(dialog);
        QVERIFY(!dialog->isUsable());
        QVERIFY(dialog->messageLabel()->text().contains(QStringLiteral("not SR-IOV capable")));
        QVERIFY(!dialog->applyButton()->isEnabled());
    }

    void addNode()
    {
        QTemporaryDir dir;
        QJsonObject description = demoDescription(QStringLiteral("node-b"));
        description.insert(QStringLiteral("node"), QStringLiteral("node-c"));
        const QString root = buildSimRoot(dir, description, QStringLiteral("node-c"));
        QVERIFY(!root.isEmpty());

        window().navigate(QStringLiteral("nodes"));
        QVERIFY(clickMenu(window(), QStringLiteral("menuAddNode")));
        auto *dialog = window().currentDashboard()->findChild<AddNodeDialog *>();
        QVERIFY(dialog);
        QVERIFY(QTest::qWaitForWindowExposed(dialog));
        QVERIFY(!dialog->submitButton()->isEnabled());
        QVERIFY(dialog->browseButton()->isVisible());
        // A duplicate name: refused in the form, which keeps what was typed.
        QTest::keyClicks(dialog->nameEdit(), QStringLiteral("node-a"));
        QTest::keyClicks(dialog->rootEdit(), root);
        dialog->simulatedCheck()->setChecked(true);
        QVERIFY(clickButton(dialog->submitButton()));
        QVERIFY(dialog->isVisible());
        QVERIFY(dialog->messageLabel()->isVisible());
        QVERIFY2(dialog->messageLabel()->text().contains(QStringLiteral("already exists")), qPrintable(dialog->messageLabel()->text()));
        QCOMPARE(dialog->rootEdit()->text(), root);
        QVERIFY(dialog->simulatedCheck()->isChecked());
        QCOMPARE(fx().service().nodes()->size(), 2);
        // A directory that does not exist: refused too.
        dialog->nameEdit()->setText(QStringLiteral("node-c"));
        dialog->rootEdit()->setText(root + QStringLiteral("/nowhere"));
        QVERIFY(clickButton(dialog->submitButton()));
        QVERIFY(dialog->messageLabel()->text().contains(QStringLiteral("not a directory")));
        dialog->rootEdit()->setText(root);
        QVERIFY(clickButton(dialog->submitButton()));
        QTRY_VERIFY(window().currentDashboard()->findChild<AddNodeDialog *>() == nullptr
                    || !window().currentDashboard()->findChild<AddNodeDialog *>()->isVisible());
        auto added = fx().service().findNode(QStringLiteral("node-c"));
        QVERIFY(added);
        QVERIFY(added->simulated);
        QVERIFY(added->deviceCount > 0);
        auto *nodes = window().current<NodesDashboard>();
        QVERIFY(nodes);
        QCOMPARE(nodes->nodesTable()->model()->rowCount(), 3);
        QVERIFY(nodes->banner()->noticeText(QStringLiteral("result")).contains(QStringLiteral("node-c")));
    }

    void moveStoppedVm()
    {
        const qint64 nodeA = fx().nodeId(QStringLiteral("node-a"));
        const qint64 nodeB = fx().nodeId(QStringLiteral("node-b"));
        auto vm = fx().service().createVm(VmSpec{QStringLiteral("web"), {}, nodeA, 0, 0});
        QVERIFY(vm);
        QVERIFY(fx().service().powerOn(vm->id));
        window().navigate(QStringLiteral("vm"), vm->id);
        QVERIFY(clickMenu(window(), QStringLiteral("menuMoveVm")));
        auto *dialog = window().currentDashboard()->findChild<MoveVmDialog *>();
        QVERIFY(dialog);
        QVERIFY(QTest::qWaitForWindowExposed(dialog));
        QCOMPARE(dialog->nodeCombo()->count(), 1); // node-b only
        QCOMPARE(dialog->nodeCombo()->currentData().toLongLong(), nodeB);
        QVERIFY(dialog->noteLabel()->text().contains(QStringLiteral("running")));
        // Running: refused with the reason, nothing changes.
        QVERIFY(clickButton(dialog->submitButton()));
        QVERIFY(dialog->isVisible());
        QVERIFY2(dialog->messageLabel()->text().contains(QStringLiteral("is running")), qPrintable(dialog->messageLabel()->text()));
        QVERIFY(dialog->messageLabel()->text().contains(QStringLiteral("Power Off")));
        QCOMPARE(fx().service().vm(vm->id)->nodeId, nodeA);
        dialog->close();
        // Stopped: it moves.
        QVERIFY(fx().service().powerOff(vm->id));
        QVERIFY(clickMenu(window(), QStringLiteral("menuMoveVm")));
        dialog = nullptr;
        for (auto *d : window().currentDashboard()->findChildren<MoveVmDialog *>())
            if (d->isVisible())
                dialog = d;
        QVERIFY(dialog);
        QVERIFY(clickButton(dialog->submitButton()));
        QCOMPARE(fx().service().vm(vm->id)->nodeId, nodeB);
        auto *d = window().current<VmDashboard>();
        QVERIFY(d);
        QVERIFY(d->banner()->noticeText(QStringLiteral("result")).contains(QStringLiteral("node-b")));
        QVERIFY(child<QLabel>(d, QStringLiteral("vmNode"))->text().contains(QStringLiteral("node-b")));
    }

    void moveTenantVm()
    {
        const qint64 nodeA = fx().nodeId(QStringLiteral("node-a"));
        const qint64 nodeB = fx().nodeId(QStringLiteral("node-b"));
        auto tenant = fx().service().createTenant(QStringLiteral("acme"));
        QVERIFY(tenant);
        auto tnA = fx().service().addTenantNode(tenant->id, QStringLiteral("tn-a"), nodeA);
        QVERIFY(tnA);
        auto vm = fx().service().createVm(VmSpec{QStringLiteral("tv"), {}, nodeA, tenant->id, tnA->id});
        QVERIFY(vm);
        window().navigate(QStringLiteral("vm"), vm->id);
        QVERIFY(clickMenu(window(), QStringLiteral("menuMoveVm")));
        auto *dialog = window().currentDashboard()->findChild<MoveVmDialog *>();
        QVERIFY(dialog);
        QVERIFY(dialog->noteLabel()->text().contains(QStringLiteral("tenant node")));
        QVERIFY(clickButton(dialog->submitButton()));
        QVERIFY2(dialog->messageLabel()->text().contains(QStringLiteral("no tenant node")), qPrintable(dialog->messageLabel()->text()));
        QCOMPARE(fx().service().vm(vm->id)->nodeId, nodeA);
        auto tnB = fx().service().addTenantNode(tenant->id, QStringLiteral("tn-b"), nodeB);
        QVERIFY(tnB);
        QVERIFY(clickButton(dialog->submitButton()));
        QCOMPARE(fx().service().vm(vm->id)->nodeId, nodeB);
        QCOMPARE(fx().service().vm(vm->id)->tenantNodeId, tnB->id);
    }

    // The windows have no force: no finding or refusal they show promises one, and the PF
    // blocker names what to click instead of the command line.
    void noForceWording()
    {
        window().navigate(QStringLiteral("pci"), fx().nodeId(QStringLiteral("node-a")));
        auto *d = window().current<PciDevicesDashboard>();
        QVERIFY(d);
        QCOMPARE(d->devicesView()->selectAddresses({kPfWithVfs}, fx().nodeId(QStringLiteral("node-a"))), 1);
        QVERIFY(d->makeResourceButton()->isEnabled());
        MakeResourceWizard *w = d->makeResource();
        QVERIFY(w);
        QVERIFY(QTest::qWaitForWindowExposed(w));
        auto *list = child<QListWidget>(w, QStringLiteral("groupChoiceList"));
        list->setCurrentRow(0);
        w->next();
        QTest::keyClicks(child<QLineEdit>(w, QStringLiteral("wizardNameEdit")), QStringLiteral("NICs"));
        w->next();
        QCOMPARE(w->currentId(), int(MakeResourceWizard::CheckPage));
        QTRY_VERIFY(!w->impactPage()->isChecking());
        QVERIFY(hasCode(w->impactPage()->findingsList(), QStringLiteral("vf-pf"), Severity::Blocker));
        const QString all = texts(w->impactPage()->findingsList()).join(u'\n');
        QVERIFY2(all.contains(QStringLiteral("SR-IOV VFs")), qPrintable(all));
        QVERIFY2(!all.contains(QStringLiteral("force"), Qt::CaseInsensitive), qPrintable(all));
        QVERIFY(!w->impactPage()->blockedLabel()->text().contains(QStringLiteral("force"), Qt::CaseInsensitive));
        w->close();
        // The service's refusal of a forcible blocker does not ask to repeat with force.
        auto group = fx().service().createGroup({QStringLiteral("NICs"), {}, GroupClass::Network});
        QVERIFY(group);
        auto refused = fx().service().makeResource(group->id, fx().nodeId(QStringLiteral("node-a")), {kPfWithVfs});
        QVERIFY(!refused);
        QVERIFY2(!refused.error().hint.contains(QStringLiteral("force"), Qt::CaseInsensitive), qPrintable(refused.error().hint));
        QVERIFY2(!refused.error().why.contains(QStringLiteral("force the change")), qPrintable(refused.error().why));
    }
};

QTEST_MAIN(TestGuiDeadEnds)
#include "tst_gui_deadends.moc"
