# No dead ends (SR-IOV VF count, Add Node, Move to Node, no force promised) and what is said
# before the wizard (node readiness, host-use status, Make Resource's reason, leaving devices out).
passdeck_add_test(tst_gui_deadends SOURCES views/tst_gui_deadends.cpp views/GuiTestUtil.h
    LIBS passdeck_views passdeck_demo LABELS gui TIMEOUT 120)
passdeck_add_test(tst_gui_nodestatus SOURCES views/tst_gui_nodestatus.cpp views/GuiTestUtil.h
    LIBS passdeck_views passdeck_demo LABELS gui TIMEOUT 120)
