#define _POSIX_C_SOURCE 200809L
#include "mist/request_build.h"

#include "base/json_exact.h"
#include "base/util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void puts_(mm_buf *b, const char *s)
{
    mm_buf_put(b, s, strlen(s));
}

static void put_encoded(mm_buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
            *p == '-' || *p == '.' || *p == '_' || *p == '~') {
            mm_buf_put(b, (const char *)p, 1);
        } else {
            char esc[3] = {'%', hex[*p >> 4], hex[*p & 15]};
            mm_buf_put(b, esc, 3);
        }
    }
}

const char *mm_http_method_name(int method)
{
    static const char *const names[] = {"?", "GET", "POST", "PUT", "DELETE", "PATCH"};
    return method >= 1 && method <= 5 ? names[method] : "?";
}

/* Scalar argument as text (caller frees), or NULL for arrays/objects/null. */
static char *scalar_text(const cJSON *v)
{
    char tmp[64];
    if (cJSON_IsString(v))
        return mm_xstrdup(v->valuestring);
    if (cJSON_IsBool(v))
        return mm_xstrdup(cJSON_IsTrue(v) ? "true" : "false");
    if (cJSON_IsNumber(v)) {
        /* An integer past what a double holds goes with the digits the model sent; any other
         * number in its plain form (2.0 -> 2, 1e3 -> 1000), as URLs have always carried it. */
        const char *text = mm_json_number_text(v);
        if (text && !strpbrk(text, ".eE"))
            return mm_xstrdup(text);
        double d = v->valuedouble;
        if (d == floor(d) && fabs(d) < 9.007199254740992e15)
            snprintf(tmp, sizeof tmp, "%.0f", d);
        else
            snprintf(tmp, sizeof tmp, "%.17g", d);
        return mm_xstrdup(tmp);
    }
    if (cJSON_IsObject(v))
        return mm_json_print_exact(v); /* no OpenAPI style for these in Mist: send JSON */
    return NULL;
}

int mm_request_default_org(const mistmcp_tool *tool, cJSON *args, const char *default_org_id)
{
    if (!default_org_id || !*default_org_id || !cJSON_IsObject(args))
        return 0;
    for (unsigned i = 0; i < tool->param_count; i++) {
        const mistmcp_param *p = &tool->params[i];
        if (p->location != MISTMCP_PARAM_PATH || strcmp(p->name, "org_id") != 0)
            continue;
        const cJSON *have = cJSON_GetObjectItemCaseSensitive(args, "org_id");
        if (have && !cJSON_IsNull(have))
            return 0;
        cJSON_DeleteItemFromObjectCaseSensitive(args, "org_id");
        cJSON_AddStringToObject(args, "org_id", default_org_id);
        return 1;
    }
    return 0;
}

static int add_query(mm_buf *q, const mistmcp_param *p, const cJSON *v, char *err, size_t err_size)
{
    if (!cJSON_IsArray(v)) {
        char *text = scalar_text(v);
        if (!text)
            return mm_fail(err, err_size, "argument '%s' cannot be sent as a query value", p->name);
        puts_(q, q->len ? "&" : "?");
        put_encoded(q, p->name);
        puts_(q, "=");
        put_encoded(q, text);
        free(text);
        return 0;
    }
    if (!v->child)
        return 0; /* an empty list filters nothing */
    const char *sep = p->style == MISTMCP_ARRAY_FORM    ? ","
                      : p->style == MISTMCP_ARRAY_SPACE ? "%20"
                      : p->style == MISTMCP_ARRAY_PIPE  ? "|"
                                                        : NULL;
    int first = 1;
    const cJSON *it;
    cJSON_ArrayForEach(it, v)
    {
        char *text = scalar_text(it);
        if (!text || cJSON_IsObject(it)) {
            free(text);
            return mm_fail(err, err_size, "argument '%s' must be a list of plain values", p->name);
        }
        if (first || !sep) {
            puts_(q, q->len ? "&" : "?");
            put_encoded(q, p->name);
            puts_(q, "=");
        } else {
            puts_(q, sep);
        }
        put_encoded(q, text); /* a ',' or '|' inside a value is escaped, the separator not */
        free(text);
        first = 0;
    }
    return 0;
}

static const mistmcp_param *path_param(const mistmcp_tool *tool, const char *name, size_t len)
{
    for (unsigned i = 0; i < tool->param_count; i++) {
        const mistmcp_param *p = &tool->params[i];
        if (p->location == MISTMCP_PARAM_PATH && strlen(p->name) == len &&
            strncmp(p->name, name, len) == 0)
            return p;
    }
    return NULL;
}

int mm_request_build(const mistmcp_tool *tool, const cJSON *args, mm_request *out, char *err,
                     size_t err_size)
{
    memset(out, 0, sizeof *out);
    mm_buf path = {0}, query = {0};
    int rc = 0;
    for (const char *s = tool->path; *s && rc == 0;) {
        const char *open = strchr(s, '{');
        if (!open) {
            puts_(&path, s);
            break;
        }
        mm_buf_put(&path, s, (size_t)(open - s));
        const char *close = strchr(open, '}');
        if (!close) {
            rc = mm_fail(err, err_size, "tool %s: malformed path template", tool->name);
            break;
        }
        const mistmcp_param *p = path_param(tool, open + 1, (size_t)(close - open - 1));
        const cJSON *v = p ? cJSON_GetObjectItemCaseSensitive(args, p->name) : NULL;
        char *text = v ? scalar_text(v) : NULL;
        if (!p || !text || cJSON_IsObject(v)) {
            rc = mm_fail(err, err_size, "missing required argument '%.*s' (a string)",
                         (int)(close - open - 1), open + 1);
        } else if (!*text || strcmp(text, ".") == 0 || strcmp(text, "..") == 0) {
            rc = mm_fail(err, err_size, "argument '%s' must be an id, not '%s'", p->name, text);
        } else {
            put_encoded(&path, text);
        }
        free(text);
        s = close + 1;
    }
    for (unsigned i = 0; rc == 0 && i < tool->param_count; i++) {
        const mistmcp_param *p = &tool->params[i];
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(args, p->name);
        if (p->location == MISTMCP_PARAM_QUERY && v && !cJSON_IsNull(v))
            rc = add_query(&query, p, v, err, err_size);
    }
    const cJSON *body = cJSON_GetObjectItemCaseSensitive(args, "body");
    if (rc == 0 && body && !cJSON_IsNull(body)) {
        if (!tool->body_content_type)
            rc = mm_fail(err, err_size, "tool %s takes no body", tool->name);
        else if (strcmp(tool->body_content_type, "application/json") != 0)
            rc = mm_fail(err, err_size,
                         "tool %s needs a %s upload, which mistmcp cannot send; use the Mist "
                         "dashboard for file uploads",
                         tool->name, tool->body_content_type);
        else
            out->body = mm_json_print_exact(body);
    }
    if (rc != 0) {
        free(path.data);
        free(query.data);
        free(out->body);
        memset(out, 0, sizeof *out);
        return -1;
    }
    if (query.len)
        puts_(&path, query.data);
    free(query.data);
    out->method = mm_http_method_name(tool->method);
    out->target = path.data ? path.data : mm_xstrdup("/");
    return 0;
}

void mm_request_free(mm_request *req)
{
    free(req->target);
    free(req->body);
    memset(req, 0, sizeof *req);
}
