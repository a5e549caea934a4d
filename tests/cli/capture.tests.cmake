# passdeck-cli sim capture: twins of generated trees (devices --json compared), of this machine's
# real /sys (read only), bind/unbind/reboot on a twin, a foreign tree with odd entries, and
# --simulate on a root without simulator state naming `sim capture`.
passdeck_add_test(tst_cli_capture SOURCES cli/tst_cli_capture.cpp support/CliRunner.h support/MovedTrees.h
    LIBS passdeck_backend LABELS cli)
add_dependencies(tst_cli_capture passdeck-cli)
# passdeck-cli moved: the offers after a renumbering, confirm and dismiss.
passdeck_add_test(tst_cli_moved SOURCES cli/tst_cli_moved.cpp support/CliRunner.h support/MovedTrees.h
    LIBS passdeck_backend LABELS cli)
add_dependencies(tst_cli_moved passdeck-cli)
