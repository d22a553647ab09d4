/* Settings: dotenv parsing, precedence (command line > environment > env file > default),
 * and a one-line error naming the value for each bad input. */
#define _POSIX_C_SOURCE 200809L
#include "base/config.h"
#include "base/env_file.h"
#include "base/util.h"
#include "check.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const env_names[] = {"MISTMCP_TRANSPORT",
                                        "MISTMCP_MODE",
                                        "MISTMCP_CATEGORIES",
                                        "MISTMCP_DEBUG",
                                        "MISTMCP_HOST",
                                        "MISTMCP_PORT",
                                        "MISTMCP_ENABLE_WRITE_TOOLS",
                                        "MISTMCP_PLUGIN_DIR",
                                        "MISTMCP_NO_DEFAULT_PLUGIN_DIR",
                                        "MISTMCP_ALLOW_CLOUD",
                                        "MISTMCP_MAX_RESULT_BYTES",
                                        "MISTMCP_CONNECT_TIMEOUT",
                                        "MISTMCP_TIMEOUT",
                                        "MIST_API_TOKEN",
                                        "MIST_APITOKEN",
                                        "MIST_HOST",
                                        "MIST_CLOUD",
                                        "MIST_ORG_ID",
                                        "MIST_ENV_FILE",
                                        "MISTMCP_API_BASE_URL",
                                        "MISTMCP_TRUSTED_PROXIES",
                                        "MISTMCP_ALLOW_HOST",
                                        "MISTMCP_BASE_PATH",
                                        "MISTMCP_ACCESS_LOG",
                                        "MISTMCP_METRICS_TOKEN",
                                        "MISTMCP_SESSION_STORE",
                                        "MISTMCP_SESSION_SECRET_FILE"};

static void clear_env(void)
{
    for (size_t i = 0; i < sizeof env_names / sizeof env_names[0]; i++)
        unsetenv(env_names[i]);
}

/* Loads argv (NULL-terminated, without argv[0]); returns the status, error text in errbuf. */
static int load(mm_config *cfg, char *errbuf, size_t size, const char *const *args)
{
    char *argv[32] = {"mistmcp"};
    int argc = 1;
    while (args && args[argc - 1])
        argv[argc] = (char *)args[argc - 1], argc++;
    FILE *err = fmemopen(errbuf, size, "w");
    int rc = mm_config_load(argc, argv, cfg, err);
    fclose(err);
    return rc;
}

static void expect_bad(const char *const *args, const char *fragment)
{
    mm_config cfg;
    char errbuf[1024] = "";
    int rc = load(&cfg, errbuf, sizeof errbuf, args);
    CHECK_MSG(rc == 2, "%s: status %d", args[0], rc);
    CHECK_MSG(strstr(errbuf, fragment) != NULL, "error [%s], expected [%s]", errbuf, fragment);
    CHECK_MSG(strchr(errbuf, '\n') == errbuf + strlen(errbuf) - 1, "not one line: [%s]", errbuf);
    if (rc == 0)
        mm_config_free(&cfg);
}

static void test_env_file(void)
{
    mm_env_file env;
    char err[256];
    const char *text = "# credentials\n"
                       "MIST_API_TOKEN=abc123\n"
                       "export MIST_HOST = api.eu.mist.com  # the EU cloud\n"
                       "MIST_ORG_ID='quoted # not a comment'\n"
                       "QUOTED=\"line\\nnext \\\"q\\\"\"\n"
                       "\n"
                       "   SPACED=  value with spaces   \n"
                       "HOME_PATH=~/certs\n"
                       "EMPTY=\n"
                       "MIST_API_TOKEN=later wins\n";
    CHECK_MSG(mm_env_file_parse(text, "t.env", &env, err, sizeof err) == 0, "%s", err);
    CHECK(strcmp(mm_env_file_get(&env, "MIST_API_TOKEN"), "later wins") == 0);
    CHECK(strcmp(mm_env_file_get(&env, "MIST_HOST"), "api.eu.mist.com") == 0);
    CHECK(strcmp(mm_env_file_get(&env, "MIST_ORG_ID"), "quoted # not a comment") == 0);
    CHECK(strcmp(mm_env_file_get(&env, "QUOTED"), "line\nnext \"q\"") == 0);
    CHECK(strcmp(mm_env_file_get(&env, "SPACED"), "value with spaces") == 0);
    CHECK(strcmp(mm_env_file_get(&env, "EMPTY"), "") == 0);
    char want[512];
    snprintf(want, sizeof want, "%s/certs", getenv("HOME"));
    CHECK_MSG(strcmp(mm_env_file_get(&env, "HOME_PATH"), want) == 0, "%s",
              mm_env_file_get(&env, "HOME_PATH"));
    CHECK(mm_env_file_get(&env, "NOPE") == NULL);
    mm_env_file_free(&env);

    /* A file written on Windows. */
    CHECK(mm_env_file_parse("MIST_API_TOKEN=\"abc\"\r\nMIST_HOST=api.eu.mist.com\r\n", "w.env",
                            &env, err, sizeof err) == 0);
    CHECK(strcmp(mm_env_file_get(&env, "MIST_API_TOKEN"), "abc") == 0 &&
          strcmp(mm_env_file_get(&env, "MIST_HOST"), "api.eu.mist.com") == 0);
    mm_env_file_free(&env);

    static const struct {
        const char *text, *error;
    } bad[] = {{"JUST_A_WORD\n", "t.env:1: expected KEY=value"},
               {"A=1\nB='open\n", "t.env:2: unterminated quote"},
               {"A=\"x\" y\n", "t.env:1: text after the closing quote"},
               {"=value\n", "t.env:1: expected KEY=value"}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = '\0';
        CHECK(mm_env_file_parse(bad[i].text, "t.env", &env, err, sizeof err) != 0);
        CHECK_MSG(strcmp(err, bad[i].error) == 0, "got [%s], expected [%s]", err, bad[i].error);
    }
}

/* Issue 14, item 6: what is not a credentials file is said so, naming it. */
static void test_env_file_not_a_file(void)
{
    mm_env_file env;
    char err[512], want[512];
    CHECK(mm_env_file_load("/tmp", &env, err, sizeof err) == -1);
    CHECK_MSG(strcmp(err, "env file /tmp: is a directory, expected a file of KEY=value lines") == 0,
              "%s", err);
    char path[] = "/tmp/mistmcp-test-big-env-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    static char line[1024];
    memset(line, '#', sizeof line - 1);
    line[sizeof line - 1] = '\n';
    for (int i = 0; fd >= 0 && i <= MM_ENV_FILE_MAX_BYTES / (int)sizeof line; i++)
        CHECK(write(fd, line, sizeof line) == (ssize_t)sizeof line);
    close(fd);
    CHECK(mm_env_file_load(path, &env, err, sizeof err) == -1);
    snprintf(want, sizeof want,
             "env file %s: larger than 256 KiB; expected a short file of KEY=value lines", path);
    CHECK_MSG(strcmp(err, want) == 0, "%s", err);
    unlink(path);
}

static void test_precedence(void)
{
    char path[] = "/tmp/mistmcp-test-env-XXXXXX";
    int fd = mkstemp(path);
    const char *content = "MIST_API_TOKEN=from-file\nMIST_HOST=api.gc1.mist.com\n"
                          "MIST_ORG_ID=org-from-file\nMISTMCP_MODE=all\nMISTMCP_PORT=9001\n";
    CHECK(fd >= 0 && write(fd, content, strlen(content)) == (ssize_t)strlen(content));
    close(fd);
    clear_env();
    mm_config cfg;
    char errbuf[1024];

    /* Defaults. */
    CHECK(load(&cfg, errbuf, sizeof errbuf, NULL) == 0);
    CHECK(cfg.mode == MM_MODE_MANAGED && cfg.transport == MM_TRANSPORT_STDIO && cfg.port == 8000);
    CHECK(strcmp(cfg.host, "127.0.0.1") == 0 && strcmp(cfg.cloud, "api.mist.com") == 0);
    CHECK(cfg.tokens.count == 0 && !cfg.org_id && !cfg.enable_write_tools && !cfg.debug);
    CHECK(cfg.max_result_bytes == 102400 && cfg.timeout_ms == 60000 && cfg.max_batch == 100);
    CHECK(cfg.clouds.count == 12);
    mm_config_free(&cfg);

    /* Env file only. */
    setenv("MIST_ENV_FILE", path, 1);
    CHECK_MSG(load(&cfg, errbuf, sizeof errbuf, NULL) == 0, "%s", errbuf);
    CHECK(cfg.tokens.count == 1 && strcmp(cfg.tokens.items[0], "from-file") == 0);
    CHECK(strcmp(cfg.cloud, "api.gc1.mist.com") == 0 && strcmp(cfg.org_id, "org-from-file") == 0);
    CHECK(cfg.mode == MM_MODE_ALL && cfg.port == 9001);
    mm_config_free(&cfg);

    /* Environment beats the file; a token list is split. */
    setenv("MIST_API_TOKEN", "t1, t2,,t3", 1);
    setenv("MISTMCP_MODE", "minimal", 1);
    CHECK(load(&cfg, errbuf, sizeof errbuf, NULL) == 0);
    CHECK(cfg.tokens.count == 3 && strcmp(cfg.tokens.items[1], "t2") == 0);
    CHECK(cfg.mode == MM_MODE_MINIMAL && cfg.port == 9001);
    mm_config_free(&cfg);

    /* The command line beats both. */
    setenv("MISTMCP_ENABLE_WRITE_TOOLS", "no", 1);
    const char *args[] = {"--mode",
                          "custom",
                          "-c",
                          "orgs, sites",
                          "--port",
                          "7000",
                          "--enable-write-tools",
                          "-d",
                          "--plugin-dir",
                          "/a",
                          "--plugin-dir",
                          "/b",
                          "--header",
                          "X-Frame-Options: DENY",
                          NULL};
    CHECK_MSG(load(&cfg, errbuf, sizeof errbuf, args) == 0, "%s", errbuf);
    CHECK(cfg.mode == MM_MODE_CUSTOM && cfg.categories.count == 2 &&
          strcmp(cfg.categories.items[1], "sites") == 0);
    CHECK(cfg.port == 7000 && cfg.enable_write_tools && cfg.debug);
    CHECK(cfg.plugin_dirs.count == 2 && strcmp(cfg.plugin_dirs.items[1], "/b") == 0);
    CHECK(cfg.headers.count == 1);
    const char *valid[] = {"orgs", "sites", "orgs_wlans"};
    FILE *devnull = fopen("/dev/null", "w");
    CHECK(mm_config_check_categories(&cfg, valid, 3, devnull) == 0);
    CHECK(mm_config_check_categories(&cfg, valid, 1, devnull) == 2);
    fclose(devnull);
    mm_config_free(&cfg);

    /* A cloud written as a URL, an added cloud, the operator-only base URL. */
    setenv("MIST_HOST", "https://API.EU.MIST.COM/", 1);
    setenv("MISTMCP_API_BASE_URL", "http://127.0.0.1:9", 1);
    const char *args2[] = {"--allow-cloud", "mist.lab.example", NULL};
    CHECK(load(&cfg, errbuf, sizeof errbuf, args2) == 0);
    CHECK(strcmp(cfg.cloud, "api.eu.mist.com") == 0 && cfg.clouds.count == 13 &&
          mm_config_cloud_allowed(&cfg, "mist.lab.example"));
    CHECK(cfg.api_base_url && strcmp(cfg.api_base_url, "http://127.0.0.1:9") == 0);
    mm_config_free(&cfg);

    /* An env file cannot widen the cloud allow-list or add plugin directories. */
    char path2[] = "/tmp/mistmcp-test-env2-XXXXXX";
    int fd2 = mkstemp(path2);
    const char *content2 = "MISTMCP_ALLOW_CLOUD=evil.example\nMIST_HOST=evil.example\n"
                           "MISTMCP_PLUGIN_DIR=/tmp/evil\n";
    CHECK(fd2 >= 0 && write(fd2, content2, strlen(content2)) == (ssize_t)strlen(content2));
    close(fd2);
    clear_env();
    setenv("MIST_ENV_FILE", path2, 1);
    CHECK(load(&cfg, errbuf, sizeof errbuf, NULL) == 2 &&
          strstr(errbuf, "Mist cloud 'evil.example' is not one of the allowed clouds"));
    unlink(path2);
    clear_env();
    setenv("MISTMCP_API_BASE_URL", "http://mist.example.com", 1);
    CHECK(load(&cfg, errbuf, sizeof errbuf, NULL) == 2 &&
          strstr(errbuf, "MISTMCP_API_BASE_URL is not valid: expected https://host"));
    clear_env();

    /* The token never shows in a fingerprint. */
    char fp[32];
    mm_token_fingerprint("secret-token-value", fp, sizeof fp);
    CHECK(strncmp(fp, "token#", 6) == 0 && strlen(fp) == 14 && !strstr(fp, "secret"));
    char fp2[32];
    mm_token_fingerprint("secret-token-valuf", fp2, sizeof fp2);
    CHECK(strcmp(fp, fp2) != 0);
    unlink(path);
    clear_env();
}

static void test_bad_values(void)
{
    clear_env();
    expect_bad((const char *[]){"--mode", "turbo", NULL},
               "mode 'turbo' is not valid: expected minimal, managed, all or custom");
    expect_bad((const char *[]){"-t", "ws", NULL}, "transport 'ws' is not valid");
    expect_bad((const char *[]){"--port", "0", NULL}, "port '0' is not valid");
    expect_bad((const char *[]){"--port", "80x", NULL}, "port '80x' is not valid");
    /* Issue 14, item 8: the rules (and messages) an HTTP query's mode= and categories= share. */
    expect_bad((const char *[]){"--mode", "custom", NULL},
               "mode custom needs categories (a comma-separated list of category names)");
    expect_bad((const char *[]){"--mode", "all", "-c", "orgs", NULL},
               "categories are for mode custom, not mode all: give categories alone (custom is "
               "then implied) or with mode custom");
    expect_bad((const char *[]){"-c", " , ", NULL},
               "categories is empty: expected a comma-separated list of category names");
    {
        mm_config cfg;
        char errbuf[256] = "";
        CHECK(load(&cfg, errbuf, sizeof errbuf, (const char *[]){"-c", "orgs, sites", NULL}) == 0);
        CHECK_MSG(cfg.mode == MM_MODE_CUSTOM && cfg.categories.count == 2 &&
                      strcmp(cfg.categories.items[1], "sites") == 0,
                  "--categories alone: mode %s, %zu categories", mm_mode_name(cfg.mode),
                  cfg.categories.count);
        mm_config_free(&cfg);
        setenv("MISTMCP_MODE", "managed", 1); /* a mode from elsewhere still conflicts */
        CHECK(load(&cfg, errbuf, sizeof errbuf, (const char *[]){"-c", "orgs", NULL}) == 2);
        unsetenv("MISTMCP_MODE");
    }
    expect_bad((const char *[]){"--timeout", "-1", NULL}, "timeout '-1' is not valid");
    expect_bad((const char *[]){"--max-result-bytes", "12", NULL}, "max result bytes '12'");
    expect_bad((const char *[]){"--max-batch", "0", NULL},
               "max batch '0' is not valid: expected a number of messages from 1 to 10000");
    /* A token with a control byte would go raw into Mist's Authorization header (issue 13,
     * row 6); the message never quotes a token. */
    setenv("MIST_API_TOKEN", "good,sec\rret", 1);
    expect_bad((const char *[]){"--version", NULL},
               "MIST_API_TOKEN: token 2 of 2 is not valid: it holds a space, a control "
               "character or a non-ASCII byte");
    {
        mm_config cfg;
        char errbuf[1024] = "";
        CHECK(load(&cfg, errbuf, sizeof errbuf, NULL) == 2 && !strstr(errbuf, "sec"));
    }
    unsetenv("MIST_API_TOKEN");
    /* The test base URL: https anywhere, plain http only to loopback, never a user part
     * (issue 13, row 11: http://127.0.0.1@evil.example sends the token to evil.example). */
    static const char *const base_ok[] = {"https://api.mist.com",  "https://127.0.0.1:8443/x",
                                          "http://127.0.0.1:8080", "http://127.9.9.9",
                                          "http://[::1]:9",        "http://localhost:80/api"};
    for (size_t i = 0; i < sizeof base_ok / sizeof base_ok[0]; i++) {
        setenv("MISTMCP_API_BASE_URL", base_ok[i], 1);
        mm_config cfg;
        char errbuf[1024] = "";
        CHECK_MSG(load(&cfg, errbuf, sizeof errbuf, NULL) == 0, "%s: %s", base_ok[i], errbuf);
        mm_config_free(&cfg);
    }
    static const char *const base_bad[] = {"http://127.0.0.1@evil.example",
                                           "http://127.0.0.1.evil.example",
                                           "http://evil.example",
                                           "https://user@api.mist.com",
                                           "http://[::1]@evil.example",
                                           "ftp://127.0.0.1",
                                           "http://localhost:80x",
                                           "http://127.0.0.1\\@evil.example",
                                           "http://",
                                           "https://api.mist.com?x=1",
                                           "https://api.mist.com:abc",
                                           "https://api.mist.com/a b",
                                           "http://127.0.0.1:99999999999",
                                           "https://api.mist.com:0"};
    for (size_t i = 0; i < sizeof base_bad / sizeof base_bad[0]; i++) {
        setenv("MISTMCP_API_BASE_URL", base_bad[i], 1);
        expect_bad((const char *[]){"--version", NULL}, "MISTMCP_API_BASE_URL");
    }
    { /* the message never shows the value: a user part may hold a password */
        setenv("MISTMCP_API_BASE_URL", "https://user:s3cret@api.mist.com", 1);
        mm_config cfg;
        char errbuf[1024] = "";
        CHECK(load(&cfg, errbuf, sizeof errbuf, NULL) == 2 && !strstr(errbuf, "s3cret"));
    }
    unsetenv("MISTMCP_API_BASE_URL");
    expect_bad((const char *[]){"--header", "NoColon", NULL}, "header 'NoColon' is not valid");
    /* Issue 13, row 13: headers were dropped, sent raw, cut or doubled */
    expect_bad((const char *[]){"--header", "X Bad: v", NULL},
               "header 'X Bad: v' is not valid: expected a name of letters, digits");
    expect_bad((const char *[]){"--header", "X-Ok: a\rSet-Cookie: x", NULL},
               "header 'X-Ok: a?Set-Cookie: x' is not valid: expected a value without control");
    expect_bad((const char *[]){"--header", "Mcp-Session-Id: x", NULL},
               "expected a header the server does not set itself");
    expect_bad((const char *[]){"--header", "content-length: 5", NULL},
               "expected a header the server does not set itself");
    expect_bad((const char *[]){"--header", "X-Empty:  ", NULL}, "expected a value");
    {
        char name[160];
        memset(name, 'X', 101);
        snprintf(name + 101, sizeof name - 101, ": v");
        expect_bad((const char *[]){"--header", name, NULL},
                   "expected a name of at most 100 characters");
    }
    expect_bad((const char *[]){"--allow-cloud", "evil.com/path", NULL},
               "allowed cloud 'evil.com/path' is not valid");
    /* A host name holds no control byte, non-ASCII byte or backslash (found by
     * tests/fuzz/fuzz_config: \n and 0x80+ bytes were taken into the allow-list). */
    expect_bad((const char *[]){"--allow-cloud", "lab\n.example", NULL},
               "allowed cloud 'lab?.example' is not valid");
    expect_bad((const char *[]){"--allow-cloud", "lab\\@evil.example", NULL},
               "allowed cloud 'lab\\@evil.example' is not valid");
    expect_bad((const char *[]){"--allow-cloud", "lab\\evil.example", NULL},
               "allowed cloud 'lab\\evil.example' is not valid");
    expect_bad((const char *[]){"--allow-cloud", "caf\xc3\xa9.example", NULL},
               "allowed cloud 'caf\xc3\xa9.example' is not valid");
    expect_bad((const char *[]){"--env-file", "/nonexistent/x.env", NULL},
               "env file /nonexistent/x.env: No such file or directory");
    expect_bad((const char *[]){"--frobnicate", NULL}, "unknown option '--frobnicate'");
    expect_bad((const char *[]){"--port", NULL}, "option --port needs a value");
    expect_bad((const char *[]){"stray", NULL}, "unexpected argument 'stray'");
    setenv("MISTMCP_DEBUG", "maybe", 1);
    expect_bad((const char *[]){NULL}, "MISTMCP_DEBUG 'maybe' is not valid");
    unsetenv("MISTMCP_DEBUG");
    setenv("MIST_HOST", "api.evil.example", 1);
    expect_bad((const char *[]){NULL},
               "Mist cloud 'api.evil.example' is not one of the allowed clouds: api.mist.com");
    clear_env();
}

/* A value quoted in a message, whatever bytes it holds, keeps the message on one line and
 * sends no escape to the terminal: a control byte shows as '?' (tests/fuzz/fuzz_config found
 * a newline in --mode's value making two lines). */
static void test_messages_one_line(void)
{
    clear_env();
    expect_bad((const char *[]){"--mode", "a\nb", NULL}, "mode 'a?b' is not valid");
    expect_bad((const char *[]){"--port", "8\x1b[2J", NULL}, "port '8?[2J' is not valid");
    expect_bad((const char *[]){"--frobnicate\r", NULL}, "unknown option '--frobnicate?'");
    expect_bad((const char *[]){"-\x1b", NULL}, "unknown option '-?'");
    expect_bad((const char *[]){"stray\n", NULL}, "unexpected argument 'stray?'");
    expect_bad((const char *[]){"--env-file", "/nonexistent/a\nb.env", NULL},
               "env file /nonexistent/a?b.env: No such file");
    expect_bad((const char *[]){"--allow-cloud", "x/\ty", NULL},
               "allowed cloud 'x/?y' is not valid");
    /* A short option is named by its letter, inside a group too (it was "unknown option
     * 'mistmcp'" for "-x" alone on the command line). */
    expect_bad((const char *[]){"-dq", NULL}, "unknown option '-q'");
    expect_bad((const char *[]){"-x", NULL}, "unknown option '-x'");
    expect_bad((const char *[]){"-dm", NULL}, "option -m needs a value");
    setenv("MIST_HOST", "evil\n.example", 1);
    expect_bad((const char *[]){NULL}, "Mist cloud 'evil?.example' is not one of");
    unsetenv("MIST_HOST");
    mm_config cfg;
    char errbuf[1024] = "";
    CHECK(load(&cfg, errbuf, sizeof errbuf, (const char *[]){"-m", "custom", "-c", "x\ny", NULL}) ==
          0);
    FILE *err = fmemopen(errbuf, sizeof errbuf, "w");
    const char *valid[] = {"orgs"};
    CHECK(mm_config_check_categories(&cfg, valid, 1, err) == 2);
    fclose(err);
    CHECK_MSG(strstr(errbuf, "unknown category 'x?y'") &&
                  strchr(errbuf, '\n') == errbuf + strlen(errbuf) - 1,
              "[%s]", errbuf);
    mm_config_free(&cfg);
    /* A typo gets the name it misspells (issue 14: it got none). */
    CHECK(load(&cfg, errbuf, sizeof errbuf,
               (const char *[]){"-m", "custom", "-c", "orgs_devics", NULL}) == 0);
    err = fmemopen(errbuf, sizeof errbuf, "w");
    const char *names[] = {"orgs", "orgs_devices", "orgs_wlans", "sites_devices"};
    CHECK(mm_config_check_categories(&cfg, names, 4, err) == 2);
    fclose(err);
    CHECK_MSG(strstr(errbuf, "unknown category 'orgs_devics' in --categories (did you mean "
                             "orgs_devices? mistmcp --list-categories shows them all)\n"),
              "[%s]", errbuf);
    mm_config_free(&cfg);
}

/* Each load starts afresh: one that stopped inside a group of short options ("-zd": z is
 * unknown) left getopt a pointer into its argv, and the next load read it, freed (found by
 * tests/fuzz/fuzz_config: a crash in getopt; valgrind.core.config shows the read). */
static void test_loads_independent(void)
{
    clear_env();
    mm_config cfg;
    char errbuf[1024] = "";
    char *group = mm_xstrdup("-zd");
    CHECK(load(&cfg, errbuf, sizeof errbuf, (const char *[]){group, NULL}) == 2);
    free(group);
    CHECK_MSG(load(&cfg, errbuf, sizeof errbuf, NULL) == 0, "the next load: %s", errbuf);
    CHECK(!cfg.debug);
    mm_config_free(&cfg);
}

/* --trusted-proxy: addresses and networks, IPv4 and IPv6, from the command line or the
 * environment; anything else refused with what is expected. */
static void test_trusted_proxies(void)
{
    clear_env();
    mm_config cfg;
    char errbuf[1024] = "";
    const char *args[] = {
        "--trusted-proxy", "10.0.0.0/8", "--trusted-proxy", "192.0.2.5", "--trusted-proxy",
        "fd00::/8",        NULL};
    CHECK(load(&cfg, errbuf, sizeof errbuf, args) == 0);
    CHECK(mm_config_trusted_proxy(&cfg, "10.200.3.4") && mm_config_trusted_proxy(&cfg, "10.0.0.0"));
    CHECK(!mm_config_trusted_proxy(&cfg, "11.0.0.1") &&
          !mm_config_trusted_proxy(&cfg, "9.255.255.255"));
    CHECK(mm_config_trusted_proxy(&cfg, "192.0.2.5") &&
          !mm_config_trusted_proxy(&cfg, "192.0.2.6"));
    CHECK(mm_config_trusted_proxy(&cfg, "fd12::1") && !mm_config_trusted_proxy(&cfg, "fe80::1"));
    CHECK(!mm_config_trusted_proxy(&cfg, "not-an-address") && !mm_config_trusted_proxy(&cfg, ""));
    CHECK(!mm_config_trusted_proxy(&cfg, "10.0.0.0/8")); /* an address is asked, not a net */
    mm_config_free(&cfg);
    setenv("MISTMCP_TRUSTED_PROXIES", "127.0.0.1, ::1", 1);
    CHECK(load(&cfg, errbuf, sizeof errbuf, NULL) == 0);
    CHECK(mm_config_trusted_proxy(&cfg, "127.0.0.1") && mm_config_trusted_proxy(&cfg, "::1"));
    CHECK(!mm_config_trusted_proxy(&cfg, "127.0.0.2"));
    mm_config_free(&cfg);
    unsetenv("MISTMCP_TRUSTED_PROXIES");
    mm_config none;
    CHECK(load(&none, errbuf, sizeof errbuf, NULL) == 0);
    CHECK(!mm_config_trusted_proxy(&none, "127.0.0.1")); /* none unless configured */
    mm_config_free(&none);
    static const char *const bad[] = {"10.0.0.0/33", "fd00::/129", "proxy.example", "10.0.0.1/",
                                      "10.0.0/8",    "/8",         "10.0.0.1/-1",   "10.0.0.1/8x"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *a[] = {"--trusted-proxy", bad[i], NULL};
        expect_bad(a, "expected an IPv4 or IPv6 address, optionally /PREFIX");
    }
}

/* --no-default-plugin-dir (issue 14): from the command line or the environment, never from an
 * env file, and only with a directory to search. */
static void test_plugin_dirs(void)
{
    clear_env();
    mm_config cfg;
    char errbuf[1024] = "";
    CHECK(load(&cfg, errbuf, sizeof errbuf, (const char *[]){"--plugin-dir", "/p", NULL}) == 0);
    CHECK(cfg.plugin_dirs.count == 1 && !cfg.no_default_plugin_dir);
    mm_config_free(&cfg);
    CHECK(load(&cfg, errbuf, sizeof errbuf,
               (const char *[]){"--no-default-plugin-dir", "--plugin-dir", "/p", NULL}) == 0);
    CHECK(cfg.plugin_dirs.count == 1 && cfg.no_default_plugin_dir);
    mm_config_free(&cfg);
    setenv("MISTMCP_PLUGIN_DIR", "/a:/b", 1);
    setenv("MISTMCP_NO_DEFAULT_PLUGIN_DIR", "yes", 1);
    CHECK(load(&cfg, errbuf, sizeof errbuf, NULL) == 0);
    CHECK(cfg.plugin_dirs.count == 2 && cfg.no_default_plugin_dir);
    mm_config_free(&cfg);
    setenv("MISTMCP_NO_DEFAULT_PLUGIN_DIR", "0", 1);
    CHECK(load(&cfg, errbuf, sizeof errbuf, NULL) == 0);
    CHECK(cfg.plugin_dirs.count == 2 && !cfg.no_default_plugin_dir);
    mm_config_free(&cfg);
    setenv("MISTMCP_NO_DEFAULT_PLUGIN_DIR", "maybe", 1);
    expect_bad((const char *[]){NULL},
               "MISTMCP_NO_DEFAULT_PLUGIN_DIR 'maybe' is not valid: expected 1/0");
    clear_env();
    expect_bad((const char *[]){"--no-default-plugin-dir", NULL},
               "--no-default-plugin-dir leaves no plugin directory: give one with --plugin-dir");
    setenv("MISTMCP_NO_DEFAULT_PLUGIN_DIR", "1", 1);
    expect_bad((const char *[]){NULL}, "--no-default-plugin-dir leaves no plugin directory");
    clear_env();
    /* Not from an env file: it decides which code the server loads, like MISTMCP_PLUGIN_DIR. */
    char path[] = "/tmp/mistmcp-test-env3-XXXXXX";
    int fd = mkstemp(path);
    const char *content = "MISTMCP_NO_DEFAULT_PLUGIN_DIR=1\n";
    CHECK(fd >= 0 && write(fd, content, strlen(content)) == (ssize_t)strlen(content));
    close(fd);
    setenv("MIST_ENV_FILE", path, 1);
    CHECK(load(&cfg, errbuf, sizeof errbuf, NULL) == 0 && !cfg.no_default_plugin_dir);
    mm_config_free(&cfg);
    unlink(path);
    clear_env();
}

/* The terminal commands: the command word wherever the options are (before, after, between
 * its operands), the operands in order, "--" for an operand that starts with '-', --json with
 * call only; another word is refused naming it. */
static void test_commands(void)
{
    clear_env();
    mm_config cfg;
    char errbuf[1024] = "";
    const char *call[] = {"--mode", "all",    "call",          "listOrgSites", "org_id=o1",
                          "-d",     "--json", "{\"limit\":5}", "page=2",       NULL};
    CHECK_MSG(load(&cfg, errbuf, sizeof errbuf, call) == 0, "%s", errbuf);
    CHECK(cfg.action == MM_ACTION_CALL && cfg.mode == MM_MODE_ALL && cfg.debug);
    CHECK(cfg.operands.count == 3 && strcmp(cfg.operands.items[0], "listOrgSites") == 0 &&
          strcmp(cfg.operands.items[1], "org_id=o1") == 0 &&
          strcmp(cfg.operands.items[2], "page=2") == 0);
    CHECK(cfg.call_json && strcmp(cfg.call_json, "{\"limit\":5}") == 0);
    mm_config_free(&cfg);
    const char *search[] = {"search", "offline", "--", "-5", "dBm", NULL};
    CHECK_MSG(load(&cfg, errbuf, sizeof errbuf, search) == 0, "%s", errbuf);
    CHECK(cfg.action == MM_ACTION_SEARCH && cfg.operands.count == 3 &&
          strcmp(cfg.operands.items[1], "-5") == 0 && !cfg.call_json);
    mm_config_free(&cfg);
    const char *describe[] = {"describe", "getSelf", NULL};
    CHECK(load(&cfg, errbuf, sizeof errbuf, describe) == 0);
    CHECK(cfg.action == MM_ACTION_DESCRIBE && cfg.operands.count == 1);
    mm_config_free(&cfg);
    const char *setup[] = {"config", "vscode", "--http", "http://127.0.0.1:8000/mcp", NULL};
    CHECK(load(&cfg, errbuf, sizeof errbuf, setup) == 0);
    CHECK(cfg.action == MM_ACTION_CONFIG && cfg.operands.count == 1 &&
          strcmp(cfg.operands.items[0], "vscode") == 0 && cfg.config_http &&
          strcmp(cfg.config_http, "http://127.0.0.1:8000/mcp") == 0);
    mm_config_free(&cfg);
    const char *help[] = {"call", "getSelf", "--help", NULL}; /* --help still wins */
    CHECK(load(&cfg, errbuf, sizeof errbuf, help) == 0 && cfg.action == MM_ACTION_HELP);
    mm_config_free(&cfg);
    CHECK(load(&cfg, errbuf, sizeof errbuf, NULL) == 0 && cfg.action == MM_ACTION_SERVE &&
          cfg.operands.count == 0);
    mm_config_free(&cfg);

    expect_bad((const char *[]){"serve", NULL},
               "unexpected argument 'serve': expected an option or a command (search, describe, "
               "call, config)");
    expect_bad((const char *[]){"--json", "{}", NULL}, "--json goes with the call command");
    expect_bad((const char *[]){"--http", "http://127.0.0.1:8000/mcp", NULL},
               "--http goes with the config command");
    expect_bad((const char *[]){"search", "x", "--http", "http://127.0.0.1:8000/mcp", NULL},
               "--http goes with the config command");
    expect_bad((const char *[]){"search", "x", "--json", "{}", NULL},
               "--json goes with the call command");
    expect_bad((const char *[]){"call", "t", "--json", "{}", "--json", "{}", NULL},
               "--json is given twice");
    expect_bad((const char *[]){"--list-categories", "call", "getSelf", NULL},
               "--list-categories and the call command: choose one");
}

/* Writes content to a new file named after the template path (mkstemp) and makes it the env
 * file (MIST_ENV_FILE); the caller unlinks it. */
static void use_env_file(char *path, const char *content)
{
    int fd = mkstemp(path);
    CHECK(fd >= 0 && write(fd, content, strlen(content)) == (ssize_t)strlen(content));
    close(fd);
    setenv("MIST_ENV_FILE", path, 1);
}

/* Issue 14, item 2: --allow-host names (a reverse proxy passes its own Host on), matched
 * case-insensitively and by name whatever the port; loopback names stay allowed. */
static void test_allowed_hosts(void)
{
    clear_env();
    mm_config cfg;
    char errbuf[1024] = "";
    const char *args[] = {"--allow-host",        "MCP.Example.com", "--allow-host",
                          "a.example,192.0.2.7", "--allow-host",    "[2001:DB8::7]",
                          "--allow-host",        "fqdn.example.",   NULL};
    CHECK_MSG(load(&cfg, errbuf, sizeof errbuf, args) == 0, "%s", errbuf);
    CHECK(cfg.allowed_hosts.count == 5);
    char name[64];
    CHECK(mm_config_host_allowed(&cfg, "mcp.example.com", name, sizeof name));
    CHECK(strcmp(name, "mcp.example.com") == 0);
    CHECK(mm_config_host_allowed(&cfg, "MCP.EXAMPLE.COM:8443", NULL, 0));
    CHECK(mm_config_host_allowed(&cfg, "mcp.example.com.:443", NULL, 0));
    CHECK(mm_config_host_allowed(&cfg, "a.example", NULL, 0));
    CHECK(mm_config_host_allowed(&cfg, "192.0.2.7:80", NULL, 0));
    CHECK(mm_config_host_allowed(&cfg, "[2001:db8:0::7]:8000", NULL, 0));
    CHECK(mm_config_host_allowed(&cfg, "fqdn.example", NULL, 0));
    CHECK(mm_config_host_allowed(&cfg, "localhost:8000", NULL, 0));
    CHECK(mm_config_host_allowed(&cfg, "127.0.0.1", NULL, 0));
    CHECK(!mm_config_host_allowed(&cfg, "evil.example", name, sizeof name));
    CHECK(strcmp(name, "evil.example") == 0);
    CHECK(!mm_config_host_allowed(&cfg, "mcp.example.com.evil.example", NULL, 0));
    CHECK(!mm_config_host_allowed(&cfg, "xmcp.example.com", NULL, 0));
    CHECK(!mm_config_host_allowed(&cfg, "192.0.2.8", NULL, 0));
    CHECK(!mm_config_host_allowed(&cfg, "[2001:db8::8]:80", NULL, 0));
    mm_config_free(&cfg);
    /* The environment, comma-separated; none: loopback names only. */
    setenv("MISTMCP_ALLOW_HOST", "one.example, two.example", 1);
    CHECK(load(&cfg, errbuf, sizeof errbuf, NULL) == 0);
    CHECK(cfg.allowed_hosts.count == 2 && mm_config_host_allowed(&cfg, "two.example:1", NULL, 0));
    mm_config_free(&cfg);
    unsetenv("MISTMCP_ALLOW_HOST");
    CHECK(load(&cfg, errbuf, sizeof errbuf, NULL) == 0);
    CHECK(cfg.allowed_hosts.count == 0 && !mm_config_host_allowed(&cfg, "one.example", NULL, 0));
    CHECK(mm_config_host_allowed(&cfg, "[::1]:8000", NULL, 0));
    mm_config_free(&cfg);
    static const char *const bad[] = {"mcp.example.com:8443",
                                      "http://mcp.example.com",
                                      "a b",
                                      "a..b",
                                      ".a",
                                      "[::1",
                                      "[zz]",
                                      "caf\xc3\xa9.example",
                                      "a/b"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        expect_bad((const char *[]){"--allow-host", bad[i], NULL},
                   "is not valid: expected a host name or IP address without a port");
    expect_bad((const char *[]){"--allow-host", "x.example:80", NULL},
               "allowed host 'x.example:80' is not valid");
    /* An env file cannot lower the guard (as with --allow-origin). */
    char path[] = "/tmp/mistmcp-test-env3-XXXXXX";
    use_env_file(path, "MISTMCP_ALLOW_HOST=evil.example\n");
    CHECK(load(&cfg, errbuf, sizeof errbuf, NULL) == 0);
    CHECK(cfg.allowed_hosts.count == 0);
    mm_config_free(&cfg);
    unlink(path);
    clear_env();
}

/* Issue 14, item 2: --base-path, normalised to "" or "/a/b", refused with what is expected
 * for anything a proxy and this server could read differently. */
static void test_base_path(void)
{
    clear_env();
    static const struct {
        const char *given, *kept;
    } good[] = {
        {"/mist", "/mist"},   {"/mist/", "/mist"}, {"/", ""}, {"/a/b-c/d_e.f~g", "/a/b-c/d_e.f~g"},
        {"/mist//", "/mist"}, {"/.well", "/.well"}};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        mm_config cfg;
        char errbuf[1024] = "";
        CHECK_MSG(load(&cfg, errbuf, sizeof errbuf,
                       (const char *[]){"--base-path", good[i].given, NULL}) == 0,
                  "%s: %s", good[i].given, errbuf);
        CHECK_MSG(strcmp(cfg.base_path, good[i].kept) == 0, "%s: [%s]", good[i].given,
                  cfg.base_path);
        mm_config_free(&cfg);
    }
    mm_config cfg;
    char errbuf[1024] = "";
    CHECK(load(&cfg, errbuf, sizeof errbuf, NULL) == 0 && strcmp(cfg.base_path, "") == 0);
    mm_config_free(&cfg);
    setenv("MISTMCP_BASE_PATH", "/from-env/", 1);
    CHECK(load(&cfg, errbuf, sizeof errbuf, NULL) == 0 && strcmp(cfg.base_path, "/from-env") == 0);
    mm_config_free(&cfg);
    unsetenv("MISTMCP_BASE_PATH");
    static const char *const bad[] = {"mist",   "/mist/../x",   "/..",    "/.",
                                      "/a//b",  "/a?b",         "/a#b",   "/a b",
                                      "/a%2Fb", "/caf\xc3\xa9", "/a/./b", ""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char want[300];
        snprintf(want, sizeof want, "base path '%s' is not valid: expected a path prefix such as",
                 bad[i]);
        if (strchr(bad[i], '\xc3'))
            snprintf(want, sizeof want, "is not valid: expected a path prefix such as");
        expect_bad((const char *[]){"--base-path", bad[i], NULL}, want);
    }
}

/* Issue 14, items 12 and 13: the access log is on unless turned off; the metrics token comes
 * from the command line, the environment or the env file, and a bad one is refused without
 * ever being shown. */
static void test_access_log_and_metrics_token(void)
{
    clear_env();
    mm_config cfg;
    char errbuf[1024] = "";
    CHECK(load(&cfg, errbuf, sizeof errbuf, NULL) == 0);
    CHECK(cfg.access_log == 1 && cfg.metrics_token == NULL);
    mm_config_free(&cfg);
    CHECK(load(&cfg, errbuf, sizeof errbuf, (const char *[]){"--no-access-log", NULL}) == 0);
    CHECK(cfg.access_log == 0);
    mm_config_free(&cfg);
    setenv("MISTMCP_ACCESS_LOG", "off", 1);
    CHECK(load(&cfg, errbuf, sizeof errbuf, NULL) == 0 && cfg.access_log == 0);
    mm_config_free(&cfg);
    setenv("MISTMCP_ACCESS_LOG", "maybe", 1);
    expect_bad((const char *[]){NULL}, "MISTMCP_ACCESS_LOG 'maybe' is not valid");
    unsetenv("MISTMCP_ACCESS_LOG");

    const char *tok = "k7Qx-metrics.token_0123456789==";
    CHECK(load(&cfg, errbuf, sizeof errbuf, (const char *[]){"--metrics-token", tok, NULL}) == 0);
    CHECK(cfg.metrics_token && strcmp(cfg.metrics_token, tok) == 0);
    mm_config_free(&cfg);
    setenv("MISTMCP_METRICS_TOKEN", "from-the-environment-1234", 1);
    CHECK(load(&cfg, errbuf, sizeof errbuf, NULL) == 0);
    CHECK(cfg.metrics_token && strcmp(cfg.metrics_token, "from-the-environment-1234") == 0);
    mm_config_free(&cfg);
    unsetenv("MISTMCP_METRICS_TOKEN");
    char path[] = "/tmp/mistmcp-test-env4-XXXXXX";
    use_env_file(path, "MISTMCP_METRICS_TOKEN=from-the-env-file-5678\n");
    CHECK(load(&cfg, errbuf, sizeof errbuf, NULL) == 0);
    CHECK(cfg.metrics_token && strcmp(cfg.metrics_token, "from-the-env-file-5678") == 0);
    mm_config_free(&cfg);
    unlink(path);
    clear_env();
    static const char *const bad[] = {"short-secret", "has space in it 0123",
                                      "ctl\x01-0123456789ab", "=padding-first-0123",
                                      "non-ascii-\xc3\xa9-0123456789"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char out[1024] = "";
        CHECK(load(&cfg, out, sizeof out, (const char *[]){"--metrics-token", bad[i], NULL}) == 2);
        CHECK_MSG(strstr(out, "the metrics token is not valid: expected 16 to 512 characters") &&
                      !strstr(out, bad[i]) && !strstr(out, "secret") && !strstr(out, "0123"),
                  "[%s]", out);
    }
}

/* --session-store: memory is the default and no URL; a Redis URL is kept (checked in full by
 * base/redis.c when the server opens it); a wrong one is refused without being echoed, since
 * it may hold a password; the env file may carry it. */
static void test_session_store(void)
{
    clear_env();
    mm_config cfg;
    char errbuf[1024] = "";
    CHECK(load(&cfg, errbuf, sizeof errbuf, NULL) == 0);
    CHECK(!cfg.session_store && !cfg.session_secret_file);
    mm_config_free(&cfg);
    CHECK(load(&cfg, errbuf, sizeof errbuf, (const char *[]){"--session-store", "memory", NULL}) ==
          0);
    CHECK(!cfg.session_store);
    mm_config_free(&cfg);
    CHECK(load(&cfg, errbuf, sizeof errbuf,
               (const char *[]){"--session-store", "redis://:pw@10.0.0.7:6379/1",
                                "--session-secret-file", "/etc/mistmcp/session-secret", NULL}) ==
          0);
    CHECK(cfg.session_store && strcmp(cfg.session_store, "redis://:pw@10.0.0.7:6379/1") == 0);
    CHECK(cfg.session_secret_file &&
          strcmp(cfg.session_secret_file, "/etc/mistmcp/session-secret") == 0);
    mm_config_free(&cfg);
    char out[1024] = "";
    CHECK(load(&cfg, out, sizeof out,
               (const char *[]){"--session-store", "redsi://:hunter2-pw@host", NULL}) == 2);
    CHECK_MSG(strstr(out, "--session-store is not valid: expected memory, redis://") &&
                  !strstr(out, "hunter2"),
              "[%s]", out);
    char path[] = "/tmp/mistmcp-test-env5-XXXXXX";
    use_env_file(path, "MISTMCP_SESSION_STORE=unix:///run/redis/redis.sock?db=2\n"
                       "MISTMCP_SESSION_SECRET_FILE=/etc/s\n");
    CHECK(load(&cfg, errbuf, sizeof errbuf, NULL) == 0);
    CHECK(cfg.session_store && strcmp(cfg.session_store, "unix:///run/redis/redis.sock?db=2") == 0);
    CHECK(cfg.session_secret_file && strcmp(cfg.session_secret_file, "/etc/s") == 0);
    mm_config_free(&cfg);
    unlink(path);
    clear_env();
}

int main(void)
{
    mm_util_init();
    test_session_store();
    test_allowed_hosts();
    test_base_path();
    test_access_log_and_metrics_token();
    test_trusted_proxies();
    test_plugin_dirs();
    test_env_file();
    test_env_file_not_a_file();
    test_precedence();
    test_bad_values();
    test_loads_independent();
    test_messages_one_line();
    test_commands();
    return check_summary();
}
