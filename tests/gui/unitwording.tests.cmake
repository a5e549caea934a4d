# The dashboards say what they count (passthrough units, PCI functions), through the real main window.
passdeck_add_test(tst_gui_unitwording SOURCES gui/tst_gui_unitwording.cpp gui/GuiTestUtil.h
    LIBS passdeck_views LABELS gui TIMEOUT 120)
