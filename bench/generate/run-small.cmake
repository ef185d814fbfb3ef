# ctest: generates a small store into a file that does not exist yet.
file(REMOVE ${DB} ${DB}-wal ${DB}-shm ${DB}.lock ${DB}.admin-token)
execute_process(COMMAND ${GENERATOR} --db ${DB} --ids 300 --nodes 1500 RESULT_VARIABLE result)
file(REMOVE ${DB} ${DB}-wal ${DB}-shm ${DB}.lock)
if(NOT result EQUAL 0)
    message(FATAL_ERROR "discodesk-generate failed: ${result}")
endif()
