# Fail closed: links out of a host root, guards that cannot read their input, FIFOs and
# oversized files in place of attributes (docs/binding.md, "Fail closed").
passdeck_add_test(tst_failclosed_paths SOURCES backend/tst_failclosed_paths.cpp backend/tst_failclosed_util.h
                  backend/tst_binder_sim.h LIBS passdeck_backend LABELS unit)
passdeck_add_test(tst_failclosed_guards SOURCES backend/tst_failclosed_guards.cpp backend/tst_failclosed_util.h
                  backend/tst_binder_sim.h LIBS passdeck_backend LABELS unit)
passdeck_add_test(tst_failclosed_files SOURCES backend/tst_failclosed_files.cpp backend/tst_failclosed_util.h
                  backend/tst_binder_sim.h LIBS passdeck_backend LABELS unit TIMEOUT 300)
# RootedFile itself: links inside the root, NoSymlinks, FIFOs, caps, malformed paths.
passdeck_add_test(tst_rootedfile SOURCES backend/tst_rootedfile.cpp backend/tst_failclosed_util.h LIBS passdeck_backend LABELS unit)
