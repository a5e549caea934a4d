# Models and helpers of the VM and tenant flows.
passdeck_add_test(tst_machinedevicemodel SOURCES models/tst_machinedevicemodel.cpp LIBS passdeck_models passdeck_demo LABELS models)
passdeck_add_test(tst_tenantnodemodel SOURCES models/tst_tenantnodemodel.cpp LIBS passdeck_models passdeck_demo LABELS models)
passdeck_add_test(tst_vmmodel SOURCES models/tst_vmmodel.cpp LIBS passdeck_models passdeck_demo LABELS models)
