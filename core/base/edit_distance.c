#include "base/edit_distance.h"

#include <ctype.h>
#include <string.h>

static int same(char x, char y)
{
    return tolower((unsigned char)x) == tolower((unsigned char)y);
}

size_t mm_edit_distance(const char *a, const char *b, size_t bound)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > MM_EDIT_DISTANCE_MAX_LEN || lb > MM_EDIT_DISTANCE_MAX_LEN)
        return bound + 1;
    if ((la > lb ? la - lb : lb - la) > bound)
        return bound + 1; /* each edit changes the length by one at most */
    /* Three rows of the dynamic-programming table (a swap looks two rows back), rotated. */
    size_t rows[3][MM_EDIT_DISTANCE_MAX_LEN + 1];
    size_t *before = rows[0], *prev = rows[1], *cur = rows[2];
    for (size_t j = 0; j <= lb; j++)
        prev[j] = j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = i;
        size_t row_min = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t d = prev[j - 1] + !same(a[i - 1], b[j - 1]);
            if (prev[j] + 1 < d)
                d = prev[j] + 1;
            if (cur[j - 1] + 1 < d)
                d = cur[j - 1] + 1;
            if (i > 1 && j > 1 && same(a[i - 1], b[j - 2]) && same(a[i - 2], b[j - 1]) &&
                before[j - 2] + 1 < d)
                d = before[j - 2] + 1;
            cur[j] = d;
            if (d < row_min)
                row_min = d;
        }
        if (row_min > bound)
            return bound + 1; /* no later row gets closer */
        size_t *spare = before;
        before = prev, prev = cur, cur = spare;
    }
    return prev[lb] <= bound ? prev[lb] : bound + 1;
}
