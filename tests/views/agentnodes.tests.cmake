# Nodes behind an agent in the real main window (FakeAgentNode: no network).
passdeck_add_test(tst_gui_agentnodes SOURCES views/tst_gui_agentnodes.cpp views/GuiTestUtil.h support/FakeAgentNode.h
    LIBS passdeck_views passdeck_demo Qt6::Sql LABELS gui TIMEOUT 120)
