#define _POSIX_C_SOURCE 200809L
#include "mist/result_shape.h"

#include "base/json_exact.h"
#include "base/util.h"
#include "mist/projection.h"
#include "mist/table_text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

cJSON *mm_result_text(const char *text, int is_error)
{
    cJSON *result = cJSON_CreateObject();
    cJSON *content = cJSON_AddArrayToObject(result, "content");
    cJSON *block = cJSON_CreateObject();
    cJSON_AddStringToObject(block, "type", "text");
    cJSON_AddStringToObject(block, "text", text);
    cJSON_AddItemToArray(content, block);
    if (is_error)
        cJSON_AddTrueToObject(result, "isError");
    return result;
}

const char *mm_response_header(const mistmcp_response *r, const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; r && i < r->header_count; i++)
        if (strncasecmp(r->headers[i], name, n) == 0 && r->headers[i][n] == ':') {
            const char *v = r->headers[i] + n + 1;
            while (*v == ' ' || *v == '\t')
                v++;
            return v;
        }
    return NULL;
}

static void add_text(cJSON *result, const char *text)
{
    cJSON *block = cJSON_CreateObject();
    cJSON_AddStringToObject(block, "type", "text");
    cJSON_AddStringToObject(block, "text", text);
    cJSON_AddItemToArray(cJSON_GetObjectItemCaseSensitive(result, "content"), block);
}

static const char *hint_for(long status)
{
    switch (status) {
    case 400: return "Check the arguments against the tool's input schema.";
    case 401:
        return "The API token is invalid or expired: set MIST_API_TOKEN to a valid token "
               "(HTTP mode: send it in X-Authorization).";
    case 403:
        return "The token has no access to this object: call getSelf to see which orgs and "
               "sites it can use, and check org_id/site_id.";
    case 404:
        return "An id in the request does not exist: check org_id, site_id and the other ids "
               "(getSelf lists the orgs and sites of the token).";
    case 429:
        return "Rate limited: Mist allows 5,000 calls per hour per token. Wait and try again.";
    default:
        return status >= 500 ? "Mist had a server error; try again in a moment."
                             : "Check the request.";
    }
}

/* Mist's own message: "detail", "message" or "error" of a JSON body, else the body start. */
static void mist_message(const mistmcp_response *r, char *out, size_t size)
{
    out[0] = '\0';
    cJSON *j = r->body ? cJSON_ParseWithLength(r->body, r->length) : NULL;
    static const char *const keys[] = {"detail", "message", "error", "reason"};
    for (size_t i = 0; j && i < 4 && !out[0]; i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, keys[i]);
        if (cJSON_IsString(v))
            snprintf(out, size, "%s", v->valuestring);
        else if (v && !cJSON_IsNull(v)) {
            char *s = cJSON_PrintUnformatted(v);
            snprintf(out, size, "%s", s);
            free(s);
        }
    }
    cJSON_Delete(j);
    if (!out[0] && r->body && r->length)
        snprintf(out, size, "%.*s", (int)(r->length < 200 ? r->length : 200), r->body);
}

static int header_long(const mistmcp_response *r, const char *name, long *out)
{
    const char *v = mm_response_header(r, name);
    char *end = NULL;
    if (!v)
        return 0;
    long n = strtol(v, &end, 10);
    if (end == v)
        return 0;
    *out = n;
    return 1;
}

/* {page, limit, total, next} from X-Page-* headers and a body "next", or NULL. */
static cJSON *pagination(const mistmcp_response *r, const cJSON *body, char *note, size_t size)
{
    long page = 0, limit = 0, total = 0;
    int hp = header_long(r, "X-Page-Page", &page), hl = header_long(r, "X-Page-Limit", &limit),
        ht = header_long(r, "X-Page-Total", &total);
    const cJSON *next = cJSON_GetObjectItemCaseSensitive(body, "next");
    int has_next = cJSON_IsString(next) && next->valuestring[0];
    note[0] = '\0';
    if (!hp && !hl && !ht && !has_next)
        return NULL;
    cJSON *p = cJSON_CreateObject();
    if (hp)
        cJSON_AddNumberToObject(p, "page", (double)page);
    if (hl)
        cJSON_AddNumberToObject(p, "limit", (double)limit);
    if (ht)
        cJSON_AddNumberToObject(p, "total", (double)total);
    if (has_next) {
        cJSON_AddStringToObject(p, "next", next->valuestring);
        snprintf(note, size,
                 "More results: Mist returned a 'next' link (%.200s); call again with the "
                 "search_after value it carries, or narrow the query.",
                 next->valuestring);
    } else if (ht && hl && hp && total > 0 && limit > 0 && limit <= 1000000 && page > 0 &&
               page <= 1000000 && page * limit < total) { /* more pages; no division by 0 */
        snprintf(note, size,
                 "Page %ld of %ld (limit %ld, %ld in total): call again with page=%ld for more.",
                 page, total / limit + (total % limit != 0), limit, total, page + 1);
    }
    return p;
}

cJSON *mm_result_from_response(const mistmcp_response *r, size_t max_bytes)
{
    char msg[600], text[1200];
    if (r->status < 200 || r->status >= 300) {
        mist_message(r, msg, sizeof msg);
        const char *retry = r->status == 429 ? mm_response_header(r, "Retry-After") : NULL;
        snprintf(text, sizeof text, "Mist API error: HTTP %ld%s%s. %s%s%s%s", r->status,
                 msg[0] ? ": " : "", msg, hint_for(r->status), retry ? " Retry after " : "",
                 retry ? retry : "", retry ? " s." : "");
        cJSON *res = mm_result_text(text, 1);
        cJSON *sc = cJSON_AddObjectToObject(res, "structuredContent");
        cJSON_AddNumberToObject(sc, "status", (double)r->status);
        if (msg[0])
            cJSON_AddStringToObject(sc, "message", msg);
        return res;
    }
    if (!r->body || r->length == 0) {
        snprintf(text, sizeof text, "Done: HTTP %ld, no content.", r->status);
        return mm_result_text(text, 0);
    }
    /* Parsed to validate it and to read its paging; what goes out is Mist's own text (white
     * space between tokens aside), so every number keeps its digits. */
    const char *end = NULL, *stop = r->body + r->length;
    cJSON *body = cJSON_ParseWithLengthOpts(r->body, r->length, &end, 0);
    while (body && end && end < stop && (unsigned char)*end <= 0x20)
        end++; /* white space after the value, as cJSON counts it */
    if (!body || (end && end < stop)) {
        cJSON_Delete(body);
        snprintf(text, sizeof text,
                 "Mist answered HTTP %ld with something that is not JSON (first bytes: %.120s). "
                 "Try again; if it persists, the Mist API may be degraded.",
                 r->status, r->body);
        return mm_result_text(text, 1);
    }
    char note[400];
    cJSON *paging = pagination(r, body, note, sizeof note);
    int object = cJSON_IsObject(body), array = cJSON_IsArray(body);
    int own_pagination = object && cJSON_GetObjectItemCaseSensitive(body, "pagination");
    cJSON_Delete(body);
    /* Mist's text as strict JSON (cJSON reads more than JSON allows). Invalid UTF-8 (a string
     * Mist cut mid-character) is replaced on the way out, with the rest of the message. */
    size_t len = 0;
    char *json = mm_json_strict_text(r->body, r->length, &len);
    if (!json) { /* a number (01, 1.) or an escape ("\u12") JSON does not allow: printed from
                    the parse instead */
        json = mm_json_take_text(mm_json_parse_exact(r->body, r->length, NULL));
        if (!json) /* out of memory, or nothing to print */
            return mm_result_text("The Mist answer could not be turned into text (it was too "
                                  "large or memory ran out): ask for less.",
                                  1);
        len = strlen(json);
    }
    cJSON *res;
    if (len > max_bytes) {
        /* Cut on a UTF-8 boundary; leave structuredContent out so the bound holds. */
        size_t cut = max_bytes;
        while (cut > 0 && ((unsigned char)json[cut] & 0xC0) == 0x80)
            cut--;
        json[cut] = '\0';
        res = mm_result_text(json, 0);
        snprintf(text, sizeof text,
                 "[Result cut at %zu of %zu bytes. Narrow the query (filters, a shorter "
                 "start/end window, a smaller limit) or page through it (page=, limit=, or the "
                 "'next' link).]",
                 cut, len);
        add_text(res, text);
    } else {
        res = mm_result_text(json, 0);
        cJSON *sc;
        if (object && paging && !own_pagination) {
            /* Mist's object with our "pagination" member after its own (json ends in '}'). */
            char *p = cJSON_PrintUnformatted(paging);
            mm_buf joined = {0};
            mm_buf_put(&joined, json, len - 1);
            if (len > 2) /* Mist's object has members */
                mm_buf_put(&joined, ",", 1);
            mm_buf_put(&joined, "\"pagination\":", 13);
            mm_buf_put(&joined, p, strlen(p));
            mm_buf_put(&joined, "}", 1);
            free(p);
            sc = cJSON_CreateRaw(joined.data);
            free(joined.data);
        } else if (object) {
            sc = cJSON_CreateRaw(json);
        } else {
            sc = cJSON_CreateObject();
            cJSON_AddItemToObject(sc, array ? "results" : "result", cJSON_CreateRaw(json));
            if (paging) {
                cJSON_AddItemToObject(sc, "pagination", paging);
                paging = NULL;
            }
        }
        cJSON_AddItemToObject(res, "structuredContent", sc);
    }
    if (note[0])
        add_text(res, note);
    cJSON_Delete(paging);
    free(json);
    return res;
}

/* Cuts text (len bytes) to at most max bytes: after the last whole line for a table, else on a
 * UTF-8 boundary. Returns the new length. */
static size_t cut_text(char *text, size_t len, size_t max, int table)
{
    if (len <= max)
        return len;
    size_t cut = max;
    while (cut > 0 && ((unsigned char)text[cut] & 0xC0) == 0x80)
        cut--;
    if (table) {
        size_t line = cut;
        while (line > 0 && text[line - 1] != '\n')
            line--;
        if (line > 0) /* at least the header: else the cut above stands */
            cut = line;
    }
    text[cut] = '\0';
    return cut;
}

/* "Not found in any item" note for the paths of opts that found[] says were not found. */
static void unknown_note(cJSON *res, const mm_shape_opts *o, const unsigned char *found)
{
    mm_buf b = {0};
    for (size_t i = 0; i < o->field_count; i++) {
        if (found[i])
            continue;
        mm_buf_put(&b, b.len ? ", " : "", b.len ? 2 : 0);
        mm_buf_put(&b, "\"", 1);
        mm_buf_put(&b, o->fields[i], strlen(o->fields[i]));
        mm_buf_put(&b, "\"", 1);
    }
    if (!b.len)
        return;
    char text[MM_FIELDS_MAX * 24 + 400];
    snprintf(text, sizeof text,
             "Not found in any item of the answer, so not shown: %.*s (names are case-sensitive; "
             "call without '%s' to see an item's fields).",
             (int)(b.len < MM_FIELDS_MAX * 24 ? b.len : MM_FIELDS_MAX * 24), b.data,
             o->fields_name ? o->fields_name : "fields");
    free(b.data);
    add_text(res, text);
}

/* The members of a search envelope other than its results, as "total=3, limit=100", for a
 * table (which shows only the results). */
static void envelope_note(cJSON *res, const cJSON *value, const cJSON *items)
{
    if (!cJSON_IsObject(value) || items == value)
        return;
    mm_buf b = {0};
    for (const cJSON *m = value->child; m; m = m->next) {
        if (m == items || cJSON_IsObject(m) || cJSON_IsArray(m))
            continue;
        char *v = mm_json_print_exact(m);
        mm_buf_put(&b, b.len ? ", " : "", b.len ? 2 : 0);
        mm_buf_put(&b, m->string, strlen(m->string));
        mm_buf_put(&b, "=", 1);
        if (v)
            mm_buf_put(&b, v, strlen(v));
        free(v);
    }
    if (b.len)
        add_text(res, b.data);
    free(b.data);
}

cJSON *mm_result_from_value(cJSON *value, cJSON *paging, const char *note, const mm_shape_opts *o,
                            size_t max_bytes)
{
    static const mm_shape_opts none = {0};
    o = o ? o : &none;
    unsigned char *found = NULL;
    if (o->fields && !o->found) {
        found = mm_xcalloc(o->field_count + 1, 1);
        cJSON *projected = mm_project(value, o->fields, o->field_count, found);
        cJSON_Delete(value);
        value = projected;
    }
    char *json = mm_json_print_exact(value);
    if (!json) {
        cJSON_Delete(value);
        cJSON_Delete(paging);
        free(found);
        return mm_result_text("The Mist answer could not be turned into text (it was too large "
                              "or memory ran out): ask for less.",
                              1);
    }
    size_t json_len = strlen(json), len = json_len;
    const char *why = NULL;
    const cJSON *items = mm_answer_items(value);
    const unsigned char *hit = o->found ? o->found : found;
    const char **columns = NULL; /* the paths found: an unknown one is a note, not a column */
    size_t ncol = 0;
    if (o->table && o->fields) {
        columns = mm_xcalloc(o->field_count + 1, sizeof *columns);
        for (size_t i = 0; i < o->field_count; i++)
            if (hit[i])
                columns[ncol++] = o->fields[i];
    }
    char *table = o->table ? mm_table_text(items, columns, ncol, &len, &why) : NULL;
    free(columns);
    if (!table)
        len = json_len;
    char *text = table ? table : json;
    size_t shown = cut_text(text, len, max_bytes, table != NULL);
    cJSON *res = mm_result_text(text, 0);
    char line[400];
    if (shown < len) {
        snprintf(line, sizeof line,
                 "[Result cut at %zu of %zu bytes. Narrow the query (filters, a shorter "
                 "start/end window, a smaller limit, fewer fields) or page through it (page=, "
                 "limit=, or the 'next' link).]",
                 shown, len);
        add_text(res, line);
    }
    if (json_len <= max_bytes) { /* structuredContent: the JSON, when it fits the bound too */
        cJSON *sc;
        if (cJSON_IsObject(value)) {
            if (paging && !cJSON_GetObjectItemCaseSensitive(value, "pagination")) {
                cJSON_AddItemToObject(value, "pagination", paging);
                paging = NULL;
                free(json);
                json = mm_json_print_exact(value); /* text was copied into res already */
            }
            sc = cJSON_CreateRaw(json ? json : "{}");
        } else {
            sc = cJSON_CreateObject();
            cJSON_AddItemToObject(sc, cJSON_IsArray(value) ? "results" : "result",
                                  cJSON_CreateRaw(json));
            if (paging) {
                cJSON_AddItemToObject(sc, "pagination", paging);
                paging = NULL;
            }
        }
        cJSON_AddItemToObject(res, "structuredContent", sc);
    }
    if (o->table && !table) {
        snprintf(line, sizeof line, "format \"table\" not applied: %s; answered in JSON.", why);
        add_text(res, line);
    } else if (table) {
        envelope_note(res, value, items);
    }
    if (o->fields)
        unknown_note(res, o, hit);
    if (note && *note)
        add_text(res, note);
    cJSON_Delete(value);
    cJSON_Delete(paging);
    free(found);
    free(table);
    free(json);
    return res;
}

cJSON *mm_result_shaped(const mistmcp_response *r, const mm_shape_opts *o, size_t max_bytes)
{
    if (!o || (!o->fields && !o->table) || r->status < 200 || r->status >= 300 || !r->body ||
        r->length == 0)
        return mm_result_from_response(r, max_bytes);
    const char *end = NULL, *stop = r->body + r->length;
    cJSON *value = mm_json_parse_exact(r->body, r->length, &end);
    while (value && end && end < stop && (unsigned char)*end <= 0x20)
        end++;
    if (!value || (end && end < stop)) { /* not one JSON value: said as usual */
        cJSON_Delete(value);
        return mm_result_from_response(r, max_bytes);
    }
    char note[400];
    cJSON *paging = pagination(r, value, note, sizeof note);
    return mm_result_from_value(value, paging, note, o, max_bytes);
}
