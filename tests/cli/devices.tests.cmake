# passdeck-cli devices: contract, exit codes, no Gui/Widgets linked, and the lspci oracle.
passdeck_add_test(tst_cli_devices SOURCES cli/tst_cli_devices.cpp support/CliRunner.h LABELS cli)
add_dependencies(tst_cli_devices passdeck-cli)
passdeck_add_test(tst_cli_oracle SOURCES cli/tst_cli_oracle.cpp support/CliRunner.h LABELS cli oracle TIMEOUT 120)
add_dependencies(tst_cli_oracle passdeck-cli)

# The inventory benchmark: full-process passdeck-cli beside lspci on a 4,000-device tree.
# Prints the figures; asserts no wall-clock target (label bench).
add_test(NAME bench_inventory
    COMMAND bash ${PASSDECK_SOURCE_DIR}/scripts/bench-inventory
        --cli $<TARGET_FILE:passdeck-cli> --pci-ids ${PASSDECK_SOURCE_DIR}/tests/data/pci.ids)
set_tests_properties(bench_inventory PROPERTIES LABELS bench TIMEOUT 600)
