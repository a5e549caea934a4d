# Typed error codes: the table of names and categories (core/ErrorCode.h).
passdeck_add_test(tst_errorcode SOURCES core/tst_errorcode.cpp LIBS passdeck_core LABELS unit)
