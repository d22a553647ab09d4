/*
 * An MCP client over stdio for the C end-to-end tests: starts a server (initialize and
 * notifications/initialized done), sends requests and waits for their answers, skipping the
 * notifications in between, and ends the server.
 * Ownership: the caller owns the client struct, the lines and the cJSON values returned.
 * Single-threaded. Every wait is bounded (timeout_ms).
 */
#ifndef MISTMCP_TEST_MCP_CLIENT_H
#define MISTMCP_TEST_MCP_CLIENT_H

#include "child.h"

#include <cjson/cJSON.h>

typedef struct mm_mcp_client {
    mm_child child;
    int next_id;
    int timeout_ms; /* per answer; 0: 10 s */
} mm_mcp_client;

/* Spawns argv with envp and initializes the session (protocol 2025-06-18). Returns 0, or -1
 * if the server did not answer initialize. */
int mm_mcp_start(mm_mcp_client *c, char *const argv[], char *const envp[]);
/* Sends a request of method with params (a JSON text) without waiting; returns its id. */
int mm_mcp_send(mm_mcp_client *c, const char *method, const char *params_json);
/* The answer to id, parsed, notifications before it skipped; NULL if none came within
 * timeout_ms (0: the client's timeout). For calls left running while others are sent. */
cJSON *mm_mcp_wait(mm_mcp_client *c, int id, int timeout_ms);
/* The answer to method with params (a JSON text), parsed; NULL if none came in time. */
cJSON *mm_mcp_request(mm_mcp_client *c, const char *method, const char *params_json);
/* The same answer as the line the server wrote (caller frees), for checks a parser would blur
 * (numbers past 2^53); NULL if none came in time. */
char *mm_mcp_request_raw(mm_mcp_client *c, const char *method, const char *params_json);
/* tools/call of tool with args (a JSON value, not taken); the result object, or NULL. */
cJSON *mm_mcp_call(mm_mcp_client *c, const char *tool, const cJSON *args);
/* The tools of tools/list, every page followed (an array), or NULL. */
cJSON *mm_mcp_list_tools(mm_mcp_client *c);
/* The first text block of a tool result, or "" (valid while result is). */
const char *mm_mcp_result_text(const cJSON *result);
/* The string at o.a (b NULL) or o.a.b, or "(absent)" when there is none (valid while o is). */
const char *mm_mcp_str_at(const cJSON *o, const char *a, const char *b);
/* The first item of array whose member key is the string value, or NULL. */
const cJSON *mm_mcp_find(const cJSON *array, const char *key, const char *value);
/* Closes the server's stdin and waits for it; returns the wait status. */
int mm_mcp_stop(mm_mcp_client *c);

#endif
