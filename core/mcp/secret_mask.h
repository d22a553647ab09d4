/*
 * Secrets out of what a person or a log sees: write previews and the audit log show
 * "********" in place of the value of any member whose name says it is a secret (a PSK, a
 * RADIUS secret, a password, a passphrase, a key, a token). The Mist spec marks no field as
 * secret (it has no writeOnly or format: password on request bodies), so names decide.
 *
 * Thread-safety: no state. Ownership: mm_secret_mask changes the tree it is given.
 */
#ifndef MISTMCP_CORE_MCP_SECRET_MASK_H
#define MISTMCP_CORE_MCP_SECRET_MASK_H

#include <cjson/cJSON.h>

#define MM_SECRET_SHOWN "********"

/* 1 if a member called name holds a secret: its lower-case form contains psk, secret,
 * passw (password, passwd), passphrase, token or private, or ends with key or keys
 * (key, api_key, apikey, shared_keys). */
int mm_secret_name(const char *name);

/* Replaces, in v and everything inside it, the value of every member mm_secret_name names
 * (unless it is null) with the string MM_SECRET_SHOWN. */
void mm_secret_mask(cJSON *v);

#endif
