# The readiness findings model (QAbstractItemModelTester).
passdeck_add_test(tst_readinessmodel SOURCES models/tst_readinessmodel.cpp LIBS passdeck_models passdeck_resources LABELS models)
