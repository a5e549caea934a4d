// passdeck-cli store commands: every flow, exit codes (0 ok, 1 refused, 2 usage), --json, and the
// simulated sysfs afterwards. The test functions run in order on one store.
#include "CliRunner.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace passdeck::test;

class TstCliStore : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void usageErrors_data();
    void usageErrors();
    void nodes();
    void groups();
    void makeAndRemoveResource();
    void vms();
    void tenants();
    void refusals_data();
    void refusals();
    void audit();
    void deletes();

private:
    CliRun cli(const QStringList &args) const
    {
        return runCli(QStringList{QStringLiteral("--db"), m_db, QStringLiteral("--pci-ids"), pinnedPciIds()} + args);
    }
    QJsonValue json(const QStringList &args) const
    {
        const CliRun r = cli(QStringList{QStringLiteral("--json")} + args);
        if (r.exitCode != 0)
            qWarning() << args << r.err;
        return QJsonDocument::fromJson(r.out).isArray() ? QJsonValue(QJsonDocument::fromJson(r.out).array())
                                                        : QJsonValue(QJsonDocument::fromJson(r.out).object());
    }
    QString driver(const QString &address) const
    {
        return QFileInfo(QFileInfo(m_rootA + QStringLiteral("/sys/bus/pci/devices/%1/driver").arg(address)).symLinkTarget()).fileName();
    }
    static QJsonObject byName(const QJsonArray &a, const QString &name)
    {
        for (const QJsonValue &v : a)
            if (v.toObject().value(QLatin1String("name")).toString() == name)
                return v.toObject();
        return {};
    }

    QTemporaryDir m_dir;
    QString m_db;
    QString m_rootA;
};

#define EXPECT_EXIT(run, code)                                                                          \
    do {                                                                                                \
        const CliRun r_ = (run);                                                                        \
        QVERIFY2(r_.exitCode == (code), qPrintable(QStringLiteral("exit %1, stderr: %2, stdout: %3")    \
                                                       .arg(r_.exitCode).arg(QString::fromUtf8(r_.err), \
                                                                             QString::fromUtf8(r_.out)))); \
    } while (false)

void TstCliStore::initTestCase()
{
    QVERIFY(!cliPath().isEmpty());
    m_db = m_dir.filePath(QStringLiteral("store/passdeck.db"));
    m_rootA = m_dir.filePath(QStringLiteral("a"));
    QCOMPARE(buildTree(m_rootA, QStringLiteral("node-a")), QString());
    QCOMPARE(buildTree(m_dir.filePath(QStringLiteral("b")), QStringLiteral("node-b")), QString());
}

void TstCliStore::usageErrors_data()
{
    QTest::addColumn<QStringList>("args");
    auto row = [](const char *name, const QStringList &args) { QTest::newRow(name) << args; };
    row("node no sub", {QStringLiteral("node")});
    row("node add no root", {QStringLiteral("node"), QStringLiteral("add"), QStringLiteral("x")});
    row("node add no name", {QStringLiteral("node"), QStringLiteral("add")});
    row("node bogus", {QStringLiteral("node"), QStringLiteral("bogus"), QStringLiteral("x")});
    row("nodes extra", {QStringLiteral("nodes"), QStringLiteral("extra")});
    row("group create no name", {QStringLiteral("group"), QStringLiteral("create")});
    row("group bad class", {QStringLiteral("group"), QStringLiteral("create"), QStringLiteral("--name"), QStringLiteral("g"),
                            QStringLiteral("--class"), QStringLiteral("Toaster")});
    row("group name no value", {QStringLiteral("group"), QStringLiteral("create"), QStringLiteral("--name")});
    row("make-resource no group", {QStringLiteral("make-resource"), QStringLiteral("--node"), QStringLiteral("a"), QStringLiteral("0000:17:00.0")});
    row("make-resource no address", {QStringLiteral("make-resource"), QStringLiteral("--group"), QStringLiteral("g"), QStringLiteral("--node"), QStringLiteral("a")});
    row("make-resource bad address", {QStringLiteral("make-resource"), QStringLiteral("--group"), QStringLiteral("g"), QStringLiteral("--node"),
                                      QStringLiteral("a"), QStringLiteral("../../x")});
    row("remove-resource no node", {QStringLiteral("remove-resource"), QStringLiteral("0000:17:00.0")});
    row("vm attach no count", {QStringLiteral("vm"), QStringLiteral("attach"), QStringLiteral("v"), QStringLiteral("--group"), QStringLiteral("g")});
    row("vm attach count text", {QStringLiteral("vm"), QStringLiteral("attach"), QStringLiteral("v"), QStringLiteral("--group"), QStringLiteral("g"),
                                 QStringLiteral("--count"), QStringLiteral("two")});
    row("vm create no node", {QStringLiteral("vm"), QStringLiteral("create"), QStringLiteral("v")});
    row("vm create tenant only", {QStringLiteral("vm"), QStringLiteral("create"), QStringLiteral("v"), QStringLiteral("--node"), QStringLiteral("a"),
                                  QStringLiteral("--tenant"), QStringLiteral("t")});
    row("vm detach no device", {QStringLiteral("vm"), QStringLiteral("detach"), QStringLiteral("v")});
    row("vm unknown option", {QStringLiteral("vm"), QStringLiteral("restart"), QStringLiteral("v"), QStringLiteral("--bogus")});
    row("tenant node add no node", {QStringLiteral("tenant"), QStringLiteral("node"), QStringLiteral("add"), QStringLiteral("t"), QStringLiteral("n")});
    row("tenant pass no group", {QStringLiteral("tenant"), QStringLiteral("pass"), QStringLiteral("t"), QStringLiteral("n"), QStringLiteral("--count"),
                                 QStringLiteral("1")});
    row("tenant no sub", {QStringLiteral("tenant")});
    row("audit extra", {QStringLiteral("audit"), QStringLiteral("x")});
    row("audit limit text", {QStringLiteral("audit"), QStringLiteral("--limit"), QStringLiteral("abc")});
    row("audit limit 0", {QStringLiteral("audit"), QStringLiteral("--limit"), QStringLiteral("0")});
    row("audit limit missing", {QStringLiteral("audit"), QStringLiteral("--limit")});
    row("group bogus", {QStringLiteral("group"), QStringLiteral("bogus"), QStringLiteral("--name"), QStringLiteral("g")});
    row("vm bogus", {QStringLiteral("vm"), QStringLiteral("bogus"), QStringLiteral("v")});
    row("tenant bogus", {QStringLiteral("tenant"), QStringLiteral("bogus"), QStringLiteral("t")});
}

void TstCliStore::usageErrors()
{
    QFETCH(QStringList, args);
    const CliRun r = cli(args);
    QCOMPARE(r.exitCode, 2);
    QVERIFY(r.err.startsWith("passdeck-cli: "));
    QVERIFY(r.out.isEmpty());
}

void TstCliStore::nodes()
{
    EXPECT_EXIT(cli({QStringLiteral("node"), QStringLiteral("add"), QStringLiteral("a"), QStringLiteral("--host-root"), m_rootA,
                     QStringLiteral("--simulate")}), 0);
    const QJsonObject added = json({QStringLiteral("node"), QStringLiteral("add"), QStringLiteral("b"), QStringLiteral("--host-root"),
                                    m_dir.filePath(QStringLiteral("b")), QStringLiteral("--simulate")}).toObject();
    QCOMPARE(added.value(QLatin1String("name")).toString(), QStringLiteral("b"));
    QVERIFY(added.value(QLatin1String("added")).toInt() > 10);
    EXPECT_EXIT(cli({QStringLiteral("node"), QStringLiteral("add"), QStringLiteral("a"), QStringLiteral("--host-root"), m_rootA,
                     QStringLiteral("--simulate")}), 1);
    const QJsonArray nodes = json({QStringLiteral("nodes")}).toArray();
    QCOMPARE(nodes.size(), 2);
    QCOMPARE(byName(nodes, QStringLiteral("a")).value(QLatin1String("devices")).toInt(), 25);
    QVERIFY(byName(nodes, QStringLiteral("a")).value(QLatin1String("simulated")).toBool());
    const CliRun text = cli({QStringLiteral("nodes")});
    QCOMPARE(text.exitCode, 0);
    QVERIFY(text.out.contains("a\t"));
    const QJsonObject refreshed = json({QStringLiteral("node"), QStringLiteral("refresh"), QStringLiteral("a")}).toObject();
    QCOMPARE(refreshed.value(QLatin1String("added")).toInt(), 0);
    QCOMPARE(refreshed.value(QLatin1String("vanished")).toArray().size(), 0);
    EXPECT_EXIT(cli({QStringLiteral("node"), QStringLiteral("refresh"), QStringLiteral("nope")}), 1);
    const QJsonArray devices = json({QStringLiteral("node"), QStringLiteral("devices"), QStringLiteral("a")}).toArray();
    QCOMPARE(devices.size(), 25);
    EXPECT_EXIT(cli({QStringLiteral("node"), QStringLiteral("maintenance"), QStringLiteral("a"), QStringLiteral("on")}), 0);
    QVERIFY(byName(json({QStringLiteral("nodes")}).toArray(), QStringLiteral("a")).value(QLatin1String("maintenance")).toBool());
    EXPECT_EXIT(cli({QStringLiteral("node"), QStringLiteral("maintenance"), QStringLiteral("a"), QStringLiteral("off")}), 0);
    EXPECT_EXIT(cli({QStringLiteral("node"), QStringLiteral("maintenance"), QStringLiteral("a"), QStringLiteral("maybe")}), 2);
}

void TstCliStore::groups()
{
    const QJsonObject g = json({QStringLiteral("group"), QStringLiteral("create"), QStringLiteral("--name"), QStringLiteral("PCI GPUs"),
                                QStringLiteral("--description"), QStringLiteral("big ones"), QStringLiteral("--class"), QStringLiteral("gpu")})
                              .toObject();
    QCOMPARE(g.value(QLatin1String("name")).toString(), QStringLiteral("PCI GPUs"));
    QCOMPARE(g.value(QLatin1String("class")).toString(), QStringLiteral("GPU"));
    EXPECT_EXIT(cli({QStringLiteral("group"), QStringLiteral("create"), QStringLiteral("--name"), QStringLiteral("VFs"), QStringLiteral("--class"),
                     QStringLiteral("Network")}), 0);
    const QString odd = QStringLiteral("Grafik'; DROP TABLE vms;-- 显卡");
    EXPECT_EXIT(cli({QStringLiteral("group"), QStringLiteral("create"), QStringLiteral("--name"), odd}), 0);
    const QJsonArray list = json({QStringLiteral("groups")}).toArray();
    QCOMPARE(list.size(), 3);
    QVERIFY(!byName(list, odd).isEmpty());
    EXPECT_EXIT(cli({QStringLiteral("group"), QStringLiteral("edit"), QStringLiteral("--name"), odd, QStringLiteral("--new-name"),
                     QStringLiteral("Renamed"), QStringLiteral("--class"), QStringLiteral("Audio")}), 0);
    QCOMPARE(byName(json({QStringLiteral("groups")}).toArray(), QStringLiteral("Renamed")).value(QLatin1String("class")).toString(),
             QStringLiteral("Audio"));
    const CliRun dup = cli({QStringLiteral("group"), QStringLiteral("create"), QStringLiteral("--name"), QStringLiteral("VFs")});
    QCOMPARE(dup.exitCode, 1);
    QVERIFY(dup.err.contains("already exists"));
    const CliRun blank = cli({QStringLiteral("group"), QStringLiteral("create"), QStringLiteral("--name"), QStringLiteral("  ")});
    QCOMPARE(blank.exitCode, 1);
    QVERIFY(blank.err.contains("empty"));
    EXPECT_EXIT(cli({QStringLiteral("group"), QStringLiteral("create"), QStringLiteral("--name"), QString(129, u'x')}), 1);
}

void TstCliStore::makeAndRemoveResource()
{
    const QJsonObject made = json({QStringLiteral("make-resource"), QStringLiteral("--group"), QStringLiteral("PCI GPUs"), QStringLiteral("--node"),
                                   QStringLiteral("a"), QStringLiteral("0000:17:00.0"), QStringLiteral("0000:3c:00.0")}).toObject();
    QCOMPARE(made.value(QLatin1String("rules")).toArray().size(), 4);
    QCOMPARE(made.value(QLatin1String("added")).toArray().size(), 2);
    QCOMPARE(driver(QStringLiteral("0000:17:00.0")), QStringLiteral("vfio-pci"));
    QCOMPARE(driver(QStringLiteral("0000:3c:00.1")), QStringLiteral("vfio-pci"));
    const CliRun vfs = cli({QStringLiteral("make-resource"), QStringLiteral("--group"), QStringLiteral("VFs"), QStringLiteral("--node"),
                            QStringLiteral("a"), QStringLiteral("0000:18:02.0"), QStringLiteral("0000:18:02.1"), QStringLiteral("0000:18:02.2")});
    QCOMPARE(vfs.exitCode, 0);
    QVERIFY(vfs.out.contains("Resource rules created"));
    const QJsonArray members = json({QStringLiteral("group"), QStringLiteral("devices"), QStringLiteral("--name"), QStringLiteral("VFs")}).toArray();
    QCOMPARE(members.size(), 3);
    QCOMPARE(members.at(0).toObject().value(QLatin1String("status")).toString(), QStringLiteral("in-group"));
    // Into another group: refused, nothing moved.
    const CliRun other = cli({QStringLiteral("make-resource"), QStringLiteral("--group"), QStringLiteral("Renamed"), QStringLiteral("--node"),
                              QStringLiteral("a"), QStringLiteral("0000:18:02.0")});
    QCOMPARE(other.exitCode, 1);
    QVERIFY(other.err.contains("already belongs"));
    // Remove one and put it back.
    const QJsonObject removed = json({QStringLiteral("remove-resource"), QStringLiteral("--node"), QStringLiteral("a"),
                                      QStringLiteral("0000:18:02.2")}).toObject();
    QCOMPARE(removed.value(QLatin1String("devices")).toArray().size(), 1);
    QCOMPARE(driver(QStringLiteral("0000:18:02.2")), QStringLiteral("iavf"));
    EXPECT_EXIT(cli({QStringLiteral("make-resource"), QStringLiteral("--group"), QStringLiteral("VFs"), QStringLiteral("--node"), QStringLiteral("a"),
                     QStringLiteral("0000:18:02.2")}), 0);
    // The boot disk is blocked by the impact check.
    const CliRun boot = cli({QStringLiteral("make-resource"), QStringLiteral("--group"), QStringLiteral("Renamed"), QStringLiteral("--node"),
                             QStringLiteral("a"), QStringLiteral("0000:03:00.0")});
    QCOMPARE(boot.exitCode, 1);
    QCOMPARE(driver(QStringLiteral("0000:03:00.0")), QStringLiteral("nvme"));
    const QJsonObject gpus = byName(json({QStringLiteral("groups")}).toArray(), QStringLiteral("PCI GPUs"));
    // Counted in passthrough units: two GPUs, each with its audio function.
    QCOMPARE(gpus.value(QLatin1String("total")).toInt(), 2);
    QCOMPARE(gpus.value(QLatin1String("functions")).toInt(), 4);
    QCOMPARE(gpus.value(QLatin1String("free")).toInt(), 2);
}

void TstCliStore::vms()
{
    const QJsonObject vm = json({QStringLiteral("vm"), QStringLiteral("create"), QStringLiteral("render"), QStringLiteral("--node"),
                                 QStringLiteral("a")}).toObject();
    QCOMPARE(vm.value(QLatin1String("node")).toString(), QStringLiteral("a"));
    QCOMPARE(vm.value(QLatin1String("power")).toString(), QStringLiteral("off"));
    const QJsonObject m = json({QStringLiteral("vm"), QStringLiteral("attach"), QStringLiteral("render"), QStringLiteral("--group"),
                                QStringLiteral("PCI GPUs"), QStringLiteral("--count"), QStringLiteral("1"), QStringLiteral("--description"),
                                QStringLiteral("GPU + audio")}).toObject();
    QCOMPARE(m.value(QLatin1String("name")).toString(), QStringLiteral("PCI GPUs-1"));
    QCOMPARE(m.value(QLatin1String("count")).toInt(), 1);   // one unit: the GPU with its audio function
    QVERIFY(byName(json({QStringLiteral("vms")}).toArray(), QStringLiteral("render")).value(QLatin1String("restartNeeded")).toBool());
    const CliRun text = cli({QStringLiteral("vms")});
    QVERIFY(text.out.contains("restart needed"));
    const QJsonObject started = json({QStringLiteral("vm"), QStringLiteral("restart"), QStringLiteral("render")}).toObject();
    QCOMPARE(started.value(QLatin1String("allocated")).toArray().size(), 2);
    QCOMPARE(started.value(QLatin1String("power")).toString(), QStringLiteral("on"));
    QVERIFY(!started.value(QLatin1String("restartNeeded")).toBool());
    const QJsonArray devices = json({QStringLiteral("vm"), QStringLiteral("devices"), QStringLiteral("render")}).toArray();
    QCOMPARE(devices.size(), 1);
    QCOMPARE(devices.at(0).toObject().value(QLatin1String("allocated")).toArray().size(), 2);
    // A named machine device, then detach it.
    EXPECT_EXIT(cli({QStringLiteral("vm"), QStringLiteral("attach"), QStringLiteral("render"), QStringLiteral("--group"), QStringLiteral("VFs"),
                     QStringLiteral("--count"), QStringLiteral("1"), QStringLiteral("--name"), QStringLiteral("nic")}), 0);
    const CliRun detached = cli({QStringLiteral("vm"), QStringLiteral("detach"), QStringLiteral("render"), QStringLiteral("nic")});
    QCOMPARE(detached.exitCode, 0);
    QVERIFY(detached.out.contains("Detached"));
    EXPECT_EXIT(cli({QStringLiteral("vm"), QStringLiteral("detach"), QStringLiteral("render"), QStringLiteral("nic")}), 1);
    // Power off and on again.
    EXPECT_EXIT(cli({QStringLiteral("vm"), QStringLiteral("power-off"), QStringLiteral("render")}), 0);
    QCOMPARE(byName(json({QStringLiteral("groups")}).toArray(), QStringLiteral("PCI GPUs")).value(QLatin1String("inUse")).toInt(), 0);
    EXPECT_EXIT(cli({QStringLiteral("vm"), QStringLiteral("power-on"), QStringLiteral("render")}), 0);
    QCOMPARE(byName(json({QStringLiteral("groups")}).toArray(), QStringLiteral("PCI GPUs")).value(QLatin1String("inUse")).toInt(), 1);
}

void TstCliStore::tenants()
{
    const QJsonObject t = json({QStringLiteral("tenant"), QStringLiteral("create"), QStringLiteral("acme"), QStringLiteral("--description"),
                                QStringLiteral("a customer")}).toObject();
    QCOMPARE(t.value(QLatin1String("name")).toString(), QStringLiteral("acme"));
    const QJsonObject tn = json({QStringLiteral("tenant"), QStringLiteral("node"), QStringLiteral("add"), QStringLiteral("acme"),
                                 QStringLiteral("acme-a"), QStringLiteral("--node"), QStringLiteral("a")}).toObject();
    QCOMPARE(tn.value(QLatin1String("node")).toString(), QStringLiteral("a"));
    const QJsonObject pool = json({QStringLiteral("tenant"), QStringLiteral("pass"), QStringLiteral("acme"), QStringLiteral("acme-a"),
                                   QStringLiteral("--group"), QStringLiteral("PCI GPUs"), QStringLiteral("--count"), QStringLiteral("1"),
                                   QStringLiteral("--name"), QStringLiteral("acme GPUs")}).toObject();
    QCOMPARE(pool.value(QLatin1String("owner")).toString(), QStringLiteral("tenant"));
    QCOMPARE(pool.value(QLatin1String("total")).toInt(), 1);        // one GPU...
    QCOMPARE(pool.value(QLatin1String("functions")).toInt(), 2);    // ...with its audio function
    const QJsonObject tenant = byName(json({QStringLiteral("tenants")}).toArray(), QStringLiteral("acme"));
    QCOMPARE(tenant.value(QLatin1String("reservedDevices")).toInt(), 2);
    QCOMPARE(json({QStringLiteral("tenant"), QStringLiteral("nodes"), QStringLiteral("acme")}).toArray().size(), 1);
    QCOMPARE(json({QStringLiteral("groups"), QStringLiteral("--tenant"), QStringLiteral("acme")}).toArray().size(), 1);
    QCOMPARE(json({QStringLiteral("groups"), QStringLiteral("--all")}).toArray().size(), 4);
    // No more free GPUs for anyone: both are either the VM's or the tenant's.
    const CliRun more = cli({QStringLiteral("tenant"), QStringLiteral("pass"), QStringLiteral("acme"), QStringLiteral("acme-a"),
                             QStringLiteral("--group"), QStringLiteral("PCI GPUs"), QStringLiteral("--count"), QStringLiteral("1")});
    QCOMPARE(more.exitCode, 1);
    QVERIFY(more.err.contains("free"));
    // The tenant's VM.
    const QJsonObject tvm = json({QStringLiteral("vm"), QStringLiteral("create"), QStringLiteral("acme-vm"), QStringLiteral("--tenant"),
                                  QStringLiteral("acme"), QStringLiteral("--tenant-node"), QStringLiteral("acme-a")}).toObject();
    QCOMPARE(tvm.value(QLatin1String("owner")).toString(), QStringLiteral("tenant"));
    QCOMPARE(tvm.value(QLatin1String("node")).toString(), QStringLiteral("a"));
    EXPECT_EXIT(cli({QStringLiteral("vm"), QStringLiteral("attach"), QStringLiteral("acme-vm"), QStringLiteral("--group"), QStringLiteral("acme GPUs"),
                     QStringLiteral("--count"), QStringLiteral("1")}), 0);
    EXPECT_EXIT(cli({QStringLiteral("vm"), QStringLiteral("restart"), QStringLiteral("acme-vm")}), 0);
    const CliRun wrongNode = cli({QStringLiteral("vm"), QStringLiteral("create"), QStringLiteral("acme-vm2"), QStringLiteral("--node"),
                                  QStringLiteral("b"), QStringLiteral("--tenant"), QStringLiteral("acme"), QStringLiteral("--tenant-node"),
                                  QStringLiteral("acme-a")});
    QCOMPARE(wrongNode.exitCode, 1);
    QVERIFY(wrongNode.err.contains("node 'a'"));
}

void TstCliStore::refusals_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QByteArray>("reason");
    auto row = [](const char *name, const QStringList &args, const char *reason) { QTest::newRow(name) << args << QByteArray(reason); };
    row("count 0", {QStringLiteral("vm"), QStringLiteral("attach"), QStringLiteral("render"), QStringLiteral("--group"), QStringLiteral("VFs"),
                    QStringLiteral("--count"), QStringLiteral("0")}, "at least 1");
    row("count negative", {QStringLiteral("vm"), QStringLiteral("attach"), QStringLiteral("render"), QStringLiteral("--group"), QStringLiteral("VFs"),
                           QStringLiteral("--count"), QStringLiteral("-3")}, "at least 1");
    row("count above", {QStringLiteral("vm"), QStringLiteral("attach"), QStringLiteral("render"), QStringLiteral("--group"), QStringLiteral("VFs"),
                        QStringLiteral("--count"), QStringLiteral("9")}, "only 3");
    row("unknown vm", {QStringLiteral("vm"), QStringLiteral("restart"), QStringLiteral("ghost")}, "no VM named 'ghost'");
    row("unknown group", {QStringLiteral("vm"), QStringLiteral("attach"), QStringLiteral("render"), QStringLiteral("--group"),
                          QStringLiteral("ghost"), QStringLiteral("--count"), QStringLiteral("1")}, "ghost");
    row("tenant group for host vm", {QStringLiteral("vm"), QStringLiteral("attach"), QStringLiteral("render"), QStringLiteral("--group"),
                                     QStringLiteral("acme GPUs"), QStringLiteral("--count"), QStringLiteral("1")}, "acme GPUs");
    row("host group for tenant vm", {QStringLiteral("vm"), QStringLiteral("attach"), QStringLiteral("acme-vm"), QStringLiteral("--group"),
                                     QStringLiteral("VFs"), QStringLiteral("--count"), QStringLiteral("1")}, "tenant 'acme'");
    row("bridge", {QStringLiteral("make-resource"), QStringLiteral("--group"), QStringLiteral("Renamed"), QStringLiteral("--node"),
                   QStringLiteral("a"), QStringLiteral("0000:00:00.0")}, "bridge");
    row("held device", {QStringLiteral("remove-resource"), QStringLiteral("--node"), QStringLiteral("a"), QStringLiteral("0000:17:00.0")},
        "held by");
    row("duplicate vm", {QStringLiteral("vm"), QStringLiteral("create"), QStringLiteral("render"), QStringLiteral("--node"), QStringLiteral("a")},
        "already exists");
    row("duplicate tenant", {QStringLiteral("tenant"), QStringLiteral("create"), QStringLiteral("acme")}, "already exists");
    row("group in use", {QStringLiteral("group"), QStringLiteral("delete"), QStringLiteral("--name"), QStringLiteral("PCI GPUs")}, "");
    row("unknown tenant", {QStringLiteral("tenant"), QStringLiteral("node"), QStringLiteral("add"), QStringLiteral("ghost"),
                           QStringLiteral("n"), QStringLiteral("--node"), QStringLiteral("a")}, "ghost");
    row("host root missing", {QStringLiteral("node"), QStringLiteral("add"), QStringLiteral("c"), QStringLiteral("--host-root"),
                              QStringLiteral("/nonexistent/passdeck"), QStringLiteral("--simulate")}, "not a directory");
}

void TstCliStore::refusals()
{
    QFETCH(QStringList, args);
    QFETCH(QByteArray, reason);
    const CliRun r = cli(args);
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains(reason), r.err.constData());
    QVERIFY(r.err.startsWith("passdeck-cli: "));
    // --json does not change the channel: the reason is on stderr, stdout stays empty.
    const CliRun j = cli(QStringList{QStringLiteral("--json")} + args);
    QCOMPARE(j.exitCode, 1);
    QVERIFY(j.out.isEmpty());
}

void TstCliStore::audit()
{
    const QJsonArray entries = json({QStringLiteral("audit"), QStringLiteral("--limit"), QStringLiteral("500")}).toArray();
    QVERIFY(entries.size() > 30);
    QStringList actions;
    bool refused = false;
    for (const QJsonValue &v : entries) {
        const QJsonObject e = v.toObject();
        actions << e.value(QLatin1String("action")).toString();
        refused = refused || e.value(QLatin1String("result")).toString() == QLatin1String("refused");
        QVERIFY(!e.value(QLatin1String("user")).toString().isEmpty());
        QVERIFY(!e.value(QLatin1String("at")).toString().isEmpty());
    }
    QVERIFY(refused);
    for (const char *a : {"node.add", "group.create", "group.edit", "resource.make", "resource.remove", "vm.create", "vm.attach",
                          "vm.detach", "vm.restart", "vm.power-off", "tenant.create", "tenant.node-add", "tenant.pass"})
        QVERIFY2(actions.contains(QLatin1String(a)), a);
    QCOMPARE(json({QStringLiteral("audit"), QStringLiteral("--limit"), QStringLiteral("3")}).toArray().size(), 3);
    const CliRun text = cli({QStringLiteral("audit"), QStringLiteral("--limit"), QStringLiteral("5")});
    QCOMPARE(text.exitCode, 0);
    QCOMPARE(text.out.count('\n'), 5);
}

void TstCliStore::deletes()
{
    EXPECT_EXIT(cli({QStringLiteral("tenant"), QStringLiteral("delete"), QStringLiteral("acme")}), 1); // has a VM
    EXPECT_EXIT(cli({QStringLiteral("vm"), QStringLiteral("delete"), QStringLiteral("acme-vm")}), 0);
    // Without VMs the tenant goes, and its devices go back to the host group.
    const CliRun tenantGone = cli({QStringLiteral("tenant"), QStringLiteral("delete"), QStringLiteral("acme")});
    QCOMPARE(tenantGone.exitCode, 0);
    QVERIFY(tenantGone.out.contains("Deleted tenant 'acme'"));
    QCOMPARE(json({QStringLiteral("tenants")}).toArray().size(), 0);
    QCOMPARE(byName(json({QStringLiteral("groups")}).toArray(), QStringLiteral("PCI GPUs")).value(QLatin1String("tenantReserved")).toInt(), 0);
    // Nodes: a simulated reboot keeps the vfio-pci bindings (persistent configuration); a node
    // with groups' devices cannot be removed, an unused one can.
    const QJsonObject rebooted = json({QStringLiteral("node"), QStringLiteral("reboot"), QStringLiteral("a")}).toObject();
    QCOMPARE(rebooted.value(QLatin1String("name")).toString(), QStringLiteral("a"));
    QCOMPARE(driver(QStringLiteral("0000:17:00.0")), QStringLiteral("vfio-pci"));
    EXPECT_EXIT(cli({QStringLiteral("node"), QStringLiteral("remove"), QStringLiteral("a")}), 1);
    EXPECT_EXIT(cli({QStringLiteral("node"), QStringLiteral("remove"), QStringLiteral("b")}), 0);
    QCOMPARE(json({QStringLiteral("nodes")}).toArray().size(), 1);
    EXPECT_EXIT(cli({QStringLiteral("vm"), QStringLiteral("delete"), QStringLiteral("render")}), 0);
    const CliRun gone = cli({QStringLiteral("--json"), QStringLiteral("vm"), QStringLiteral("delete"), QStringLiteral("render")});
    QCOMPARE(gone.exitCode, 1);
    QCOMPARE(json({QStringLiteral("vms")}).toArray().size(), 0);
    EXPECT_EXIT(cli({QStringLiteral("group"), QStringLiteral("delete"), QStringLiteral("--name"), QStringLiteral("Renamed")}), 0);
    const QJsonObject ok = json({QStringLiteral("group"), QStringLiteral("create"), QStringLiteral("--name"), QStringLiteral("tmp")}).toObject();
    QVERIFY(ok.contains(QLatin1String("id")));
    const CliRun del = cli({QStringLiteral("--json"), QStringLiteral("group"), QStringLiteral("delete"), QStringLiteral("--name"),
                            QStringLiteral("tmp")});
    QCOMPARE(del.exitCode, 0);
    QVERIFY(QJsonDocument::fromJson(del.out).object().value(QLatin1String("ok")).toBool());
}

QTEST_GUILESS_MAIN(TstCliStore)
#include "tst_cli_store.moc"
