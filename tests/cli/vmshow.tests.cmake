# passdeck-cli vm show: the VM, its devices and the QEMU / libvirt snippets.
passdeck_add_test(tst_cli_vmshow SOURCES cli/tst_cli_vmshow.cpp support/CliRunner.h LABELS cli store)
add_dependencies(tst_cli_vmshow passdeck-cli)
