/*
 * MCP prompts (MCP 2025-11-25 and 2026-07-28, "Prompts"): guided workflows a user picks by
 * name (hosts show them as slash commands), each a template of messages with named arguments.
 *
 * A prompt set is read once at start from JSON definitions: mistmcp's own (core/mcp/prompts/
 * mist.json, compiled in) and the operator's (--prompts FILE). The format:
 *
 *   {"prompts": [{"name": "site_health", "title": "Site health check",
 *                 "description": "...",
 *                 "arguments": [{"name": "site", "description": "...", "required": true,
 *                                "default": "...", "values": ["...", "..."]}],
 *                 "messages": [{"role": "user", "content": {"type": "text",
 *                                                            "text": "... {{site}} ..."}}]}]}
 *
 * An argument's "values" are what completion/complete offers for it (mm_prompts_complete);
 * like "default", they stay on the server (prompts/list does not show them).
 *
 * `{{name}}` in any string of a message's content is replaced by that argument's value (an
 * optional argument not given: its "default", else the empty string); a placeholder that
 * names no argument is an error when the set is read. Content is any MCP content object
 * (text, image, audio, resource, resource_link): it is sent as written, placeholders filled.
 *
 * Tool names in text are written in backquotes (`listOrgSites`): mm_prompts_check_tools finds
 * every backquoted camelCase word so that a renamed Mist operation is caught where the
 * prompts are checked (at build time for mistmcp's own: mistmcp --check-prompts).
 *
 * Ownership: a set is immutable once read; the caller frees it with mm_prompts_free. The
 * results of mm_prompts_list and mm_prompts_get are new cJSON trees the caller owns.
 * Thread-safety: every function but mm_prompts_free may be called from any thread at once.
 */
#ifndef MISTMCP_CORE_MCP_PROMPTS_H
#define MISTMCP_CORE_MCP_PROMPTS_H

#include <cjson/cJSON.h>
#include <stddef.h>

typedef struct mm_prompts mm_prompts;

/* Bounds on what a prompt may be given: an argument value's bytes, and the bytes of one
 * prompts/get answer's messages (a larger one is refused, naming the bound). */
#define MM_PROMPT_ARG_MAX_BYTES 4096
#define MM_PROMPT_ANSWER_MAX_BYTES (256 * 1024)

/* Reads the definitions in text (JSON as above; what names where they come from, for
 * messages: "built-in prompts", a file's path) and adds them to *set (created when NULL).
 * 0 on success; -1 with a message in err naming `what`, the prompt and the field that is
 * wrong and what was expected (then *set is unchanged). A name given twice, in one text or
 * in two, is an error. */
int mm_prompts_add(mm_prompts **set, const char *text, size_t len, const char *what, char *err,
                   size_t err_size);

/* As mm_prompts_add, from the file at path (at most 1 MiB). */
int mm_prompts_add_file(mm_prompts **set, const char *path, char *err, size_t err_size);

/* mistmcp's own prompts (core/mcp/prompts/mist.json as compiled in). */
int mm_prompts_add_builtin(mm_prompts **set, char *err, size_t err_size);

void mm_prompts_free(mm_prompts **set);

/* The number of prompts (0 for NULL). */
size_t mm_prompts_count(const mm_prompts *set);

/* Calls is_tool(ctx, name) for every backquoted camelCase word of every prompt's messages;
 * for each it says no to, writes "prompt 'p' names `x`, which is no tool" lines into err
 * (as many as fit) and counts it. Returns the count (0: every name is a tool). */
size_t mm_prompts_check_tools(const mm_prompts *set, int (*is_tool)(void *ctx, const char *name),
                              void *ctx, char *err, size_t err_size);

/* The result of prompts/list (MCP "Listing Prompts"): {"prompts":[{name, title, description,
 * arguments:[{name, description, required}]}]}, in the order the prompts were read, on one
 * page (a set is small). cursor: params.cursor or NULL; any cursor is invalid (none is ever
 * given out): NULL with *why set (the caller answers -32602). */
cJSON *mm_prompts_list(const mm_prompts *set, const cJSON *cursor, const char **why);

/* The result of prompts/get (MCP "Getting a Prompt") for params {name, arguments}:
 * {"description", "messages":[...]} with the arguments filled in. On bad params (name not a
 * string, an unknown prompt, arguments not an object of strings, an argument the prompt does
 * not have, a required one missing, a value over MM_PROMPT_ARG_MAX_BYTES) or an answer over
 * MM_PROMPT_ANSWER_MAX_BYTES: NULL with a message in err that names the value and what was
 * expected (the caller answers -32602 with it). */
cJSON *mm_prompts_get(const mm_prompts *set, const cJSON *params, char *err, size_t err_size);

/* The result of completion/complete (MCP 2025-11-25 and 2026-07-28 "Completion") for params
 * {ref: {type: "ref/prompt", name}, argument: {name, value}}: {"completion": {"values",
 * "total", "hasMore"}}, the argument's "values" that start with value (ignoring case), in
 * their order, at most 100 (total counts them all). An argument without values completes to
 * nothing. On bad params (ref not a prompt reference, an unknown prompt or argument, argument
 * not {name, value} strings): NULL with a message in err naming what is wrong (the caller
 * answers -32602 with it). */
cJSON *mm_prompts_complete(const mm_prompts *set, const cJSON *params, char *err, size_t err_size);

#endif
