# Schema step 7 (nodes behind an agent): a version-6 store migrates; the agent fields read back.
# Named after postgres.tests.cmake so that passdeck_add_postgres_run exists when this is read.
passdeck_add_test(tst_store_agentcolumns SOURCES store/tst_store_agentcolumns.cpp support/StoreFixture.h LIBS passdeck_backend Qt6::Sql LABELS unit store)
passdeck_add_postgres_run(tst_store_agentcolumns)
