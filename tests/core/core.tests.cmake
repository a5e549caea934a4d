# Value types of core/: the one address-list parser.
passdeck_add_test(tst_pciaddress_list SOURCES core/tst_pciaddress_list.cpp LIBS passdeck_core LABELS unit)
