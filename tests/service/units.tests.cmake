# Passthrough units: the store's one-owner-per-IOMMU-group triggers, split groups flagged at open,
# capacity in units, running work protected (detach, maintenance, impact queries, can-delete).
passdeck_add_test(tst_store_units SOURCES service/tst_store_units.cpp support/StoreFixture.h LIBS passdeck_backend Qt6::Sql LABELS unit store)
passdeck_add_test(tst_store_running SOURCES service/tst_store_running.cpp support/StoreFixture.h LIBS passdeck_backend Qt6::Sql LABELS unit store)
