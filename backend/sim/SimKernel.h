#pragma once

#include "core/Error.h"
#include "node/host/HostRoot.h"
#include "sim/SimHostDescription.h"
#include "node/host/SysfsWriter.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QSet>
#include <QString>

#include <memory>
#include <optional>

namespace passdeck {

class SimHostLayout;

// Kernel semantics for writes into a simulated host root (docs/binding.md, docs/simulated-nodes.md): driver links
// appear and vanish, drivers_probe honours driver_override, the errno table is reproduced,
// /dev/vfio/N follows vfio-pci bindings, sriov_numvfs creates and removes VFs. Writes to paths
// that are not sysfs attributes give ENOENT; read-only attributes give EACCES (as kernfs does
// for a file without a store method).
//
// Hidden state (native drivers from the description, new_id tables, VF group numbers, injected
// faults) lives in <root>/.passdeck-sim/, so every process sees the same simulated kernel.
class SimKernel : public SysfsWriter
{
public:
    explicit SimKernel(const HostRoot &root);
    ~SimKernel() override;

    // EPERM, touching nothing, when the root is not a simulated one (empty, "/", or without
    // .passdeck-sim/): the simulator must never write into a real tree.
    int write(const QString &relativePath, const QByteArray &value) override;

    // All devices lose their drivers, new_id entries and VFs; then every device is probed as at
    // boot: driver_override from the persistent configuration (PersistentConfig's udev rules),
    // otherwise its native driver; modules-load.d/passdeck-vfio.conf loads vfio-pci.
    Status reboot();

    // Fault injection. The next `count` writes whose root-relative path matches `pattern`
    // (a wildcard: "sys/bus/pci/drivers/*/unbind", or an exact path) fail with `errnum`.
    // In-process only:
    void failNextWrite(const QString &pattern, int errnum, int count = 1);
    // Through <root>/.passdeck-sim/faults.json, seen by every process writing to this root:
    Status injectFault(const QString &pattern, int errnum, int count = 1);
    // Every write sleeps this long first (0: off); lets crash tests kill a process mid-apply.
    Status setWriteDelay(int milliseconds);
    Status clearFaults();
    // What injectFault() accepts: errnum 1..kMaxErrno, count >= 1, a pattern that is a path
    // below the root (no ".", ".." or empty components, no control characters).
    static constexpr int kMaxErrno = 133; // EHWPOISON, the highest errno Linux defines
    static Status validateFault(const QString &pattern, int errnum, int count = 1);

    // `ip link set IFACE up|down` on the simulated node: the interface's operstate and flags
    // (IFF_UP) change as the kernel shows them. Error when the node has no such interface (its
    // driver is not bound, or the name is wrong).
    Status setLinkState(const QString &interface, bool up);

    // What VFIO says of group N (VFIO_GROUP_FLAGS_VIABLE): every endpoint in it is on vfio-pci
    // or has no driver; bridges don't count. False for a group that does not exist.
    bool isGroupViable(int group) const;

    // The root was written by SimHostBuilder.
    static bool isSimulated(const HostRoot &root);

private:
    struct Fault
    {
        QString pattern;
        int errnum = 0;
        int count = 1;
    };
    int takeFault(const QString &relativePath);
    int dispatch(const QString &path, const QByteArray &value);
    int writeDeviceAttribute(const QString &address, const QString &attribute, const QByteArray &value);
    int writeDriverFile(const QString &driver, const QString &file, const QByteArray &value);
    int probe(const QString &address);
    int bind(const QString &address, const QString &driver);
    int unbind(const QString &address, const QString &driver);
    int setNumVfs(const QString &address, const QByteArray &value);
    int addNewId(const QString &driver, const QByteArray &value, bool remove);
    bool matches(const QString &address, const QString &driver);
    bool canProbe(const QString &address, const QString &driver);
    bool staticallyMatches(const QString &driver, int vendor, int device);
    QString sysPathOf(const QString &address) const;
    QString currentDriver(const QString &address) const;
    int groupOf(const QString &address) const;
    void updateVfioNode(int group);
    // The device as described (VFs derived from their PF); nullopt for unknown addresses.
    std::optional<SimDeviceSpec> specOf(const QString &address);
    bool loadDescription();
    void loadState();
    bool saveState();
    void loadFaultFile(QList<Fault> *faults, int *delay) const;
    Status saveFaultFile(const QList<Fault> &faults, int delay) const;

    HostRoot m_root;
    std::unique_ptr<SimHostLayout> m_layout;
    std::optional<SimHostDescription> m_description;
    QJsonObject m_descriptionJson;
    // new_id tables: driver -> "vvvv dddd" entries (lower-case hex)
    QHash<QString, QStringList> m_newIds;
    int m_nextGroup = 0;
    QByteArray m_stateBytes; // the state file as last loaded or saved
    QList<Fault> m_faults; // in-process
    bool m_rootVerified = false; // the root was seen to be a simulated one (write() refuses others)
};

} // namespace passdeck
