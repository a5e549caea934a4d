# The Topology page through the real MainWindow: the picture of a crafted node, selection shared
# with PCI Devices both ways, a scale node, and the light/dark screenshots of docs/screenshots.
passdeck_add_test(tst_gui_topology SOURCES views/tst_gui_topology.cpp views/GuiTestUtil.h
    LIBS passdeck_views passdeck_demo LABELS gui TIMEOUT 300)
