# passdeck-cli on hostile simulated roots (FIFOs, unreadable proc/mounts) and malformed numbers
# and patterns: every command ends, every guard blocks, every bad input is exit 2.
passdeck_add_test(tst_cli_failclosed SOURCES cli/tst_cli_failclosed.cpp cli/tst_cli_bind_util.h support/CliRunner.h LABELS cli TIMEOUT 600)
add_dependencies(tst_cli_failclosed passdeck-cli)
