# Part 2 and 5 of the administrator's walk-through: confirmations that list the running work
# they affect, the keyboard, and a window that fits a 1024x768 screen.
passdeck_add_test(tst_gui_confirm SOURCES gui/tst_gui_confirm.cpp gui/tst_gui_vm_util.h gui/GuiTestUtil.h
    LIBS passdeck_views LABELS gui TIMEOUT 180)
passdeck_add_test(tst_gui_keyboard SOURCES gui/tst_gui_keyboard.cpp gui/tst_gui_vm_util.h gui/GuiTestUtil.h
    LIBS passdeck_views LABELS gui TIMEOUT 180)
passdeck_add_test(tst_gui_fit SOURCES gui/tst_gui_fit.cpp gui/tst_gui_vm_util.h gui/GuiTestUtil.h
    LIBS passdeck_views LABELS gui TIMEOUT 180)
passdeck_add_test(tst_gui_fit_screenshots SOURCES gui/tst_gui_fit_screenshots.cpp gui/GuiTestUtil.h
    LIBS passdeck_views LABELS gui TIMEOUT 180)
