# The team store's benchmarks (label bench): the listing benchmark once more on PostgreSQL
# (the throwaway server of PgTestServer.h), and how long a change committed through one
# connection takes to reach another's StoreWatcher (NOTIFY on PostgreSQL, PRAGMA data_version
# polled on SQLite): p50 / p99, target under a second.
add_test(NAME bench_store_postgres COMMAND bench_store)
set_tests_properties(bench_store_postgres PROPERTIES ENVIRONMENT
    "QT_QPA_PLATFORM=offscreen;LC_ALL=C.UTF-8;PASSDECK_FORBID_REAL_SYSFS=1;PASSDECK_TEST_DB=postgres"
    LABELS "bench;postgres" TIMEOUT 600)
passdeck_add_test(bench_store_team SOURCES bench/bench_store_team.cpp support/PgTestServer.h LIBS passdeck_backend Qt6::Sql
    LABELS bench TIMEOUT 600)
add_test(NAME bench_store_team_postgres COMMAND bench_store_team)
set_tests_properties(bench_store_team_postgres PROPERTIES ENVIRONMENT
    "QT_QPA_PLATFORM=offscreen;LC_ALL=C.UTF-8;PASSDECK_FORBID_REAL_SYSFS=1;PASSDECK_TEST_DB=postgres"
    LABELS "bench;postgres" TIMEOUT 600)
