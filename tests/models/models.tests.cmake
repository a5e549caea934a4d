# Item models: QAbstractItemModelTester on every model and proxy, and their behaviour.
passdeck_add_test(tst_pcidevicemodel SOURCES models/tst_pcidevicemodel.cpp LIBS passdeck_models passdeck_demo LABELS models)
passdeck_add_test(tst_recordmodels SOURCES models/tst_recordmodels.cpp LIBS passdeck_models passdeck_demo LABELS models)
