# passdeck-cli plan/bind/unbind on simulated nodes: exit codes, refusals, --force, --next-boot +
# sim reboot, rollback, bad input, the JSON contract.
passdeck_add_test(tst_cli_bind SOURCES cli/tst_cli_bind.cpp cli/tst_cli_bind_util.h support/CliRunner.h LABELS cli TIMEOUT 120)
add_dependencies(tst_cli_bind passdeck-cli)
# passdeck-cli sriov, sim fault / sim link, an apply killed mid-way and run again.
passdeck_add_test(tst_cli_bind_sim SOURCES cli/tst_cli_bind_sim.cpp cli/tst_cli_bind_util.h support/CliRunner.h LABELS cli TIMEOUT 120)
add_dependencies(tst_cli_bind_sim passdeck-cli)
