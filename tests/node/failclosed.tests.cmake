# Fail closed: links out of a host root, guards that cannot read their input, FIFOs and
# oversized files in place of attributes (docs/binding.md, "Fail closed").
passdeck_add_test(tst_failclosed_paths SOURCES node/tst_failclosed_paths.cpp support/tst_failclosed_util.h
                  support/tst_binder_sim.h LIBS passdeck_backend LABELS unit)
passdeck_add_test(tst_failclosed_guards SOURCES node/tst_failclosed_guards.cpp support/tst_failclosed_util.h
                  support/tst_binder_sim.h LIBS passdeck_backend LABELS unit)
passdeck_add_test(tst_failclosed_files SOURCES node/tst_failclosed_files.cpp support/tst_failclosed_util.h
                  support/tst_binder_sim.h LIBS passdeck_backend LABELS unit TIMEOUT 300)
# RootedFile itself: links inside the root, NoSymlinks, FIFOs, caps, malformed paths.
passdeck_add_test(tst_rootedfile SOURCES node/tst_rootedfile.cpp support/tst_failclosed_util.h LIBS passdeck_backend LABELS unit)
