# Runs BIN with ARGS (a ;-list) and writes what it prints to OUT: how the
# build makes the man page and the shell completions from the binary's own
# help text, without a shell.
execute_process(COMMAND ${BIN} ${ARGS} OUTPUT_FILE ${OUT} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  file(REMOVE ${OUT})
  message(FATAL_ERROR "${BIN} ${ARGS} exited with ${rc}")
endif()
