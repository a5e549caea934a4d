// The node boundary: what the central side may see of a node (core/Node.h only), how the service
// gets one (ServiceOptions::nodeFactory), and what the node checks itself (a stale plan).
#include "StoreFixture.h"
#include "node/LocalNode.h"
#include "node/LocalNodeConnector.h"

#include <QDirIterator>
#include <QRegularExpression>
#include <QtTest>

using namespace passdeck;
using namespace passdeck::test;

namespace {

QString sourceDir()
{
    return QStringLiteral(PASSDECK_SOURCE_DIR);
}

QString readSource(const QString &relative)
{
    QFile f(sourceDir() + u'/' + relative);
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
}

const QString gpu = QStringLiteral("0000:17:00.0");
const QString audio = QStringLiteral("0000:17:00.1");

} // namespace

class TestNodeBoundary : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void centralSideNamesNoNodeInternals()
    {
        // The node side's names, its headers and its sysfs path helpers.
        static const QRegularExpression forbidden(
            QStringLiteral("\\b(LocalNode|SysfsWriter|RealSysfsWriter|HostAccess|NodeHost|SimKernel|Binder|DriverRestore|"
                           "ImpactCheck|BindPlanner)\\b|bindpaths::|include \"(node|sim)/"));
        QStringList offenders;
        int files = 0;
        for (const QString &dir : {QStringLiteral("backend/service"), QStringLiteral("models"), QStringLiteral("views"),
                                   QStringLiteral("app/gui")}) {
            QDirIterator it(sourceDir() + u'/' + dir, {QStringLiteral("*.h"), QStringLiteral("*.cpp"), QStringLiteral("*.txt")},
                            QDir::Files, QDirIterator::Subdirectories);
            while (it.hasNext()) {
                const QString path = it.next();
                const QString relative = QDir(sourceDir()).relativeFilePath(path);
                QFile f(path);
                QVERIFY(f.open(QIODevice::ReadOnly));
                ++files;
                const QStringList lines = QString::fromUtf8(f.readAll()).split(u'\n');
                for (qsizetype i = 0; i < lines.size(); ++i) {
                    // The GUI's main builds the service and so passes it the local connector.
                    if (relative == QLatin1String("app/gui/main.cpp") && lines[i].contains(QLatin1String("node/LocalNodeConnector.h")))
                        continue;
                    if (forbidden.match(lines[i]).hasMatch())
                        offenders << QStringLiteral("%1:%2: %3").arg(relative).arg(i + 1).arg(lines[i].trimmed());
                }
            }
        }
        QVERIFY(files > 20);
        QVERIFY2(offenders.isEmpty(), qPrintable(offenders.join(u'\n')));
    }

    void serviceLinksNoNodeLibrary()
    {
        const QString cmake = readSource(QStringLiteral("backend/service/CMakeLists.txt"));
        static const QRegularExpression link(QStringLiteral("target_link_libraries\\s*\\(\\s*passdeck_service([^)]*)\\)"));
        const QRegularExpressionMatch m = link.match(cmake);
        QVERIFY2(m.hasMatch(), "no target_link_libraries(passdeck_service ...) in backend/service/CMakeLists.txt");
        for (const char *lib : {"passdeck_node", "passdeck_hostaccess", "passdeck_sim", "passdeck_backend", "LIBPCI", "pci"})
            QVERIFY2(!m.captured(1).contains(QLatin1String(lib)), lib);
    }

    void withoutNodeFactoryNodeOperationsAreRefused()
    {
        QTemporaryDir dir;
        const QString root = buildSimRoot(dir, demoDescription());
        QVERIFY(!root.isEmpty());
        ServiceOptions options;
        options.user = QStringLiteral("tester");
        auto service = DomainService::open(dir.filePath(QStringLiteral("s.db")), options);
        QVERIFY2(service, service ? "" : qPrintable(service.error().message()));
        auto added = (*service)->addNode(QStringLiteral("node-a"), root, true, {});
        QVERIFY(!added);
        QCOMPARE(added.error().code, ErrorCode::NoNodeFactory);
        QVERIFY(!added.error().hint.isEmpty());

        // A factory that returns no node is refused too, not dereferenced.
        ServiceOptions broken = options;
        broken.nodeFactory = [](const NodeInfo &) -> Result<std::unique_ptr<Node>> { return std::unique_ptr<Node>(); };
        auto other = DomainService::open(dir.filePath(QStringLiteral("t.db")), broken);
        QVERIFY(other);
        auto refused = (*other)->addNode(QStringLiteral("node-a"), root, true, {});
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, ErrorCode::NoNode);
    }

    void staleOrEditedPlansAreRefusedByTheNode()
    {
        QTemporaryDir dir;
        const QString root = buildSimRoot(dir, demoDescription());
        QVERIFY(!root.isEmpty());
        NodeInfo info;
        info.name = QStringLiteral("node-a");
        info.hostRoot = root;
        info.simulated = true;
        auto node = localNodes()(info);
        QVERIFY2(node, node ? "" : qPrintable(node.error().message()));
        auto plan = (*node)->plan({gpu}, BindTarget::VfioPci);
        QVERIFY(plan);
        QCOMPARE(plan->devices, QStringList({gpu, audio}));

        // A device set the node would not move now (the audio function left out).
        BindPlan fewer = *plan;
        fewer.devices = {gpu};
        auto refused = (*node)->apply(fewer, {});
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, ErrorCode::StalePlan);
        QCOMPARE(driverOf(root, gpu), QStringLiteral("nvidia"));

        // Blockers that differ: one the node sees now and the plan does not carry.
        auto bridgePlan = (*node)->plan({QStringLiteral("0000:00:00.0")}, BindTarget::VfioPci);
        QVERIFY(bridgePlan);
        QVERIFY(!bridgePlan->blockers(false).isEmpty());
        BindPlan edited = *bridgePlan;
        edited.findings.clear();
        auto blocked = (*node)->apply(edited, ApplyOptions{true, false, {}});
        QVERIFY(!blocked);
        QCOMPARE(blocked.error().code, ErrorCode::StalePlan);

        // The plan as made applies, progress fed by the node before every write.
        int calls = 0;
        auto applied = (*node)->apply(*plan, {}, [&](int, int, const QString &) { ++calls; });
        QVERIFY2(applied, applied ? "" : qPrintable(applied.error().message()));
        QVERIFY(calls >= int(plan->writes.size()));
        QCOMPARE(driverOf(root, gpu), QStringLiteral("vfio-pci"));
    }

    void restoreAndDriverStatesGoThroughTheNode()
    {
        QTemporaryDir dir;
        const QString root = buildSimRoot(dir, demoDescription());
        NodeInfo info;
        info.hostRoot = root;
        info.simulated = true;
        auto node = localNodes()(info);
        QVERIFY(node);
        auto plan = (*node)->plan({gpu}, BindTarget::VfioPci);
        QVERIFY(plan);
        QVERIFY((*node)->apply(*plan, {}));
        auto states = (*node)->driverStates({gpu, audio});
        QVERIFY(states);
        QCOMPARE(states->value(gpu).driver, QStringLiteral("vfio-pci"));
        QCOMPARE(states->value(gpu).override, QStringLiteral("vfio-pci"));
        QVERIFY(readRootFile(root, QStringLiteral("etc/udev/rules.d/61-passdeck-vfio.rules")).contains(gpu.toLatin1()));

        // Journal recovery's one call: drivers back, and the udev rules agree.
        QVERIFY((*node)->restore(RestoreRequest{plan->originalDrivers, plan->originalOverrides}));
        states = (*node)->driverStates({gpu, audio});
        QVERIFY(states);
        QCOMPARE(states->value(gpu).driver, QStringLiteral("nvidia"));
        QCOMPARE(states->value(gpu).override, QString());
        QCOMPARE(states->value(audio).driver, QStringLiteral("snd_hda_intel"));
        QVERIFY(!readRootFile(root, QStringLiteral("etc/udev/rules.d/61-passdeck-vfio.rules")).contains(gpu.toLatin1()));

        // Request data is validated before it becomes a path.
        QVERIFY(!(*node)->driverStates({QStringLiteral("../../etc")}));
        QVERIFY(!(*node)->restore(RestoreRequest{{{QStringLiteral("0000:17:00.0/../x"), QStringLiteral("nvidia")}}, {}}));

        auto id = (*node)->identity();
        QVERIFY(id);
        QCOMPARE(id->address, root);
        QVERIFY(id->simulated);
        QVERIFY(!id->agentVersion.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestNodeBoundary)
#include "tst_node_boundary.moc"
