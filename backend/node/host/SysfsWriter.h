#pragma once

#include <QByteArray>
#include <QString>

namespace passdeck {

// Writes one value into one sysfs attribute of a host root. The contract mirrors the kernel:
// each value is one open()/write()/close() and the errno of that write is the result.
// Paths are relative to the host root ("sys/bus/pci/drivers/vfio-pci/bind") and must be built
// only from validated addresses and driver names (PciAddress, isValidDriverName).
//
// Implementations: RealSysfsWriter (plain file I/O, for "/" or any real root) and SimKernel
// (gives a simulated host root kernel semantics, with fault injection for tests).
class SysfsWriter
{
public:
    virtual ~SysfsWriter() = default;

    // 0 on success, otherwise the errno of the failing call (open or write).
    virtual int write(const QString &relativePath, const QByteArray &value) = 0;
};

// Human-readable "No such device (ENODEV)" for an errno value.
QString errnoDescription(int errnum);
// "ENODEV", "EBUSY"... or "E<number>" for ones without a symbolic name here.
QString errnoName(int errnum);

} // namespace passdeck
