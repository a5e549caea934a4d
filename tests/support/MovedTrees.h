#pragma once
// A node before and after a card is added (docs/moved-hardware.md): every bus behind the first
// root port moves down by one. Header-only; used by the node, service, CLI and GUI tests.
//
//   before                                   after
//   01:00.0 GPU 10de:2230, slot "1"          01:00.0 new card 1d0f:efa1, slot "0"
//   02:00.0 NIC 8086:1521, serial S          02:00.0 GPU  (slot "1")      → offered, by slot
//   03:00.0 NVMe 144d:a80a                   03:00.0 NIC  (serial S)      → offered, by serial
//   05:00.0 FPGA 1172:e001, slot "5"         04:00.0 NVMe
//   06:00.0 audio 8086:abcd (no slot/serial) 05:00.0 FPGA 1172:e002, slot "5" (another card: ids differ)
//                                            07:00.0 audio 8086:abcd      → not offered (nothing to follow)
#include <QJsonArray>
#include <QJsonObject>
#include <QString>

namespace passdeck::test {

inline const QString kMovedSerial = QStringLiteral("00-1b-21-ff-ff-aa-bb-01");

inline QJsonObject movedPort(int port, const QJsonObject &child)
{
    const QString a = QStringLiteral("0000:00:%1.0").arg(port, 2, 16, QLatin1Char('0'));
    return {{QStringLiteral("address"), a}, {QStringLiteral("vendor"), QStringLiteral("8086")},
            {QStringLiteral("device"), QStringLiteral("a190")}, {QStringLiteral("class"), QStringLiteral("060400")},
            {QStringLiteral("driver"), QStringLiteral("pcieport")}, {QStringLiteral("children"), QJsonArray{child}}};
}

inline QJsonObject movedCard(int bus, const char *vendor, const char *device, const char *cls, const char *driver,
                             const QString &slot = {}, const QString &serial = {})
{
    QJsonObject o{{QStringLiteral("address"), QStringLiteral("0000:%1:00.0").arg(bus, 2, 16, QLatin1Char('0'))},
                  {QStringLiteral("vendor"), QLatin1String(vendor)}, {QStringLiteral("device"), QLatin1String(device)},
                  {QStringLiteral("class"), QLatin1String(cls)}, {QStringLiteral("driver"), QLatin1String(driver)},
                  {QStringLiteral("reset_methods"), QJsonArray{QStringLiteral("flr")}}};
    if (!slot.isEmpty())
        o.insert(QStringLiteral("slot"), slot);
    if (!serial.isEmpty())
        o.insert(QStringLiteral("serial_number"), serial);
    return o;
}

inline QJsonObject movedGpu(int bus) { return movedCard(bus, "10de", "2230", "030200", "nvidia", QStringLiteral("1")); }
inline QJsonObject movedNic(int bus) { return movedCard(bus, "8086", "1521", "020000", "igb", {}, kMovedSerial); }
inline QJsonObject movedNvme(int bus) { return movedCard(bus, "144d", "a80a", "010802", "nvme"); }
inline QJsonObject movedAudio(int bus) { return movedCard(bus, "8086", "abcd", "040300", "snd_hda_intel"); }

inline QJsonObject movedTreeBefore(const QString &node = QStringLiteral("moved"))
{
    return {{QStringLiteral("node"), node}, {QStringLiteral("vfio_pci_loaded"), true},
            {QStringLiteral("devices"),
             QJsonArray{movedPort(1, movedGpu(1)), movedPort(2, movedNic(2)), movedPort(3, movedNvme(3)),
                        movedPort(5, movedCard(5, "1172", "e001", "120000", "fpga", QStringLiteral("5"))),
                        movedPort(6, movedAudio(6))}}};
}

inline QJsonObject movedTreeAfter(const QString &node = QStringLiteral("moved"))
{
    return {{QStringLiteral("node"), node}, {QStringLiteral("vfio_pci_loaded"), true},
            {QStringLiteral("devices"),
             QJsonArray{movedPort(1, movedCard(1, "1d0f", "efa1", "020000", "ena", QStringLiteral("0"))),
                        movedPort(2, movedGpu(2)), movedPort(3, movedNic(3)), movedPort(4, movedNvme(4)),
                        movedPort(5, movedCard(5, "1172", "e002", "120000", "fpga", QStringLiteral("5"))),
                        movedPort(7, movedAudio(7))}}};
}

} // namespace passdeck::test
