// PciExtCaps: the one walker of the PCIe extended capability list (docs/moved-hardware.md).
#include "core/PciExtCaps.h"

#include <QTest>

using namespace passdeck;

class TestPciExtCaps : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void shortConfigHasNoCaps()
    {
        QVERIFY(PciExtCaps::list(QByteArray(64, '\0')).isEmpty());
        QVERIFY(PciExtCaps::list(QByteArray(256, '\0')).isEmpty());
        QVERIFY(PciExtCaps::serialNumber(QByteArray(256, '\x11')).isEmpty());
        QVERIFY(PciExtCaps::list(QByteArray(4096, '\0')).isEmpty());
        QVERIFY(PciExtCaps::list(QByteArray(4096, '\xff')).isEmpty());
    }

    void serialNumberRoundTrip()
    {
        QByteArray config(256, '\0');
        quint64 serial = 0;
        QVERIFY(PciExtCaps::parseSerialNumber(QStringLiteral("00-11-22-FF-fe-33-44-55"), &serial));
        QCOMPARE(serial, Q_UINT64_C(0x001122fffe334455));
        PciExtCaps::append(config, 0x0001, 2, 0x100, QByteArray(0x44, '\0')); // AER first
        PciExtCaps::append(config, PciExtCaps::kDeviceSerialNumber, 1, 0x148, PciExtCaps::serialNumberBody(serial));
        QCOMPARE(config.size(), 4096);
        const QList<PciExtCap> caps = PciExtCaps::list(config);
        QCOMPARE(caps.size(), 2);
        QCOMPARE(caps.at(0).id, 0x0001);
        QCOMPARE(caps.at(0).version, 2);
        QCOMPARE(caps.at(1).id, PciExtCaps::kDeviceSerialNumber);
        QCOMPARE(caps.at(1).offset, 0x148);
        // Laid out as lspci reads it: serial low dword first at +4.
        QCOMPARE(PciExtCaps::dword(config, 0x14c), quint32(0xfe334455));
        QCOMPARE(PciExtCaps::dword(config, 0x150), quint32(0x001122ff));
        QCOMPARE(PciExtCaps::serialNumber(config), QStringLiteral("00-11-22-ff-fe-33-44-55"));
        QCOMPARE(PciExtCaps::find(config, PciExtCaps::kAccessControlServices).offset, 0);
    }

    void malformedSerialsRefused()
    {
        quint64 v = 0;
        for (const char *bad : {"", "00-11-22-33-44-55-66", "00-11-22-33-44-55-66-7", "00-11-22-33-44-55-66-zz",
                                "001-1-22-33-44-55-66-77", "00-11-22-33-44-55-66-77-88"})
            QVERIFY2(!PciExtCaps::parseSerialNumber(QString::fromLatin1(bad), &v), bad);
    }

    void loopsAndBadOffsetsStop()
    {
        QByteArray config(4096, '\0');
        const auto put32 = [&config](int at, quint32 v) {
            for (int i = 0; i < 4; ++i)
                config[at + i] = char((v >> (8 * i)) & 0xff);
        };
        put32(0x100, 0x0001 | (1u << 16) | (0x140u << 20));
        put32(0x140, 0x000d | (1u << 16) | (0x100u << 20)); // back to the first: a loop
        QList<PciExtCap> caps = PciExtCaps::list(config);
        QCOMPARE(caps.size(), 2);
        QCOMPARE(PciExtCaps::find(config, PciExtCaps::kAccessControlServices).offset, 0x140);
        put32(0x140, 0x000d | (1u << 16) | (0x080u << 20)); // below 0x100
        QCOMPARE(PciExtCaps::list(config).size(), 2);
        // A truncated config (an unprivileged read stops early): the walk ends with the bytes.
        put32(0x140, 0x000d | (1u << 16) | (0x200u << 20));
        put32(0x200, 0x0003 | (1u << 16));
        QCOMPARE(PciExtCaps::list(config).size(), 3);
        QCOMPARE(PciExtCaps::list(config.left(0x180)).size(), 2);
        QVERIFY(PciExtCaps::serialNumber(config.left(0x208)).isEmpty()); // DSN body cut off
    }
};

QTEST_GUILESS_MAIN(TestPciExtCaps)
#include "tst_pciextcaps.moc"
