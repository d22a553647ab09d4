/*
 * Writes a C file whose string literals come from gen_emit_cstr (the generator's literal
 * writer) next to the same strings as byte arrays. Compiled as strict C11 (trigraphs live)
 * and run, it checks that every literal means exactly the bytes it was made from.
 * usage: make_cstr_cases OUT.c
 */
#define _POSIX_C_SOURCE 200809L
#include "emit.h"

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc != 2)
        return 2;
    char utf8[600] = "", ascii[400] = "", mixed[300] = "";
    for (int i = 0; i < 150; i++)
        strcat(utf8, "\xc3\xa9"); /* é: a literal split must not cut one in half */
    for (int i = 0; i < 390; i++)
        ascii[i] = (char)('a' + i % 26);
    for (int i = 0; i < 290; i++)
        mixed[i] = "?a\"\\\n\t\x01\x7f/*?"[i % 12];
    const char *cases[] = {"",
                           "?\?=",
                           "?\?)",
                           "?\?\?!",
                           "a?\?/b",
                           "?",
                           "?\?",
                           "x?",
                           "?y?",
                           "\x01"
                           "2",
                           "\x1f"
                           "7",
                           "\x7f"
                           "0",
                           "tab\tnl\nquote\"bs\\",
                           "*/ not a comment end",
                           utf8,
                           ascii,
                           mixed,
                           "\xe2\x82\xac?\xe2\x82\xac?\?"};
    size_t n = sizeof cases / sizeof cases[0];
    FILE *f = fopen(argv[1], "w");
    if (!f)
        return 1;
    fputs("#include <stdio.h>\n#include <string.h>\n", f);
    fputs("static const char *const literal[] = {\n", f);
    for (size_t i = 0; i < n; i++) {
        fputs("    ", f);
        gen_emit_cstr(f, cases[i]);
        fputs(",\n", f);
    }
    fputs("};\n", f);
    for (size_t i = 0; i < n; i++) {
        fprintf(f, "static const unsigned char bytes_%zu[] = {", i);
        for (const unsigned char *p = (const unsigned char *)cases[i]; *p; p++)
            fprintf(f, "%u, ", *p);
        fputs("0};\n", f);
    }
    fputs("static const unsigned char *const expected[] = {", f);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "bytes_%zu, ", i);
    fputs("};\n", f);
    fprintf(f,
            "int main(void)\n{\n    int failed = 0;\n    for (int i = 0; i < %zu; i++)\n"
            "        if (strcmp(literal[i], (const char *)expected[i]) != 0) {\n"
            "            printf(\"case %%d: literal differs\\n\", i);\n"
            "            failed++;\n        }\n"
            "    printf(\"%%d passed, %%d failed\\n\", %zu - failed, failed);\n"
            "    return failed != 0;\n}\n",
            n, n);
    return fclose(f) == 0 ? 0 : 1;
}
