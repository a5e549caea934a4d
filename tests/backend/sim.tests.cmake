# Simulator: simulated host roots (SimHostBuilder), the simulated kernel, persistent configuration.
passdeck_add_test(tst_simhost SOURCES backend/tst_simhost.cpp LIBS passdeck_backend LABELS unit)
# The simulated kernel against the errno table of DESIGN.md §3.2, /dev/vfio/N, group viability, faults.
passdeck_add_test(tst_simkernel SOURCES backend/tst_simkernel.cpp backend/tst_binder_sim.h LIBS passdeck_backend LABELS unit)
