#define _DEFAULT_SOURCE /* explicit_bzero */
#include "base/config.h"

#include "base/env_file.h"
#include "base/suggest.h"
#include "base/util.h"

#include <ctype.h>
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The Mist clouds (DESIGN.md §1). */
static const char *const mist_clouds[] = {
    "api.mist.com",     "api.gc1.mist.com", "api.ac2.mist.com", "api.gc2.mist.com",
    "api.gc4.mist.com", "api.eu.mist.com",  "api.gc3.mist.com", "api.ac6.mist.com",
    "api.gc6.mist.com", "api.ac5.mist.com", "api.gc5.mist.com", "api.gc7.mist.com"};

#define DEFAULT_MAX_RESULT_BYTES 102400
#define DEFAULT_MAX_BATCH 100 /* a batch of 100 tools/list in all mode is 40 MB of answer */
#define DEFAULT_CONNECT_TIMEOUT_S 10
#define DEFAULT_TIMEOUT_S 60

void mm_config_usage(FILE *out)
{
    fputs(
        "usage: mistmcp [OPTIONS]                      serve MCP (stdio, or HTTP with -t http)\n"
        "       mistmcp [OPTIONS] search QUESTION...\n"
        "       mistmcp [OPTIONS] describe TOOL [FIELD]\n"
        "       mistmcp [OPTIONS] call TOOL [key=value...] [--json ARGS]\n"
        "       mistmcp [OPTIONS] config CLIENT [--http URL]\n"
        "\n"
        "MCP server for the Juniper Mist API. Every Mist API operation is a tool; tools are\n"
        "grouped in categories, loaded when a client session enables them.\n"
        "\n"
        "Commands: the tools from a terminal, run as one MCP session with the options and\n"
        "credentials below; each prints the tool result the model would receive (JSON,\n"
        "indented when stdout is a terminal) and exits 0, 1 on an error result, 2 on a usage\n"
        "error.\n"
        "  search QUESTION...           searchMistTools, the words as its query\n"
        "  describe TOOL [FIELD]        describeMistTool: TOOL's parameters and request body\n"
        "                               (FIELD: a body field, e.g. radius_config.auth_servers)\n"
        "  call TOOL [key=value...]     runs TOOL (through callMistTool, or callMistWriteTool\n"
        "                               for a write tool, with enable_category, when the\n"
        "                               session does not list it). A value is JSON where it\n"
        "                               parses (12, true, null, \"12\", [1], {\"a\":1}), else a\n"
        "                               string; key= is the empty string\n"
        "      --json ARGS              call: the arguments as one JSON object; a key=value\n"
        "                               replaces its member of that key\n"
        "  config CLIENT                prints the set-up of CLIENT (claude-desktop,\n"
        "                               claude-code, vscode, cursor) for this binary with the\n"
        "                               mode, categories, --demo, --enable-write-tools, plugin\n"
        "                               directories and env file given; no token\n"
        "      --http URL               config: the client connects to a running server at URL\n"
        "                               instead of starting this binary\n"
        "\n"
        "  -t, --transport stdio|http   transport (MISTMCP_TRANSPORT; default stdio)\n"
        "  -m, --mode MODE              minimal, managed, all or custom (MISTMCP_MODE;\n"
        "                               default managed). OpenAI and VS Code refuse more\n"
        "                               than 128 tools, Gemini more than 512, and Cursor\n"
        "                               keeps only the first 40: all mode lists about 500\n"
        "                               (nearly 1,000 with write tools), so use managed\n"
        "                               mode there\n"
        "  -c, --categories LIST        comma-separated categories (implies mode custom)\n"
        "                               (MISTMCP_CATEGORIES)\n"
        "  -d, --debug                  debug logging to stderr (MISTMCP_DEBUG)\n"
        "      --host HOST              HTTP address or host name (every address it has;\n"
        "                               :: = all) (MISTMCP_HOST; default 127.0.0.1)\n"
        "      --port PORT              HTTP port (MISTMCP_PORT; default 8000)\n"
        "  -e, --env-file PATH          dotenv file with MIST_API_TOKEN, MIST_HOST, MIST_ORG_ID\n"
        "                               (MIST_ENV_FILE)\n"
        "      --demo                   talk to the built-in simulated Mist cloud: a demo org,\n"
        "                               no account or token needed (MISTMCP_DEMO)\n"
        "      --enable-write-tools     expose POST/PUT/DELETE tools (MISTMCP_ENABLE_WRITE_TOOLS;\n"
        "                               default: read-only)\n"
        "      --write-confirmation MODE  how a write is confirmed before it reaches Mist\n"
        "                               (MISTMCP_WRITE_CONFIRMATION; default: elicit when the\n"
        "                               client declared elicitation, else token). elicit: the\n"
        "                               client asks the user, showing the preview; only an\n"
        "                               accept sends. token: the first call answers a preview\n"
        "                               and a one-time token; the same call with confirm:\n"
        "                               TOKEN within 5 minutes sends it (weaker: the model\n"
        "                               could confirm on its own). none: every write is sent\n"
        "                               at once, with no preview and no one asked (automation\n"
        "                               you trust). Every write tool also takes dry_run: true\n"
        "                               (the preview, nothing sent)\n"
        "      --audit-log PATH         one JSON line per write attempt appended to PATH (-:\n"
        "                               stderr), reopened on SIGHUP; a line that cannot be\n"
        "                               written refuses the write (MISTMCP_AUDIT_LOG; none)\n"
        "      --request-state-key-file PATH\n"
        "                               the key that signs 2026-07-28 requestState (input\n"
        "                               asked mid-call, write confirmation) is the SHA-256 of\n"
        "                               this file (32 to 4096 bytes): give replicas the same\n"
        "                               file (MISTMCP_REQUEST_STATE_KEY_FILE; none: a random\n"
        "                               key per process)\n"
        "      --session-store URL      where HTTP sessions live: memory (this process), or\n"
        "                               redis://[user:password@]host[:port][/db] or\n"
        "                               unix:///path[?db=N], shared by replicas behind a load\n"
        "                               balancer (MISTMCP_SESSION_STORE; the env file is the\n"
        "                               place for a password; default memory)\n"
        "      --session-secret-file PATH\n"
        "                               with a Redis store: the key binding a session to its\n"
        "                               token is the SHA-256 of this file (32 to 4096 bytes),\n"
        "                               the same on every replica (MISTMCP_SESSION_SECRET_FILE)\n"
        "      --plugin-dir DIR         more category plugins, searched before the default\n"
        "                               directory; repeatable (MISTMCP_PLUGIN_DIR, ':'-separated)\n"
        "      --no-default-plugin-dir  search only the --plugin-dir directories\n"
        "                               (MISTMCP_NO_DEFAULT_PLUGIN_DIR)\n"
        "      --header 'Name: value'   extra HTTP response header; repeatable\n"
        "      --allow-cloud HOST       add a host to the Mist cloud allow-list; repeatable\n"
        "                               (MISTMCP_ALLOW_CLOUD, comma-separated)\n"
        "      --allow-origin ORIGIN    a browser origin allowed to call the HTTP endpoint\n"
        "                               besides loopback ones; repeatable (MISTMCP_ALLOW_ORIGIN)\n"
        "      --allow-host NAME        a Host name the HTTP endpoint answers to besides\n"
        "                               loopback ones (the name a reverse proxy passes on);\n"
        "                               repeatable (MISTMCP_ALLOW_HOST, comma-separated)\n"
        "      --base-path PATH         serve /mcp, /healthz and /metrics under PATH, e.g. /mist\n"
        "                               for a proxy that keeps its prefix (MISTMCP_BASE_PATH)\n"
        "      --no-access-log          no line per HTTP request on stderr\n"
        "                               (MISTMCP_ACCESS_LOG=0; default: on)\n"
        "      --metrics-token TOKEN    GET /metrics demands Authorization: Bearer TOKEN; prefer\n"
        "                               MISTMCP_METRICS_TOKEN or the env file (a command line\n"
        "                               shows in ps); default: /metrics is open\n"
        "      --max-result-bytes N     cut tool results beyond N bytes "
        "(MISTMCP_MAX_RESULT_BYTES;\n"
        "                               default 102400)\n"
        "      --connect-timeout SEC    Mist connect timeout (MISTMCP_CONNECT_TIMEOUT; default "
        "10)\n"
        "      --timeout SEC            Mist request timeout (MISTMCP_TIMEOUT; default 60)\n"
        "      --max-retries N          retries of a failed Mist request (MISTMCP_MAX_RETRIES; 3)\n"
        "      --retry-max-time SEC     time budget of one call's retries "
        "(MISTMCP_RETRY_MAX_TIME;\n"
        "                               default 30)\n"
        "      --rate-limit N           Mist calls per hour per token, 0: off "
        "(MISTMCP_RATE_LIMIT;\n"
        "                               default 5000, Mist's own limit); with a Redis\n"
        "                               --session-store, one limit shared by the replicas\n"
        "      --rate-burst N           calls a token may make at once (MISTMCP_RATE_BURST; 500)\n"
        "      --rate-limit-wait SEC    wait at most this for the limit, else answer when to "
        "retry\n"
        "                               (MISTMCP_RATE_LIMIT_WAIT; default 10)\n"
        "      --max-response-bytes N   a larger Mist answer is stopped\n"
        "                               (MISTMCP_MAX_RESPONSE_BYTES; default 33554432)\n"
        "      --max-batch N            messages in one JSON-RPC batch at most (protocol\n"
        "                               2025-03-26; MISTMCP_MAX_BATCH; default 100)\n"
        "      --max-sessions N         HTTP sessions at most (MISTMCP_MAX_SESSIONS; 10000); a\n"
        "                               quarter of them for sessions whose token Mist has\n"
        "                               not accepted yet, a 16th of that per client address\n"
        "      --trusted-proxy ADDR[/PREFIX]  a reverse proxy whose X-Forwarded-For names the\n"
        "                               client (repeatable; MISTMCP_TRUSTED_PROXIES, commas)\n"
        "      --session-idle-timeout SEC  idle HTTP sessions end (MISTMCP_SESSION_IDLE_TIMEOUT;\n"
        "                               default 1800)\n"
        "      --list-categories        print every tool category and exit\n"
        "      --check-plugins          name the categories without a plugin, load and unload\n"
        "                               every plugin once; exit 1 if one is missing or fails\n"
        "      --prompts FILE           more MCP prompts (guided workflows) from a JSON file,\n"
        "                               beside the built-in ones (MISTMCP_PROMPTS)\n"
        "      --check-prompts          check the prompts' definitions and that every tool\n"
        "                               they name exists; exit 1 if not\n"
        "  -h, --help                   this text\n"
        "      --version                version, Mist API spec version and plugin ABI\n"
        "\n"
        "Credentials (stdio): MIST_API_TOKEN (or MIST_APITOKEN; a comma-separated list rotates\n"
        "to the next token when Mist answers 429), MIST_HOST or MIST_CLOUD (default\n"
        "api.mist.com), MIST_ORG_ID.\n"
        "Precedence: command line > environment > env file > default.\n",
        out);
}

void mm_strlist_add(mm_strlist *list, const char *item)
{
    list->items = mm_xrealloc(list->items, (list->count + 1) * sizeof *list->items);
    list->items[list->count++] = mm_xstrdup(item);
}

void mm_strlist_split(mm_strlist *list, const char *text, char sep)
{
    for (const char *p = text; *p;) {
        const char *end = strchr(p, sep);
        if (!end)
            end = p + strlen(p);
        const char *a = p, *b = end;
        while (a < b && isspace((unsigned char)*a))
            a++;
        while (b > a && isspace((unsigned char)b[-1]))
            b--;
        if (b > a) {
            char *item = mm_xmalloc((size_t)(b - a) + 1);
            memcpy(item, a, (size_t)(b - a));
            item[b - a] = '\0';
            list->items = mm_xrealloc(list->items, (list->count + 1) * sizeof *list->items);
            list->items[list->count++] = item;
        }
        p = *end ? end + 1 : end;
    }
}

void mm_strlist_free(mm_strlist *list)
{
    for (size_t i = 0; i < list->count; i++)
        free(list->items[i]);
    free(list->items);
    list->items = NULL;
    list->count = 0;
}

const char *mm_mode_name(mm_mode mode)
{
    static const char *const names[] = {"minimal", "managed", "all", "custom"};
    return (unsigned)mode < 4 ? names[mode] : "?";
}

const char *mm_write_confirmation_name(mm_write_confirmation c)
{
    static const char *const names[] = {"default", "token", "none", "elicit"};
    return (unsigned)c < 4 ? names[c] : "?";
}

void mm_token_fingerprint(const char *token, char *buf, size_t size)
{
    uint32_t h = 2166136261u; /* FNV-1a: enough to tell tokens apart in logs */
    for (const unsigned char *p = (const unsigned char *)(token ? token : ""); *p; p++)
        h = (h ^ *p) * 16777619u;
    snprintf(buf, size, "token#%08x", (unsigned)h);
}

int mm_config_cloud_allowed(const mm_config *cfg, const char *host)
{
    for (size_t i = 0; i < cfg->clouds.count; i++)
        if (strcasecmp(cfg->clouds.items[i], host) == 0)
            return 1;
    return 0;
}

/* One setting's raw text: command line, else environment, else env file. */
static const char *pick(const char *cli, const char *env_name, const mm_env_file *file)
{
    if (cli)
        return cli;
    const char *v = getenv(env_name);
    if (v && *v)
        return v;
    v = mm_env_file_get(file, env_name);
    return v && *v ? v : NULL;
}

static int parse_bool(const char *text, int *out)
{
    static const char *const yes[] = {"1", "true", "yes", "on"};
    static const char *const no[] = {"0", "false", "no", "off", ""};
    for (size_t i = 0; i < 4; i++)
        if (strcasecmp(text, yes[i]) == 0)
            return *out = 1, 0;
    for (size_t i = 0; i < 5; i++)
        if (strcasecmp(text, no[i]) == 0)
            return *out = 0, 0;
    return -1;
}

static int parse_long(const char *text, long min, long max, long *out)
{
    char *end = NULL;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (errno || !end || end == text || *end || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

/* "https://api.mist.com/" -> "api.mist.com" */
static char *cloud_host(const char *text)
{
    const char *p = text;
    if (strncasecmp(p, "https://", 8) == 0)
        p += 8;
    char *out = mm_xstrdup(p);
    size_t n = strlen(out);
    while (n > 0 && out[n - 1] == '/')
        out[--n] = '\0';
    for (char *c = out; *c; c++)
        *c = (char)tolower((unsigned char)*c);
    return out;
}

enum {
    OPT_VERSION = 256,
    OPT_LIST,
    OPT_CHECK,
    OPT_HOST,
    OPT_PORT,
    OPT_WRITE,
    OPT_PLUGIN_DIR,
    OPT_HEADER,
    OPT_ALLOW_CLOUD,
    OPT_ALLOW_ORIGIN,
    OPT_MAX_RESULT,
    OPT_CONNECT_TIMEOUT,
    OPT_TIMEOUT,
    OPT_MAX_SESSIONS,
    OPT_SESSION_IDLE,
    OPT_MAX_RETRIES,
    OPT_RETRY_TIME,
    OPT_RATE_LIMIT,
    OPT_RATE_BURST,
    OPT_RATE_WAIT,
    OPT_MAX_RESPONSE,
    OPT_MAX_BATCH,
    OPT_TRUSTED_PROXY,
    OPT_DEMO,
    OPT_NO_DEFAULT_PLUGIN_DIR,
    OPT_JSON,
    OPT_ALLOW_HOST,
    OPT_BASE_PATH,
    OPT_NO_ACCESS_LOG,
    OPT_METRICS_TOKEN,
    OPT_HTTP_URL,
    OPT_WRITE_CONFIRMATION,
    OPT_AUDIT_LOG,
    OPT_PROMPTS,
    OPT_CHECK_PROMPTS,
    OPT_REQUEST_STATE_KEY_FILE,
    OPT_SESSION_STORE,
    OPT_SESSION_SECRET_FILE
};

const char *mm_token_problem(const char *token)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)token; *p; p++, n++) {
        if (*p <= 0x20 || *p >= 0x7f)
            return "it holds a space, a control character or a non-ASCII byte";
        if (*p == ',' && (p == (const unsigned char *)token || p[1] == ',' || !p[1]))
            return "it has an empty token between commas";
    }
    if (n == 0)
        return "it is empty";
    if (n > MM_TOKEN_MAX)
        return "it is longer than 512 bytes";
    return NULL;
}

/* The host of "host[:port]", "[v6]:port" or a bare IPv6 address, into host (cut to size). */
static void host_part(const char *hostport, char *host, size_t size)
{
    struct in6_addr bare;
    if (inet_pton(AF_INET6, hostport, &bare) == 1) { /* "::1" as given to --host */
        snprintf(host, size, "%s", hostport);
    } else if (hostport[0] == '[') {
        size_t n = strcspn(hostport + 1, "]");
        snprintf(host, size, "%.*s", (int)n, hostport + 1);
    } else {
        size_t n = strcspn(hostport, ":/");
        snprintf(host, size, "%.*s", (int)n, hostport);
    }
}

int mm_host_is_loopback(const char *hostport)
{
    char host[256];
    host_part(hostport, host, sizeof host);
    struct in_addr a4;
    struct in6_addr a6;
    if (inet_pton(AF_INET, host, &a4) == 1)
        return (ntohl(a4.s_addr) >> 24) == 127;
    if (inet_pton(AF_INET6, host, &a6) == 1)
        return IN6_IS_ADDR_LOOPBACK(&a6);
    return strcasecmp(host, "localhost") == 0;
}

/* host without one trailing dot, lower case, into out (cut to size). */
static void host_key(const char *host, char *out, size_t size)
{
    size_t n = strlen(host);
    if (n > 1 && host[n - 1] == '.')
        n--;
    snprintf(out, size, "%.*s", (int)n, host);
    for (char *c = out; *c; c++)
        *c = (char)tolower((unsigned char)*c);
}

int mm_config_host_allowed(const mm_config *cfg, const char *hostport, char *name, size_t size)
{
    char host[256], key[256];
    host_part(hostport, host, sizeof host);
    if (name)
        snprintf(name, size, "%s", host);
    if (mm_host_is_loopback(hostport))
        return 1;
    host_key(host, key, sizeof key);
    struct in6_addr given, allowed;
    int v6 = inet_pton(AF_INET6, key, &given) == 1; /* one address, however it is written */
    for (size_t i = 0; i < cfg->allowed_hosts.count; i++) {
        const char *a = cfg->allowed_hosts.items[i];
        if (v6 ? inet_pton(AF_INET6, a, &allowed) == 1 && memcmp(&given, &allowed, 16) == 0
               : strcmp(a, key) == 0)
            return 1;
    }
    return 0;
}

/* NULL if name can be given to --allow-host: a DNS name (labels of letters, digits, '-' and
 * '_', at most 253 characters), an IPv4 address, or an IPv6 address bare or in brackets; no
 * port. Else what is expected. */
static const char *allowed_host_problem(const char *name)
{
    static const char *const expected =
        "a host name or IP address without a port (mcp.example.com, 192.0.2.7, 2001:db8::7)";
    char host[256];
    struct in6_addr a6;
    if (name[0] == '[') {
        size_t n = strlen(name);
        if (n < 3 || name[n - 1] != ']' || n - 2 >= sizeof host)
            return expected;
        snprintf(host, sizeof host, "%.*s", (int)(n - 2), name + 1);
        return inet_pton(AF_INET6, host, &a6) == 1 ? NULL : expected;
    }
    if (inet_pton(AF_INET6, name, &a6) == 1)
        return NULL;
    size_t n = strlen(name), label = 0;
    if (n == 0 || n > 253 || name[0] == '.' || strstr(name, ".."))
        return expected;
    for (const char *c = name; *c; c++) {
        if (*c == '.') {
            label = 0;
            continue;
        }
        if (!isalnum((unsigned char)*c) && *c != '-' && *c != '_')
            return expected; /* a ':' is a port (or a broken IPv6 address) */
        if (++label > 63)
            return expected;
    }
    return NULL;
}

/* The address --host names, as getaddrinfo takes it (a string the caller frees), or NULL if
 * it is none: what --allow-host takes, an IPv6 address in brackets given bare, and a link-local
 * IPv6 address's zone ("fe80::1%eth0": letters, digits, '-', '_', '.'). Checked here so that
 * no byte of it can reach a message or the resolver unchecked. */
static char *listen_host_normal(const char *v)
{
    const char *zone = strchr(v, '%');
    if (zone && v[0] != '[') {
        char addr[INET6_ADDRSTRLEN];
        struct in6_addr a6;
        size_t n = (size_t)(zone - v), z = strlen(zone + 1);
        if (n >= sizeof addr || z == 0 || z > 64)
            return NULL;
        memcpy(addr, v, n);
        addr[n] = '\0';
        if (inet_pton(AF_INET6, addr, &a6) != 1)
            return NULL;
        for (const char *c = zone + 1; *c; c++)
            if (!isalnum((unsigned char)*c) && !strchr("-_.", *c))
                return NULL;
        return mm_xstrdup(v);
    }
    if (allowed_host_problem(v))
        return NULL;
    if (v[0] == '[') { /* allowed_host_problem took it: an IPv6 address in brackets */
        char *bare = mm_xstrdup(v + 1);
        bare[strlen(bare) - 1] = '\0';
        return bare;
    }
    return mm_xstrdup(v);
}

/* Normalises a --base-path value into out (a string the caller frees): "" for the root, else
 * "/seg[/seg...]" without a trailing '/'. NULL if it is not one. Segments of letters, digits
 * and -._~ only: nothing percent-encoded, no '?' or '#', no empty, "." or ".." segment, so
 * that the path a proxy forwards and the one matched here cannot differ. */
static char *base_path_normal(const char *v)
{
    size_t n = strlen(v);
    if (v[0] != '/' || n > 200)
        return NULL;
    while (n > 1 && v[n - 1] == '/') /* "/mist/" is "/mist"; "/" the root */
        n--;
    if (n == 1)
        return mm_xstrdup("");
    for (size_t i = 0; i < n; i++) {
        if (v[i] == '/') {
            size_t seg = strcspn(v + i + 1, "/");
            if (seg > n - i - 1)
                seg = n - i - 1;
            if (seg == 0 || (seg == 1 && v[i + 1] == '.') ||
                (seg == 2 && v[i + 1] == '.' && v[i + 2] == '.'))
                return NULL;
        } else if (!isalnum((unsigned char)v[i]) && !strchr("-._~", v[i])) {
            return NULL;
        }
    }
    char *out = mm_xmalloc(n + 1);
    memcpy(out, v, n);
    out[n] = '\0';
    return out;
}

/* NULL if a metrics token can be a bearer token (RFC 6750 section 2.1: letters, digits and
 * -._~+/, then '=' padding), 16 to 512 characters; else what is expected. */
static const char *metrics_token_problem(const char *t)
{
    size_t n = strlen(t), i = 0;
    while (i < n && (isalnum((unsigned char)t[i]) || strchr("-._~+/", t[i])))
        i++;
    while (i > 0 && i < n && t[i] == '=')
        i++;
    if (i != n || n < 16 || n > 512)
        return "16 to 512 characters of letters, digits and -._~+/ (then '=' padding), as a "
               "bearer token is written";
    return NULL;
}

/* 1 if v is https://host[:port][/path], or http:// to a loopback host (127.0.0.0/8,
 * localhost, [::1]) for tests; never with a user part ("http://127.0.0.1@evil.example" is a
 * request to evil.example, in plain text, with the token). */
static int base_url_ok(const char *v)
{
    int tls = strncasecmp(v, "https://", 8) == 0;
    if (!tls && strncasecmp(v, "http://", 7) != 0)
        return 0;
    if (strlen(v) >= 300) /* the Mist client keeps 300 bytes of it */
        return 0;
    for (const unsigned char *c = (const unsigned char *)v; *c; c++) /* the whole URL: */
        if (*c <= 0x20 || *c >= 0x7f || *c == '?' || *c == '#' || *c == '\\')
            return 0; /* no query or fragment: paths are appended to it */
    const char *auth = v + (tls ? 8 : 7);
    size_t n = strcspn(auth, "/");
    if (n == 0 || memchr(auth, '@', n))
        return 0;
    const char *colon = auth[0] == '[' ? NULL : memchr(auth, ':', n);
    const char *close = auth[0] == '[' ? memchr(auth, ']', n) : NULL;
    if (close && close + 1 < auth + n && close[1] == ':')
        colon = close + 1;
    if (colon) { /* a port: 1 to 65535 */
        long port = 0;
        size_t digits = (size_t)(auth + n - colon - 1);
        for (size_t i = 1; i <= digits; i++)
            port = colon[i] >= '0' && colon[i] <= '9' && port < 100000
                       ? port * 10 + (colon[i] - '0')
                       : 100000;
        if (!digits || port < 1 || port > 65535)
            return 0;
    }
    if (tls)
        return 1;
    char hostport[300];
    snprintf(hostport, sizeof hostport, "%.*s", (int)n, auth);
    return mm_host_is_loopback(hostport);
}

/* Parses "ADDR" or "ADDR/PREFIX" into 16 bytes (IPv4 as ::ffff:a.b.c.d) and a prefix length
 * over those 128 bits. Returns 0, or -1 if entry is neither. */
static int parse_network(const char *entry, unsigned char out[16], unsigned *prefix)
{
    char addr[64];
    const char *slash = strchr(entry, '/');
    size_t n = slash ? (size_t)(slash - entry) : strlen(entry);
    if (n == 0 || n >= sizeof addr)
        return -1;
    memcpy(addr, entry, n);
    addr[n] = '\0';
    struct in_addr a4;
    unsigned max;
    if (inet_pton(AF_INET, addr, &a4) == 1) {
        static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
        memcpy(out, mapped, 12);
        memcpy(out + 12, &a4, 4);
        max = 32;
    } else if (inet_pton(AF_INET6, addr, out) == 1) {
        max = 128;
    } else {
        return -1;
    }
    unsigned bits = max;
    if (slash) {
        char *end;
        errno = 0;
        unsigned long v = strtoul(slash + 1, &end, 10);
        if (!isdigit((unsigned char)slash[1]) || *end || errno || v > max)
            return -1;
        bits = (unsigned)v;
    }
    *prefix = bits + (128 - max);
    return 0;
}

const char *mm_network_problem(const char *entry)
{
    unsigned char a[16];
    unsigned prefix;
    return parse_network(entry, a, &prefix) == 0
               ? NULL
               : "an IPv4 or IPv6 address, optionally /PREFIX (10.0.0.0/8, fd00::/8)";
}

int mm_config_trusted_proxy(const mm_config *cfg, const char *addr)
{
    unsigned char a[16];
    unsigned all;
    if (strchr(addr, '/') || parse_network(addr, a, &all) != 0)
        return 0;
    for (size_t i = 0; i < cfg->trusted_proxies.count; i++) {
        unsigned char net[16];
        unsigned prefix;
        if (parse_network(cfg->trusted_proxies.items[i], net, &prefix) != 0)
            continue;
        int same = 1;
        for (unsigned bit = 0; bit < prefix && same; bit++)
            same = ((a[bit / 8] ^ net[bit / 8]) & (0x80u >> (bit % 8))) == 0;
        if (same)
            return 1;
    }
    return 0;
}

/* NULL if line is "Name: value" an HTTP response may carry, else what is expected: a name
 * of token characters (RFC 9110 section 5.6.2), at most 100 of them; a value of visible
 * characters, spaces and tabs; no header the server sets itself (its protocol and framing
 * would break). */
static const char *header_problem(const char *line)
{
    size_t n = strcspn(line, ":");
    if (!line[n] || n == 0)
        return "'Name: value' on one line";
    if (n > 100)
        return "a name of at most 100 characters";
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)line[i]) && !strchr("!#$%&'*+-.^_`|~", line[i]))
            return "a name of letters, digits and !#$%&'*+-.^_`|~ (no space)";
    const unsigned char *value = (const unsigned char *)line + n + 1;
    while (*value == ' ' || *value == '\t')
        value++;
    if (!*value)
        return "a value (an empty one would be dropped)";
    for (const unsigned char *v = value; *v; v++)
        if ((*v < 0x20 && *v != '\t') || *v == 0x7f)
            return "a value without control characters";
    static const char *const own[] = {"Content-Type",     "Content-Length", "Transfer-Encoding",
                                      "Connection",       "Mcp-Session-Id", "MCP-Protocol-Version",
                                      "WWW-Authenticate", "Upgrade",        "Trailer",
                                      "Keep-Alive",       "Date",           "Cache-Control"};
    for (size_t i = 0; i < sizeof own / sizeof own[0]; i++)
        if (strlen(own[i]) == n && strncasecmp(line, own[i], n) == 0)
            return "a header the server does not set itself (not Content-Type, Content-Length, "
                   "Transfer-Encoding, Connection, Mcp-Session-Id, MCP-Protocol-Version, ...)";
    return NULL;
}

int mm_config_session_choice(const char *mode_text, const char *categories_text,
                             mm_mode default_mode, mm_mode *mode, mm_strlist *categories, char *err,
                             size_t err_size)
{
    *mode = default_mode;
    if (mode_text) {
        int m = -1;
        for (int i = 0; i < 4; i++)
            if (strcmp(mode_text, mm_mode_name((mm_mode)i)) == 0)
                m = i;
        if (m < 0) {
            char *s = mm_text_shown(mode_text);
            mm_fail(err, err_size,
                    "mode '%.60s' is not valid: expected minimal, managed, all or custom", s);
            free(s);
            return -1;
        }
        *mode = (mm_mode)m;
    }
    if (!categories_text) {
        if (mode_text && *mode == MM_MODE_CUSTOM)
            return mm_fail(err, err_size,
                           "mode custom needs categories (a comma-separated list of category "
                           "names)");
        return 0;
    }
    mm_strlist split = {0};
    mm_strlist_split(&split, categories_text, ',');
    if (split.count == 0) {
        mm_strlist_free(&split);
        return mm_fail(err, err_size,
                       "categories is empty: expected a comma-separated list of category names");
    }
    if (mode_text && *mode != MM_MODE_CUSTOM) {
        mm_strlist_free(&split);
        return mm_fail(err, err_size,
                       "categories are for mode custom, not mode %s: give categories alone "
                       "(custom is then implied) or with mode custom",
                       mm_mode_name(*mode));
    }
    *mode = MM_MODE_CUSTOM;
    for (size_t i = 0; i < split.count; i++)
        mm_strlist_add(categories, split.items[i]);
    mm_strlist_free(&split);
    return 0;
}

static int bad(FILE *err, const char *what, const char *value, const char *expected)
{
    char *s = mm_text_shown(value);
    fprintf(err, "mistmcp: %s '%s' is not valid: expected %s\n", what, s, expected);
    free(s);
    return 2;
}

static int apply(mm_config *cfg, const char *const *cli, const mm_strlist *cli_dirs,
                 const mm_strlist *cli_clouds, const mm_env_file *file, FILE *err)
{
    const char *v;
    if ((v = pick(cli['t'], "MISTMCP_TRANSPORT", file))) {
        if (strcmp(v, "stdio") == 0)
            cfg->transport = MM_TRANSPORT_STDIO;
        else if (strcmp(v, "http") == 0)
            cfg->transport = MM_TRANSPORT_HTTP;
        else
            return bad(err, "transport", v, "stdio or http");
    }
    char why[300];
    if (mm_config_session_choice(pick(cli['m'], "MISTMCP_MODE", file),
                                 pick(cli['c'], "MISTMCP_CATEGORIES", file), cfg->mode, &cfg->mode,
                                 &cfg->categories, why, sizeof why) != 0) {
        fprintf(err, "mistmcp: %s\n", why);
        return 2;
    }
    if (cli['d'])
        cfg->debug = 1;
    else if ((v = pick(NULL, "MISTMCP_DEBUG", file)) && parse_bool(v, &cfg->debug) != 0)
        return bad(err, "MISTMCP_DEBUG", v, "1/0, true/false, yes/no or on/off");
    if (cli[OPT_WRITE - OPT_VERSION + 128])
        cfg->enable_write_tools = 1;
    else if ((v = pick(NULL, "MISTMCP_ENABLE_WRITE_TOOLS", file)) &&
             parse_bool(v, &cfg->enable_write_tools) != 0)
        return bad(err, "MISTMCP_ENABLE_WRITE_TOOLS", v, "1/0, true/false, yes/no or on/off");
    if ((v = pick(cli[OPT_WRITE_CONFIRMATION - OPT_VERSION + 128], "MISTMCP_WRITE_CONFIRMATION",
                  file))) {
        if (strcmp(v, "token") == 0)
            cfg->write_confirmation = MM_CONFIRM_TOKEN;
        else if (strcmp(v, "none") == 0)
            cfg->write_confirmation = MM_CONFIRM_NONE;
        else if (strcmp(v, "elicit") == 0)
            cfg->write_confirmation = MM_CONFIRM_ELICIT;
        else
            return bad(err, "write confirmation", v, "elicit, token or none");
    }
    if ((v = pick(cli[OPT_AUDIT_LOG - OPT_VERSION + 128], "MISTMCP_AUDIT_LOG", file)))
        cfg->audit_log = mm_xstrdup(v);
    if ((v = pick(cli[OPT_PROMPTS - OPT_VERSION + 128], "MISTMCP_PROMPTS", file)) && *v)
        cfg->prompts_file = mm_xstrdup(v);
    if ((v = pick(cli[OPT_REQUEST_STATE_KEY_FILE - OPT_VERSION + 128],
                  "MISTMCP_REQUEST_STATE_KEY_FILE", file)))
        cfg->request_state_key_file = mm_xstrdup(v);
    /* The URL may carry the Redis password: the env file is the place for it. */
    if ((v = pick(cli[OPT_SESSION_STORE - OPT_VERSION + 128], "MISTMCP_SESSION_STORE", file)) &&
        strcmp(v, "memory") != 0) {
        if (strncmp(v, "redis://", 8) != 0 && strncmp(v, "rediss://", 9) != 0 &&
            strncmp(v, "unix://", 7) != 0) {
            /* Not echoed: a mistyped scheme may still carry a password. */
            fputs("mistmcp: --session-store is not valid: expected memory, "
                  "redis://[user:password@]host[:port][/db] or unix:///path[?db=N] (the value is "
                  "not shown: it may hold a password)\n",
                  err);
            return 2;
        }
        cfg->session_store = mm_xstrdup(v);
    }
    if ((v = pick(cli[OPT_SESSION_SECRET_FILE - OPT_VERSION + 128], "MISTMCP_SESSION_SECRET_FILE",
                  file)))
        cfg->session_secret_file = mm_xstrdup(v);
    v = pick(cli[OPT_HOST - OPT_VERSION + 128], "MISTMCP_HOST", file);
    cfg->host = listen_host_normal(v ? v : "127.0.0.1");
    if (!cfg->host)
        return bad(err, "host", v,
                   "a host name or IP address to listen on, without a port (127.0.0.1, ::1, "
                   "0.0.0.0, localhost, mcp.example.com)");
    long n;
    if ((v = pick(cli[OPT_PORT - OPT_VERSION + 128], "MISTMCP_PORT", file))) {
        if (parse_long(v, 1, 65535, &n) != 0)
            return bad(err, "port", v, "a number from 1 to 65535");
        cfg->port = (int)n;
    }
    if ((v = pick(cli[OPT_MAX_RESULT - OPT_VERSION + 128], "MISTMCP_MAX_RESULT_BYTES", file))) {
        if (parse_long(v, 1024, 1L << 30, &n) != 0)
            return bad(err, "max result bytes", v, "a number of bytes from 1024 to 1073741824");
        cfg->max_result_bytes = (size_t)n;
    }
    if ((v = pick(cli[OPT_CONNECT_TIMEOUT - OPT_VERSION + 128], "MISTMCP_CONNECT_TIMEOUT", file))) {
        if (parse_long(v, 1, 600, &n) != 0)
            return bad(err, "connect timeout", v, "seconds from 1 to 600");
        cfg->connect_timeout_ms = n * 1000;
    }
    if ((v = pick(cli[OPT_TIMEOUT - OPT_VERSION + 128], "MISTMCP_TIMEOUT", file))) {
        if (parse_long(v, 1, 3600, &n) != 0)
            return bad(err, "timeout", v, "seconds from 1 to 3600");
        cfg->timeout_ms = n * 1000;
    }
    /* Where code is loaded from and where the token may be sent are the operator's choice:
     * command line or environment, never an env file (which holds credentials, often shared). */
    if ((v = pick(cli[OPT_MAX_SESSIONS - OPT_VERSION + 128], "MISTMCP_MAX_SESSIONS", file))) {
        if (parse_long(v, 1, 1000000, &n) != 0)
            return bad(err, "max sessions", v, "a number from 1 to 1000000");
        cfg->max_sessions = (size_t)n;
    }
    if ((v = pick(cli[OPT_SESSION_IDLE - OPT_VERSION + 128], "MISTMCP_SESSION_IDLE_TIMEOUT",
                  file))) {
        if (parse_long(v, 1, 7 * 24 * 3600, &n) != 0)
            return bad(err, "session idle timeout", v, "seconds from 1 to 604800");
        cfg->session_idle_ms = n * 1000;
    }
    struct {
        int opt;
        const char *env, *what, *expected;
        long lo, hi, scale;
        long *out;
    } numbers[] = {
        {OPT_MAX_RETRIES, "MISTMCP_MAX_RETRIES", "max retries", "a number from 0 to 10", 0, 10, 1,
         &cfg->max_retries},
        {OPT_RETRY_TIME, "MISTMCP_RETRY_MAX_TIME", "retry max time", "seconds from 1 to 600", 1,
         600, 1000, &cfg->retry_max_ms},
        {OPT_RATE_LIMIT, "MISTMCP_RATE_LIMIT", "rate limit",
         "calls per hour per token from 0 (off) to 1000000", 0, 1000000, 1, &cfg->rate_per_hour},
        {OPT_RATE_BURST, "MISTMCP_RATE_BURST", "rate burst", "a number of calls from 1 to 1000000",
         1, 1000000, 1, &cfg->rate_burst},
        {OPT_RATE_WAIT, "MISTMCP_RATE_LIMIT_WAIT", "rate limit wait", "seconds from 0 to 600", 0,
         600, 1000, &cfg->rate_wait_ms},
    };
    for (size_t i = 0; i < sizeof numbers / sizeof numbers[0]; i++)
        if ((v = pick(cli[numbers[i].opt - OPT_VERSION + 128], numbers[i].env, file))) {
            if (parse_long(v, numbers[i].lo, numbers[i].hi, &n) != 0)
                return bad(err, numbers[i].what, v, numbers[i].expected);
            *numbers[i].out = n * numbers[i].scale;
        }
    if ((v = pick(cli[OPT_MAX_RESPONSE - OPT_VERSION + 128], "MISTMCP_MAX_RESPONSE_BYTES", file))) {
        if (parse_long(v, 1L << 16, 1L << 30, &n) != 0)
            return bad(err, "max response bytes", v, "a number of bytes from 65536 to 1073741824");
        cfg->max_response_bytes = (size_t)n;
    }
    if ((v = pick(cli[OPT_MAX_BATCH - OPT_VERSION + 128], "MISTMCP_MAX_BATCH", file))) {
        if (parse_long(v, 1, 10000, &n) != 0)
            return bad(err, "max batch", v, "a number of messages from 1 to 10000");
        cfg->max_batch = (size_t)n;
    }
    if (cli_dirs->count)
        for (size_t i = 0; i < cli_dirs->count; i++)
            mm_strlist_add(&cfg->plugin_dirs, cli_dirs->items[i]);
    else if ((v = pick(NULL, "MISTMCP_PLUGIN_DIR", NULL)))
        mm_strlist_split(&cfg->plugin_dirs, v, ':');
    if (cli[OPT_NO_DEFAULT_PLUGIN_DIR - OPT_VERSION + 128])
        cfg->no_default_plugin_dir = 1;
    else if ((v = pick(NULL, "MISTMCP_NO_DEFAULT_PLUGIN_DIR", NULL)) &&
             parse_bool(v, &cfg->no_default_plugin_dir) != 0)
        return bad(err, "MISTMCP_NO_DEFAULT_PLUGIN_DIR", v, "1/0, true/false, yes/no or on/off");
    if (cfg->no_default_plugin_dir && cfg->plugin_dirs.count == 0) {
        fputs("mistmcp: --no-default-plugin-dir leaves no plugin directory: give one with "
              "--plugin-dir DIR (or MISTMCP_PLUGIN_DIR)\n",
              err);
        return 2;
    }

    for (size_t i = 0; i < sizeof mist_clouds / sizeof mist_clouds[0]; i++)
        mm_strlist_add(&cfg->clouds, mist_clouds[i]);
    mm_strlist extra = {0};
    if (cli_clouds->count)
        for (size_t i = 0; i < cli_clouds->count; i++)
            mm_strlist_split(&extra, cli_clouds->items[i], ',');
    else if ((v = pick(NULL, "MISTMCP_ALLOW_CLOUD", NULL)))
        mm_strlist_split(&extra, v, ',');
    for (size_t i = 0; i < extra.count; i++) {
        char *h = cloud_host(extra.items[i]);
        int ok = *h != '\0'; /* a host name in a URL: visible ASCII; no / ? # @ or backslash */
        for (const unsigned char *c = (const unsigned char *)h; *c && ok; c++)
            ok = *c > 0x20 && *c < 0x7f && !strchr("/?#@\\", *c);
        if (ok)
            mm_strlist_add(&cfg->clouds, h);
        free(h);
        if (!ok) {
            int rc = bad(err, "allowed cloud", extra.items[i], "a host name such as api.mist.com");
            mm_strlist_free(&extra);
            return rc;
        }
    }
    mm_strlist_free(&extra);
    if (cfg->origins.count == 0 && (v = pick(NULL, "MISTMCP_ALLOW_ORIGIN", NULL)))
        mm_strlist_split(&cfg->origins, v, ',');
    if (cfg->trusted_proxies.count == 0 && (v = pick(NULL, "MISTMCP_TRUSTED_PROXIES", file)))
        mm_strlist_split(&cfg->trusted_proxies, v, ',');
    for (size_t i = 0; i < cfg->trusted_proxies.count; i++) {
        const char *why = mm_network_problem(cfg->trusted_proxies.items[i]);
        if (why)
            return bad(err, "trusted proxy", cfg->trusted_proxies.items[i], why);
    }
    /* Like --allow-origin, a guard the operator lowers: command line or environment only. */
    if (cfg->allowed_hosts.count == 0 && (v = pick(NULL, "MISTMCP_ALLOW_HOST", NULL)))
        mm_strlist_split(&cfg->allowed_hosts, v, ',');
    for (size_t i = 0; i < cfg->allowed_hosts.count; i++) {
        char *item = cfg->allowed_hosts.items[i];
        const char *why = allowed_host_problem(item);
        if (why)
            return bad(err, "allowed host", item, why);
        char key[256]; /* compared as mm_config_host_allowed sees a Host header */
        host_part(item, key, sizeof key);
        host_key(key, item, strlen(item) + 1);
    }
    if ((v = pick(cli[OPT_BASE_PATH - OPT_VERSION + 128], "MISTMCP_BASE_PATH", file))) {
        cfg->base_path = base_path_normal(v);
        if (!cfg->base_path)
            return bad(err, "base path", v,
                       "a path prefix such as /mist: a leading '/', then segments of letters, "
                       "digits and -._~ (no '.' or '..' segment, no '//', '%', '?' or '#')");
    } else {
        cfg->base_path = mm_xstrdup("");
    }
    cfg->access_log = 1;
    if (cli[OPT_NO_ACCESS_LOG - OPT_VERSION + 128])
        cfg->access_log = 0;
    else if ((v = pick(NULL, "MISTMCP_ACCESS_LOG", file)) && parse_bool(v, &cfg->access_log) != 0)
        return bad(err, "MISTMCP_ACCESS_LOG", v, "1/0, true/false, yes/no or on/off");
    if ((v = pick(cli[OPT_METRICS_TOKEN - OPT_VERSION + 128], "MISTMCP_METRICS_TOKEN", file))) {
        const char *why = metrics_token_problem(v);
        if (why) { /* never the token itself: it is a secret */
            fprintf(err, "mistmcp: the metrics token is not valid: expected %s\n", why);
            return 2;
        }
        cfg->metrics_token = mm_xstrdup(v);
    }

    /* Credentials: environment, else env file (no command-line options: they would show in
     * the process list). */
    if ((v = pick(NULL, "MIST_API_TOKEN", file)) || (v = pick(NULL, "MIST_APITOKEN", file)))
        mm_strlist_split(&cfg->tokens, v, ',');
    for (size_t i = 0; i < cfg->tokens.count; i++) {
        const char *why = mm_token_problem(cfg->tokens.items[i]);
        if (why) { /* never the token itself: it is a secret */
            fprintf(err, "mistmcp: MIST_API_TOKEN: token %zu of %zu is not valid: %s\n", i + 1,
                    cfg->tokens.count, why);
            return 2;
        }
    }
    if (cli[OPT_DEMO - OPT_VERSION + 128])
        cfg->demo = 1;
    else if ((v = pick(NULL, "MISTMCP_DEMO", NULL)) && parse_bool(v, &cfg->demo) != 0) /* not
        from an env file: it swaps the far end and drops the HTTP token requirement */
        return bad(err, "MISTMCP_DEMO", v, "1/0, true/false, yes/no or on/off");
    if ((v = pick(NULL, "MIST_HOST", file)) || (v = pick(NULL, "MIST_CLOUD", file)))
        cfg->cloud = cloud_host(v);
    else
        cfg->cloud = mm_xstrdup("api.mist.com");
    if (!mm_config_cloud_allowed(cfg, cfg->cloud)) {
        char *s = mm_text_shown(cfg->cloud);
        fprintf(err, "mistmcp: Mist cloud '%s' is not one of the allowed clouds:", s);
        free(s);
        for (size_t i = 0; i < cfg->clouds.count; i++) {
            s = mm_text_shown(cfg->clouds.items[i]);
            fprintf(err, "%s%s", i ? ", " : " ", s);
            free(s);
        }
        fputs(" (add one with --allow-cloud)\n", err);
        return 2;
    }
    if ((v = pick(NULL, "MIST_ORG_ID", file)))
        cfg->org_id = mm_xstrdup(v);
    if ((v = getenv("MISTMCP_HTTP_ANONYMOUS")) && parse_bool(v, &cfg->http_anonymous) != 0)
        return bad(err, "MISTMCP_HTTP_ANONYMOUS", v, "1 or 0");
    if ((v = getenv("MISTMCP_API_BASE_URL")) && *v) { /* operator-only: not from env files */
        cfg->api_base_url = mm_xstrdup(v);
        if (!base_url_ok(v)) { /* never the value: a user part may hold a password */
            fputs(
                "mistmcp: MISTMCP_API_BASE_URL is not valid: expected https://host[:port][/path], "
                "or http:// to a loopback address (tests); no user part, query, fragment, "
                "space or control character, under 300 bytes\n",
                err);
            return 2;
        }
        if (cfg->demo) {
            fputs("mistmcp: --demo and MISTMCP_API_BASE_URL both name the far end: choose one\n",
                  err);
            return 2;
        }
    }
    return 0;
}

/* The words left after the options (getopt moved them to the end, in order): a command and
 * its operands, or nothing. Returns 0, or 2 after one line to err. */
static int command(mm_config *cfg, int argc, char **argv, FILE *err)
{
    static const struct {
        const char *name;
        mm_action action;
    } commands[] = {{"search", MM_ACTION_SEARCH},
                    {"describe", MM_ACTION_DESCRIBE},
                    {"call", MM_ACTION_CALL},
                    {"config", MM_ACTION_CONFIG}};
    int found = -1;
    for (int i = 0; argc > 0 && i < (int)(sizeof commands / sizeof commands[0]) && found < 0; i++)
        if (strcmp(argv[0], commands[i].name) == 0)
            found = i;
    if (argc > 0 && found < 0) {
        char *s = mm_text_shown(argv[0]);
        fprintf(err,
                "mistmcp: unexpected argument '%s': expected an option or a command (search, "
                "describe, call, config) (see --help)\n",
                s);
        free(s);
        return 2;
    }
    if (found >= 0 &&
        (cfg->action == MM_ACTION_LIST_CATEGORIES || cfg->action == MM_ACTION_CHECK_PLUGINS ||
         cfg->action == MM_ACTION_CHECK_PROMPTS)) {
        fprintf(err, "mistmcp: %s and the %s command: choose one\n",
                cfg->action == MM_ACTION_LIST_CATEGORIES ? "--list-categories"
                : cfg->action == MM_ACTION_CHECK_PLUGINS ? "--check-plugins"
                                                         : "--check-prompts",
                commands[found].name);
        return 2;
    }
    if (found >= 0 && cfg->action == MM_ACTION_SERVE)
        cfg->action = commands[found].action; /* --help and --version still win */
    for (int i = 1; i < argc; i++)
        mm_strlist_add(&cfg->operands, argv[i]);
    if (cfg->call_json && (found < 0 || commands[found].action != MM_ACTION_CALL)) {
        fputs("mistmcp: --json goes with the call command: mistmcp call TOOL --json "
              "'{\"key\": value}'\n",
              err);
        return 2;
    }
    if (cfg->config_http && (found < 0 || commands[found].action != MM_ACTION_CONFIG)) {
        fputs("mistmcp: --http goes with the config command: mistmcp config CLIENT --http URL\n",
              err);
        return 2;
    }
    return 0;
}

int mm_config_load(int argc, char **argv, mm_config *cfg, FILE *err)
{
    static const struct option opts[] = {
        {"transport", required_argument, NULL, 't'},
        {"mode", required_argument, NULL, 'm'},
        {"categories", required_argument, NULL, 'c'},
        {"debug", no_argument, NULL, 'd'},
        {"env-file", required_argument, NULL, 'e'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, OPT_VERSION},
        {"list-categories", no_argument, NULL, OPT_LIST},
        {"check-plugins", no_argument, NULL, OPT_CHECK},
        {"host", required_argument, NULL, OPT_HOST},
        {"port", required_argument, NULL, OPT_PORT},
        {"enable-write-tools", no_argument, NULL, OPT_WRITE},
        {"plugin-dir", required_argument, NULL, OPT_PLUGIN_DIR},
        {"header", required_argument, NULL, OPT_HEADER},
        {"allow-cloud", required_argument, NULL, OPT_ALLOW_CLOUD},
        {"allow-origin", required_argument, NULL, OPT_ALLOW_ORIGIN},
        {"max-result-bytes", required_argument, NULL, OPT_MAX_RESULT},
        {"connect-timeout", required_argument, NULL, OPT_CONNECT_TIMEOUT},
        {"timeout", required_argument, NULL, OPT_TIMEOUT},
        {"max-sessions", required_argument, NULL, OPT_MAX_SESSIONS},
        {"session-idle-timeout", required_argument, NULL, OPT_SESSION_IDLE},
        {"max-retries", required_argument, NULL, OPT_MAX_RETRIES},
        {"retry-max-time", required_argument, NULL, OPT_RETRY_TIME},
        {"rate-limit", required_argument, NULL, OPT_RATE_LIMIT},
        {"rate-burst", required_argument, NULL, OPT_RATE_BURST},
        {"rate-limit-wait", required_argument, NULL, OPT_RATE_WAIT},
        {"max-response-bytes", required_argument, NULL, OPT_MAX_RESPONSE},
        {"max-batch", required_argument, NULL, OPT_MAX_BATCH},
        {"trusted-proxy", required_argument, NULL, OPT_TRUSTED_PROXY},
        {"demo", no_argument, NULL, OPT_DEMO},
        {"no-default-plugin-dir", no_argument, NULL, OPT_NO_DEFAULT_PLUGIN_DIR},
        {"json", required_argument, NULL, OPT_JSON},
        {"allow-host", required_argument, NULL, OPT_ALLOW_HOST},
        {"base-path", required_argument, NULL, OPT_BASE_PATH},
        {"no-access-log", no_argument, NULL, OPT_NO_ACCESS_LOG},
        {"metrics-token", required_argument, NULL, OPT_METRICS_TOKEN},
        {"http", required_argument, NULL, OPT_HTTP_URL},
        {"write-confirmation", required_argument, NULL, OPT_WRITE_CONFIRMATION},
        {"audit-log", required_argument, NULL, OPT_AUDIT_LOG},
        {"prompts", required_argument, NULL, OPT_PROMPTS},
        {"check-prompts", no_argument, NULL, OPT_CHECK_PROMPTS},
        {"request-state-key-file", required_argument, NULL, OPT_REQUEST_STATE_KEY_FILE},
        {"session-store", required_argument, NULL, OPT_SESSION_STORE},
        {"session-secret-file", required_argument, NULL, OPT_SESSION_SECRET_FILE},
        {NULL, 0, NULL, 0}};
    memset(cfg, 0, sizeof *cfg);
    cfg->mode = MM_MODE_MANAGED;
    cfg->port = 8000;
    cfg->max_result_bytes = DEFAULT_MAX_RESULT_BYTES;
    cfg->connect_timeout_ms = DEFAULT_CONNECT_TIMEOUT_S * 1000L;
    cfg->timeout_ms = DEFAULT_TIMEOUT_S * 1000L;
    cfg->max_sessions = 10000;
    cfg->max_batch = DEFAULT_MAX_BATCH;
    cfg->session_idle_ms = 30L * 60 * 1000;
    cfg->max_retries = 3;
    cfg->retry_max_ms = 30000;
    cfg->rate_per_hour = 5000; /* Mist's limit per token */
    cfg->rate_burst = 500;
    cfg->rate_wait_ms = 10000;
    cfg->max_response_bytes = 32u << 20;

    /* Short options use their letter as index, long-only ones 128 + (id - OPT_VERSION). */
    const char *cli[256] = {0};
    mm_strlist dirs = {0}, clouds = {0};
    opterr = 0;
    /* 0, not 1: glibc then starts its scan afresh. With 1 it kept its place from the last
     * call, a pointer into that call's argv when it stopped inside "-zd", and read it. */
    optind = 0;
    int c, rc = 0;
    while (rc == 0 && (c = getopt_long(argc, argv, ":t:m:c:de:h", opts, NULL)) != -1) {
        switch (c) {
        case 'h': cfg->action = MM_ACTION_HELP; break;
        case OPT_VERSION: cfg->action = MM_ACTION_VERSION; break;
        case OPT_LIST: cfg->action = MM_ACTION_LIST_CATEGORIES; break;
        case OPT_CHECK: cfg->action = MM_ACTION_CHECK_PLUGINS; break;
        case OPT_CHECK_PROMPTS: cfg->action = MM_ACTION_CHECK_PROMPTS; break;
        case OPT_PLUGIN_DIR: mm_strlist_add(&dirs, optarg); break;
        case OPT_ALLOW_CLOUD: mm_strlist_add(&clouds, optarg); break;
        case OPT_ALLOW_ORIGIN: mm_strlist_add(&cfg->origins, optarg); break;
        case OPT_TRUSTED_PROXY: mm_strlist_add(&cfg->trusted_proxies, optarg); break;
        case OPT_JSON:
            if (cfg->call_json) {
                fputs("mistmcp: --json is given twice: give one JSON object (key=value "
                      "arguments add to it)\n",
                      err);
                rc = 2;
                break;
            }
            cfg->call_json = mm_xstrdup(optarg);
            break;
        case OPT_HTTP_URL:
            free(cfg->config_http); /* the last one given wins, as for other options */
            cfg->config_http = mm_xstrdup(optarg);
            break;
        case OPT_ALLOW_HOST: mm_strlist_split(&cfg->allowed_hosts, optarg, ','); break;
        case OPT_NO_ACCESS_LOG: cli[OPT_NO_ACCESS_LOG - OPT_VERSION + 128] = "1"; break;
        case OPT_HEADER: {
            const char *why = header_problem(optarg);
            if (why) {
                rc = bad(err, "header", optarg, why);
                break;
            }
            mm_strlist_add(&cfg->headers, optarg);
            break;
        }
        case 'd': cli['d'] = "1"; break;
        case OPT_WRITE: cli[OPT_WRITE - OPT_VERSION + 128] = "1"; break;
        case OPT_DEMO: cli[OPT_DEMO - OPT_VERSION + 128] = "1"; break;
        case OPT_NO_DEFAULT_PLUGIN_DIR:
            cli[OPT_NO_DEFAULT_PLUGIN_DIR - OPT_VERSION + 128] = "1";
            break;
        case ':':
        case '?': {
            /* A short option is named by its letter: inside a group ("-dx") argv[optind - 1]
             * may still be the argument before it. */
            char letter[3] = {'-', (char)optopt, '\0'};
            char *s = mm_text_shown(optopt > 0 && optopt < 128 ? letter : argv[optind - 1]);
            fprintf(err,
                    c == ':' ? "mistmcp: option %s needs a value (see --help)\n"
                             : "mistmcp: unknown option '%s' (see --help)\n",
                    s);
            free(s);
            rc = 2;
            break;
        }
        default:
            if (c < 128)
                cli[c] = optarg;
            else
                cli[c - OPT_VERSION + 128] = optarg;
        }
    }
    if (rc == 0)
        rc = command(cfg, argc - optind, argv + optind, err);
    mm_env_file file = {0};
    if (rc == 0) {
        const char *path = cli['e'] ? cli['e'] : getenv("MIST_ENV_FILE");
        if (path && *path) {
            char why[512];
            if (mm_env_file_load(path, &file, why, sizeof why) != 0) {
                char *s = mm_text_shown(why); /* it names the file */
                fprintf(err, "mistmcp: %s\n", s);
                free(s);
                rc = 2;
            } else {
                cfg->env_file = mm_expand_home(path);
            }
        }
    }
    if (rc == 0)
        rc = apply(cfg, cli, &dirs, &clouds, &file, err);
    mm_env_file_free(&file);
    mm_strlist_free(&dirs);
    mm_strlist_free(&clouds);
    if (rc != 0)
        mm_config_free(cfg);
    return rc;
}

int mm_config_check_categories(const mm_config *cfg, const char *const *valid, size_t count,
                               FILE *err)
{
    for (size_t i = 0; i < cfg->categories.count; i++) {
        int found = 0;
        for (size_t k = 0; k < count && !found; k++)
            found = strcmp(valid[k], cfg->categories.items[i]) == 0;
        if (!found) {
            mm_suggest sg;
            mm_suggest_init(&sg, cfg->categories.items[i], 3);
            for (size_t k = 0; k < count; k++)
                mm_suggest_consider(&sg, valid[k], k);
            char list[300];
            char *s = mm_text_shown(cfg->categories.items[i]);
            fprintf(err, "mistmcp: unknown category '%s' in --categories (%s%s%s", s,
                    mm_suggest_list(&sg, list, sizeof list) ? "did you mean " : "", list,
                    sg.count ? "? " : "");
            fputs("mistmcp --list-categories shows them all)\n", err);
            free(s);
            return 2;
        }
    }
    return 0;
}

void mm_config_free(mm_config *cfg)
{
    for (size_t i = 0; i < cfg->tokens.count; i++)
        explicit_bzero(cfg->tokens.items[i], strlen(cfg->tokens.items[i]));
    mm_strlist_free(&cfg->operands);
    free(cfg->call_json);
    free(cfg->config_http);
    if (cfg->metrics_token)
        explicit_bzero(cfg->metrics_token, strlen(cfg->metrics_token));
    free(cfg->metrics_token);
    free(cfg->audit_log);
    free(cfg->prompts_file);
    free(cfg->request_state_key_file);
    if (cfg->session_store)
        explicit_bzero(cfg->session_store, strlen(cfg->session_store));
    free(cfg->session_store);
    free(cfg->session_secret_file);
    free(cfg->base_path);
    mm_strlist_free(&cfg->allowed_hosts);
    mm_strlist_free(&cfg->categories);
    mm_strlist_free(&cfg->plugin_dirs);
    mm_strlist_free(&cfg->headers);
    mm_strlist_free(&cfg->clouds);
    mm_strlist_free(&cfg->origins);
    mm_strlist_free(&cfg->trusted_proxies);
    mm_strlist_free(&cfg->tokens);
    free(cfg->host);
    free(cfg->env_file);
    free(cfg->cloud);
    free(cfg->org_id);
    free(cfg->api_base_url);
    memset(cfg, 0, sizeof *cfg);
}
