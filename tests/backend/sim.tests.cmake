# Simulator: simulated host roots (SimHostBuilder), the simulated kernel, persistent configuration.
passdeck_add_test(tst_simhost SOURCES backend/tst_simhost.cpp LIBS passdeck_backend LABELS unit)
