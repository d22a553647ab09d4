#include "registry/tool_json.h"

void mm_tool_annotations_json(cJSON *a, uint32_t ann)
{
    if (ann & MISTMCP_ANN_READ_ONLY) {
        cJSON_AddTrueToObject(a, "readOnlyHint");
    } else {
        cJSON_AddBoolToObject(a, "destructiveHint", !(ann & MISTMCP_ANN_NOT_DESTRUCTIVE));
        cJSON_AddBoolToObject(a, "idempotentHint", (ann & MISTMCP_ANN_IDEMPOTENT) != 0);
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
    /* The schema text was checked to be a JSON object when the plugin loaded. */
    cJSON_AddRawToObject(o, "inputSchema", t->input_schema);
    mm_tool_annotations_json(cJSON_AddObjectToObject(o, "annotations"), t->annotations);
    return o;
}
