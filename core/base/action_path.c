#include "base/action_path.h"

#include <string.h>

const char *mm_action_path_word(const char *path)
{
    static const char *const actions[] = {
        "cancel",  "optimize",    "restart",   "reboot",      "reset",    "delete",
        "remove",  "clear",       "claim",     "unclaim",     "assign",   "unassign",
        "release", "renew",       "trigger",   "run",         "execute",  "disable",
        "enable",  "revoke",      "subscribe", "unsubscribe", "activate", "deactivate",
        "bounce",  "reprovision", "locate",    "unlocate",    "logout"};
    if (!path)
        return NULL;
    const char *last = NULL;
    for (const char *p = path; *p; p++)
        if (*p == '/' && p[1] && p[1] != '{' && p[1] != '/')
            last = p + 1;
    if (!last)
        return NULL;
    size_t n = strcspn(last, "/?#");
    for (size_t i = 0; i < sizeof actions / sizeof actions[0]; i++)
        if (strlen(actions[i]) == n && strncmp(last, actions[i], n) == 0)
            return actions[i];
    return NULL;
}
