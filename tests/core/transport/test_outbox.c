/*
 * The outbox (core/transport/outbox.c): bounded in messages and bytes with the oldest dropped,
 * closing with a last message that is never dropped (a POST's response, however large), and the
 * ended flag that tells a reader the stream is over.
 */
#include "check.h"
#include "transport/outbox.h"

#include <stdlib.h>
#include <string.h>

int main(void)
{
    mm_outbox *o = mm_outbox_create(3);
    int ended = -1;
    for (int i = 0; i < 5; i++) {
        char m[8];
        m[0] = (char)('a' + i), m[1] = '\0';
        mm_outbox_push(o, m);
    }
    char *m = mm_outbox_pop(o, 0, &ended);
    CHECK_MSG(m && strcmp(m, "c") == 0 && !ended, "the oldest went: %s", m ? m : "(none)");
    free(m);
    m = mm_outbox_pop(o, 0, NULL);
    free(m);
    m = mm_outbox_pop(o, 0, NULL);
    free(m);
    m = mm_outbox_pop(o, 10, &ended);
    CHECK_MSG(!m && !ended, "empty, still open");

    /* A response larger than the byte bound closes the outbox and still arrives, last. */
    size_t big = (1u << 20) + 10;
    char *response = malloc(big + 1);
    memset(response, 'r', big);
    response[big] = '\0';
    mm_outbox_push(o, "progress");
    mm_outbox_close(o, response);
    mm_outbox_push(o, "too late");
    m = mm_outbox_pop(o, 0, &ended);
    CHECK_MSG(m && strlen(m) == big && ended, "the oversized response is kept and is the last");
    free(m);
    m = mm_outbox_pop(o, 10, &ended);
    CHECK_MSG(!m && ended, "nothing after the close");
    free(response);
    mm_outbox_destroy(&o);

    o = mm_outbox_create(4); /* closed without a last message: a cancelled request */
    mm_outbox_push(o, "p");
    mm_outbox_close(o, NULL);
    m = mm_outbox_pop(o, 0, &ended);
    CHECK_MSG(m && strcmp(m, "p") == 0 && ended, "the last notification, then the end");
    free(m);
    mm_outbox_destroy(&o);
    return check_summary();
}
