#include "store/Schema.h"

#include "store/SqlDialect.h"
#include "store/StoreQuery.h"

#include <QCoreApplication>
#include <QSqlQuery>
#include <QSqlError>
#include <QSqlRecord>

#include <initializer_list>

namespace passdeck {

namespace {

// Names: non-blank, at most 128 characters. trim()/length() exist in SQLite and PostgreSQL.
#define NAME_CHECK(col) "CHECK (length(trim(" col ")) > 0 AND length(" col ") <= 128)"
#define FLAG(col) col " INTEGER NOT NULL DEFAULT 0 CHECK (" col " IN (0, 1))"

// A trigger that refuses a change when its condition holds; each dialect spells it its way.
struct TriggerSpec
{
    const char *name;
    const char *event;
    const char *table;
    const char *condition;
    const char *message;
};

// Version 1: the tables of docs/store.md. "%ID%" is the auto-numbered primary key, the one
// spelling that differs between SQLite and PostgreSQL. The invariants are carried by
// composite foreign keys (a child row repeats the parent's scope column and must match it):
//  - resource_rules.device_id UNIQUE: a device is in at most one group; (device_id, is_bridge)
//    references devices with is_bridge CHECKed to 0: a bridge never is.
//  - device_holds.device_id PRIMARY KEY: one consumer per device; holder_scope is 0 for host
//    VMs and the tenant id for a tenant; allocations and tenant_pool reference
//    (device_id, scope) so a host VM cannot use a tenant's device and vice versa.
//  - machine_devices reference (group_id, owner_scope) and (group_id, tenant_node_id) of the
//    group and the same pairs of the VM: a tenant VM draws only from its tenant's groups on
//    its own tenant node; allocations reference the pool row on that tenant node.
const char *const step1[] = {
    "CREATE TABLE schema_version (version INTEGER NOT NULL)",
    "CREATE TABLE nodes ("
    " id %ID%,"
    " name VARCHAR(128) NOT NULL UNIQUE " NAME_CHECK("name") ","
    " host_root TEXT NOT NULL CHECK (length(host_root) > 0),"
    " " FLAG("simulated") ","
    " " FLAG("maintenance") ","
    " " FLAG("reboot_required") ","
    " refreshed_at VARCHAR(32))",
    "CREATE TABLE devices ("
    " id %ID%,"
    " node_id INTEGER NOT NULL REFERENCES nodes(id) ON DELETE CASCADE,"
    " address VARCHAR(12) NOT NULL CHECK (length(address) = 12),"
    " vendor_id INTEGER NOT NULL DEFAULT -1,"
    " pci_device_id INTEGER NOT NULL DEFAULT -1,"
    " subsys_vendor_id INTEGER NOT NULL DEFAULT -1,"
    " subsys_device_id INTEGER NOT NULL DEFAULT -1,"
    " class_id INTEGER NOT NULL DEFAULT -1,"
    " vendor_name TEXT NOT NULL DEFAULT '',"
    " device_name TEXT NOT NULL DEFAULT '',"
    " class_name TEXT NOT NULL DEFAULT '',"
    " driver VARCHAR(64) NOT NULL DEFAULT '',"
    " iommu_group INTEGER NOT NULL DEFAULT -1,"
    " numa_node INTEGER NOT NULL DEFAULT -1,"
    " " FLAG("is_bridge") ","
    " host_use TEXT NOT NULL DEFAULT '',"
    " present INTEGER NOT NULL DEFAULT 1 CHECK (present IN (0, 1)),"
    " " FLAG("ids_changed") ","
    " " FLAG("reboot_pending") ","
    " UNIQUE (node_id, address), UNIQUE (id, is_bridge), UNIQUE (id, node_id))",
    "CREATE TABLE tenants ("
    " id %ID%,"
    " name VARCHAR(128) NOT NULL UNIQUE " NAME_CHECK("name") ","
    " description TEXT NOT NULL DEFAULT '')",
    "CREATE TABLE tenant_nodes ("
    " id %ID%,"
    " tenant_id INTEGER NOT NULL REFERENCES tenants(id),"
    " name VARCHAR(128) NOT NULL " NAME_CHECK("name") ","
    " node_id INTEGER NOT NULL REFERENCES nodes(id),"
    " UNIQUE (tenant_id, name), UNIQUE (id, node_id), UNIQUE (id, tenant_id))",
    "CREATE TABLE resource_groups ("
    " id %ID%,"
    " name VARCHAR(128) NOT NULL " NAME_CHECK("name") ","
    " type VARCHAR(8) NOT NULL DEFAULT 'PCI' CHECK (type = 'PCI'),"
    " description TEXT NOT NULL DEFAULT '',"
    " class VARCHAR(16) NOT NULL DEFAULT 'Other' CHECK (class IN ('GPU', 'Network', 'Storage', 'USB', 'Audio', 'Accelerator', 'Other')),"
    " owner_scope INTEGER NOT NULL DEFAULT 0,"
    " tenant_id INTEGER REFERENCES tenants(id),"
    " tenant_node_id INTEGER,"
    " source_group_id INTEGER REFERENCES resource_groups(id),"
    " CHECK ((tenant_id IS NULL AND owner_scope = 0 AND tenant_node_id IS NULL AND source_group_id IS NULL)"
    "     OR (tenant_id IS NOT NULL AND owner_scope = tenant_id AND tenant_node_id IS NOT NULL)),"
    " FOREIGN KEY (tenant_node_id, tenant_id) REFERENCES tenant_nodes(id, tenant_id),"
    " UNIQUE (owner_scope, name), UNIQUE (id, owner_scope), UNIQUE (id, tenant_node_id))",
    "CREATE TABLE resource_rules ("
    " id %ID%,"
    " group_id INTEGER NOT NULL,"
    " group_scope INTEGER NOT NULL DEFAULT 0 CHECK (group_scope = 0),"
    " device_id INTEGER NOT NULL UNIQUE,"
    " node_id INTEGER NOT NULL,"
    " is_bridge INTEGER NOT NULL DEFAULT 0 CHECK (is_bridge = 0),"
    " address VARCHAR(12) NOT NULL,"
    " vendor_id INTEGER NOT NULL,"
    " pci_device_id INTEGER NOT NULL,"
    " subsys_vendor_id INTEGER NOT NULL,"
    " subsys_device_id INTEGER NOT NULL,"
    " created_at VARCHAR(32) NOT NULL,"
    " FOREIGN KEY (group_id, group_scope) REFERENCES resource_groups(id, owner_scope),"
    " FOREIGN KEY (device_id, is_bridge) REFERENCES devices(id, is_bridge),"
    " FOREIGN KEY (device_id, node_id) REFERENCES devices(id, node_id),"
    " UNIQUE (device_id, group_id))",
    "CREATE TABLE device_holds ("
    " device_id INTEGER NOT NULL PRIMARY KEY REFERENCES resource_rules(device_id),"
    " holder_scope INTEGER NOT NULL CHECK (holder_scope >= 0),"
    " UNIQUE (device_id, holder_scope))",
    "CREATE TABLE tenant_pool ("
    " device_id INTEGER NOT NULL PRIMARY KEY,"
    " tenant_id INTEGER NOT NULL CHECK (tenant_id > 0),"
    " group_id INTEGER NOT NULL,"
    " tenant_node_id INTEGER NOT NULL,"
    " node_id INTEGER NOT NULL,"
    " FOREIGN KEY (device_id, tenant_id) REFERENCES device_holds(device_id, holder_scope),"
    " FOREIGN KEY (group_id, tenant_node_id) REFERENCES resource_groups(id, tenant_node_id),"
    " FOREIGN KEY (group_id, tenant_id) REFERENCES resource_groups(id, owner_scope),"
    " FOREIGN KEY (tenant_node_id, node_id) REFERENCES tenant_nodes(id, node_id),"
    " FOREIGN KEY (tenant_node_id, tenant_id) REFERENCES tenant_nodes(id, tenant_id),"
    " FOREIGN KEY (device_id, node_id) REFERENCES devices(id, node_id),"
    " UNIQUE (device_id, tenant_node_id), UNIQUE (device_id, group_id))",
    "CREATE TABLE vms ("
    " id %ID%,"
    " name VARCHAR(128) NOT NULL UNIQUE " NAME_CHECK("name") ","
    " description TEXT NOT NULL DEFAULT '',"
    " node_id INTEGER NOT NULL REFERENCES nodes(id),"
    " owner_scope INTEGER NOT NULL DEFAULT 0,"
    " tenant_id INTEGER REFERENCES tenants(id),"
    " tenant_node_id INTEGER,"
    " power VARCHAR(8) NOT NULL DEFAULT 'off' CHECK (power IN ('off', 'on')),"
    " " FLAG("restart_needed") ","
    " CHECK ((tenant_id IS NULL AND owner_scope = 0 AND tenant_node_id IS NULL)"
    "     OR (tenant_id IS NOT NULL AND owner_scope = tenant_id AND tenant_node_id IS NOT NULL)),"
    " FOREIGN KEY (tenant_node_id, node_id) REFERENCES tenant_nodes(id, node_id),"
    " FOREIGN KEY (tenant_node_id, tenant_id) REFERENCES tenant_nodes(id, tenant_id),"
    " UNIQUE (id, owner_scope), UNIQUE (id, node_id), UNIQUE (id, tenant_node_id))",
    "CREATE TABLE machine_devices ("
    " id %ID%,"
    " vm_id INTEGER NOT NULL,"
    " name VARCHAR(128) NOT NULL " NAME_CHECK("name") ","
    " type VARCHAR(8) NOT NULL DEFAULT 'PCI' CHECK (type = 'PCI'),"
    " description TEXT NOT NULL DEFAULT '',"
    " group_id INTEGER NOT NULL,"
    " count INTEGER NOT NULL CHECK (count >= 1),"
    " owner_scope INTEGER NOT NULL,"
    " tenant_node_id INTEGER,"
    " CHECK ((owner_scope = 0 AND tenant_node_id IS NULL) OR (owner_scope <> 0 AND tenant_node_id IS NOT NULL)),"
    " FOREIGN KEY (vm_id, owner_scope) REFERENCES vms(id, owner_scope) ON DELETE CASCADE,"
    " FOREIGN KEY (vm_id, tenant_node_id) REFERENCES vms(id, tenant_node_id) ON DELETE CASCADE,"
    " FOREIGN KEY (group_id, owner_scope) REFERENCES resource_groups(id, owner_scope),"
    " FOREIGN KEY (group_id, tenant_node_id) REFERENCES resource_groups(id, tenant_node_id),"
    " UNIQUE (vm_id, name), UNIQUE (id, vm_id), UNIQUE (id, group_id))",
    "CREATE TABLE allocations ("
    " id %ID%,"
    " machine_device_id INTEGER NOT NULL,"
    " vm_id INTEGER NOT NULL,"
    " group_id INTEGER NOT NULL,"
    " device_id INTEGER NOT NULL UNIQUE,"
    " node_id INTEGER NOT NULL,"
    " vm_scope INTEGER NOT NULL,"
    " tenant_node_id INTEGER,"
    " rule_group_id INTEGER,"
    " pool_group_id INTEGER,"
    " CHECK ((vm_scope = 0 AND tenant_node_id IS NULL AND rule_group_id = group_id AND pool_group_id IS NULL)"
    "     OR (vm_scope <> 0 AND tenant_node_id IS NOT NULL AND pool_group_id = group_id AND rule_group_id IS NULL)),"
    " FOREIGN KEY (machine_device_id, vm_id) REFERENCES machine_devices(id, vm_id) ON DELETE CASCADE,"
    " FOREIGN KEY (machine_device_id, group_id) REFERENCES machine_devices(id, group_id) ON DELETE CASCADE,"
    " FOREIGN KEY (vm_id, node_id) REFERENCES vms(id, node_id) ON DELETE CASCADE,"
    " FOREIGN KEY (vm_id, vm_scope) REFERENCES vms(id, owner_scope) ON DELETE CASCADE,"
    " FOREIGN KEY (vm_id, tenant_node_id) REFERENCES vms(id, tenant_node_id) ON DELETE CASCADE,"
    " FOREIGN KEY (device_id, node_id) REFERENCES devices(id, node_id),"
    " FOREIGN KEY (device_id, vm_scope) REFERENCES device_holds(device_id, holder_scope),"
    " FOREIGN KEY (device_id, rule_group_id) REFERENCES resource_rules(device_id, group_id),"
    " FOREIGN KEY (device_id, pool_group_id) REFERENCES tenant_pool(device_id, group_id),"
    " FOREIGN KEY (device_id, tenant_node_id) REFERENCES tenant_pool(device_id, tenant_node_id))",
    "CREATE TABLE journal ("
    " id %ID%,"
    " node_id INTEGER NOT NULL REFERENCES nodes(id),"
    " operation VARCHAR(32) NOT NULL,"
    " target VARCHAR(8) NOT NULL CHECK (target IN ('vfio', 'host')),"
    " devices TEXT NOT NULL,"
    " group_id INTEGER,"
    " started_at VARCHAR(32) NOT NULL,"
    " host VARCHAR(255) NOT NULL DEFAULT '',"
    " pid INTEGER NOT NULL DEFAULT 0)",
    "CREATE TABLE audit_log ("
    " id %ID%,"
    " at VARCHAR(32) NOT NULL,"
    " os_user VARCHAR(128) NOT NULL,"
    " action VARCHAR(64) NOT NULL,"
    " subject TEXT NOT NULL,"
    " result VARCHAR(8) NOT NULL CHECK (result IN ('ok', 'refused', 'failed')),"
    " detail TEXT NOT NULL DEFAULT '')",
    // Indexes for the dashboards' listing queries (benchmarked in tests/bench/bench_store).
    "CREATE INDEX resource_rules_group ON resource_rules(group_id)",
    "CREATE INDEX resource_rules_node ON resource_rules(node_id)",
    "CREATE INDEX tenant_pool_group ON tenant_pool(group_id)",
    "CREATE INDEX tenant_pool_tenant ON tenant_pool(tenant_id)",
    "CREATE INDEX tenant_pool_tnode ON tenant_pool(tenant_node_id)",
    "CREATE INDEX vms_node ON vms(node_id)",
    "CREATE INDEX vms_tenant ON vms(tenant_id)",
    "CREATE INDEX machine_devices_group ON machine_devices(group_id)",
    "CREATE INDEX allocations_md ON allocations(machine_device_id)",
    "CREATE INDEX allocations_vm ON allocations(vm_id)",
    "CREATE INDEX resource_groups_tenant ON resource_groups(tenant_id)",
    "CREATE INDEX tenant_nodes_node ON tenant_nodes(node_id)",
    "CREATE INDEX journal_node ON journal(node_id)",
};

// Version 1's triggers (refusingTrigger: SQLite WHEN … RAISE, a plpgsql function on PostgreSQL):
// never more concrete devices than the machine device's Count.
const TriggerSpec step1Triggers[] = {
    {"allocations_within_count", "INSERT", "allocations",
     "(SELECT COUNT(*) FROM allocations WHERE machine_device_id = NEW.machine_device_id)"
     "   >= (SELECT count FROM machine_devices WHERE id = NEW.machine_device_id)",
     "allocation exceeds the machine device Count"},
    {"machine_devices_count_kept", "UPDATE OF count", "machine_devices",
     "NEW.count < (SELECT COUNT(*) FROM allocations WHERE machine_device_id = NEW.id)",
     "allocation exceeds the machine device Count"},
};

// Version 2 (found by tests/bench/bench_store): the Resource Manager's reboot banner reads the
// few reboot-pending devices among many thousands without a scan; the tenant node list counts
// its groups, and group delete looks for derived tenant groups, by index.
const char *const step2[] = {
    "CREATE INDEX devices_reboot_pending ON devices(node_id) WHERE reboot_pending = 1",
    "CREATE INDEX resource_groups_tenant_node ON resource_groups(tenant_node_id)",
    "CREATE INDEX resource_groups_source ON resource_groups(source_group_id)",
};

// Version 3: the journal names its process by PID and start time, so that a PID reused by an
// unrelated process after a crash is not taken for the live owner of the operation.
const char *const step3[] = {
    "ALTER TABLE journal ADD COLUMN owner_start BIGINT NOT NULL DEFAULT 0",
};

// Version 4: recovery puts each journaled device back exactly (its driver_override too), and a
// vm-restart row names its VM so that recovery can turn the VM off and free its allocations.
// journal_devices lists a row's devices for "is this device being moved?" in plain SQL (EXISTS
// on an index) instead of a substring search in the JSON.
const char *const step4[] = {
    "ALTER TABLE journal ADD COLUMN overrides TEXT NOT NULL DEFAULT '{}'",
    "ALTER TABLE journal ADD COLUMN vm_id BIGINT",
    "CREATE TABLE journal_devices ("
    " journal_id BIGINT NOT NULL REFERENCES journal(id) ON DELETE CASCADE,"
    " node_id BIGINT NOT NULL,"
    " address VARCHAR(16) NOT NULL,"
    " PRIMARY KEY (journal_id, address))",
    "CREATE INDEX journal_devices_device ON journal_devices(node_id, address)",
};

// Version 5: a node is identified by its host, not only by its name: the canonical path of its
// root (symlinks and "R/" resolved) and the host's machine id (<root>/etc/machine-id), so that
// one host registered twice is refused (two VMs would get the same device). Rows of older
// stores are filled in at the next open (NodeService::checkIdentities).
const char *const step5[] = {
    "ALTER TABLE nodes ADD COLUMN canonical_root TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE nodes ADD COLUMN machine_id VARCHAR(64) NOT NULL DEFAULT ''",
    "CREATE INDEX nodes_canonical_root ON nodes(canonical_root)",
    "CREATE INDEX nodes_machine_id ON nodes(machine_id)",
};

// Version 6: one owner per IOMMU group. VFIO hands an IOMMU group to one user only, so all
// endpoints of one IOMMU group on one node have at most one consumer: one tenant (its pool) or
// host VMs (scope 0) by device_holds, and one VM by allocations. Count counts passthrough units
// (a group's endpoints of one IOMMU group on a node), so the Count triggers count distinct units.
// machine_devices.removal_pending: removed while its VM ran; it goes at the VM's stop.
// The conditions are plain EXISTS / COUNT(DISTINCT) subqueries valid in SQLite and PostgreSQL;
// the SQLite trigger wraps them in WHEN ... RAISE, the PostgreSQL version wraps the same text in
// a plpgsql function (docs/store.md).
#define UNIT_KEY(a) "(CASE WHEN " a ".iommu_group >= 0 THEN " a ".node_id * 4294967296 + " a ".iommu_group ELSE -" a ".id END)"
#define OTHER_HOLDER \
    "EXISTS (SELECT 1 FROM devices n JOIN devices o ON o.node_id = n.node_id AND o.iommu_group = n.iommu_group AND o.id <> n.id" \
    " JOIN device_holds h ON h.device_id = o.id" \
    " WHERE n.id = NEW.device_id AND n.iommu_group >= 0 AND h.holder_scope <> NEW.holder_scope)"
#define OTHER_VM \
    "EXISTS (SELECT 1 FROM devices n JOIN devices o ON o.node_id = n.node_id AND o.iommu_group = n.iommu_group AND o.id <> n.id" \
    " JOIN allocations x ON x.device_id = o.id" \
    " WHERE n.id = NEW.device_id AND n.iommu_group >= 0 AND x.vm_id <> NEW.vm_id)"
#define UNITS_OF(md) \
    "(SELECT COUNT(DISTINCT " UNIT_KEY("d") ") FROM allocations x JOIN devices d ON d.id = x.device_id WHERE x.machine_device_id = " md ")"
#define SAME_UNIT_ALLOCATED \
    "EXISTS (SELECT 1 FROM allocations x JOIN devices o ON o.id = x.device_id JOIN devices n ON n.id = NEW.device_id" \
    " WHERE x.machine_device_id = NEW.machine_device_id AND n.iommu_group >= 0 AND o.node_id = n.node_id AND o.iommu_group = n.iommu_group)"
const char *const step6[] = {
    "ALTER TABLE machine_devices ADD COLUMN removal_pending INTEGER NOT NULL DEFAULT 0 CHECK (removal_pending IN (0, 1))",
    "CREATE INDEX devices_iommu ON devices(node_id, iommu_group)",
};
#define ONE_OWNER "another consumer holds a device of the same IOMMU group"
#define ONE_VM "another VM has a device of the same IOMMU group"
#define COUNT_EXCEEDED "allocation exceeds the machine device Count"
const TriggerSpec step6Triggers[] = {
    {"device_holds_one_owner_per_iommu_group", "INSERT", "device_holds", OTHER_HOLDER, ONE_OWNER},
    {"device_holds_one_owner_per_iommu_group_update", "UPDATE", "device_holds", OTHER_HOLDER, ONE_OWNER},
    {"allocations_one_vm_per_iommu_group", "INSERT", "allocations", OTHER_VM, ONE_VM},
    {"allocations_one_vm_per_iommu_group_update", "UPDATE", "allocations", OTHER_VM, ONE_VM},
};
// Then the Count triggers of version 1 are dropped and made again counting units.
const TriggerSpec step6CountTriggers[] = {
    {"allocations_within_count", "INSERT", "allocations",
     "NOT " SAME_UNIT_ALLOCATED " AND " UNITS_OF("NEW.machine_device_id") " >= (SELECT count FROM machine_devices WHERE id = NEW.machine_device_id)",
     COUNT_EXCEEDED},
    {"machine_devices_count_kept", "UPDATE OF count", "machine_devices", "NEW.count < " UNITS_OF("NEW.id"), COUNT_EXCEEDED},
};
#undef ONE_OWNER
#undef ONE_VM
#undef COUNT_EXCEEDED
#undef UNIT_KEY
#undef OTHER_HOLDER
#undef OTHER_VM
#undef UNITS_OF
#undef SAME_UNIT_ALLOCATED

// Version 7: nodes behind an agent (docs/store.md, "Nodes behind an agent"). Their address (HOST:PORT) is in
// host_root, the column that has always held a node's address; the certificate fingerprint
// pinned when the node was added, the bearer token, the agent's version as last reported and
// since when the node has not answered ('' while it answers; ISO-8601 UTC otherwise). Rows of
// older stores are host roots on this machine: all four stay empty.
const char *const step7[] = {
    "ALTER TABLE nodes ADD COLUMN agent_fingerprint VARCHAR(80) NOT NULL DEFAULT ''",
    "ALTER TABLE nodes ADD COLUMN agent_token VARCHAR(80) NOT NULL DEFAULT ''",
    "ALTER TABLE nodes ADD COLUMN agent_version VARCHAR(64) NOT NULL DEFAULT ''",
    "ALTER TABLE nodes ADD COLUMN unreachable_since VARCHAR(32) NOT NULL DEFAULT ''",
};

// Steps 8 to 10 are filled in by three pieces of work that run side by side; each keeps to its
// own list. A step with no statements yet only records its version number.

// Version 8: VMs are libvirt domains (docs/libvirt.md).
const std::initializer_list<const char *> step8 = {
    // What a VM knows of its domain, as the last VM refresh read it (the node answers for the
    // truth; these are what the lists show and what the allocation rules read).
    "ALTER TABLE vms ADD COLUMN domain_uuid VARCHAR(36) NOT NULL DEFAULT ''",
    "ALTER TABLE vms ADD COLUMN libvirt_state VARCHAR(16) NOT NULL DEFAULT ''",
    "ALTER TABLE vms ADD COLUMN vcpus INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE vms ADD COLUMN memory_mib INTEGER NOT NULL DEFAULT 0",
    // Set when the domain was not there at a refresh: the VM is flagged, never dropped.
    "ALTER TABLE vms ADD COLUMN vanished_since VARCHAR(32) NOT NULL DEFAULT ''",
    // The persistent definition's PCI hostdevs: "ADDRESS=p" (Passdeck's) or "ADDRESS=f", comma-separated.
    "ALTER TABLE vms ADD COLUMN domain_hostdevs TEXT NOT NULL DEFAULT ''",
    // Seconds between the ACPI shutdown and the destroy at a restart or power off.
    "ALTER TABLE vms ADD COLUMN shutdown_timeout INTEGER NOT NULL DEFAULT 60 CHECK (shutdown_timeout BETWEEN 0 AND 3600)",
    // A hostdev Passdeck did not write: the domain holding the device (the device counts as taken).
    "ALTER TABLE devices ADD COLUMN foreign_domain VARCHAR(128) NOT NULL DEFAULT ''",
    "ALTER TABLE nodes ADD COLUMN libvirt_uri TEXT NOT NULL DEFAULT ''",
    // Why the node's hypervisor did not answer at the last VM refresh ("" = it did).
    "ALTER TABLE nodes ADD COLUMN hypervisor_error TEXT NOT NULL DEFAULT ''",
};


// Version 9: the store for a team (docs/store.md): journal owners and leases, the audit's administrator.
// The owner (host, pid, owner_start) is already there; a lease that the running operation renews
// tells another host's recovery whether the operation is still alive. On PostgreSQL, every
// change to a table also notifies the channel passdeck_changes (SqlDialect::changeNotifications).
const std::initializer_list<const char *> step9 = {
    "ALTER TABLE journal ADD COLUMN lease_until VARCHAR(32) NOT NULL DEFAULT ''",
};

// The tables whose changes open dashboards show (docs/store.md, "Live updates").
const char *const watchedTables[] = {
    "nodes", "devices", "resource_groups", "resource_rules", "device_holds", "tenant_pool", "vms",
    "machine_devices", "allocations", "tenants", "tenant_nodes", "journal", "audit_log",
};


// Version 10: hardware that moved (docs/moved-hardware.md): slots and serial numbers of rules.
// A device row keeps the physical slot and PCIe serial number of the card it recorded (updated
// only while the ids still match), so a rule's card can be recognised at a new address.
// moved_offers: a rule whose card appeared elsewhere, waiting for the administrator; a
// dismissed offer stays (dismissed = 1) so a refresh does not offer it again.
const std::initializer_list<const char *> step10 = {
    "ALTER TABLE devices ADD COLUMN physical_slot VARCHAR(64) NOT NULL DEFAULT ''",
    "ALTER TABLE devices ADD COLUMN serial_number VARCHAR(32) NOT NULL DEFAULT ''",
    "CREATE TABLE moved_offers ("
    " rule_id INTEGER NOT NULL REFERENCES resource_rules(id) ON DELETE CASCADE,"
    " node_id INTEGER NOT NULL REFERENCES nodes(id) ON DELETE CASCADE,"
    " old_address VARCHAR(12) NOT NULL CHECK (length(old_address) = 12),"
    " new_address VARCHAR(12) NOT NULL CHECK (length(new_address) = 12 AND new_address <> old_address),"
    " matched_by VARCHAR(8) NOT NULL CHECK (matched_by IN ('slot', 'serial')),"
    " found_at VARCHAR(32) NOT NULL,"
    " dismissed INTEGER NOT NULL DEFAULT 0 CHECK (dismissed IN (0, 1)),"
    " PRIMARY KEY (rule_id, new_address))",
    "CREATE INDEX moved_offers_node ON moved_offers(node_id)",
    // A twin (a simulated copy captured from a node, docs/simulated-nodes.md) names its original.
    "ALTER TABLE nodes ADD COLUMN twin_of VARCHAR(128) NOT NULL DEFAULT ''",
};

// Version 11: a device's PCI names (vendor, device, class, as the node's pci.ids gives them) are
// a row of pci_names, each distinct triple once, which devices reference (docs/store.md,
// "Listing devices"): a host has many cards of a few kinds, and the listing then reads one
// integer per device instead of three texts. A triple never referenced again stays (a few
// hundred rows at most). names_id may be NULL only because SQLite adds a referencing column
// with a NULL default; every device written since has one.
const std::initializer_list<const char *> step11 = {
    "CREATE TABLE pci_names ("
    " id %ID%,"
    " vendor_name TEXT NOT NULL,"
    " device_name TEXT NOT NULL,"
    " class_name TEXT NOT NULL,"
    " UNIQUE (vendor_name, device_name, class_name))",
    "INSERT INTO pci_names (vendor_name, device_name, class_name)"
    " SELECT DISTINCT vendor_name, device_name, class_name FROM devices",
    "ALTER TABLE devices ADD COLUMN names_id INTEGER REFERENCES pci_names(id)",
    "UPDATE devices SET names_id = (SELECT n.id FROM pci_names n WHERE n.vendor_name = devices.vendor_name"
    " AND n.device_name = devices.device_name AND n.class_name = devices.class_name)",
    "ALTER TABLE devices DROP COLUMN vendor_name",
    "ALTER TABLE devices DROP COLUMN device_name",
    "ALTER TABLE devices DROP COLUMN class_name",
};

#undef NAME_CHECK
#undef FLAG

QString tr(const char *text)
{
    return QCoreApplication::translate("Schema", text);
}

} // namespace

int Schema::currentVersion()
{
    return 11;
}

QStringList Schema::step(int version, const QString &driverName)
{
    const std::unique_ptr<SqlDialect> dialect = SqlDialect::forDriver(driverName);
    QStringList out;
    auto add = [&out, &dialect](const auto &statements) {
        for (const char *sql : statements)
            out << dialect->adaptDdl(QString::fromLatin1(sql).replace(QLatin1String("%ID%"), dialect->idColumn()));
    };
    auto addTriggers = [&](const auto &specs) {
        for (const TriggerSpec &t : specs)
            out << dialect->refusingTrigger(QString::fromLatin1(t.name), QString::fromLatin1(t.event), QString::fromLatin1(t.table),
                                            QString::fromLatin1(t.condition), QString::fromLatin1(t.message));
    };
    switch (version) {
    case 1:
        add(step1);
        addTriggers(step1Triggers);
        out << QStringLiteral("INSERT INTO schema_version (version) VALUES (1)");
        break;
    case 2: add(step2); break;
    case 3: add(step3); break;
    case 4: add(step4); break;
    case 5: add(step5); break;
    case 6:
        add(step6);
        addTriggers(step6Triggers);
        for (const TriggerSpec &t : step6CountTriggers)
            out << dialect->dropTrigger(QString::fromLatin1(t.name), QString::fromLatin1(t.table));
        addTriggers(step6CountTriggers);
        break;
    case 7: add(step7); break;
    case 8: add(step8); break;
    case 9: {
        add(step9);
        QStringList tables;
        for (const char *t : watchedTables)
            tables << QString::fromLatin1(t);
        out << dialect->changeNotifications(tables);
        break;
    }
    case 10: add(step10); break;
    case 11: add(step11); break;
    default: break;
    }
    return out;
}

Result<int> Schema::version(const QSqlDatabase &db)
{
    if (!SqlDialect::forDriver(db.driverName())->hasTable(db, QStringLiteral("schema_version")))
        return 0;
    auto v = StoreQuery::scalar(db, QStringLiteral("SELECT MAX(version) FROM schema_version"), {},
                                tr("Reading the store's schema version"));
    if (!v)
        return v.error();
    return v->isNull() ? 0 : v->toInt();
}

Status Schema::migrate(const QSqlDatabase &db)
{
    auto v = version(db);
    if (!v)
        return v.error();
    const int from = *v;
    if (from > currentVersion()) {
        return Error::make(ErrorCode::SchemaTooNew, tr("Opening the state store"),
                           tr("the store has schema version %1 but this Passdeck knows only up to %2")
                               .arg(from).arg(currentVersion()),
                           tr("Use the newer Passdeck that wrote this store, or open a different file with --db."));
    }
    for (int next = from + 1; next <= currentVersion(); ++next) {
        const QStringList statements = step(next, db.driverName());
        for (const QString &sql : statements) {
            // Not prepared: PostgreSQL prepares only queries and changes of rows, not DDL.
            QSqlQuery q(db);
            if (!q.exec(sql))
                return StoreQuery::sqlError(q.lastError(), tr("Upgrading the store to schema version %1").arg(next));
        }
        if (next > 1) {
            if (Status s = StoreQuery::run(db, QStringLiteral("UPDATE schema_version SET version = ?"), {next},
                                           tr("Recording schema version %1").arg(next)); !s)
                return s;
        }
    }
    return {};
}

} // namespace passdeck
