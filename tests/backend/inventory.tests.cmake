# PCI inventory (libpci + sysfs) on generated host roots.
passdeck_add_test(tst_inventory SOURCES backend/tst_inventory.cpp backend/tst_inventory_tree.h
    LIBS passdeck_backend LABELS unit)
