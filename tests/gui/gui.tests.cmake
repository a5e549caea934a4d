# GUI automation: the real MainWindow on a demo environment in a temporary directory.
passdeck_add_test(tst_gui_screenshots SOURCES gui/tst_gui_screenshots.cpp gui/GuiTestUtil.h
    LIBS passdeck_views LABELS gui TIMEOUT 120)
passdeck_add_test(tst_gui_makeresource SOURCES gui/tst_gui_makeresource.cpp gui/GuiTestUtil.h
    LIBS passdeck_views LABELS gui TIMEOUT 120)
passdeck_add_test(tst_gui_dashboards SOURCES gui/tst_gui_dashboards.cpp gui/GuiTestUtil.h
    LIBS passdeck_views LABELS gui TIMEOUT 120)
