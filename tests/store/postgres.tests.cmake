# The store and service suites once more against PostgreSQL: the same executables with
# PASSDECK_TEST_DB=postgres, which gives every StoreFixture a new database on a throwaway server
# (tests/support/PgTestServer.h: initdb into a temporary directory as a non-root user, a unix
# socket there, no TCP, fsync off). Label "postgres"; they fail, never skip, without a server.
function(passdeck_add_postgres_run name)
    add_test(NAME ${name}_postgres COMMAND ${name})
    set(env "QT_QPA_PLATFORM=offscreen;PASSDECK_CLI=$<TARGET_FILE:passdeck-cli>;LC_ALL=C.UTF-8;PASSDECK_FORBID_REAL_SYSFS=1;PASSDECK_TEST_DB=postgres")
    set_tests_properties(${name}_postgres PROPERTIES ENVIRONMENT "${env}" LABELS "unit;store;postgres" TIMEOUT 600)
endfunction()

foreach(suite tst_store_flows tst_store_invariants tst_store_input tst_store_recovery tst_store_audit
        tst_store_units tst_store_running tst_store_identity tst_store_failclosed tst_store_schema
        tst_store_threads tst_changeimpact)
    passdeck_add_postgres_run(${suite})
endforeach()

# PostgreSQL only: the URI, the dialect's DDL and retries, two processes racing one allocation.
passdeck_add_test(tst_store_postgres SOURCES store/tst_store_postgres.cpp support/StoreFixture.h support/PgTestServer.h support/CliRunner.h
    LIBS passdeck_backend Qt6::Sql LABELS unit store postgres TIMEOUT 600)
add_dependencies(tst_store_postgres passdeck-cli)
set_tests_properties(tst_store_postgres PROPERTIES ENVIRONMENT
    "QT_QPA_PLATFORM=offscreen;PASSDECK_CLI=$<TARGET_FILE:passdeck-cli>;LC_ALL=C.UTF-8;PASSDECK_FORBID_REAL_SYSFS=1;PASSDECK_TEST_DB=postgres")
