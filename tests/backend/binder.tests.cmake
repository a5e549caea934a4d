# The binding engine (issue 3): sysfs writer, planner and impact check, binder, CLI.
passdeck_add_test(tst_realwriter SOURCES backend/tst_realwriter.cpp LIBS passdeck_backend LABELS unit)
passdeck_add_test(tst_realwriter_safety SOURCES backend/tst_realwriter_safety.cpp LIBS passdeck_backend LABELS unit)
passdeck_add_test(tst_binder_plan SOURCES backend/tst_binder_plan.cpp LIBS passdeck_backend LABELS unit)
passdeck_add_test(tst_binder SOURCES backend/tst_binder.cpp LIBS passdeck_backend LABELS unit)
# The guards from the issue 3 review: bridges in edited plans, the SR-IOV impact check, persistence.
passdeck_add_test(tst_binder_safety SOURCES backend/tst_binder_safety.cpp backend/tst_binder_sim.h LIBS passdeck_backend LABELS unit)
