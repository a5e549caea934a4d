# GUI benchmarks: opening PCI Devices with 4,000 devices (target < 1 s offscreen) and
# one filter keystroke over 10,000 rows (target < 16 ms). Prints the figures; label bench.
passdeck_add_test(bench_gui_pci SOURCES bench/bench_gui_pci.cpp LIBS passdeck_views passdeck_demo LABELS bench TIMEOUT 300)
