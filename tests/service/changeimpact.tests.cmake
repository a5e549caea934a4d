# What a change would do to running work, read before the GUI asks (ChangeImpact).
passdeck_add_test(tst_changeimpact SOURCES service/tst_changeimpact.cpp support/StoreFixture.h LIBS passdeck_backend Qt6::Sql LABELS unit store)
