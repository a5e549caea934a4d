// passdeck-cli and VMs as libvirt domains (docs/cli.md): vm create --vcpus/--memory defines a
// domain on the simulated node's test driver, restart writes the allocated hostdevs into it,
// vm xml prints libvirt's XML (valid for virt-xml-validate), vm list --json gives libvirt's
// state, uuid, vCPUs, memory and hostdevs, power-off takes Passdeck's hostdevs out, attach-now
// falls back with libvirt's reason, node add --libvirt stores the URI.
#include "CliRunner.h"
#include "VmDomainXmlCheck.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace passdeck::test;

class TstCliVmLibvirt : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void vmFlowThroughTheTestDriver()
    {
        QVERIFY(!cliPath().isEmpty());
        QVERIFY(m_dir.isValid());
        const QString root = m_dir.filePath(QStringLiteral("a"));
        m_db = m_dir.filePath(QStringLiteral("store.db"));
        QCOMPARE(buildTree(root, QStringLiteral("node-a")), QString());
        expectOk({QStringLiteral("node"), QStringLiteral("add"), QStringLiteral("a"), QStringLiteral("--host-root"), root,
                  QStringLiteral("--simulate")});
        expectOk({QStringLiteral("group"), QStringLiteral("create"), QStringLiteral("--name"), QStringLiteral("GPUs"),
                  QStringLiteral("--class"), QStringLiteral("GPU")});
        expectOk({QStringLiteral("make-resource"), QStringLiteral("--group"), QStringLiteral("GPUs"), QStringLiteral("--node"),
                  QStringLiteral("a"), QStringLiteral("0000:17:00.0")});
        expectOk({QStringLiteral("vm"), QStringLiteral("create"), QStringLiteral("web-01"), QStringLiteral("--node"), QStringLiteral("a"),
                  QStringLiteral("--vcpus"), QStringLiteral("2"), QStringLiteral("--memory"), QStringLiteral("2048"),
                  QStringLiteral("--shutdown-timeout"), QStringLiteral("5")});
        expectOk({QStringLiteral("vm"), QStringLiteral("attach"), QStringLiteral("web-01"), QStringLiteral("--group"), QStringLiteral("GPUs"),
                  QStringLiteral("--count"), QStringLiteral("1")});
        // Usage errors are exit 2.
        QCOMPARE(cli({QStringLiteral("vm"), QStringLiteral("create"), QStringLiteral("x"), QStringLiteral("--node"), QStringLiteral("a"),
                      QStringLiteral("--adopt"), QStringLiteral("--vcpus"), QStringLiteral("2")}).exitCode, 2);

        CliRun defined = cli({QStringLiteral("vm"), QStringLiteral("xml"), QStringLiteral("web-01")});
        QVERIFY2(defined.exitCode == 0, defined.err.constData());
        QString xml = QString::fromUtf8(defined.out);
        QVERIFY2(xml.contains(QStringLiteral("<name>web-01</name>")), qPrintable(xml));
        QVERIFY2(!xml.contains(QStringLiteral("<hostdev")), qPrintable(xml));
        QString why;
        QVERIFY2(validateDomainXml(xml, &why), qPrintable(why));

        expectOk({QStringLiteral("vm"), QStringLiteral("restart"), QStringLiteral("web-01")});
        CliRun after = cli({QStringLiteral("vm"), QStringLiteral("xml"), QStringLiteral("web-01")});
        QVERIFY2(after.exitCode == 0, after.err.constData());
        xml = QString::fromUtf8(after.out);
        QCOMPARE(xml.count(QStringLiteral("<hostdev mode='subsystem' type='pci' managed='no'>")), 2);
        QVERIFY2(xml.contains(QStringLiteral("bus='0x17' slot='0x00' function='0x1'")), qPrintable(xml));
        QVERIFY2(validateDomainXml(xml, &why), qPrintable(why));
        // The XML in the test driver file is what libvirt returned.
        QFile file(root + QStringLiteral("/etc/passdeck/libvirt.xml"));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QString stored = QString::fromUtf8(file.readAll());
        QVERIFY2(stored.contains(QRegularExpression(QStringLiteral("passdeck:hostdev address=['\"]0000:17:00.1['\"]"))),
                 qPrintable(stored));

        CliRun list = cli({QStringLiteral("--json"), QStringLiteral("vm"), QStringLiteral("list")});
        QVERIFY2(list.exitCode == 0, list.err.constData());
        const QJsonObject vm = QJsonDocument::fromJson(list.out).array().first().toObject();
        QCOMPARE(vm.value(QStringLiteral("name")).toString(), QStringLiteral("web-01"));
        QCOMPARE(vm.value(QStringLiteral("state")).toString(), QStringLiteral("running"));
        QCOMPARE(vm.value(QStringLiteral("vcpus")).toInt(), 2);
        QCOMPARE(vm.value(QStringLiteral("memoryMiB")).toInt(), 2048);
        QCOMPARE(vm.value(QStringLiteral("shutdownTimeout")).toInt(), 5);
        QCOMPARE(vm.value(QStringLiteral("uuid")).toString().size(), 36);
        const QJsonArray hostdevs = vm.value(QStringLiteral("hostdevs")).toArray();
        QCOMPARE(hostdevs.size(), 2);
        QVERIFY(hostdevs.first().toObject().value(QStringLiteral("passdeck")).toBool());

        // A second device: the test driver refuses live attach; libvirt's reason, restart needed.
        expectOk({QStringLiteral("make-resource"), QStringLiteral("--group"), QStringLiteral("GPUs"), QStringLiteral("--node"),
                  QStringLiteral("a"), QStringLiteral("0000:3c:00.0")});
        expectOk({QStringLiteral("vm"), QStringLiteral("attach"), QStringLiteral("web-01"), QStringLiteral("--group"), QStringLiteral("GPUs"),
                  QStringLiteral("--count"), QStringLiteral("1"), QStringLiteral("--name"), QStringLiteral("second")});
        CliRun live = cli({QStringLiteral("vm"), QStringLiteral("attach-now"), QStringLiteral("web-01")});
        QCOMPARE(live.exitCode, 1);
        QVERIFY2(QString::fromUtf8(live.err).contains(QStringLiteral("web-01")), live.err.constData());
        CliRun still = cli({QStringLiteral("vm"), QStringLiteral("xml"), QStringLiteral("web-01")});
        QCOMPARE(QString::fromUtf8(still.out).count(QStringLiteral("<hostdev ")), 2);

        expectOk({QStringLiteral("vm"), QStringLiteral("power-off"), QStringLiteral("web-01")});
        CliRun off = cli({QStringLiteral("vm"), QStringLiteral("xml"), QStringLiteral("web-01")});
        QVERIFY2(!QString::fromUtf8(off.out).contains(QStringLiteral("<hostdev")), off.out.constData());
        CliRun listOff = cli({QStringLiteral("--json"), QStringLiteral("vm"), QStringLiteral("list")});
        QCOMPARE(QJsonDocument::fromJson(listOff.out).array().first().toObject().value(QStringLiteral("state")).toString(),
                 QStringLiteral("shut-off"));
    }

    void nodeAddLibvirtUri()
    {
        const QString root = m_dir.filePath(QStringLiteral("b"));
        QCOMPARE(buildTree(root, QStringLiteral("node-b")), QString());
        QCOMPARE(cli({QStringLiteral("node"), QStringLiteral("add"), QStringLiteral("b"), QStringLiteral("--host-root"), root,
                      QStringLiteral("--simulate"), QStringLiteral("--libvirt")}).exitCode, 2);
        expectOk({QStringLiteral("node"), QStringLiteral("add"), QStringLiteral("b"), QStringLiteral("--host-root"), root,
                  QStringLiteral("--simulate"), QStringLiteral("--libvirt"), QStringLiteral("test:///default")});
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("check"));
            db.setDatabaseName(m_db);
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("SELECT libvirt_uri FROM nodes WHERE name = 'b'")));
            QVERIFY(q.next());
            QCOMPARE(q.value(0).toString(), QStringLiteral("test:///default"));
        }
        QSqlDatabase::removeDatabase(QStringLiteral("check"));
    }

private:
    CliRun cli(const QStringList &args) const
    {
        return runCli(QStringList{QStringLiteral("--db"), m_db, QStringLiteral("--pci-ids"), pinnedPciIds()} + args);
    }
    void expectOk(const QStringList &args) const
    {
        const CliRun r = cli(args);
        QVERIFY2(r.exitCode == 0, qPrintable(args.join(u' ') + QStringLiteral(": ") + QString::fromUtf8(r.err)));
    }

    QTemporaryDir m_dir;
    QString m_db;
};

QTEST_GUILESS_MAIN(TstCliVmLibvirt)
#include "tst_cli_vm_libvirt.moc"
