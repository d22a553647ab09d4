#define _POSIX_C_SOURCE 200809L
#include "model.h"

#include "gen_util.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int gen_exclusions_load(const char *path, gen_model *model, char *err, size_t err_size)
{
    char *text = gen_read_file(path, NULL);
    if (!text) {
        snprintf(err, err_size, "%s: cannot read: %s", path, strerror(errno));
        return -1;
    }
    size_t cap = 0;
    int line_no = 0, rc = 0;
    for (char *line = text, *next; line && *line; line = next) {
        line_no++;
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        while (isspace((unsigned char)*line))
            line++;
        if (*line == '\0' || *line == '#')
            continue;
        size_t n = strcspn(line, " \t");
        char *reason = line + n;
        while (isspace((unsigned char)*reason))
            reason++;
        size_t rlen = strlen(reason);
        while (rlen > 0 && isspace((unsigned char)reason[rlen - 1]))
            rlen--;
        if (rlen == 0) {
            snprintf(err, err_size, "%s:%d: exclusion '%.*s' has no reason", path, line_no, (int)n,
                     line);
            rc = -1;
            break;
        }
        if (model->exclusion_count == cap) {
            cap = cap ? cap * 2 : 32;
            model->exclusions = gen_xrealloc(model->exclusions, cap * sizeof *model->exclusions);
        }
        gen_exclusion *e = &model->exclusions[model->exclusion_count++];
        e->name = gen_xstrndup(line, n);
        e->reason = gen_xstrndup(reason, rlen);
        e->matched = 0;
    }
    free(text);
    return rc;
}
