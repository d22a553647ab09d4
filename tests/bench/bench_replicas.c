#define _GNU_SOURCE
#include "bench_replicas.h"
#include "redis_server.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static char *env[] = {"HOME=/tmp", "PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL};

int br_free_port(void)
{
    return mm_test_free_port();
}

/* The program's path on PATH (and the sbin directories), into out; 0, or -1 if none. */
static int which(const char *program, char *out, size_t size)
{
    char *cmd = NULL;
    if (asprintf(&cmd, "PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH command -v %s 2>/dev/null",
                 program) < 0)
        return -1;
    FILE *p = popen(cmd, "r");
    free(cmd);
    int ok = p && fgets(out, (int)size, p) && out[0] == '/';
    if (p)
        pclose(p);
    if (ok)
        out[strcspn(out, "\n")] = '\0';
    return ok ? 0 : -1;
}

int br_have(const char *program)
{
    char path[512];
    return which(program, path, sizeof path) == 0;
}

/* 1 once something accepts connections on port (at most 5 s). */
static int wait_port(int port)
{
    for (int i = 0; i < 100; i++) {
        if (mm_test_port_accepts(port))
            return 1;
        usleep(50000);
    }
    return 0;
}

int br_redis_start(mm_child *c, const char *dir)
{
    int port = br_free_port();
    char p[16];
    snprintf(p, sizeof p, "%d", port);
    char exe[512];
    if (which("redis-server", exe, sizeof exe) != 0)
        return -1;
    char *argv[] = {exe, "--port",       p,    "--bind", "127.0.0.1", "--save",
                    "",  "--appendonly", "no", "--dir",  (char *)dir, NULL};
    c->stderr_path = "/dev/null";
    if (mm_child_spawn(c, argv, env) != 0 || !wait_port(port))
        return -1;
    return port;
}

int br_haproxy_start(mm_child *c, const char *dir, const int *ports, size_t n)
{
    int port = br_free_port();
    char *cfg = NULL;
    if (asprintf(&cfg, "%s/haproxy.cfg", dir) < 0)
        return -1;
    FILE *f = fopen(cfg, "w");
    if (!f) {
        free(cfg);
        return -1;
    }
    /* The README's block ("Several replicas"), on this run's ports. */
    fprintf(f,
            "global\n    maxconn 4096\ndefaults\n    mode http\n    timeout connect 5s\n"
            "    timeout client 300s\n    timeout server 300s\nfrontend mcp\n"
            "    bind 127.0.0.1:%d\n    default_backend mistmcp\nbackend mistmcp\n"
            "    balance roundrobin\n    retries 2\n    retry-on conn-failure\n"
            "    option redispatch\n",
            port);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "    server r%zu 127.0.0.1:%d\n", i, ports[i]);
    fclose(f);
    char exe[512];
    if (which("haproxy", exe, sizeof exe) != 0) {
        free(cfg);
        return -1;
    }
    char *argv[] = {exe, "-db", "-f", cfg, NULL};
    c->stderr_path = "/dev/null";
    int ok = mm_child_spawn(c, argv, env) == 0 && wait_port(port);
    free(cfg);
    return ok ? port : -1;
}

void br_stop(mm_child *c)
{
    if (c->pid > 0)
        kill(c->pid, SIGTERM);
    mm_child_finish(c, 5000);
}

long long br_redis_used_memory(int port)
{
    char *cmd = NULL;
    if (asprintf(&cmd, "redis-cli -p %d INFO memory", port) < 0)
        return -1;
    FILE *p = popen(cmd, "r");
    free(cmd);
    long long v = -1;
    char line[256];
    while (p && fgets(line, sizeof line, p))
        if (strncmp(line, "used_memory:", 12) == 0)
            v = atoll(line + 12);
    if (p)
        pclose(p);
    return v;
}

typedef struct text {
    char *data;
    size_t len;
} text;

static size_t collect(char *ptr, size_t size, size_t nmemb, void *userdata)
{
    text *t = userdata;
    size_t n = size * nmemb;
    char *grown = realloc(t->data, t->len + n + 1);
    if (!grown)
        return 0;
    t->data = grown;
    memcpy(t->data + t->len, ptr, n);
    t->len += n;
    t->data[t->len] = '\0';
    return n;
}

double br_metric(const char *mcp_url, const char *name)
{
    char url[256];
    snprintf(url, sizeof url, "%s", mcp_url);
    char *q = strstr(url, "/mcp");
    if (!q)
        return -1;
    snprintf(q, sizeof url - (size_t)(q - url), "/metrics");
    text t = {0};
    CURL *h = curl_easy_init();
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 5000L);
    int ok = curl_easy_perform(h) == CURLE_OK && t.data;
    curl_easy_cleanup(h);
    double sum = -1;
    size_t n = strlen(name);
    for (char *line = ok ? t.data : NULL; line && *line;) {
        char *end = strchr(line, '\n');
        if (strncmp(line, name, n) == 0 && (line[n] == ' ' || line[n] == '{')) {
            char *sp = strrchr(line, ' ');
            if (sp && (!end || sp < end))
                sum = (sum < 0 ? 0 : sum) + atof(sp + 1);
        }
        line = end ? end + 1 : NULL;
    }
    free(t.data);
    return sum;
}
