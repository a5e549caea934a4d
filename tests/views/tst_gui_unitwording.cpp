// The dashboards say what their counts count, through the real main window on the demo's seeded
// content: the Resource Manager's Total / Free / In use columns are passthrough units (headers say
// so, cells stay numbers that sort numerically, tooltips word them "2 GPUs (4 functions)"); the
// group dashboard, the group's machine devices and the Main Dashboard's tiles use the same
// wording; every number agrees with what the service counts for the group.
#include "GuiTestUtil.h"

#include "views/DashboardTile.h"
#include "views/MainDashboard.h"
#include "service/PassthroughUnits.h"
#include "models/ResourceGroupModel.h"

#include <QLabel>
#include <QTableView>

using namespace passdeck;
using namespace passdeck::test;

class TestGuiUnitWording : public QObject
{
    Q_OBJECT

private:
    GuiFixture m_fx;
    ResourceGroup m_gpus;

    // The demo's host GPU group as the service counts it now.
    bool reloadGpus()
    {
        auto g = m_fx.service().group(m_gpus.id);
        if (!g)
            return false;
        m_gpus = *g;
        return true;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(m_fx.open({}, DemoContent::Seeded), qPrintable(m_fx.error()));
        auto groups = m_fx.service().allGroups();
        QVERIFY(groups);
        for (const ResourceGroup &g : *groups) {
            if (g.owner == GroupOwner::Host && g.groupClass == GroupClass::Gpu)
                m_gpus = g;
        }
        QVERIFY2(m_gpus.id > 0, "the seeded demo has a host GPU group");
        QVERIFY(reloadGpus());
        // A GPU and its audio function are one unit: the wording must tell units from functions.
        QVERIFY2(m_gpus.total > 0 && m_gpus.functions > m_gpus.total,
                 qPrintable(QStringLiteral("%1 units, %2 functions").arg(m_gpus.total).arg(m_gpus.functions)));
    }

    void resourceManagerSaysUnits()
    {
        Dashboard *d = m_fx.window().navigate(QStringLiteral("resources"));
        QVERIFY(d);
        auto *table = child<QTableView>(d, QStringLiteral("groupsTable"));
        QVERIFY(table);
        QAbstractItemModel *model = table->model();
        for (int c : {ResourceGroupModel::TotalColumn, ResourceGroupModel::FreeColumn, ResourceGroupModel::InUseColumn}) {
            const QString header = model->headerData(c, Qt::Horizontal).toString();
            QVERIFY2(header.contains(QStringLiteral("units")), qPrintable(header));
        }
        int row = -1;
        for (int r = 0; r < model->rowCount(); ++r) {
            if (model->index(r, 0).data(ResourceGroupModel::GroupIdRole).toLongLong() == m_gpus.id)
                row = r;
        }
        QVERIFY(row >= 0);
        QVERIFY(reloadGpus());
        // Cells are the service's numbers, kept as ints so the columns sort numerically.
        const QVariant total = model->index(row, ResourceGroupModel::TotalColumn).data();
        const QVariant free = model->index(row, ResourceGroupModel::FreeColumn).data();
        QCOMPARE(total.typeId(), QMetaType::Int);
        QCOMPARE(free.typeId(), QMetaType::Int);
        QCOMPARE(total.toInt(), m_gpus.total);
        QCOMPARE(free.toInt(), m_gpus.free);
        const QString tip = model->index(row, ResourceGroupModel::TotalColumn).data(Qt::ToolTipRole).toString();
        QCOMPARE(tip, PassthroughUnits::describe(m_gpus.total, m_gpus.functions, GroupClass::Gpu));
        QVERIFY2(tip.contains(QStringLiteral("GPU")) && tip.contains(QStringLiteral("%1 functions").arg(m_gpus.functions)),
                 qPrintable(tip));
        const QString freeTip = model->index(row, ResourceGroupModel::FreeColumn).data(Qt::ToolTipRole).toString();
        QVERIFY2(freeTip.startsWith(QString::number(m_gpus.free) + QLatin1Char(' ')) && freeTip.contains(QStringLiteral("GPU")),
                 qPrintable(freeTip));
    }

    void groupDashboardSaysUnits()
    {
        Dashboard *d = m_fx.window().navigate(QStringLiteral("group"), m_gpus.id);
        QVERIFY(d);
        QVERIFY(reloadGpus());
        auto *details = child<QLabel>(d, QStringLiteral("groupDetails"));
        QVERIFY(details);
        const QString text = details->text();
        const QString total = PassthroughUnits::describe(m_gpus.total, m_gpus.functions, GroupClass::Gpu);
        QVERIFY2(text.contains(QStringLiteral("<b>Units</b></td><td>") + total), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("%1 functions").arg(m_gpus.functions)), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("<b>Free</b></td><td>")
                               + PassthroughUnits::describe(m_gpus.free, 0, GroupClass::Gpu)),
                 qPrintable(text));
        QVERIFY2(!text.contains(QStringLiteral("Devices")), qPrintable(text));

        Dashboard *machines = m_fx.window().navigate(QStringLiteral("groupmachines"), m_gpus.id);
        QVERIFY(machines);
        auto *subtitle = child<QLabel>(machines, QStringLiteral("dashboardSubtitle"));
        QVERIFY(subtitle);
        QVERIFY2(subtitle->text().startsWith(total + QStringLiteral(" in the group, %1 free").arg(m_gpus.free)),
                 qPrintable(subtitle->text()));
    }

    void mainDashboardTilesSayWhatTheyCount()
    {
        auto *main = qobject_cast<MainDashboard *>(m_fx.window().navigate(QStringLiteral("main")));
        QVERIFY(main);
        int units = 0, functions = 0, reserved = 0;
        const auto groups = m_fx.service().allGroups();
        const auto tenantList = m_fx.service().tenants();
        QVERIFY(groups && tenantList);
        for (const ResourceGroup &g : *groups) {
            if (g.owner == GroupOwner::Host) {
                units += g.total;
                functions += g.functions;
            }
        }
        for (const Tenant &t : *tenantList)
            reserved += t.reservedDevices;
        QVERIFY(functions > units);
        auto *resources = child<QLabel>(main->tile(QStringLiteral("resources")), QStringLiteral("tileDetail"));
        QVERIFY(resources);
        QCOMPARE(resources->text(), QStringLiteral("resource groups holding %1 passthrough unit(s) (%2 PCI function(s))")
                                        .arg(units)
                                        .arg(functions));
        auto *tenants = child<QLabel>(main->tile(QStringLiteral("tenants")), QStringLiteral("tileDetail"));
        QVERIFY(tenants);
        QVERIFY2(tenants->text().contains(QStringLiteral("%1 PCI function").arg(reserved)), qPrintable(tenants->text()));
    }

    // A tenant node's reservation counts PCI functions (devices), and says so.
    void tenantNodeSaysFunctions()
    {
        auto nodes = m_fx.service().tenantNodes();
        QVERIFY(nodes);
        QVERIFY(!nodes->isEmpty());
        const TenantNode &n = nodes->first();
        Dashboard *d = m_fx.window().navigate(QStringLiteral("tenantnode"), n.id);
        QVERIFY(d);
        auto *details = child<QLabel>(d, QStringLiteral("tenantNodeDetails"));
        QVERIFY(details);
        QVERIFY2(details->text().contains(QStringLiteral("<b>Reserved devices</b></td><td>%1 PCI function(s)").arg(n.reservedDevices)),
                 qPrintable(details->text()));
    }

    void cleanupTestCase() { m_fx.close(); }
};

QTEST_MAIN(TestGuiUnitWording)
#include "tst_gui_unitwording.moc"
