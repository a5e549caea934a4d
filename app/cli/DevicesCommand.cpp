// passdeck-cli devices [--json]: the host's PCI devices as a table or as JSON.
#include "cli/CliContext.h"

#include "node/host/HostRoot.h"
#include "node/inventory/Inventory.h"

#include <QCoreApplication>

#include <algorithm>
#include <cstdio>
#include <sys/ioctl.h>
#include <unistd.h>

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

// What the host uses the device for, in a few words: what an administrator checks before taking
// it away (interfaces and whether they are up, disks, the boot console, SR-IOV relations).
QString hostUse(const PciDevice &d)
{
    QStringList use;
    for (const NetInterface &n : d.netInterfaces)
        use.append(n.operstate.isEmpty() ? n.name : tr("%1 (%2)").arg(n.name, n.operstate));
    use.append(d.blockDevices);
    if (d.bootVga)
        use.append(tr("boot VGA"));
    if (d.sriovTotalVfs > 0)
        use.append(tr("%1/%2 VFs").arg(std::max(d.sriovNumVfs, 0)).arg(d.sriovTotalVfs));
    if (!d.physfn.isEmpty())
        use.append(tr("VF of %1").arg(d.physfn));
    if (!d.driverOverride.isEmpty())
        use.append(tr("override %1").arg(d.driverOverride));
    return use.isEmpty() ? QStringLiteral("-") : use.join(QLatin1String(", "));
}

// The terminal's width when stdout is one, else 0 (a pipe or file gets full lines).
int terminalColumns()
{
    if (!::isatty(STDOUT_FILENO))
        return 0;
    struct winsize ws = {};
    if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) != 0)
        return 0;
    return ws.ws_col;
}

// "Intel Corporation Ethernet Controller X710 for 10GbE SFP+ [8086:1572]" cut to width, keeping the
// ids at the end: they are what identifies the device when the name is cut.
QString elideKeepingIds(const QString &text, qsizetype width)
{
    if (text.size() <= width)
        return text;
    const qsizetype ids = text.lastIndexOf(QLatin1String(" ["));
    const QString tail = ids > 0 ? text.mid(ids) : QString();
    const qsizetype keep = std::max<qsizetype>(width - tail.size() - 1, 1);
    return text.left(keep).trimmed() + QChar(0x2026) + tail;
}

enum TableColumn { ColAddress, ColClass, ColDevice, ColDriver, ColIommu, ColNuma, ColUse, ColCount };

void printTable(CliContext &ctx, const InventorySnapshot &snapshot)
{
    const QStringList header{tr("ADDRESS"), tr("CLASS"), tr("DEVICE"), tr("DRIVER"), tr("IOMMU"), tr("NUMA"), tr("USE")};
    QList<QStringList> rows;
    QStringList shortDevices; // without the vendor's name: the ids still say who made it
    rows.reserve(snapshot.devices.size());
    for (const PciDevice &d : snapshot.devices) {
        const QString cls = d.className.isEmpty() ? tr("Class %1").arg(hex(d.classId >> 8, 4)) : d.className;
        const QString vendor = d.vendorName.isEmpty() ? tr("Vendor %1").arg(hex(d.vendorId, 4)) : d.vendorName;
        const QString device = d.deviceName.isEmpty() ? tr("Device %1").arg(hex(d.deviceId, 4)) : d.deviceName;
        const QString ids = QStringLiteral("[%1:%2]").arg(hex(d.vendorId, 4), hex(d.deviceId, 4));
        rows.append({d.address, cls, QStringLiteral("%1 %2 %3").arg(vendor, device, ids),
                     d.driver.isEmpty() ? QStringLiteral("-") : d.driver,
                     d.iommuGroup < 0 ? QStringLiteral("-") : QString::number(d.iommuGroup),
                     d.numaNode < 0 ? QStringLiteral("-") : QString::number(d.numaNode), hostUse(d)});
        shortDevices.append(QStringLiteral("%1 %2").arg(device, ids));
    }
    QList<qsizetype> widths;
    for (const QString &h : header)
        widths.append(h.size());
    for (const QStringList &row : std::as_const(rows))
        for (qsizetype c = 0; c < row.size(); ++c)
            widths[c] = std::max(widths[c], row.at(c).size());

    // On a terminal too narrow for whole lines the DEVICE column gives way, so that DRIVER, IOMMU
    // and USE stay in view: first the vendor's name goes, then long device names are cut (never
    // below a readable minimum). A pipe or a file always gets every word.
    if (const int columns = terminalColumns(); columns > 0) {
        const auto lineWidth = [&]() {
            qsizetype total = 0;
            for (qsizetype c = 0; c < ColUse; ++c)
                total += widths[c] + 2;
            return total + std::min<qsizetype>(widths[ColUse], 24);
        };
        if (lineWidth() > columns) {
            widths[ColDevice] = header.at(ColDevice).size();
            for (qsizetype i = 0; i < rows.size(); ++i) {
                rows[i][ColDevice] = shortDevices.at(i);
                widths[ColDevice] = std::max(widths[ColDevice], shortDevices.at(i).size());
            }
        }
        if (const qsizetype excess = lineWidth() - columns; excess > 0) {
            widths[ColDevice] = std::max<qsizetype>(widths[ColDevice] - excess, 36);
            for (QStringList &row : rows)
                row[ColDevice] = elideKeepingIds(row.at(ColDevice), widths[ColDevice]);
        }
    }

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
