#pragma once

#include <QString>
#include <QStringList>

// Reading /proc/mounts and /proc/swaps content: pure text, shared by the node's impact check
// and the service's wording of a disk's host use.
namespace passdeck::mounttable {

// The mounts and swap areas that live on one of the given block devices (nvme0n1 matches
// /dev/nvme0n1 and /dev/nvme0n1p2, sda matches /dev/sda1, not /dev/sdab). Each entry reads
// "/dev/nvme0n1p2 on /".
QStringList mountsOn(const QStringList &blockDevices, const QString &procMounts, const QString &procSwaps = {});

// The lines of /proc/mounts that mount something on "/".
QString rootMountLines(const QString &procMounts);

} // namespace passdeck::mounttable
