#pragma once

#include "core/Error.h"

#include <QHash>
#include <QString>
#include <QStringList>

#include <csetjmp>

struct pci_access;
struct pci_dev;

namespace passdeck {

// What libpci tells about one function (the fields it reads from sysfs and pci.ids). The driver
// and IOMMU group links are read by Inventory (one readlinkat each, not libpci's realpath()).
struct LibPciDeviceInfo
{
    int vendorId = -1;
    int deviceId = -1;
    int subsystemVendorId = -1;
    int subsystemDeviceId = -1;
    int revision = -1;
    int classId = -1; // 24-bit incl. prog-if
    int numaNode = -1;
    QString vendorName;
    QString deviceName;
    QString className;
};

// One libpci handle pointed at <host root>/sys/bus/pci, with error handlers that never exit():
// libpci's default handler ends the process on the first unreadable device. Every call into
// libpci runs inside a setjmp region; libpci's error() longjmps back to it, so one broken device
// costs one warning. libpci's warnings are collected (warnings()), never printed.
// Not copyable; use one per thread (the handlers find their context through a thread_local).
class LibPciAccess
{
public:
    LibPciAccess() = default;
    ~LibPciAccess();
    LibPciAccess(const LibPciAccess &) = delete;
    LibPciAccess &operator=(const LibPciAccess &) = delete;

    // pciBusPath: <root>/sys/bus/pci. pciIdsPath: empty for the system's pci.ids.
    Status open(const QString &pciBusPath, const QString &pciIdsPath, bool resolveNames);

    // Reads one function (always from scratch: a fresh pci_dev, so PCI_FILL_RESCAN semantics).
    // On a libpci error returns an Error whose why is libpci's message; warnings raised while
    // reading it are appended to warnings() prefixed with the address.
    Result<LibPciDeviceInfo> readDevice(const QString &address, int domain, int bus, int slot, int function);

    QStringList takeWarnings();

private:
    struct Guard;
    friend struct Guard;
    static void onError(char *msg, ...);
    static void onWarning(char *msg, ...);
    static void onDebug(char *msg, ...);

    const QString &vendorName(int vendor);
    const QString &deviceName(int vendor, int device);
    const QString &className(int classId);

    pci_access *m_access = nullptr;
    bool m_resolveNames = true;
    QByteArray m_sysfsPath;
    QByteArray m_idsPath;
    QString m_currentAddress;   // for attributing warnings
    QStringList m_warnings;
    QHash<int, QString> m_vendorNames;
    QHash<quint32, QString> m_deviceNames;
    QHash<int, QString> m_classNames;

    // The setjmp target of the call in progress; only plain data lives across it.
    std::jmp_buf m_jump;
    bool m_armed = false;
    char m_errorText[512] = {};
};

} // namespace passdeck
