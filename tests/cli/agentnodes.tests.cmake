# passdeck-cli node add --agent: argument errors, the token file, nothing listening; node list.
find_package(Qt6 REQUIRED COMPONENTS Network)
passdeck_add_test(tst_cli_agentnodes SOURCES cli/tst_cli_agentnodes.cpp support/CliRunner.h LIBS Qt6::Sql Qt6::Network LABELS cli store)
add_dependencies(tst_cli_agentnodes passdeck-cli)
