#pragma once

// Included first into every test (tests/CMakeLists.txt): the default run holds no wall-clock
// assertion, so a machine busy with other work must not fail it. QtTest's QTRY_* macros give up
// after 5 s by default and fail outright when the condition comes true "late"; here every QTRY
// waits up to 5 minutes (returning as soon as the condition holds, so a passing test costs
// nothing more) and a condition that never comes true still fails. Timings are benchmarks
// (label bench, scripts/bench).
#include <QtTest/qtestcase.h>

#define PASSDECK_TEST_PATIENCE_MS 300000

#undef QTRY_IMPL
#define QTRY_IMPL(expr, timeout)                                                                     \
    const int qt_test_step = 50;                                                                     \
    const int qt_test_timeoutValue = (timeout) < PASSDECK_TEST_PATIENCE_MS ? PASSDECK_TEST_PATIENCE_MS \
                                                                             : (timeout);            \
    {                                                                                                \
        QTRY_LOOP_IMPL(expr, qt_test_timeoutValue, qt_test_step)                                     \
    }
