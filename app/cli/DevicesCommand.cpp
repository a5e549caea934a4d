// passdeck-cli devices [--json]: the host's PCI devices as a table or as JSON.
#include "CliContext.h"

#include "HostRoot.h"
#include "Inventory.h"

#include <QCoreApplication>

#include <algorithm>
#include <cstdio>

namespace passdeck::cli {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("DevicesCommand", text);
}

// The JSON is written as text: for thousands of devices building a QJsonDocument costs more
// than the whole inventory pass, and the output format is fixed and flat.
class JsonWriter
{
public:
    explicit JsonWriter(QByteArray &out) : m_out(out) {}

    void string(const QString &s)
    {
        m_out += '"';
        const QByteArray utf8 = s.toUtf8();
        for (char c : utf8) {
            switch (c) {
            case '"': m_out += "\\\""; break;
            case '\\': m_out += "\\\\"; break;
            case '\n': m_out += "\\n"; break;
            case '\t': m_out += "\\t"; break;
            case '\r': m_out += "\\r"; break;
            default:
                if (static_cast<unsigned char>(c) < 0x20) {
                    char buf[8];
                    std::snprintf(buf, sizeof buf, "\\u%04x", unsigned(c));
                    m_out += buf;
                } else {
                    m_out += c;
                }
            }
        }
        m_out += '"';
    }
    void stringOrNull(const QString &s)
    {
        if (s.isEmpty())
            m_out += "null";
        else
            string(s);
    }
    void hex(int value, int digits)
    {
        if (value < 0) {
            m_out += "null";
            return;
        }
        char buf[16];
        std::snprintf(buf, sizeof buf, "\"%0*x\"", digits, unsigned(value));
        m_out += buf;
    }
    void intOrNull(int value)
    {
        if (value < 0)
            m_out += "null";
        else
            m_out += QByteArray::number(value);
    }
    void boolean(bool b) { m_out += b ? "true" : "false"; }
    void strings(const QStringList &list)
    {
        m_out += '[';
        for (qsizetype i = 0; i < list.size(); ++i) {
            if (i)
                m_out += ", ";
            string(list.at(i));
        }
        m_out += ']';
    }
    void key(const char *name, bool first = false)
    {
        m_out += first ? "\n    \"" : ",\n    \"";
        m_out += name;
        m_out += "\": ";
    }

private:
    QByteArray &m_out;
};

QByteArray devicesJson(const InventorySnapshot &snapshot)
{
    QByteArray out;
    out.reserve(snapshot.devices.size() * 1024 + 16);
    JsonWriter w(out);
    out += '[';
    for (qsizetype i = 0; i < snapshot.devices.size(); ++i) {
        const PciDevice &d = snapshot.devices.at(i);
        out += i ? ",\n  {" : "\n  {";
        w.key("address", true), w.string(d.address);
        w.key("vendor_id"), w.hex(d.vendorId, 4);
        w.key("device_id"), w.hex(d.deviceId, 4);
        w.key("subsystem_vendor_id"), w.hex(d.subsystemVendorId, 4);
        w.key("subsystem_device_id"), w.hex(d.subsystemDeviceId, 4);
        w.key("class_id"), w.hex(d.classId, 6);
        w.key("revision"), w.hex(d.revision, 2);
        w.key("vendor_name"), w.string(d.vendorName);
        w.key("device_name"), w.string(d.deviceName);
        w.key("class_name"), w.string(d.className);
        w.key("driver"), w.stringOrNull(d.driver);
        w.key("iommu_group"), w.intOrNull(d.iommuGroup);
        w.key("numa_node"), w.intOrNull(d.numaNode);
        w.key("is_bridge"), w.boolean(d.isBridge);
        w.key("driver_override"), w.stringOrNull(d.driverOverride);
        w.key("reset_methods"), w.strings(d.resetMethods);
        w.key("boot_vga"), w.boolean(d.bootVga);
        w.key("sriov_totalvfs"), w.intOrNull(d.sriovTotalVfs);
        w.key("sriov_numvfs"), w.intOrNull(d.sriovNumVfs);
        w.key("physfn"), w.stringOrNull(d.physfn);
        w.key("virtfns"), w.strings(d.virtfns);
        w.key("net");
        out += '[';
        for (qsizetype n = 0; n < d.netInterfaces.size(); ++n) {
            out += n ? ", {\"name\": " : "{\"name\": ";
            w.string(d.netInterfaces.at(n).name);
            out += ", \"operstate\": ";
            w.string(d.netInterfaces.at(n).operstate);
            out += '}';
        }
        out += ']';
        w.key("nvme"), w.strings(d.nvmeControllers);
        w.key("block"), w.strings(d.blockDevices);
        w.key("drm"), w.strings(d.drmCards);
        w.key("iommu_group_members"), w.strings(snapshot.iommuGroups.value(d.iommuGroup));
        out += "\n  }";
    }
    out += snapshot.devices.isEmpty() ? "]\n" : "\n]\n";
    return out;
}

QString hex(int value, int digits)
{
    return value < 0 ? QStringLiteral("?") : QStringLiteral("%1").arg(value, digits, 16, QLatin1Char('0'));
}

void printTable(CliContext &ctx, const InventorySnapshot &snapshot)
{
    const QStringList header{tr("ADDRESS"), tr("CLASS"), tr("DEVICE"), tr("DRIVER"), tr("IOMMU"), tr("NUMA")};
    QList<QStringList> rows;
    rows.reserve(snapshot.devices.size());
    for (const PciDevice &d : snapshot.devices) {
        const QString cls = d.className.isEmpty() ? tr("Class %1").arg(hex(d.classId >> 8, 4)) : d.className;
        const QString vendor = d.vendorName.isEmpty() ? tr("Vendor %1").arg(hex(d.vendorId, 4)) : d.vendorName;
        const QString device = d.deviceName.isEmpty() ? tr("Device %1").arg(hex(d.deviceId, 4)) : d.deviceName;
        rows.append({d.address, cls,
                     QStringLiteral("%1 %2 [%3:%4]").arg(vendor, device, hex(d.vendorId, 4), hex(d.deviceId, 4)),
                     d.driver.isEmpty() ? QStringLiteral("-") : d.driver,
                     d.iommuGroup < 0 ? QStringLiteral("-") : QString::number(d.iommuGroup),
                     d.numaNode < 0 ? QStringLiteral("-") : QString::number(d.numaNode)});
    }
    QList<qsizetype> widths;
    for (const QString &h : header)
        widths.append(h.size());
    for (const QStringList &row : std::as_const(rows))
        for (qsizetype c = 0; c < row.size(); ++c)
            widths[c] = std::max(widths[c], row.at(c).size());
    QTextStream &o = ctx.out();
    auto printRow = [&](const QStringList &row) {
        QString line;
        for (qsizetype c = 0; c < row.size(); ++c)
            line += c + 1 < row.size() ? row.at(c).leftJustified(widths[c] + 2) : row.at(c);
        o << line << '\n';
    };
    printRow(header);
    for (const QStringList &row : std::as_const(rows))
        printRow(row);
    o.flush();
}

int runDevices(CliContext &ctx)
{
    const bool json = ctx.takeFlag(QStringLiteral("--json")) || ctx.json;
    if (const QString unknown = ctx.firstUnknownOption(); !unknown.isEmpty())
        return ctx.usage(tr("devices: unknown option '%1'").arg(unknown));
    if (!ctx.args.isEmpty())
        return ctx.usage(tr("devices: unexpected argument '%1'").arg(ctx.args.first()));

    InventoryOptions options;
    options.pciIdsPath = ctx.pciIds;
    const Result<InventorySnapshot> snapshot = Inventory::scan(HostRoot(ctx.hostRoot), options);
    if (!snapshot)
        return ctx.fail(snapshot.error());

    if (json) {
        const QByteArray text = devicesJson(*snapshot);
        ctx.out().flush();
        std::fwrite(text.constData(), 1, size_t(text.size()), stdout);
        std::fflush(stdout);
    } else {
        printTable(ctx, *snapshot);
    }
    for (const QString &warning : snapshot->warnings)
        ctx.err() << "warning: " << warning << '\n';
    ctx.err().flush();
    return ExitOk;
}

const bool registered = CliRegistry::add(
    {QStringLiteral("devices"), QStringLiteral("devices [--json]     list the host's PCI devices"), &runDevices});

} // namespace

} // namespace passdeck::cli
