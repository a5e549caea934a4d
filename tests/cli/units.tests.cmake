# One owner per IOMMU group through passdeck-cli: whole passthrough units per VM and tenant,
# running VMs keep detached devices until they stop, no start on a node in maintenance.
passdeck_add_test(tst_cli_store_units SOURCES cli/tst_cli_store_units.cpp support/CliRunner.h LABELS cli store TIMEOUT 300)
add_dependencies(tst_cli_store_units passdeck-cli)
