/*
 * Numbers through the host API a custom plugin uses (core/mcp/host_api.c): arg_integer exact
 * past 2^53 and refusing what long long cannot hold, arg_number the nearest double, arg_json
 * with the client's digits, and result_set_structured / result_add_content passing a plugin's
 * numbers to the client unchanged. Arguments are parsed as the transports parse a request.
 */
#include "base/json_exact.h"
#include "base/util.h"
#include "check.h"
#include "mcp/host_api.h"
#include "mcp/tool_call.h"

#include <stdlib.h>
#include <string.h>

static mistmcp_call *call_with(const char *args)
{
    mm_call_hooks hooks = {0};
    return mm_call_create(mm_json_parse_exact(args, strlen(args), NULL), &hooks);
}

int main(void)
{
    const mistmcp_host_api *h = mm_host_api();
    mistmcp_call *call = call_with("{\"id\":1915883588174806058,\"neg\":-9223372036854775808,"
                                   "\"over\":9223372036854775808,\"small\":42,\"exp\":1e3,"
                                   "\"fraction\":1.5,\"big_exp\":1e20,\"whole\":2.0,"
                                   "\"list\":[12345678901234567,1.50]}");
    long long i = 7;
    CHECK_MSG(h->arg_integer(call, "id", &i) && i == 1915883588174806058LL,
              "an id past 2^53, exactly: %lld", i);
    CHECK(h->arg_integer(call, "neg", &i) && i == (-9223372036854775807LL - 1));
    i = 7;
    CHECK_MSG(!h->arg_integer(call, "over", &i) && i == 7, "beyond long long: refused, unchanged");
    CHECK(h->arg_integer(call, "small", &i) && i == 42);
    CHECK(h->arg_integer(call, "exp", &i) && i == 1000);
    CHECK(h->arg_integer(call, "whole", &i) && i == 2);
    CHECK_MSG(!h->arg_integer(call, "fraction", &i), "1.5 is no integer");
    CHECK_MSG(!h->arg_integer(call, "big_exp", &i), "1e20: past 2^53 a double is not exact");
    double d = 0;
    CHECK(h->arg_number(call, "fraction", &d) && d == 1.5);
    CHECK(h->arg_number(call, "id", &d) && d == 1915883588174806058.0);
    const char *j = h->arg_json(call, "id");
    CHECK_MSG(j && strcmp(j, "1915883588174806058") == 0, "arg_json of one: %s", j ? j : "");
    j = h->arg_json(call, "list");
    CHECK_MSG(j && strcmp(j, "[12345678901234567,1.50]") == 0, "arg_json of a list: %s",
              j ? j : "");
    j = h->arg_json(call, NULL);
    CHECK_MSG(j && strstr(j, "\"over\":9223372036854775808,") && strstr(j, "\"big_exp\":1e20,"),
              "arg_json of all: %s", j ? j : "");

    CHECK(h->result_add_content(call, "{\"type\":\"text\",\"text\":\"n\",\"_meta\":{\"n\":"
                                      "12345678901234567}}") == 0);
    CHECK(h->result_set_structured(
              call, "{\"tx_bytes\":12345678901234567,\"ratio\":1.50,\"id\":1915883588174806058}") ==
          0);
    cJSON *result = mm_call_take_result(call);
    mm_call_destroy(&call);
    char *wire = mm_json_wire_text(result); /* as the transport writes it */
    CHECK_MSG(strstr(wire, "\"_meta\":{\"n\":12345678901234567}") &&
                  strstr(wire, "\"structuredContent\":{\"tx_bytes\":12345678901234567,"
                               "\"ratio\":1.50,\"id\":1915883588174806058}"),
              "the plugin's numbers reach the client: %s", wire);
    free(wire);
    return check_summary();
}
