# Where a card sits and who it is: physical slots and PCIe serial numbers in the inventory,
# written by the simulator from a description (docs/moved-hardware.md).
passdeck_add_test(tst_placement SOURCES node/tst_placement.cpp support/MovedTrees.h LIBS passdeck_backend LABELS unit)
