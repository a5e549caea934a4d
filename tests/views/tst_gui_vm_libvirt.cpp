// VMs are libvirt domains, through the real MainWindow (docs/libvirt.md, "VMs in Passdeck"):
// New VM defines a domain (vCPUs, memory) or adopts one; Power On / Restart write exactly the
// allocated devices into the domain and start it; Attach Now falls back to restart-needed with
// libvirt's reason; Power Off takes Passdeck's hostdevs out. Asserted on the store, the
// simulated sysfs and the domain (an in-memory hypervisor, FakeHypervisor.h). The VM dashboard
// on the demo's real test-driver domains is tst_gui_vm_screenshots' vm-dashboard-restarted.png.
#include "tst_gui_vm_util.h"

#include "FakeHypervisor.h"
#include "VmDomainXmlCheck.h"

#include "models/VmModel.h"
#include "views/VmCreateDialog.h"
#include "views/VmDashboard.h"
#include "views/VmListDashboard.h"

#include <QCheckBox>
#include <QLabel>
#include <QPlainTextEdit>

using namespace passdeck;
using namespace passdeck::test;

class TestGuiVmLibvirt : public QObject
{
    Q_OBJECT

private:
    GuiFixture m_fx;
    std::shared_ptr<FakeHypervisor> m_hv = std::make_shared<FakeHypervisor>();
    QString m_node;
    QString m_other;
    QStringList m_addresses;
    qint64 m_group = 0;

private Q_SLOTS:
    void initTestCase()
    {
        m_fx.wrapNodes = [hv = m_hv](NodeFactory inner) { return withFakeHypervisor(inner, hv); };
        QVERIFY2(m_fx.openBareNodes(), qPrintable(m_fx.error()));
        QString error;
        m_group = makeFreeGroup(m_fx, QStringLiteral("Test NICs"), 2, &m_node, &m_other, &m_addresses, &error);
        QVERIFY2(m_group > 0, qPrintable(error));
    }

    void newVmDefinesDomain()
    {
        MainWindow &w = m_fx.window();
        QVERIFY(w.navigate(QStringLiteral("vms")));
        auto *dialog = new VmCreateDialog(m_fx.service(), &w);
        dialog->show();
        QVERIFY(dialog->selectNode(m_fx.nodeId(m_node)));
        QTest::keyClicks(dialog->nameEdit(), QStringLiteral("gui-vm"));
        dialog->vcpusSpin()->setValue(4);
        dialog->memorySpin()->setValue(8192);
        QVERIFY(!dialog->adoptCheck()->isEnabled()); // no domain to adopt yet
        QVERIFY(clickButton(dialog->submitButton()));
        auto vm = m_fx.service().findVm(QStringLiteral("gui-vm"));
        QVERIFY(vm);
        QVERIFY(m_hv->domains.contains(QStringLiteral("gui-vm")));
        QCOMPARE(m_hv->domains.value(QStringLiteral("gui-vm")).vcpus, 4);
        QCOMPARE(m_hv->domains.value(QStringLiteral("gui-vm")).memoryMiB, qint64(8192));

        // A domain defined outside Passdeck is offered for adoption, and adopted.
        m_hv->add(QStringLiteral("outside-vm"), DomainState::Running);
        auto *adopt = new VmCreateDialog(m_fx.service(), &w);
        adopt->show();
        QVERIFY(adopt->selectNode(m_fx.nodeId(m_node)));
        QCOMPARE(adopt->domainCombo()->count(), 1);
        adopt->adoptCheck()->setChecked(true);
        QCOMPARE(adopt->nameEdit()->text(), QStringLiteral("outside-vm"));
        QVERIFY(!adopt->vcpusSpin()->isEnabled());
        QVERIFY(clickButton(adopt->submitButton()));
        QVERIFY(m_fx.service().findVm(QStringLiteral("outside-vm")));
        QVERIFY(!m_hv->calls.contains(QStringLiteral("define outside-vm")));

        // The list shows libvirt's state, vCPUs and memory.
        QVERIFY(w.navigate(QStringLiteral("vms")));
        auto *list = w.current<VmListDashboard>();
        QVERIFY(list);
        list->refresh();
        QAbstractItemModel *model = list->vmsTable()->model();
        bool seen = false;
        for (int r = 0; r < model->rowCount(); ++r) {
            if (model->index(r, VmModel::NameColumn).data().toString() != QLatin1String("gui-vm"))
                continue;
            seen = true;
            QCOMPARE(model->index(r, VmModel::PowerColumn).data().toString(), QStringLiteral("Shut off"));
            QCOMPARE(model->index(r, VmModel::VcpusColumn).data().toString(), QStringLiteral("4"));
            QCOMPARE(model->index(r, VmModel::MemoryColumn).data().toString(), QStringLiteral("8192 MiB"));
        }
        QVERIFY(seen);
    }

    void restartWritesDomain()
    {
        MainWindow &w = m_fx.window();
        const qint64 vmId = m_fx.service().findVm(QStringLiteral("gui-vm"))->id;
        QVERIFY(m_fx.service().attach(AttachSpec{vmId, m_group, 1, {}, {}}));
        QVERIFY(w.navigate(QStringLiteral("vm"), vmId));
        auto *vmd = w.current<VmDashboard>();
        QVERIFY(vmd);
        vmd->refresh();
        // The domain XML instead of snippets to copy.
        QVERIFY(vmd->domainXmlView()->isVisible());
        QVERIFY(vmd->domainXmlView()->isReadOnly());
        QVERIFY(!vmd->qemuSnippet()->isVisible());
        QVERIFY(vmd->domainXmlView()->toPlainText().contains(QStringLiteral("<name>gui-vm</name>")));

        QVERIFY(clickStartOrRestart(w));
        QTRY_VERIFY_WITH_TIMEOUT(!vmd->isBusy(), 20000);
        auto vm = m_fx.service().vm(vmId);
        QCOMPARE(vm->power, PowerState::On);
        QCOMPARE(vm->libvirtState, QStringLiteral("running"));
        QCOMPARE(vm->allocatedDeviceCount, 1);
        const QString address = m_fx.service().machineDevices(vmId)->first().allocated.first().address;
        QCOMPARE(m_fx.driverOf(m_node, address), QStringLiteral("vfio-pci"));
        QCOMPARE(m_hv->passdeckHostdevs(QStringLiteral("gui-vm")), QStringList{address});
        QCOMPARE(m_hv->domains.value(QStringLiteral("gui-vm")).state, DomainState::Running);
        const QString xml = vmd->domainXmlView()->toPlainText();
        QCOMPARE(xml.count(QStringLiteral("<hostdev ")), 1);
        QVERIFY(xml.contains(QStringLiteral("bus='0x%1'").arg(address.mid(5, 2))));
        QString why;
        QVERIFY2(validateDomainXml(xml, &why), qPrintable(why));
        QVERIFY(vmd->findChild<QLabel *>(QStringLiteral("vmState"))->text().contains(QStringLiteral("Running")));

        // A second device: Attach Now beside Restart; the hypervisor refuses, libvirt's reason shown.
        QVERIFY(m_fx.service().attach(AttachSpec{vmId, m_group, 1, {}, {}}));
        vmd->refresh();
        QVERIFY(vmd->banner()->noticeLabel(QStringLiteral("restart"))->text().contains(QStringLiteral("href=\"attach-now\"")));
        QVERIFY(clickMenu(w, QStringLiteral("menuAttachNow")));
        QTRY_VERIFY_WITH_TIMEOUT(!vmd->isBusy(), 20000);
        QVERIFY(m_fx.service().vm(vmId)->restartNeeded);
        QCOMPARE(m_fx.service().vm(vmId)->allocatedDeviceCount, 1);
        QVERIFY(vmd->banner()->hasNotice(QStringLiteral("restart")));

        // The shutdown timeout is set on the dashboard and reaches the node at the restart.
        vmd->shutdownTimeoutSpin()->setValue(7);
        vmd->applyShutdownTimeout();
        QCOMPARE(m_fx.service().vm(vmId)->shutdownTimeoutSec, 7);
        QVERIFY(clickMenu(w, QStringLiteral("menuRestart")));
        QTRY_VERIFY_WITH_TIMEOUT(!vmd->isBusy(), 20000);
        QCOMPARE(m_hv->lastShutdownTimeout, 7);
        QCOMPARE(m_hv->passdeckHostdevs(QStringLiteral("gui-vm")).size(), 2);
        QCOMPARE(m_fx.service().vm(vmId)->allocatedDeviceCount, 2);
    }

    void powerOffFreesDevices()
    {
        MainWindow &w = m_fx.window();
        const qint64 vmId = m_fx.service().findVm(QStringLiteral("gui-vm"))->id;
        QVERIFY(w.navigate(QStringLiteral("vm"), vmId));
        QVERIFY(clickMenu(w, QStringLiteral("menuPowerOff")));
        auto vm = m_fx.service().vm(vmId);
        QCOMPARE(vm->power, PowerState::Off);
        QCOMPARE(vm->libvirtState, QStringLiteral("shut-off"));
        QCOMPARE(vm->allocatedDeviceCount, 0);
        QVERIFY(m_hv->passdeckHostdevs(QStringLiteral("gui-vm")).isEmpty());
        QCOMPARE(m_hv->domains.value(QStringLiteral("gui-vm")).state, DomainState::ShutOff);
    }

    void foreignHostdevShown()
    {
        // outside-vm gets a hostdev Passdeck did not write: shown, and its device taken.
        m_hv->domains[QStringLiteral("outside-vm")].hostdevs = {DomainHostdev{m_addresses.first(), false, false}};
        QVERIFY(m_fx.service().refreshVms(0));
        MainWindow &w = m_fx.window();
        QVERIFY(w.navigate(QStringLiteral("vm"), m_fx.service().findVm(QStringLiteral("outside-vm"))->id));
        auto *vmd = w.current<VmDashboard>();
        vmd->refresh();
        const QString text = vmd->findChild<QLabel *>(QStringLiteral("vmForeignHostdevs"))->text();
        QVERIFY2(text.contains(m_addresses.first()) && text.contains(QStringLiteral("outside Passdeck")), qPrintable(text));
        QCOMPARE(m_fx.device(m_node, m_addresses.first()).foreignDomain, QStringLiteral("outside-vm"));
    }

    void cleanupTestCase() { m_fx.close(); }
};

QTEST_MAIN(TestGuiVmLibvirt)
#include "tst_gui_vm_libvirt.moc"
