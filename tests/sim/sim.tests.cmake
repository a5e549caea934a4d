# Simulator: simulated host roots (SimHostBuilder), the simulated kernel, persistent configuration.
passdeck_add_test(tst_simhost SOURCES sim/tst_simhost.cpp LIBS passdeck_backend LABELS unit)
# The simulated kernel against the errno table of docs/binding.md, /dev/vfio/N, group viability, faults.
passdeck_add_test(tst_simkernel SOURCES sim/tst_simkernel.cpp support/tst_binder_sim.h LIBS passdeck_backend LABELS unit)
