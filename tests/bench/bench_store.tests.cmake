# The store benchmark: dashboard listing queries on 10,000 devices, 2,000 groups,
# 5,000 VMs. Prints its figures (label bench; not part of the timed unit runs).
passdeck_add_test(bench_store SOURCES bench/bench_store.cpp support/PgTestServer.h LIBS passdeck_backend Qt6::Sql LABELS bench TIMEOUT 300)
