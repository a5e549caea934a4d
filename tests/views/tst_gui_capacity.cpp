// Capacity is counted once, in the service: with a device whose ids changed at a refresh, the
// device entry form offers exactly the Count attach accepts, and the group's dashboards count the
// same free units as the form (through the real main window on the demo's simulated nodes; the
// store is checked afterwards).
#include "tst_gui_vm_util.h"

#include "views/MachineDevicesDashboard.h"
#include "views/VmDashboard.h"

#include <QFile>
#include <QLabel>

using namespace passdeck;
using namespace passdeck::test;

namespace {
const QString gpu1 = QStringLiteral("0000:17:00.0");
const QString gpu2 = QStringLiteral("0000:3c:00.0");
const QString gpu2Audio = QStringLiteral("0000:3c:00.1");
} // namespace

class TestGuiCapacity : public QObject
{
    Q_OBJECT

private:
    GuiFixture m_fx;
    qint64 m_group = 0;
    qint64 m_vm = 0;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(m_fx.open(), qPrintable(m_fx.error()));
        const qint64 nodeA = m_fx.nodeId(QStringLiteral("node-a"));
        auto g = m_fx.service().createGroup(GroupSpec{QStringLiteral("GPUs"), {}, GroupClass::Gpu});
        QVERIFY(g);
        m_group = g->id;
        auto made = m_fx.service().makeResource(m_group, nodeA, {gpu1, gpu2});
        QVERIFY2(made, made ? "" : qPrintable(made.error().message()));
        auto vm = m_fx.service().createVm(VmSpec{QStringLiteral("render-01"), {}, nodeA, 0, 0});
        QVERIFY(vm);
        m_vm = vm->id;
        // The second GPU's audio function is another card now: a refresh flags it.
        QFile id(m_fx.nodeRoot(QStringLiteral("node-a")) + QStringLiteral("/sys/bus/pci/devices/%1/device").arg(gpu2Audio));
        QVERIFY(id.open(QIODevice::WriteOnly | QIODevice::Truncate));
        id.write("0x1572\n");
        id.close();
        auto refreshed = m_fx.service().refreshNode(nodeA);
        QVERIFY2(refreshed, refreshed ? "" : qPrintable(refreshed.error().message()));
        QCOMPARE(refreshed->idsChanged, QStringList{gpu2Audio});
    }

    void formOffersWhatAttachAccepts()
    {
        auto *vmd = qobject_cast<VmDashboard *>(m_fx.window().navigate(QStringLiteral("vm"), m_vm));
        QVERIFY(vmd);
        QVERIFY(clickMenu(m_fx.window(), QStringLiteral("menuDevices")));
        QVERIFY(clickButton(child<QPushButton>(vmd, QStringLiteral("newDeviceButton"))));
        DeviceEntryDialog *form = openDialog(vmd);
        QVERIFY(form);
        QVERIFY(chooseData(form->groupCombo(), m_group));
        // One unit left: the changed one is left out, with the reason.
        QCOMPARE(form->availability().capacity, 1);
        QCOMPARE(form->availability().flagged, 1);
        setCount(form->countSpin(), 2);
        QVERIFY(!form->submitButton()->isEnabled());
        QVERIFY2(form->messageLabel()->text().contains(QStringLiteral("ids changed")), qPrintable(form->messageLabel()->text()));
        // The service refuses that Count too (nothing stored)...
        QVERIFY(!m_fx.service().attach(AttachSpec{m_vm, m_group, 2, {}, {}}));
        QVERIFY(m_fx.service().machineDevices(m_vm)->isEmpty());
        // ...and the Count the form offers, it accepts.
        setCount(form->countSpin(), 1);
        QVERIFY(form->submitButton()->isEnabled());
        typeInto(form->nameEdit(), QStringLiteral("gpu"));
        QVERIFY(clickButton(form->submitButton()));
        QTRY_VERIFY(!form->isVisible());
        const QList<MachineDevice> mds = *m_fx.service().machineDevices(m_vm);
        QCOMPARE(mds.size(), 1);
        QCOMPARE(mds.first().count, 1);
    }

    // The group's own count (Resource Manager, group and machine devices dashboards) leaves the
    // changed unit out as the form does: one unit free, not two.
    void dashboardsCountAsTheFormDoes()
    {
        auto g = m_fx.service().group(m_group);
        QVERIFY(g);
        auto a = m_fx.service().availabilityForVm(m_vm, m_group);
        QVERIFY(a);
        // The VM's machine device claims one at its restart; free for anybody now is one unit.
        QCOMPARE(g->free, a->free + a->claimed);
        QCOMPARE(g->free, 1);
        MainWindow &w = m_fx.window();
        QVERIFY(w.navigate(QStringLiteral("group"), m_group));
        QVERIFY(clickMenu(w, QStringLiteral("menuViewMachineDevices")));
        auto *md = w.current<MachineDevicesDashboard>();
        QVERIFY(md);
        auto *subtitle = child<QLabel>(md, QStringLiteral("dashboardSubtitle"));
        QVERIFY(subtitle);
        QVERIFY2(subtitle->text().contains(QStringLiteral(", 1 free, 0 in use")), qPrintable(subtitle->text()));
    }

    // A stopped VM moves only where its Count is possible, counted as attach counts it
    // (PassthroughUnits::forVm): on node-b the group has nothing, so the move is refused.
    void moveCountsAsAttachDoes()
    {
        const qint64 nodeB = m_fx.nodeId(QStringLiteral("node-b"));
        Status moved = m_fx.service().moveVm(m_vm, nodeB);
        QVERIFY(!moved);
        QCOMPARE(moved.error().code, ErrorCode::NotEnoughDevices);
        QCOMPARE(m_fx.service().vm(m_vm)->nodeId, m_fx.nodeId(QStringLiteral("node-a")));
    }

    void cleanupTestCase() { m_fx.close(); }
};

QTEST_MAIN(TestGuiCapacity)
#include "tst_gui_capacity.moc"
