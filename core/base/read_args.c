#include "base/read_args.h"

#include <string.h>

#define MM_STR_(x) #x
#define MM_STR(x) MM_STR_(x)

static int has(const char *const *names, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (names[i] && strcmp(names[i], name) == 0)
            return 1;
    return 0;
}

mm_read_plan mm_read_plan_for(int read, const char *const *names, size_t n)
{
    mm_read_plan p = {0};
    if (!read)
        return p;
    p.fields = !has(names, n, "fields") ? "fields" : !has(names, n, "select") ? "select" : NULL;
    p.format = has(names, n, "format") ? NULL : "format";
    if (has(names, n, "limit") && has(names, n, "page"))
        p.page_style = 1;
    else if (has(names, n, "limit") && has(names, n, "search_after"))
        p.page_style = 2;
    if (p.page_style && !has(names, n, "max_items"))
        p.max_items = "max_items";
    return p;
}

/* Adds name: the schema text (a literal, valid JSON) unless properties has it. */
static int add(cJSON *props, const char *name, const char *text)
{
    if (!name || cJSON_GetObjectItemCaseSensitive(props, name))
        return 0;
    cJSON_AddItemToObject(props, name, cJSON_Parse(text));
    return 1;
}

int mm_read_args_schema(cJSON *schema, const mm_read_plan *plan)
{
    cJSON *props = cJSON_GetObjectItemCaseSensitive(schema, "properties");
    if (!cJSON_IsObject(props)) {
        cJSON_DeleteItemFromObjectCaseSensitive(schema, "properties");
        props = cJSON_AddObjectToObject(schema, "properties");
    }
    /* Bare on purpose: every read tool pays for these bytes in tools/list, and the all-mode
     * list was at 396 KB of its 400 KB before them. What they do is said once, in the
     * initialize instructions and in README ("Asking for less"). */
    int added = add(props, plan->fields, "{\"type\":\"array\",\"items\":{\"type\":\"string\"}}");
    added += add(props, plan->format, "{\"type\":\"string\",\"enum\":[\"json\",\"table\"]}");
    added += add(props, plan->max_items,
                 "{\"type\":\"integer\",\"minimum\":1,\"maximum\":" MM_STR(MM_READ_MAX_ITEMS) "}");
    return added;
}
