# The envelope of a change: ServiceContext::write and change (transaction, audit, commit).
passdeck_add_test(tst_service_envelope SOURCES service/tst_service_envelope.cpp support/StoreFixture.h LIBS passdeck_backend Qt6::Sql LABELS unit store)
