# Schema step 11 and the device listing (docs/store.md, "Listing devices"): PCI names in their own
# table, the listing's order and its one snapshot. Named after postgres.tests.cmake so that
# passdeck_add_postgres_run exists when this is read.
passdeck_add_test(tst_store_pcinames SOURCES store/tst_store_pcinames.cpp support/StoreFixture.h LIBS passdeck_backend Qt6::Sql LABELS unit store)
passdeck_add_postgres_run(tst_store_pcinames)
