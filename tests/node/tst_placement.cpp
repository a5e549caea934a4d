// The inventory's physical slot and serial number (node/inventory/PciPlacement) on simulated
// trees whose description gives slots, serial numbers and raw config space.
#include "node/inventory/Inventory.h"
#include "node/inventory/PciExtCaps.h"
#include "node/inventory/PciPlacement.h"
#include "MovedTrees.h"
#include "SimTestUtil.h"
#include "sim/SimDeviceExtras.h"

#include <QTemporaryDir>
#include <QTest>

using namespace passdeck;
using namespace passdeck::test;

class TestPlacement : public QObject
{
    Q_OBJECT

    static InventoryOptions pinned()
    {
        InventoryOptions o;
        o.pciIdsPath = QStringLiteral(PASSDECK_SOURCE_DIR "/tests/data/pci.ids");
        return o;
    }

    static void put32(QByteArray &config, int at, quint32 v)
    {
        for (int i = 0; i < 4; ++i)
            config[at + i] = char((v >> (8 * i)) & 0xff);
    }

private Q_SLOTS:
    void serialNumberFormat()
    {
        // As lspci prints it: high byte first; the capability's body is little-endian.
        QByteArray config(4096, '\0');
        put32(config, 0x100, 0x0003u | (1u << 16));
        put32(config, 0x104, 0xfe334455u);
        put32(config, 0x108, 0x001122ffu);
        QCOMPARE(PciPlacement::serialNumber(config), QStringLiteral("00-11-22-ff-fe-33-44-55"));
        QVERIFY(PciPlacement::serialNumber(config.left(0x108)).isEmpty()); // cut off: no serial
        QVERIFY(PciPlacement::serialNumber(config.left(256)).isEmpty());   // no extended space
        QVERIFY(PciPlacement::serialNumber(QByteArray(4096, '\0')).isEmpty());
        quint64 v = 0;
        QVERIFY(SimDeviceExtras::parseSerialNumber(QStringLiteral("00-11-22-FF-fe-33-44-55"), &v));
        QCOMPARE(v, Q_UINT64_C(0x001122fffe334455));
        for (const char *bad : {"", "00-11-22-33-44-55-66", "00-11-22-33-44-55-66-zz", "001-1-22-33-44-55-66-77"})
            QVERIFY2(!SimDeviceExtras::parseSerialNumber(QString::fromLatin1(bad), &v), bad);
    }

    void serialAfterAcs()
    {
        // A device with ACS (its capability first at 0x100) and a serial number: both in the list.
        QJsonObject card = movedCard(1, "8086", "1533", "020000", "igb");
        card.insert(QStringLiteral("serial_number"), kMovedSerial);
        card.insert(QStringLiteral("acs"), QJsonObject{{QStringLiteral("capability"), QStringLiteral("0x005f")},
                                                       {QStringLiteral("control"), QStringLiteral("0x001d")}});
        QTemporaryDir tmp;
        Error e;
        const QString root = buildSimRoot(tmp, QJsonObject{{QStringLiteral("node"), QStringLiteral("x")},
                                                           {QStringLiteral("devices"), QJsonArray{card}}}, QStringLiteral("r"), &e);
        QVERIFY2(!root.isEmpty(), qPrintable(e.message()));
        const QByteArray config = PciPlacement::readConfig(HostRoot(root), QStringLiteral("0000:01:00.0"));
        QCOMPARE(PciExtCaps::find(config, PciExtCaps::kAcs), 0x100);
        QCOMPARE(PciPlacement::serialNumber(config), kMovedSerial);
    }

    void slotAndSerialFromTheTree()
    {
        QTemporaryDir tmp;
        Error e;
        const QString root = buildSimRoot(tmp, movedTreeBefore(), QStringLiteral("r"), &e);
        QVERIFY2(!root.isEmpty(), qPrintable(e.message()));
        QCOMPARE(readRootFile(root, QStringLiteral("sys/bus/pci/slots/1/address")), QByteArray("0000:01:00\n"));
        Result<InventorySnapshot> snap = Inventory::scan(HostRoot(root), pinned());
        QVERIFY(snap);
        const PciDevice *gpu = snap->find(QStringLiteral("0000:01:00.0"));
        const PciDevice *nic = snap->find(QStringLiteral("0000:02:00.0"));
        const PciDevice *nvme = snap->find(QStringLiteral("0000:03:00.0"));
        const PciDevice *port = snap->find(QStringLiteral("0000:00:01.0"));
        QVERIFY(gpu && nic && nvme && port);
        QCOMPARE(gpu->physicalSlot, QStringLiteral("1"));
        QVERIFY(gpu->serialNumber.isEmpty());
        QCOMPARE(nic->serialNumber, kMovedSerial);
        QVERIFY(nic->physicalSlot.isEmpty());
        QVERIFY(nvme->physicalSlot.isEmpty() && nvme->serialNumber.isEmpty());
        QVERIFY(port->physicalSlot.isEmpty()); // the slot is 0000:01:00, not the port's 0000:00:01
        // The generated config carries the DSN as lspci reads it: 4 KiB, capability at 0x100.
        const QByteArray config = PciPlacement::readConfig(HostRoot(root), nic->address);
        QCOMPARE(config.size(), 4096);
        QCOMPARE(PciExtCaps::find(config, PciExtCaps::kDeviceSerialNumber), 0x100);
        QCOMPARE(PciPlacement::readConfig(HostRoot(root), nvme->address).size(), 256);
        // scanDevice reads them too.
        Result<PciDevice> one = Inventory::scanDevice(HostRoot(root), nic->address, pinned());
        QVERIFY(one);
        QCOMPARE(one->serialNumber, kMovedSerial);
    }

    void rawConfigAndShortConfig()
    {
        // A description may give the config space itself (what a capture copies); one of 64
        // bytes (an unprivileged read of a real host) has no extended capabilities.
        QByteArray config(4096, '\0');
        config[0] = char(0x86);
        config[1] = char(0x80);
        put32(config, 0x100, 0x0001u | (2u << 16) | (0x140u << 20)); // AER first, then the DSN
        put32(config, 0x140, 0x0003u | (1u << 16));
        put32(config, 0x144, 0xe0f01020u);
        put32(config, 0x148, 0xa0b0c0d0u);
        QJsonObject desc = movedTreeBefore();
        QJsonArray devices = desc.value(QStringLiteral("devices")).toArray();
        QJsonObject raw = movedCard(8, "8086", "1533", "020000", "igb");
        raw.insert(QStringLiteral("config"), QString::fromLatin1(config.toHex()));
        devices.append(raw);
        QJsonObject shortOne = movedCard(9, "8086", "1534", "020000", "igb");
        shortOne.insert(QStringLiteral("config"), QString::fromLatin1(config.left(64).toHex()));
        devices.append(shortOne);
        desc.insert(QStringLiteral("devices"), devices);
        QTemporaryDir tmp;
        Error e;
        const QString root = buildSimRoot(tmp, desc, QStringLiteral("r"), &e);
        QVERIFY2(!root.isEmpty(), qPrintable(e.message()));
        Result<InventorySnapshot> snap = Inventory::scan(HostRoot(root), pinned());
        QVERIFY(snap);
        QCOMPARE(snap->find(QStringLiteral("0000:08:00.0"))->serialNumber, QStringLiteral("a0-b0-c0-d0-e0-f0-10-20"));
        QVERIFY(snap->find(QStringLiteral("0000:09:00.0"))->serialNumber.isEmpty());
        QCOMPARE(snap->find(QStringLiteral("0000:08:00.0"))->vendorId, 0x8086); // ids still from the files
    }

    void badFieldsRefused_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QJsonValue>("value");
        QTest::newRow("slot with a slash") << "slot" << QJsonValue(QStringLiteral("a/b"));
        QTest::newRow("serial too short") << "serial_number" << QJsonValue(QStringLiteral("00-11"));
        QTest::newRow("config not hex") << "config" << QJsonValue(QStringLiteral("zz"));
        QTest::newRow("config too short") << "config" << QJsonValue(QStringLiteral("0011"));
        QTest::newRow("attribute not allowed") << "attributes" << QJsonValue(QJsonObject{{QStringLiteral("driver_override"), QStringLiteral("x")}});
    }

    void badFieldsRefused()
    {
        QFETCH(QString, field);
        QFETCH(QJsonValue, value);
        QJsonObject card = movedCard(1, "8086", "1533", "020000", "igb");
        card.insert(field, value);
        const QJsonObject desc{{QStringLiteral("node"), QStringLiteral("x")}, {QStringLiteral("devices"), QJsonArray{card}}};
        Result<SimHostDescription> d = SimHostDescription::fromJson(desc);
        QVERIFY(!d);
        QCOMPARE(d.error().device, QStringLiteral("0000:01:00.0"));
        QVERIFY2(d.error().step.startsWith(field), qPrintable(d.error().step));
    }
};

QTEST_GUILESS_MAIN(TestPlacement)
#include "tst_placement.moc"
