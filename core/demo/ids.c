/*
 * The world's ids in a spec answer (demo/ids.h).
 */
#include "demo/ids.h"

#include <ctype.h>
#include <string.h>

typedef enum kind {
    ORG,
    SITE,
    DEVICE_ID,
    AP_ID,
    WLAN_ID,
    AP_MAC,
    AP, /* "ap": an AP's MAC where the answer holds a MAC there (it may hold a name) */
    DEVICE_MAC,
    SWITCH_MAC,
    GATEWAY_MAC,
    KINDS
} kind;

static const struct {
    const char *key;
    kind kind;
} keys[] = {
    {"org_id", ORG},
    {"site_id", SITE},
    {"site_ids", SITE},
    {"device_id", DEVICE_ID},
    {"ap_id", AP_ID},
    {"wlan_id", WLAN_ID},
    {"last_wlan_id", WLAN_ID},
    {"wlan_ids", WLAN_ID},
    {"ap_mac", AP_MAC},
    {"last_ap", AP_MAC},
    {"ap", AP},
    {"device_mac", DEVICE_MAC},
    {"switch_mac", SWITCH_MAC},
    {"gateway_mac", GATEWAY_MAC},
};

typedef struct ids {
    const mm_demo_world *w;
    const mm_demo_params *p;
    const char *site; /* the request's site, or NULL */
    unsigned turn[KINDS];
} ids;

static const char *member(const cJSON *o, const char *key)
{
    return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, key));
}

/* 1 if s is a MAC in some notation: 12 hex digits, separators aside. */
static int is_mac(const char *s)
{
    int hex = 0;
    for (; *s; s++) {
        if (isxdigit((unsigned char)*s))
            hex++;
        else if (!strchr(":-.", *s))
            return 0;
    }
    return hex == 12;
}

/* The next device of the request's site (of every site when it names none) of type (NULL: any
 * type), in turn: its member key. NULL if the site has none. */
static const char *next_device(ids *x, kind k, const char *type, const char *key)
{
    int n = 0;
    for (int pass = 0; pass < 2; pass++) {
        int want = pass == 0 ? 0 : (int)(x->turn[k]++ % (unsigned)n), i = 0;
        for (const cJSON *d = x->w->devices->child; d; d = d->next) {
            if ((type && strcmp(member(d, "type"), type) != 0) ||
                (x->site && strcmp(member(d, "site_id"), x->site) != 0))
                continue;
            if (pass == 1 && i == want)
                return member(d, key);
            i++;
        }
        n = i;
        if (n == 0)
            return NULL;
    }
    return NULL;
}

static const char *next_of(ids *x, kind k, const cJSON *array, const char *key)
{
    int n = cJSON_GetArraySize(array);
    if (n == 0)
        return NULL;
    return member(cJSON_GetArrayItem(array, (int)(x->turn[k]++ % (unsigned)n)), key);
}

/* The world's value for a string of kind k, or NULL to leave it. */
static const char *world_value(ids *x, kind k, const char *now)
{
    switch (k) {
    case ORG: return x->w->org_id;
    case SITE: return x->site ? x->site : next_of(x, k, x->w->sites, "id");
    case DEVICE_ID: return next_device(x, k, NULL, "id");
    case AP_ID: return next_device(x, k, "ap", "id");
    case WLAN_ID: return next_of(x, k, x->w->wlans, "id");
    case AP_MAC: return next_device(x, k, "ap", "mac");
    case AP: return is_mac(now) ? next_device(x, k, "ap", "mac") : NULL;
    case DEVICE_MAC: return next_device(x, k, NULL, "mac");
    case SWITCH_MAC: return next_device(x, k, "switch", "mac");
    case GATEWAY_MAC: return next_device(x, k, "gateway", "mac");
    default: return NULL;
    }
}

static void set_string(cJSON *v, const char *value)
{
    if (value && cJSON_IsString(v))
        cJSON_SetValuestring(v, value);
}

/* The string v under key: the path's value for a member named like a path parameter, else
 * the world's for a key of the table. */
static void put(ids *x, const char *key, cJSON *v)
{
    const char *from_path = mm_demo_param(x->p, key);
    if (from_path) {
        set_string(v, from_path);
        return;
    }
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (strcmp(keys[i].key, key) == 0) {
            set_string(v, world_value(x, keys[i].kind, v->valuestring));
            return;
        }
}

static void walk(ids *x, cJSON *node)
{
    for (cJSON *m = node->child; m; m = m->next) {
        if (cJSON_IsString(m) && node->type == cJSON_Object)
            put(x, m->string, m);
        else if (cJSON_IsArray(m) && m->string && cJSON_IsString(m->child))
            for (cJSON *it = m->child; it; it = it->next)
                put(x, m->string, it); /* site_ids, wlan_ids... */
        else if (cJSON_IsObject(m) || cJSON_IsArray(m))
            walk(x, m);
    }
}

void mm_demo_put_ids(const mm_demo_world *w, const mm_demo_params *p, cJSON *answer)
{
    ids x = {.w = w, .p = p, .site = mm_demo_param(p, "site_id")};
    walk(&x, answer);
    if (p->fetched && p->count > 0 && cJSON_IsObject(answer)) {
        const char *name = p->names[p->count - 1];
        size_t n = strlen(name);
        const char *key = n > 4 && strcmp(name + n - 4, "_mac") == 0  ? "mac"
                          : n > 3 && strcmp(name + n - 3, "_id") == 0 ? "id"
                                                                      : NULL;
        if (key)
            set_string(cJSON_GetObjectItemCaseSensitive(answer, key), p->values[p->count - 1]);
    }
}
