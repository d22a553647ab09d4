#include "registry/tool_json.h"

void mm_tool_annotations_json(cJSON *a, uint32_t ann)
{
    if (ann & MISTMCP_ANN_READ_ONLY) {
        cJSON_AddTrueToObject(a, "readOnlyHint");
    } else {
        /* idempotentHint only when true: false is MCP's default (2025-11-25, server/tools
         * #toolannotations), and left out it saves 23 bytes a POST tool in tools/list. */
        cJSON_AddBoolToObject(a, "destructiveHint", !(ann & MISTMCP_ANN_NOT_DESTRUCTIVE));
        if (ann & MISTMCP_ANN_IDEMPOTENT)
            cJSON_AddTrueToObject(a, "idempotentHint");
    }
    if (ann & MISTMCP_ANN_CLOSED_WORLD)
        cJSON_AddFalseToObject(a, "openWorldHint");
}

cJSON *mm_tool_json(const mistmcp_tool *t)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "name", t->name);
    if (t->title)
        cJSON_AddStringToObject(o, "title", t->title);
    cJSON_AddStringToObject(o, "description", t->description);
    /* Strict JSON text of an object: a plugin's strict text (plugin_loader.c), or a literal. */
    cJSON_AddRawToObject(o, "inputSchema", t->input_schema);
    mm_tool_annotations_json(cJSON_AddObjectToObject(o, "annotations"), t->annotations);
    return o;
}
