# Part 2 and 5 of the administrator's walk-through: confirmations that list the running work
# they affect, the keyboard, and a window that fits a 1024x768 screen.
passdeck_add_test(tst_gui_confirm SOURCES views/tst_gui_confirm.cpp views/tst_gui_vm_util.h views/GuiTestUtil.h
    LIBS passdeck_views passdeck_demo LABELS gui TIMEOUT 180)
passdeck_add_test(tst_gui_keyboard SOURCES views/tst_gui_keyboard.cpp views/tst_gui_vm_util.h views/GuiTestUtil.h
    LIBS passdeck_views passdeck_demo LABELS gui TIMEOUT 180)
passdeck_add_test(tst_gui_fit SOURCES views/tst_gui_fit.cpp views/tst_gui_vm_util.h views/GuiTestUtil.h
    LIBS passdeck_views passdeck_demo LABELS gui TIMEOUT 180)
passdeck_add_test(tst_gui_fit_screenshots SOURCES views/tst_gui_fit_screenshots.cpp views/GuiTestUtil.h
    LIBS passdeck_views passdeck_demo LABELS gui TIMEOUT 180)
