#include "transport/stdio_listen.h"

#include "base/util.h"
#include "mcp/era.h"
#include "mcp/protocol.h"
#include "mcp/subscription.h"

#include <stdlib.h>

struct mm_stdio_listen {
    mm_subscription open[MM_STDIO_LISTEN_MAX];
    size_t count;
};

mm_stdio_listen *mm_stdio_listen_create(void)
{
    return mm_xcalloc(1, sizeof(mm_stdio_listen));
}

void mm_stdio_listen_destroy(mm_stdio_listen **tp)
{
    mm_stdio_listen *t = *tp;
    if (!t)
        return;
    for (size_t i = 0; i < t->count; i++)
        mm_subscription_clear(&t->open[i]);
    free(t);
    *tp = NULL;
}

/* The index of the open subscription whose id is id, or -1. */
static long find(const mm_stdio_listen *t, const cJSON *id)
{
    for (size_t i = 0; id && i < t->count; i++)
        if (cJSON_Compare(t->open[i].id, id, 1))
            return (long)i;
    return -1;
}

void mm_stdio_listen_open(mm_stdio_listen *t, mm_session *s, const cJSON *msg)
{
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(msg, "id");
    mm_era_request req;
    cJSON *err = mm_era_check(msg, &req);
    if (err) {
        mm_session_send(s, err);
        return;
    }
    if (find(t, id) >= 0) {
        mm_session_send(s, mm_protocol_error(id, MM_INVALID_REQUEST,
                                             "a subscription with this id is open: cancel it "
                                             "first, or use another id"));
        return;
    }
    if (t->count == MM_STDIO_LISTEN_MAX) {
        mm_session_send(s, mm_protocol_error(id, MM_INVALID_REQUEST,
                                             "too many subscriptions open (64): cancel one "
                                             "first; one subscription can ask for every kind"));
        return;
    }
    mm_subscription sub;
    err = mm_subscription_open(msg, &sub);
    if (err) {
        mm_session_send(s, err);
        return;
    }
    t->open[t->count++] = sub;
    mm_session_send(s, mm_subscription_ack(&sub));
}

int mm_stdio_listen_cancel(mm_stdio_listen *t, const cJSON *request_id)
{
    long at = find(t, request_id);
    if (at < 0)
        return 0;
    mm_subscription_clear(&t->open[at]);
    t->open[at] = t->open[--t->count];
    t->open[t->count] = (mm_subscription){0};
    return 1;
}

void mm_stdio_listen_end_all(mm_stdio_listen *t, mm_session *s)
{
    for (size_t i = 0; i < t->count; i++) {
        mm_session_send(s, mm_subscription_end(&t->open[i], s->srv->version));
        mm_subscription_clear(&t->open[i]);
    }
    t->count = 0;
}
