/*
 * The host API table handed to plugins (include/mistmcp/plugin.h): one static const table,
 * valid for the life of the process, thread-safe as the ABI header states.
 */
#ifndef MISTMCP_CORE_MCP_HOST_API_H
#define MISTMCP_CORE_MCP_HOST_API_H

#include <mistmcp/plugin.h>

const mistmcp_host_api *mm_host_api(void);

#endif
