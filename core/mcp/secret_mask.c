#include "mcp/secret_mask.h"

#include "base/util.h"

#include <ctype.h>
#include <string.h>

int mm_secret_name(const char *name)
{
    char low[128];
    size_t n = 0;
    for (; name[n] && n < sizeof low - 1; n++)
        low[n] = (char)tolower((unsigned char)name[n]);
    low[n] = '\0';
    static const char *const parts[] = {"psk", "secret", "passw", "passphrase", "token", "private"};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
        if (strstr(low, parts[i]))
            return 1;
    return (n >= 3 && strcmp(low + n - 3, "key") == 0) ||
           (n >= 4 && strcmp(low + n - 4, "keys") == 0);
}

void mm_secret_mask(cJSON *v)
{
    if (!cJSON_IsObject(v) && !cJSON_IsArray(v))
        return;
    cJSON *next;
    for (cJSON *c = v->child; c; c = next) {
        next = c->next; /* c may be replaced (and freed) below */
        if (cJSON_IsObject(v) && c->string && mm_secret_name(c->string) && !cJSON_IsNull(c)) {
            /* by pointer, not by name: a repeated name is masked at each place */
            cJSON *shown = cJSON_CreateString(MM_SECRET_SHOWN);
            shown->string = mm_xstrdup(c->string);
            cJSON_ReplaceItemViaPointer(v, c, shown);
        } else
            mm_secret_mask(c);
    }
}
