# Debian packages and what they install (docs/packaging.md). Label package, part of the default run.
# tst_package_version: --version of the three binaries and the man pages carry project(VERSION).
add_test(NAME tst_package_version
         COMMAND sh ${PASSDECK_SOURCE_DIR}/tests/package/check_version.sh ${PROJECT_VERSION}
                 $<TARGET_FILE:passdeck> $<TARGET_FILE:passdeck-cli> $<TARGET_FILE:passdeckd> ${PASSDECK_SOURCE_DIR}/man)
# tst_package_manpages: the man pages name every command and option the three --help texts list.
add_test(NAME tst_package_manpages
         COMMAND sh ${PASSDECK_SOURCE_DIR}/tests/package/check_manpages.sh ${PASSDECK_SOURCE_DIR}/man
                 $<TARGET_FILE:passdeck-cli> $<TARGET_FILE:passdeckd> $<TARGET_FILE:passdeck>)
# tst_package_completion: the bash completion, sourced, completes commands, options and node names.
add_test(NAME tst_package_completion
         COMMAND bash ${PASSDECK_SOURCE_DIR}/tests/package/check_completion.sh
                 ${PASSDECK_SOURCE_DIR}/completions/passdeck-cli $<TARGET_FILE:passdeck-cli>)
# tst_package_build: scripts/package on this build tree, the packages' contents, lintian.
# tst_package_install: both packages into a clean Debian 12 (debootstrap, cached), the binaries
# run from the installed files alone, then purged (root only; skipped otherwise).
add_test(NAME tst_package_build
         COMMAND sh ${PASSDECK_SOURCE_DIR}/tests/package/check_build.sh ${PASSDECK_SOURCE_DIR} ${CMAKE_BINARY_DIR} ${PROJECT_VERSION})
add_test(NAME tst_package_install
         COMMAND sh ${PASSDECK_SOURCE_DIR}/tests/package/check_install.sh ${CMAKE_BINARY_DIR}/packages ${PROJECT_VERSION})
set_tests_properties(tst_package_version tst_package_manpages tst_package_completion tst_package_build tst_package_install PROPERTIES
    LABELS package TIMEOUT 3600
    ENVIRONMENT "QT_QPA_PLATFORM=offscreen;LC_ALL=C.UTF-8;PASSDECK_FORBID_REAL_SYSFS=1"
    SKIP_RETURN_CODE 77)
# The install test takes the packages the build test made; both use the build tree's packages/.
set_tests_properties(tst_package_build PROPERTIES FIXTURES_SETUP passdeck_debs RESOURCE_LOCK passdeck_packages)
set_tests_properties(tst_package_install PROPERTIES FIXTURES_REQUIRED passdeck_debs RESOURCE_LOCK passdeck_packages)
