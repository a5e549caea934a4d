# The desktop's client of node agents (backend/remote/client, backend/connect).
# The client's answers and failures against canned servers: no agent needed.
passdeck_add_test(tst_agentclient SOURCES remote/tst_agentclient.cpp LIBS passdeck_remote_client LABELS unit agent)

# Against real passdeckd processes on 127.0.0.1 ($PASSDECKD), started and stopped by each test
# (tests/support/AgentProcess.h).
passdeck_add_test(tst_remotenode SOURCES remote/tst_remotenode.cpp remote/RemoteTestUtil.h support/AgentProcess.h
    LIBS passdeck_backend passdeck_remote_client LABELS agent)
passdeck_add_test(tst_connector SOURCES remote/tst_connector.cpp remote/RemoteTestUtil.h support/AgentProcess.h
    LIBS passdeck_backend passdeck_connect LABELS agent)
passdeck_add_test(tst_agent_flows SOURCES remote/tst_agent_flows.cpp remote/AgentFlowFixture.h remote/RemoteTestUtil.h
    support/AgentProcess.h LIBS passdeck_backend passdeck_connect Qt6::Sql LABELS agent store)
foreach(test tst_remotenode tst_connector tst_agent_flows)
    add_dependencies(${test} passdeckd)
endforeach()
