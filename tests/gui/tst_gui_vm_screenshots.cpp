// The screenshots of flows 1.2 and 1.3 for docs/screenshots: the VM dashboard with its restart
// banner, the device entry form, the VM after its restart (allocated devices and snippets), and
// a tenant node's devices. Same switches as tst_gui_screenshots: PASSDECK_SCREENSHOTS_DIR=DIR
// writes them there (scripts/screenshots does, for docs/); without it they go to a temporary
// directory and the test only checks that each one rendered.
#include "tst_gui_vm_util.h"

#include "MachineDevicesDashboard.h"
#include "PciDeviceModel.h"
#include "TenantDashboard.h"
#include "TenantNodeDashboard.h"
#include "VmDashboard.h"

#include <QImage>
#include <QStyleFactory>

using namespace passdeck;
using namespace passdeck::test;

class TestVmScreenshots : public QObject
{
    Q_OBJECT

private:
    GuiFixture m_fx;
    QTemporaryDir m_scratch;
    QString m_dir;
    qint64 m_group = 0;
    qint64 m_vm = 0;
    QString m_node;
    QString m_other;

    void shoot(const QString &name, QWidget *widget)
    {
        const QString path = m_dir + QLatin1Char('/') + name + QStringLiteral(".png");
        QVERIFY2(saveShot(widget, path), qPrintable(path));
        QImage image(path);
        QVERIFY(!image.isNull());
        QVERIFY(image.width() > 300 && image.height() > 200);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
        m_dir = qEnvironmentVariable("PASSDECK_SCREENSHOTS_DIR");
        if (m_dir.isEmpty())
            m_dir = m_scratch.path();
        QVERIFY(QDir().mkpath(m_dir));
        QVERIFY2(m_fx.open(), qPrintable(m_fx.error()));
        QString error;
        QStringList addresses;
        m_group = makeFreeGroup(m_fx, QStringLiteral("Uplink VFs"), 4, &m_node, &m_other, &addresses, &error);
        QVERIFY2(m_group > 0, qPrintable(error));
        GroupSpec spec;
        spec.name = QStringLiteral("Uplink VFs");
        spec.description = QStringLiteral("Virtual functions of the uplink adapter");
        spec.groupClass = GroupClass::Network;
        QVERIFY(m_fx.service().editGroup(m_group, spec));
        auto vm = m_fx.service().createVm(VmSpec{QStringLiteral("ml-train-01"), QStringLiteral("Model training"),
                                                 m_fx.nodeId(m_node), 0, 0});
        QVERIFY(vm);
        m_vm = vm->id;
    }

    void cleanupTestCase() { m_fx.close(); }

    void deviceEntryForm()
    {
        auto *d = qobject_cast<VmDashboard *>(m_fx.window().navigate(QStringLiteral("vm"), m_vm));
        QVERIFY(d);
        DeviceEntryDialog *form = d->newDevice();
        QVERIFY(QTest::qWaitForWindowExposed(form));
        QVERIFY(chooseData(form->groupCombo(), m_group));
        form->descriptionEdit()->setText(QStringLiteral("Uplink and storage network"));
        form->countSpin()->setValue(2);
        form->adjustSize();
        shoot(QStringLiteral("device-entry-form"), form);
        QVERIFY(form->submit());
    }

    void vmDashboardBanner()
    {
        auto *d = m_fx.window().current<VmDashboard>();
        QVERIFY(d);
        QTRY_VERIFY(d->banner()->hasNotice(QStringLiteral("restart")));
        shoot(QStringLiteral("vm-dashboard"), &m_fx.window());
    }

    void vmDashboardRestarted()
    {
        auto *d = m_fx.window().current<VmDashboard>();
        d->restart();
        QTRY_VERIFY_WITH_TIMEOUT(!d->isBusy(), 20000);
        QVERIFY(!d->banner()->hasNotice(QStringLiteral("restart")));
        shoot(QStringLiteral("vm-dashboard-restarted"), &m_fx.window());
    }

    void tenantNodeDevices()
    {
        auto tenant = m_fx.service().createTenant(QStringLiteral("Globex"), QStringLiteral("Globex analytics team"));
        QVERIFY(tenant);
        auto node = m_fx.service().addTenantNode(tenant->id, QStringLiteral("globex-1"), m_fx.nodeId(m_node));
        QVERIFY(node);
        auto *d = qobject_cast<TenantNodeDashboard *>(m_fx.window().navigate(QStringLiteral("tenantnode"), node->id));
        QVERIFY(d);
        DeviceEntryDialog *form = d->newDevice();
        QVERIFY(chooseData(form->groupCombo(), m_group));
        form->nameEdit()->setText(QStringLiteral("Globex VFs"));
        form->countSpin()->setValue(2);
        shoot(QStringLiteral("tenant-device-entry-form"), form);
        QVERIFY(form->submit());
        QTRY_COMPARE(d->devicesModel()->rowCount(), 2);
        shoot(QStringLiteral("tenant-node-devices"), &m_fx.window());
    }

    // For looking, not for docs/: the other screens of the flows.
    void otherScreens()
    {
        if (!qEnvironmentVariableIntValue("PASSDECK_SCREENSHOTS_EXTRA"))
            QSKIP("PASSDECK_SCREENSHOTS_EXTRA not set");
        MainWindow &w = m_fx.window();
        auto tenant = m_fx.service().findTenant(QStringLiteral("Globex"));
        QVERIFY(tenant);
        auto node = m_fx.service().findTenantNode(tenant->id, QStringLiteral("globex-1"));
        auto vm = m_fx.service().createVm(VmSpec{QStringLiteral("globex-etl"), {}, 0, tenant->id, node->id});
        QVERIFY(vm);
        auto group = m_fx.service().findGroup(QStringLiteral("Globex VFs"), tenant->id);
        QVERIFY(m_fx.service().attach(AttachSpec{vm->id, group->id, 1, {}, {}}));
        w.navigate(QStringLiteral("vms"));
        shoot(QStringLiteral("vms"), &w);
        w.navigate(QStringLiteral("tenant"), tenant->id);
        shoot(QStringLiteral("tenant"), &w);
        w.navigate(QStringLiteral("groupmachines"), m_group);
        shoot(QStringLiteral("group-machine-devices"), &w);
        auto *md = qobject_cast<MachineDevicesDashboard *>(w.navigate(QStringLiteral("groupmachines"), group->id));
        DeviceEntryDialog *form = md->newDevice();
        auto tnB = m_fx.service().addTenantNode(tenant->id, QStringLiteral("globex-2"), m_fx.nodeId(m_other));
        QVERIFY(tnB);
        form->close();
        auto vmB = m_fx.service().createVm(VmSpec{QStringLiteral("globex-bi"), {}, 0, tenant->id, tnB->id});
        QVERIFY(vmB);
        form = md->newDevice();
        QVERIFY(chooseData(form->machineCombo(), vmB->id));
        form->countSpin()->setValue(1);
        shoot(QStringLiteral("device-entry-wrong-node"), form);
        form->close();
        auto *vmd = qobject_cast<VmDashboard *>(w.navigate(QStringLiteral("vm"), m_vm));
        form = vmd->newDevice();
        QVERIFY(chooseData(form->groupCombo(), m_group));
        form->countSpin()->setValue(3);
        shoot(QStringLiteral("device-entry-too-many"), form);
        form->close();
    }
};

QTEST_MAIN(TestVmScreenshots)
#include "tst_gui_vm_screenshots.moc"
