/*
 * Request paths (demo/path.h).
 */
#define _POSIX_C_SOURCE 200809L
#include "demo/path.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static int hex_value(char c)
{
    return isdigit((unsigned char)c) ? c - '0' : tolower((unsigned char)c) - 'a' + 10;
}

int mm_demo_path_split(const char *path, mm_demo_segments *out)
{
    out->n = 0;
    while (*path == '/')
        path++;
    while (*path) {
        if (out->n == MM_DEMO_MAX_SEGMENTS)
            return -1;
        char *seg = out->s[out->n++];
        size_t k = 0;
        for (; *path && *path != '/'; path++) {
            if (k + 1 == MM_DEMO_SEGMENT_MAX)
                return -1;
            if (path[0] == '%' && isxdigit((unsigned char)path[1]) &&
                isxdigit((unsigned char)path[2])) {
                seg[k++] = (char)(hex_value(path[1]) * 16 + hex_value(path[2]));
                path += 2;
            } else {
                seg[k++] = *path;
            }
        }
        seg[k] = '\0';
        while (*path == '/')
            path++;
    }
    return 0;
}

void mm_demo_path_join(const mm_demo_segments *sg, int n, char *out, size_t size)
{
    size_t used = 0;
    out[0] = '\0';
    for (int i = 0; i < n && i < sg->n && used + 1 < size; i++) {
        int w = snprintf(out + used, size - used, "/%s", sg->s[i]);
        used += w < 0 ? 0 : (size_t)w;
    }
    if (!out[0])
        snprintf(out, size, "/");
}

int mm_demo_path_canon(const char *path, char *out, size_t size)
{
    mm_demo_segments sg;
    if (mm_demo_path_split(path, &sg) != 0) {
        out[0] = '\0';
        return -1;
    }
    mm_demo_path_join(&sg, sg.n, out, size);
    return 0;
}

long mm_demo_path_match(const char *template, const mm_demo_segments *sg, mm_demo_params *p)
{
    memset(p, 0, sizeof *p);
    long score = 0, literals = 0;
    int i = 0;
    const char *t = template;
    while (*t == '/')
        t++;
    for (; *t; i++) {
        size_t len = strcspn(t, "/");
        if (i == sg->n)
            return -1;
        const char *seg = sg->s[i], *open = memchr(t, '{', len);
        const char *close = open ? memchr(open, '}', len - (size_t)(open - t)) : NULL;
        if (!close) { /* a literal */
            if (strlen(seg) != len || strncmp(seg, t, len) != 0)
                return -1;
            literals++;
            score += 1L << i;
        } else { /* prefix{name}suffix */
            size_t pre = (size_t)(open - t), suf = len - (size_t)(close - t) - 1,
                   name = (size_t)(close - open) - 1, n = strlen(seg);
            if (n <= pre + suf || strncmp(seg, t, pre) != 0 ||
                strncmp(seg + n - suf, close + 1, suf) != 0 || p->count == MM_DEMO_MAX_PARAMS ||
                name >= sizeof p->names[0])
                return -1;
            memcpy(p->names[p->count], open + 1, name);
            p->names[p->count][name] = '\0';
            snprintf(p->values[p->count], sizeof p->values[0], "%.*s", (int)(n - pre - suf),
                     seg + pre);
            p->count++;
        }
        p->fetched = close != NULL;
        t += len;
        while (*t == '/')
            t++;
    }
    return i == sg->n ? (literals << MM_DEMO_MAX_SEGMENTS) + score : -1;
}

long mm_demo_path_best(const mm_demo_segments *sg, size_t count, mm_demo_template_at at, void *ctx,
                       mm_demo_params *p)
{
    long best = -1, best_score = -1;
    mm_demo_params candidate;
    for (size_t i = 0; i < count; i++) {
        const char *template = at(i, ctx);
        long score = template ? mm_demo_path_match(template, sg, &candidate) : -1;
        if (score > best_score) {
            best = (long)i;
            best_score = score;
            *p = candidate;
        }
    }
    return best;
}

const char *mm_demo_param(const mm_demo_params *p, const char *name)
{
    for (size_t i = 0; i < p->count; i++)
        if (strcmp(p->names[i], name) == 0)
            return p->values[i];
    return NULL;
}
