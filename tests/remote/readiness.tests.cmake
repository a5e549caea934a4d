# The readiness facts and findings through a real passdeckd on 127.0.0.1.
passdeck_add_test(tst_readiness_remote SOURCES remote/tst_readiness_remote.cpp remote/RemoteTestUtil.h support/AgentProcess.h
    LIBS passdeck_backend passdeck_remote_client LABELS agent)
add_dependencies(tst_readiness_remote passdeckd)
