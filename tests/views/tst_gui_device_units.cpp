// The device entry form counts passthrough units, through the real main window on the demo's
// simulated nodes: a GPU and its audio function are "1 GPU (2 functions)"; Count above the units a
// VM could get is refused with the reason; the VM being edited never counts its own devices as
// "in use by running VMs"; Submit and Restart give whole IOMMU groups (checked on the store and
// the simulated sysfs); names in the dropdowns are not cut.
#include "tst_gui_vm_util.h"

#include "views/MachineDevicesDashboard.h"
#include "views/TenantNodeDashboard.h"
#include "views/VmDashboard.h"

#include <QLabel>

using namespace passdeck;
using namespace passdeck::test;

namespace {
const QString gpu1 = QStringLiteral("0000:17:00.0");
const QString gpu1Audio = QStringLiteral("0000:17:00.1");
const QString gpu2 = QStringLiteral("0000:3c:00.0");
const QString gpu2Audio = QStringLiteral("0000:3c:00.1");
} // namespace

class TestGuiDeviceUnits : public QObject
{
    Q_OBJECT

private:
    GuiFixture m_fx;
    qint64 m_group = 0;
    qint64 m_render = 0;
    qint64 m_other = 0;

    DeviceEntryDialog *openFormForVm(qint64 vmId)
    {
        auto *vmd = qobject_cast<VmDashboard *>(m_fx.window().navigate(QStringLiteral("vm"), vmId));
        if (!vmd || !clickMenu(m_fx.window(), QStringLiteral("menuDevices"))
            || !clickButton(child<QPushButton>(vmd, QStringLiteral("newDeviceButton"))))
            return nullptr;
        return openDialog(vmd);
    }
    QStringList allocated(qint64 vmId)
    {
        QStringList out;
        const QList<MachineDevice> devices = *m_fx.service().machineDevices(vmId);
        for (const MachineDevice &m : devices)
            for (const AllocatedDevice &a : m.allocated)
                out << a.address;
        out.sort();
        return out;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(m_fx.open(), qPrintable(m_fx.error()));
        auto g = m_fx.service().createGroup(GroupSpec{QStringLiteral("GPUs"), {}, GroupClass::Gpu});
        QVERIFY(g);
        m_group = g->id;
        auto made = m_fx.service().makeResource(m_group, m_fx.nodeId(QStringLiteral("node-a")), {gpu1, gpu2});
        QVERIFY2(made, made ? "" : qPrintable(made.error().message()));
        m_render = m_fx.service().createVm(VmSpec{QStringLiteral("render-01"), {}, m_fx.nodeId(QStringLiteral("node-a")), 0, 0})->id;
        m_other = m_fx.service().createVm(VmSpec{QStringLiteral("ml-02"), {}, m_fx.nodeId(QStringLiteral("node-a")), 0, 0})->id;
        QVERIFY(m_render && m_other);
    }

    void countsInUnits()
    {
        DeviceEntryDialog *form = openFormForVm(m_render);
        QVERIFY(form);
        QVERIFY(chooseData(form->groupCombo(), m_group));
        QVERIFY2(form->groupCombo()->currentText().contains(QStringLiteral("2 GPUs (4 functions) free on node-a")),
                 qPrintable(form->groupCombo()->currentText()));
        QCOMPARE(form->availability().capacity, 2);
        QVERIFY2(form->availabilityLabel()->text().contains(QStringLiteral("Count 1 = 1 GPU (2 functions)")),
                 qPrintable(form->availabilityLabel()->text()));

        // Three GPUs are more than the node has: refused in the form, nothing stored.
        setCount(form->countSpin(), 3);
        QVERIFY(!form->submitButton()->isEnabled());
        QVERIFY2(form->messageLabel()->text().contains(QStringLiteral("can get only 2 GPUs (4 functions)")),
                 qPrintable(form->messageLabel()->text()));
        QVERIFY(m_fx.service().machineDevices(m_render)->isEmpty());

        setCount(form->countSpin(), 1);
        QVERIFY(form->submitButton()->isEnabled());
        QVERIFY(!form->messageLabel()->isVisible());
        typeInto(form->nameEdit(), QStringLiteral("gpu"));
        QVERIFY(clickButton(form->submitButton()));
        QTRY_VERIFY(!form->isVisible());
        const QList<MachineDevice> mds = *m_fx.service().machineDevices(m_render);
        QCOMPARE(mds.size(), 1);
        QCOMPARE(mds.first().count, 1);

        // The restart gives the whole unit: the GPU and its audio function, both on vfio-pci.
        auto *vmd = m_fx.window().current<VmDashboard>();
        QVERIFY(vmd);
        QVERIFY(clickStartOrRestart(m_fx.window()));
        QTRY_VERIFY_WITH_TIMEOUT(!vmd->isBusy(), 20000);
        QCOMPARE(allocated(m_render), (QStringList{gpu1, gpu1Audio}));
        QCOMPARE(m_fx.driverOf(QStringLiteral("node-a"), gpu1Audio), QStringLiteral("vfio-pci"));
        QCOMPARE(m_fx.service().group(m_group)->free, 1);
    }

    // The VM being edited holds a unit: that is its own, not "in use by running VMs".
    void ownDevicesNotCountedAgainstTheVm()
    {
        DeviceEntryDialog *form = openFormForVm(m_render);
        QVERIFY(form);
        QVERIFY(chooseData(form->groupCombo(), m_group));
        const GroupAvailability a = form->availability();
        QCOMPARE(a.own, 1);
        QCOMPARE(a.inUse, 0);
        QCOMPARE(a.claimed, 1);      // its machine device "gpu" takes one at the restart
        QCOMPARE(a.capacity, 1);
        QCOMPARE(a.free, 1);
        setCount(form->countSpin(), 1);
        QVERIFY(form->submitButton()->isEnabled());
        QVERIFY2(!form->messageLabel()->isVisible(), qPrintable(form->messageLabel()->text()));
        // Two more are more than the node has besides "gpu": the reason names the VM's own device.
        setCount(form->countSpin(), 2);
        QVERIFY(!form->submitButton()->isEnabled());
        QVERIFY2(form->messageLabel()->text().contains(QStringLiteral("other machine devices of the group already take 1")),
                 qPrintable(form->messageLabel()->text()));
        form->close();
    }

    // Another VM sees render-01's unit in use, with that reason.
    void otherVmSeesTheUnitInUse()
    {
        DeviceEntryDialog *form = openFormForVm(m_other);
        QVERIFY(form);
        QVERIFY(chooseData(form->groupCombo(), m_group));
        QCOMPARE(form->availability().inUse, 1);
        QCOMPARE(form->availability().free, 1);
        setCount(form->countSpin(), 2);
        QVERIFY(form->submitButton()->isEnabled());
        const QString message = form->messageLabel()->text();
        QVERIFY2(message.contains(QStringLiteral("Only 1 GPU (2 functions) free now"))
                     && message.contains(QStringLiteral("1 in use by other running VMs")),
                 qPrintable(message));
        setCount(form->countSpin(), 1);
        QVERIFY(clickButton(form->submitButton()));
        QTRY_VERIFY(!form->isVisible());
        auto *vmd = m_fx.window().current<VmDashboard>();
        QVERIFY(clickStartOrRestart(m_fx.window()));
        QTRY_VERIFY_WITH_TIMEOUT(!vmd->isBusy(), 20000);
        // Never a function of render-01's IOMMU group.
        QCOMPARE(allocated(m_other), (QStringList{gpu2, gpu2Audio}));
        QCOMPARE(allocated(m_render), (QStringList{gpu1, gpu1Audio}));
        QVERIFY(m_fx.service().splitIommuGroups()->isEmpty());
    }

    // From the group's View Machine Devices: the Machine dropdown shows whole names.
    void namesNotCut()
    {
        MainWindow &w = m_fx.window();
        QVERIFY(w.navigate(QStringLiteral("group"), m_group));
        QVERIFY(clickMenu(w, QStringLiteral("menuViewMachineDevices")));
        auto *md = w.current<MachineDevicesDashboard>();
        QVERIFY(md);
        QVERIFY(clickButton(child<QPushButton>(md, QStringLiteral("newMachineDeviceButton"))));
        DeviceEntryDialog *form = openDialog(md);
        QVERIFY(form);
        QTest::qWait(0);
        for (QComboBox *combo : {form->machineCombo(), form->groupCombo()}) {
            const int needed = combo->fontMetrics().horizontalAdvance(combo->currentText());
            QVERIFY2(combo->width() > needed, qPrintable(QStringLiteral("%1 is %2 px wide for '%3' (%4 px)")
                                                             .arg(combo->objectName()).arg(combo->width())
                                                             .arg(combo->currentText()).arg(needed)));
        }
        form->close();
    }

    // Pass to Tenant: units too, and a pass takes the whole group.
    void tenantPassInUnits()
    {
        auto t = m_fx.service().createTenant(QStringLiteral("Acme"));
        auto tn = m_fx.service().addTenantNode(t->id, QStringLiteral("acme-a"), m_fx.nodeId(QStringLiteral("node-a")));
        QVERIFY(tn);
        QVERIFY(m_fx.service().powerOff(m_other));
        auto *tnd = qobject_cast<TenantNodeDashboard *>(m_fx.window().navigate(QStringLiteral("tenantnode"), tn->id));
        QVERIFY(tnd);
        QVERIFY(clickMenu(m_fx.window(), QStringLiteral("menuDevices")));
        QVERIFY(clickMenu(m_fx.window(), QStringLiteral("menuNewDevice")));
        DeviceEntryDialog *form = openDialog(tnd);
        QVERIFY(form);
        QVERIFY(chooseData(form->groupCombo(), m_group));
        QVERIFY2(form->groupCombo()->currentText().contains(QStringLiteral("1 GPU (2 functions) free on node-a")),
                 qPrintable(form->groupCombo()->currentText()));
        setCount(form->countSpin(), 2);
        QVERIFY(!form->submitButton()->isEnabled());
        QVERIFY2(form->messageLabel()->text().contains(QStringLiteral("1 unit(s) are in use by running VMs")),
                 qPrintable(form->messageLabel()->text()));
        setCount(form->countSpin(), 1);
        typeInto(form->nameEdit(), QStringLiteral("Acme GPUs"));
        QVERIFY(clickButton(form->submitButton()));
        QTRY_VERIFY(!form->isVisible());
        auto pool = m_fx.service().findGroup(QStringLiteral("Acme GPUs"), t->id);
        QVERIFY(pool);
        QCOMPARE(pool->total, 1);
        QCOMPARE(pool->functions, 2);
        QStringList addresses;
        const QList<DeviceRecord> members = *m_fx.service().groupDevices(pool->id);
        for (const DeviceRecord &d : members)
            addresses << d.address;
        addresses.sort();
        QCOMPARE(addresses, (QStringList{gpu2, gpu2Audio}));
    }

    void cleanupTestCase() { m_fx.close(); }
};

QTEST_MAIN(TestGuiDeviceUnits)
#include "tst_gui_device_units.moc"
