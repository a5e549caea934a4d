// PciAddress::parseList: the one address-list parser the node's planner and the service share.
#include "core/PciAddress.h"

#include <QTest>

using namespace passdeck;

class TestPciAddressList : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void exactKeepsOrderAndCollapsesDuplicates()
    {
        auto r = PciAddress::parseList({QStringLiteral("0000:17:00.1"), QStringLiteral("0000:17:00.0"), QStringLiteral("0000:17:00.1")});
        QVERIFY(r);
        QCOMPARE(r->size(), 2);
        QCOMPARE(r->at(0).toString(), QStringLiteral("0000:17:00.1"));
        QCOMPARE(r->at(1).toString(), QStringLiteral("0000:17:00.0"));
    }

    void exactRefusesOtherSpellings()
    {
        QString invalid;
        auto r = PciAddress::parseList({QStringLiteral("0000:17:00.0"), QStringLiteral(" 0000:3B:00.0")}, PciAddress::Spelling::Exact,
                                       &invalid);
        QVERIFY(!r);
        QCOMPARE(r.error().code, ErrorCode::BadAddress);
        QCOMPARE(r.error().device, QStringLiteral(" 0000:3B:00.0"));
        QCOMPARE(invalid, QStringLiteral(" 0000:3B:00.0"));
    }

    void normalizedTrimsAndLowerCases()
    {
        auto r = PciAddress::parseList({QStringLiteral(" 0000:3B:00.0 "), QStringLiteral("0000:3b:00.0")}, PciAddress::Spelling::Normalized);
        QVERIFY(r);
        QCOMPARE(r->size(), 1);
        QCOMPARE(r->first().toString(), QStringLiteral("0000:3b:00.0"));
    }

    void longGarbageIsCutInTheErrorOnly()
    {
        const QString garbage = QString(200, QLatin1Char('x'));
        QString invalid;
        auto r = PciAddress::parseList({garbage}, PciAddress::Spelling::Normalized, &invalid);
        QVERIFY(!r);
        QCOMPARE(r.error().device.size(), 64);
        QCOMPARE(invalid, garbage);
    }

    void emptyIsNoDevices()
    {
        auto r = PciAddress::parseList({});
        QVERIFY(!r);
        QCOMPARE(r.error().code, ErrorCode::NoDevices);
    }
};

QTEST_GUILESS_MAIN(TestPciAddressList)
#include "tst_pciaddress_list.moc"
