# The state store and domain service (issue 4): flows, invariants, bad input, schema, journal.
passdeck_add_test(tst_store_flows SOURCES store/tst_store_flows.cpp store/StoreFixture.h LIBS passdeck_backend Qt6::Sql LABELS unit store)
passdeck_add_test(tst_store_invariants SOURCES store/tst_store_invariants.cpp store/StoreFixture.h LIBS passdeck_backend Qt6::Sql LABELS unit store)
passdeck_add_test(tst_store_input SOURCES store/tst_store_input.cpp store/StoreFixture.h LIBS passdeck_backend Qt6::Sql LABELS unit store)
passdeck_add_test(tst_store_schema SOURCES store/tst_store_schema.cpp store/StoreFixture.h LIBS passdeck_backend Qt6::Sql LABELS unit store)
passdeck_add_test(tst_store_demo SOURCES store/tst_store_demo.cpp store/StoreFixture.h LIBS passdeck_backend Qt6::Sql LABELS unit store)
passdeck_add_test(tst_store_threads SOURCES store/tst_store_threads.cpp LIBS passdeck_backend Qt6::Sql LABELS unit store)
