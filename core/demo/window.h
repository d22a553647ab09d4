/*
 * The time window of a demo request, as Mist reads one: start and end (seconds since 1970,
 * "now", or before now: "-1d", "-2h") and duration ("1d", "3h", "30m", "2w" or seconds). end
 * defaults to now (the world's, MM_DEMO_NOW), or to start + duration; start to end - duration;
 * duration to 1 day.
 *
 * Pure functions of the request; thread-safe.
 */
#ifndef MISTMCP_DEMO_WINDOW_H
#define MISTMCP_DEMO_WINDOW_H

#include "demo/answer.h"

/* The window rq asks for, in seconds since 1970: 0, or -1 after Mist's 400 in out naming the
 * bad parameter (a value none of the forms above, or a start after the end). */
int mm_demo_window(const mm_demo_request *rq, long *start, long *end, mm_demo_answer *out);

/* Seconds in "1d", "3h", "30m", "2w", "90s" or "90"; -1 if it is none of these. */
long mm_demo_duration(const char *s);

#endif
