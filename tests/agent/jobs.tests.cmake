# The agent's jobs: the job request/status wire format (core/JobCodec), the job manager with
# its journal and device locks (in-process, simulated roots), and passdeckd killed mid-job.
passdeck_add_test(tst_jobcodec SOURCES agent/tst_jobcodec.cpp LIBS passdeck_core LABELS agent unit)
passdeck_add_test(tst_jobmanager SOURCES agent/tst_jobmanager.cpp agent/JobTestUtil.h
    LIBS passdeck_agent_server passdeck_node passdeck_sim passdeck_core LABELS agent)
# passdeckd killed with SIGKILL mid-apply of 64 VFs and restarted, a client gone right after
# POST /jobs, two clients applying to one device at once.
if(TARGET passdeckd)
    passdeck_add_test(tst_agent_jobs_faults SOURCES agent/tst_agent_jobs_faults.cpp agent/JobTestUtil.h
                      support/AgentProcess.h agent/AgentTestClient.h
                      LIBS passdeck_node passdeck_sim passdeck_core Qt6::Network LABELS agent TIMEOUT 900)
    add_dependencies(tst_agent_jobs_faults passdeckd)
endif()
