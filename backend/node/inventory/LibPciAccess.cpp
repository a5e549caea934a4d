#include "node/inventory/LibPciAccess.h"

#include <QCoreApplication>
#include <QFileInfo>

#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>

extern "C" {
#include <pci/pci.h>
}

namespace passdeck {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("Inventory", text);
}

// The handlers are plain C callbacks without a user pointer; they find the LibPciAccess whose
// call is in progress here. thread_local so that scans in worker threads do not mix.
thread_local LibPciAccess *t_current = nullptr;

// Not PCI_FILL_DRIVER / PCI_FILL_IOMMU_GROUP: libpci resolves those links with realpath(), one
// readlink() per path component (a third of all syscalls of a scan); Inventory reads the two
// links itself with one readlinkat() each.
constexpr int kFillFlags = PCI_FILL_IDENT | PCI_FILL_CLASS | PCI_FILL_CLASS_EXT | PCI_FILL_SUBSYS
                           | PCI_FILL_NUMA_NODE;

// What crosses the setjmp region: plain data only (no destructors may be skipped by longjmp).
struct FillCall
{
    pci_access *access;
    int domain, bus, slot, function;
    pci_dev *dev;
    unsigned known;
};

void fillDevice(void *data)
{
    auto *c = static_cast<FillCall *>(data);
    c->dev = pci_get_dev(c->access, c->domain, c->bus, c->slot, c->function);
    c->known = unsigned(pci_fill_info(c->dev, kFillFlags));
}

struct LookupCall
{
    pci_access *access;
    char *buffer;
    int size;
    int flags;
    int a, b;
    const char *result;
};

void lookupName(void *data)
{
    auto *c = static_cast<LookupCall *>(data);
    c->result = pci_lookup_name(c->access, c->buffer, c->size, c->flags, c->a, c->b);
}

struct LoadCall
{
    pci_access *access;
    int ok;
};

void initAccess(void *data)
{
    pci_init(static_cast<LoadCall *>(data)->access);
}

void loadNames(void *data)
{
    auto *c = static_cast<LoadCall *>(data);
    c->ok = pci_load_name_list(c->access);
}

QString trimmed(const char *text)
{
    QString s = QString::fromUtf8(text);
    while (s.endsWith(u'\n') || s.endsWith(u' '))
        s.chop(1);
    return s;
}

} // namespace

// Runs fn(data) with libpci's error() turned into a longjmp back here. Returns false when libpci
// raised an error; its message is then in m_errorText. Kept free of C++ objects with destructors.
struct LibPciAccess::Guard
{
    static bool run(LibPciAccess *self, void (*fn)(void *), void *data)
    {
        LibPciAccess *volatile previous = t_current;
        t_current = self;
        if (setjmp(self->m_jump) != 0) {
            self->m_armed = false;
            t_current = previous;
            return false;
        }
        self->m_armed = true;
        fn(data);
        self->m_armed = false;
        t_current = previous;
        return true;
    }
};

LibPciAccess::~LibPciAccess()
{
    if (m_access)
        pci_cleanup(m_access);
}

void LibPciAccess::onError(char *msg, ...)
{
    LibPciAccess *self = t_current;
    va_list args;
    va_start(args, msg);
    if (self)
        std::vsnprintf(self->m_errorText, sizeof self->m_errorText, msg, args);
    else
        std::vfprintf(stderr, msg, args);
    va_end(args);
    if (self && self->m_armed)
        std::longjmp(self->m_jump, 1);
    // Unreachable by construction (every libpci call is guarded); libpci cannot continue after
    // error(), and returning would make it read through invalid state.
    std::fputs("\npassdeck: libpci error outside a guarded call\n", stderr);
    std::abort();
}

void LibPciAccess::onWarning(char *msg, ...)
{
    LibPciAccess *self = t_current;
    if (!self)
        return;
    char text[512];
    va_list args;
    va_start(args, msg);
    std::vsnprintf(text, sizeof text, msg, args);
    va_end(args);
    const QString what = trimmed(text);
    if (self->m_currentAddress.isEmpty())
        self->m_warnings.append(tr("libpci: %1").arg(what));
    else
        self->m_warnings.append(tr("%1: libpci: %2").arg(self->m_currentAddress, what));
}

void LibPciAccess::onDebug(char *, ...)
{
}

Status LibPciAccess::open(const QString &pciBusPath, const QString &pciIdsPath, bool resolveNames)
{
    m_resolveNames = resolveNames;
    m_sysfsPath = QFile::encodeName(pciBusPath);
    m_access = pci_alloc();
    m_access->error = &LibPciAccess::onError;
    m_access->warning = &LibPciAccess::onWarning;
    m_access->debug = &LibPciAccess::onDebug;
    m_access->method = PCI_ACCESS_SYS_BUS_PCI;
    pci_set_param(m_access, const_cast<char *>("sysfs.path"), m_sysfsPath.data());
    // Names must depend only on the pci.ids file: no udev hwdb, no ~/.pciids-cache, no DNS.
    pci_set_param(m_access, const_cast<char *>("hwdb.disable"), const_cast<char *>("1"));
    m_access->id_lookup_mode = PCI_LOOKUP_NO_HWDB;

    LoadCall init{m_access, 0};
    if (!Guard::run(this, &initAccess, &init))
        return Error::make(ErrorCode::LibpciInit, tr("Cannot start libpci on %1").arg(pciBusPath),
                           trimmed(m_errorText), tr("Check that the libpci installation is complete."));

    if (!m_resolveNames)
        return {};
    // Empty: libpci's default (/usr/share/misc/pci.ids.gz, falling back to pci.ids).
    if (!pciIdsPath.isEmpty()) {
        m_idsPath = QFile::encodeName(pciIdsPath);
        pci_set_name_list_path(m_access, m_idsPath.data(), 0);
    }
    LoadCall load{m_access, 0};
    const bool completed = Guard::run(this, &loadNames, &load);
    const QString idsPath = QFile::decodeName(m_access->id_file_name);
    if (!completed || !load.ok) {
        const QString why = completed ? tr("the file cannot be opened") : trimmed(m_errorText);
        if (!pciIdsPath.isEmpty())
            return Error::make(ErrorCode::PciIds, tr("Cannot read the PCI names file %1").arg(idsPath), why,
                               tr("Pass a readable pci.ids file with --pci-ids, or leave the option out."));
        m_warnings.append(tr("Cannot read the PCI names file %1 (%2); devices are shown by their numeric ids.")
                              .arg(idsPath, why));
        m_resolveNames = false;
    }
    return {};
}

Result<LibPciDeviceInfo> LibPciAccess::readDevice(const QString &address, int domain, int bus, int slot,
                                                  int function)
{
    m_currentAddress = address;
    FillCall call{m_access, domain, bus, slot, function, nullptr, 0};
    const bool completed = Guard::run(this, &fillDevice, &call);
    if (!completed) {
        if (call.dev)
            pci_free_dev(call.dev);
        m_currentAddress.clear();
        Error e = Error::make(ErrorCode::PciDeviceUnreadable,
                              tr("Cannot read PCI device %1").arg(address), trimmed(m_errorText),
                              tr("The device is left out of the inventory; check its sysfs directory."));
        e.device = address;
        return e;
    }

    pci_dev *d = call.dev;
    LibPciDeviceInfo info;
    info.vendorId = d->vendor_id;
    info.deviceId = d->device_id;
    info.classId = (int(d->device_class) << 8) | d->prog_if;
    info.revision = d->rev_id;
    if (call.known & PCI_FILL_SUBSYS) {
        info.subsystemVendorId = d->subsys_vendor_id;
        info.subsystemDeviceId = d->subsys_id;
    }
    if (call.known & PCI_FILL_NUMA_NODE)
        info.numaNode = d->numa_node < 0 ? -1 : d->numa_node;
    pci_free_dev(d);

    if (m_resolveNames) {
        info.vendorName = vendorName(info.vendorId);
        info.deviceName = deviceName(info.vendorId, info.deviceId);
        info.className = className(info.classId);
    }
    m_currentAddress.clear();
    return info;
}

const QString &LibPciAccess::vendorName(int vendor)
{
    auto it = m_vendorNames.find(vendor);
    if (it != m_vendorNames.end())
        return *it;
    char buffer[256];
    LookupCall call{m_access, buffer, int(sizeof buffer), PCI_LOOKUP_VENDOR | PCI_LOOKUP_NO_NUMBERS, vendor, 0, nullptr};
    const bool ok = Guard::run(this, &lookupName, &call);
    return *m_vendorNames.insert(vendor, ok && call.result ? QString::fromUtf8(call.result) : QString());
}

const QString &LibPciAccess::deviceName(int vendor, int device)
{
    const quint32 key = (quint32(vendor) << 16) | quint32(device & 0xffff);
    auto it = m_deviceNames.find(key);
    if (it != m_deviceNames.end())
        return *it;
    char buffer[256];
    LookupCall call{m_access, buffer, int(sizeof buffer), PCI_LOOKUP_DEVICE | PCI_LOOKUP_NO_NUMBERS, vendor, device,
                    nullptr};
    const bool ok = Guard::run(this, &lookupName, &call);
    return *m_deviceNames.insert(key, ok && call.result ? QString::fromUtf8(call.result) : QString());
}

const QString &LibPciAccess::className(int classId)
{
    auto it = m_classNames.find(classId);
    if (it != m_classNames.end())
        return *it;
    char buffer[256];
    LookupCall call{m_access, buffer, int(sizeof buffer), PCI_LOOKUP_CLASS | PCI_LOOKUP_NO_NUMBERS, classId >> 8, 0,
                    nullptr};
    const bool ok = Guard::run(this, &lookupName, &call);
    return *m_classNames.insert(classId, ok && call.result ? QString::fromUtf8(call.result) : QString());
}

QStringList LibPciAccess::takeWarnings()
{
    return std::exchange(m_warnings, {});
}

} // namespace passdeck
