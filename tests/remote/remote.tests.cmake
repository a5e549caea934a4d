# The desktop's client of node agents (backend/remote/client, backend/connect) against real
# passdeckd processes on 127.0.0.1, started and stopped by each test (tests/support/AgentProcess.h).
# The client's answers and failures against canned servers: no agent needed.
passdeck_add_test(tst_agentclient SOURCES remote/tst_agentclient.cpp LIBS passdeck_remote_client LABELS unit agent)

# passdeckd (app/agent) is what these run against.
if(TARGET passdeckd)
    function(passdeck_agent_test name)
        passdeck_add_test(${name} ${ARGN})
        add_dependencies(${name} passdeckd passdeck-cli)
        set_property(TEST ${name} APPEND PROPERTY ENVIRONMENT "PASSDECKD=$<TARGET_FILE:passdeckd>")
    endfunction()

    passdeck_agent_test(tst_remotenode SOURCES remote/tst_remotenode.cpp remote/RemoteTestUtil.h support/AgentProcess.h
        LIBS passdeck_backend passdeck_remote_client LABELS agent)
    passdeck_agent_test(tst_connector SOURCES remote/tst_connector.cpp remote/RemoteTestUtil.h support/AgentProcess.h
        LIBS passdeck_backend passdeck_connect LABELS agent)
    passdeck_agent_test(tst_agent_flows SOURCES remote/tst_agent_flows.cpp remote/AgentFlowFixture.h remote/RemoteTestUtil.h
        support/AgentProcess.h LIBS passdeck_backend passdeck_connect Qt6::Sql LABELS agent store)
endif()
