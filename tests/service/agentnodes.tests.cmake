# Nodes behind an agent, service side (FakeAgentNode: no network): add, identity, refusals,
# unreachable noted and cleared, flows refused or going on.
passdeck_add_test(tst_agent_nodes SOURCES service/tst_agent_nodes.cpp support/StoreFixture.h support/FakeAgentNode.h
    LIBS passdeck_backend Qt6::Sql LABELS unit store)
