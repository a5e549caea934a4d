# The Readiness page through the real MainWindow (and its screenshots, docs/screenshots).
passdeck_add_test(tst_gui_readiness SOURCES views/tst_gui_readiness.cpp views/GuiTestUtil.h
    LIBS passdeck_views passdeck_demo LABELS gui TIMEOUT 120)
