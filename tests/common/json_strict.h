/*
 * A strict JSON checker for tests (RFC 8259, as a browser's JSON.parse or Python's json.loads
 * reads it): what a lenient parser such as cJSON takes (01, 1., raw control characters in
 * strings, a byte order mark, form feeds as white space) is refused here, so a test can tell
 * that the wire carries JSON every client accepts. UTF-8 is checked too. It shares no code
 * with the server (its own UTF-8 check, not mm_utf8_seq_len): a checker that used the code it
 * checks could not catch that code's mistakes.
 * Stateless and thread-safe; recursion is bounded (depth 512).
 */
#ifndef MISTMCP_TEST_JSON_STRICT_H
#define MISTMCP_TEST_JSON_STRICT_H

/* The end of the JSON value that starts at s (after white space), or NULL if it is not valid. */
const char *mm_json_strict_value(const char *s);
/* 1 if s is exactly one valid JSON value, with white space around it allowed. */
int mm_json_strict(const char *s);

#endif
