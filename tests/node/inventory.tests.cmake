# PCI inventory (libpci + sysfs) on generated host roots.
passdeck_add_test(tst_inventory SOURCES node/tst_inventory.cpp node/tst_inventory_tree.h
    LIBS passdeck_backend LABELS unit)
