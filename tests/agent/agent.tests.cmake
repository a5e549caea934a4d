# The node agent passdeckd, server side (docs/agent-api.md, docs/agent.md). Label agent.
# The parser and the token check on raw bytes.
passdeck_add_test(tst_agent_parser SOURCES agent/tst_agent_parser.cpp LIBS passdeck_agent_server LABELS agent unit)
# The HTTPS server in-process: auth, limits, junk, timeouts, 1,000 random requests, the throttle.
passdeck_add_test(tst_agent_http SOURCES agent/tst_agent_http.cpp agent/AgentTestClient.h agent/AgentTestUtil.h
                  LIBS passdeck_agent_server LABELS agent TIMEOUT 900)
# passdeckd's state dir: creation with the right modes, reuse, damaged files, the command line.
passdeck_add_test(tst_agent_identity SOURCES agent/tst_agent_identity.cpp support/AgentProcess.h agent/AgentTestUtil.h
                  LIBS passdeck_sim Qt6::Network LABELS agent TIMEOUT 900)
add_dependencies(tst_agent_identity passdeckd)
# As nobody: the token and the key cannot be read, curl without the token gets 401 (root only).
passdeck_add_test(tst_agent_nobody SOURCES agent/tst_agent_nobody.cpp support/AgentProcess.h agent/AgentTestUtil.h
                  LIBS passdeck_sim LABELS agent TIMEOUT 900)
add_dependencies(tst_agent_nobody passdeckd)
# resources/passdeckd.service: the promised directives, and systemd-analyze verify when present.
add_test(NAME tst_agent_service COMMAND sh ${PASSDECK_SOURCE_DIR}/tests/agent/check_service.sh
         ${PASSDECK_SOURCE_DIR}/resources/passdeckd.service $<TARGET_FILE:passdeckd>)
set_tests_properties(tst_agent_service PROPERTIES LABELS agent SKIP_RETURN_CODE 77 TIMEOUT 600)
# curl with STATE/cert.pem and the token: devices, a plan, a job followed to its end.
passdeck_add_test(tst_agent_curl SOURCES agent/tst_agent_curl.cpp agent/JobTestUtil.h support/AgentProcess.h
                  LIBS passdeck_node passdeck_sim passdeck_core LABELS agent TIMEOUT 900)
add_dependencies(tst_agent_curl passdeckd)
# docs/agent-api.openapi.yaml (OpenAPI 3.0) and docs/agent-api.md cover every endpoint.
add_test(NAME tst_agent_openapi COMMAND python3 ${PASSDECK_SOURCE_DIR}/tests/agent/check_openapi.py ${PASSDECK_SOURCE_DIR})
set_tests_properties(tst_agent_openapi PROPERTIES LABELS agent TIMEOUT 600)
