# Value types of core/: the one address-list parser.
passdeck_add_test(tst_pciaddress_list SOURCES core/tst_pciaddress_list.cpp LIBS passdeck_core LABELS unit)
# The node boundary's wire format: every Node argument and result through JSON and back, and
# malformed input refused with an Error naming the field (docs/node-boundary.md).
passdeck_add_test(tst_nodecodec SOURCES core/tst_nodecodec.cpp LIBS passdeck_core LABELS unit)
# Agent addresses, pinned fingerprints and tokens as the CLI, the forms and the store take them.
passdeck_add_test(tst_agentaddress SOURCES core/tst_agentaddress.cpp LIBS passdeck_core LABELS unit)
