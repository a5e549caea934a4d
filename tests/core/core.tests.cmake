# Value types of core/: the one address-list parser.
passdeck_add_test(tst_pciaddress_list SOURCES core/tst_pciaddress_list.cpp LIBS passdeck_core LABELS unit)
# The node boundary's wire format: every Node argument and result through JSON and back, and
# malformed input refused with an Error naming the field (docs/node-boundary.md).
passdeck_add_test(tst_nodecodec SOURCES core/tst_nodecodec.cpp LIBS passdeck_core LABELS unit)
