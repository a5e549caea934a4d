// The node's hypervisor on simulated roots through libvirt's test driver file
// (docs/libvirt.md, "On the node"): listing, defining, undefining, the file shared by every
// connection, refusals. Changes and their rollback: tst_hypervisor_change.cpp.
#include "HypervisorTestUtil.h"

#include "node/LocalNode.h"
#include "node/hypervisor/Hypervisor.h"
#include "node/hypervisor/TestDriverFile.h"

#include <QProcess>
#include <QStandardPaths>
#include <QTest>

using namespace passdeck;
using namespace passdeck::test;

class TestHypervisor : public QObject
{
    Q_OBJECT

private:
    QString m_root;
    std::unique_ptr<QTemporaryDir> m_dir;

    std::unique_ptr<LocalNode> node()
    {
        auto n = LocalNode::open(m_root, true);
        if (!n)
            qFatal("%s", qPrintable(n.error().message()));
        return std::move(n.value());
    }

    static const DomainInfo *find(const QList<DomainInfo> &list, const QString &name)
    {
        for (const DomainInfo &d : list)
            if (d.name == name)
                return &d;
        return nullptr;
    }

private Q_SLOTS:
    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        Error error;
        m_root = buildSimRoot(*m_dir,
                              withDomains({domainSpec(QStringLiteral("web"), QStringLiteral("running"), {QStringLiteral("0000:03:00.0")}),
                                           domainSpec(QStringLiteral("db"), QStringLiteral("shut-off"))}),
                              QStringLiteral("root"), &error);
        QVERIFY2(!m_root.isEmpty(), qPrintable(error.message()));
    }

    void emptyNodeByDefault()
    {
        const QString root = buildSimRoot(*m_dir, demoDescription(), QStringLiteral("plain"));
        QVERIFY(!root.isEmpty());
        QVERIFY(QFileInfo::exists(root + QStringLiteral("/etc/passdeck/libvirt.xml")));
        auto n = LocalNode::open(root, true);
        QVERIFY(n);
        auto list = n.value()->domains();
        QVERIFY2(list, list ? "" : qPrintable(list.error().message()));
        QVERIFY(list->isEmpty());
    }

    void listsDescribedDomains()
    {
        auto list = node()->domains();
        QVERIFY2(list, list ? "" : qPrintable(list.error().message()));
        QCOMPARE(list->size(), 2);
        const DomainInfo *web = find(*list, QStringLiteral("web"));
        QVERIFY(web);
        QCOMPARE(web->state, DomainState::Running);
        QCOMPARE(web->vcpus, 2);
        QCOMPARE(web->memoryMiB, 2048);
        QVERIFY(web->persistent);
        QCOMPARE(web->uuid.size(), 36);
        QCOMPARE(web->hostdevs.size(), 1);
        QCOMPARE(web->hostdevs.first().address, QStringLiteral("0000:03:00.0"));
        QVERIFY(!web->hostdevs.first().passdeck);
        const DomainInfo *db = find(*list, QStringLiteral("db"));
        QVERIFY(db);
        QCOMPARE(db->state, DomainState::ShutOff);
        QVERIFY(db->hostdevs.isEmpty());
        // The same UUID for every connection (the file carries it).
        auto again = node()->domains();
        QVERIFY(again);
        QCOMPARE(find(*again, QStringLiteral("web"))->uuid, web->uuid);
    }

    void definesAMinimalDomain()
    {
        auto n = node();
        auto defined = n->defineDomain({QStringLiteral("new-vm"), 4, 4096});
        QVERIFY2(defined, defined ? "" : qPrintable(defined.error().message()));
        QCOMPARE(defined->name, QStringLiteral("new-vm"));
        QCOMPARE(defined->state, DomainState::ShutOff);
        QCOMPARE(defined->vcpus, 4);
        QCOMPARE(defined->memoryMiB, 4096);
        auto xml = n->domainXml(QStringLiteral("new-vm"));
        QVERIFY(xml);
        QVERIFY(xml->contains(QStringLiteral("type='test'")) || xml->contains(QStringLiteral("type=\"test\"")));
        QVERIFY(!xml->contains(QStringLiteral("<disk")));
        PASSDECK_VERIFY_DOMAIN_XML(*xml);
        // Another node object (another connection) sees it through the file.
        auto list = node()->domains();
        QVERIFY(list);
        QVERIFY(find(*list, QStringLiteral("new-vm")));

        auto twice = n->defineDomain({QStringLiteral("new-vm"), 1, 512});
        QVERIFY(!twice);
        QCOMPARE(twice.error().code, ErrorCode::DomainExists);
        auto existing = n->defineDomain({QStringLiteral("web"), 1, 512});
        QVERIFY(!existing);
        QCOMPARE(existing.error().code, ErrorCode::DomainExists);
    }

    void refusesBadDefinitions()
    {
        auto n = node();
        auto slash = n->defineDomain({QStringLiteral("a/b"), 1, 512});
        QVERIFY(!slash);
        QCOMPARE(slash.error().code, ErrorCode::BadName);
        auto longName = n->defineDomain({QString(65, u'x'), 1, 512});
        QVERIFY(!longName);
        QCOMPARE(longName.error().code, ErrorCode::BadName);
        auto noCpu = n->defineDomain({QStringLiteral("ok"), 0, 512});
        QVERIFY(!noCpu);
        QCOMPARE(noCpu.error().code, ErrorCode::BadCount);
        auto list = n->domains();
        QVERIFY(list);
        QCOMPARE(list->size(), 2);
    }

    void undefinesAShutOffDomainOnly()
    {
        auto n = node();
        Status running = n->undefineDomain(QStringLiteral("web"));
        QVERIFY(!running);
        QCOMPARE(running.error().code, ErrorCode::DomainFailed);
        Status done = n->undefineDomain(QStringLiteral("db"));
        QVERIFY2(done, done ? "" : qPrintable(done.error().message()));
        auto list = node()->domains();
        QVERIFY(list);
        QCOMPARE(list->size(), 1);
        Status gone = n->undefineDomain(QStringLiteral("db"));
        QVERIFY(!gone);
        QCOMPARE(gone.error().code, ErrorCode::DomainNotFound);
        QVERIFY(gone.error().why.contains(QStringLiteral("db")));
    }

    void domainXmlOfAMissingDomain()
    {
        auto xml = node()->domainXml(QStringLiteral("nope"));
        QVERIFY(!xml);
        QCOMPARE(xml.error().code, ErrorCode::DomainNotFound);
    }

    void anotherProcessSeesTheFile()
    {
        // virsh on the same file is another process with its own test driver connection.
        const QString virsh = QStandardPaths::findExecutable(QStringLiteral("virsh"));
        if (virsh.isEmpty())
            QSKIP("virsh is not installed (Debian: libvirt-clients)");
        auto n = node();
        QVERIFY(n->defineDomain({QStringLiteral("seen"), 1, 512}));
        QProcess p;
        p.start(virsh, {QStringLiteral("-c"), QStringLiteral("test://") + m_root + QStringLiteral("/etc/passdeck/libvirt.xml"),
                        QStringLiteral("list"), QStringLiteral("--all"), QStringLiteral("--name")});
        QVERIFY(p.waitForFinished(60000));
        const QString out = QString::fromUtf8(p.readAllStandardOutput());
        QVERIFY2(out.contains(QStringLiteral("seen")) && out.contains(QStringLiteral("web")), qPrintable(out));
    }

    void unreachableLibvirtIsAnError()
    {
        Hypervisor hv({QStringLiteral("/nowhere"), QStringLiteral("qemu+unix:///system?socket=/nonexistent/passdeck-test.sock"), {}});
        auto list = hv.domains();
        QVERIFY(!list);
        QCOMPARE(list.error().code, ErrorCode::HypervisorUnavailable);
        QVERIFY(!list.error().why.isEmpty());
        auto define = hv.defineDomain({QStringLiteral("x"), 1, 512});
        QVERIFY(!define);
        QCOMPARE(define.error().code, ErrorCode::HypervisorUnavailable);
        Hypervisor bogus({QStringLiteral("/nowhere"), QStringLiteral("nosuchdriver:///x"), {}});
        auto none = bogus.domains();
        QVERIFY(!none);
        QCOMPARE(none.error().code, ErrorCode::HypervisorUnavailable);
    }

    void refusesASymlinkedFile()
    {
        const QString file = m_root + QStringLiteral("/etc/passdeck/libvirt.xml");
        const QString outside = m_dir->path() + QStringLiteral("/outside.xml");
        QVERIFY(QFile::copy(file, outside));
        QVERIFY(QFile::remove(file));
        QVERIFY(QFile::link(outside, file));
        auto list = node()->domains();
        QVERIFY(!list);
        QCOMPARE(list.error().code, ErrorCode::HypervisorUnavailable);
        // Nothing written through the link.
        auto define = node()->defineDomain({QStringLiteral("x"), 1, 512});
        QVERIFY(!define);
        QFile f(outside);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QVERIFY(!f.readAll().contains("<name>x</name>"));
    }

    void missingFileStartsEmpty()
    {
        QVERIFY(QFile::remove(m_root + QStringLiteral("/etc/passdeck/libvirt.xml")));
        auto list = node()->domains();
        QVERIFY2(list, list ? "" : qPrintable(list.error().message()));
        QVERIFY(list->isEmpty());
    }

    void rejectsBadDomainDescriptions()
    {
        Error error;
        const QString bad = buildSimRoot(*m_dir, withDomains({QJsonObject{{QStringLiteral("name"), QStringLiteral("x")},
                                                                           {QStringLiteral("state"), QStringLiteral("flying")}}}),
                                         QStringLiteral("bad"), &error);
        QVERIFY(bad.isEmpty());
        QCOMPARE(error.code, ErrorCode::BadDescription);
        QCOMPARE(error.step, QStringLiteral("state"));
        const QString badDev = buildSimRoot(*m_dir, withDomains({QJsonObject{{QStringLiteral("name"), QStringLiteral("x")},
                                                                              {QStringLiteral("hostdevs"), QJsonArray{QStringLiteral("01:00.0")}}}}),
                                            QStringLiteral("bad2"), &error);
        QVERIFY(badDev.isEmpty());
        QCOMPARE(error.step, QStringLiteral("hostdevs"));
    }
};

QTEST_GUILESS_MAIN(TestHypervisor)
#include "tst_hypervisor.moc"
