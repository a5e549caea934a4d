# The layering of docs/architecture.md on the sources: which folder includes which, no node-side
# name above the node boundary, no node-side library in the service's or the models' link line.
add_test(NAME tst_layers COMMAND python3 ${PASSDECK_SOURCE_DIR}/tests/layers/check_layers.py ${PASSDECK_SOURCE_DIR})
set_tests_properties(tst_layers PROPERTIES LABELS unit TIMEOUT 600)
