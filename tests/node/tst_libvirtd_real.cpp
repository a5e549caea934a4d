// The node's Hypervisor against a real libvirtd (qemu driver) on a private socket
// (tests/support/LibvirtdProcess.h): define a VM, read it back, give a VM Passdeck's hostdevs
// without starting anything (beside a hostdev Passdeck did not write), check every XML libvirt
// returns against libvirt's own schema (tests/support/DomainXmlValidate.h), undefine. docs/libvirt.md, "Tests against a real
// libvirtd and a real VFIO device". Label libvirt; skipped (never passed) when the daemon
// cannot start here, naming why.
#include "DomainXmlValidate.h"
#include "LibvirtdProcess.h"

#include "core/HypervisorTypes.h"
#include "node/hypervisor/Hypervisor.h"

#include <QDirIterator>
#include <QDomDocument>
#include <QFile>
#include <QProcess>
#include <QTemporaryFile>
#include <QtTest>

using namespace passdeck;
using passdeck::test::domainXmlProblem;
using passdeck::test::LibvirtdProcess;

namespace {

const QString kVm = QStringLiteral("pdk-real-vm");
const QString kAdopted = QStringLiteral("pdk-real-adopted");
// PCI addresses need not exist on this machine: a definition only names them (nothing starts).
const QString kDevA = QStringLiteral("0000:01:00.0");
const QString kDevB = QStringLiteral("0000:02:00.1");
const QString kForeign = QStringLiteral("0000:05:00.0");

// What a directory holds (paths and modification times): the machine's own libvirt state
// before and after, which the private daemon must not change.
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

// The <hostdev> source addresses of a domain XML, "0000:01:00.0" form, in document order.
QStringList hostdevAddresses(const QString &xml, QStringList *managed = nullptr)
{
    QDomDocument doc;
    if (!doc.setContent(xml))
        return {QStringLiteral("<unparsable XML>")};
    QStringList out;
    const QDomNodeList list = doc.documentElement().firstChildElement(QStringLiteral("devices")).elementsByTagName(QStringLiteral("hostdev"));
    for (int i = 0; i < list.size(); ++i) {
        const QDomElement h = list.at(i).toElement();
        const QDomElement a = h.firstChildElement(QStringLiteral("source")).firstChildElement(QStringLiteral("address"));
        auto num = [&](const char *attr) { return a.attribute(QLatin1String(attr)).toUInt(nullptr, 16); };
        out << QStringLiteral("%1:%2:%3.%4")
                   .arg(num("domain"), 4, 16, QLatin1Char('0'))
                   .arg(num("bus"), 2, 16, QLatin1Char('0'))
                   .arg(num("slot"), 2, 16, QLatin1Char('0'))
                   .arg(num("function"), 1, 16);
        if (managed)
            *managed << h.attribute(QStringLiteral("managed"));
    }
    return out;
}

QStringList infoAddresses(const DomainInfo &info, bool passdeckOnly)
{
    QStringList out;
    for (const DomainHostdev &h : info.hostdevs) {
        if (!passdeckOnly || h.passdeck)
            out << h.address;
    }
    return out;
}

} // namespace

class TestLibvirtdReal : public QObject
{
    Q_OBJECT

private:
    LibvirtdProcess m_daemon;
    QMap<QString, QStringList> m_machineState;

    Hypervisor hypervisor() const { return Hypervisor(HypervisorTarget{QStringLiteral("libvirtd-test"), m_daemon.uri(), {}}); }

    // virsh against the private daemon (as a user outside Passdeck would).
    bool virsh(const QStringList &args, QString *output = nullptr)
    {
        QProcess p;
        p.setProcessChannelMode(QProcess::MergedChannels);
        p.start(QStringLiteral("virsh"), QStringList{QStringLiteral("-c"), m_daemon.uri()} + args);
        const bool done = p.waitForFinished(120000);
        if (output)
            *output = QString::fromLocal8Bit(p.readAll());
        return done && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
    }

    QString xmlOf(const QString &name)
    {
        auto xml = hypervisor().domainXml(name);
        if (!xml) {
            qWarning("domainXml(%s): %s", qPrintable(name), qPrintable(xml.error().message()));
            return {};
        }
        return xml.value();
    }

private Q_SLOTS:
    void initTestCase()
    {
        for (const char *dir : {"/etc/libvirt", "/var/lib/libvirt", "/run/libvirt"})
            m_machineState.insert(QLatin1String(dir), snapshot(QLatin1String(dir)));
        if (const QString why = m_daemon.start(); !why.isEmpty())
            QSKIP(qPrintable(QStringLiteral("a private libvirtd could not be started here, so nothing was proved against a real "
                                            "libvirt: %1")
                                 .arg(why)));
    }

    void cleanupTestCase()
    {
        // Whatever failed above: the domains go, then the daemon and its directory.
        if (m_daemon.running()) {
            for (const QString &name : {kVm, kAdopted})
                virsh({QStringLiteral("undefine"), name});
        }
        const QString base = m_daemon.baseDir();
        m_daemon.stop();
        QVERIFY2(!m_daemon.running(), "libvirtd still runs after stop()");
        QVERIFY2(base.isEmpty() || !QFileInfo::exists(base), qPrintable(base + QStringLiteral(" left behind")));
        for (auto it = m_machineState.cbegin(); it != m_machineState.cend(); ++it)
            QCOMPARE(snapshot(it.key()), it.value());
    }

    // The daemon is the private one (its socket in its own directory) and the qemu driver.
    void daemonIsPrivate()
    {
        QVERIFY(m_daemon.socketPath().startsWith(m_daemon.baseDir() + QLatin1Char('/')));
        QString out;
        QVERIFY2(virsh({QStringLiteral("version")}, &out), qPrintable(out));
        QVERIFY2(out.contains(QStringLiteral("Running hypervisor: QEMU")), qPrintable(out));
        QVERIFY2(virsh({QStringLiteral("list"), QStringLiteral("--all"), QStringLiteral("--name")}, &out), qPrintable(out));
        QCOMPARE(out.trimmed(), QString()); // a fresh daemon knows no domain of the machine
    }

    // New VM: defineDomain on this daemon, read back valid, the name then taken, undefined.
    // A session daemon without access to /dev/kvm (like a host without virtualisation) offers
    // no KVM: the definition must still be accepted, as type qemu (docs/libvirt.md).
    void defineReadUndefine()
    {
        Hypervisor hv = hypervisor();
        auto defined = hv.defineDomain(DomainDefinition{kVm, 1, 64});
        QVERIFY2(defined, qPrintable(defined ? QString() : defined.error().message()));
        QCOMPARE(defined.value().name, kVm);
        QCOMPARE(defined.value().state, DomainState::ShutOff);
        QVERIFY(defined.value().persistent);
        QCOMPARE(defined.value().vcpus, 1);
        QCOMPARE(defined.value().memoryMiB, qint64(64));
        QVERIFY(defined.value().hostdevs.isEmpty());
        // libvirtd wrote the definition into its own (private) directory
        QVERIFY(QFile::exists(m_daemon.domainConfigDir() + QLatin1Char('/') + kVm + QStringLiteral(".xml")));

        const QString xml = xmlOf(kVm);
        QVERIFY(!xml.isEmpty());
        const QString problem = domainXmlProblem(xml);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        QVERIFY(xml.contains(QStringLiteral("<name>%1</name>").arg(kVm)));
        QCOMPARE(hostdevAddresses(xml), QStringList());
        // kvm where this daemon can run KVM guests, else qemu (TCG)
        QString caps;
        const bool kvm = virsh({QStringLiteral("domcapabilities"), QStringLiteral("--virttype"), QStringLiteral("kvm")}, &caps);
        QVERIFY2(xml.contains(kvm ? QStringLiteral("<domain type='kvm'") : QStringLiteral("<domain type='qemu'")), qPrintable(xml));

        auto again = hv.defineDomain(DomainDefinition{kVm, 1, 64});
        QVERIFY(!again);
        QCOMPARE(again.error().code, ErrorCode::DomainExists);

        const Status undefined = hv.undefineDomain(kVm);
        QVERIFY2(undefined, qPrintable(undefined ? QString() : undefined.error().message()));
        QVERIFY(!QFile::exists(m_daemon.domainConfigDir() + QLatin1Char('/') + kVm + QStringLiteral(".xml")));
    }

    // A domain defined outside Passdeck (virsh, type qemu) with a hostdev of its own, adopted:
    // changeDomain(start = false) writes Passdeck's hostdevs beside the foreign one (nothing
    // starts), a second change leaves exactly the new list, the foreign device is refused and
    // kept, domains() agrees, undefine; every XML read back valid against libvirt's schema.
    void adoptChangeUndefine()
    {
        QTemporaryFile file;
        QVERIFY(file.open());
        file.write(QStringLiteral("<domain type='qemu'><name>%1</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>"
                                  "<os><type arch='x86_64' machine='q35'>hvm</type></os><devices>"
                                  "<hostdev mode='subsystem' type='pci' managed='yes'><source>"
                                  "<address domain='0x0000' bus='0x05' slot='0x00' function='0x0'/></source></hostdev>"
                                  "</devices></domain>")
                       .arg(kAdopted)
                       .toUtf8());
        file.flush();
        QString out;
        QVERIFY2(virsh({QStringLiteral("define"), file.fileName()}, &out), qPrintable(out));

        Hypervisor hv = hypervisor();
        auto changed = hv.changeDomain(DomainChange{kAdopted, {kDevA, kDevB}, false, 5});
        QVERIFY2(changed, qPrintable(changed ? QString() : changed.error().message()));
        QCOMPARE(changed.value().state, DomainState::ShutOff);
        QCOMPARE(infoAddresses(changed.value(), false), (QStringList{kForeign, kDevA, kDevB}));
        QCOMPARE(infoAddresses(changed.value(), true), (QStringList{kDevA, kDevB}));
        QString xml = xmlOf(kAdopted);
        QString problem = domainXmlProblem(xml);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        QStringList managed;
        QCOMPARE(hostdevAddresses(xml, &managed), (QStringList{kForeign, kDevA, kDevB}));
        // Passdeck binds its devices itself; the foreign one stays libvirt-managed
        QCOMPARE(managed, (QStringList{QStringLiteral("yes"), QStringLiteral("no"), QStringLiteral("no")}));
        QString state;
        QVERIFY2(virsh({QStringLiteral("domstate"), kAdopted}, &state), qPrintable(state));
        QCOMPARE(state.trimmed(), QStringLiteral("shut off"));

        // exactly the new list: one of Passdeck's dropped, the foreign one kept
        changed = hv.changeDomain(DomainChange{kAdopted, {kDevB}, false, 5});
        QVERIFY2(changed, qPrintable(changed ? QString() : changed.error().message()));
        xml = xmlOf(kAdopted);
        problem = domainXmlProblem(xml);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        QCOMPARE(hostdevAddresses(xml), (QStringList{kForeign, kDevB}));

        // the foreign device is not Passdeck's to assign; the definition is unchanged
        auto refused = hv.changeDomain(DomainChange{kAdopted, {kForeign}, false, 5});
        QVERIFY(!refused);
        QCOMPARE(hostdevAddresses(xmlOf(kAdopted)), (QStringList{kForeign, kDevB}));

        auto listed = hv.domains();
        QVERIFY2(listed, qPrintable(listed ? QString() : listed.error().message()));
        bool seen = false;
        for (const DomainInfo &d : listed.value()) {
            if (d.name == kAdopted) {
                seen = true;
                QCOMPARE(d.state, DomainState::ShutOff);
                QCOMPARE(infoAddresses(d, true), QStringList{kDevB});
                QCOMPARE(infoAddresses(d, false), (QStringList{kForeign, kDevB}));
            }
        }
        QVERIFY(seen);

        changed = hv.changeDomain(DomainChange{kAdopted, {}, false, 5});
        QVERIFY2(changed, qPrintable(changed ? QString() : changed.error().message()));
        xml = xmlOf(kAdopted);
        problem = domainXmlProblem(xml);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        managed.clear();
        QCOMPARE(hostdevAddresses(xml, &managed), QStringList{kForeign});
        QCOMPARE(managed, QStringList{QStringLiteral("yes")});

        const Status undefined = hv.undefineDomain(kAdopted);
        QVERIFY2(undefined, qPrintable(undefined ? QString() : undefined.error().message()));
        auto gone = hv.domainXml(kAdopted);
        QVERIFY(!gone);
        QCOMPARE(gone.error().code, ErrorCode::DomainNotFound);
    }

    // A URI whose socket is not there: hypervisor-unavailable, with libvirt's own reason.
    void unreachableDaemon()
    {
        Hypervisor hv(HypervisorTarget{QStringLiteral("libvirtd-test"),
                                       QStringLiteral("qemu+unix:///session?socket=%1/no-such-sock").arg(m_daemon.baseDir()), {}});
        auto listed = hv.domains();
        QVERIFY(!listed);
        QCOMPARE(listed.error().code, ErrorCode::HypervisorUnavailable);
        QVERIFY2(listed.error().why.contains(QStringLiteral("no-such-sock")), qPrintable(listed.error().why));
    }
};

QTEST_GUILESS_MAIN(TestLibvirtdReal)
#include "tst_libvirtd_real.moc"
