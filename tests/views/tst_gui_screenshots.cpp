// The screenshots of docs/screenshots, made from the real window on the demo environment.
//
// PASSDECK_SCREENSHOTS_DIR=DIR writes them there (scripts/screenshots does, for docs/); without
// it they go to a temporary directory and the test only checks that each one rendered.
// PASSDECK_SCREENSHOTS_EXTRA=1 adds shots of every dashboard (for looking, not for docs/), and
// PASSDECK_SCREENSHOTS_DARK=1 renders with a dark palette.
//
// Two environments: m_fx is what README command 1 opens (the demo with its example groups, VMs
// and tenant), m_bare has the two nodes only, so that the wizard shots can take a GPU that is
// still the host's. To add a shot: a new private slot that gets a window where it should be and
// calls shoot("name", widget). Each slot starts from the fixtures as the previous one left them.
#include "GuiTestUtil.h"

#include "views/ImpactPage.h"
#include "views/MakeResourceWizard.h"
#include "views/PciDevicesDashboard.h"
#include "views/PciDevicesView.h"

#include <QCheckBox>
#include <QLineEdit>
#include <QListWidget>
#include <QImage>
#include <QPalette>
#include <QPointer>
#include <QStyleFactory>
#include <QTableView>

using namespace passdeck;
using namespace passdeck::test;

class TestScreenshots : public QObject
{
    Q_OBJECT

private:
    GuiFixture m_fx;
    GuiFixture m_bare;
    QTemporaryDir m_scratch;
    QString m_dir;
    bool m_extra = false;
    QPointer<MakeResourceWizard> m_wizard;

    void shoot(const QString &name, QWidget *widget, bool extra = false)
    {
        if (extra && !m_extra)
            return;
        const QString path = m_dir + QLatin1Char('/') + name + QStringLiteral(".png");
        QVERIFY2(saveShot(widget, path), qPrintable(path));
        QImage image(path);
        QVERIFY(!image.isNull());
        QVERIFY(image.width() > 300 && image.height() > 200);
    }

    static PciDevicesDashboard *openPci(GuiFixture &fx, qint64 nodeId)
    {
        return qobject_cast<PciDevicesDashboard *>(fx.window().navigate(QStringLiteral("pci"), nodeId));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
        if (qEnvironmentVariableIntValue("PASSDECK_SCREENSHOTS_DARK"))
            QApplication::setPalette(darkPalette());
        m_dir = qEnvironmentVariable("PASSDECK_SCREENSHOTS_DIR");
        m_extra = qEnvironmentVariableIntValue("PASSDECK_SCREENSHOTS_EXTRA") != 0;
        if (m_dir.isEmpty())
            m_dir = m_scratch.path();
        QVERIFY(QDir().mkpath(m_dir));
        // What README command 1 shows: the demo with its example groups, VMs and tenant.
        QVERIFY2(m_fx.open({}, DemoContent::Seeded), qPrintable(m_fx.error()));
        QVERIFY2(m_bare.openBareNodes(), qPrintable(m_bare.error()));
        m_fx.window().raise();
    }

    void cleanupTestCase()
    {
        m_bare.close();
        m_fx.close();
    }

    void mainDashboard()
    {
        m_fx.window().navigate(QStringLiteral("main"));
        shoot(QStringLiteral("main-dashboard"), &m_fx.window());
    }

    void otherDashboards()
    {
        if (!m_extra)
            QSKIP("PASSDECK_SCREENSHOTS_EXTRA not set");
        MainWindow &w = m_fx.window();
        w.navigate(QStringLiteral("resources"));
        shoot(QStringLiteral("resource-manager"), &w, true);
        w.navigate(QStringLiteral("nodes"));
        shoot(QStringLiteral("nodes"), &w, true);
        w.navigate(QStringLiteral("node"), m_fx.nodeId(QStringLiteral("node-a")));
        shoot(QStringLiteral("node"), &w, true);
        w.navigate(QStringLiteral("risks"));
        shoot(QStringLiteral("risks"), &w, true);
        w.navigate(QStringLiteral("vms"));
        shoot(QStringLiteral("vms"), &w, true);
        w.navigate(QStringLiteral("tenants"));
        shoot(QStringLiteral("tenants"), &w, true);
    }

    void pciDevices()
    {
        PciDevicesDashboard *d = openPci(m_fx, 0);
        QVERIFY(d);
        // node-a's onboard NIC: its second port shares the IOMMU group and shows in amber.
        QCOMPARE(d->devicesView()->selectAddresses({QStringLiteral("0000:04:00.0")}, m_fx.nodeId(QStringLiteral("node-a"))), 1);
        shoot(QStringLiteral("pci-devices"), &m_fx.window());
    }

    void wizard()
    {
        PciDevicesDashboard *d = openPci(m_bare, 0);
        QVERIFY(d);
        // A GPU: its audio function comes along (a warning that needs the tick).
        QCOMPARE(d->devicesView()->selectAddresses({QStringLiteral("0000:17:00.0")}, m_bare.nodeId(QStringLiteral("node-a"))), 1);
        m_wizard = d->makeResource();
        QVERIFY(m_wizard);
        QVERIFY(QTest::qWaitForWindowExposed(m_wizard));
        shoot(QStringLiteral("wizard-choose-group"), m_wizard, true);
        auto *list = m_wizard->findChild<QListWidget *>(QStringLiteral("groupChoiceList"));
        QVERIFY(list);
        list->setCurrentRow(0); // New group…
        m_wizard->next();
        QCOMPARE(m_wizard->currentId(), int(MakeResourceWizard::DetailsPage));
        QTest::keyClicks(m_wizard->findChild<QLineEdit *>(QStringLiteral("wizardNameEdit")), QStringLiteral("Render GPUs"));
        m_wizard->findChild<QLineEdit *>(QStringLiteral("wizardDescriptionEdit"))
            ->setText(QStringLiteral("GPUs with their HDMI audio functions, for the render farm"));
        shoot(QStringLiteral("wizard"), m_wizard);
    }

    void impactCheck()
    {
        QVERIFY(m_wizard);
        m_wizard->next();
        QCOMPARE(m_wizard->currentId(), int(MakeResourceWizard::CheckPage));
        QTRY_VERIFY(!m_wizard->impactPage()->isChecking());
        if (m_wizard->impactPage()->confirmCheck()->isVisible())
            m_wizard->impactPage()->confirmCheck()->setChecked(true);
        shoot(QStringLiteral("impact-check"), m_wizard);
    }

    void impactBlocked()
    {
        if (!m_extra)
            QSKIP("PASSDECK_SCREENSHOTS_EXTRA not set");
        m_wizard->close();
        PciDevicesDashboard *d = openPci(m_bare, m_bare.nodeId(QStringLiteral("node-a")));
        QVERIFY(d);
        // The boot VGA and a bridge: both stop Submit.
        QCOMPARE(d->devicesView()->selectAddresses({QStringLiteral("0000:02:00.0"), QStringLiteral("0000:00:1c.0"),
                                                    QStringLiteral("0000:04:00.0")}),
                 3);
        shoot(QStringLiteral("pci-devices-node"), &m_bare.window(), true);
        // Those keep Make Resource disabled (with the reason); blockers only the check finds: a PF
        // with VFs, and a NIC port whose IOMMU group brings the port that is up.
        QCOMPARE(d->devicesView()->selectAddresses({QStringLiteral("0000:18:00.0"), QStringLiteral("0000:04:00.1")}), 2);
        QVERIFY(m_bare.service().createGroup({QStringLiteral("Render GPUs"), {}, GroupClass::Gpu}));
        m_wizard = d->makeResource();
        QVERIFY(m_wizard);
        m_wizard->findChild<QListWidget *>(QStringLiteral("groupChoiceList"))->setCurrentRow(0);
        m_wizard->next();
        QTest::keyClicks(m_wizard->findChild<QLineEdit *>(QStringLiteral("wizardNameEdit")), QStringLiteral("render gpus"));
        shoot(QStringLiteral("wizard-duplicate-name"), m_wizard, true);
        m_wizard->findChild<QLineEdit *>(QStringLiteral("wizardNameEdit"))->setText(QStringLiteral("Mixed"));
        m_wizard->next();
        QTRY_VERIFY(!m_wizard->impactPage()->isChecking());
        shoot(QStringLiteral("impact-blocked"), m_wizard, true);
        m_wizard->close();
    }

    void applied()
    {
        if (!m_extra)
            QSKIP("PASSDECK_SCREENSHOTS_EXTRA not set");
        PciDevicesDashboard *d = openPci(m_bare, 0);
        QVERIFY(d);
        QCOMPARE(d->devicesView()->selectAddresses({QStringLiteral("0000:17:00.0")}, m_bare.nodeId(QStringLiteral("node-a"))), 1);
        m_wizard = d->makeResource();
        QVERIFY(m_wizard);
        m_wizard->findChild<QListWidget *>(QStringLiteral("groupChoiceList"))->setCurrentRow(0);
        m_wizard->next();
        QTest::keyClicks(m_wizard->findChild<QLineEdit *>(QStringLiteral("wizardNameEdit")), QStringLiteral("GPUs A"));
        m_wizard->next();
        QTRY_VERIFY(!m_wizard->impactPage()->isChecking());
        if (m_wizard->impactPage()->confirmCheck()->isVisible())
            m_wizard->impactPage()->confirmCheck()->setChecked(true);
        m_wizard->next();
        QTRY_VERIFY_WITH_TIMEOUT(m_wizard->currentId() == MakeResourceWizard::ResultPage
                                     && m_wizard->button(QWizard::FinishButton)->isEnabled(), 20000);
        shoot(QStringLiteral("wizard-result"), m_wizard, true);
        m_wizard->accept();
        shoot(QStringLiteral("pci-devices-after"), &m_bare.window(), true);
        m_bare.window().navigate(QStringLiteral("resources"));
        shoot(QStringLiteral("resource-manager-after"), &m_bare.window(), true);
        auto groups = m_bare.service().findGroup(QStringLiteral("GPUs A"));
        QVERIFY(groups);
        m_bare.window().navigate(QStringLiteral("group"), groups->id);
        shoot(QStringLiteral("group"), &m_bare.window(), true);
        m_bare.window().navigate(QStringLiteral("main"));
        shoot(QStringLiteral("main-dashboard-after"), &m_bare.window(), true);
    }
};

QTEST_MAIN(TestScreenshots)
#include "tst_gui_screenshots.moc"
