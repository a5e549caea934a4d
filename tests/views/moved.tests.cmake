# The node dashboard's "Hardware moved" banner (Confirm through the real MainWindow, asserted on
# the store) and Rehearse on a Twin (docs/moved-hardware.md, docs/simulated-nodes.md).
passdeck_add_test(tst_gui_moved SOURCES views/tst_gui_moved.cpp views/GuiTestUtil.h support/MovedTrees.h
    LIBS passdeck_views passdeck_demo LABELS gui TIMEOUT 120)
