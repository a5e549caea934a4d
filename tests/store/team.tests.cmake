# The team store (docs/store.md, "Team store"): journal leases, the audit's administrator and
# the change watcher on both databases; retries, lost connections, database creation and a
# killed passdeck-cli on PostgreSQL only (label postgres).
passdeck_add_test(tst_store_team SOURCES store/tst_store_team.cpp support/StoreFixture.h support/PgTestServer.h
    LIBS passdeck_backend Qt6::Sql LABELS unit store)
add_test(NAME tst_store_team_postgres COMMAND tst_store_team)
set_tests_properties(tst_store_team_postgres PROPERTIES ENVIRONMENT
    "QT_QPA_PLATFORM=offscreen;LC_ALL=C.UTF-8;PASSDECK_FORBID_REAL_SYSFS=1;PASSDECK_TEST_DB=postgres"
    LABELS "unit;store;postgres" TIMEOUT 600)

passdeck_add_test(tst_store_team_pg SOURCES store/tst_store_team_pg.cpp support/StoreFixture.h support/PgTestServer.h
    support/CliRunner.h LIBS passdeck_backend Qt6::Sql LABELS unit store postgres)
add_dependencies(tst_store_team_pg passdeck-cli)
set_tests_properties(tst_store_team_pg PROPERTIES ENVIRONMENT
    "QT_QPA_PLATFORM=offscreen;PASSDECK_CLI=$<TARGET_FILE:passdeck-cli>;LC_ALL=C.UTF-8;PASSDECK_FORBID_REAL_SYSFS=1;PASSDECK_TEST_DB=postgres"
    TIMEOUT 600)
