# passdeck-cli topology: the tree as text and JSON, from a host root and from a node of the store.
passdeck_add_test(tst_cli_topology SOURCES cli/tst_cli_topology.cpp support/CliRunner.h LABELS cli)
add_dependencies(tst_cli_topology passdeck-cli)
