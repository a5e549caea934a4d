// One owner per IOMMU group, through passdeck-cli: two VMs with Count 1 each never share an
// IOMMU group (a GPU and its audio function are one passthrough unit), nor do a tenant and a host
// VM; capacity counts units; a running VM keeps a detached device until it stops (--stop-vm stops
// it first); Power On / Restart are refused on a node in maintenance.
#include "CliRunner.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

using namespace passdeck::test;

namespace {
const QString gpu1 = QStringLiteral("0000:17:00.0");
const QString gpu1Audio = QStringLiteral("0000:17:00.1");
const QString gpu2 = QStringLiteral("0000:3c:00.0");
const QString gpu2Audio = QStringLiteral("0000:3c:00.1");
} // namespace

class TstCliStoreUnits : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void twoVmsNeverShareAnIommuGroup();
    void tenantAndVmNeverShareAnIommuGroup();
    void runningVmKeepsDetachedDevice();
    void maintenanceRefusesStart();

private:
    // A fresh store with node a (the demo's node-a) and group GPUs holding both GPUs (their audio
    // functions come along): 2 units of 2 functions.
    void freshStore(const QString &name);
    CliRun cli(const QStringList &args) const
    {
        return runCli(QStringList{QStringLiteral("--db"), m_db, QStringLiteral("--pci-ids"), pinnedPciIds()} + args);
    }
    QJsonDocument json(const QStringList &args) const
    {
        const CliRun r = cli(QStringList{QStringLiteral("--json")} + args);
        if (r.exitCode != 0)
            qWarning() << args << r.err;
        return QJsonDocument::fromJson(r.out);
    }
    QStringList allocated(const QString &vm) const
    {
        QStringList out;
        for (const QJsonValue &m : json({QStringLiteral("vm"), QStringLiteral("devices"), vm}).array())
            for (const QJsonValue &a : m.toObject().value(QLatin1String("allocated")).toArray())
                out << a.toObject().value(QLatin1String("address")).toString();
        out.sort();
        return out;
    }
    // IOMMU group -> the consumers of its devices ("vm:x", "tenant:y"); a sound store has at most
    // one per group.
    QMap<int, QSet<QString>> consumersByIommuGroup() const
    {
        QMap<int, QSet<QString>> out;
        for (const QJsonValue &v : json({QStringLiteral("node"), QStringLiteral("devices"), QStringLiteral("a")}).array()) {
            const QJsonObject d = v.toObject();
            const QString consumer = d.value(QLatin1String("consumer")).toString();
            if (!consumer.isEmpty())
                out[d.value(QLatin1String("iommuGroup")).toInt()].insert(consumer);
        }
        return out;
    }
    void verifyOneOwnerPerGroup() const
    {
        const auto groups = consumersByIommuGroup();
        QVERIFY(!groups.isEmpty());
        for (auto it = groups.cbegin(); it != groups.cend(); ++it)
            QVERIFY2(it.value().size() == 1, qPrintable(QStringLiteral("IOMMU group %1 held by %2").arg(it.key())
                                                            .arg(QStringList(it.value().values()).join(QLatin1String(", ")))));
    }
    QJsonObject group(const QString &name, const QStringList &extra = {}) const
    {
        for (const QJsonValue &v : json(QStringList{QStringLiteral("groups")} + extra).array())
            if (v.toObject().value(QLatin1String("name")).toString() == name)
                return v.toObject();
        return {};
    }

    QTemporaryDir m_dir;
    QString m_root;
    QString m_db;
};

#define EXPECT_EXIT(run, code)                                                                             \
    do {                                                                                                   \
        const CliRun r_ = (run);                                                                           \
        QVERIFY2(r_.exitCode == (code), qPrintable(QStringLiteral("exit %1, stderr: %2, stdout: %3")       \
                                                       .arg(r_.exitCode)                                   \
                                                       .arg(QString::fromUtf8(r_.err), QString::fromUtf8(r_.out)))); \
    } while (false)

void TstCliStoreUnits::initTestCase()
{
    QVERIFY(!cliPath().isEmpty());
    QVERIFY(m_dir.isValid());
}

void TstCliStoreUnits::freshStore(const QString &name)
{
    m_root = m_dir.filePath(name + QStringLiteral("-a"));
    m_db = m_dir.filePath(name + QStringLiteral(".db"));
    QCOMPARE(buildTree(m_root, QStringLiteral("node-a")), QString());
    EXPECT_EXIT(cli({QStringLiteral("node"), QStringLiteral("add"), QStringLiteral("a"), QStringLiteral("--host-root"), m_root,
                     QStringLiteral("--simulate")}), 0);
    EXPECT_EXIT(cli({QStringLiteral("group"), QStringLiteral("create"), QStringLiteral("--name"), QStringLiteral("GPUs"),
                     QStringLiteral("--class"), QStringLiteral("GPU")}), 0);
    EXPECT_EXIT(cli({QStringLiteral("make-resource"), QStringLiteral("--group"), QStringLiteral("GPUs"), QStringLiteral("--node"),
                     QStringLiteral("a"), gpu1, gpu2}), 0);
    const QJsonObject g = group(QStringLiteral("GPUs"));
    QCOMPARE(g.value(QLatin1String("total")).toInt(), 2);      // units: two GPUs...
    QCOMPARE(g.value(QLatin1String("functions")).toInt(), 4);  // ...with their audio functions
    QCOMPARE(g.value(QLatin1String("free")).toInt(), 2);
    const CliRun text = cli({QStringLiteral("groups")});
    QVERIFY2(text.out.contains("2 GPUs (4 functions)"), text.out.constData());
}

// The reproduction of the report: two VMs with Count 1 each, both restarted.
void TstCliStoreUnits::twoVmsNeverShareAnIommuGroup()
{
    freshStore(QStringLiteral("vms"));
    for (const QString &vm : {QStringLiteral("web-01"), QStringLiteral("ml-02")}) {
        EXPECT_EXIT(cli({QStringLiteral("vm"), QStringLiteral("create"), vm, QStringLiteral("--node"), QStringLiteral("a")}), 0);
        EXPECT_EXIT(cli({QStringLiteral("vm"), QStringLiteral("attach"), vm, QStringLiteral("--group"), QStringLiteral("GPUs"),
                         QStringLiteral("--count"), QStringLiteral("1")}), 0);
    }
    EXPECT_EXIT(cli({QStringLiteral("vm"), QStringLiteral("restart"), QStringLiteral("web-01")}), 0);
    EXPECT_EXIT(cli({QStringLiteral("vm"), QStringLiteral("restart"), QStringLiteral("ml-02")}), 0);
    QCOMPARE(allocated(QStringLiteral("web-01")), (QStringList{gpu1, gpu1Audio}));
    QCOMPARE(allocated(QStringLiteral("ml-02")), (QStringList{gpu2, gpu2Audio}));
    verifyOneOwnerPerGroup();
    QCOMPARE(group(QStringLiteral("GPUs")).value(QLatin1String("inUse")).toInt(), 2);
    QCOMPARE(group(QStringLiteral("GPUs")).value(QLatin1String("free")).toInt(), 0);

    // Restarting again (in either order) never splits a group either.
    EXPECT_EXIT(cli({QStringLiteral("vm"), QStringLiteral("restart"), QStringLiteral("ml-02")}), 0);
    EXPECT_EXIT(cli({QStringLiteral("vm"), QStringLiteral("restart"), QStringLiteral("web-01")}), 0);
    verifyOneOwnerPerGroup();

    // A third VM finds no whole unit left: refused, not given a stray audio function.
    EXPECT_EXIT(cli({QStringLiteral("vm"), QStringLiteral("create"), QStringLiteral("third"), QStringLiteral("--node"), QStringLiteral("a")}), 0);
    EXPECT_EXIT(cli({QStringLiteral("vm"), QStringLiteral("attach"), QStringLiteral("third"), QStringLiteral("--group"), QStringLiteral("GPUs"),
                     QStringLiteral("--count"), QStringLiteral("1")}), 0);
    const CliRun third = cli({QStringLiteral("vm"), QStringLiteral("restart"), QStringLiteral("third")});
    QCOMPARE(third.exitCode, 1);
    QVERIFY2(third.err.contains("only 0 are free"), third.err.constData());
    QVERIFY(allocated(QStringLiteral("third")).isEmpty());

    // Count counts units: 3 GPUs are more than the group has on the node.
    const CliRun over = cli({QStringLiteral("vm"), QStringLiteral("attach"), QStringLiteral("third"), QStringLiteral("--group"),
                             QStringLiteral("GPUs"), QStringLiteral("--count"), QStringLiteral("3")});
    QCOMPARE(over.exitCode, 1);
    QVERIFY2(over.err.contains("2 GPUs"), over.err.constData());
    QVERIFY2(!over.err.contains("warning"), over.err.constData()); // a sound store: nothing flagged at open
}

// A tenant given Count 1 owns the whole IOMMU group; a host VM then gets the other GPU.
void TstCliStoreUnits::tenantAndVmNeverShareAnIommuGroup()
{
    freshStore(QStringLiteral("tenant"));
    EXPECT_EXIT(cli({QStringLiteral("tenant"), QStringLiteral("create"), QStringLiteral("acme")}), 0);
    EXPECT_EXIT(cli({QStringLiteral("tenant"), QStringLiteral("node"), QStringLiteral("add"), QStringLiteral("acme"), QStringLiteral("acme-a"),
                     QStringLiteral("--node"), QStringLiteral("a")}), 0);
    EXPECT_EXIT(cli({QStringLiteral("tenant"), QStringLiteral("pass"), QStringLiteral("acme"), QStringLiteral("acme-a"), QStringLiteral("--group"),
                     QStringLiteral("GPUs"), QStringLiteral("--count"), QStringLiteral("1"), QStringLiteral("--name"), QStringLiteral("Acme GPUs")}),
                0);
    QStringList pool;
    for (const QJsonValue &v : json({QStringLiteral("group"), QStringLiteral("devices"), QStringLiteral("--name"), QStringLiteral("Acme GPUs"),
                                     QStringLiteral("--tenant"), QStringLiteral("acme")}).array())
        pool << v.toObject().value(QLatin1String("address")).toString();
    pool.sort();
    QCOMPARE(pool, (QStringList{gpu1, gpu1Audio}));
    const QJsonObject tenantGroup = group(QStringLiteral("Acme GPUs"), {QStringLiteral("--tenant"), QStringLiteral("acme")});
    QCOMPARE(tenantGroup.value(QLatin1String("total")).toInt(), 1);
    QCOMPARE(tenantGroup.value(QLatin1String("functions")).toInt(), 2);
    QCOMPARE(group(QStringLiteral("GPUs")).value(QLatin1String("tenantReserved")).toInt(), 1);

    EXPECT_EXIT(cli({QStringLiteral("vm"), QStringLiteral("create"), QStringLiteral("render-01"), QStringLiteral("--node"), QStringLiteral("a")}), 0);
    EXPECT_EXIT(cli({QStringLiteral("vm"), QStringLiteral("attach"), QStringLiteral("render-01"), QStringLiteral("--group"), QStringLiteral("GPUs"),
                     QStringLiteral("--count"), QStringLiteral("1")}), 0);
    EXPECT_EXIT(cli({QStringLiteral("vm"), QStringLiteral("restart"), QStringLiteral("render-01")}), 0);
    QCOMPARE(allocated(QStringLiteral("render-01")), (QStringList{gpu2, gpu2Audio}));
    verifyOneOwnerPerGroup();

    // Nothing whole is left for a second tenant pass or a second VM.
    const CliRun pass = cli({QStringLiteral("tenant"), QStringLiteral("pass"), QStringLiteral("acme"), QStringLiteral("acme-a"),
                             QStringLiteral("--group"), QStringLiteral("GPUs"), QStringLiteral("--count"), QStringLiteral("1")});
    QCOMPARE(pass.exitCode, 1);
    verifyOneOwnerPerGroup();
}

void TstCliStoreUnits::runningVmKeepsDetachedDevice()
{
    freshStore(QStringLiteral("detach"));
    for (const QString &vm : {QStringLiteral("v1"), QStringLiteral("v2"), QStringLiteral("v3")}) {
        EXPECT_EXIT(cli({QStringLiteral("vm"), QStringLiteral("create"), vm, QStringLiteral("--node"), QStringLiteral("a")}), 0);
        EXPECT_EXIT(cli({QStringLiteral("vm"), QStringLiteral("attach"), vm, QStringLiteral("--group"), QStringLiteral("GPUs"),
                         QStringLiteral("--count"), QStringLiteral("1"), QStringLiteral("--name"), QStringLiteral("gpu")}), 0);
    }
    EXPECT_EXIT(cli({QStringLiteral("vm"), QStringLiteral("restart"), QStringLiteral("v1")}), 0);
    EXPECT_EXIT(cli({QStringLiteral("vm"), QStringLiteral("restart"), QStringLiteral("v2")}), 0);

    // Detaching from the running v1 marks the device; v1 keeps its GPU until it stops.
    const CliRun detach = cli({QStringLiteral("vm"), QStringLiteral("detach"), QStringLiteral("v1"), QStringLiteral("gpu")});
    QCOMPARE(detach.exitCode, 0);
    QVERIFY2(detach.out.contains("until it stops"), detach.out.constData());
    QCOMPARE(allocated(QStringLiteral("v1")), (QStringList{gpu1, gpu1Audio}));
    const QJsonArray md = json({QStringLiteral("vm"), QStringLiteral("devices"), QStringLiteral("v1")}).array();
    QCOMPARE(md.size(), 1);
    QVERIFY(md.at(0).toObject().value(QLatin1String("removalPending")).toBool());
    EXPECT_EXIT(cli({QStringLiteral("vm"), QStringLiteral("restart"), QStringLiteral("v3")}), 1); // still v1's
    verifyOneOwnerPerGroup();

    // v1's power off makes it take effect: the device is gone, the GPU free for v3.
    EXPECT_EXIT(cli({QStringLiteral("vm"), QStringLiteral("power-off"), QStringLiteral("v1")}), 0);
    QVERIFY(json({QStringLiteral("vm"), QStringLiteral("devices"), QStringLiteral("v1")}).array().isEmpty());
    EXPECT_EXIT(cli({QStringLiteral("vm"), QStringLiteral("restart"), QStringLiteral("v3")}), 0);
    QCOMPARE(allocated(QStringLiteral("v3")), (QStringList{gpu1, gpu1Audio}));

    // --stop-vm: v2 is powered off first and loses the device now.
    const CliRun stop = cli({QStringLiteral("vm"), QStringLiteral("detach"), QStringLiteral("v2"), QStringLiteral("gpu"),
                             QStringLiteral("--stop-vm")});
    QCOMPARE(stop.exitCode, 0);
    QVERIFY(json({QStringLiteral("vm"), QStringLiteral("devices"), QStringLiteral("v2")}).array().isEmpty());
    bool v2Off = false;
    for (const QJsonValue &v : json({QStringLiteral("vms")}).array())
        if (v.toObject().value(QLatin1String("name")).toString() == QLatin1String("v2"))
            v2Off = v.toObject().value(QLatin1String("power")).toString() == QLatin1String("off");
    QVERIFY(v2Off);
    QCOMPARE(group(QStringLiteral("GPUs")).value(QLatin1String("free")).toInt(), 1);
}

void TstCliStoreUnits::maintenanceRefusesStart()
{
    freshStore(QStringLiteral("maint"));
    EXPECT_EXIT(cli({QStringLiteral("vm"), QStringLiteral("create"), QStringLiteral("v"), QStringLiteral("--node"), QStringLiteral("a")}), 0);
    EXPECT_EXIT(cli({QStringLiteral("node"), QStringLiteral("maintenance"), QStringLiteral("a"), QStringLiteral("on")}), 0);
    for (const QString &sub : {QStringLiteral("power-on"), QStringLiteral("restart")}) {
        const CliRun r = cli({QStringLiteral("vm"), sub, QStringLiteral("v")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("node 'a' is in maintenance mode") && r.err.contains("Turn maintenance mode off"), r.err.constData());
    }
    EXPECT_EXIT(cli({QStringLiteral("node"), QStringLiteral("maintenance"), QStringLiteral("a"), QStringLiteral("off")}), 0);
    EXPECT_EXIT(cli({QStringLiteral("vm"), QStringLiteral("power-on"), QStringLiteral("v")}), 0);
}

QTEST_GUILESS_MAIN(TstCliStoreUnits)
#include "tst_cli_store_units.moc"
