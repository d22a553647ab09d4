#define _GNU_SOURCE /* RTLD_NOW|RTLD_LOCAL are POSIX; dlerror wording is glibc's */
#include "registry/plugin_loader.h"

#include "base/action_path.h"

#include "base/json_exact.h"
#include "base/util.h"
#include "registry/tool_json.h"

#include <cjson/cJSON.h>
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Sizes of the ABI 1.0 structs, frozen: the smallest a plugin of this major may declare.
 * When a minor appends a field, sizeof grows but these stay, so older plugins still load
 * (their missing trailing fields read as zero in the host-sized copies). */
#define MM_PLUGIN_SIZE_1_0 (offsetof(mistmcp_plugin, reserved) + 8 * sizeof(void *))
#define MM_TOOL_SIZE_1_0 (offsetof(mistmcp_tool, reserved) + 4 * sizeof(void *))
#define MM_PARAM_SIZE_1_0 (offsetof(mistmcp_param, reserved) + 3)
_Static_assert(MM_PLUGIN_SIZE_1_0 == sizeof(mistmcp_plugin) &&
                   MM_TOOL_SIZE_1_0 == sizeof(mistmcp_tool) &&
                   MM_PARAM_SIZE_1_0 == sizeof(mistmcp_param),
               "ABI 1.0 sizes: when a struct grows, bump MISTMCP_ABI_MINOR and keep these");

static int valid_chars(const char *s, size_t max, const char *extra, int upper)
{
    if (!s)
        return 0;
    size_t n = 0;
    for (; s[n]; n++) {
        char c = s[n];
        int ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                 (upper && c >= 'A' && c <= 'Z') || strchr(extra, c);
        if (!ok || n >= max)
            return 0;
    }
    return n > 0;
}

int mm_valid_category_name(const char *s)
{
    return valid_chars(s, 64, "_", 0);
}

int mm_valid_tool_name(const char *s)
{
    return valid_chars(s, 128, "_.-", 1);
}

static int all_null(const void *const *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return 0;
    return 1;
}

/* 1 if the path template has a {name} placeholder. */
static int path_has(const char *path, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = strchr(path, '{'); p; p = strchr(p + 1, '{'))
        if (strncmp(p + 1, name, n) == 0 && p[1 + n] == '}')
            return 1;
    return 0;
}

static int check_param(const mistmcp_tool *t, const mistmcp_param *p, unsigned i, char *err,
                       size_t err_size)
{
    if (!p->name || !*p->name)
        return mm_fail(err, err_size, "tool %s: parameter #%u has no name", t->name, i);
    if (p->location != MISTMCP_PARAM_PATH && p->location != MISTMCP_PARAM_QUERY)
        return mm_fail(err, err_size, "tool %s: parameter %s has unknown location %u", t->name,
                       p->name, p->location);
    if (p->type > MISTMCP_TYPE_OBJECT || p->item_type > MISTMCP_TYPE_OBJECT ||
        p->style > MISTMCP_ARRAY_PIPE || p->required > 1 || p->reserved[0] || p->reserved[1] ||
        p->reserved[2])
        return mm_fail(err, err_size,
                       "tool %s: parameter %s has an out-of-range type, style, required flag "
                       "or a non-zero reserved byte",
                       t->name, p->name);
    if (p->location == MISTMCP_PARAM_PATH && !path_has(t->path, p->name))
        return mm_fail(err, err_size, "tool %s: path parameter %s is not in path %s", t->name,
                       p->name, t->path);
    return 0;
}

/* Checks one tool; its parsed input schema goes to *schema when schema is not NULL. */
static int check_tool(const mistmcp_tool *t, size_t index, cJSON **schema_out, char *err,
                      size_t err_size)
{
    if (!mm_valid_tool_name(t->name))
        return mm_fail(err, err_size,
                       "tool #%zu has an invalid name '%s' (expected [A-Za-z0-9_.-]{1,128})", index,
                       t->name ? t->name : "(null)");
    if (!t->description)
        return mm_fail(err, err_size, "tool %s has no description", t->name);
    if (!t->input_schema)
        return mm_fail(err, err_size, "tool %s has no input schema", t->name);
    if (t->annotations & ~MISTMCP_ANN_KNOWN_1_0)
        return mm_fail(err, err_size, "tool %s has unknown annotation bits 0x%x", t->name,
                       t->annotations & ~MISTMCP_ANN_KNOWN_1_0);
    if (t->reserved0 || !all_null(t->reserved, sizeof t->reserved / sizeof t->reserved[0]))
        return mm_fail(err, err_size, "tool %s has non-zero reserved fields", t->name);
    cJSON *schema = cJSON_ParseWithOpts(t->input_schema, NULL, 1); /* nothing after it */
    if (!cJSON_IsObject(schema)) {
        cJSON_Delete(schema);
        return mm_fail(err, err_size, "tool %s: input schema is not a JSON object", t->name);
    }
    if (schema_out)
        *schema_out = schema;
    else
        cJSON_Delete(schema);
    if (t->kind == MISTMCP_TOOL_CUSTOM) {
        if (!t->handler)
            return mm_fail(err, err_size, "custom tool %s has no handler", t->name);
        return 0;
    }
    if (t->kind != MISTMCP_TOOL_DECLARATIVE)
        return mm_fail(err, err_size, "tool %s has unknown kind %u", t->name, t->kind);
    if (t->method < MISTMCP_HTTP_GET || t->method > MISTMCP_HTTP_PATCH)
        return mm_fail(err, err_size, "tool %s has unknown HTTP method %u", t->name, t->method);
    if (!t->path || t->path[0] != '/')
        return mm_fail(err, err_size, "tool %s has no path starting with '/'", t->name);
    /* Mist acts on some GETs: such a tool writes, whatever the plugin's annotation claims. */
    const char *acts = t->method == MISTMCP_HTTP_GET ? mm_action_path_word(t->path) : NULL;
    if (acts && (t->annotations & MISTMCP_ANN_READ_ONLY))
        return mm_fail(err, err_size,
                       "tool %s is marked read-only, but GET %s performs an action ('%s'): "
                       "mark it as a write tool (no MISTMCP_ANN_READ_ONLY)",
                       t->name, t->path, acts);
    if (t->param_count && !t->params)
        return mm_fail(err, err_size, "tool %s declares %u parameters but no table", t->name,
                       t->param_count);
    for (unsigned i = 0; i < t->param_count; i++)
        if (check_param(t, &t->params[i], i, err, err_size) != 0)
            return -1;
    /* Every {placeholder} needs its parameter, or the URL could never be built. */
    for (const char *p = strchr(t->path, '{'); p; p = strchr(p + 1, '{')) {
        size_t n = strcspn(p + 1, "}");
        int found = 0;
        for (unsigned i = 0; i < t->param_count && !found; i++)
            found = t->params[i].location == MISTMCP_PARAM_PATH && strlen(t->params[i].name) == n &&
                    strncmp(t->params[i].name, p + 1, n) == 0;
        if (!found)
            return mm_fail(err, err_size, "tool %s: path %s has {%.*s} but no such parameter",
                           t->name, t->path, (int)n, p + 1);
    }
    return 0;
}

static int check_plugin(const mistmcp_plugin *d, const mistmcp_tool *tools, cJSON **schemas,
                        char *err, size_t err_size)
{
    if (d->reserved0 || !all_null(d->reserved, sizeof d->reserved / sizeof d->reserved[0]))
        return mm_fail(err, err_size, "descriptor has non-zero reserved fields");
    if (!mm_valid_category_name(d->category))
        return mm_fail(err, err_size, "invalid category name '%s' (expected [a-z0-9_]{1,64})",
                       d->category ? d->category : "(null)");
    for (size_t i = 0; i < d->tool_count; i++) {
        if (check_tool(&tools[i], i, schemas ? &schemas[i] : NULL, err, err_size) != 0)
            return -1;
        for (size_t k = 0; k < i; k++)
            if (strcmp(tools[k].name, tools[i].name) == 0)
                return mm_fail(err, err_size, "tool name %s appears twice", tools[i].name);
    }
    return 0;
}

int mm_plugin_check(const mistmcp_plugin *d, const mistmcp_tool *tools, char *err, size_t err_size)
{
    return check_plugin(d, tools, NULL, err, err_size);
}

static int check_header(const mistmcp_plugin *d, char *err, size_t err_size)
{
    if (d->magic != MISTMCP_PLUGIN_MAGIC)
        return mm_fail(err, err_size, "not a mistmcp plugin (magic 0x%08x, expected 0x%08x)",
                       d->magic, MISTMCP_PLUGIN_MAGIC);
    if (d->abi_major != MISTMCP_ABI_MAJOR)
        return mm_fail(err, err_size,
                       "built for plugin ABI %u.%u, this server has ABI %u.%u (the major must "
                       "match: rebuild the plugin against this server's plugin.h)",
                       d->abi_major, d->abi_minor, MISTMCP_ABI_MAJOR, MISTMCP_ABI_MINOR);
    if (d->abi_minor > MISTMCP_ABI_MINOR)
        return mm_fail(err, err_size,
                       "built for plugin ABI %u.%u, newer than this server's ABI %u.%u "
                       "(upgrade mistmcp)",
                       d->abi_major, d->abi_minor, MISTMCP_ABI_MAJOR, MISTMCP_ABI_MINOR);
    if (d->struct_size < MM_PLUGIN_SIZE_1_0 || d->struct_size > sizeof(mistmcp_plugin))
        return mm_fail(err, err_size, "descriptor size %u does not fit ABI %u.%u (%zu..%zu)",
                       d->struct_size, d->abi_major, d->abi_minor, MM_PLUGIN_SIZE_1_0,
                       sizeof(mistmcp_plugin));
    return 0;
}

/* Reads the descriptor in two steps: the fixed head first, so struct_size is known before any
 * field beyond it is touched. */
static int copy_descriptor(const mistmcp_plugin *src, mm_loaded *out, char *err, size_t err_size)
{
    /* magic..struct_size are at the same offsets in every ABI. */
    mistmcp_plugin head;
    memset(&head, 0, sizeof head);
    memcpy(&head, src, offsetof(mistmcp_plugin, tool_size));
    if (check_header(&head, err, err_size) != 0)
        return -1;
    memset(&out->desc, 0, sizeof out->desc);
    memcpy(&out->desc, src, head.struct_size);
    const mistmcp_plugin *d = &out->desc;
    if (d->tool_size < MM_TOOL_SIZE_1_0 || d->tool_size > sizeof(mistmcp_tool))
        return mm_fail(err, err_size, "tool entry size %u does not fit ABI %u.%u (%zu..%zu)",
                       d->tool_size, d->abi_major, d->abi_minor, MM_TOOL_SIZE_1_0,
                       sizeof(mistmcp_tool));
    if (d->tool_count > 100000)
        return mm_fail(err, err_size, "implausible tool count %u", d->tool_count);
    if (d->tool_count && !d->tools)
        return mm_fail(err, err_size, "declares %u tools but no tool table", d->tool_count);
    out->tools = mm_xcalloc(d->tool_count ? d->tool_count : 1, sizeof *out->tools);
    for (uint32_t i = 0; i < d->tool_count; i++)
        memcpy(&out->tools[i], (const char *)d->tools + (size_t)i * d->tool_size, d->tool_size);
    /* Parameter tables: used in place when the plugin's stride is ours, else copied. */
    for (uint32_t i = 0; i < d->tool_count; i++) {
        mistmcp_tool *t = &out->tools[i];
        if (!t->param_count || !t->params || t->param_size == sizeof(mistmcp_param))
            continue;
        if (t->param_size < MM_PARAM_SIZE_1_0 || t->param_size > sizeof(mistmcp_param))
            return mm_fail(err, err_size,
                           "tool #%u: parameter size %u does not fit ABI %u.%u "
                           "(%zu..%zu)",
                           i, t->param_size, d->abi_major, d->abi_minor, MM_PARAM_SIZE_1_0,
                           sizeof(mistmcp_param));
        mistmcp_param *copy = mm_xcalloc(t->param_count, sizeof *copy);
        for (unsigned k = 0; k < t->param_count; k++)
            memcpy(&copy[k], (const char *)t->params + (size_t)k * t->param_size, t->param_size);
        t->params = copy;
        out->param_copies =
            mm_xrealloc(out->param_copies, (out->param_copy_count + 1) * sizeof *out->param_copies);
        out->param_copies[out->param_copy_count++] = copy;
    }
    return 0;
}

static void free_copies(mm_loaded *p)
{
    for (size_t i = 0; i < p->param_copy_count; i++)
        free(p->param_copies[i]);
    free(p->param_copies);
    for (size_t i = 0; p->schemas && i < p->desc.tool_count; i++)
        cJSON_Delete(p->schemas[i]);
    free(p->schemas);
    for (size_t i = 0; p->texts && i < p->desc.tool_count; i++)
        free(p->texts[i]);
    free(p->texts);
    free(p->tools);
}

int mm_plugin_adopt(const mistmcp_plugin *src, const char *expected, mm_loaded *out, char *why,
                    size_t why_size)
{
    memset(out, 0, sizeof *out);
    int rc = -1;
    if (!src) {
        snprintf(why, why_size, "the entry point returned no descriptor");
    } else if (copy_descriptor(src, out, why, why_size) == 0 &&
               (out->schemas = mm_xcalloc(out->desc.tool_count + 1, sizeof *out->schemas)) &&
               check_plugin(&out->desc, out->tools, out->schemas, why, why_size) == 0) {
        if (expected && strcmp(out->desc.category, expected) != 0)
            snprintf(why, why_size, "declares category '%s', expected '%s' from its file name",
                     out->desc.category, expected);
        else
            rc = 0;
    }
    if (rc != 0) {
        free_copies(out);
        memset(out, 0, sizeof *out);
        return -1;
    }
    out->texts = mm_xcalloc(out->desc.tool_count + 1, sizeof *out->texts);
    for (size_t i = 0; i < out->desc.tool_count; i++) {
        /* tools/list carries the schema's text as it is, and cJSON took more than JSON (raw
         * control bytes in strings, 01, "\u12"): its strict text goes instead, the same bytes
         * for a compact schema (every generated one), else it is printed from the parse. */
        mistmcp_tool shown = out->tools[i];
        char *strict = mm_json_strict_text(shown.input_schema, strlen(shown.input_schema), NULL);
        if (!strict)
            strict = mm_json_print_exact(out->schemas[i]);
        shown.input_schema = strict;
        cJSON *j = mm_tool_json(&shown);
        out->texts[i] = cJSON_PrintUnformatted(j);
        cJSON_Delete(j);
        free(strict);
    }
    return 0;
}

int mm_plugin_open(const char *path, const char *expected, const mistmcp_host_api *host,
                   mm_loaded *out, char *err, size_t err_size)
{
    memset(out, 0, sizeof *out);
    char why[400];
    if (access(path, R_OK) != 0)
        return mm_fail(err, err_size, "plugin [%s]: no such readable file", path);
    dlerror();
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char *e = dlerror();
        return mm_fail(err, err_size, "plugin [%s]: cannot load: %s", path, e ? e : "unknown");
    }
    mistmcp_plugin_entry_fn entry;
    *(void **)&entry = dlsym(h, MISTMCP_PLUGIN_SYMBOL);
    if (!entry) {
        dlclose(h);
        return mm_fail(err, err_size, "plugin [%s]: no entry point [%s]", path,
                       MISTMCP_PLUGIN_SYMBOL);
    }
    int rc = mm_plugin_adopt(entry(), expected, out, why, sizeof why);
    if (rc == 0 && out->desc.init) {
        char init_err[256] = "";
        int failed = out->desc.init(host, init_err, sizeof init_err) != 0;
        init_err[sizeof init_err - 1] = '\0'; /* in case the plugin did not terminate it */
        if (failed) {
            snprintf(why, sizeof why, "init failed: %s",
                     init_err[0] ? init_err : "no reason given");
            rc = -1;
        }
    }
    if (rc != 0) {
        free_copies(out);
        memset(out, 0, sizeof *out);
        dlclose(h);
        return mm_fail(err, err_size, "plugin [%s]: %s", path, why);
    }
    out->handle = h;
    return 0;
}

void mm_plugin_close(mm_loaded *p)
{
    if (p->handle) {
        if (p->desc.fini)
            p->desc.fini();
        dlclose(p->handle);
    }
    free_copies(p);
    memset(p, 0, sizeof *p);
}
