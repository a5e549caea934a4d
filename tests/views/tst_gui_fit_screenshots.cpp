// The window at the two sizes an administrator is likely to have: 1024x768 (a small laptop, a
// KVM console) and 1400x900. Written to docs/screenshots/fit-<width>-<name>.png by
// scripts/screenshots; without PASSDECK_SCREENSHOTS_DIR the test only checks each one renders
// at that size. The seeded demo, as `passdeck` opens it.
#include "GuiTestUtil.h"

#include "views/NodeDashboard.h"
#include "models/PciDeviceModel.h"
#include "views/PciDevicesDashboard.h"
#include "views/PciDevicesView.h"

#include <QLabel>
#include <QCheckBox>
#include <QLineEdit>
#include <QImage>
#include <QStyleFactory>

using namespace passdeck;
using namespace passdeck::test;

class TestFitScreenshots : public QObject
{
    Q_OBJECT

    GuiFixture m_fx;
    QTemporaryDir m_scratch;
    QString m_dir;

    void shootAt(const QSize &size, const QString &name)
    {
        MainWindow &w = m_fx.window();
        w.resize(size);
        QApplication::processEvents();
        QCOMPARE(w.size(), size);   // no dashboard made it grow
        const QString path = QStringLiteral("%1/fit-%2-%3.png").arg(m_dir).arg(size.width()).arg(name);
        QVERIFY2(saveShot(&w, path), qPrintable(path));
        const QImage image(path);
        QCOMPARE(image.size(), size * image.devicePixelRatio());
    }

private Q_SLOTS:
    void initTestCase()
    {
        QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
        m_dir = qEnvironmentVariable("PASSDECK_SCREENSHOTS_DIR");
        if (m_dir.isEmpty())
            m_dir = m_scratch.path();
        QVERIFY(QDir().mkpath(m_dir));
        QVERIFY2(m_fx.open({}, DemoContent::Seeded), qPrintable(m_fx.error()));
    }

    void sizes_data()
    {
        QTest::addColumn<QSize>("size");
        QTest::newRow("1024x768") << QSize(1024, 768);
        QTest::newRow("1400x900") << QSize(1400, 900);
    }

    void sizes()
    {
        QFETCH(QSize, size);
        MainWindow &w = m_fx.window();
        w.resize(size);
        w.navigate(QStringLiteral("main"));
        shootAt(size, QStringLiteral("main-dashboard"));

        // All nodes' devices, node-b's ConnectX-5 PF with its VFs in view.
        auto *pci = qobject_cast<PciDevicesDashboard *>(w.navigate(QStringLiteral("pci"), 0));
        QVERIFY(pci);
        QTRY_VERIFY(pci->devicesView()->model()->rowCount() > 0);
        pci->devicesView()->filterEdit()->setText(QStringLiteral("5e:00"));
        shootAt(size, QStringLiteral("pci-devices"));
        pci->devicesView()->filterEdit()->clear();

        // Maintenance mode asked for while two VMs run on node-a.
        auto *node = qobject_cast<NodeDashboard *>(w.navigate(QStringLiteral("node"), m_fx.nodeId(QStringLiteral("node-a"))));
        QVERIFY(node);
        node->setMaintenance(true);
        QVERIFY(node->banner()->hasNotice(QStringLiteral("confirm")));
        shootAt(size, QStringLiteral("node-maintenance-confirm"));
        Q_EMIT node->banner()->linkActivated(QStringLiteral("cancel-maintenance"));

        w.navigate(QStringLiteral("vm"), m_fx.service().findVm(QStringLiteral("render-01"))->id);
        // Its one requested GPU came with its audio function: one device, two PCI functions.
        auto *summary = w.findChild<QLabel *>(QStringLiteral("vmDeviceSummary"));
        QVERIFY(summary);
        QCOMPARE(summary->text(), QStringLiteral("1 of 1 requested device(s) allocated (2 PCI function(s)), in 1 machine device(s)"));
        shootAt(size, QStringLiteral("vm-dashboard"));

        w.navigate(QStringLiteral("groupmachines"), m_fx.service().findGroup(QStringLiteral("GPUs"))->id);
        shootAt(size, QStringLiteral("machine-devices"));

        const qint64 acme = m_fx.service().findTenant(QStringLiteral("Acme Corp"))->id;
        w.navigate(QStringLiteral("tenantnode"), m_fx.service().tenantNodes(acme)->first().id);
        shootAt(size, QStringLiteral("tenant-node"));
    }

    void cleanupTestCase() { m_fx.close(); }
};

QTEST_MAIN(TestFitScreenshots)
#include "tst_gui_fit_screenshots.moc"
