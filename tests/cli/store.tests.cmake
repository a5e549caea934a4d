# passdeck-cli store commands: every flow, exit codes, --json; the race and the crash.
passdeck_add_test(tst_cli_store SOURCES cli/tst_cli_store.cpp support/CliRunner.h LABELS cli store)
add_dependencies(tst_cli_store passdeck-cli)
passdeck_add_test(tst_cli_store_race SOURCES cli/tst_cli_store_race.cpp support/CliRunner.h LIBS Qt6::Sql LABELS cli store TIMEOUT 120)
add_dependencies(tst_cli_store_race passdeck-cli)
passdeck_add_test(tst_cli_store_crash SOURCES cli/tst_cli_store_crash.cpp support/CliRunner.h LIBS Qt6::Sql LABELS cli store TIMEOUT 120)
add_dependencies(tst_cli_store_crash passdeck-cli)
