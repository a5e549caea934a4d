# Hardware that moved (docs/moved-hardware.md): offers after a renumbering, slot and serial
# matches, no offer when the ids differ, nothing moves before the administrator confirms.
passdeck_add_test(tst_moved_hardware SOURCES service/tst_moved_hardware.cpp support/MovedTrees.h support/StoreFixture.h
    LIBS passdeck_backend LABELS unit)
# A twin of a node: captured by the service and added beside it, marked; refused through an agent.
passdeck_add_test(tst_twin_service SOURCES service/tst_twin_service.cpp support/StoreFixture.h
    LIBS passdeck_backend LABELS unit)
