#include "core/PassdeckVersion.h"
#include "connect/NodeConnector.h"
#include "demo/DemoEnvironment.h"
#include "service/DomainService.h"
#include "views/MainWindow.h"
#include "views/OpenStoreDialog.h"
#include "views/StoreMenu.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QMessageBox>
#include <QSysInfo>
#include <QThreadPool>
#include <QTimer>

#include <memory>

using namespace passdeck;

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("passdeck"));
    QApplication::setApplicationDisplayName(QStringLiteral("Passdeck"));
    QApplication::setApplicationVersion(QStringLiteral(PASSDECK_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(QApplication::translate("main", "Give VMs and tenants PCI devices through VFIO."));
    parser.addHelpOption();
    // --version prints "passdeck X.Y.Z" (the application name and version set above).
    parser.addVersionOption();
    const QCommandLineOption demo(QStringLiteral("demo"),
                                  QApplication::translate("main", "Open the demo environment (two simulated nodes)."));
    const QCommandLineOption demoDir(QStringLiteral("demo-dir"),
                                     QApplication::translate("main", "Where the demo environment lives (implies --demo)."),
                                     QStringLiteral("DIR"));
    const QCommandLineOption reset(QStringLiteral("demo-reset"),
                                   QApplication::translate("main", "Start the demo environment over (implies --demo)."));
    const QCommandLineOption db(QStringLiteral("db"),
                                QApplication::translate("main", "The state store to open: an SQLite file, or postgresql://USER@HOST:PORT/DBNAME "
                                                                "(also ?host=/socket/dir; the password comes from ~/.pgpass or PGPASSFILE)."),
                                QStringLiteral("FILE|URI"));
    const QCommandLineOption pciIds(QStringLiteral("pci-ids"),
                                   QApplication::translate("main", "pci.ids for device names."), QStringLiteral("FILE"));
    const QCommandLineOption hostRoot(QStringLiteral("host-root"),
                                      QApplication::translate("main", "Show this machine's devices: the host root to read, normally /."),
                                      QStringLiteral("DIR"));
    parser.addOptions({demo, demoDir, reset, db, pciIds, hostRoot});
    parser.process(app);

    ServiceOptions options;
    ConnectOptions connect;
    connect.inventory.pciIdsPath = parser.value(pciIds);
    const InventoryOptions &inventory = connect.inventory;
    // Host roots on this machine and nodes behind agents; the real host through the local
    // agent when Passdeck does not run as root.
    options.nodeFactory = nodeFactory(connect);
    Result<std::unique_ptr<DomainService>> service = [&]() -> Result<std::unique_ptr<DomainService>> {
        // Without a store or a host root to open, the store opened last (File → Open Store…);
        // without one either there is nothing real to show: the demo then.
        const bool explicitDemo = parser.isSet(demo) || parser.isSet(demoDir) || parser.isSet(reset);
        if (!explicitDemo && !parser.isSet(db) && !parser.isSet(hostRoot) && !OpenStoreDialog::lastStore().isEmpty())
            return DomainService::open(OpenStoreDialog::lastStore(), options);
        const bool wantsDemo = explicitDemo || (!parser.isSet(db) && !parser.isSet(hostRoot));
        if (wantsDemo) {
            const QString dir = parser.isSet(demoDir) ? parser.value(demoDir) : DemoEnvironment::defaultDirectory();
            return DemoEnvironment::open(dir, parser.isSet(reset), options, DemoContent::Seeded);
        }
        // An empty name is not "the default store" (the CLI refuses it the same way).
        if (parser.isSet(db) && parser.value(db).isEmpty())
            return Error::make(ErrorCode::BadUsage, QApplication::translate("main", "Opening the state store"),
                               QApplication::translate("main", "--db was given an empty file name"),
                               QApplication::translate("main", "Name the store file, or leave --db out for the default store."));
        auto opened = DomainService::open(parser.value(db), options);
        if (!opened || !parser.isSet(hostRoot))
            return opened;
        // The real host is one node of the store, named after the machine; refreshed on every start.
        const QString name = QSysInfo::machineHostName().isEmpty() ? QStringLiteral("localhost") : QSysInfo::machineHostName();
        DomainService &s = **opened;
        auto node = s.findNode(name);
        auto report = node ? s.refreshNode(node->id) : s.addNode(name, parser.value(hostRoot), false);
        if (!report)
            return report.error();
        return opened;
    }();
    if (!service) {
        QMessageBox::critical(nullptr, QApplication::translate("main", "Passdeck cannot start"), service.error().message());
        return 1;
    }

    // File → Open Store… opens a service on the chosen store (refusals stay in its dialog), then
    // a new window replaces this one once the dialog has closed.
    std::unique_ptr<DomainService> current = std::move(service.value());
    std::unique_ptr<DomainService> next;
    std::unique_ptr<MainWindow> window;
    std::function<void()> showWindow = [&] {
        window = std::make_unique<MainWindow>(*current);
        window->setPciIdsPath(inventory.pciIdsPath);
        StoreMenu *store = StoreMenu::of(*window);
        store->setOpener([&](const QString &location) -> Status {
            auto opened = DomainService::open(location, options);
            if (!opened)
                return opened.error();
            next = std::move(opened.value());
            QTimer::singleShot(0, &app, [&] {
                // Work still running on a worker belongs to the old store: it finishes first.
                QThreadPool::globalInstance()->waitForDone();
                window.reset();
                current = std::move(next);
                showWindow();
            });
            return {};
        });
        store->startLiveUpdates();
        window->show();
    };
    showWindow();
    const int rc = app.exec();
    // An apply or a refresh still running on a worker finishes before the window and the store
    // go away: stopping it half way would leave a node's drivers half moved until the next start.
    QThreadPool::globalInstance()->waitForDone();
    window.reset();
    return rc;
}
