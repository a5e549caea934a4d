# The agent's jobs: the job request/status wire format (core/JobCodec), the job manager with
# its journal and device locks (in-process, simulated roots), and passdeckd killed mid-job.
passdeck_add_test(tst_jobcodec SOURCES agent/tst_jobcodec.cpp LIBS passdeck_core LABELS agent unit)
