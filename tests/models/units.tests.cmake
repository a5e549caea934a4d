# Models' view of passthrough units and running work (one owner per IOMMU group).
passdeck_add_test(tst_unitmodels SOURCES models/tst_unitmodels.cpp LIBS passdeck_models passdeck_demo LABELS models)
