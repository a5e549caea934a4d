#include "demo/DemoEnvironment.h"

#include "node/LocalNodeConnector.h"
#include "sim/SimHostBuilder.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QHash>
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

Result<std::unique_ptr<DomainService>> DemoEnvironment::open(const QString &dir, bool reset, ServiceOptions options,
                                                            DemoContent content)
{
    const QString absolute = QDir(dir).absolutePath();
    if (absolute == QLatin1String("/"))
        return Error::make(ErrorCode::DemoDir, tr("The demo environment cannot live in /."),
                           {}, tr("Choose a directory of its own, e.g. %1.").arg(defaultDirectory()));
    if (!QDir().mkpath(absolute + QLatin1String("/nodes")))
        return Error::make(ErrorCode::DemoDir, tr("Cannot create the demo directory %1.").arg(absolute),
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

    // The demo's nodes are simulated roots on this machine.
    if (!options.nodeFactory)
        options.nodeFactory = localNodes();
    auto service = DomainService::open(dbPath, std::move(options));
    if (!service)
        return service.error();
    // Seed only a new store: an administrator's changes to the demo are never overwritten.
    auto known = (*service)->nodes();
    if (!known)
        return known.error();
    const bool fresh = known->isEmpty() && content == DemoContent::Seeded;
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
    if (fresh) {
        if (Status st = seed(**service); !st)
            return st.error();
    }
    return std::move(service).value();
}

Status DemoEnvironment::seed(DomainService &service)
{
    auto nodeA = service.findNode(QStringLiteral("node-a"));
    if (!nodeA)
        return nodeA.error();
    auto nodeB = service.findNode(QStringLiteral("node-b"));
    if (!nodeB)
        return nodeB.error();

    // Flow 1.1: host resource groups, their devices moved to vfio-pci on the simulated nodes.
    struct Resource
    {
        GroupSpec spec;
        QStringList onA;
        QStringList onB;
    };
    const QList<Resource> resources = {
        {{QStringLiteral("GPUs"), tr("NVIDIA GPUs with their HDMI audio functions"), GroupClass::Gpu},
         {QStringLiteral("0000:17:00.0"), QStringLiteral("0000:3c:00.0")},
         {QStringLiteral("0000:af:00.0"), QStringLiteral("0000:b0:00.0")}},
        {{QStringLiteral("NVMe"), tr("Data NVMe drives (not the boot disks)"), GroupClass::Storage},
         {QStringLiteral("0000:3b:00.0")},
         {QStringLiteral("0000:b1:00.0")}},
        {{QStringLiteral("NIC VFs"), tr("SR-IOV virtual functions of the 10/100 GbE adapters"), GroupClass::Network},
         {QStringLiteral("0000:18:02.0"), QStringLiteral("0000:18:02.1"), QStringLiteral("0000:18:02.2"), QStringLiteral("0000:18:02.3")},
         {QStringLiteral("0000:5e:00.2"), QStringLiteral("0000:5e:00.3"), QStringLiteral("0000:5e:00.4"), QStringLiteral("0000:5e:00.5")}},
    };
    QHash<QString, qint64> groupIds;
    for (const Resource &r : resources) {
        auto g = service.createGroup(r.spec);
        if (!g)
            return g.error();
        groupIds.insert(r.spec.name, g->id);
        for (const auto &[node, addresses] : {std::pair{nodeA->id, r.onA}, std::pair{nodeB->id, r.onB}}) {
            auto made = service.makeResource(g->id, node, addresses);
            if (!made)
                return made.error();
        }
    }

    // Flow 1.2: a running VM with a GPU (allocated), one waiting for its restart, one without.
    // Each is a libvirt domain the service defines on its simulated node (docs/libvirt.md): the
    // restart writes the allocated devices into it and starts it.
    auto vm = [&](const QString &name, const QString &description, qint64 node, int vcpus, qint64 memoryMiB) -> Result<Vm> {
        VmSpec spec{name, description, node, 0, 0};
        spec.vcpus = vcpus;
        spec.memoryMiB = memoryMiB;
        return service.createVm(spec);
    };
    auto render = vm(QStringLiteral("render-01"), tr("Rendering workstation"), nodeA->id, 8, 32768);
    if (!render)
        return render.error();
    if (auto m = service.attach(AttachSpec{render->id, groupIds.value(QStringLiteral("GPUs")), 1, QStringLiteral("gpu"),
                                           tr("RTX A6000 and its audio function")}); !m)
        return m.error();
    if (auto started = service.restartVm(render->id); !started)
        return started.error();
    auto db = vm(QStringLiteral("db-01"), tr("PostgreSQL on a passed-through NVMe"), nodeA->id, 4, 16384);
    if (!db)
        return db.error();
    if (auto m = service.attach(AttachSpec{db->id, groupIds.value(QStringLiteral("NVMe")), 1, QString(), tr("Data drive")}); !m)
        return m.error();
    if (auto web = vm(QStringLiteral("web-01"), tr("Web front end (no PCI devices)"), nodeB->id, 2, 4096); !web)
        return web.error();

    // Flow 1.3: a tenant with a node on node-a holding two VFs, and a tenant VM using one.
    auto tenant = service.createTenant(QStringLiteral("Acme Corp"), tr("A customer with its own VMs"));
    if (!tenant)
        return tenant.error();
    auto tnode = service.addTenantNode(tenant->id, QStringLiteral("acme-a"), nodeA->id);
    if (!tnode)
        return tnode.error();
    auto pool = service.passToTenant(PassSpec{tnode->id, groupIds.value(QStringLiteral("NIC VFs")), 2, QStringLiteral("Acme VFs"),
                                              tr("Two VFs reserved to Acme")});
    if (!pool)
        return pool.error();
    VmSpec acme{QStringLiteral("acme-app-01"), tr("Acme's application server"), 0, tenant->id, tnode->id};
    acme.vcpus = 4;
    acme.memoryMiB = 8192;
    auto tvm = service.createVm(acme);
    if (!tvm)
        return tvm.error();
    if (auto m = service.attach(AttachSpec{tvm->id, pool->id, 1, QStringLiteral("nic"), {}}); !m)
        return m.error();
    if (auto started = service.restartVm(tvm->id); !started)
        return started.error();
    return {};
}

} // namespace passdeck
