# The dashboards say what they count (passthrough units, PCI functions), through the real main window.
passdeck_add_test(tst_gui_unitwording SOURCES views/tst_gui_unitwording.cpp views/GuiTestUtil.h
    LIBS passdeck_views passdeck_demo LABELS gui TIMEOUT 120)
