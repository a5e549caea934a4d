// The store in the GUI (docs/store.md, "Team store"): File → Open Store… (a refused location is
// explained in the dialog, an accepted one remembered), the status bar naming the open store,
// and two windows on one store, each with its own service and connections as two
// administrators' Passdecks have: a group made in one appears in the other's Resource Manager
// without losing that window's selection. Runs on SQLite, and on PostgreSQL in the _postgres run.
#include "GuiTestUtil.h"
#include "PgTestServer.h"
#include "service/LiveUpdates.h"
#include "store/Store.h"
#include "store/StoreWatcher.h"
#include "views/OpenStoreDialog.h"
#include "views/ResourceManagerDashboard.h"
#include "views/StoreMenu.h"

#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTableView>

using namespace passdeck;
using namespace passdeck::test;

class TstGuiStore : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void statusBarNamesTheStore();
    void openStoreExplainsARefusal();
    void openStoreRemembersTheStore();
    void groupMadeInOneWindowAppearsInTheOther();

private:
    QString newLocation()
    {
        if (!testBackendIsPostgres())
            return m_dir.filePath(QStringLiteral("store-%1.db").arg(++m_stores));
        QString why;
        const QString uri = PgTestServer::instance().createDatabase(&why);
        if (uri.isEmpty())
            qWarning("%s", qPrintable(why));
        return uri;
    }
    static ServiceOptions options()
    {
        ServiceOptions o;
        o.nodeFactory = localNodes(InventoryOptions{pinnedPciIds(), true});
        o.user = QStringLiteral("tester");
        return o;
    }
    static QStringList groupNames(QTableView *table)
    {
        QStringList names;
        for (int r = 0; table && r < table->model()->rowCount(); ++r)
            names << table->model()->index(r, 0).data().toString();
        return names;
    }

    QTemporaryDir m_dir;
    int m_stores = 0;
};

void TstGuiStore::initTestCase()
{
    QVERIFY(m_dir.isValid());
    // QSettings of this run only, never the user's.
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_dir.filePath(QStringLiteral("config")));
    if (testBackendIsPostgres())
        QVERIFY2(PgTestServer::instance().error().isEmpty(), qPrintable(PgTestServer::instance().error()));
}

void TstGuiStore::statusBarNamesTheStore()
{
    auto service = DomainService::open(newLocation(), options());
    QVERIFY(service);
    MainWindow window(**service);
    window.show();
    QVERIFY(StoreMenu::of(window));
    QVERIFY(StoreMenu::of(window)->startLiveUpdates());
    auto *status = child<QLabel>(&window, QStringLiteral("storeStatus"));
    QVERIFY(status);
    QVERIFY2(status->text().contains((*service)->store().path()), qPrintable(status->text()));
    QVERIFY(status->text().contains(testBackendIsPostgres() ? QStringLiteral("PostgreSQL") : QStringLiteral("SQLite")));
    QVERIFY(status->text().contains(QStringLiteral("live updates")));
    QVERIFY(!status->accessibleName().isEmpty());
}

void TstGuiStore::openStoreExplainsARefusal()
{
    auto service = DomainService::open(newLocation(), options());
    QVERIFY(service);
    MainWindow window(**service);
    window.show();
    QSignalSpy opened(StoreMenu::of(window), &StoreMenu::storeOpened);
    auto *action = window.findChild<QAction *>(QStringLiteral("actionOpenStore"));
    QVERIFY(action);
    action->trigger();
    OpenStoreDialog *dialog = nullptr;
    QTRY_VERIFY((dialog = window.findChild<OpenStoreDialog *>()) && dialog->isVisible());
    // A password in the URI is refused, never repeated.
    dialog->locationEdit()->setText(QStringLiteral("postgresql://alice:s3cret@db.example/passdeck"));
    QVERIFY(clickButton(dialog->openButton()));
    QVERIFY(dialog->isVisible());
    QVERIFY(dialog->errorLabel()->isVisible());
    const QString text = dialog->errorLabel()->text();
    QVERIFY2(text.contains(QStringLiteral("password")), qPrintable(text));
    QVERIFY(!text.contains(QStringLiteral("s3cret")));
    QVERIFY2(text.contains(QStringLiteral("pgpass")), qPrintable(text)); // what to do
    // An empty field says what to type.
    dialog->locationEdit()->clear();
    QVERIFY(clickButton(dialog->openButton()));
    QVERIFY(dialog->isVisible());
    QVERIFY(dialog->errorLabel()->text().contains(QStringLiteral("postgresql://")));
    QCOMPARE(opened.count(), 0);
    dialog->reject();
}

void TstGuiStore::openStoreRemembersTheStore()
{
    auto service = DomainService::open(newLocation(), options());
    QVERIFY(service);
    MainWindow window(**service);
    window.show();
    StoreMenu *menu = StoreMenu::of(window);
    QSignalSpy opened(menu, &StoreMenu::storeOpened);
    QString asked;
    menu->setOpener([&asked](const QString &location) -> Status {
        asked = location;
        auto store = Store::open(location);
        return store ? Status() : Status(store.error());
    });
    menu->openStoreDialog();
    OpenStoreDialog *dialog = nullptr;
    QTRY_VERIFY((dialog = window.findChild<OpenStoreDialog *>()) && dialog->isVisible());
    const QString target = newLocation();
    QVERIFY(!target.isEmpty());
    dialog->locationEdit()->setText(target);
    QVERIFY(clickButton(dialog->openButton()));
    QTRY_VERIFY(!dialog || !dialog->isVisible());
    QCOMPARE(asked, target);
    QCOMPARE(opened.count(), 1);
    QCOMPARE(opened.first().at(0).toString(), target);
    QCOMPARE(OpenStoreDialog::lastStore(), target);
    // The next dialog starts with it.
    menu->openStoreDialog();
    QTRY_VERIFY((dialog = window.findChild<OpenStoreDialog *>()) && dialog->isVisible());
    QCOMPARE(dialog->locationEdit()->text(), target);
    dialog->reject();
}

void TstGuiStore::groupMadeInOneWindowAppearsInTheOther()
{
    const QString location = newLocation();
    QVERIFY(!location.isEmpty());
    auto first = DomainService::open(location, options());
    QVERIFY(first);
    auto second = DomainService::open(location, options());
    QVERIFY(second);
    QVERIFY((*first)->createGroup(GroupSpec{QStringLiteral("Beta"), {}, GroupClass::Other}));
    QVERIFY((*first)->createGroup(GroupSpec{QStringLiteral("Delta"), {}, GroupClass::Other}));
    MainWindow one(**first);
    MainWindow other(**second);
    one.show();
    other.show();
    QVERIFY(QTest::qWaitForWindowExposed(&other));
    QVERIFY(StoreMenu::of(one)->startLiveUpdates());
    QVERIFY(StoreMenu::of(other)->startLiveUpdates());
    other.navigate(QStringLiteral("resources"));
    auto *table = child<QTableView>(other.currentDashboard(), QStringLiteral("groupsTable"));
    QVERIFY(table);
    QCOMPARE(groupNames(table), (QStringList{QStringLiteral("Beta"), QStringLiteral("Delta")}));
    table->selectRow(1);
    QCOMPARE(table->currentIndex().data().toString(), QStringLiteral("Delta"));

    // Made in the first window's service; the second window's Resource Manager shows it by
    // itself (the wait is patience, not a time limit: bench_store_team measures the latency).
    QVERIFY((*first)->createGroup(GroupSpec{QStringLiteral("Alpha"), {}, GroupClass::Other}));
    QTRY_VERIFY_WITH_TIMEOUT(groupNames(table).contains(QStringLiteral("Alpha")), 10000);
    QCOMPARE(groupNames(table), (QStringList{QStringLiteral("Alpha"), QStringLiteral("Beta"), QStringLiteral("Delta")}));
    // The selection stayed on the group the administrator had chosen.
    QCOMPARE(table->currentIndex().data().toString(), QStringLiteral("Delta"));
    QCOMPARE(table->selectionModel()->selectedRows().size(), 1);
    QCOMPARE(table->selectionModel()->selectedRows().first().data().toString(), QStringLiteral("Delta"));

    // And a group deleted elsewhere goes, the selection still where it was.
    auto groups = (*first)->groups();
    QVERIFY(groups);
    qint64 beta = 0;
    for (const ResourceGroup &g : *groups)
        if (g.name == QLatin1String("Beta"))
            beta = g.id;
    QVERIFY((*first)->deleteGroup(beta));
    QTRY_VERIFY_WITH_TIMEOUT(!groupNames(table).contains(QStringLiteral("Beta")), 10000);
    QCOMPARE(table->currentIndex().data().toString(), QStringLiteral("Delta"));
}

QTEST_MAIN(TstGuiStore)
#include "tst_gui_store.moc"
