#define _GNU_SOURCE
#include "registry/registry.h"

#include "base/util.h"
#include "registry/plugin_loader.h"

#include <dirent.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef enum cat_state { CAT_UNLOADED, CAT_LOADING, CAT_LOADED, CAT_UNLOADING } cat_state;

struct mm_category {
    char *name;
    char *description;               /* owned */
    const mm_catalog_category *info; /* NULL for third-party plugins */
    char *file;                      /* third-party: found at index time; immutable */
    int present;                     /* a plugin file was found at index time; immutable */
    cat_state state;
    /* References. Above zero only while LOADED (and the view set): a category that already
     * has one (a session enabled it) is acquired and released with a compare-and-swap,
     * without the registry lock; 0 <-> 1 transitions happen under the lock. */
    atomic_uint refs;
    unsigned attempt; /* loads started, so waiters know which attempt they waited for */
    char *last_error; /* why the last load failed; NULL after a success */
    mm_loaded loaded;
    mm_plugin_view view;
};

struct mm_registry {
    pthread_mutex_t lock;
    pthread_cond_t changed; /* a category left LOADING or UNLOADING */
    mm_category *cats;      /* sorted by name */
    size_t count;
    char **dirs;
    size_t dir_count;
    const mistmcp_host_api *host;
    size_t loaded_now;
    unsigned long load_total;
    /* Catalog tool name -> category index: open addressing, immutable after create. */
    struct tool_slot {
        const char *name; /* NULL: empty */
        size_t cat;
    } * tool_slots;
    size_t tool_mask;
};

static uint32_t name_hash(const char *s)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

static void index_tools(mm_registry *reg)
{
    size_t n = 0;
    for (size_t i = 0; i < reg->count; i++)
        n += reg->cats[i].info ? reg->cats[i].info->tool_count : 0;
    size_t size = 16;
    while (size < 2 * n)
        size *= 2;
    reg->tool_slots = mm_xcalloc(size, sizeof *reg->tool_slots);
    reg->tool_mask = size - 1;
    for (size_t i = 0; i < reg->count; i++)
        for (uint32_t k = 0; reg->cats[i].info && k < reg->cats[i].info->tool_count; k++) {
            const char *name = reg->cats[i].info->tools[k].name;
            size_t at = name_hash(name) & reg->tool_mask;
            while (reg->tool_slots[at].name)
                at = (at + 1) & reg->tool_mask;
            reg->tool_slots[at].name = name;
            reg->tool_slots[at].cat = i;
        }
}

long mm_registry_catalog_tool(const mm_registry *reg, const char *name)
{
    for (size_t at = name_hash(name) & reg->tool_mask; reg->tool_slots[at].name;
         at = (at + 1) & reg->tool_mask)
        if (strcmp(reg->tool_slots[at].name, name) == 0)
            return (long)reg->tool_slots[at].cat;
    return -1;
}

static int cat_cmp(const void *a, const void *b)
{
    return strcmp(((const mm_category *)a)->name, ((const mm_category *)b)->name);
}

/* The entry named name, or NULL. The first `sorted` entries (the catalog's) are in name
 * order: bsearch them, then scan the few third-party ones found so far. */
static mm_category *find_category(mm_category *cats, size_t sorted, size_t n, const char *name)
{
    mm_category key = {.name = (char *)name};
    mm_category *c = bsearch(&key, cats, sorted, sizeof *cats, cat_cmp);
    for (size_t i = sorted; i < n && !c; i++)
        if (strcmp(cats[i].name, name) == 0)
            c = &cats[i];
    return c;
}

/* Marks the catalog categories whose plugin is in a directory, and adds the third-party
 * plugins: <dir>/<category>.so not in the catalog. First directory wins. */
static void scan_dirs(mm_registry *reg, size_t *cap)
{
    size_t sorted = reg->count;
    for (size_t d = 0; d < reg->dir_count; d++) {
        DIR *dir = opendir(reg->dirs[d]);
        if (!dir)
            continue; /* a missing directory is fine: acquire names what it looked for */
        struct dirent *e;
        while ((e = readdir(dir)) != NULL) {
            size_t n = strlen(e->d_name);
            if (n <= 3 || strcmp(e->d_name + n - 3, ".so") != 0)
                continue;
            char *name = mm_xstrdup(e->d_name);
            name[n - 3] = '\0';
            mm_category *known = find_category(reg->cats, sorted, reg->count, name);
            if (known)
                known->present = 1;
            if (!mm_valid_category_name(name) || known) {
                free(name);
                continue;
            }
            if (reg->count == *cap)
                reg->cats = mm_xrealloc(reg->cats, (*cap *= 2) * sizeof *reg->cats);
            mm_category *c = &reg->cats[reg->count++];
            memset(c, 0, sizeof *c);
            c->name = name;
            c->present = 1;
            size_t len = strlen(reg->dirs[d]) + n + 2;
            c->file = mm_xmalloc(len);
            snprintf(c->file, len, "%s/%s", reg->dirs[d], e->d_name);
            size_t dlen = strlen(c->file) + 32;
            c->description = mm_xmalloc(dlen);
            snprintf(c->description, dlen, "Third-party plugin %s", c->file);
        }
        closedir(dir);
    }
}

int mm_registry_create(const mm_catalog *catalog, const char *const *dirs, size_t dir_count,
                       const mistmcp_host_api *host, mm_registry **out, char *err, size_t err_size)
{
    *out = NULL;
    if (catalog && catalog->format != MM_CATALOG_FORMAT)
        return mm_fail(err, err_size, "catalog format %u, this server reads format %d",
                       catalog->format, MM_CATALOG_FORMAT);
    mm_registry *reg = mm_xcalloc(1, sizeof *reg);
    pthread_mutex_init(&reg->lock, NULL);
    pthread_cond_init(&reg->changed, NULL);
    reg->host = host;
    reg->dir_count = dir_count;
    reg->dirs = mm_xcalloc(dir_count ? dir_count : 1, sizeof *reg->dirs);
    for (size_t i = 0; i < dir_count; i++)
        reg->dirs[i] = mm_xstrdup(dirs[i]);
    size_t cap = (catalog ? catalog->category_count : 0) + 16;
    reg->cats = mm_xcalloc(cap, sizeof *reg->cats);
    for (uint32_t i = 0; catalog && i < catalog->category_count; i++) {
        mm_category *c = &reg->cats[reg->count++];
        c->info = &catalog->categories[i];
        c->name = mm_xstrdup(c->info->name);
        c->description = mm_xstrdup(c->info->description);
    }
    qsort(reg->cats, reg->count, sizeof *reg->cats, cat_cmp); /* for find_category's bsearch */
    scan_dirs(reg, &cap);
    qsort(reg->cats, reg->count, sizeof *reg->cats, cat_cmp);
    index_tools(reg);
    *out = reg;
    return 0;
}

void mm_registry_destroy(mm_registry **regp)
{
    mm_registry *reg = *regp;
    if (!reg)
        return;
    for (size_t i = 0; i < reg->count; i++) {
        mm_category *c = &reg->cats[i];
        if (c->state == CAT_LOADED)
            mm_plugin_close(&c->loaded);
        free((char *)c->view.path);
        free(c->last_error);
        free(c->name);
        free(c->description);
        free(c->file);
    }
    free(reg->cats);
    free(reg->tool_slots);
    for (size_t i = 0; i < reg->dir_count; i++)
        free(reg->dirs[i]);
    free(reg->dirs);
    pthread_cond_destroy(&reg->changed);
    pthread_mutex_destroy(&reg->lock);
    free(reg);
    *regp = NULL;
}

size_t mm_registry_count(const mm_registry *reg)
{
    return reg->count;
}

mm_category *mm_registry_at(const mm_registry *reg, size_t index)
{
    return index < reg->count ? &reg->cats[index] : NULL;
}

mm_category *mm_registry_find(const mm_registry *reg, const char *name)
{
    size_t lo = 0, hi = reg->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(reg->cats[mid].name, name);
        if (c == 0)
            return &reg->cats[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

size_t mm_registry_index(const mm_registry *reg, const mm_category *cat)
{
    return (size_t)(cat - reg->cats);
}

void mm_registry_suggest_categories(const mm_registry *reg, mm_suggest *sg)
{
    for (size_t i = 0; i < reg->count; i++)
        mm_suggest_consider(sg, reg->cats[i].name, i);
}

void mm_registry_suggest_tools(const mm_registry *reg, mm_suggest *sg)
{
    for (size_t i = 0; i < reg->count; i++)
        for (uint32_t k = 0; reg->cats[i].info && k < reg->cats[i].info->tool_count; k++)
            mm_suggest_consider(sg, reg->cats[i].info->tools[k].name, i);
}

const char *mm_category_name(const mm_category *cat)
{
    return cat->name;
}

const char *mm_category_description(const mm_category *cat)
{
    return cat->description;
}

const mm_catalog_category *mm_category_catalog(const mm_category *cat)
{
    return cat->info;
}

int mm_category_present(const mm_category *cat)
{
    return cat->present;
}

size_t mm_registry_dir_count(const mm_registry *reg)
{
    return reg->dir_count;
}

const char *mm_registry_dir_at(const mm_registry *reg, size_t index)
{
    return index < reg->dir_count ? reg->dirs[index] : NULL;
}

int mm_category_write_only(const mm_category *cat)
{
    return cat->info && cat->info->tool_count > 0 && cat->info->read_only_count == 0;
}

/* Path of the plugin to load, or -1 naming every place looked at. Called unlocked: it reads
 * only immutable fields. */
static int find_file(const mm_registry *reg, const mm_category *cat, char **path, char *err,
                     size_t err_size)
{
    if (cat->file) {
        *path = mm_xstrdup(cat->file);
        return 0;
    }
    char looked[512] = "";
    size_t used = 0;
    for (size_t d = 0; d < reg->dir_count; d++) {
        size_t len = strlen(reg->dirs[d]) + strlen(cat->name) + 5;
        char *p = mm_xmalloc(len);
        snprintf(p, len, "%s/%s.so", reg->dirs[d], cat->name);
        if (access(p, F_OK) == 0) {
            *path = p;
            return 0;
        }
        free(p);
        if (used < sizeof looked)
            used += (size_t)snprintf(looked + used, sizeof looked - used, "%s%s", d ? ", " : "",
                                     reg->dirs[d]);
    }
    return mm_fail(err, err_size,
                   "plugin for category %s not found: no %s.so in %s (mistmcp --check-plugins "
                   "names every missing plugin)",
                   cat->name, cat->name,
                   reg->dir_count ? looked : "(no plugin directory configured)");
}

/* Takes a reference if there is one already (never from 0). */
static int acquire_fast(mm_category *cat, mm_plugin_view *view)
{
    unsigned r = atomic_load(&cat->refs);
    while (r > 0)
        if (atomic_compare_exchange_weak(&cat->refs, &r, r + 1)) {
            if (view)
                *view = cat->view; /* set before refs left 0, unchanged while above it */
            return 1;
        }
    return 0;
}

/* Drops a reference unless it is the last one. */
static int release_fast(mm_category *cat)
{
    unsigned r = atomic_load(&cat->refs);
    while (r > 1)
        if (atomic_compare_exchange_weak(&cat->refs, &r, r - 1))
            return 1;
    return 0;
}

int mm_registry_acquire(mm_registry *reg, mm_category *cat, mm_plugin_view *view, char *err,
                        size_t err_size)
{
    if (acquire_fast(cat, view))
        return 0;
    pthread_mutex_lock(&reg->lock);
    unsigned waited_for = 0;
    while (cat->state == CAT_LOADING || cat->state == CAT_UNLOADING) {
        if (cat->state == CAT_LOADING)
            waited_for = cat->attempt;
        pthread_cond_wait(&reg->changed, &reg->lock);
    }
    if (cat->state == CAT_UNLOADED && waited_for && waited_for == cat->attempt && cat->last_error) {
        /* The load this thread waited for failed: share its answer instead of retrying a
         * plugin known to be broken (a slow failing init would cost each waiter in turn). */
        mm_fail(err, err_size, "%s", cat->last_error);
        pthread_mutex_unlock(&reg->lock);
        return -1;
    }
    if (cat->state == CAT_LOADED) {
        atomic_fetch_add(&cat->refs, 1);
        if (view)
            *view = cat->view;
        pthread_mutex_unlock(&reg->lock);
        return 0;
    }
    /* UNLOADED: this thread loads it; others wanting it wait until it is done. */
    cat->state = CAT_LOADING;
    cat->attempt++;
    pthread_mutex_unlock(&reg->lock);

    char *path = NULL;
    mm_loaded loaded;
    memset(&loaded, 0, sizeof loaded);
    int rc = find_file(reg, cat, &path, err, err_size);
    if (rc == 0)
        rc = mm_plugin_open(path, cat->name, reg->host, &loaded, err, err_size);

    pthread_mutex_lock(&reg->lock);
    if (rc == 0) {
        cat->loaded = loaded;
        cat->view.plugin = &cat->loaded.desc;
        cat->view.tools = cat->loaded.tools;
        cat->view.schemas = (const cJSON *const *)cat->loaded.schemas;
        cat->view.texts = (const char *const *)cat->loaded.texts;
        cat->view.tool_count = cat->loaded.desc.tool_count;
        cat->view.path = path;
        path = NULL;
        cat->state = CAT_LOADED;
        atomic_store(&cat->refs, 1); /* publishes the view to acquire_fast */
        free(cat->last_error);
        cat->last_error = NULL;
        reg->loaded_now++;
        reg->load_total++;
        if (view)
            *view = cat->view;
    } else {
        cat->state = CAT_UNLOADED;
        free(cat->last_error);
        cat->last_error = mm_xstrdup(err && err_size ? err : "plugin failed to load");
    }
    pthread_cond_broadcast(&reg->changed);
    pthread_mutex_unlock(&reg->lock);
    free(path);
    return rc;
}

void mm_registry_release(mm_registry *reg, mm_category *cat)
{
    if (release_fast(cat))
        return;
    pthread_mutex_lock(&reg->lock);
    for (;;) { /* under the lock only acquire_fast/release_fast can change refs */
        unsigned r = atomic_load(&cat->refs);
        if (cat->state != CAT_LOADED || r == 0) {
            pthread_mutex_unlock(&reg->lock);
            fprintf(stderr, "mistmcp: bug: release of category %s without a reference\n",
                    cat->name);
            return;
        }
        if (r > 1 && atomic_compare_exchange_strong(&cat->refs, &r, r - 1)) {
            pthread_mutex_unlock(&reg->lock); /* another reference came meanwhile */
            return;
        }
        unsigned one = 1;
        if (r == 1 && atomic_compare_exchange_strong(&cat->refs, &one, 0))
            break; /* the last one: unload */
    }
    cat->state = CAT_UNLOADING;
    mm_loaded loaded = cat->loaded;
    pthread_mutex_unlock(&reg->lock);

    mm_plugin_close(&loaded); /* fini and dlclose, unlocked */

    pthread_mutex_lock(&reg->lock);
    memset(&cat->loaded, 0, sizeof cat->loaded);
    free((char *)cat->view.path);
    memset(&cat->view, 0, sizeof cat->view);
    cat->state = CAT_UNLOADED;
    reg->loaded_now--;
    pthread_cond_broadcast(&reg->changed);
    pthread_mutex_unlock(&reg->lock);
}

unsigned mm_registry_refs(mm_registry *reg, const mm_category *cat)
{
    (void)reg;
    return atomic_load(&cat->refs);
}

int mm_registry_is_loaded(mm_registry *reg, const mm_category *cat)
{
    pthread_mutex_lock(&reg->lock);
    int r = cat->state == CAT_LOADED;
    pthread_mutex_unlock(&reg->lock);
    return r;
}

size_t mm_registry_loaded_count(mm_registry *reg)
{
    pthread_mutex_lock(&reg->lock);
    size_t n = reg->loaded_now;
    pthread_mutex_unlock(&reg->lock);
    return n;
}

unsigned long mm_registry_load_total(mm_registry *reg)
{
    pthread_mutex_lock(&reg->lock);
    unsigned long n = reg->load_total;
    pthread_mutex_unlock(&reg->lock);
    return n;
}
