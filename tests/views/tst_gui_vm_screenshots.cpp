// The screenshots of flows 1.2 and 1.3 for docs/screenshots, on the demo README command 1 opens
// (its seeded groups, VMs and tenant): the device entry form, the VM dashboard with its restart
// banner, the VM after its restart (allocated devices and snippets), the tenant node form and
// the tenant node's devices. scripts/screenshots runs it with PASSDECK_SCREENSHOTS_DIR (and
// PASSDECK_SCREENSHOTS_EXTRA / _DARK); without it the PNGs go to a temporary directory and the
// test only checks that each one rendered.
#include "tst_gui_vm_util.h"

#include "views/MachineDevicesDashboard.h"
#include "models/ResourceGroupModel.h"
#include "views/TenantNodeDashboard.h"
#include "views/VmDashboard.h"

#include <QImage>
#include <QPalette>
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

    void shoot(const QString &name, QWidget *widget)
    {
        const QString path = m_dir + QLatin1Char('/') + name + QStringLiteral(".png");
        QVERIFY2(saveShot(widget, path), qPrintable(path));
        QImage image(path);
        QVERIFY(!image.isNull());
        QVERIFY(image.width() > 300 && image.height() > 200);
    }

    // The seeded demo's objects, by the names DemoEnvironment::seed() gives them.
    qint64 vmId(const QString &name)
    {
        auto vm = m_fx.service().findVm(name);
        return vm ? vm->id : 0;
    }
    qint64 groupId(const QString &name, qint64 tenantId = 0)
    {
        auto g = m_fx.service().findGroup(name, tenantId);
        return g ? g->id : 0;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
        if (qEnvironmentVariableIntValue("PASSDECK_SCREENSHOTS_DARK"))
            QApplication::setPalette(darkPalette());
        m_dir = qEnvironmentVariable("PASSDECK_SCREENSHOTS_DIR");
        if (m_dir.isEmpty())
            m_dir = m_scratch.path();
        QVERIFY(QDir().mkpath(m_dir));
        QVERIFY2(m_fx.open({}, DemoContent::Seeded), qPrintable(m_fx.error()));
    }

    void cleanupTestCase() { m_fx.close(); }

    // A new VM on node-b gets a GPU.
    void deviceEntryForm()
    {
        auto vm = m_fx.service().createVm(VmSpec{QStringLiteral("transcode-01"), QStringLiteral("Video transcoding"),
                                                 m_fx.nodeId(QStringLiteral("node-b")), 0, 0});
        QVERIFY(vm);
        const qint64 web = vm->id;
        auto *d = qobject_cast<VmDashboard *>(m_fx.window().navigate(QStringLiteral("vm"), web));
        QVERIFY(d);
        DeviceEntryDialog *form = d->newDevice();
        QVERIFY(QTest::qWaitForWindowExposed(form));
        QVERIFY(chooseData(form->groupCombo(), groupId(QStringLiteral("GPUs"))));
        form->descriptionEdit()->setText(QStringLiteral("GPU for video transcoding"));
        form->countSpin()->setValue(1);
        QVERIFY(form->submitButton()->isEnabled());
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
        d->banner()->clearNotice(QStringLiteral("result"));
        d->restart();
        QTRY_VERIFY_WITH_TIMEOUT(!d->isBusy(), 20000);
        QVERIFY2(!d->banner()->hasNotice(QStringLiteral("restart")), qPrintable(d->banner()->noticeText(QStringLiteral("result"))));
        shoot(QStringLiteral("vm-dashboard-restarted"), &m_fx.window());
    }

    // Acme Corp's tenant node acme-a (node-a) gets the GPU render-01 does not use.
    void tenantNodeDevices()
    {
        auto tenant = m_fx.service().findTenant(QStringLiteral("Acme Corp"));
        QVERIFY(tenant);
        auto node = m_fx.service().findTenantNode(tenant->id, QStringLiteral("acme-a"));
        QVERIFY(node);
        auto *d = qobject_cast<TenantNodeDashboard *>(m_fx.window().navigate(QStringLiteral("tenantnode"), node->id));
        QVERIFY(d);
        DeviceEntryDialog *form = d->newDevice();
        QVERIFY(QTest::qWaitForWindowExposed(form));
        QVERIFY(chooseData(form->groupCombo(), groupId(QStringLiteral("GPUs"))));
        form->nameEdit()->setText(QStringLiteral("Acme GPUs"));
        form->descriptionEdit()->setText(QStringLiteral("A GPU and its audio function for Acme"));
        form->countSpin()->setValue(1);   // one passthrough unit: the GPU and its audio function
        QVERIFY(form->submitButton()->isEnabled());
        shoot(QStringLiteral("tenant-device-entry-form"), form);
        QVERIFY(form->submit());
        QTRY_COMPARE(d->groupsModel()->rowCount(), 2);
        shoot(QStringLiteral("tenant-node-devices"), &m_fx.window());
    }

    // For looking, not for docs/: the other screens of the flows and the form's refusals.
    void otherScreens()
    {
        if (!qEnvironmentVariableIntValue("PASSDECK_SCREENSHOTS_EXTRA"))
            QSKIP("PASSDECK_SCREENSHOTS_EXTRA not set");
        MainWindow &w = m_fx.window();
        auto tenant = m_fx.service().findTenant(QStringLiteral("Acme Corp"));
        QVERIFY(tenant);
        w.navigate(QStringLiteral("vms"));
        shoot(QStringLiteral("vms"), &w);
        w.navigate(QStringLiteral("tenants"));
        shoot(QStringLiteral("tenants"), &w);
        w.navigate(QStringLiteral("tenant"), tenant->id);
        shoot(QStringLiteral("tenant"), &w);
        auto *md = qobject_cast<MachineDevicesDashboard *>(w.navigate(QStringLiteral("groupmachines"), groupId(QStringLiteral("GPUs"))));
        QVERIFY(md);
        shoot(QStringLiteral("group-machine-devices"), &w);

        // A tenant VM on another tenant node than the group's devices.
        auto tnB = m_fx.service().addTenantNode(tenant->id, QStringLiteral("acme-b"), m_fx.nodeId(QStringLiteral("node-b")));
        QVERIFY(tnB);
        auto vmB = m_fx.service().createVm(VmSpec{QStringLiteral("acme-app-02"), {}, 0, tenant->id, tnB->id});
        QVERIFY(vmB);
        md = qobject_cast<MachineDevicesDashboard *>(
            w.navigate(QStringLiteral("groupmachines"), groupId(QStringLiteral("Acme VFs"), tenant->id)));
        QVERIFY(md);
        DeviceEntryDialog *form = md->newDevice();
        QVERIFY(chooseData(form->machineCombo(), vmB->id));
        shoot(QStringLiteral("device-entry-wrong-node"), form);
        form->close();

        // More than a host VM can get: the tenant's devices do not count.
        auto *vmd = qobject_cast<VmDashboard *>(w.navigate(QStringLiteral("vm"), vmId(QStringLiteral("render-01"))));
        QVERIFY(vmd);
        shoot(QStringLiteral("vm-dashboard-render"), &w);
        form = vmd->newDevice();
        QVERIFY(chooseData(form->groupCombo(), groupId(QStringLiteral("NIC VFs"))));
        form->countSpin()->setValue(4);
        shoot(QStringLiteral("device-entry-too-many"), form);
        form->close();
    }
};

QTEST_MAIN(TestVmScreenshots)
#include "tst_gui_vm_screenshots.moc"
