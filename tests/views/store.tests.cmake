# The store in the GUI: File → Open Store…, the status bar, and live updates between two windows
# on one store (SQLite here; PostgreSQL in the _postgres run, label postgres).
passdeck_add_test(tst_gui_store SOURCES views/tst_gui_store.cpp views/GuiTestUtil.h support/PgTestServer.h
    LIBS passdeck_views passdeck_demo Qt6::Sql LABELS gui TIMEOUT 120)
add_test(NAME tst_gui_store_postgres COMMAND tst_gui_store)
set_tests_properties(tst_gui_store_postgres PROPERTIES ENVIRONMENT
    "QT_QPA_PLATFORM=offscreen;LC_ALL=C.UTF-8;PASSDECK_FORBID_REAL_SYSFS=1;PASSDECK_TEST_DB=postgres"
    LABELS "gui;postgres" TIMEOUT 600)
