/*
 * The arguments of `mistmcp call TOOL key=value... [--json ARGS]` as the JSON object a
 * tools/call carries (README: "The tools from a terminal").
 *
 * A value is the JSON value it is when it is exactly one JSON value as JSON writes it (12,
 * -0.5, true, null, "12", [1,2], {"a":1}; white space around it allowed), else the string as
 * typed: "abc", "01" (cJSON would read a number), "" (from key=). Numbers keep their digits
 * (base/json_exact.h): limit=12345678901234567890 reaches Mist as written. --json gives a whole
 * object; a key=value replaces its member of the same key (so a saved object can be adjusted
 * on the command line), and a key given twice as key=value is refused.
 *
 * Ownership: the object returned is the caller's (cJSON_Delete). Thread-safety: no state.
 * Errors: NULL and one line in err (no "mistmcp: " prefix) naming the bad word or --json and
 * what was expected; words are quoted with their control bytes shown as '?'.
 */
#ifndef MISTMCP_CORE_BASE_CLI_ARGS_H
#define MISTMCP_CORE_BASE_CLI_ARGS_H

#include <cjson/cJSON.h>
#include <stddef.h>

/* json_text: --json's value, or NULL. words[0..count): the key=value words, in order. */
cJSON *mm_cli_args_object(const char *json_text, const char *const *words, size_t count, char *err,
                          size_t err_size);

/* One command-line value as described above: the JSON value, or the string; NULL (with
 * nothing to free) only when text is not valid UTF-8. Caller deletes the value. */
cJSON *mm_cli_args_value(const char *text);

#endif
