// core/AgentAddress: what a node address, a pinned fingerprint and a token may look like
// (docs/agent-api.md). Everything the CLI, a form or the store hands on is checked here.
#include "core/AgentAddress.h"

#include <QTest>

using namespace passdeck;

namespace {
// QStringBuilder expressions become QStrings before they are viewed
Result<QString> fingerprint(const QString &text) { return AgentAddress::normalizeFingerprint(text); }
Result<QString> token(const QString &text) { return AgentAddress::normalizeToken(text); }
} // namespace

class TstAgentAddress : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parsesGoodAddresses_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("host");
        QTest::addColumn<int>("port");
        QTest::addColumn<QString>("canonical");
        QTest::newRow("ipv4") << "127.0.0.1:7443" << "127.0.0.1" << 7443 << "127.0.0.1:7443";
        QTest::newRow("name") << "kvm-07.example.org:1" << "kvm-07.example.org" << 1 << "kvm-07.example.org:1";
        QTest::newRow("ipv6") << "[::1]:65535" << "::1" << 65535 << "[::1]:65535";
    }
    void parsesGoodAddresses()
    {
        QFETCH(QString, text);
        const Result<AgentAddress> a = AgentAddress::parse(text);
        QVERIFY2(a.ok(), qPrintable(a.ok() ? QString() : a.error().why));
        QFETCH(QString, host);
        QFETCH(int, port);
        QFETCH(QString, canonical);
        QCOMPARE(a->host(), host);
        QCOMPARE(int(a->port()), port);
        QCOMPARE(a->toString(), canonical);
        QVERIFY(AgentAddress::isAgentAddress(text));
    }

    void refusesBadAddresses_data()
    {
        QTest::addColumn<QString>("text");
        QTest::newRow("no port") << "kvm-07";
        QTest::newRow("port 0") << "kvm:0";
        QTest::newRow("port too big") << "kvm:65536";
        QTest::newRow("port sign") << "kvm:+80";
        QTest::newRow("port text") << "kvm:https";
        QTest::newRow("empty host") << ":7443";
        QTest::newRow("path host") << "../etc:7443";
        QTest::newRow("slash") << "a/b:7443";
        QTest::newRow("bare ipv6") << "::1:7443";
        QTest::newRow("bad ipv6") << "[zz::1]:7443";
        QTest::newRow("space") << "kvm 07:7443";
        QTest::newRow("url") << "https://kvm:7443";
        QTest::newRow("long") << QString(300, u'a') + u":1";
    }
    void refusesBadAddresses()
    {
        QFETCH(QString, text);
        const Result<AgentAddress> a = AgentAddress::parse(text);
        QVERIFY(!a.ok());
        QCOMPARE(a.error().code, ErrorCode::AgentAddress);
        QVERIFY(!a.error().why.isEmpty());
        QVERIFY(!a.error().hint.isEmpty());
    }

    void tellsRootsFromAgents()
    {
        QVERIFY(!AgentAddress::isAgentAddress(u"/"));
        QVERIFY(!AgentAddress::isAgentAddress(u"/srv/sim:odd"));
        QVERIFY(!AgentAddress::isAgentAddress(u""));
        QVERIFY(AgentAddress::isAgentAddress(u"h:1"));
    }

    void normalizesFingerprints()
    {
        const QString hex = QStringLiteral("ab").repeated(32);
        QCOMPARE(*fingerprint(u"SHA256:" + hex.toUpper()), u"SHA256:" + hex);
        QString colons;
        for (int i = 0; i < 32; ++i)
            colons += (i ? QStringLiteral(":") : QString()) + QStringLiteral("AB");
        QCOMPARE(*fingerprint(u"sha256:" + colons), u"SHA256:" + hex);
        QVERIFY(!fingerprint(hex).ok());                  // no prefix
        QVERIFY(!fingerprint(u"SHA256:" + hex.left(62)).ok());
        QVERIFY(!fingerprint(u"SHA256:" + hex.left(63) + u"g").ok());
        QVERIFY(!fingerprint(u"MD5:" + hex).ok());
    }

    void normalizesTokens()
    {
        const QString good = QStringLiteral("0123456789abcdef").repeated(4);
        QCOMPARE(*token(good.toUpper() + u"\n"), good);
        const Result<QString> shortToken = token(good.left(63));
        QVERIFY(!shortToken.ok());
        QCOMPARE(shortToken.error().code, ErrorCode::AgentAddress);
        // the refusal never repeats what it was given: a mistyped token is still half a secret
        const Result<QString> bad = token(good.left(63) + u"x");
        QVERIFY(!bad.ok());
        QVERIFY(!bad.error().what.contains(good.left(20)));
        QVERIFY(!bad.error().why.contains(good.left(20)));
    }
};

QTEST_GUILESS_MAIN(TstAgentAddress)
#include "tst_agentaddress.moc"
