// The Topology page: opened from the node dashboard's menu, its picture of
// tests/data/topology-node.json (boxes, groups, degraded link, ACS, reset methods in tooltips), a
// click in the picture selecting the device in PCI Devices and a selection there showing in the
// picture, a scale node of hundreds of devices, and the screenshots in a light and a dark palette
// (PASSDECK_SCREENSHOTS_DIR=docs/screenshots writes topology-light.png and topology-dark.png).
#include "GuiTestUtil.h"

#include "models/DeviceSelection.h"
#include "service/Topology.h"
#include "sim/SimScale.h"
#include "views/PciDevicesDashboard.h"
#include "views/PciDevicesView.h"
#include "views/TopologyDashboard.h"
#include "views/TopologyView.h"

#include <QGraphicsScene>
#include <QGraphicsSimpleTextItem>
#include <QImage>
#include <QLabel>
#include <QPalette>
#include <QScrollBar>
#include <QStyle>
#include <QStyleFactory>

#include <utility>

using namespace passdeck;
using namespace passdeck::test;

class TestGuiTopology : public QObject
{
    Q_OBJECT

private:
    GuiFixture m_fx;
    QTemporaryDir m_tmp;
    qint64 m_topo = 0;

    TopologyDashboard *openTopology(qint64 nodeId)
    {
        auto *d = qobject_cast<TopologyDashboard *>(m_fx.window().navigate(QStringLiteral("topology"), nodeId));
        if (d && !QTest::qWaitFor([d] { return !d->busy(); }, 120000))
            return nullptr;
        return d;
    }

    void clickBox(TopologyView *view, const QString &address, Qt::KeyboardModifiers modifiers = {})
    {
        QVERIFY(view->box(address));
        view->ensureVisible(view->box(address));
        QApplication::processEvents();
        QTest::mouseClick(view->viewport(), Qt::LeftButton, modifiers, view->viewportPointOf(address));
    }

    static QStringList selectedInPci(PciDevicesDashboard *pci)
    {
        QStringList out;
        for (const DeviceRecord &d : pci->devicesView()->selectedDevices())
            out << d.address;
        out.sort();
        return out;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
        QVERIFY2(m_fx.openBareNodes(), qPrintable(m_fx.error()));
        auto json = SimHostDescription::readJsonFile(QStringLiteral(PASSDECK_SOURCE_DIR "/tests/data/topology-node.json"));
        QVERIFY(json);
        Error error;
        const QString root = buildSimRoot(m_tmp, *json, QStringLiteral("topo"), &error);
        QVERIFY2(!root.isEmpty(), qPrintable(error.message()));
        auto added = m_fx.service().addNode(QStringLiteral("topo"), root, true);
        QVERIFY2(added, added ? "" : qPrintable(added.error().message()));
        m_topo = m_fx.nodeId(QStringLiteral("topo"));
        QVERIFY(m_topo > 0);
    }

    void cleanupTestCase() { m_fx.close(); }

    void openedFromTheNodeDashboard()
    {
        m_fx.window().navigate(QStringLiteral("node"), m_topo);
        QVERIFY(clickMenu(m_fx.window(), QStringLiteral("menuTopology")));
        auto *d = m_fx.window().current<TopologyDashboard>();
        QVERIFY(d);
        QTRY_VERIFY(!d->busy());
        QCOMPARE(d->argument(), m_topo);
        QCOMPARE(d->view()->boxCount(), 12);
        QVERIFY(!d->view()->objectName().isEmpty());
        QVERIFY(!d->view()->accessibleName().isEmpty());
        QVERIFY2(d->summary()->text().contains(QLatin1String("12 device(s)")), qPrintable(d->summary()->text()));
        QVERIFY2(d->summary()->text().contains(QLatin1String("3 degraded link(s)")), qPrintable(d->summary()->text()));
        QVERIFY2(d->summary()->text().contains(QLatin1String("2 port(s) without ACS")), qPrintable(d->summary()->text()));
    }

    void boxesCarryTheFacts()
    {
        TopologyDashboard *d = openTopology(m_topo);
        QVERIFY(d);
        TopologyBox *gpu = d->view()->box(QStringLiteral("0000:01:00.0"));
        QVERIFY(gpu);
        QVERIFY(gpu->item().linkDegraded);
        QVERIFY2(gpu->toolTip().contains(QLatin1String("Reset methods: bus")), qPrintable(gpu->toolTip()));
        QVERIFY(gpu->toolTip().contains(QLatin1String("DEGRADED")));
        // Under its bridge: indented further than the root port.
        TopologyBox *port = d->view()->box(QStringLiteral("0000:00:01.0"));
        QVERIFY(gpu->scenePos().x() > port->scenePos().x());
        QVERIFY(gpu->scenePos().y() > port->scenePos().y());
        QVERIFY(TopologyBox::details(port->item()).contains(QLatin1String("ACS on")));
        TopologyBox *nic = d->view()->box(QStringLiteral("0000:04:00.0"));
        QVERIFY(nic->toolTip().contains(QLatin1String("No ACS on 0000:03:00.0, 0000:00:1c.0 above")));
        QVERIFY(TopologyBox::details(nic->item()).contains(QLatin1String("NUMA 0")));
        // One coloured frame per IOMMU group run, labelled with its number.
        int frames = 0;
        for (QGraphicsItem *i : d->view()->scene()->items())
            if (auto *t = dynamic_cast<QGraphicsSimpleTextItem *>(i); t && t->text().startsWith(QLatin1String("IOMMU group")))
                ++frames;
        QCOMPARE(frames, 6); // groups 0, 1, 2, 3, 10, 11
    }

    void pictureSelectsInPciDevices()
    {
        TopologyDashboard *d = openTopology(m_topo);
        QVERIFY(d);
        clickBox(d->view(), QStringLiteral("0000:01:00.0"));
        QCOMPARE(d->view()->selectedAddresses(), QStringList{QStringLiteral("0000:01:00.0")});
        QCOMPARE(DeviceSelection::of(m_fx.window()).addressesOn(m_topo), QStringList{QStringLiteral("0000:01:00.0")});
        // Down moves to the next function in the tree (keyboard users), Up back.
        d->view()->setFocus();
        QTest::keyClick(d->view(), Qt::Key_Down);
        QCOMPARE(DeviceSelection::of(m_fx.window()).addressesOn(m_topo), QStringList{QStringLiteral("0000:01:00.1")});
        QTest::keyClick(d->view(), Qt::Key_Up);
        QCOMPARE(d->view()->selectedAddresses(), QStringList{QStringLiteral("0000:01:00.0")});
        // Ctrl+click adds the audio function.
        clickBox(d->view(), QStringLiteral("0000:01:00.1"), Qt::ControlModifier);
        QCOMPARE(d->view()->selectedAddresses().size(), 2);

        QVERIFY(clickMenu(m_fx.window(), QStringLiteral("menuTopologyPci")));
        auto *pci = m_fx.window().current<PciDevicesDashboard>();
        QVERIFY(pci);
        QCOMPARE(pci->argument(), m_topo);
        QCOMPARE(selectedInPci(pci), (QStringList{QStringLiteral("0000:01:00.0"), QStringLiteral("0000:01:00.1")}));
    }

    void pciDevicesSelectsInThePicture()
    {
        auto *pci = qobject_cast<PciDevicesDashboard *>(m_fx.window().navigate(QStringLiteral("pci"), m_topo));
        QVERIFY(pci);
        QCOMPARE(pci->devicesView()->selectAddresses({QStringLiteral("0000:05:00.0")}, m_topo), 1);
        QCOMPARE(DeviceSelection::of(m_fx.window()).addressesOn(m_topo), QStringList{QStringLiteral("0000:05:00.0")});
        TopologyDashboard *d = openTopology(m_topo);
        QVERIFY(d);
        QCOMPARE(d->view()->selectedAddresses(), QStringList{QStringLiteral("0000:05:00.0")});
        // And the PCI Devices page of all nodes follows too.
        auto *all = qobject_cast<PciDevicesDashboard *>(m_fx.window().navigate(QStringLiteral("pci"), 0));
        QVERIFY(all);
        QCOMPARE(selectedInPci(all), QStringList{QStringLiteral("0000:05:00.0")});
    }

    void hundredsOfDevices()
    {
        SimScale::Options o;
        o.devices = 400;
        o.node = QStringLiteral("big");
        o.vfsPerNic = 0;
        Error error;
        const QString root = buildSimRoot(m_tmp, SimScale::description(o), QStringLiteral("big"), &error);
        QVERIFY2(!root.isEmpty(), qPrintable(error.message()));
        auto added = m_fx.service().addNode(QStringLiteral("big"), root, true);
        QVERIFY2(added, added ? "" : qPrintable(added.error().message()));
        const qint64 big = m_fx.nodeId(QStringLiteral("big"));
        TopologyDashboard *d = openTopology(big);
        QVERIFY(d);
        auto devices = m_fx.service().devices(big);
        QVERIFY(devices);
        QCOMPARE(d->view()->boxCount(), int(devices->size()));
        QVERIFY(d->view()->boxCount() >= 300);
        // It scrolls, and Fit Width shrinks it to the width of the page.
        QVERIFY(d->view()->verticalScrollBar()->maximum() > 0);
        QVERIFY(clickMenu(m_fx.window(), QStringLiteral("menuTopologyZoomIn")));
        const qreal zoomed = d->view()->zoom();
        QVERIFY(zoomed > 1.0);
        QVERIFY(clickMenu(m_fx.window(), QStringLiteral("menuTopologyFit")));
        QVERIFY(d->view()->zoom() < zoomed);
        QVERIFY(d->view()->horizontalScrollBar()->maximum() <= 1);
        // The last device is reachable: selecting it scrolls it into view.
        const QString last = d->view()->topology().items.last().device.address;
        d->view()->selectAddresses({last});
        QVERIFY(d->view()->viewport()->rect().contains(d->view()->viewportPointOf(last)));
    }

    void screenshots()
    {
        QString dir = qEnvironmentVariable("PASSDECK_SCREENSHOTS_DIR");
        if (dir.isEmpty())
            dir = m_tmp.filePath(QStringLiteral("shots"));
        QVERIFY(QDir().mkpath(dir));
        const QPalette light = QApplication::style()->standardPalette();
        const QPalette dark = darkPalette();
        TopologyDashboard *d = openTopology(m_topo);
        QVERIFY(d);
        d->view()->selectAddresses({QStringLiteral("0000:04:00.0")});
        for (const auto &[name, palette] : {std::pair{QStringLiteral("topology-light"), light}, std::pair{QStringLiteral("topology-dark"), dark}}) {
            QApplication::setPalette(palette);
            QApplication::processEvents();
            const QString path = dir + u'/' + name + QStringLiteral(".png");
            QVERIFY2(saveShot(&m_fx.window(), path), qPrintable(path));
            const QImage image(path);
            QVERIFY(image.width() > 600 && image.height() > 400);
            // The picture follows the palette: its background is dark in the dark shot.
            const QColor bg = d->view()->backgroundBrush().color();
            QCOMPARE(bg.lightness() < 128, palette.color(QPalette::Base).lightness() < 128);
        }
        // The selection survived the palette changes (the scene is rebuilt).
        QCOMPARE(d->view()->selectedAddresses(), QStringList{QStringLiteral("0000:04:00.0")});
        QApplication::setPalette(light);
    }
};

QTEST_MAIN(TestGuiTopology)
#include "tst_gui_topology.moc"
