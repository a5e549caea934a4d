# The audit records a failure as Failed and a refusal as Refused (the error code's category).
passdeck_add_test(tst_audit_category SOURCES service/tst_audit_category.cpp support/StoreFixture.h LIBS passdeck_backend Qt6::Sql LABELS unit store)
