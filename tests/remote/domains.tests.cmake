# RemoteNode's hypervisor calls against a real passdeckd on a simulated root (docs/libvirt.md).
passdeck_add_test(tst_remotenode_domains SOURCES remote/tst_remotenode_domains.cpp remote/RemoteTestUtil.h support/AgentProcess.h
    LIBS passdeck_node passdeck_sim passdeck_remote_client LABELS agent)
add_dependencies(tst_remotenode_domains passdeckd)
