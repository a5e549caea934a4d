// The QEMU / libvirt snippets and the device entry form's availability counting.
#include "MachineDeviceCapacity.h"
#include "VmPassthroughSnippets.h"

#include <QTest>

using namespace passdeck;

namespace {
DeviceRecord dev(qint64 nodeId, const QString &address, DeviceStatus status, qint64 tenantId = 0, qint64 vmId = 0)
{
    DeviceRecord d;
    d.nodeId = nodeId;
    d.address = address;
    d.status = status;
    d.tenantId = tenantId;
    d.vmId = vmId;
    return d;
}
} // namespace

class TestVmPassthrough : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void snippets()
    {
        const QList<AllocatedDevice> devices{{1, QStringLiteral("node-a"), QStringLiteral("0000:17:00.0"), QStringLiteral("vfio-pci")},
                                             {2, QStringLiteral("node-a"), QStringLiteral("0000:3c:00.1"), QStringLiteral("vfio-pci")}};
        QCOMPARE(VmPassthroughSnippets::qemuArguments(devices),
                 QStringLiteral("-device vfio-pci,host=0000:17:00.0 \\\n-device vfio-pci,host=0000:3c:00.1"));
        const QString xml = VmPassthroughSnippets::libvirtHostdevXml(devices);
        QCOMPARE(xml.count(QStringLiteral("<hostdev mode='subsystem' type='pci' managed='no'>")), 2);
        QVERIFY(xml.contains(QStringLiteral("<address domain='0x0000' bus='0x17' slot='0x00' function='0x0'/>")));
        QVERIFY(xml.contains(QStringLiteral("<address domain='0x0000' bus='0x3c' slot='0x00' function='0x1'/>")));
        QVERIFY(VmPassthroughSnippets::qemuArguments({}).isEmpty());
        QVERIFY(VmPassthroughSnippets::libvirtHostdevXml({}).isEmpty());
    }

    void hostVmAvailability()
    {
        Vm vm;
        vm.nodeId = 1;
        ResourceGroup g;
        const QList<DeviceRecord> devices{
            dev(1, QStringLiteral("0000:18:02.0"), DeviceStatus::InResourceGroup),
            dev(1, QStringLiteral("0000:18:02.1"), DeviceStatus::UsedByVm, 0, 4),
            dev(1, QStringLiteral("0000:18:02.2"), DeviceStatus::OwnedByTenant, 9),
            dev(2, QStringLiteral("0000:5e:00.2"), DeviceStatus::InResourceGroup)};
        const GroupAvailability a = MachineDeviceCapacity::forVm(vm, g, devices);
        QCOMPARE(a.capacity, 2);   // the tenant's device is not for host VMs (thick provisioning)
        QCOMPARE(a.free, 1);
        QCOMPARE(a.inUse, 1);
        QCOMPARE(a.reserved, 1);
        QVERIFY(!a.wrongTenantNode);
    }

    void tenantAvailability()
    {
        Vm vm;
        vm.nodeId = 1;
        vm.owner = GroupOwner::Tenant;
        vm.tenantId = 9;
        vm.tenantNodeId = 3;
        ResourceGroup g;
        g.owner = GroupOwner::Tenant;
        g.tenantId = 9;
        g.tenantNodeId = 3;
        const QList<DeviceRecord> pool{dev(1, QStringLiteral("0000:18:02.2"), DeviceStatus::OwnedByTenant, 9),
                                       dev(1, QStringLiteral("0000:18:02.3"), DeviceStatus::UsedByVm, 9, 5)};
        GroupAvailability a = MachineDeviceCapacity::forVm(vm, g, pool);
        QCOMPARE(a.capacity, 2);
        QCOMPARE(a.free, 1);
        g.tenantNodeId = 4;
        a = MachineDeviceCapacity::forVm(vm, g, pool);
        QVERIFY(a.wrongTenantNode);

        TenantNode tn;
        tn.nodeId = 1;
        const QList<DeviceRecord> host{dev(1, QStringLiteral("0000:18:02.0"), DeviceStatus::InResourceGroup),
                                       dev(1, QStringLiteral("0000:18:02.1"), DeviceStatus::UsedByVm, 0, 4),
                                       dev(1, QStringLiteral("0000:18:02.2"), DeviceStatus::OwnedByTenant, 9),
                                       dev(2, QStringLiteral("0000:5e:00.2"), DeviceStatus::InResourceGroup)};
        a = MachineDeviceCapacity::forTenantNode(tn, host);
        QCOMPARE(a.capacity, 1);
        QCOMPARE(a.free, 1);
        QCOMPARE(a.reserved, 1);
        QCOMPARE(a.inUse, 1);
    }
};

QTEST_MAIN(TestVmPassthrough)
#include "tst_vmpassthrough.moc"
