#define _GNU_SOURCE /* RTLD_NOW|RTLD_LOCAL are POSIX; dlerror wording is glibc's */
#include "plugin_loader.h"

#include "util.h"

#include <cjson/cJSON.h>
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Sizes of the ABI 1.0 structs: the smallest a plugin of this major may declare. */
#define MM_PLUGIN_SIZE_1_0 sizeof(mistmcp_plugin)
#define MM_TOOL_SIZE_1_0 sizeof(mistmcp_tool)

static int check_tool(const mistmcp_tool *t, size_t index, char *err, size_t err_size)
{
    if (!mm_valid_tool_name(t->name))
        return mm_fail(err, err_size,
                       "tool #%zu has an invalid name '%s' (expected [A-Za-z0-9_.-]{1,128})", index,
                       t->name ? t->name : "(null)");
    if (!t->description)
        return mm_fail(err, err_size, "tool %s has no description", t->name);
    if (!t->input_schema)
        return mm_fail(err, err_size, "tool %s has no input schema", t->name);
    cJSON *schema = cJSON_Parse(t->input_schema);
    int is_object = cJSON_IsObject(schema);
    cJSON_Delete(schema);
    if (!is_object)
        return mm_fail(err, err_size, "tool %s: input schema is not a JSON object", t->name);
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
    if (t->param_count && !t->params)
        return mm_fail(err, err_size, "tool %s declares %u parameters but no table", t->name,
                       t->param_count);
    for (unsigned i = 0; i < t->param_count; i++) {
        const mistmcp_param *p = &t->params[i];
        if (!p->name || !*p->name)
            return mm_fail(err, err_size, "tool %s: parameter #%u has no name", t->name, i);
        if (p->location != MISTMCP_PARAM_PATH && p->location != MISTMCP_PARAM_QUERY)
            return mm_fail(err, err_size, "tool %s: parameter %s has unknown location %u", t->name,
                           p->name, p->location);
        if (p->location == MISTMCP_PARAM_PATH) {
            char needle[160];
            snprintf(needle, sizeof needle, "{%s}", p->name);
            if (!strstr(t->path, needle))
                return mm_fail(err, err_size, "tool %s: path parameter %s is not in path %s",
                               t->name, p->name, t->path);
        }
    }
    return 0;
}

int mm_plugin_check(const mistmcp_plugin *d, const mistmcp_tool *tools, char *err, size_t err_size)
{
    if (!mm_valid_category_name(d->category))
        return mm_fail(err, err_size, "invalid category name '%s' (expected [a-z0-9_]{1,64})",
                       d->category ? d->category : "(null)");
    if (d->tool_count && !tools)
        return mm_fail(err, err_size, "declares %u tools but no tool table", d->tool_count);
    for (size_t i = 0; i < d->tool_count; i++) {
        if (check_tool(&tools[i], i, err, err_size) != 0)
            return -1;
        for (size_t k = 0; k < i; k++)
            if (strcmp(tools[k].name, tools[i].name) == 0)
                return mm_fail(err, err_size, "tool name %s appears twice", tools[i].name);
    }
    return 0;
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
    out->tools = mm_xcalloc(d->tool_count ? d->tool_count : 1, sizeof *out->tools);
    for (uint32_t i = 0; d->tools && i < d->tool_count; i++)
        memcpy(&out->tools[i], (const char *)d->tools + (size_t)i * d->tool_size, d->tool_size);
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
    const mistmcp_plugin *src = entry();
    int rc = -1;
    if (!src) {
        snprintf(why, sizeof why, "the entry point returned no descriptor");
    } else if (copy_descriptor(src, out, why, sizeof why) == 0 &&
               mm_plugin_check(&out->desc, out->tools, why, sizeof why) == 0) {
        if (expected && strcmp(out->desc.category, expected) != 0)
            snprintf(why, sizeof why, "declares category '%s', expected '%s' from its file name",
                     out->desc.category, expected);
        else
            rc = 0;
    }
    if (rc == 0 && out->desc.init) {
        char init_err[256] = "";
        if (out->desc.init(host, init_err, sizeof init_err) != 0) {
            snprintf(why, sizeof why, "init failed: %s",
                     init_err[0] ? init_err : "no reason given");
            rc = -1;
        }
    }
    if (rc != 0) {
        free(out->tools);
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
    free(p->tools);
    memset(p, 0, sizeof *p);
}
