# NodeModel with nodes behind an agent: address, agent version, state (QAbstractItemModelTester).
passdeck_add_test(tst_nodemodel_agent SOURCES models/tst_nodemodel_agent.cpp LIBS passdeck_models passdeck_demo LABELS models)
