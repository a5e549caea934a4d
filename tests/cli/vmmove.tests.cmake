# passdeck-cli vm move: a stopped VM to another node, and the refusals (running, Count, tenant).
passdeck_add_test(tst_cli_vmmove SOURCES cli/tst_cli_vmmove.cpp support/CliRunner.h LABELS cli store TIMEOUT 120)
add_dependencies(tst_cli_vmmove passdeck-cli)
