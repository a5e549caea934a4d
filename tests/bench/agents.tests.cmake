# The agent benchmark: 100 passdeckd on loopback refreshed in parallel (target < 3 s), an apply of
# 64 VFs through an agent against a local one (target <= 1.5x), p50/p99 of an inventory request.
# Prints its figures; label bench, not a unit test.
passdeck_add_test(bench_agents SOURCES bench/bench_agents.cpp support/AgentProcess.h
    LIBS passdeck_backend passdeck_connect Qt6::Concurrent LABELS bench TIMEOUT 900)
add_dependencies(bench_agents passdeckd)
