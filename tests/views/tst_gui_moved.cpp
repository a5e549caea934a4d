// Hardware that moved and twins, through the real MainWindow: the node dashboard shows the
// offers with both addresses, Confirm moves the rule (asserted on the store); Rehearse on a Twin
// captures the node and opens the twin, marked as one.
#include "GuiTestUtil.h"
#include "MovedTrees.h"
#include "sim/SimCapture.h"
#include "store/Store.h"
#include "store/StoreQuery.h"
#include "views/MessageBanner.h"
#include "views/MovedHardwarePanel.h"
#include "views/NodeDashboard.h"

#include <QDateTime>
#include <QLabel>
#include <QPushButton>

using namespace passdeck;
using namespace passdeck::test;

class TestGuiMoved : public QObject
{
    Q_OBJECT

    std::unique_ptr<GuiFixture> m_fx;
    QTemporaryDir m_tmp;
    QString m_root;
    qint64 m_node = 0;

    QString ruleAddress(int vendor, int device) const
    {
        auto v = StoreQuery::scalar(m_fx->service().store().connection(),
                                    QStringLiteral("SELECT address FROM resource_rules WHERE vendor_id = ? AND pci_device_id = ?"),
                                    {vendor, device}, QStringLiteral("test"));
        return v ? v->toString() : QString();
    }
    NodeDashboard *openNode(qint64 id)
    {
        m_fx->window().navigate(QStringLiteral("node"), id);
        return qobject_cast<NodeDashboard *>(m_fx->window().currentDashboard());
    }

    // What the panel shows and what the store offers, for a failure message.
    QString describe(MovedHardwarePanel *panel) const
    {
        QStringList shown, buttons;
        for (const MovedOffer &o : panel->offers())
            shown << o.oldAddress + QStringLiteral("->") + o.newAddress;
        for (QPushButton *b : panel->findChildren<QPushButton *>())
            buttons << QStringLiteral("%1(visible %2, enabled %3)").arg(b->objectName()).arg(b->isVisible()).arg(b->isEnabled());
        QStringList stored;
        auto offers = m_fx->service().movedHardware(m_node);
        if (offers)
            for (const MovedOffer &o : *offers)
                stored << o.oldAddress + QStringLiteral("->") + o.newAddress;
        return QStringLiteral("panel visible %1, shown [%2], buttons [%3], store offers [%4]")
            .arg(panel->isVisible()).arg(shown.join(u' '), buttons.join(u' '), stored.join(u' '));
    }

private Q_SLOTS:
    void init()
    {
        m_fx = std::make_unique<GuiFixture>();
        QVERIFY2(m_fx->openBareNodes(), qPrintable(m_fx->error()));
        Error e;
        m_root = buildSimRoot(m_tmp, movedTreeBefore(), QStringLiteral("moved%1").arg(QDateTime::currentMSecsSinceEpoch()), &e);
        QVERIFY2(!m_root.isEmpty(), qPrintable(e.message()));
        auto n = m_fx->service().addNode(QStringLiteral("moved"), m_root, true);
        QVERIFY2(n, n ? "" : qPrintable(n.error().message()));
        m_node = n->node.id;
        auto g = m_fx->service().createGroup(GroupSpec{QStringLiteral("Cards"), {}, GroupClass::Other});
        QVERIFY(g);
        auto r = m_fx->service().makeResource(g->id, m_node, {QStringLiteral("0000:01:00.0"), QStringLiteral("0000:02:00.0")});
        QVERIFY2(r, r ? "" : qPrintable(r.error().message()));
    }

    void cleanup() { m_fx.reset(); }

    void confirmThroughTheBanner()
    {
        NodeDashboard *d = openNode(m_node);
        QVERIFY(d);
        QVERIFY(!d->movedHardware()->isVisible());
        SimHostBuilder::Options force;
        force.force = true;
        QVERIFY(SimHostBuilder::build(movedTreeAfter(), m_root, force));
        QVERIFY(clickMenu(m_fx->window(), QStringLiteral("menuRefreshNode")));
        // The refresh runs in the background: the test goes on once it is over.
        QTRY_VERIFY(!d->busy() && d->movedHardware()->isVisible());
        MovedHardwarePanel *panel = d->movedHardware();
        QCOMPARE(panel->offers().size(), 2);
        auto *text = panel->findChild<QLabel *>(QStringLiteral("movedText_0000:02:00.0"));
        QVERIFY(text);
        QVERIFY2(text->text().contains(QStringLiteral("0000:02:00.0")) && text->text().contains(QStringLiteral("0000:03:00.0")),
                 qPrintable(text->text()));
        QVERIFY(!panel->confirmButton(QStringLiteral("0000:01:00.0"))->accessibleName().isEmpty());
        // The Resource Manager says so too, with both addresses and a link to the node.
        m_fx->window().navigate(QStringLiteral("resources"));
        Dashboard *rm = m_fx->window().currentDashboard();
        QVERIFY(rm->banner()->hasNotice(QStringLiteral("moved")));
        QVERIFY(rm->banner()->noticeText(QStringLiteral("moved")).contains(QStringLiteral("0000:01:00.0")));
        QVERIFY(rm->banner()->noticeText(QStringLiteral("moved")).contains(QStringLiteral("0000:02:00.0")));
        d = openNode(m_node);
        QVERIFY(d);
        panel = d->movedHardware();
        QTRY_VERIFY(panel->isVisible());
        // Shown, not done: the rules are where they were.
        QCOMPARE(ruleAddress(0x8086, 0x1521), QStringLiteral("0000:02:00.0"));
        QCOMPARE(ruleAddress(0x10de, 0x2230), QStringLiteral("0000:01:00.0"));

        // The panel's rows are rebuilt whenever the dashboard refreshes (a store notification may
        // come at any time) and a new row's buttons show at the next event loop turn: every click
        // below first waits until its button is there, shown and enabled, then clicks it once.
        // The GPU first: refused (the NIC's rule still sits at its new address), said in the banner.
        QTRY_VERIFY2(isClickable(panel->confirmButton(QStringLiteral("0000:01:00.0"))), qPrintable(describe(panel)));
        QVERIFY(clickButton(panel->confirmButton(QStringLiteral("0000:01:00.0"))));
        QTRY_VERIFY(d->banner()->hasNotice(QStringLiteral("result")));
        QVERIFY2(d->banner()->noticeText(QStringLiteral("result")).contains(QStringLiteral("first")),
                 qPrintable(d->banner()->noticeText(QStringLiteral("result"))));
        QCOMPARE(ruleAddress(0x10de, 0x2230), QStringLiteral("0000:01:00.0"));

        QTRY_VERIFY2(isClickable(panel->confirmButton(QStringLiteral("0000:02:00.0"))), qPrintable(describe(panel)));
        QVERIFY(clickButton(panel->confirmButton(QStringLiteral("0000:02:00.0"))));
        QTRY_COMPARE(ruleAddress(0x8086, 0x1521), QStringLiteral("0000:03:00.0"));
        QTRY_VERIFY(!d->busy() && panel->offers().size() == 1);
        QTRY_VERIFY(panel->confirmButton(QStringLiteral("0000:01:00.0")) != nullptr);
        QTRY_VERIFY2(isClickable(panel->confirmButton(QStringLiteral("0000:01:00.0"))), qPrintable(describe(panel)));
        QVERIFY(clickButton(panel->confirmButton(QStringLiteral("0000:01:00.0"))));
        QTRY_COMPARE(ruleAddress(0x10de, 0x2230), QStringLiteral("0000:02:00.0"));
        QTRY_VERIFY(!d->busy() && !panel->isVisible());
        // The store and the simulated sysfs agree: the records at the new addresses are the cards.
        QTRY_COMPARE(m_fx->device(QStringLiteral("moved"), QStringLiteral("0000:01:00.0")).vendorId, 0x1d0f);
        QCOMPARE(m_fx->device(QStringLiteral("moved"), QStringLiteral("0000:02:00.0")).vendorId, 0x10de);
        QCOMPARE(readRootFile(m_root, QStringLiteral("sys/bus/pci/devices/0000:02:00.0/vendor")), QByteArray("0x10de\n"));
        auto audit = m_fx->service().audit(10);
        QVERIFY(audit);
        int moves = 0;
        for (const AuditEntry &a : *audit)
            moves += a.action == QLatin1String("resource.move") && auditResultName(a.result) == QLatin1String("ok");
        QCOMPARE(moves, 2);
    }

    void dismissThroughTheBanner()
    {
        NodeDashboard *d = openNode(m_node);
        SimHostBuilder::Options force;
        force.force = true;
        QVERIFY(SimHostBuilder::build(movedTreeAfter(), m_root, force));
        QVERIFY(clickMenu(m_fx->window(), QStringLiteral("menuRefreshNode")));
        QTRY_VERIFY(!d->busy() && d->movedHardware()->isVisible());
        QTRY_VERIFY2(isClickable(d->movedHardware()->dismissButton(QStringLiteral("0000:02:00.0"))), qPrintable(describe(d->movedHardware())));
        QVERIFY(clickButton(d->movedHardware()->dismissButton(QStringLiteral("0000:02:00.0"))));
        QTRY_COMPARE(d->movedHardware()->offers().size(), 1);
        QCOMPARE(ruleAddress(0x8086, 0x1521), QStringLiteral("0000:02:00.0"));
    }

    void rehearseOnATwin()
    {
        NodeDashboard *d = openNode(m_node);
        QVERIFY(d);
        QVERIFY(clickMenu(m_fx->window(), QStringLiteral("menuRehearseTwin")));
        QTRY_VERIFY(qobject_cast<NodeDashboard *>(m_fx->window().currentDashboard())
                    && qobject_cast<NodeDashboard *>(m_fx->window().currentDashboard())->node().name == QLatin1String("moved-twin"));
        auto *twin = qobject_cast<NodeDashboard *>(m_fx->window().currentDashboard());
        QVERIFY(twin->node().simulated);
        QCOMPARE(SimCapture::capturedFrom(twin->node().hostRoot), QStringLiteral("moved"));
        auto *heading = twin->findChild<QLabel *>(QStringLiteral("dashboardTitle"));
        QVERIFY(heading);
        QVERIFY2(heading->text().contains(QStringLiteral("Twin of moved")), qPrintable(heading->text()));
        QCOMPARE(twin->title(), QStringLiteral("moved-twin"));
        QCOMPARE(m_fx->service().twinOf(twin->node().id).value(), QStringLiteral("moved"));
        QCOMPARE(m_fx->service().devices(twin->node().id)->size(), m_fx->service().devices(m_node)->size());
    }
};

QTEST_MAIN(TestGuiMoved)
#include "tst_gui_moved.moc"
