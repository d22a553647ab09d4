/*
 * Fuzz target: tool arguments -> the Mist request (core/mist/request_build.c), for any
 * declarative tool of the generated catalog, as a tool call builds it (default org, argument
 * check, then the request; the request is built whatever the check said, since the builder
 * promises its guarantees on its own).
 *
 * Input: two bytes pick the tool (modulo the number of tools, over every category plugin of
 * the build), one byte of flags (bit 0: a default org id is set), then the arguments as JSON.
 *
 * Checked on every request built (core/mist/request_build.h): a known method; a target of
 * printable ASCII without '#', CR or LF; the path is the tool's template with exactly one
 * non-empty segment part per path parameter, holding no '/', '?' or '#' and no raw or
 * percent-encoded dot segment, which decodes back to the argument's string; as many '/' as
 * the template; a query of name=value pairs naming the tool's query parameters; a body only
 * for tools with a JSON body, strict JSON whenever the arguments were.
 *
 * FUZZ_ECHO=1 in the environment prints the tools with their numbers at start, and each
 * request built (to read what an input does, e.g. when writing seeds).
 */
#define _GNU_SOURCE /* strndup */
#include "base/json_exact.h"
#include "base/util.h"
#include "fuzz_check.h"
#include "fuzz_registry.h"
#include "json_strict.h"
#include "mcp/args_check.h"
#include "mist/request_build.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct tool_ref {
    const mistmcp_tool *tool;
    const cJSON *schema;
} tool_ref;

static tool_ref *tools;
static size_t tool_count;
static int echo;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    mm_registry *reg = fuzz_registry();
    size_t cap = 0;
    for (size_t c = 0; c < mm_registry_count(reg); c++) {
        const mm_plugin_view *v = fuzz_registry_view(c);
        for (size_t i = 0; i < v->tool_count; i++) {
            if (v->tools[i].kind != MISTMCP_TOOL_DECLARATIVE)
                continue;
            /* check_path finds a value's end where its encoded characters end: a placeholder
             * ends its segment in every template of the catalog, and must, for that. */
            for (const char *c = strchr(v->tools[i].path, '}'); c; c = strchr(c + 1, '}'))
                FUZZ_ASSERT(c[1] == '/' || c[1] == '\0', "tool %s: path %s", v->tools[i].name,
                            v->tools[i].path);
            if (tool_count == cap)
                tools = mm_xrealloc(tools, (cap = cap ? cap * 2 : 1024) * sizeof *tools);
            tools[tool_count++] = (tool_ref){&v->tools[i], v->schemas[i]};
        }
    }
    FUZZ_ASSERT(tool_count > 0, "no declarative tool in %zu categories", mm_registry_count(reg));
    echo = getenv("FUZZ_ECHO") != NULL;
    for (size_t i = 0; echo && i < tool_count; i++)
        fprintf(stderr, "tool %zu (bytes 0x%02zx 0x%02zx): %s %s %s\n", i, i >> 8, i & 0xff,
                tools[i].tool->name, mm_http_method_name(tools[i].tool->method),
                tools[i].tool->path);
    return 0;
}

static int unreserved(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

static int hex(char c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                  : -1;
}

/* s[0..n) percent-decoded (caller frees), or NULL if a '%' is not followed by two hex digits.
 * *len gets the decoded length (a decoded NUL counts). */
static char *decode(const char *s, size_t n, size_t *len)
{
    char *out = mm_xmalloc(n + 1);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '%') {
            out[k++] = s[i];
            continue;
        }
        if (i + 2 >= n || hex(s[i + 1]) < 0 || hex(s[i + 2]) < 0) {
            free(out);
            return NULL;
        }
        out[k++] = (char)(hex(s[i + 1]) << 4 | hex(s[i + 2]));
        i += 2;
    }
    out[k] = '\0';
    *len = k;
    return out;
}

static int dot_segment(const char *s, size_t n)
{
    return (n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.');
}

static const mistmcp_param *param(const mistmcp_tool *t, const char *name, size_t n, int where)
{
    for (unsigned i = 0; i < t->param_count; i++)
        if (t->params[i].location == where && strlen(t->params[i].name) == n &&
            memcmp(t->params[i].name, name, n) == 0)
            return &t->params[i];
    return NULL;
}

/* The path of target against the tool's template; returns where the path ends. */
static const char *check_path(const mistmcp_tool *t, const cJSON *args, const char *target)
{
    const char *u = target;
    for (const char *s = t->path; *s;) {
        if (*s != '{') {
            FUZZ_ASSERT(*u == *s, "tool %s: '%s' does not follow the template %s", t->name, target,
                        t->path);
            s++, u++;
            continue;
        }
        const char *close = strchr(s, '}');
        FUZZ_ASSERT(close, "tool %s: template %s", t->name, t->path);
        const mistmcp_param *p = param(t, s + 1, (size_t)(close - s - 1), MISTMCP_PARAM_PATH);
        FUZZ_ASSERT(p, "tool %s: {%.*s} has no parameter", t->name, (int)(close - s - 1), s + 1);
        size_t n = 0;
        while (unreserved(u[n]) || u[n] == '%')
            n++;
        FUZZ_ASSERT(n > 0, "tool %s: empty value for %s in %s", t->name, p->name, target);
        FUZZ_ASSERT(!dot_segment(u, n), "tool %s: dot segment for %s in %s", t->name, p->name,
                    target);
        size_t len = 0;
        char *plain = decode(u, n, &len);
        FUZZ_ASSERT(plain, "tool %s: bad percent-encoding for %s in %s", t->name, p->name, target);
        FUZZ_ASSERT(!dot_segment(plain, len), "tool %s: encoded dot segment for %s in %s", t->name,
                    p->name, target);
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(args, p->name);
        if (cJSON_IsString(v))
            FUZZ_ASSERT(len == strlen(v->valuestring) && memcmp(plain, v->valuestring, len) == 0,
                        "tool %s: %s is '%s' in %s, not the argument's '%s'", t->name, p->name,
                        plain, target, v->valuestring);
        free(plain);
        u += n;
        s = close + 1;
    }
    return u;
}

static void check_query(const mistmcp_tool *t, const char *q, const char *target)
{
    if (!*q)
        return;
    FUZZ_ASSERT(*q == '?', "tool %s: the path of %s goes on past its template", t->name, target);
    for (q++; *q;) {
        size_t n = strcspn(q, "&");
        const char *eq = memchr(q, '=', n);
        FUZZ_ASSERT(eq && eq > q, "tool %s: query pair '%.*s' in %s", t->name, (int)n, q, target);
        size_t name_len = 0;
        char *name = decode(q, (size_t)(eq - q), &name_len);
        FUZZ_ASSERT(name && param(t, name, name_len, MISTMCP_PARAM_QUERY),
                    "tool %s: query name '%.*s' in %s", t->name, (int)(eq - q), q, target);
        free(name);
        for (const char *c = eq + 1; c < q + n; c++)
            FUZZ_ASSERT(unreserved(*c) || *c == '%' || *c == ',' || *c == '|',
                        "tool %s: raw '%c' in the query value of %s", t->name, *c, target);
        size_t vlen;
        char *value = decode(eq + 1, (size_t)(q + n - eq - 1), &vlen);
        FUZZ_ASSERT(value, "tool %s: bad percent-encoding in %s", t->name, target);
        free(value);
        q += n + (q[n] == '&');
    }
}

static void check_request(const mistmcp_tool *t, const cJSON *args, const mm_request *req,
                          int args_strict)
{
    FUZZ_ASSERT(strcmp(req->method, mm_http_method_name(t->method)) == 0 &&
                    strcmp(req->method, "?") != 0,
                "tool %s: method %s", t->name, req->method);
    const char *target = req->target;
    for (const unsigned char *c = (const unsigned char *)target; *c; c++)
        FUZZ_ASSERT(*c > 0x20 && *c < 0x7f && *c != '#', "tool %s: byte 0x%02x in the target %s",
                    t->name, *c, target);
    const char *path_end = check_path(t, args, target);
    size_t slashes = 0, template_slashes = 0;
    for (const char *c = target; c < path_end; c++)
        slashes += *c == '/';
    for (const char *c = t->path; *c; c++)
        template_slashes += *c == '/';
    FUZZ_ASSERT(slashes == template_slashes, "tool %s: %zu segments in %s, %zu in %s", t->name,
                slashes, target, template_slashes, t->path);
    for (const char *seg = target; seg < path_end;) { /* every segment, template ones too */
        size_t n = strcspn(seg + 1, "/");
        if (seg + 1 + n > path_end)
            n = (size_t)(path_end - seg - 1);
        size_t len;
        char *plain = decode(seg + 1, n, &len);
        FUZZ_ASSERT(plain && !dot_segment(seg + 1, n) && !dot_segment(plain, len),
                    "tool %s: dot segment in %s", t->name, target);
        free(plain);
        seg += 1 + n;
    }
    check_query(t, path_end, target);
    if (req->body) {
        FUZZ_ASSERT(t->body_content_type && strcmp(t->body_content_type, "application/json") == 0,
                    "tool %s: a body for content type %s", t->name,
                    t->body_content_type ? t->body_content_type : "(none)");
        FUZZ_ASSERT(!strpbrk(req->body, "\r\n"), "tool %s: raw CR or LF in the body", t->name);
        FUZZ_ASSERT(!args_strict || mm_json_strict(req->body),
                    "tool %s: strict JSON arguments gave a body that is not: %.300s", t->name,
                    req->body);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 3)
        return 0;
    const tool_ref *ref = &tools[((size_t)data[0] << 8 | data[1]) % tool_count];
    int default_org = data[2] & 1;
    const char *json = (const char *)data + 3;
    size_t len = size - 3;
    char *copy = strndup(json, len); /* for the strict check, which wants a C string */
    int strict = copy && strlen(copy) == len && mm_json_strict(copy);
    free(copy);
    cJSON *args = mm_json_parse_exact(json, len, NULL);
    if (!args)
        return 0;
    if (default_org)
        mm_request_default_org(ref->tool, args, "9f1e5a3c-0000-4000-8000-000000000001");
    char err[600];
    (void)mm_args_check(ref->schema, args, err, sizeof err);
    mm_request req;
    if (mm_request_build(ref->tool, args, &req, err, sizeof err) == 0) {
        if (echo)
            fprintf(stderr, "%s: %s %s%s%s\n", ref->tool->name, req.method, req.target,
                    req.body ? " " : "", req.body ? req.body : "");
        check_request(ref->tool, args, &req, strict);
        mm_request_free(&req);
    } else if (echo) {
        fprintf(stderr, "%s: refused: %s\n", ref->tool->name, err);
    }
    cJSON_Delete(args);
    return 0;
}
