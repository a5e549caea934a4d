// The Readiness page of a node through the real MainWindow: opened from the node dashboard's
// left menu, its rows are the service's findings, Refresh asks the node again, and a node that
// cannot pass anything through says so. With PASSDECK_SCREENSHOTS_DIR set it writes
// readiness-light.png and readiness-dark.png there (docs/screenshots).
#include "GuiTestUtil.h"

#include "models/ReadinessModel.h"
#include "views/ReadinessDashboard.h"

#include <QDir>
#include <QHeaderView>
#include <QImage>
#include <QLabel>
#include <QPalette>
#include <QPushButton>
#include <QStyleFactory>
#include <QTableView>

using namespace passdeck;
using namespace passdeck::test;

class TstGuiReadiness : public QObject
{
    Q_OBJECT

    GuiFixture m_fx;
    QTemporaryDir m_scratch;

    MainWindow &window() { return m_fx.window(); }

    ReadinessDashboard *openReadiness(qint64 nodeId)
    {
        window().navigate(QStringLiteral("node"), nodeId);
        if (!clickMenu(window(), QStringLiteral("menuReadiness")))
            return nullptr;
        auto *page = qobject_cast<ReadinessDashboard *>(window().currentDashboard());
        if (!page)
            return nullptr;
        if (!QTest::qWaitFor([page] { return !page->busy(); }, 60000))
            return nullptr;
        return page;
    }

    static QStringList rows(const ReadinessDashboard *page)
    {
        QStringList out;
        const QAbstractItemModel *m = page->table()->model();
        for (int r = 0; r < m->rowCount(); ++r)
            out << m->index(r, ReadinessModel::CodeColumn).data().toString() + u' '
                       + m->index(r, ReadinessModel::DeviceColumn).data().toString();
        return out;
    }

    static QStringList expectedRows(const ReadinessReport &report)
    {
        QStringList out;
        for (const ReadinessFinding &f : report.findings)
            out << f.code + u' ' + (f.device.isEmpty() ? QStringLiteral("(host)") : f.device);
        return out;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
        QVERIFY2(m_fx.openBareNodes(), qPrintable(m_fx.error()));
    }

    void cleanupTestCase() { m_fx.close(); }

    void rowsAreTheServicesFindings()
    {
        const qint64 id = m_fx.nodeId(QStringLiteral("node-a"));
        ReadinessDashboard *page = openReadiness(id);
        QVERIFY(page);
        QCOMPARE(page->objectName().isEmpty(), false);
        auto report = m_fx.service().readinessReport(id);
        QVERIFY(report);
        QCOMPARE(rows(page), expectedRows(*report));
        QCOMPARE(page->summary()->text(), report->summary());
        // The demo node's boot VGA (the BMC's ASPEED) is said.
        QVERIFY2(rows(page).join(u'|').contains(QStringLiteral("boot-vga ")), qPrintable(rows(page).join(u'|')));
        QVERIFY(!page->table()->accessibleName().isEmpty());
        QVERIFY(!page->summary()->accessibleName().isEmpty());
        auto *refresh = page->findChild<QPushButton *>(QStringLiteral("readinessRefresh"));
        QVERIFY(refresh);
        QVERIFY(!refresh->accessibleName().isEmpty());
        QCOMPARE(window().currentDashboard()->breadcrumb().size(), 4);
    }

    void refreshAsksTheNodeAgain()
    {
        const qint64 id = m_fx.nodeId(QStringLiteral("node-b"));
        ReadinessDashboard *page = openReadiness(id);
        QVERIFY(page);
        QVERIFY(!rows(page).join(u'|').contains(QStringLiteral("vfio-missing")));
        auto node = m_fx.service().node(id);
        QVERIFY(node);
        // The IOMMU backend module goes away on the node: Refresh shows it as a blocker.
        QVERIFY(QDir(node->hostRoot + QStringLiteral("/sys/module/vfio_iommu_type1")).removeRecursively());
        auto *refresh = page->findChild<QPushButton *>(QStringLiteral("readinessRefresh"));
        QVERIFY(refresh);
        QVERIFY(clickButton(refresh));
        QTRY_VERIFY(!page->busy());
        QCOMPARE(rows(page).first(), QStringLiteral("vfio-missing (host)"));
        QCOMPARE(page->table()->model()->index(0, ReadinessModel::SeverityColumn).data().toString(), QStringLiteral("Blocker"));
        QVERIFY2(page->summary()->text().contains(QStringLiteral("1 blocker")), qPrintable(page->summary()->text()));
    }

    void nodeWithoutIommu()
    {
        QJsonObject d = demoDescription(QStringLiteral("node-a"));
        d.insert(QStringLiteral("node"), QStringLiteral("noiommu"));
        d.insert(QStringLiteral("iommu"), false);
        d.insert(QStringLiteral("cmdline"), QStringLiteral("BOOT_IMAGE=/boot/vmlinuz root=/dev/nvme0n1p2 ro quiet"));
        Error e;
        const QString root = buildSimRoot(m_scratch, d, QStringLiteral("noiommu"), &e);
        QVERIFY2(!root.isEmpty(), qPrintable(e.message()));
        auto added = m_fx.service().addNode(QStringLiteral("noiommu"), root, true);
        QVERIFY2(added, added ? "" : qPrintable(added.error().message()));
        ReadinessDashboard *page = openReadiness(added->node.id);
        QVERIFY(page);
        QCOMPARE(rows(page).first(), QStringLiteral("iommu-off (host)"));
        const QString message = page->table()->model()->index(0, ReadinessModel::MessageColumn).data().toString();
        QVERIFY2(message.contains(QStringLiteral("lacks intel_iommu=on")), qPrintable(message));
        QVERIFY(page->summary()->text().contains(QStringLiteral("blocker")));
    }

    void screenshots()
    {
        QString dir = qEnvironmentVariable("PASSDECK_SCREENSHOTS_DIR");
        if (dir.isEmpty())
            dir = m_scratch.filePath(QStringLiteral("shots"));
        QVERIFY(QDir().mkpath(dir));
        window().resize(1280, 720);
        const qint64 id = m_fx.nodeId(QStringLiteral("node-a"));
        const QPalette light = QApplication::palette();
        for (const bool dark : {false, true}) {
            QApplication::setPalette(dark ? darkPalette() : light);
            // A fresh page, so that it is built and checked in this palette.
            window().navigate(QStringLiteral("main"));
            ReadinessDashboard *page = openReadiness(id);
            QVERIFY(page);
            page->check();
            QTRY_VERIFY(!page->busy());
            const QString path = dir + (dark ? QStringLiteral("/readiness-dark.png") : QStringLiteral("/readiness-light.png"));
            QVERIFY(saveShot(&window(), path));
            const QImage image(path);
            QVERIFY(!image.isNull());
            QVERIFY(image.width() >= 1000);
        }
        QApplication::setPalette(light);
    }
};

QTEST_MAIN(TstGuiReadiness)
#include "tst_gui_readiness.moc"
