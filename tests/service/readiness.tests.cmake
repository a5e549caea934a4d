# The readiness check (docs/readiness.md): each finding on a crafted simulated tree, none on a
# healthy one, the interrupt remapping rule, the facts on the wire.
passdeck_add_test(tst_readiness SOURCES service/tst_readiness.cpp LIBS passdeck_node passdeck_service LABELS unit)
