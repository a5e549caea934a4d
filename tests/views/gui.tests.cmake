# GUI automation: the real MainWindow on a demo environment in a temporary directory.
passdeck_add_test(tst_gui_screenshots SOURCES views/tst_gui_screenshots.cpp views/GuiTestUtil.h
    LIBS passdeck_views passdeck_demo LABELS gui TIMEOUT 120)
passdeck_add_test(tst_gui_makeresource SOURCES views/tst_gui_makeresource.cpp views/GuiTestUtil.h
    LIBS passdeck_views passdeck_demo LABELS gui TIMEOUT 120)
passdeck_add_test(tst_gui_dashboards SOURCES views/tst_gui_dashboards.cpp views/GuiTestUtil.h
    LIBS passdeck_views passdeck_demo LABELS gui TIMEOUT 120)
