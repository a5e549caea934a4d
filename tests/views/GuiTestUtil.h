#pragma once
// Helpers for the GUI tests: a demo environment in a temporary directory with the real main
// window on top, and small functions to find and click what a user would (header-only).
#include "views/Dashboard.h"
#include "demo/DemoEnvironment.h"
#include "node/LocalNodeConnector.h"
#include "service/DomainService.h"
#include "views/MainWindow.h"
#include "SimTestUtil.h"

#include <QAbstractButton>
#include <QApplication>
#include <QColor>
#include <QDir>
#include <QPalette>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

#include <memory>

namespace passdeck::test {

// tests/data/pci.ids: names are the same on every machine.
inline QString pinnedPciIds()
{
    return QStringLiteral(PASSDECK_SOURCE_DIR "/tests/data/pci.ids");
}

// The demo's two simulated nodes and its store under a fresh temporary directory, and a
// MainWindow over them (shown, on the Main Dashboard).
class GuiFixture
{
public:
    // Set before open(): wraps the nodes the service gets (e.g. an in-memory hypervisor).
    std::function<NodeFactory(NodeFactory)> wrapNodes;

    // content: NodesOnly (the default) or the example content `passdeck --demo` starts with.
    bool open(const QString &dir = {}, DemoContent content = DemoContent::NodesOnly)
    {
        m_root = dir.isEmpty() ? m_tmp.path() : dir;
        ServiceOptions options;
        options.nodeFactory = localNodes(InventoryOptions{pinnedPciIds(), true});
        if (wrapNodes)
            options.nodeFactory = wrapNodes(options.nodeFactory);
        options.user = QStringLiteral("tester");
        auto opened = DemoEnvironment::open(m_root, false, options, content);
        if (!opened) {
            m_error = opened.error().message();
            return false;
        }
        m_service = std::move(opened).value();
        return openWindow();
    }

    // The demo's two simulated nodes only, with nothing seeded in the store (no groups, VMs or
    // tenants): for tests whose assertions depend on which devices are free.
    bool openBareNodes() { return open({}, DemoContent::NodesOnly); }

    bool openWindow()
    {
        m_window = std::make_unique<MainWindow>(*m_service);
        m_window->setPciIdsPath(pinnedPciIds());
        m_window->resize(1440, 900);
        m_window->show();
        return QTest::qWaitForWindowExposed(m_window.get());
    }
    void close()
    {
        // Dialogs and wizards first: they may hold references into the window.
        for (QWidget *w : QApplication::topLevelWidgets()) {
            if (w != m_window.get() && w->isVisible())
                w->close();
        }
        m_window.reset();
        m_service.reset();
    }
    ~GuiFixture() { close(); }

    const QString &error() const { return m_error; }
    DomainService &service() const { return *m_service; }
    MainWindow &window() const { return *m_window; }
    QString nodeRoot(const QString &node) const { return m_root + QStringLiteral("/nodes/") + node; }
    qint64 nodeId(const QString &node) const
    {
        auto n = m_service->findNode(node);
        return n ? n->id : 0;
    }
    // The driver the simulated sysfs shows for a device ("" = none).
    QString driverOf(const QString &node, const QString &address) const
    {
        return test::driverOf(nodeRoot(node), address);
    }
    DeviceRecord device(const QString &node, const QString &address) const
    {
        if (auto all = m_service->devices(nodeId(node))) {
            for (const DeviceRecord &d : *all) {
                if (d.address == address)
                    return d;
            }
        }
        return {};
    }

private:
    QTemporaryDir m_tmp;
    QString m_root;
    QString m_error;
    std::unique_ptr<DomainService> m_service;
    std::unique_ptr<MainWindow> m_window;
};

// Whether a user could click it now. Wait for this with QTRY_*, then click once: a QTRY_*
// evaluates its condition more than once even when it holds, so it must have no effect.
inline bool isClickable(const QAbstractButton *button)
{
    return button && button->isEnabled() && button->isVisible();
}

template<typename T>
T *child(QObject *parent, const QString &objectName)
{
    return parent ? parent->findChild<T *>(objectName) : nullptr;
}

// Clicks a left-menu item of the current dashboard; false if it is missing or disabled.
inline bool clickMenu(MainWindow &window, const QString &objectName)
{
    Dashboard *d = window.currentDashboard();
    auto *button = child<QToolButton>(d, objectName);
    if (!isClickable(button))
        return false;
    QTest::mouseClick(button, Qt::LeftButton);
    return true;
}

// Starts the current VM dashboard's VM: Power On when it is stopped, Restart when it runs
// (the dashboard shows only the one that fits).
inline bool clickStartOrRestart(MainWindow &window)
{
    return clickMenu(window, QStringLiteral("menuPowerOn")) || clickMenu(window, QStringLiteral("menuRestart"));
}

inline bool clickButton(QAbstractButton *button)
{
    if (!isClickable(button))
        return false;
    QTest::mouseClick(button, Qt::LeftButton);
    return true;
}

// Writes a PNG of a widget (for looking at the GUI while developing and for the screenshots).
inline bool saveShot(QWidget *widget, const QString &path)
{
    QApplication::processEvents();
    return widget->grab().save(path);
}

// The dark palette every screenshot test renders its dark pictures with (one, so that the dark
// shots in docs/ look alike): Fusion's roles, dark backgrounds, light text, greyed disabled text.
inline QPalette darkPalette()
{
    QPalette p;
    p.setColor(QPalette::Window, QColor(45, 45, 48));
    p.setColor(QPalette::WindowText, QColor(230, 230, 230));
    p.setColor(QPalette::Base, QColor(30, 30, 32));
    p.setColor(QPalette::AlternateBase, QColor(40, 40, 44));
    p.setColor(QPalette::Text, QColor(230, 230, 230));
    p.setColor(QPalette::Button, QColor(55, 55, 60));
    p.setColor(QPalette::ButtonText, QColor(230, 230, 230));
    p.setColor(QPalette::Highlight, QColor(42, 130, 218));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Mid, QColor(110, 110, 118));
    p.setColor(QPalette::Midlight, QColor(70, 70, 75));
    p.setColor(QPalette::Dark, QColor(160, 160, 165));
    p.setColor(QPalette::PlaceholderText, QColor(150, 150, 155));
    p.setColor(QPalette::Link, QColor(110, 170, 240));
    for (QPalette::ColorRole role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        p.setColor(QPalette::Disabled, role, QColor(120, 120, 125));
    return p;
}

} // namespace passdeck::test
