/*
 * A tool's description for tools/list: what the tool returns or changes, in whole sentences.
 *
 * The spec's description leads when its first sentence says more than the tool's name and
 * agrees with the HTTP method; otherwise a sentence built from the method, the path and the
 * answer's type ("Returns a list of Org NAC Tags, paged.") leads, and the spec's further
 * sentences follow while they fit. No sentence is cut in the middle.
 *
 * Strings returned are owned by the caller (free). No state is kept; single-threaded use.
 */
#ifndef MISTMCP_GEN_TOOL_TEXT_H
#define MISTMCP_GEN_TOOL_TEXT_H

#include "model.h"

#include <cjson/cJSON.h>
#include <stddef.h>

/* The description of op, at most max bytes (max > 0). spec: the whole spec, for the answer's
 * schema. */
char *gen_tool_description(const cJSON *spec, const gen_op *op, size_t max);

/* 1 if every word of text is a word of the camelCase name (plurals aside): "Get Org NAC Tag"
 * for getOrgNacTag. An empty text restates nothing new either: 1. */
int gen_text_restates_name(const char *text, const char *name);

/* 1 if the verb that starts op's summary contradicts its method: a GET that says "Delete",
 * a DELETE that says "Get", a PUT that says "Delete". POST does every kind of action: never. */
int gen_summary_contradicts(const gen_op *op);

#endif
