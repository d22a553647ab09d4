/*
 * Fuzz target: JSON-RPC messages and batches handed to a fresh MCP session, as the stdio
 * transport hands them (core/transport/stdio_server.c: one JSON value per line, an array is a
 * batch), through mm_protocol_handle and mm_protocol_handle_batch.
 *
 * Input: the first byte picks the session kind ('A': all mode with write tools, anything
 * else: managed mode, read-only), the rest is lines of JSON. The server world is built once
 * (fuzz_registry.h); tool calls go to a real Mist client whose base URL is a loopback port
 * this process holds bound and never listens on, so a request is refused by the kernel at
 * once and nothing leaves the machine (no retries, no rate-limit waits).
 *
 * Checked on everything the session sends: one line of strict JSON (valid UTF-8), never the
 * session's token. FUZZ_ECHO=1 in the environment prints it to stderr (to read what an input
 * does, e.g. when writing seeds).
 */
#define _GNU_SOURCE /* memmem */
#include "base/config.h"
#include "base/json_exact.h"
#include "base/util.h"
#include "fuzz_check.h"
#include "fuzz_registry.h"
#include "refusing_port.h"
#include "json_strict.h"
#include "mcp/protocol.h"
#include "mcp/server.h"
#include "mcp/session.h"
#include "mist/client.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TOKEN "fuzz-token-7QmX2cVb"

static mm_config managed_cfg, all_cfg;
static mm_server managed_srv, all_srv;
static mm_mist_conn *conn;
static int echo;

static void load_config(mm_config *cfg, int all)
{
    char *argv[] = {"mistmcp",
                    "--max-retries",
                    "0",
                    "--rate-limit",
                    "0",
                    "--timeout",
                    "5",
                    "--connect-timeout",
                    "1",
                    "--mode",
                    all ? "all" : "managed",
                    "--enable-write-tools",
                    NULL};
    int argc = all ? 12 : 11;
    if (mm_config_load(argc, argv, cfg, stderr) != 0)
        abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    /* The settings come from the command line above only, not from who runs the fuzzer. */
    static const char *const env[] = {
        "MIST_API_TOKEN",    "MIST_APITOKEN", "MIST_HOST",    "MIST_CLOUD",
        "MIST_ORG_ID",       "MIST_ENV_FILE", "MISTMCP_MODE", "MISTMCP_ENABLE_WRITE_TOOLS",
        "MISTMCP_CATEGORIES"};
    for (size_t i = 0; i < sizeof env / sizeof env[0]; i++)
        unsetenv(env[i]);
    mm_registry *reg = fuzz_registry();
    if (mm_mist_global_init() != 0)
        abort();
    char base[64];
    snprintf(base, sizeof base, "http://127.0.0.1:%d", mm_test_refusing_port());
    load_config(&managed_cfg, 0);
    load_config(&all_cfg, 1);
    managed_cfg.enable_write_tools = 0;
    mm_mist_options mo = {.base_url = base,
                          .connect_timeout_ms = 1000,
                          .timeout_ms = 5000,
                          .max_body_bytes = managed_cfg.max_response_bytes,
                          .user_agent = "mistmcp/fuzz"};
    mm_mist_client *mist = mm_mist_client_create(&mo);
    managed_srv = (mm_server){.cfg = &managed_cfg, .registry = reg, .mist = mist, .version = "0"};
    all_srv = managed_srv;
    all_srv.cfg = &all_cfg;
    conn = mm_mist_conn_create();
    echo = getenv("FUZZ_ECHO") != NULL;
    return 0;
}

typedef struct sent {
    const uint8_t *input;
    size_t input_size;
} sent;

static void on_send(void *p, const char *line)
{
    const sent *s = p;
    if (echo)
        fprintf(stderr, "<- %s\n", line);
    FUZZ_ASSERT(!strchr(line, '\n'), "a message of several lines breaks stdio: %.300s", line);
    FUZZ_ASSERT(mm_json_strict(line), "not strict JSON: %.300s", line);
    FUZZ_ASSERT(!strstr(line, TOKEN) || memmem(s->input, s->input_size, TOKEN, strlen(TOKEN)),
                "the token went out: %.300s", line);
}

/* One line, as stdio_server.c's handle_line answers it (on this thread). */
static void handle_line(mm_session *s, const char *line, size_t n)
{
    const char *end = NULL;
    if (mm_json_input_problem(line, n)) { /* as stdio refuses it, before any tree */
        mm_session_send(s, mm_protocol_error(NULL, MM_PARSE_ERROR, "parse error"));
        return;
    }
    cJSON *msg = mm_json_parse_exact(line, n, &end);
    while (msg && end && end < line + n && (*end == ' ' || *end == '\t' || *end == '\r'))
        end++;
    if (!msg || (end && end < line + n)) {
        cJSON_Delete(msg);
        mm_session_send(s, mm_protocol_error(NULL, MM_PARSE_ERROR, "parse error"));
        return;
    }
    cJSON *reply = cJSON_IsArray(msg) ? mm_protocol_handle_batch(s, conn, msg, NULL)
                                      : mm_protocol_handle(s, conn, msg, NULL);
    cJSON_Delete(msg);
    if (reply)
        mm_session_send(s, reply);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    int all = data[0] == 'A';
    const mm_server *srv = all ? &all_srv : &managed_srv;
    sent ctx = {data, size};
    char err[512];
    mm_session *s = mm_session_create(srv, all ? MM_MODE_ALL : MM_MODE_MANAGED, NULL, 0, TOKEN,
                                      "fuzz-org", on_send, &ctx, err, sizeof err);
    FUZZ_ASSERT(s, "no session: %s", err);
    /* Lines are handed over as copies of their exact length, so that a read past a line's
     * end is caught. */
    const char *text = (const char *)data + 1, *stop = (const char *)data + size;
    while (text < stop) {
        const char *nl = memchr(text, '\n', (size_t)(stop - text));
        size_t n = (size_t)((nl ? nl : stop) - text);
        if (n > 0) {
            char *line = mm_xmalloc(n);
            memcpy(line, text, n);
            handle_line(s, line, n);
            free(line);
        }
        text += n + 1;
    }
    mm_session_destroy(&s);
    return 0;
}
