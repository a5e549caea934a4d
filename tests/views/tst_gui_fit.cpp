// The window fits a 1024x768 screen: no dashboard makes it taller or wider, and the PCI
// Devices table keeps its key columns (IOMMU Group, Resource Group, Status) on screen, the
// long names giving way. A PF and its VFs are told apart. Free counts agree everywhere.
#include "tst_gui_vm_util.h"

#include "models/MachineDeviceCapacity.h"
#include "models/PciDeviceFilterProxy.h"
#include "models/PciDeviceModel.h"
#include "views/PciDevicesDashboard.h"
#include "views/PciDevicesView.h"
#include "sim/SimKernel.h"

#include <QGuiApplication>
#include <QHeaderView>
#include <QScrollBar>
#include <QScreen>

#include <cerrno>

using namespace passdeck;
using namespace passdeck::test;

class TestGuiFit : public QObject
{
    Q_OBJECT

    GuiFixture m_fx;
    MainWindow &window() { return m_fx.window(); }

    // Every dashboard of the seeded demo, with its argument.
    QList<std::pair<QString, qint64>> locations()
    {
        DomainService &s = m_fx.service();
        const qint64 nodeA = m_fx.nodeId(QStringLiteral("node-a"));
        const qint64 gpus = s.findGroup(QStringLiteral("GPUs"))->id;
        const qint64 acme = s.findTenant(QStringLiteral("Acme Corp"))->id;
        const qint64 tnode = s.tenantNodes(acme)->first().id;
        return {{QStringLiteral("main"), 0},
                {QStringLiteral("resources"), 0},
                {QStringLiteral("nodes"), 0},
                {QStringLiteral("node"), nodeA},
                {QStringLiteral("pci"), 0},
                {QStringLiteral("pci"), nodeA},
                {QStringLiteral("group"), gpus},
                {QStringLiteral("groupmachines"), gpus},
                {QStringLiteral("vms"), 0},
                {QStringLiteral("vm"), s.findVm(QStringLiteral("render-01"))->id},
                {QStringLiteral("tenants"), 0},
                {QStringLiteral("tenant"), acme},
                {QStringLiteral("tenantnode"), tnode},
                {QStringLiteral("risks"), 0}};
    }

    // The column lies wholly inside the table's viewport and is wide enough for its heading.
    static bool onScreen(QTableView *table, int column, QString *why)
    {
        QHeaderView *h = table->horizontalHeader();
        const int left = h->sectionViewportPosition(column);
        const int width = h->sectionSize(column);
        const int needed = table->fontMetrics().horizontalAdvance(
                               table->model()->headerData(column, Qt::Horizontal).toString()) + 8;
        *why = QStringLiteral("column %1 at %2 + %3 (heading needs %4), viewport %5")
                   .arg(column).arg(left).arg(width).arg(needed).arg(table->viewport()->width());
        return !h->isSectionHidden(column) && left >= 0 && left + width <= table->viewport()->width() && width >= needed;
    }

    void checkKeyColumns(const QSize &size)
    {
        window().resize(size);
        for (qint64 node : {qint64(0), m_fx.nodeId(QStringLiteral("node-a"))}) {
            auto *d = qobject_cast<PciDevicesDashboard *>(window().navigate(QStringLiteral("pci"), node));
            QVERIFY(d);
            QTableView *table = d->devicesView()->table();
            QTRY_VERIFY(table->model()->rowCount() > 0);
            QApplication::processEvents();
            table->horizontalScrollBar()->setValue(0);
            for (int c : {int(PciDeviceModel::SlotColumn), int(PciDeviceModel::IommuGroupColumn),
                          int(PciDeviceModel::ResourceGroupColumn), int(PciDeviceModel::StatusColumn)}) {
                QString why;
                QVERIFY2(onScreen(table, c, &why), qPrintable(QStringLiteral("%1x%2, pci %3: ").arg(size.width()).arg(size.height()).arg(node) + why));
            }
            // The long names gave way, not the key columns: Device is still readable.
            QVERIFY(table->columnWidth(PciDeviceModel::DeviceColumn) >= 100);
        }
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(m_fx.open({}, DemoContent::Seeded), qPrintable(m_fx.error()));
    }

    // A fresh window is never larger than the screen's available area.
    void newWindowFitsTheScreen()
    {
        const QRect available = QGuiApplication::primaryScreen()->availableGeometry();
        MainWindow w(m_fx.service());
        QVERIFY(w.width() <= available.width());
        QVERIFY(w.height() <= available.height());
    }

    // At 1024x768 no dashboard needs more: the window keeps its size on every one of them.
    void everyDashboardFits1024x768()
    {
        window().resize(1024, 768);
        QTRY_COMPARE(window().size(), QSize(1024, 768));
        for (const auto &[id, argument] : locations()) {
            QVERIFY2(window().navigate(id, argument), qPrintable(id));
            QApplication::processEvents();
            const QSize hint = window().minimumSizeHint();
            QVERIFY2(hint.width() <= 1024 && hint.height() <= 768,
                     qPrintable(QStringLiteral("%1: minimum %2x%3").arg(id).arg(hint.width()).arg(hint.height())));
            QVERIFY2(window().width() <= 1024 && window().height() <= 768,
                     qPrintable(QStringLiteral("%1: window %2x%3").arg(id).arg(window().width()).arg(window().height())));
        }
    }

    void keyColumnsVisibleAt1024x768() { checkKeyColumns(QSize(1024, 768)); }
    void keyColumnsVisibleAt1400x900() { checkKeyColumns(QSize(1400, 900)); }

    // node-b's ConnectX-5 PF 5e:00.0 and its VF 5e:00.2 read differently, even cut short.
    void pfAndVfToldApart()
    {
        window().resize(1024, 768);
        auto *d = qobject_cast<PciDevicesDashboard *>(window().navigate(QStringLiteral("pci"), m_fx.nodeId(QStringLiteral("node-b"))));
        QVERIFY(d);
        PciDeviceModel *model = d->devicesView()->model();
        QTRY_VERIFY(model->rowCount() > 0);
        const int pf = model->rowOf(m_fx.nodeId(QStringLiteral("node-b")), QStringLiteral("0000:5e:00.0"));
        const int vf = model->rowOf(m_fx.nodeId(QStringLiteral("node-b")), QStringLiteral("0000:5e:00.2"));
        QVERIFY(pf >= 0 && vf >= 0);
        const QString pfText = model->index(pf, PciDeviceModel::DeviceColumn).data().toString();
        const QString vfText = model->index(vf, PciDeviceModel::DeviceColumn).data().toString();
        QVERIFY2(vfText.startsWith(QStringLiteral("VF · ")), qPrintable(vfText));
        QVERIFY2(!pfText.startsWith(QStringLiteral("VF")), qPrintable(pfText));
        // Cut to the column's width, they still differ at the start.
        QTableView *table = d->devicesView()->table();
        const int width = table->columnWidth(PciDeviceModel::DeviceColumn) - 12;
        const QFontMetrics fm = table->fontMetrics();
        QVERIFY(fm.elidedText(pfText, Qt::ElideRight, width) != fm.elidedText(vfText, Qt::ElideRight, width));
        QVERIFY(model->index(vf, PciDeviceModel::DeviceColumn).data(Qt::ToolTipRole).toString().contains(QStringLiteral("virtual function")));
    }

    // A device waiting for its node's reboot is not free: the Resource Manager's count and the
    // device entry form's agree (both from the service's data).
    void freeCountsAgree()
    {
        QString node = QStringLiteral("node-a");
        QStringList free = freeEndpoints(m_fx, node);
        if (free.isEmpty()) {
            node = QStringLiteral("node-b");
            free = freeEndpoints(m_fx, node);
        }
        QVERIFY(!free.isEmpty());
        const QString address = free.first();
        {
            SimKernel kernel{HostRoot(m_fx.nodeRoot(node))};
            QVERIFY(kernel.injectFault(QStringLiteral("sys/bus/pci/devices/%1/driver/unbind").arg(address), EBUSY, 2).ok());
        }
        auto g = m_fx.service().createGroup({QStringLiteral("USB-like"), {}, GroupClass::Usb});
        QVERIFY(g);
        auto change = m_fx.service().makeResource(g->id, m_fx.nodeId(node), {address});
        QVERIFY2(change, change ? "" : qPrintable(change.error().message()));
        QVERIFY(change->rebootRequired);
        const ResourceGroup group = *m_fx.service().group(g->id);
        const Vm vm = *m_fx.service().findVm(QStringLiteral("db-01"));
        const Result<GroupAvailability> a = MachineDeviceCapacity::forVm(m_fx.service(), vm.id, g->id);
        QVERIFY(a);
        QCOMPARE(group.total, 1);
        QCOMPARE(group.free, a->free);
        QCOMPARE(group.free, 0);
    }

    void cleanupTestCase() { m_fx.close(); }
};

QTEST_MAIN(TestGuiFit)
#include "tst_gui_fit.moc"
