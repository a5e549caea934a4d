# The binding benchmark: 128, 256 and 512 VFs to vfio-pci in one apply on a simulated node, and
# back. Prints the figures (target: < 2 s for 512, linear growth); label bench, not a unit test.
passdeck_add_test(bench_bind SOURCES bench/bench_bind.cpp LIBS passdeck_backend LABELS bench TIMEOUT 600)
