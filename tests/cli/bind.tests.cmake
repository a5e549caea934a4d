# passdeck-cli plan/bind/unbind/sriov on simulated nodes: exit codes, refusals, --force,
# --next-boot + sim reboot, bad input, the JSON contract.
passdeck_add_test(tst_cli_bind SOURCES cli/tst_cli_bind.cpp cli/CliRunner.h LABELS cli TIMEOUT 120)
add_dependencies(tst_cli_bind passdeck-cli)
