# Fail closed (store side): one host one node, audit with its change, honest double-fault
# messages, empty store files and option values refused.
passdeck_add_test(tst_store_identity SOURCES store/tst_store_identity.cpp support/StoreFixture.h LIBS passdeck_backend Qt6::Sql LABELS unit store)
passdeck_add_test(tst_store_failclosed SOURCES store/tst_store_failclosed.cpp support/StoreFixture.h LIBS passdeck_backend Qt6::Sql LABELS unit store)
passdeck_add_test(tst_store_cli_options SOURCES service/tst_store_cli_options.cpp LABELS cli store)
add_dependencies(tst_store_cli_options passdeck-cli)
