/*
 * MCP prompts: reading and checking definitions, prompts/list and prompts/get (prompts.h).
 */
#include "mcp/prompts.h"

#include "base/util.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* core/mcp/prompts/mist.json, compiled in (cmake/embed.cmake writes it into the build tree). */
extern const char mm_builtin_prompts_json[];
extern const size_t mm_builtin_prompts_json_len;

struct mm_prompts {
    cJSON *defs; /* array of checked definitions, in the order read */
};

#define FILE_MAX_BYTES (1024 * 1024)
#define NAME_MAX_BYTES 128

static int fail(char *err, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, size, fmt, ap);
    va_end(ap);
    return -1;
}

static int name_ok(const char *s, const char *extra)
{
    size_t n = strlen(s);
    if (n == 0 || n > NAME_MAX_BYTES)
        return 0;
    for (const char *p = s; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '_' && !strchr(extra, *p))
            return 0;
    return 1;
}

static const cJSON *argument_named(const cJSON *def, const char *name, size_t len)
{
    const cJSON *a;
    cJSON_ArrayForEach(a, cJSON_GetObjectItemCaseSensitive(def, "arguments"))
    {
        const char *n = cJSON_GetObjectItemCaseSensitive(a, "name")->valuestring;
        if (strlen(n) == len && memcmp(n, name, len) == 0)
            return a;
    }
    return NULL;
}

/* Every {{name}} in s names an argument of def. */
static int check_placeholders(const cJSON *def, const char *s, const char *where, char *err,
                              size_t size)
{
    const char *prompt = cJSON_GetObjectItemCaseSensitive(def, "name")->valuestring;
    for (const char *p = strstr(s, "{{"); p; p = strstr(p, "{{")) {
        const char *end = strstr(p + 2, "}}");
        if (!end)
            return fail(err, size, "prompt '%s': %s has a '{{' without '}}'", prompt, where);
        if (!argument_named(def, p + 2, (size_t)(end - p - 2)))
            return fail(err, size,
                        "prompt '%s': %s has the placeholder {{%.*s}}, which names none of the "
                        "prompt's arguments",
                        prompt, where, (int)(end - p - 2 > 64 ? 64 : end - p - 2), p + 2);
        p = end + 2;
    }
    return 0;
}

/* Every string in the content tree v (placeholders checked). */
static int check_strings(const cJSON *def, const cJSON *v, const char *where, char *err,
                         size_t size)
{
    if (cJSON_IsString(v))
        return check_placeholders(def, v->valuestring, where, err, size);
    const cJSON *c;
    cJSON_ArrayForEach(c, v)
    {
        if (check_strings(def, c, where, err, size) != 0)
            return -1;
    }
    return 0;
}

static const char *string_of(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int check_content(const cJSON *def, const cJSON *content, size_t i, char *err, size_t size)
{
    const char *prompt = string_of(def, "name");
    const char *type = string_of(content, "type");
    static const char *const types[] = {"text", "image", "audio", "resource", "resource_link"};
    int known = 0;
    for (size_t k = 0; type && k < sizeof types / sizeof types[0]; k++)
        known |= strcmp(type, types[k]) == 0;
    if (!cJSON_IsObject(content) || !known)
        return fail(err, size,
                    "prompt '%s': messages[%zu].content must be an object whose \"type\" is "
                    "text, image, audio, resource or resource_link",
                    prompt, i);
    const char *need = strcmp(type, "text") == 0                                  ? "text"
                       : strcmp(type, "image") == 0 || strcmp(type, "audio") == 0 ? "data"
                       : strcmp(type, "resource_link") == 0                       ? "uri"
                                                                                  : NULL;
    /* the second member MCP's schema requires (ImageContent, AudioContent, ResourceLink) */
    const char *also = strcmp(type, "image") == 0 || strcmp(type, "audio") == 0 ? "mimeType"
                       : strcmp(type, "resource_link") == 0                     ? "name"
                                                                                : NULL;
    if ((need && !string_of(content, need)) || (also && !string_of(content, also)))
        return fail(err, size, "prompt '%s': messages[%zu].content (%s) needs \"%s\", a string",
                    prompt, i, type, need && !string_of(content, need) ? need : also);
    const cJSON *res = cJSON_GetObjectItemCaseSensitive(content, "resource");
    if (strcmp(type, "resource") == 0 &&
        (!string_of(res, "uri") || (!string_of(res, "text") && !string_of(res, "blob"))))
        return fail(err, size,
                    "prompt '%s': messages[%zu].content (resource) needs \"resource\", an object "
                    "with a \"uri\" and a \"text\" or \"blob\"",
                    prompt, i);
    char where[64];
    snprintf(where, sizeof where, "messages[%zu].content", i);
    return check_strings(def, content, where, err, size);
}

static int check_arguments(const cJSON *def, const char *prompt, char *err, size_t size)
{
    const cJSON *args = cJSON_GetObjectItemCaseSensitive(def, "arguments");
    if (!args)
        return 0;
    if (!cJSON_IsArray(args))
        return fail(err, size, "prompt '%s': \"arguments\" must be an array", prompt);
    size_t i = 0;
    const cJSON *a;
    cJSON_ArrayForEach(a, args)
    {
        const char *name = string_of(a, "name");
        if (!cJSON_IsObject(a) || !name || !name_ok(name, ""))
            return fail(err, size,
                        "prompt '%s': arguments[%zu] needs \"name\": letters, digits and _ "
                        "(1 to %d)",
                        prompt, i, NAME_MAX_BYTES);
        for (const cJSON *b = args->child; b != a; b = b->next)
            if (strcmp(string_of(b, "name"), name) == 0)
                return fail(err, size, "prompt '%s': argument '%s' is given twice", prompt, name);
        const cJSON *req = cJSON_GetObjectItemCaseSensitive(a, "required");
        const cJSON *dflt = cJSON_GetObjectItemCaseSensitive(a, "default");
        const cJSON *desc = cJSON_GetObjectItemCaseSensitive(a, "description");
        if ((req && !cJSON_IsBool(req)) || (dflt && !cJSON_IsString(dflt)) ||
            (desc && !cJSON_IsString(desc)))
            return fail(err, size,
                        "prompt '%s': argument '%s': \"required\" must be true or false, "
                        "\"default\" and \"description\" strings",
                        prompt, name);
        if (cJSON_IsTrue(req) && dflt)
            return fail(err, size,
                        "prompt '%s': argument '%s' is required and has a default: choose one",
                        prompt, name);
        const cJSON *values = cJSON_GetObjectItemCaseSensitive(a, "values");
        int strings = cJSON_IsArray(values);
        const cJSON *v;
        cJSON_ArrayForEach(v, (strings ? values : NULL)) strings &= cJSON_IsString(v);
        if (values && !strings)
            return fail(err, size,
                        "prompt '%s': argument '%s': \"values\" must be an array of strings (what "
                        "completion offers)",
                        prompt, name);
        i++;
    }
    return 0;
}

static int check_def(const cJSON *def, size_t index, char *err, size_t size)
{
    const char *prompt = string_of(def, "name");
    if (!cJSON_IsObject(def) || !prompt || !name_ok(prompt, "-."))
        return fail(err, size, "prompts[%zu] needs \"name\": letters, digits, _ - and . (1 to %d)",
                    index, NAME_MAX_BYTES);
    const cJSON *title = cJSON_GetObjectItemCaseSensitive(def, "title");
    const cJSON *desc = cJSON_GetObjectItemCaseSensitive(def, "description");
    if ((title && !cJSON_IsString(title)) || (desc && !cJSON_IsString(desc)))
        return fail(err, size, "prompt '%s': \"title\" and \"description\" must be strings",
                    prompt);
    if (check_arguments(def, prompt, err, size) != 0)
        return -1;
    const cJSON *messages = cJSON_GetObjectItemCaseSensitive(def, "messages");
    if (!cJSON_IsArray(messages) || cJSON_GetArraySize(messages) == 0)
        return fail(err, size, "prompt '%s': \"messages\" must be a non-empty array", prompt);
    size_t i = 0;
    const cJSON *m;
    cJSON_ArrayForEach(m, messages)
    {
        const char *role = string_of(m, "role");
        if (!role || (strcmp(role, "user") != 0 && strcmp(role, "assistant") != 0))
            return fail(err, size, "prompt '%s': messages[%zu].role must be user or assistant",
                        prompt, i);
        if (check_content(def, cJSON_GetObjectItemCaseSensitive(m, "content"), i, err, size) != 0)
            return -1;
        i++;
    }
    return 0;
}

static const cJSON *find(const mm_prompts *set, const char *name)
{
    const cJSON *d;
    cJSON_ArrayForEach(d, (set ? set->defs : NULL))
    {
        if (strcmp(string_of(d, "name"), name) == 0)
            return d;
    }
    return NULL;
}

int mm_prompts_add(mm_prompts **set, const char *text, size_t len, const char *what, char *err,
                   size_t err_size)
{
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(text, len, &end, 0);
    if (!root)
        return fail(err, err_size, "%s: not valid JSON (near byte %zu)", what,
                    end ? (size_t)(end - text) : (size_t)0);
    char why[512];
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(root, "prompts");
    int rc = 0;
    if (!cJSON_IsArray(list)) {
        rc = fail(why, sizeof why, "expected an object with \"prompts\", an array");
    } else {
        size_t i = 0;
        const cJSON *d;
        cJSON_ArrayForEach(d, list)
        {
            if ((rc = check_def(d, i, why, sizeof why)) != 0)
                break;
            const char *name = string_of(d, "name");
            int twice = find(*set, name) != NULL;
            for (const cJSON *e = list->child; e != d && !twice; e = e->next)
                twice = strcmp(string_of(e, "name"), name) == 0;
            if (twice) {
                rc = fail(why, sizeof why, "prompt '%s' is defined twice", name);
                break;
            }
            i++;
        }
    }
    if (rc != 0) {
        cJSON_Delete(root);
        return fail(err, err_size, "%s: %s", what, why);
    }
    if (!*set) {
        *set = mm_xcalloc(1, sizeof **set);
        (*set)->defs = cJSON_CreateArray();
    }
    cJSON *d = cJSON_DetachItemFromObjectCaseSensitive(root, "prompts");
    while (d->child)
        cJSON_AddItemToArray((*set)->defs, cJSON_DetachItemViaPointer(d, d->child));
    cJSON_Delete(d);
    cJSON_Delete(root);
    return 0;
}

int mm_prompts_add_file(mm_prompts **set, const char *path, char *err, size_t err_size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return fail(err, err_size, "prompts file %s: %s", path, strerror(errno));
    char *buf = mm_xmalloc(FILE_MAX_BYTES + 1);
    size_t n = fread(buf, 1, FILE_MAX_BYTES + 1, f);
    int bad = ferror(f);
    fclose(f);
    int rc;
    if (bad)
        rc = fail(err, err_size, "prompts file %s: cannot be read", path);
    else if (n > FILE_MAX_BYTES)
        rc = fail(err, err_size, "prompts file %s: larger than %d bytes", path, FILE_MAX_BYTES);
    else {
        char what[300];
        snprintf(what, sizeof what, "prompts file %s", path);
        rc = mm_prompts_add(set, buf, n, what, err, err_size);
    }
    free(buf);
    return rc;
}

int mm_prompts_add_builtin(mm_prompts **set, char *err, size_t err_size)
{
    return mm_prompts_add(set, mm_builtin_prompts_json, mm_builtin_prompts_json_len,
                          "built-in prompts (core/mcp/prompts/mist.json)", err, err_size);
}

void mm_prompts_free(mm_prompts **set)
{
    if (!*set)
        return;
    cJSON_Delete((*set)->defs);
    free(*set);
    *set = NULL;
}

size_t mm_prompts_count(const mm_prompts *set)
{
    return set ? (size_t)cJSON_GetArraySize(set->defs) : 0;
}

/* A backquoted word that looks like a tool name: camelCase, letters and digits. */
static int tool_like(const char *s, size_t n)
{
    if (n < 2 || n > NAME_MAX_BYTES || !islower((unsigned char)s[0]))
        return 0;
    int upper = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isalnum((unsigned char)s[i]))
            return 0;
        upper |= isupper((unsigned char)s[i]) != 0;
    }
    return upper;
}

typedef struct tool_check {
    const char *prompt;
    int (*is_tool)(void *ctx, const char *name);
    void *ctx;
    char *err;
    size_t size, used, bad;
} tool_check;

static void check_text(tool_check *t, const char *s)
{
    for (const char *p = strchr(s, '`'); p; p = strchr(p, '`')) {
        const char *end = strchr(p + 1, '`');
        if (!end)
            return;
        size_t n = (size_t)(end - p - 1);
        if (tool_like(p + 1, n)) {
            char name[NAME_MAX_BYTES + 1];
            memcpy(name, p + 1, n);
            name[n] = '\0';
            if (!t->is_tool(t->ctx, name)) {
                t->bad++;
                if (t->used < t->size) {
                    int w = snprintf(t->err + t->used, t->size - t->used,
                                     "%sprompt '%s' names `%s`, which is no tool",
                                     t->used ? "\n" : "", t->prompt, name);
                    t->used += w > 0 ? (size_t)w : 0;
                    if (t->used >= t->size)
                        t->used = t->size;
                }
            }
        }
        p = end + 1;
    }
}

static void check_tree(tool_check *t, const cJSON *v)
{
    if (cJSON_IsString(v)) {
        check_text(t, v->valuestring);
        return;
    }
    const cJSON *c;
    cJSON_ArrayForEach(c, v) check_tree(t, c);
}

size_t mm_prompts_check_tools(const mm_prompts *set, int (*is_tool)(void *ctx, const char *name),
                              void *ctx, char *err, size_t err_size)
{
    tool_check t = {.is_tool = is_tool, .ctx = ctx, .err = err, .size = err_size};
    if (err_size)
        err[0] = '\0';
    const cJSON *d;
    cJSON_ArrayForEach(d, (set ? set->defs : NULL))
    {
        t.prompt = string_of(d, "name");
        check_tree(&t, cJSON_GetObjectItemCaseSensitive(d, "messages"));
    }
    return t.bad;
}

cJSON *mm_prompts_list(const mm_prompts *set, const cJSON *cursor, const char **why)
{
    if (cursor && !cJSON_IsNull(cursor)) {
        *why = "invalid cursor: prompts/list answers on one page and gives no cursor";
        return NULL;
    }
    cJSON *r = cJSON_CreateObject();
    cJSON *out = cJSON_AddArrayToObject(r, "prompts");
    const cJSON *d;
    cJSON_ArrayForEach(d, (set ? set->defs : NULL))
    {
        cJSON *p = cJSON_CreateObject();
        static const char *const keys[] = {"name", "title", "description"};
        for (size_t i = 0; i < 3; i++)
            if (string_of(d, keys[i]))
                cJSON_AddStringToObject(p, keys[i], string_of(d, keys[i]));
        const cJSON *args = cJSON_GetObjectItemCaseSensitive(d, "arguments");
        if (cJSON_GetArraySize(args) > 0) {
            cJSON *list = cJSON_AddArrayToObject(p, "arguments");
            const cJSON *a;
            cJSON_ArrayForEach(a, args)
            {
                cJSON *o = cJSON_CreateObject();
                cJSON_AddStringToObject(o, "name", string_of(a, "name"));
                if (string_of(a, "description"))
                    cJSON_AddStringToObject(o, "description", string_of(a, "description"));
                cJSON_AddBoolToObject(
                    o, "required", cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(a, "required")));
                cJSON_AddItemToArray(list, o);
            }
        }
        cJSON_AddItemToArray(out, p);
    }
    return r;
}

/* The value of the argument named name (len bytes) for def: given, else its default, else "". */
static const char *value_of(const cJSON *def, const cJSON *given, const char *name, size_t len)
{
    const cJSON *v;
    cJSON_ArrayForEach(v, given)
    {
        if (strlen(v->string) == len && memcmp(v->string, name, len) == 0)
            return v->valuestring;
    }
    const char *d = string_of(argument_named(def, name, len), "default");
    return d ? d : "";
}

static char *fill(const cJSON *def, const cJSON *given, const char *s)
{
    mm_buf out = {0};
    const char *p = s;
    for (const char *at = strstr(p, "{{"); at; at = strstr(p, "{{")) {
        const char *end = strstr(at + 2, "}}"); /* there is one: checked when read */
        mm_buf_put(&out, p, (size_t)(at - p));
        const char *v = value_of(def, given, at + 2, (size_t)(end - at - 2));
        mm_buf_put(&out, v, strlen(v));
        p = end + 2;
    }
    mm_buf_put(&out, p, strlen(p));
    return out.data ? out.data : mm_xstrdup("");
}

static cJSON *filled(const cJSON *def, const cJSON *given, const cJSON *v)
{
    if (cJSON_IsString(v)) {
        char *s = fill(def, given, v->valuestring);
        cJSON *r = cJSON_CreateString(s);
        free(s);
        return r;
    }
    if (!cJSON_IsArray(v) && !cJSON_IsObject(v))
        return cJSON_Duplicate(v, 0);
    cJSON *r = cJSON_IsArray(v) ? cJSON_CreateArray() : cJSON_CreateObject();
    const cJSON *c;
    cJSON_ArrayForEach(c, v)
    {
        cJSON *f = filled(def, given, c);
        if (cJSON_IsArray(v))
            cJSON_AddItemToArray(r, f);
        else
            cJSON_AddItemToObject(r, c->string, f);
    }
    return r;
}

static void argument_names(const cJSON *def, char *out, size_t size)
{
    size_t used = 0;
    out[0] = '\0';
    const cJSON *a;
    cJSON_ArrayForEach(a, cJSON_GetObjectItemCaseSensitive(def, "arguments"))
    {
        int w = snprintf(out + used, size - used, "%s%s", used ? ", " : "", string_of(a, "name"));
        if (w < 0 || (size_t)w >= size - used)
            return;
        used += (size_t)w;
    }
    if (!used)
        snprintf(out, size, "none");
}

static void prompt_names(const mm_prompts *set, char *out, size_t size)
{
    size_t used = 0;
    out[0] = '\0';
    const cJSON *d;
    cJSON_ArrayForEach(d, (set ? set->defs : NULL))
    {
        int w = snprintf(out + used, size - used, "%s%s", used ? ", " : "", string_of(d, "name"));
        if (w < 0 || (size_t)w >= size - used)
            return;
        used += (size_t)w;
    }
}

static int check_given(const cJSON *def, const cJSON *given, char *err, size_t size)
{
    const char *prompt = string_of(def, "name");
    char names[512];
    argument_names(def, names, sizeof names);
    if (given && !cJSON_IsNull(given) && !cJSON_IsObject(given))
        return fail(err, size,
                    "prompt '%s': \"arguments\" must be an object of strings (its arguments: %s)",
                    prompt, names);
    const cJSON *v;
    cJSON_ArrayForEach(v, (cJSON_IsObject(given) ? given : NULL))
    {
        if (!argument_named(def, v->string, strlen(v->string)))
            return fail(err, size, "prompt '%s' has no argument '%.64s' (its arguments: %s)",
                        prompt, v->string, names);
        if (!cJSON_IsString(v))
            return fail(err, size, "prompt '%s': argument '%s' must be a string", prompt,
                        v->string);
        if (strlen(v->valuestring) > MM_PROMPT_ARG_MAX_BYTES)
            return fail(err, size,
                        "prompt '%s': argument '%s' is %zu bytes long; at most %d are taken",
                        prompt, v->string, strlen(v->valuestring), MM_PROMPT_ARG_MAX_BYTES);
    }
    const cJSON *a;
    cJSON_ArrayForEach(a, cJSON_GetObjectItemCaseSensitive(def, "arguments"))
    {
        const char *name = string_of(a, "name");
        const cJSON *v2 =
            cJSON_IsObject(given) ? cJSON_GetObjectItemCaseSensitive(given, name) : NULL;
        if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(a, "required")) &&
            (!v2 || !*v2->valuestring)) {
            const char *desc = string_of(a, "description");
            return fail(err, size, "prompt '%s' needs the argument '%s'%s%s%s", prompt, name,
                        desc ? " (" : "", desc ? desc : "", desc ? ")" : "");
        }
    }
    return 0;
}

cJSON *mm_prompts_get(const mm_prompts *set, const cJSON *params, char *err, size_t err_size)
{
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(params, "name");
    if (!cJSON_IsString(name)) {
        fail(err, err_size, "prompts/get needs params.name, the name of a prompt");
        return NULL;
    }
    const cJSON *def = find(set, name->valuestring);
    if (!def) {
        char names[1024];
        prompt_names(set, names, sizeof names);
        fail(err, err_size, "unknown prompt '%.128s'; the prompts are: %s", name->valuestring,
             *names ? names : "(none)");
        return NULL;
    }
    const cJSON *given = cJSON_GetObjectItemCaseSensitive(params, "arguments");
    if (check_given(def, given, err, err_size) != 0)
        return NULL;
    cJSON *r = cJSON_CreateObject();
    const char *desc = string_of(def, "description");
    if (desc)
        cJSON_AddStringToObject(r, "description", desc);
    cJSON_AddItemToObject(r, "messages",
                          filled(def, cJSON_IsObject(given) ? given : NULL,
                                 cJSON_GetObjectItemCaseSensitive(def, "messages")));
    char *text = cJSON_PrintUnformatted(r);
    size_t bytes = text ? strlen(text) : (size_t)-1;
    free(text);
    if (bytes > MM_PROMPT_ANSWER_MAX_BYTES) {
        cJSON_Delete(r);
        fail(err, err_size,
             "prompt '%s' with these arguments would be %zu bytes; at most %d are sent",
             def ? string_of(def, "name") : "", bytes, MM_PROMPT_ANSWER_MAX_BYTES);
        return NULL;
    }
    return r;
}

#define COMPLETION_MAX_VALUES 100 /* the spec's bound on one answer's values */

cJSON *mm_prompts_complete(const mm_prompts *set, const cJSON *params, char *err, size_t err_size)
{
    const cJSON *ref = cJSON_GetObjectItemCaseSensitive(params, "ref");
    const char *type = string_of(ref, "type");
    const char *name = string_of(ref, "name");
    if (!type || strcmp(type, "ref/prompt") != 0 || !name) {
        fail(err, err_size,
             "completion/complete needs params.ref {\"type\": \"ref/prompt\", \"name\": ...}: "
             "mistmcp completes prompt arguments (it has no resources)");
        return NULL;
    }
    const cJSON *def = find(set, name);
    if (!def) {
        char names[1024];
        prompt_names(set, names, sizeof names);
        fail(err, err_size, "unknown prompt '%.128s'; the prompts are: %s", name,
             *names ? names : "(none)");
        return NULL;
    }
    const cJSON *argument = cJSON_GetObjectItemCaseSensitive(params, "argument");
    const char *arg = string_of(argument, "name"), *value = string_of(argument, "value");
    if (!arg || !value) {
        fail(err, err_size,
             "completion/complete needs params.argument {\"name\": ..., \"value\": ...}, both "
             "strings");
        return NULL;
    }
    const cJSON *a = argument_named(def, arg, strlen(arg));
    if (!a) {
        char names[512];
        argument_names(def, names, sizeof names);
        fail(err, err_size, "prompt '%s' has no argument '%.64s' (its arguments: %s)",
             string_of(def, "name"), arg, names);
        return NULL;
    }
    cJSON *r = cJSON_CreateObject();
    cJSON *c = cJSON_AddObjectToObject(r, "completion");
    cJSON *out = cJSON_AddArrayToObject(c, "values");
    size_t n = strlen(value), total = 0;
    const cJSON *v;
    cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(a, "values"))
    {
        if (strncasecmp(v->valuestring, value, n) != 0)
            continue;
        if (total++ < COMPLETION_MAX_VALUES)
            cJSON_AddItemToArray(out, cJSON_CreateString(v->valuestring));
    }
    cJSON_AddNumberToObject(c, "total", (double)total);
    cJSON_AddBoolToObject(c, "hasMore", total > COMPLETION_MAX_VALUES);
    return r;
}
