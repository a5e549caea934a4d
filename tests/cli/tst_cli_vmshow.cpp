// passdeck-cli vm show NAME: the VM, its node and state, its machine devices with what they got,
// then the QEMU and libvirt snippets for those devices (the service's, as the VM dashboard shows).
#include "CliRunner.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace passdeck::test;

class TstCliVmShow : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void showsVmAndSnippets()
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
        expectOk({QStringLiteral("vm"), QStringLiteral("create"), QStringLiteral("web-01"), QStringLiteral("--node"), QStringLiteral("a")});
        expectOk({QStringLiteral("vm"), QStringLiteral("attach"), QStringLiteral("web-01"), QStringLiteral("--group"), QStringLiteral("GPUs"),
                  QStringLiteral("--count"), QStringLiteral("1"), QStringLiteral("--name"), QStringLiteral("gpu")});

        // Stopped, nothing allocated yet: no snippet, and it says why.
        CliRun before = cli({QStringLiteral("vm"), QStringLiteral("show"), QStringLiteral("web-01")});
        QVERIFY2(before.exitCode == 0, before.err.constData());
        const QString b = QString::fromUtf8(before.out);
        QVERIFY2(b.contains(QStringLiteral("VM:        web-01")), qPrintable(b));
        QVERIFY2(b.contains(QStringLiteral("Node:      a")), qPrintable(b));
        QVERIFY2(b.contains(QStringLiteral("State:     off, restart needed")), qPrintable(b));
        QVERIFY2(b.contains(QStringLiteral("gpu\tGPUs\tcount 1\tnot allocated")), qPrintable(b));
        QVERIFY2(!b.contains(QStringLiteral("-device vfio-pci")), qPrintable(b));

        expectOk({QStringLiteral("vm"), QStringLiteral("restart"), QStringLiteral("web-01")});
        CliRun after = cli({QStringLiteral("vm"), QStringLiteral("show"), QStringLiteral("web-01")});
        QVERIFY2(after.exitCode == 0, after.err.constData());
        const QString a = QString::fromUtf8(after.out);
        QVERIFY2(a.contains(QStringLiteral("State:     on")), qPrintable(a));
        QVERIFY2(a.contains(QStringLiteral("gpu\tGPUs\tcount 1\t0000:17:00.0, 0000:17:00.1")), qPrintable(a));
        // Devices first, then the snippets, QEMU before libvirt.
        const qsizetype devices = a.indexOf(QStringLiteral("Devices:"));
        const qsizetype qemu = a.indexOf(QStringLiteral("-device vfio-pci,host=0000:17:00.0 \\\n-device vfio-pci,host=0000:17:00.1"));
        const qsizetype libvirt = a.indexOf(QStringLiteral("<address domain='0x0000' bus='0x17' slot='0x00' function='0x1'/>"));
        QVERIFY2(devices >= 0 && qemu > devices && libvirt > qemu, qPrintable(a));
        QCOMPARE(a.count(QStringLiteral("<hostdev mode='subsystem' type='pci' managed='no'>")), 2);

        // --json carries the same.
        CliRun json = cli({QStringLiteral("--json"), QStringLiteral("vm"), QStringLiteral("show"), QStringLiteral("web-01")});
        QVERIFY2(json.exitCode == 0, json.err.constData());
        const QJsonObject o = QJsonDocument::fromJson(json.out).object();
        QCOMPARE(o.value(QLatin1String("name")).toString(), QStringLiteral("web-01"));
        QVERIFY(o.value(QLatin1String("qemu")).toString().contains(QStringLiteral("host=0000:17:00.1")));
        QCOMPARE(o.value(QLatin1String("libvirt")).toString().count(QStringLiteral("<hostdev ")), 2);
        QCOMPARE(o.value(QLatin1String("machineDevices")).toArray().size(), 1);

        // An unknown VM: refused, nothing printed on stdout.
        CliRun missing = cli({QStringLiteral("vm"), QStringLiteral("show"), QStringLiteral("nope")});
        QVERIFY(missing.exitCode != 0);
        QVERIFY(missing.out.isEmpty());
        // No name: usage.
        QCOMPARE(cli({QStringLiteral("vm"), QStringLiteral("show")}).exitCode, 2);
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

QTEST_GUILESS_MAIN(TstCliVmShow)
#include "tst_cli_vmshow.moc"
