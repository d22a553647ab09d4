/*
 * Fuzz target: the registry loader's checks of a plugin's descriptor (core/registry/
 * plugin_loader.c: mm_plugin_adopt, what mm_plugin_open does between the entry point and
 * init) on a descriptor and tool table built from the input, laid out as a plugin of that ABI
 * would have them: each struct as long as the size it declares (so a read past it is caught),
 * tool and parameter tables at the stride they declare.
 *
 * Input, read by fuzz_check.h's reader: flag bytes saying which fields are taken raw from the
 * input (magic, ABI version, sizes, reserved fields, NULL pointers) rather than right, then
 * the strings and numbers of the descriptor, of up to 16 tools and of their parameters. A
 * declared tool count from 4097 to 100000 is skipped (see below).
 *
 * Checked: no plugin code is called (init, fini and handlers abort); a refusal says why; an
 * accepted descriptor has a valid category (and the expected one, when one is expected), as
 * many tools as declared, each with a valid name, and each tool's tools/list text is JSON.
 *
 * FUZZ_ECHO=1 in the environment prints whether each descriptor was accepted, or why not (to
 * read what an input does, e.g. when writing seeds).
 */
#include "base/util.h"
#include "fuzz_check.h"
#include "json_strict.h"
#include "registry/plugin_loader.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HEAD_SIZE offsetof(mistmcp_plugin, tool_size) /* what the host reads first */
#define MAX_BUILT_TOOLS 16

/* Everything allocated for one input, freed after it. */
typedef struct arena {
    void **items;
    size_t count;
} arena;

static void *keep(arena *a, void *p)
{
    a->items = mm_xrealloc(a->items, (a->count + 1) * sizeof *a->items);
    a->items[a->count++] = p;
    return p;
}

static void arena_free(arena *a)
{
    for (size_t i = 0; i < a->count; i++)
        free(a->items[i]);
    free(a->items);
}

/* A string, or NULL when the flag says so. */
static const char *str(fuzz_reader *r, arena *a, int null)
{
    char *s = fuzz_str(r, 255);
    if (null) {
        free(s);
        return NULL;
    }
    return keep(a, s);
}

static int plugin_init(const mistmcp_host_api *host, char *err, size_t err_size)
{
    (void)host, (void)err, (void)err_size;
    FUZZ_ASSERT(0, "the checks called the plugin's init");
}

static void plugin_fini(void)
{
    FUZZ_ASSERT(0, "the checks called the plugin's fini");
}

static int plugin_handler(const mistmcp_host_api *host, mistmcp_call *call)
{
    (void)host, (void)call;
    FUZZ_ASSERT(0, "the checks called a tool handler");
}

static const char dummy[1]; /* a non-NULL pointer for reserved fields */

/* count parameters at the stride size, or a 1-byte table when the stride is one the host must
 * refuse before reading it. */
static const mistmcp_param *build_params(fuzz_reader *r, arena *a, unsigned count, uint32_t size)
{
    int readable = size == sizeof(mistmcp_param); /* the only stride ABI 1.0 has */
    char *table = keep(a, mm_xcalloc(readable ? count ? count : 1 : 1, readable ? size : 1));
    for (unsigned i = 0; readable && i < count; i++) {
        uint8_t f = fuzz_u8(r);
        mistmcp_param p = {.name = str(r, a, f & 1)};
        p.location = fuzz_u8(r);
        p.type = fuzz_u8(r);
        p.item_type = fuzz_u8(r);
        p.style = fuzz_u8(r);
        p.required = fuzz_u8(r);
        if (f & 2)
            p.reserved[fuzz_u8(r) % 3] = fuzz_u8(r);
        memcpy(table + (size_t)i * size, &p, size);
    }
    return (const mistmcp_param *)table;
}

static void build_tool(fuzz_reader *r, arena *a, mistmcp_tool *t)
{
    uint8_t f = fuzz_u8(r), g = fuzz_u8(r);
    memset(t, 0, sizeof *t);
    t->name = str(r, a, f & 1);
    t->title = str(r, a, !(f & 2));
    t->description = str(r, a, f & 4);
    t->input_schema = str(r, a, f & 8);
    t->full_schema = str(r, a, !(f & 16));
    t->annotations = g & 1 ? fuzz_u32(r) : fuzz_u8(r) & MISTMCP_ANN_KNOWN_1_0;
    t->kind = g & 2 ? fuzz_u8(r) : MISTMCP_TOOL_DECLARATIVE + (fuzz_u8(r) & 1);
    t->method = fuzz_u8(r);
    t->param_count = g & 4 ? fuzz_u16(r) : fuzz_u8(r) % 8;
    t->param_size = g & 8 ? fuzz_u32(r) : (uint32_t)sizeof(mistmcp_param);
    if (g & 16)
        t->reserved0 = fuzz_u32(r);
    if (g & 32)
        t->reserved[fuzz_u8(r) % 4] = dummy;
    t->path = str(r, a, f & 32);
    t->body_content_type = str(r, a, !(f & 64));
    t->handler = f & 128 ? plugin_handler : NULL;
    unsigned built = t->param_count < 64 ? t->param_count : 64;
    t->params = g & 64 ? NULL : build_params(r, a, built, t->param_size);
    if (built < t->param_count && t->params) /* more declared than built: the table is short */
        t->param_count = (uint16_t)built;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    mm_util_init();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_reader r = {data, size, 0};
    arena a = {0};
    uint8_t f = fuzz_u8(&r), g = fuzz_u8(&r);
    mistmcp_plugin d = {.magic = f & 1 ? fuzz_u32(&r) : MISTMCP_PLUGIN_MAGIC,
                        .abi_major = f & 2 ? fuzz_u16(&r) : MISTMCP_ABI_MAJOR,
                        .abi_minor = f & 2 ? fuzz_u16(&r) : MISTMCP_ABI_MINOR,
                        .struct_size = f & 4 ? fuzz_u32(&r) : (uint32_t)sizeof(mistmcp_plugin),
                        .tool_size = f & 8 ? fuzz_u32(&r) : (uint32_t)sizeof(mistmcp_tool)};
    if (f & 16)
        d.reserved0 = fuzz_u32(&r);
    if (f & 32)
        d.reserved[fuzz_u8(&r) % 8] = dummy;
    d.category = str(&r, &a, f & 64);
    d.description = str(&r, &a, 0);
    d.version = str(&r, &a, 0);
    d.init = plugin_init;
    d.fini = f & 128 ? plugin_fini : NULL;
    d.tool_count = g & 1 ? fuzz_u32(&r) : fuzz_u8(&r) % 9;
    const char *expected = g & 2 ? "fuzzcat" : NULL;
    /* Counts past 4096 up to the host's bound (100000) only make the same copy loop longer,
     * and cost megabytes of table per input: skipped (past the bound, refused unread, kept). */
    if (d.tool_count > 4096 && d.tool_count <= 100000) {
        arena_free(&a);
        return -1; /* libFuzzer keeps no such input */
    }

    /* The tool table at the plugin's stride, when the host may read it (its size and count
     * pass the checks); else one byte, which the host must not read. */
    int readable = d.tool_size == sizeof(mistmcp_tool) && d.tool_count <= 100000;
    char *table = keep(
        &a, mm_xcalloc(readable && d.tool_count ? d.tool_count : 1, readable ? d.tool_size : 1));
    for (uint32_t i = 0; readable && i < d.tool_count && i < MAX_BUILT_TOOLS; i++) {
        mistmcp_tool t;
        build_tool(&r, &a, &t);
        memcpy(table + (size_t)i * d.tool_size, &t, d.tool_size);
    }
    d.tools = g & 4 ? NULL : (const mistmcp_tool *)table;

    /* The descriptor as long as it says it is (within what the host reads at all). */
    size_t len = d.struct_size < HEAD_SIZE                ? HEAD_SIZE
                 : d.struct_size > sizeof(mistmcp_plugin) ? sizeof(mistmcp_plugin)
                                                          : d.struct_size;
    mistmcp_plugin *src = keep(&a, mm_xmalloc(len));
    memcpy(src, &d, len);

    mm_loaded out;
    char why[400] = "";
    int rc = mm_plugin_adopt(g & 8 ? NULL : src, expected, &out, why, sizeof why);
    if (getenv("FUZZ_ECHO"))
        fprintf(stderr, rc == 0 ? "accepted: %s, %u tools\n" : "refused: %s\n",
                rc == 0 ? out.desc.category : why, rc == 0 ? out.desc.tool_count : 0);
    if (rc != 0) {
        FUZZ_ASSERT(rc == -1 && why[0], "refused (%d) without a reason", rc);
    } else {
        FUZZ_ASSERT(mm_valid_category_name(out.desc.category) &&
                        (!expected || strcmp(out.desc.category, expected) == 0),
                    "accepted category '%s'", out.desc.category);
        FUZZ_ASSERT(out.desc.tool_count == d.tool_count, "%u tools declared, %u kept", d.tool_count,
                    out.desc.tool_count);
        for (uint32_t i = 0; i < out.desc.tool_count; i++) {
            FUZZ_ASSERT(mm_valid_tool_name(out.tools[i].name), "accepted tool name '%s'",
                        out.tools[i].name);
            char *repaired = mm_utf8_repair(out.texts[i]); /* as the wire carries it */
            FUZZ_ASSERT(mm_json_strict(repaired ? repaired : out.texts[i]),
                        "tool %s as tools/list shows it is no JSON: %.300s", out.tools[i].name,
                        out.texts[i]);
            free(repaired);
        }
        mm_plugin_close(&out);
    }
    arena_free(&a);
    return 0;
}
