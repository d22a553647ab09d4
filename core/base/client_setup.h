/*
 * `mistmcp config CLIENT [--http URL]`: what to put in an MCP client's configuration to use
 * this mistmcp, printed for the client to take as it is (issue 17, item 6).
 *
 * Clients and what is printed, each in that client's own format:
 *   claude-desktop  claude_desktop_config.json: {"mcpServers": {"mist": {...}}}
 *   claude-code     the `claude mcp add ...` command line
 *   vscode          .vscode/mcp.json: {"servers": {"mist": {...}}}
 *   cursor          ~/.cursor/mcp.json: {"mcpServers": {"mist": {...}}}
 * Over stdio the client starts this binary (its absolute path, from /proc/self/exe) with the
 * options that shape a session (mode, categories, --demo, --enable-write-tools, plugin
 * directories made absolute) and MIST_ENV_FILE (the env file in use, absolute, or a path to
 * edit when there is none). With --http URL the client connects to a running server instead;
 * its token goes in a header from a variable or a prompt of the client. No token is ever
 * printed.
 *
 * Errors: an unknown client, or a URL that is not http(s)://..., is one line to err and
 * status 2, as any usage error. Not thread-safe (writes to out); called once, from main.
 */
#ifndef MISTMCP_CORE_BASE_CLIENT_SETUP_H
#define MISTMCP_CORE_BASE_CLIENT_SETUP_H

#include "base/config.h"

#include <stdio.h>

/* The client names accepted, for messages and the completion: "claude-desktop, ...". */
#define MM_CLIENT_SETUP_NAMES "claude-desktop, claude-code, vscode, cursor"

/* Prints the set-up for cfg's operand (the client) to out. Returns 0, or 2 after one line to
 * err. */
int mm_client_setup_print(const mm_config *cfg, FILE *out, FILE *err);

#endif
