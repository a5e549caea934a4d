# The binding engine: sysfs writer, planner and impact check, binder, CLI.
passdeck_add_test(tst_realwriter SOURCES node/tst_realwriter.cpp LIBS passdeck_backend LABELS unit)
passdeck_add_test(tst_realwriter_safety SOURCES node/tst_realwriter_safety.cpp LIBS passdeck_backend LABELS unit)
passdeck_add_test(tst_binder_plan SOURCES node/tst_binder_plan.cpp LIBS passdeck_backend LABELS unit)
passdeck_add_test(tst_binder SOURCES node/tst_binder.cpp LIBS passdeck_backend LABELS unit)
# The binder's guards: bridges in edited plans, the SR-IOV impact check, persistence.
passdeck_add_test(tst_binder_safety SOURCES node/tst_binder_safety.cpp support/tst_binder_sim.h LIBS passdeck_backend LABELS unit)
