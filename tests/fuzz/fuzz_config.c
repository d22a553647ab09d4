/*
 * Fuzz target: command line + environment + env file -> settings (core/base/config.c).
 *
 * Input: NUL-separated strings in three sections, each ended by an empty string (two NULs in
 * a row): the arguments after "mistmcp"; "NAME=value" environment variables (only the names
 * mistmcp reads, and HOME; others are ignored); then the rest is the env file's text. Every
 * env file the settings name (--env-file, MIST_ENV_FILE) reads that text: fopen is wrapped
 * at link time (-Wl,--wrap=fopen) while mm_config_load runs, so that no input reads the
 * disk (a path holding "missing" is a file that does not exist). A token in the environment
 * gets a marker appended, to see where it goes.
 *
 * Checked (core/base/config.h): the result is 0 or 2; 2 comes with exactly one line on the
 * error stream, 0 with none; the token's marker is never printed; settings loaded are in
 * their documented ranges (mode, port, cloud in the allow-list, allowed clouds that are host
 * names, tokens mm_token_problem accepts, a category list only in custom mode, size bounds).
 */
#define _GNU_SOURCE /* memfd_create, memmem */
#include "base/config.h"
#include "base/util.h"
#include "fuzz_check.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define MARKER "Zq9fuzzSecretMarker"
#define MAX_ARGS 64

static const char *const env_names[] = {"MISTMCP_ACCESS_LOG",
                                        "MISTMCP_ALLOW_CLOUD",
                                        "MISTMCP_ALLOW_HOST",
                                        "MISTMCP_ALLOW_ORIGIN",
                                        "MISTMCP_API_BASE_URL",
                                        "MISTMCP_BASE_PATH",
                                        "MISTMCP_CATEGORIES",
                                        "MISTMCP_CONNECT_TIMEOUT",
                                        "MISTMCP_DEBUG",
                                        "MISTMCP_ENABLE_WRITE_TOOLS",
                                        "MISTMCP_HOST",
                                        "MISTMCP_HTTP_ANONYMOUS",
                                        "MISTMCP_MAX_BATCH",
                                        "MISTMCP_MAX_RESPONSE_BYTES",
                                        "MISTMCP_MAX_RESULT_BYTES",
                                        "MISTMCP_MAX_RETRIES",
                                        "MISTMCP_MAX_SESSIONS",
                                        "MISTMCP_METRICS_TOKEN",
                                        "MISTMCP_MODE",
                                        "MISTMCP_NO_DEFAULT_PLUGIN_DIR",
                                        "MISTMCP_PLUGIN_DIR",
                                        "MISTMCP_PORT",
                                        "MISTMCP_RATE_BURST",
                                        "MISTMCP_RATE_LIMIT",
                                        "MISTMCP_RATE_LIMIT_WAIT",
                                        "MISTMCP_RETRY_MAX_TIME",
                                        "MISTMCP_SESSION_IDLE_TIMEOUT",
                                        "MISTMCP_TIMEOUT",
                                        "MISTMCP_TRANSPORT",
                                        "MIST_APITOKEN",
                                        "MIST_API_TOKEN",
                                        "MIST_CLOUD",
                                        "MIST_ENV_FILE",
                                        "MIST_HOST",
                                        "MIST_ORG_ID",
                                        "HOME"};
#define ENV_COUNT (sizeof env_names / sizeof env_names[0])

static int env_fd = -1;
static char env_path[64];
static int redirecting; /* inside mm_config_load: env files read the input's */

FILE *__real_fopen(const char *path, const char *mode);
FILE *__wrap_fopen(const char *path, const char *mode);

/* libFuzzer writes its files with fopen too: only reads made by mm_config_load go to the
 * input's env file. */
FILE *__wrap_fopen(const char *path, const char *mode)
{
    if (!redirecting || mode[0] != 'r')
        return __real_fopen(path, mode);
    if (strstr(path, "missing")) {
        errno = ENOENT;
        return NULL;
    }
    return __real_fopen(env_path, mode);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    mm_util_init();
    for (size_t i = 0; i < ENV_COUNT; i++)
        unsetenv(env_names[i]);
    setenv("HOME", "/home/fuzz", 1);
    env_fd = memfd_create("fuzz-env", 0);
    FUZZ_ASSERT(env_fd >= 0, "memfd_create failed");
    snprintf(env_path, sizeof env_path, "/proc/self/fd/%d", env_fd);
    return 0;
}

/* The next NUL-terminated string of the input, or NULL at an empty one (the section's end)
 * or at the input's end. */
static const char *next(const char **p, const char *end)
{
    if (*p >= end || **p == '\0') {
        if (*p < end)
            (*p)++;
        return NULL;
    }
    const char *s = *p;
    const char *nul = memchr(s, '\0', (size_t)(end - s));
    *p = nul ? nul + 1 : end;
    return s;
}

static void check_settings(const mm_config *cfg)
{
    FUZZ_ASSERT((unsigned)cfg->mode <= MM_MODE_CUSTOM && (unsigned)cfg->transport <= 1,
                "mode %d, transport %d", cfg->mode, cfg->transport);
    FUZZ_ASSERT(cfg->port >= 1 && cfg->port <= 65535, "port %d", cfg->port);
    FUZZ_ASSERT(cfg->cloud && mm_config_cloud_allowed(cfg, cfg->cloud), "cloud %s",
                cfg->cloud ? cfg->cloud : "(none)");
    for (size_t i = 0; i < cfg->clouds.count; i++) { /* host names: a URL is made of them */
        const char *h = cfg->clouds.items[i];
        for (const unsigned char *c = (const unsigned char *)h; *c; c++)
            FUZZ_ASSERT(*c > 0x20 && *c < 0x7f && !strchr("/?#@\\", *c),
                        "allowed cloud '%s' holds byte 0x%02x", h, *c);
        FUZZ_ASSERT(*h, "an empty allowed cloud");
    }
    for (size_t i = 0; i < cfg->tokens.count; i++)
        FUZZ_ASSERT(!mm_token_problem(cfg->tokens.items[i]), "token %zu: %s", i,
                    mm_token_problem(cfg->tokens.items[i]));
    FUZZ_ASSERT((cfg->mode == MM_MODE_CUSTOM) == (cfg->categories.count > 0),
                "mode %s with %zu categories", mm_mode_name(cfg->mode), cfg->categories.count);
    FUZZ_ASSERT(cfg->max_result_bytes >= 1024 && cfg->max_result_bytes <= (1u << 30),
                "max result bytes %zu", cfg->max_result_bytes);
    FUZZ_ASSERT(cfg->max_response_bytes >= (1u << 16) && cfg->max_response_bytes <= (1u << 30),
                "max response bytes %zu", cfg->max_response_bytes);
    FUZZ_ASSERT(cfg->max_batch >= 1 && cfg->max_retries >= 0 && cfg->max_retries <= 10,
                "max batch %zu, max retries %ld", cfg->max_batch, cfg->max_retries);
    FUZZ_ASSERT(cfg->connect_timeout_ms > 0 && cfg->timeout_ms > 0, "timeouts %ld %ld",
                cfg->connect_timeout_ms, cfg->timeout_ms);
}

/* What mm_config_load wrote: one line when it failed, nothing when it did not. */
static void check_message(int rc, const char *msg, size_t len, int marker_in_input)
{
    FUZZ_ASSERT(rc == 0 || rc == 2, "mm_config_load returned %d", rc);
    if (rc == 0)
        FUZZ_ASSERT(len == 0, "success with a message: %s", msg);
    else
        FUZZ_ASSERT(len > 1 && memchr(msg, '\n', len) == msg + len - 1,
                    "not one line of message: [%s]", msg);
    FUZZ_ASSERT(marker_in_input || !memmem(msg, len, MARKER, strlen(MARKER)),
                "a token was printed: %s", msg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p = (const char *)data, *end = p + size;
    char *argv[MAX_ARGS + 2] = {"mistmcp"};
    int argc = 1;
    for (const char *s; (s = next(&p, end)) != NULL;)
        if (argc <= MAX_ARGS)
            argv[argc++] = strndup(s, (size_t)(end - s));
    argv[argc] = NULL;
    for (const char *s; (s = next(&p, end)) != NULL;) {
        size_t n = strnlen(s, (size_t)(end - s));
        const char *eq = memchr(s, '=', n);
        for (size_t i = 0; eq && i < ENV_COUNT; i++)
            if (strlen(env_names[i]) == (size_t)(eq - s) &&
                memcmp(env_names[i], s, (size_t)(eq - s)) == 0) {
                int token = strstr(env_names[i], "TOKEN") != NULL;
                char *value = mm_xmalloc(n + strlen(MARKER) + 1);
                snprintf(value, n + strlen(MARKER) + 1, "%.*s%s", (int)(n - (size_t)(eq - s) - 1),
                         eq + 1, token ? MARKER : "");
                setenv(env_names[i], value, 1);
                free(value);
            }
    }
    FUZZ_ASSERT(ftruncate(env_fd, 0) == 0 &&
                    pwrite(env_fd, p, (size_t)(end - p), 0) == (ssize_t)(end - p),
                "cannot write the memory file");
    int marker_in_input = memmem(data, size, MARKER, strlen(MARKER)) != NULL;

    char *msg = NULL;
    size_t len = 0;
    FILE *err = open_memstream(&msg, &len);
    mm_config cfg;
    redirecting = 1;
    int rc = mm_config_load(argc, argv, &cfg, err);
    redirecting = 0;
    fflush(err);
    check_message(rc, msg, len, marker_in_input);
    fclose(err);
    free(msg);
    if (rc == 0) {
        check_settings(&cfg);
        static const char *const known[] = {"orgs_devices", "sites", "orgs_stats___devices"};
        err = open_memstream(&msg, &len);
        int crc = mm_config_check_categories(&cfg, known, 3, err);
        fclose(err);
        check_message(crc, msg, len, marker_in_input);
        free(msg);
        mm_config_free(&cfg);
    }
    for (int i = 1; i < argc; i++)
        free(argv[i]);
    for (size_t i = 0; i < ENV_COUNT; i++)
        unsetenv(env_names[i]);
    setenv("HOME", "/home/fuzz", 1);
    return 0;
}
