// HttpParser with raw bytes (docs/agent-api.md, "Limits"): good requests whole and byte by byte,
// truncated ones, oversized heads and bodies, bad Content-Length, chunked bodies refused,
// NUL and non-ASCII bytes, junk after the request. And TokenAuth's compare and throttle.
#include "remote/server/HttpParser.h"
#include "remote/server/HttpResponse.h"
#include "remote/server/TokenAuth.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

using namespace passdeck;

class TstAgentParser : public QObject
{
    Q_OBJECT

    static HttpParser parse(const QByteArray &bytes, HttpParser::Limits limits = {})
    {
        HttpParser p(limits);
        p.feed(bytes);
        return p;
    }

private Q_SLOTS:
    void goodGet()
    {
        const HttpParser p = parse("GET /api/v1/capabilities?iommu_group=3 HTTP/1.1\r\nHost: x\r\n"
                                   "Authorization:  Bearer abc \r\n\r\n");
        QCOMPARE(p.state(), HttpParser::State::Done);
        QCOMPARE(p.request().method, QByteArray("GET"));
        QCOMPARE(p.request().path, QStringLiteral("/api/v1/capabilities"));
        QCOMPARE(p.request().query.queryItemValue(QStringLiteral("iommu_group")), QStringLiteral("3"));
        QCOMPARE(p.request().header("authorization"), QByteArray("Bearer abc"));
        QCOMPARE(p.request().header("host"), QByteArray("x"));
        QVERIFY(p.request().body.isEmpty());
        QCOMPARE(p.trailingBytes(), 0);
    }

    void goodPostByteByByte()
    {
        const QByteArray body = R"({"addresses":["0000:01:00.0"],"target":"vfio-pci"})";
        const QByteArray raw = "POST /api/v1/plan HTTP/1.1\r\nContent-Length: " + QByteArray::number(body.size())
            + "\r\nContent-Type: application/json\r\n\r\n" + body;
        HttpParser p;
        for (qsizetype i = 0; i < raw.size(); ++i) {
            const HttpParser::State s = p.feed(raw.mid(i, 1));
            if (i + 1 < raw.size())
                QVERIFY2(s == HttpParser::State::Head || s == HttpParser::State::Body, qPrintable(QString::number(i)));
        }
        QCOMPARE(p.state(), HttpParser::State::Done);
        QCOMPARE(p.request().body, body);
        QCOMPARE(p.request().header("content-type"), QByteArray("application/json"));
    }

    void truncated_data()
    {
        QTest::addColumn<QByteArray>("raw");
        QTest::addColumn<int>("state");
        QTest::newRow("half request line") << QByteArray("GET /api/v1/no") << int(HttpParser::State::Head);
        QTest::newRow("no blank line") << QByteArray("GET /api/v1/node HTTP/1.1\r\nHost: x\r\n") << int(HttpParser::State::Head);
        QTest::newRow("half body") << QByteArray("POST /api/v1/plan HTTP/1.1\r\nContent-Length: 10\r\n\r\n{\"a\"")
                                   << int(HttpParser::State::Body);
    }
    void truncated()
    {
        QFETCH(QByteArray, raw);
        QFETCH(int, state);
        QCOMPARE(int(parse(raw).state()), state);
    }

    void malformed_data()
    {
        QTest::addColumn<QByteArray>("raw");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("why"); // a word of the reason
        QTest::newRow("oversized head") << QByteArray("GET /api/v1/node HTTP/1.1\r\nX: " + QByteArray(17 * 1024, 'a'))
                                        << 413 << QStringLiteral("16384");
        QTest::newRow("oversized head, complete")
            << QByteArray("GET /api/v1/node HTTP/1.1\r\nX: " + QByteArray(16 * 1024, 'a') + "\r\n\r\n") << 413 << QStringLiteral("exceed");
        QTest::newRow("oversized line")
            << QByteArray("GET /" + QByteArray(20000, 'a') + " HTTP/1.1\r\n\r\n") << 413 << QStringLiteral("exceed");
        QTest::newRow("oversized body") << QByteArray("POST /api/v1/plan HTTP/1.1\r\nContent-Length: 1048577\r\n\r\n")
                                        << 413 << QStringLiteral("1048577");
        QTest::newRow("huge content-length")
            << QByteArray("POST /api/v1/plan HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n") << 413 << QStringLiteral("Content-Length");
        QTest::newRow("negative content-length") << QByteArray("POST /x HTTP/1.1\r\nContent-Length: -1\r\n\r\n") << 400
                                                 << QStringLiteral("decimal");
        QTest::newRow("text content-length") << QByteArray("POST /x HTTP/1.1\r\nContent-Length: ten\r\n\r\n") << 400
                                             << QStringLiteral("decimal");
        QTest::newRow("list content-length") << QByteArray("POST /x HTTP/1.1\r\nContent-Length: 1,1\r\n\r\n") << 400
                                             << QStringLiteral("decimal");
        QTest::newRow("two content-lengths") << QByteArray("POST /x HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab")
                                             << 400 << QStringLiteral("more than one");
        QTest::newRow("empty content-length") << QByteArray("POST /x HTTP/1.1\r\nContent-Length:\r\n\r\n") << 400
                                              << QStringLiteral("Content-Length");
        QTest::newRow("chunked") << QByteArray("POST /api/v1/jobs HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n")
                                 << 411 << QStringLiteral("Transfer-Encoding");
        QTest::newRow("chunked and length")
            << QByteArray("POST /x HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\nhello") << 411
            << QStringLiteral("Content-Length");
        QTest::newRow("post without length") << QByteArray("POST /api/v1/plan HTTP/1.1\r\n\r\n") << 411 << QStringLiteral("Content-Length");
        QTest::newRow("NUL in header") << QByteArray("GET /api/v1/node HTTP/1.1\r\nX: a\0b\r\n\r\n", 37) << 400 << QStringLiteral("NUL");
        QTest::newRow("NUL in line") << QByteArray("GET /api\0/v1 HTTP/1.1\r\n\r\n", 25) << 400 << QStringLiteral("NUL");
        QTest::newRow("non-ASCII header") << QByteArray("GET /api/v1/node HTTP/1.1\r\nX: caf\xc3\xa9\r\n\r\n") << 400
                                          << QStringLiteral("non-ASCII");
        QTest::newRow("non-ASCII path") << QByteArray("GET /\xff HTTP/1.1\r\n\r\n") << 400 << QStringLiteral("non-ASCII");
        QTest::newRow("encoded control in path") << QByteArray("GET /api/%00 HTTP/1.1\r\n\r\n") << 400 << QStringLiteral("encoded");
        QTest::newRow("encoded non-ASCII in path") << QByteArray("GET /api/%C3%A9 HTTP/1.1\r\n\r\n") << 400 << QStringLiteral("encoded");
        QTest::newRow("bare LF") << QByteArray("GET /api/v1/node HTTP/1.1\nHost: x\r\n\r\n") << 400 << QStringLiteral("CRLF");
        QTest::newRow("lone CR") << QByteArray("GET /api/v1/node HTTP/1.1\r\nX: a\rb\r\n\r\n") << 400 << QStringLiteral("CR");
        QTest::newRow("two spaces") << QByteArray("GET  /api/v1/node HTTP/1.1\r\n\r\n") << 400 << QStringLiteral("request line");
        QTest::newRow("no version") << QByteArray("GET /api/v1/node\r\n\r\n") << 400 << QStringLiteral("request line");
        QTest::newRow("HTTP/2") << QByteArray("GET /api/v1/node HTTP/2.0\r\n\r\n") << 400 << QStringLiteral("version");
        QTest::newRow("bad method") << QByteArray("G(T /api/v1/node HTTP/1.1\r\n\r\n") << 400 << QStringLiteral("method");
        QTest::newRow("absolute URI") << QByteArray("GET http://x/api/v1/node HTTP/1.1\r\n\r\n") << 400 << QStringLiteral("absolute path");
        QTest::newRow("no colon") << QByteArray("GET /api/v1/node HTTP/1.1\r\nAuthorization Bearer x\r\n\r\n") << 400
                                  << QStringLiteral("Name: value");
        QTest::newRow("space before colon") << QByteArray("GET /api/v1/node HTTP/1.1\r\nHost : x\r\n\r\n") << 400
                                            << QStringLiteral("Name: value");
        QTest::newRow("folded") << QByteArray("GET /api/v1/node HTTP/1.1\r\nX: a\r\n b\r\n\r\n") << 400 << QStringLiteral("folded");
        QTest::newRow("control in value") << QByteArray("GET /api/v1/node HTTP/1.1\r\nX: a\x01\r\n\r\n") << 400
                                          << QStringLiteral("control");
        QTest::newRow("random junk") << QByteArray("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n", 15) << 400 << QStringLiteral("");
    }
    void malformed()
    {
        QFETCH(QByteArray, raw);
        QFETCH(int, status);
        QFETCH(QString, why);
        // Whole, and in 7-byte pieces: the same verdict either way.
        for (int piece : {int(raw.size()), 7}) {
            HttpParser p;
            for (qsizetype i = 0; i < raw.size() && p.state() != HttpParser::State::Failed; i += piece)
                p.feed(raw.mid(i, piece));
            QCOMPARE(p.state(), HttpParser::State::Failed);
            QCOMPARE(p.errorStatus(), status);
            QVERIFY2(p.errorWhy().contains(why), qPrintable(p.errorWhy()));
        }
    }

    void limitsAreExact()
    {
        // A head of exactly 16 KiB and a body of exactly 1 MiB pass.
        const QByteArray start = "POST /api/v1/plan HTTP/1.1\r\nContent-Length: 1048576\r\nX: ";
        const QByteArray head = start + QByteArray(16 * 1024 - start.size() - 4, 'a') + "\r\n\r\n";
        QCOMPARE(head.size(), 16 * 1024);
        HttpParser p;
        p.feed(head);
        QCOMPARE(p.state(), HttpParser::State::Body);
        p.feed(QByteArray(1024 * 1024, 'b'));
        QCOMPARE(p.state(), HttpParser::State::Done);
        QCOMPARE(p.request().body.size(), 1024 * 1024);
    }

    void pipelinedJunkIsNotRead()
    {
        HttpParser p;
        p.feed("GET /api/v1/node HTTP/1.1\r\n\r\nGET /api/v1/devices HTTP/1.1\r\n\r\n\x00\xff junk");
        QCOMPARE(p.state(), HttpParser::State::Done);
        QCOMPARE(p.request().path, QStringLiteral("/api/v1/node"));
        QVERIFY(p.trailingBytes() > 0);
        p.feed("more junk");
        QCOMPARE(p.state(), HttpParser::State::Done);
        QCOMPARE(p.request().path, QStringLiteral("/api/v1/node"));
    }

    void afterFailureNothingChanges()
    {
        HttpParser p;
        p.feed("BAD\r\n\r\n");
        QCOMPARE(p.state(), HttpParser::State::Failed);
        p.feed("GET /api/v1/node HTTP/1.1\r\n\r\n");
        QCOMPARE(p.state(), HttpParser::State::Failed);
    }

    void responseBytes()
    {
        HttpResponse r = HttpResponse::protocolError(401, QStringLiteral("Authenticating"), QStringLiteral("no token"));
        const QByteArray wire = r.serialize();
        QVERIFY(wire.startsWith("HTTP/1.1 401 Unauthorized\r\n"));
        QVERIFY(wire.contains("\r\nConnection: close\r\n"));
        const QByteArray body = wire.mid(wire.indexOf("\r\n\r\n") + 4);
        QVERIFY(wire.contains(QByteArray("Content-Length: " + QByteArray::number(body.size()) + "\r\n")));
        const QJsonObject error = QJsonDocument::fromJson(body).object().value(QStringLiteral("error")).toObject();
        QCOMPARE(error.value(QStringLiteral("code")).toString(), QStringLiteral("unauthorized"));
    }

    void tokenCompare()
    {
        const QByteArray token(64, 'a');
        TokenAuth auth(token);
        QVERIFY(auth.check("Bearer " + token));
        QVERIFY(auth.check("bearer " + token));
        QVERIFY(!auth.check(""));
        QVERIFY(!auth.check("Bearer"));
        QVERIFY(!auth.check("Basic " + token));
        QVERIFY(!auth.check("Bearer " + token.left(63)));       // one short
        QVERIFY(!auth.check("Bearer " + token + "a"));          // one long
        QByteArray offByOne = token;
        offByOne[63] = 'b';
        QVERIFY(!auth.check("Bearer " + offByOne));             // last character
        offByOne = token;
        offByOne[0] = 'b';
        QVERIFY(!auth.check("Bearer " + offByOne));             // first character
        QVERIFY(!TokenAuth::constantTimeEquals(QByteArray(), QByteArray()));
    }

    void throttleGrowsAndForgets()
    {
        qint64 now = 0;
        TokenAuth auth(QByteArray(64, 'a'), TokenAuth::ThrottleOptions{5, 60000, 250, 2000}, [&now] { return now; });
        QList<qint64> delays;
        for (int i = 0; i < 9; ++i)
            delays << auth.recordFailure(QStringLiteral("10.0.0.1"));
        QCOMPARE(delays, (QList<qint64>{0, 0, 0, 0, 0, 250, 500, 1000, 2000}));
        QCOMPARE(auth.recordFailure(QStringLiteral("10.0.0.1")), 2000); // capped
        QCOMPARE(auth.throttledCount(), 5u);
        // Another peer is not slowed by the first one's failures.
        QCOMPARE(auth.recordFailure(QStringLiteral("10.0.0.2")), 0);
        // A minute later the window is empty again.
        now += 60001;
        QCOMPARE(auth.recordFailure(QStringLiteral("10.0.0.1")), 0);
        QCOMPARE(auth.failureCount(), 12u);
    }
};

QTEST_GUILESS_MAIN(TstAgentParser)
#include "tst_agent_parser.moc"
