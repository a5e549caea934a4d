# The PCIe extended capability walker (core/PciExtCaps.h): DSN, chains, loops, short configs.
passdeck_add_test(tst_pciextcaps SOURCES core/tst_pciextcaps.cpp LIBS passdeck_core LABELS unit)
