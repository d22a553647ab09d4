#define _POSIX_C_SOURCE 200809L
#include "mcp/write_audit.h"

#include "base/audit_log.h"
#include "base/json_exact.h"
#include "base/sha256.h"
#include "base/util.h"
#include "mcp/secret_mask.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void utc_now(char *buf, size_t size)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    char day[32];
    strftime(day, sizeof day, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf, size, "%s.%03ldZ", day, ts.tv_nsec / 1000000);
}

static void add_string_or_null(cJSON *o, const char *key, const char *v)
{
    if (v)
        cJSON_AddStringToObject(o, key, v);
    else
        cJSON_AddNullToObject(o, key);
}

char *mm_write_audit_line(mm_session *s, const mm_write_record *r)
{
    cJSON *o = cJSON_CreateObject();
    char text[64];
    utc_now(text, sizeof text);
    cJSON_AddStringToObject(o, "time", text);
    cJSON_AddStringToObject(o, "session", mm_session_id(s));
    char name[256], version[128];
    mm_session_client(s, name, sizeof name, version, sizeof version);
    cJSON *client = cJSON_AddObjectToObject(o, "client");
    add_string_or_null(client, "name", *name ? name : NULL);
    add_string_or_null(client, "version", *version ? version : NULL);
    const char *token = mm_session_token(s);
    if (token) {
        mm_token_fingerprint(token, text, sizeof text);
        cJSON_AddStringToObject(o, "token_fingerprint", text);
    } else {
        cJSON_AddNullToObject(o, "token_fingerprint");
    }
    cJSON_AddStringToObject(o, "tool", r->tool);
    add_string_or_null(o, "method", r->method);
    add_string_or_null(o, "path", r->target);
    if (r->body) {
        char hex[2 * MM_SHA256_LEN + 1];
        mm_sha256_hex(r->body, strlen(r->body), hex);
        cJSON_AddStringToObject(o, "body_sha256", hex);
        cJSON *body = mm_json_parse_exact(r->body, strlen(r->body), NULL);
        mm_secret_mask(body);
        if (body)
            cJSON_AddItemToObject(o, "body", body);
        else
            cJSON_AddStringToObject(o, "body", "(not JSON: not shown)");
    } else {
        cJSON_AddNullToObject(o, "body_sha256");
        cJSON_AddNullToObject(o, "body");
    }
    cJSON_AddStringToObject(o, "confirmation", r->confirmation ? r->confirmation : "token");
    add_string_or_null(o, "confirmation_id", r->confirmation_id);
    cJSON_AddStringToObject(o, "outcome", mm_write_outcome_name(r->outcome));
    if (r->outcome == MM_WRITE_SENT)
        cJSON_AddNumberToObject(o, "mist_status", (double)r->mist_status);
    else
        cJSON_AddNullToObject(o, "mist_status");
    add_string_or_null(o, "mist_request_id", r->mist_request_id);
    add_string_or_null(o, "error", r->error);
    return mm_json_take_text(o);
}

int mm_write_audit(mm_session *s, const mm_write_record *r, char *err, size_t err_size)
{
    struct mm_metrics *metrics = s->srv->metrics;
    if (!s->srv->audit) {
        if (metrics)
            mm_metrics_write(metrics, r->outcome);
        return 0;
    }
    char *line = mm_write_audit_line(s, r);
    int rc = line ? mm_audit_log_append(s->srv->audit, line, err, err_size)
                  : mm_fail(err, err_size, "the audit line could not be printed");
    free(line);
    if (metrics)
        mm_metrics_write(metrics, rc == 0 ? r->outcome : MM_WRITE_AUDIT_FAILED);
    return rc;
}
