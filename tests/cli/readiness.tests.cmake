# passdeck-cli readiness: text, JSON and exit codes on crafted simulated nodes.
passdeck_add_test(tst_cli_readiness SOURCES cli/tst_cli_readiness.cpp support/CliRunner.h LABELS cli)
add_dependencies(tst_cli_readiness passdeck-cli)
