# passdeckd's domain routes and jobs on a simulated root, and a domain job killed mid-change.
if(TARGET passdeckd)
    passdeck_add_test(tst_agent_domains SOURCES agent/tst_agent_domains.cpp support/AgentProcess.h agent/AgentTestClient.h
                      LIBS passdeck_node passdeck_sim passdeck_core Qt6::Network LABELS agent TIMEOUT 900)
    add_dependencies(tst_agent_domains passdeckd)
endif()
