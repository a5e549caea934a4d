#pragma once
// Shared by the passdeck-cli binding tests (tst_cli_bind.cpp, tst_cli_bind_sim.cpp): fresh
// node-a roots, running the CLI on them with --simulate, and reading the tree back.
#include "CliRunner.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QObject>
#include <QProcess>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

namespace passdeck::test {

// node-a (resources/demo/node-a.json)
inline const QString kGpu = QStringLiteral("0000:17:00.0");    // nvidia; IOMMU group 10 with its audio function
inline const QString kAudio = QStringLiteral("0000:17:00.1");  // snd_hda_intel
inline const QString kNicUp = QStringLiteral("0000:04:00.0");  // igb, eno1 up; group 8 with 0000:04:00.1
inline const QString kNic2 = QStringLiteral("0000:04:00.1");
inline const QString kBridge = QStringLiteral("0000:00:1c.0"); // pcieport
inline const QString kPf = QStringLiteral("0000:18:00.0");     // i40e, 4 of 32 VFs enabled

class CliBindTest : public QObject
{
protected:
    // On a tmpfs when there is one: sysfs is in memory, and a busy ext4 makes every inode a
    // bind creates slow (tests/bench/bench_bind.cpp).
    QTemporaryDir m_tmp{(QFileInfo(QStringLiteral("/dev/shm")).isWritable() ? QStringLiteral("/dev/shm") : QDir::tempPath())
                        + QStringLiteral("/passdeck-cli-bind-XXXXXX")};
    int m_roots = 0;

    // A fresh node-a for each test: the tests change it.
    QString freshRoot()
    {
        const QString root = m_tmp.filePath(QStringLiteral("node-%1").arg(++m_roots));
        const QString problem = buildTree(root, QStringLiteral("node-a"));
        if (!problem.isEmpty())
            qFatal("%s", qPrintable(problem));
        return root;
    }
    static CliRun cli(const QString &root, const QStringList &args)
    {
        return runCli(QStringList{QStringLiteral("--host-root"), root, QStringLiteral("--simulate"), QStringLiteral("--pci-ids"),
                                  pinnedPciIds()} + args);
    }
    static QJsonObject jsonOf(const CliRun &r)
    {
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(r.out, &error);
        if (error.error != QJsonParseError::NoError || !doc.isObject())
            qWarning("not a JSON object: %s\nstderr: %s", r.out.constData(), r.err.constData());
        return doc.object();
    }
    static QSet<QString> keysOf(const QJsonObject &o)
    {
        const QStringList k = o.keys();
        return QSet<QString>(k.begin(), k.end());
    }
    static QSet<QString> keys(std::initializer_list<const char *> list)
    {
        QSet<QString> s;
        for (const char *k : list)
            s.insert(QLatin1String(k));
        return s;
    }
    static QString driverOf(const QString &root, const QString &address)
    {
        const QString t = QFileInfo(root + QStringLiteral("/sys/bus/pci/devices/") + address + QStringLiteral("/driver")).symLinkTarget();
        return t.isEmpty() ? QString() : QFileInfo(t).fileName();
    }
    static QString rules(const QString &root)
    {
        QFile f(root + QStringLiteral("/etc/udev/rules.d/61-passdeck-vfio.rules"));
        return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
    }
    static QString devVfio(const QString &root, const QString &address)
    {
        const QString g = QFileInfo(QFileInfo(root + QStringLiteral("/sys/bus/pci/devices/") + address + QStringLiteral("/iommu_group"))
                                        .symLinkTarget()).fileName();
        return root + QStringLiteral("/dev/vfio/") + g;
    }
    // The drivers of every device, to show that a refused or failed command changed nothing.
    static QMap<QString, QString> drivers(const QString &root)
    {
        QMap<QString, QString> m;
        for (const QString &a : QDir(root + QStringLiteral("/sys/bus/pci/devices")).entryList(QDir::AllEntries | QDir::System | QDir::NoDotAndDotDot))
            m.insert(a, driverOf(root, a));
        return m;
    }
    static QStringList strings(const QJsonValue &v)
    {
        QStringList out;
        for (const QJsonValue &x : v.toArray())
            out.append(x.toString());
        return out;
    }
    static void verifyOutcomeShape(const QJsonObject &o)
    {
        QCOMPARE(keysOf(o), keys({"ok", "target", "devices", "reboot_required", "reboot_devices", "findings", "error"}));
        for (const QJsonValue &d : o.value(QLatin1String("devices")).toArray())
            QCOMPARE(keysOf(d.toObject()), keys({"address", "original_driver", "driver"}));
        for (const QJsonValue &f : o.value(QLatin1String("findings")).toArray())
            QCOMPARE(keysOf(f.toObject()), keys({"severity", "code", "device", "message", "forcible"}));
        if (!o.value(QLatin1String("error")).isNull())
            QCOMPARE(keysOf(o.value(QLatin1String("error")).toObject()), keys({"code", "device", "step", "errno", "errno_name", "message"}));
    }

};

} // namespace passdeck::test
