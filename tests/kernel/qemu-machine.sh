# qemu-machine.sh — sourced: the QEMU machine of the real-kernel test, in one place.
# Sets PDK_QEMU_DEVICES (word list).  Every device has a fixed addr= so guest addresses are
# deterministic; machine.json describes the same machine for the simulator.
#   0000:00:02.0  e1000, root bus, alone in its IOMMU group
#   0000:00:03.0  pcie-pci-bridge; behind it 0000:01:01.0 and 0000:01:02.0 (e1000, one group)
#   0000:00:04.0  pcie-root-port; behind it 0000:02:00.0 e1000e
#   0000:00:05.0  pcie-root-port; behind it 0000:03:00.0 nvme PF, SR-IOV (VFs 0000:03:00.1, .2)
# NICs have no netdev (no network at all; QEMU warns "has no peer"), their link still reads up.
PDK_QEMU_DEVICES="
 -device intel-iommu,intremap=on
 -device e1000,bus=pcie.0,addr=0x02,mac=52:54:00:00:00:02
 -device pcie-pci-bridge,id=pb1,bus=pcie.0,addr=0x03
 -device e1000,bus=pb1,addr=0x01,mac=52:54:00:00:01:01
 -device e1000,bus=pb1,addr=0x02,mac=52:54:00:00:01:02
 -device pcie-root-port,id=rp1,bus=pcie.0,addr=0x04,chassis=1,port=1
 -device e1000e,bus=rp1,addr=0x00,mac=52:54:00:00:02:00
 -device pcie-root-port,id=rp2,bus=pcie.0,addr=0x05,chassis=2,port=2
 -device nvme-subsys,id=subsys0,nqn=passdeck-test
 -device nvme,bus=rp2,addr=0x00,serial=pdk0001,subsys=subsys0,sriov_max_vfs=2,sriov_vq_flexible=4,sriov_vi_flexible=2
"
