#include "DemoEnvironment.h"

#include "SimHostBuilder.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QStandardPaths>

namespace passdeck {

namespace {
QString tr(const char *text) { return QCoreApplication::translate("passdeck::DemoEnvironment", text); }
} // namespace

QString DemoEnvironment::defaultDirectory()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation) + QLatin1String("/demo");
}

QList<std::pair<QString, QString>> DemoEnvironment::nodes()
{
    return {{QStringLiteral("node-a"), QStringLiteral(":/demo/node-a.json")},
            {QStringLiteral("node-b"), QStringLiteral(":/demo/node-b.json")}};
}

Result<std::unique_ptr<DomainService>> DemoEnvironment::open(const QString &dir, bool reset, ServiceOptions options)
{
    const QString absolute = QDir(dir).absolutePath();
    if (absolute == QLatin1String("/"))
        return Error::make(QStringLiteral("demo-dir"), tr("The demo environment cannot live in /."),
                           {}, tr("Choose a directory of its own, e.g. %1.").arg(defaultDirectory()));
    if (!QDir().mkpath(absolute + QLatin1String("/nodes")))
        return Error::make(QStringLiteral("demo-dir"), tr("Cannot create the demo directory %1.").arg(absolute),
                           {}, tr("Check the permissions of its parent directory."));

    const QString dbPath = absolute + QLatin1String("/passdeck.db");
    if (reset) {
        for (const QString &suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm"), QStringLiteral("-journal")})
            QFile::remove(dbPath + suffix);
    }

    SimHostBuilder::Options build;
    build.force = reset;
    for (const auto &[name, description] : nodes()) {
        const QString root = absolute + QLatin1String("/nodes/") + name;
        if (!reset && SimHostBuilder::isSimulatedRoot(root))
            continue;
        if (Status st = SimHostBuilder::buildFromFile(description, root, build); !st)
            return st.error();
    }

    auto service = DomainService::open(dbPath, std::move(options));
    if (!service)
        return service.error();
    for (const auto &[name, description] : nodes()) {
        Q_UNUSED(description)
        const QString root = absolute + QLatin1String("/nodes/") + name;
        auto existing = (*service)->findNode(name);
        if (existing)
            continue;
        auto added = (*service)->addNode(name, root, true);
        if (!added)
            return added.error();
    }
    return std::move(service).value();
}

} // namespace passdeck
