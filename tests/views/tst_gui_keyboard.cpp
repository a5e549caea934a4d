// The keyboard: the left menu shows its focus and Enter activates an item, the focus lands in
// the content after navigating, Ctrl+F reaches the PCI filter from anywhere in the window,
// every top menu and menu item has a mnemonic. And the banners: reports of what happened
// expire, warnings that describe the present stay; messages say what really happened.
#include "tst_gui_vm_util.h"

#include "views/GroupDashboard.h"
#include "views/GroupEditDialog.h"
#include "views/MainDashboard.h"
#include "models/PciDeviceFilterProxy.h"
#include "models/PciDeviceModel.h"
#include "views/PciDevicesDashboard.h"
#include "views/PciDevicesView.h"
#include "views/ResourceManagerDashboard.h"
#include "sim/SimKernel.h"
#include "views/VmDashboard.h"

#include <QAction>
#include <QImage>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QToolButton>

#include <cerrno>

using namespace passdeck;
using namespace passdeck::test;

class TestGuiKeyboard : public QObject
{
    Q_OBJECT

    std::unique_ptr<GuiFixture> m_fx;
    GuiFixture &fx() { return *m_fx; }
    MainWindow &window() { return m_fx->window(); }

    static bool inside(QWidget *w, QWidget *ancestor)
    {
        for (; w; w = w->parentWidget())
            if (w == ancestor)
                return true;
        return false;
    }

private Q_SLOTS:
    void init()
    {
        MessageBanner::setTransientTimeout(20000);
        m_fx = std::make_unique<GuiFixture>();
        QVERIFY2(m_fx->open({}, DemoContent::Seeded), qPrintable(m_fx->error()));
        window().activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&window()));
    }
    void cleanup() { m_fx.reset(); }

    // Enter on a left-menu item navigates; the focus is then in the new dashboard's table.
    void enterActivatesLeftMenuItem()
    {
        auto *main = window().current<MainDashboard>();
        QVERIFY(main);
        auto *item = child<QToolButton>(main, QStringLiteral("menuResources"));
        QVERIFY(item);
        QCOMPARE(item->focusPolicy() & Qt::TabFocus, Qt::TabFocus);
        item->setFocus(Qt::TabFocusReason);
        QVERIFY(item->hasFocus());
        QTest::keyClick(item, Qt::Key_Return);
        QTRY_VERIFY(window().current<ResourceManagerDashboard>());
        auto *resources = window().current<ResourceManagerDashboard>();
        QTRY_COMPARE(QApplication::focusWidget(), static_cast<QWidget *>(resources->groupsTable()));

        // Down and Up move between items; keypad Enter on "Nodes" goes there.
        auto *pci = child<QToolButton>(resources, QStringLiteral("menuPciDevices"));
        pci->setFocus(Qt::TabFocusReason);
        QTest::keyClick(pci, Qt::Key_Down);
        QWidget *next = QApplication::focusWidget();
        QVERIFY(next && next != pci && qobject_cast<QToolButton *>(next));
        QTest::keyClick(next, Qt::Key_Up);
        QCOMPARE(QApplication::focusWidget(), static_cast<QWidget *>(pci));
        auto *nodes = child<QToolButton>(resources, QStringLiteral("menuNodes"));
        nodes->setFocus(Qt::TabFocusReason);
        QTest::keyClick(nodes, Qt::Key_Enter, Qt::KeypadModifier);
        QTRY_VERIFY(window().currentDashboard() != resources);
        QCOMPARE(window().currentDashboard()->dashboardId(), QStringLiteral("nodes"));
        QTRY_VERIFY(qobject_cast<QTableView *>(QApplication::focusWidget()));
        QVERIFY(inside(QApplication::focusWidget(), window().currentDashboard()));
    }

    // The focus on a left-menu item is drawn (the style sheet would otherwise hide it).
    void focusOnTheMenuIsVisible()
    {
        auto *item = child<QToolButton>(window().currentDashboard(), QStringLiteral("menuResources"));
        QVERIFY(item);
        window().currentDashboard()->focusContent();
        QTRY_VERIFY(!item->hasFocus());
        const QImage before = item->grab().toImage();
        item->setFocus(Qt::TabFocusReason);
        QTRY_VERIFY(item->hasFocus());
        const QImage after = item->grab().toImage();
        QVERIFY(before != after);
    }

    // Ctrl+F right after navigating, and after a click on the left menu, focuses the filter.
    void ctrlFAfterNavigating()
    {
        window().findChild<QAction *>(QStringLiteral("actionResources"))->trigger();
        auto *resources = window().current<ResourceManagerDashboard>();
        QVERIFY(clickMenu(window(), QStringLiteral("menuPciDevices")));
        auto *pci = window().current<PciDevicesDashboard>();
        QVERIFY(pci && pci != static_cast<Dashboard *>(resources));
        PciDevicesView *view = pci->devicesView();
        QTRY_COMPARE(QApplication::focusWidget(), static_cast<QWidget *>(view->table()));
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_F, Qt::ControlModifier);
        QTRY_COMPARE(QApplication::focusWidget(), static_cast<QWidget *>(view->filterEdit()));
        QTest::keyClicks(view->filterEdit(), QStringLiteral("nvidia"));
        QVERIFY(view->proxy()->rowCount() > 0);

        // From a left-menu item (reached by Tab) too.
        auto *item = child<QToolButton>(pci, QStringLiteral("menuResources"));
        item->setFocus(Qt::TabFocusReason);
        QTRY_VERIFY(item->hasFocus());
        QTest::keyClick(item, Qt::Key_F, Qt::ControlModifier);
        QTRY_COMPARE(QApplication::focusWidget(), static_cast<QWidget *>(view->filterEdit()));
        // A mouse click on a menu item leaves the focus where it was.
        QCOMPARE(item->focusPolicy(), Qt::TabFocus);
    }

    // Every top menu and every item of it has a mnemonic, unique within its menu.
    void menusHaveMnemonics()
    {
        QMenuBar *bar = window().menuBar();
        QSet<QChar> top;
        for (QAction *a : bar->actions()) {
            const QString text = a->text();
            const qsizetype amp = text.indexOf(QLatin1Char('&'));
            QVERIFY2(amp >= 0 && amp + 1 < text.size(), qPrintable(text));
            const QChar key = text.at(amp + 1).toLower();
            QVERIFY2(!top.contains(key), qPrintable(text));
            top.insert(key);
            if (QMenu *menu = a->menu()) {
                QSet<QChar> keys;
                for (QAction *item : menu->actions()) {
                    if (item->isSeparator())
                        continue;
                    const QString t = item->text();
                    const qsizetype i = t.indexOf(QLatin1Char('&'));
                    QVERIFY2(i >= 0 && i + 1 < t.size(), qPrintable(t));
                    QVERIFY2(!keys.contains(t.at(i + 1).toLower()), qPrintable(t));
                    keys.insert(t.at(i + 1).toLower());
                }
            }
        }
        QVERIFY(top.size() >= 5);
    }

    // Success and info notices expire; warnings stay. Leaving a dashboard ends its reports.
    void bannersExpire()
    {
        Dashboard *d = window().navigate(QStringLiteral("resources"));
        MessageBanner::setTransientTimeout(60);
        d->showSuccess(QStringLiteral("VM x was created."));
        d->banner()->setNotice(QStringLiteral("reboot"), MessageBanner::Level::Warning, QStringLiteral("must reboot"));
        QVERIFY(d->banner()->hasNotice(QStringLiteral("result")));
        QTRY_VERIFY(!d->banner()->hasNotice(QStringLiteral("result")));
        QTest::qWait(150);
        QVERIFY(d->banner()->hasNotice(QStringLiteral("reboot")));

        MessageBanner::setTransientTimeout(600000);
        d->showSuccess(QStringLiteral("Resource group was created."));
        window().navigate(QStringLiteral("nodes"));
        QVERIFY(!d->banner()->hasNotice(QStringLiteral("result")));
        window().goBack();
        QCOMPARE(window().currentDashboard(), d);
        QVERIFY(!d->banner()->hasNotice(QStringLiteral("result")));
        // The reboot warning describes the present: it is still there.
        QVERIFY(d->banner()->hasNotice(QStringLiteral("reboot")));
    }

    // Removing a device that stays busy: the message says it stays on vfio-pci until the
    // reboot, as the reboot banner beside it does, not that it went back to the host.
    void messagesAgreeWithWhatHappened()
    {
        const QString nvme = QStringLiteral("0000:3b:00.0");   // the NVMe group of the demo
        const qint64 group = fx().service().findGroup(QStringLiteral("NVMe"))->id;
        QCOMPARE(fx().driverOf(QStringLiteral("node-a"), nvme), QStringLiteral("vfio-pci"));
        // db-01 waits for its restart with a machine device of this group: not allocated.
        QCOMPARE(fx().device(QStringLiteral("node-a"), nvme).status, DeviceStatus::InResourceGroup);
        {
            SimKernel kernel{HostRoot(fx().nodeRoot(QStringLiteral("node-a")))};
            QVERIFY(kernel.injectFault(QStringLiteral("sys/bus/pci/devices/%1/driver/unbind").arg(nvme), EBUSY, 2).ok());
        }
        auto *d = qobject_cast<GroupDashboard *>(window().navigate(QStringLiteral("group"), group));
        QVERIFY(d);
        QTRY_VERIFY(d->devicesModel()->rowCount() > 0);
        QVERIFY(selectRow(d->devicesTable(), 1, nvme));
        QVERIFY(clickMenu(window(), QStringLiteral("menuRemoveFromGroup")));
        QTRY_VERIFY_WITH_TIMEOUT(d->banner()->hasNotice(QStringLiteral("result")) && !d->busy(), 20000);
        const QString result = d->banner()->noticeText(QStringLiteral("result"));
        if (fx().driverOf(QStringLiteral("node-a"), nvme) == QStringLiteral("vfio-pci")) {
            QVERIFY2(result.contains(QStringLiteral("stay on vfio-pci until the node reboots")), qPrintable(result));
            QVERIFY2(!result.contains(QStringLiteral("went back to their host drivers")), qPrintable(result));
            QTRY_VERIFY(d->banner()->hasNotice(QStringLiteral("reboot")));
        } else {
            QVERIFY2(result.contains(QStringLiteral("went back to their host drivers")), qPrintable(result));
        }
    }

    // The New Group dialog says nothing before anything is typed.
    void newGroupDialogQuietBeforeTyping()
    {
        Dashboard *d = window().navigate(QStringLiteral("resources"));
        QVERIFY(clickMenu(window(), QStringLiteral("menuNewGroup")));
        auto *dialog = d->findChild<GroupEditDialog *>();
        QTRY_VERIFY(dialog && dialog->isVisible());
        QVERIFY(dialog->errorLabel()->text().isEmpty());
        QVERIFY(!child<QPushButton>(dialog, QStringLiteral("groupSaveButton"))->isEnabled());
        QTest::keyClicks(dialog->nameEdit(), QStringLiteral("x"));
        QTest::keyClick(dialog->nameEdit(), Qt::Key_Backspace);
        QVERIFY(dialog->errorLabel()->text().contains(QStringLiteral("Enter a name")));
        QTest::keyClicks(dialog->nameEdit(), QStringLiteral("gpus"));   // the demo has "GPUs"
        QVERIFY(dialog->errorLabel()->text().contains(QStringLiteral("already exists")));
        dialog->close();
    }

    // The VM dashboard's Devices item visibly goes to the devices table.
    void vmDevicesItemFocusesTheTable()
    {
        auto *vmd = qobject_cast<VmDashboard *>(
            window().navigate(QStringLiteral("vm"), fx().service().findVm(QStringLiteral("render-01"))->id));
        QVERIFY(vmd);
        child<QToolButton>(vmd, QStringLiteral("menuVms"))->setFocus(Qt::TabFocusReason);
        QVERIFY(clickMenu(window(), QStringLiteral("menuDevices")));
        QTRY_COMPARE(QApplication::focusWidget(), static_cast<QWidget *>(vmd->devicesTable()));
        QVERIFY(vmd->devicesTable()->selectionModel()->hasSelection());
        QVERIFY(child<QPushButton>(vmd, QStringLiteral("deleteDeviceButton"))->isEnabled());
    }
};

QTEST_MAIN(TestGuiKeyboard)
#include "tst_gui_keyboard.moc"
