# passdeck-cli and VMs as libvirt domains (the simulated node's test driver).
passdeck_add_test(tst_cli_vm_libvirt SOURCES cli/tst_cli_vm_libvirt.cpp support/CliRunner.h support/VmDomainXmlCheck.h
    LIBS Qt6::Sql LABELS cli store)
add_dependencies(tst_cli_vm_libvirt passdeck-cli)
