/*
 * Registry tests with the test plugins of tests/plugins (one directory each): the index,
 * loading on first acquire, reference counting, unloading at zero (checked in
 * /proc/self/maps), every refusal with a message naming file and cause, a custom handler,
 * a slow call that keeps its plugin mapped while its session lets go, and a stress test of
 * concurrent acquire/release from 8 threads.
 *
 * usage: test_registry PLUGIN_DIRS_BASE
 */
#define _GNU_SOURCE
#include "base/util.h"
#include "check.h"
#include "mcp/host_api.h"
#include "mcp/tool_call.h"
#include "registry/plugin_dirs.h"
#include "registry/registry.h"
#include "registry/tool_json.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static const char *base;
static atomic_int inits, finis;
static atomic_int slow_fail_inits;
static mistmcp_host_api test_host;

static void capture_log(mistmcp_call *call, mistmcp_log_level level, const char *msg)
{
    (void)call;
    (void)level;
    if (strstr(msg, "slow_fail: init"))
        atomic_fetch_add(&slow_fail_inits, 1);
    else if (strstr(msg, ": init"))
        atomic_fetch_add(&inits, 1);
    if (strstr(msg, ": fini"))
        atomic_fetch_add(&finis, 1);
}

/* 1 if a mapping of a file whose path ends with needle is in this process. */
static int mapped(const char *needle)
{
    FILE *f = fopen("/proc/self/maps", "r");
    char line[4096];
    int found = 0;
    size_t n = strlen(needle);
    while (f && fgets(line, sizeof line, f)) {
        size_t len = strcspn(line, "\n");
        line[len] = '\0';
        if (len >= n && strcmp(line + len - n, needle) == 0)
            found = 1;
    }
    if (f)
        fclose(f);
    return found;
}

static const char *const variants[] = {
    "good",         "good2",    "wrong_major", "newer_minor",  "no_entry",  "unresolved",
    "failing_init", "mismatch", "bad_schema",  "short_struct", "bad_magic", "null_descriptor",
    "dup_tool",     "reserved", "unknown_ann", "slow_fail",    "abi_1_0"};
#define VARIANT_COUNT (sizeof variants / sizeof variants[0])

static const mm_catalog_tool ghost_tools[] = {
    {"ghostList", "List ghosts.", "/api/v1/ghosts", MISTMCP_HTTP_GET, 1}};
static const mm_catalog_category ghost_categories[] = {
    {"ghost", "Ghost", "A category whose plugin is nowhere.", ghost_tools, 1, 1}};
static const mm_catalog ghost_catalog = {MM_CATALOG_FORMAT, "test", ghost_categories, 1, 1};

static mm_registry *make_registry(void)
{
    char *dirs[VARIANT_COUNT];
    for (size_t i = 0; i < VARIANT_COUNT; i++) {
        size_t n = strlen(base) + strlen(variants[i]) + 2;
        dirs[i] = mm_xmalloc(n);
        snprintf(dirs[i], n, "%s/%s", base, variants[i]);
    }
    mm_registry *reg = NULL;
    char err[512];
    int rc = mm_registry_create(&ghost_catalog, (const char *const *)dirs, VARIANT_COUNT,
                                &test_host, &reg, err, sizeof err);
    CHECK_MSG(rc == 0, "create: %s", err);
    for (size_t i = 0; i < VARIANT_COUNT; i++)
        free(dirs[i]);
    return reg;
}

static const mistmcp_tool *tool_named(const mm_plugin_view *v, const char *name)
{
    for (size_t i = 0; i < v->tool_count; i++)
        if (strcmp(v->tools[i].name, name) == 0)
            return &v->tools[i];
    return NULL;
}

static void test_index(mm_registry *reg)
{
    CHECK_MSG(mm_registry_count(reg) == VARIANT_COUNT + 1, "count %zu", mm_registry_count(reg));
    for (size_t i = 1; i < mm_registry_count(reg); i++)
        CHECK(strcmp(mm_category_name(mm_registry_at(reg, i - 1)),
                     mm_category_name(mm_registry_at(reg, i))) < 0);
    mm_category *good = mm_registry_find(reg, "good");
    CHECK(good != NULL && mm_category_catalog(good) == NULL);
    CHECK(good && strstr(mm_category_description(good), "good/good.so") != NULL);
    mm_category *ghost = mm_registry_find(reg, "ghost");
    CHECK(ghost && mm_category_catalog(ghost) == &ghost_categories[0]);
    CHECK(mm_registry_find(reg, "nope") == NULL);
    /* Building the index loads nothing. */
    CHECK(!mapped("/good/good.so") && mm_registry_loaded_count(reg) == 0);
}

static void test_lifecycle(mm_registry *reg)
{
    mm_category *good = mm_registry_find(reg, "good");
    mm_plugin_view v, v2;
    char err[512];
    int i0 = atomic_load(&inits), f0 = atomic_load(&finis);
    CHECK_MSG(mm_registry_acquire(reg, good, &v, err, sizeof err) == 0, "%s", err);
    CHECK(v.tool_count == 3 && strcmp(v.plugin->category, "good") == 0);
    CHECK(strstr(v.path, "/good/good.so") != NULL);
    CHECK(mm_registry_refs(reg, good) == 1 && mm_registry_is_loaded(reg, good));
    CHECK(mapped("/good/good.so"));
    CHECK(atomic_load(&inits) == i0 + 1);
    CHECK(mm_registry_acquire(reg, good, &v2, err, sizeof err) == 0);
    CHECK(v2.tools == v.tools && mm_registry_refs(reg, good) == 2);
    CHECK(atomic_load(&inits) == i0 + 1); /* no second init */
    mm_registry_release(reg, good);
    CHECK(mm_registry_refs(reg, good) == 1 && mapped("/good/good.so"));
    CHECK(atomic_load(&finis) == f0);
    mm_registry_release(reg, good);
    CHECK(mm_registry_refs(reg, good) == 0 && !mm_registry_is_loaded(reg, good));
    CHECK(!mapped("/good/good.so"));
    CHECK(atomic_load(&finis) == f0 + 1);
    /* Loading again maps it again. */
    unsigned long total = mm_registry_load_total(reg);
    CHECK(mm_registry_acquire(reg, good, &v, err, sizeof err) == 0);
    CHECK(mm_registry_load_total(reg) == total + 1 && atomic_load(&inits) == i0 + 2);
    mm_registry_release(reg, good);
    CHECK(!mapped("/good/good.so"));
}

static cJSON *run_tool(const mistmcp_tool *t, const char *args_json)
{
    mistmcp_call *call = mm_call_create(cJSON_Parse(args_json), NULL);
    int rc = t->handler(&test_host, call);
    CHECK_MSG(rc == 0, "handler of %s returned %d", t->name, rc);
    cJSON *result = mm_call_take_result(call);
    mm_call_destroy(&call);
    CHECK(call == NULL);
    return result;
}

/* A plugin built against the ABI 1.0 header (tests/plugins/abi-1.0) loads and runs here. */
static void test_older_minor(mm_registry *reg)
{
    mm_category *old = mm_registry_find(reg, "abi_1_0");
    mm_plugin_view v;
    char err[512];
    CHECK_MSG(old && mm_registry_acquire(reg, old, &v, err, sizeof err) == 0, "%s", err);
    if (!old)
        return;
    CHECK(v.plugin->abi_major == 1 && v.plugin->abi_minor == 0 && MISTMCP_ABI_MINOR == 1);
    const mistmcp_tool *echo = tool_named(&v, "abi_1_0Echo");
    CHECK(echo && echo->handler);
    if (echo) {
        cJSON *r = run_tool(echo, "{\"text\":\"old\",\"times\":1}");
        char *s = cJSON_PrintUnformatted(r);
        CHECK_MSG(strstr(s, "echo: old x1") != NULL, "result %s", s);
        free(s);
        cJSON_Delete(r);
    }
    mm_registry_release(reg, old);
}

static void test_custom_handler(mm_registry *reg)
{
    mm_category *good = mm_registry_find(reg, "good");
    mm_plugin_view v;
    char err[512];
    CHECK_MSG(mm_registry_acquire(reg, good, &v, err, sizeof err) == 0, "%s", err);
    const mistmcp_tool *echo = tool_named(&v, "goodEcho");
    CHECK(echo && echo->kind == MISTMCP_TOOL_CUSTOM && echo->handler);
    if (echo) {
        cJSON *r = run_tool(echo, "{\"text\":\"hi\",\"times\":3}");
        char *s = cJSON_PrintUnformatted(r);
        CHECK_MSG(strcmp(s, "{\"content\":[{\"type\":\"text\",\"text\":\"echo: hi x3\"},"
                            "{\"type\":\"text\",\"text\":\"second block\"}],"
                            "\"structuredContent\":{\"echo\":\"hi\",\"times\":3}}") == 0,
                  "result %s", s);
        free(s);
        cJSON_Delete(r);
        r = run_tool(echo, "{\"times\":2}");
        CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r, "isError")));
        cJSON_Delete(r);
        /* tools/list rendering of a custom tool. */
        cJSON *j = mm_tool_json(echo);
        s = cJSON_PrintUnformatted(j);
        CHECK_MSG(strcmp(s, "{\"name\":\"goodEcho\",\"title\":\"Echo\",\"description\":\"Echo "
                            "the text argument back.\",\"inputSchema\":{\"type\":\"object\","
                            "\"properties\":{\"text\":{\"type\":\"string\"},\"times\":{\"type\":"
                            "\"integer\"}},\"required\":[\"text\"]},\"annotations\":{"
                            "\"readOnlyHint\":true}}") == 0,
                  "tool json %s", s);
        free(s);
        cJSON_Delete(j);
    }
    const mistmcp_tool *list = tool_named(&v, "goodList");
    CHECK(list && list->kind == MISTMCP_TOOL_DECLARATIVE && list->param_count == 2 &&
          strcmp(list->params[1].name, "limit") == 0 && list->handler == NULL);
    mm_registry_release(reg, good);
}

static void expect_refusal(mm_registry *reg, const char *category, const char *file,
                           const char *cause)
{
    mm_category *cat = mm_registry_find(reg, category);
    CHECK_MSG(cat != NULL, "no category %s", category);
    if (!cat)
        return;
    for (int attempt = 0; attempt < 2; attempt++) { /* a failure leaves no stuck state */
        char err[512] = "";
        mm_plugin_view v;
        CHECK_MSG(mm_registry_acquire(reg, cat, &v, err, sizeof err) != 0, "%s loaded", category);
        CHECK_MSG(strstr(err, file) != NULL, "error for %s does not name %s: %s", category, file,
                  err);
        CHECK_MSG(strstr(err, cause) != NULL, "error for %s does not say [%s]: %s", category, cause,
                  err);
        CHECK(mm_registry_refs(reg, cat) == 0 && !mm_registry_is_loaded(reg, cat));
    }
    CHECK_MSG(!mapped(file), "%s still mapped after refusal", file);
}

static void test_refusals(mm_registry *reg)
{
    static const struct {
        const char *category, *file, *cause;
    } refusals[] = {
        {"wrong_major", "/wrong_major/wrong_major.so",
         "built for plugin ABI 2.1, this server has ABI 1.1"},
        {"newer_minor", "/newer_minor/newer_minor.so",
         "built for plugin ABI 1.2, newer than this server's ABI 1.1"},
        {"no_entry", "/no_entry/no_entry.so", "no entry point [mistmcp_plugin_entry]"},
        {"unresolved", "/unresolved/unresolved.so",
         "undefined symbol: mistmcp_test_symbol_nobody_defines"},
        {"failing_init", "/failing_init/failing_init.so",
         "init failed: cannot reach the licence server"},
        {"mismatch", "/mismatch/mismatch.so", "declares category 'other', expected 'mismatch'"},
        {"bad_schema", "/bad_schema/bad_schema.so",
         "tool bad_schemaList: input schema is not a JSON object"},
        {"short_struct", "/short_struct/short_struct.so", "descriptor size"},
        {"bad_magic", "/bad_magic/bad_magic.so",
         "not a mistmcp plugin (magic 0x7f454c46, expected 0x4d4d4350)"},
        {"null_descriptor", "/null_descriptor/null_descriptor.so",
         "the entry point returned no descriptor"},
        {"dup_tool", "/dup_tool/dup_tool.so", "tool name dup_toolEcho appears twice"},
        {"reserved", "/reserved/reserved.so", "descriptor has non-zero reserved fields"},
        {"unknown_ann", "/unknown_ann/unknown_ann.so",
         "tool unknown_annEcho has unknown annotation bits 0x100"},
        {"ghost", "ghost.so", "plugin for category ghost not found: no ghost.so in"},
    };
    for (size_t i = 0; i < sizeof refusals / sizeof refusals[0]; i++)
        expect_refusal(reg, refusals[i].category, refusals[i].file, refusals[i].cause);
    /* The registry still serves after all that. */
    mm_category *good = mm_registry_find(reg, "good");
    char err[512];
    CHECK_MSG(mm_registry_acquire(reg, good, NULL, err, sizeof err) == 0, "%s", err);
    mm_registry_release(reg, good);
}

typedef struct slow_arg {
    mm_registry *reg;
    mm_category *cat;
    atomic_int started, finished;
} slow_arg;

static void *slow_call(void *p)
{
    slow_arg *a = p;
    mm_plugin_view v;
    char err[512];
    if (mm_registry_acquire(a->reg, a->cat, &v, err, sizeof err) != 0)
        return NULL;
    atomic_store(&a->started, 1);
    cJSON *r = run_tool(tool_named(&v, "goodSlow"), "{\"ms\":300}");
    cJSON *first = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(r, "content"), 0);
    CHECK(first &&
          strcmp(cJSON_GetObjectItemCaseSensitive(first, "text")->valuestring, "done") == 0);
    cJSON_Delete(r);
    atomic_store(&a->finished, 1);
    mm_registry_release(a->reg, a->cat);
    return NULL;
}

/* A session disables the category while another session's call runs: the plugin stays
 * mapped until the call ends. */
static void test_release_during_call(mm_registry *reg)
{
    mm_category *good = mm_registry_find(reg, "good");
    char err[512];
    CHECK(mm_registry_acquire(reg, good, NULL, err, sizeof err) == 0); /* the session's ref */
    slow_arg a = {.reg = reg, .cat = good};
    pthread_t t;
    pthread_create(&t, NULL, slow_call, &a);
    struct timespec ms = {0, 1000000};
    for (int i = 0; i < 5000 && !atomic_load(&a.started); i++)
        nanosleep(&ms, NULL);
    CHECK(atomic_load(&a.started));
    mm_registry_release(reg, good); /* the session lets go mid-call */
    CHECK(!atomic_load(&a.finished) && mm_registry_is_loaded(reg, good) &&
          mm_registry_refs(reg, good) == 1 && mapped("/good/good.so"));
    pthread_join(t, NULL);
    CHECK(atomic_load(&a.finished) && !mm_registry_is_loaded(reg, good) &&
          !mapped("/good/good.so"));
}

typedef struct fail_arg {
    mm_registry *reg;
    pthread_barrier_t *start;
    int rc;
    char err[512];
} fail_arg;

static void *acquire_slow_fail(void *p)
{
    fail_arg *a = p;
    pthread_barrier_wait(a->start);
    a->rc = mm_registry_acquire(a->reg, mm_registry_find(a->reg, "slow_fail"), NULL, a->err,
                                sizeof a->err);
    return NULL;
}

/* Eight sessions want a plugin whose init takes 200 ms and fails: they share that failure
 * instead of each retrying in turn (8 x 200 ms). */
static void test_shared_failure(mm_registry *reg)
{
    enum { N = 8 };
    pthread_t t[N];
    fail_arg a[N];
    pthread_barrier_t start;
    pthread_barrier_init(&start, NULL, N);
    int before = atomic_load(&slow_fail_inits);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int i = 0; i < N; i++) {
        a[i] = (fail_arg){.reg = reg, .start = &start};
        pthread_create(&t[i], NULL, acquire_slow_fail, &a[i]);
    }
    for (int i = 0; i < N; i++) {
        pthread_join(t[i], NULL);
        CHECK_MSG(a[i].rc != 0 && strstr(a[i].err, "init failed: licence server timed out"),
                  "thread %d: rc %d, %s", i, a[i].rc, a[i].err);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    pthread_barrier_destroy(&start);
    int inits = atomic_load(&slow_fail_inits) - before;
    double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    /* One load for all, two if a thread came late; never one per thread. */
    CHECK_MSG(inits >= 1 && inits <= 2, "%d inits for %d concurrent acquisitions", inits, N);
    printf("shared failure: %d threads, %d init calls, %.2f s\n", N, inits, s);
}

#define STRESS_THREADS 8
#define STRESS_ROUNDS 1500

typedef struct stress_arg {
    mm_registry *reg;
    unsigned seed;
    int failures;
} stress_arg;

static void *stress(void *p)
{
    stress_arg *a = p;
    mm_category *cats[2] = {mm_registry_find(a->reg, "good"), mm_registry_find(a->reg, "good2")};
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (int i = 0; i < STRESS_ROUNDS; i++) {
        mm_category *c = cats[rand_r(&a->seed) % 2];
        mm_plugin_view v;
        char err[512];
        if (mm_registry_acquire(a->reg, c, &v, err, sizeof err) != 0) {
            a->failures++;
            continue;
        }
        if (v.tool_count != 3 || strcmp(v.plugin->category, mm_category_name(c)) != 0)
            a->failures++;
        if (i % 16 == 0) { /* run plugin code while others load and unload */
            cJSON *r = run_tool(&v.tools[1], "{\"text\":\"x\"}");
            cJSON_Delete(r);
        }
        mm_registry_release(a->reg, c);
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (now.tv_sec - start.tv_sec > 60) {
            a->failures++; /* bounded in time: far slower than expected counts as failure */
            break;
        }
    }
    return NULL;
}

static void test_stress(mm_registry *reg)
{
    int i0 = atomic_load(&inits), f0 = atomic_load(&finis);
    unsigned long loads0 = mm_registry_load_total(reg);
    pthread_t t[STRESS_THREADS];
    stress_arg args[STRESS_THREADS];
    for (int i = 0; i < STRESS_THREADS; i++) {
        args[i] = (stress_arg){.reg = reg, .seed = 1234u + (unsigned)i};
        pthread_create(&t[i], NULL, stress, &args[i]);
    }
    int failures = 0;
    for (int i = 0; i < STRESS_THREADS; i++) {
        pthread_join(t[i], NULL);
        failures += args[i].failures;
    }
    CHECK_MSG(failures == 0, "%d failed acquisitions or wrong views", failures);
    mm_category *good = mm_registry_find(reg, "good"), *good2 = mm_registry_find(reg, "good2");
    CHECK(mm_registry_refs(reg, good) == 0 && mm_registry_refs(reg, good2) == 0);
    CHECK(!mm_registry_is_loaded(reg, good) && !mm_registry_is_loaded(reg, good2));
    CHECK(mm_registry_loaded_count(reg) == 0);
    unsigned long loads = mm_registry_load_total(reg) - loads0;
    CHECK_MSG(atomic_load(&inits) - i0 == (int)loads && atomic_load(&finis) - f0 == (int)loads,
              "loads %lu, inits %d, finis %d", loads, atomic_load(&inits) - i0,
              atomic_load(&finis) - f0);
    printf("stress: %d threads x %d acquire/release, %lu loads\n", STRESS_THREADS, STRESS_ROUNDS,
           loads);
}

/* Issue 14: which catalog categories have a plugin file, which are write-only, and the
 * plugin directories a server searches (given ones checked, the default added once). */
static const mm_catalog_tool writer_tools[] = {
    {"createGhost", "Create a ghost.", "/api/v1/ghosts", MISTMCP_HTTP_POST, 0}};
static const mm_catalog_category present_categories[] = {
    {"ghost", "Ghost", "No plugin anywhere.", ghost_tools, 1, 1},
    {"good", "Good", "Its plugin is in good/.", ghost_tools, 1, 1},
    {"writer", "Writer", "Only a write tool.", writer_tools, 1, 0}};
static const mm_catalog present_catalog = {MM_CATALOG_FORMAT, "test", present_categories, 3, 3};

static void test_presence_and_dirs(void)
{
    char good[512], good_again[600], empty[512], err[512];
    snprintf(good, sizeof good, "%s/good", base);
    snprintf(good_again, sizeof good_again, "%s/../%s/good", base, strrchr(base, '/') + 1);
    const char *dirs[] = {good};
    mm_registry *reg = NULL;
    CHECK(mm_registry_create(&present_catalog, dirs, 1, &test_host, &reg, err, sizeof err) == 0);
    if (!reg)
        return;
    CHECK(mm_category_present(mm_registry_find(reg, "good")));
    CHECK(!mm_category_present(mm_registry_find(reg, "ghost")));
    CHECK(!mm_category_present(mm_registry_find(reg, "writer")));
    CHECK(mm_category_write_only(mm_registry_find(reg, "writer")));
    CHECK(!mm_category_write_only(mm_registry_find(reg, "good")));
    CHECK(mm_registry_dir_count(reg) == 1 && strcmp(mm_registry_dir_at(reg, 0), good) == 0);
    mm_registry_destroy(&reg);

    /* Given directories are checked, then the default one is added, each only once. */
    mm_strlist out = {0};
    const char *twice[] = {good, good_again};
    CHECK(mm_plugin_dirs_resolve(twice, 2, 1, &out, err, sizeof err) == 0);
    CHECK_MSG(out.count == 1 && strcmp(out.items[0], good) == 0, "%zu directories", out.count);
    mm_strlist_free(&out);
    CHECK(mm_plugin_dirs_resolve(twice, 1, 0, &out, err, sizeof err) == 0);
    CHECK_MSG(out.count >= 1 && strcmp(out.items[0], good) == 0, "given first");
    mm_strlist_free(&out);
    const char *nowhere[] = {"/nonexistent/mistmcp-plugins"};
    CHECK(mm_plugin_dirs_resolve(nowhere, 1, 0, &out, err, sizeof err) == -1);
    CHECK_MSG(strstr(err, "plugin directory '/nonexistent/mistmcp-plugins' does not exist"), "%s",
              err);
    mm_strlist_free(&out);
    snprintf(empty, sizeof empty, "%s/empty-for-resolve", base);
    mkdir(empty, 0755);
    const char *none[] = {empty};
    CHECK(mm_plugin_dirs_resolve(none, 1, 1, &out, err, sizeof err) == -1);
    CHECK_MSG(strstr(err, "holds no plugin (no *.so file)"), "%s", err);
    mm_strlist_free(&out);
    char file[600];
    snprintf(file, sizeof file, "%s/good.so", good);
    const char *not_dir[] = {file};
    CHECK(mm_plugin_dirs_resolve(not_dir, 1, 1, &out, err, sizeof err) == -1);
    CHECK_MSG(strstr(err, "is not a directory"), "%s", err);
    mm_strlist_free(&out);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: test_registry PLUGIN_DIRS_BASE\n");
        return 2;
    }
    base = argv[1];
    mm_util_init();
    test_host = *mm_host_api();
    test_host.log = capture_log;
    mm_registry *reg = make_registry();
    if (!reg)
        return check_summary();
    test_index(reg);
    test_lifecycle(reg);
    test_custom_handler(reg);
    test_older_minor(reg);
    test_refusals(reg);
    test_release_during_call(reg);
    test_shared_failure(reg);
    test_stress(reg);
    test_presence_and_dirs();
    /* Destroy with a plugin still held unloads it (and runs fini). */
    int f0 = atomic_load(&finis);
    char err[512];
    CHECK(mm_registry_acquire(reg, mm_registry_find(reg, "good"), NULL, err, sizeof err) == 0);
    mm_registry_destroy(&reg);
    CHECK(reg == NULL && atomic_load(&finis) == f0 + 1 && !mapped("/good/good.so"));
    return check_summary();
}
