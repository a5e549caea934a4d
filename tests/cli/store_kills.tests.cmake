# passdeck-cli killed at every step of every operation that changes both the store and the sysfs
# (PASSDECK_TEST_KILL_AT), and of the recovery: the next start leaves every invariant intact.
passdeck_add_test(tst_cli_store_kills SOURCES cli/tst_cli_store_kills.cpp support/CliRunner.h LIBS Qt6::Sql LABELS cli store TIMEOUT 900)
add_dependencies(tst_cli_store_kills passdeck-cli)
