// The test fixtures for real libvirt themselves: LibvirtdProcess (a private session libvirtd that
// leaves the machine's own libvirt state alone and is gone after stop()) and DomainXmlValidate
// (virt-xml-validate: a valid domain passes, a broken one fails with the tool's reason). Driven
// with virsh, as an administrator would. docs/libvirt.md, "Tests against a real libvirtd and a
// real VFIO device". Label libvirt; skipped (never passed) when the daemon cannot start here.
#include "DomainXmlValidate.h"
#include "LibvirtdProcess.h"

#include <QDirIterator>
#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryFile>
#include <QtTest>

#include <pwd.h>
#include <unistd.h>

using passdeck::test::domainXmlProblem;
using passdeck::test::LibvirtdProcess;
using passdeck::test::validateLibvirtXml;

namespace {

const QString kDomain = QStringLiteral("pdk-fixture-vm");

QString domainXml(const QString &hostdevBus)
{
    return QStringLiteral("<domain type='qemu'><name>%1</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>"
                          "<os><type arch='x86_64' machine='q35'>hvm</type></os><devices>"
                          "<hostdev mode='subsystem' type='pci' managed='no'><source>"
                          "<address domain='0x0000' bus='%2' slot='0x00' function='0x0'/></source></hostdev>"
                          "</devices></domain>")
        .arg(kDomain, hostdevBus);
}

// Paths and modification times below dir (the machine's own libvirt state).
QStringList snapshot(const QString &dir)
{
    QStringList out;
    QDirIterator it(dir, QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        it.next();
        out << it.filePath() + QLatin1Char(' ') + QString::number(it.fileInfo().lastModified().toMSecsSinceEpoch());
    }
    out.sort();
    return out;
}

} // namespace

class TestLibvirtdFixture : public QObject
{
    Q_OBJECT

private:
    LibvirtdProcess m_daemon;
    QMap<QString, QStringList> m_machineState;

    bool virsh(const QStringList &args, QString *output = nullptr, const QString &uri = {})
    {
        QProcess p;
        p.setProcessChannelMode(QProcess::MergedChannels);
        p.start(QStringLiteral("virsh"), QStringList{QStringLiteral("-c"), uri.isEmpty() ? m_daemon.uri() : uri} + args);
        const bool done = p.waitForFinished(120000);
        if (output)
            *output = QString::fromLocal8Bit(p.readAll());
        return done && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
    }

private Q_SLOTS:
    void initTestCase()
    {
        for (const char *dir : {"/etc/libvirt", "/var/lib/libvirt", "/run/libvirt"})
            m_machineState.insert(QLatin1String(dir), snapshot(QLatin1String(dir)));
        if (const QString why = m_daemon.start(); !why.isEmpty())
            QSKIP(qPrintable(QStringLiteral("a private libvirtd could not be started here: %1").arg(why)));
    }

    void cleanupTestCase()
    {
        if (m_daemon.running())
            virsh({QStringLiteral("undefine"), kDomain});
        m_daemon.stop();
        // nothing of the machine's own libvirt changed
        for (auto it = m_machineState.cbegin(); it != m_machineState.cend(); ++it)
            QCOMPARE(snapshot(it.key()), it.value());
    }

    void validatorAcceptsAndRefuses()
    {
        QVERIFY2(domainXmlProblem(domainXml(QStringLiteral("0x01"))).isEmpty(), qPrintable(domainXmlProblem(domainXml(QStringLiteral("0x01")))));
        // a hostdev without its source is not a domain libvirt's schema allows
        const QString broken = QString(domainXml(QStringLiteral("0x01"))).replace(QRegularExpression(QStringLiteral("<source>.*</source>")), QString());
        const auto v = validateLibvirtXml(broken);
        QVERIFY(v.ran);
        QVERIFY(!v.valid);
        QVERIFY2(!v.output.isEmpty(), "no reason given for an invalid document");
        const QString problem = domainXmlProblem(broken);
        QVERIFY(problem.contains(QStringLiteral("does not validate")));
        QVERIFY(problem.contains(broken)); // the document is in the message
        QVERIFY(!validateLibvirtXml(QStringLiteral("<domain")).valid); // not even XML
    }

    // The daemon is the session qemu driver on its own socket; what it defines lands in its own
    // directory and reads back valid.
    void privateDaemonDefinesAndForgets()
    {
        QVERIFY(m_daemon.running());
        QVERIFY(m_daemon.socketPath().startsWith(m_daemon.baseDir() + QLatin1Char('/')));
        QVERIFY(QFileInfo(m_daemon.socketPath()).exists());
        QString out;
        QVERIFY2(virsh({QStringLiteral("version")}, &out), qPrintable(out));
        QVERIFY2(out.contains(QStringLiteral("Running hypervisor: QEMU")), qPrintable(out));
        // as root the daemon runs as nobody: the session daemon, never the system one
        if (::geteuid() == 0)
            QCOMPARE(QFileInfo(m_daemon.socketPath()).ownerId(), ::getpwnam("nobody")->pw_uid);

        QTemporaryFile file;
        QVERIFY(file.open());
        file.write(domainXml(QStringLiteral("0x03")).toUtf8());
        file.flush();
        QVERIFY2(virsh({QStringLiteral("define"), file.fileName()}, &out), qPrintable(out));
        const QString stored = m_daemon.domainConfigDir() + QLatin1Char('/') + kDomain + QStringLiteral(".xml");
        QVERIFY2(QFile::exists(stored), qPrintable(stored));
        QVERIFY2(virsh({QStringLiteral("dumpxml"), QStringLiteral("--inactive"), kDomain}, &out), qPrintable(out));
        const QString problem = domainXmlProblem(out);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        QVERIFY(out.contains(QStringLiteral("bus='0x03'")));
        QVERIFY2(virsh({QStringLiteral("domstate"), kDomain}, &out), qPrintable(out));
        QCOMPARE(out.trimmed(), QStringLiteral("shut off"));
        QVERIFY2(virsh({QStringLiteral("undefine"), kDomain}, &out), qPrintable(out));
        QVERIFY(!QFile::exists(stored));
    }

    // stop() ends the daemon and removes its directory; the socket answers no more. A second
    // fixture then starts afresh (no state carried over).
    void stopEndsEverything()
    {
        const QString base = m_daemon.baseDir();
        const QString uri = m_daemon.uri();
        m_daemon.stop();
        QVERIFY(!m_daemon.running());
        QVERIFY2(!QFileInfo::exists(base), qPrintable(base + QStringLiteral(" left behind")));
        QString out;
        QVERIFY2(!virsh({QStringLiteral("uri")}, &out, uri), qPrintable(out));

        LibvirtdProcess second;
        if (const QString why = second.start(); !why.isEmpty())
            QFAIL(qPrintable(why));
        QVERIFY(second.baseDir() != base);
        QVERIFY2(virsh({QStringLiteral("list"), QStringLiteral("--all"), QStringLiteral("--name")}, &out, second.uri()), qPrintable(out));
        QCOMPARE(out.trimmed(), QString());
        const QString secondBase = second.baseDir();
        second.stop();
        QVERIFY(!QFileInfo::exists(secondBase));
    }
};

QTEST_GUILESS_MAIN(TestLibvirtdFixture)
#include "tst_libvirtd_fixture.moc"
