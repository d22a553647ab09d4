#define _POSIX_C_SOURCE 200809L
#include "tool_text.h"

#include "gen_util.h"
#include "spec.h"
#include "text.h"

#include <mistmcp/plugin.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Lower-case words of a camelCase or spaced text, for comparisons: "getOrgNacTag" and
 * "Get Org NAC Tag" both give "get org nac tag". Returns the number of words put in words[]
 * (at most max); the words point into buf. */
static size_t words_of(const char *s, char *buf, size_t buf_size, char **words, size_t max)
{
    size_t n = 0, k = 0;
    int in_word = 0;
    for (size_t i = 0; s[i] && k + 2 < buf_size; i++) {
        unsigned char c = (unsigned char)s[i];
        int boundary = i > 0 && isupper(c) && islower((unsigned char)s[i - 1]);
        if (!isalnum(c) || boundary) {
            if (in_word)
                buf[k++] = '\0';
            in_word = 0;
            if (!isalnum(c))
                continue;
        }
        if (!in_word) {
            if (n == max)
                break;
            words[n++] = buf + k;
            in_word = 1;
        }
        buf[k++] = (char)tolower(c);
    }
    buf[k] = '\0';
    return n;
}

/* 1 if word w is among the n words, a plural 's' aside. */
static int has_word(char *const *words, size_t n, const char *w)
{
    size_t lw = strlen(w);
    for (size_t i = 0; i < n; i++) {
        size_t l = strlen(words[i]);
        if (strcmp(words[i], w) == 0 ||
            (l == lw + 1 && words[i][lw] == 's' && strncmp(words[i], w, lw) == 0) ||
            (lw == l + 1 && w[l] == 's' && strncmp(words[i], w, l) == 0))
            return 1;
    }
    return 0;
}

int gen_text_restates_name(const char *text, const char *name)
{
    char nb[256], tb[512];
    char *nw[32], *tw[64];
    size_t nn = words_of(name, nb, sizeof nb, nw, 32);
    size_t tn = words_of(text, tb, sizeof tb, tw, 64);
    if (tn == 0 || tn == 64)
        return tn == 0;
    for (size_t i = 0; i < tn; i++)
        if (!has_word(nw, nn, tw[i]))
            return 0;
    return 1;
}

/* What a summary's first word says the operation does. */
typedef enum { DOES_OTHER, DOES_READ, DOES_CREATE, DOES_UPDATE, DOES_DELETE } does;

static does verb_does(const char *verb)
{
    static const struct {
        const char *verb;
        does d;
    } verbs[] = {{"get", DOES_READ},       {"list", DOES_READ},      {"search", DOES_READ},
                 {"count", DOES_READ},     {"counts", DOES_READ},    {"retrieve", DOES_READ},
                 {"retrieves", DOES_READ}, {"returns", DOES_READ},   {"obtain", DOES_READ},
                 {"create", DOES_CREATE},  {"add", DOES_CREATE},     {"update", DOES_UPDATE},
                 {"updates", DOES_UPDATE}, {"delete", DOES_DELETE},  {"deletes", DOES_DELETE},
                 {"remove", DOES_DELETE},  {"revoke", DOES_DELETE},  {"lists", DOES_READ},
                 {"gets", DOES_READ},      {"provides", DOES_READ},  {"creates", DOES_CREATE},
                 {"adds", DOES_CREATE},    {"removes", DOES_DELETE}, {"deleting", DOES_DELETE},
                 {"replace", DOES_UPDATE}};
    for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
        if (strcasecmp(verb, verbs[i].verb) == 0)
            return verbs[i].d;
    return DOES_OTHER;
}

/* The first word of s in buf (letters only). */
static void first_word(const char *s, char *buf, size_t size)
{
    size_t k = 0;
    while (*s && !isalpha((unsigned char)*s))
        s++;
    while (*s && isalpha((unsigned char)*s) && k + 1 < size)
        buf[k++] = *s++;
    buf[k] = '\0';
}

/* 1 if an operation cannot do both a and b: reading and changing, or deleting and creating.
 * Creating and updating go together ("Create or update"); an unknown verb conflicts with
 * nothing. */
static int conflict(does a, does b)
{
    if (a == DOES_OTHER || b == DOES_OTHER || a == b)
        return 0;
    return !((a == DOES_CREATE && b == DOES_UPDATE) || (a == DOES_UPDATE && b == DOES_CREATE));
}

/* The operationId's own verb: its first camelCase word ("create" of createOrgWlan). */
static void own_verb(const gen_op *op, char *own, size_t size)
{
    size_t n = 0;
    while (op->name[n] && n + 1 < size && (n == 0 || islower((unsigned char)op->name[n])))
        own[n] = op->name[n], n++;
    own[n] = '\0';
}

/* What the operationId's verb says it does; an upload creates something on Mist. */
static does own_does(const char *own)
{
    return strcasecmp(own, "upload") == 0 ? DOES_CREATE : verb_does(own);
}

int gen_summary_contradicts(const gen_op *op)
{
    char verb[32], own[32];
    first_word(op->summary, verb, sizeof verb);
    own_verb(op, own, sizeof own);
    does said = verb_does(verb);
    does by_method = op->method_id == MISTMCP_HTTP_GET      ? DOES_READ
                     : op->method_id == MISTMCP_HTTP_DELETE ? DOES_DELETE
                     : op->method_id == MISTMCP_HTTP_PUT    ? DOES_UPDATE
                                                            : DOES_OTHER; /* POST does it all */
    return conflict(said, by_method) || conflict(said, own_does(own));
}

/* 1 if the first n bytes of text say the operation's action: a verb of the same kind as the
 * operationId's ("Get List of Org WLANs" for listOrgWlans), or the verb itself ("Troubleshoot
 * a site" for troubleshootSite, "Restarts" for restart...). "Org admin can invite people to
 * manage the org" says nothing of createOrg's. */
static int mentions_action(const gen_op *op, const char *text, size_t n)
{
    char own[32], word[32];
    own_verb(op, own, sizeof own);
    does kind = own_does(own);
    if (kind == DOES_OTHER) /* "Allows validation of..." for testX: no judging synonyms */
        return 1;
    size_t stem = strlen(own) < 5 ? strlen(own) : 5;
    for (size_t i = 0; i < n;) {
        while (i < n && !isalpha((unsigned char)text[i]))
            i++;
        size_t k = 0;
        while (i < n && isalpha((unsigned char)text[i]))
            if (k + 1 < sizeof word)
                word[k++] = text[i++];
            else
                i++;
        word[k] = '\0';
        if (!k)
            break;
        if ((kind != DOES_OTHER && verb_does(word) == kind) ||
            (stem && k >= stem && strncasecmp(word, own, stem) == 0))
            return 1;
    }
    return 0;
}

/* 1 if the summary says another action than the operation does. */
static int misleading(const gen_op *op)
{
    return op->misleading || gen_summary_contradicts(op);
}

/* The summary's first clause (up to a comma, a bracket, a colon) if it reads as a title: a
 * verb and a noun phrase of a few words ("Get Org NAC Tag", "Clear all learned MAC
 * addresses"), else NULL. Caller frees. */
static char *summary_title(const gen_op *op)
{
    size_t n = strcspn(op->summary, "(),;:");
    while (n && strchr(". ", op->summary[n - 1]))
        n--;
    size_t words = n > 0;
    for (size_t i = 0; i < n; i++)
        words += op->summary[i] == ' ';
    if (words < 2 || words > 8 || !isalpha((unsigned char)op->summary[0]))
        return NULL;
    /* It starts with a verb: a known one, or the operationId's own ("Clear" for clearAll...). */
    char verb[32];
    first_word(op->summary, verb, sizeof verb);
    size_t vl = strlen(verb);
    int names_verb = 0;
    for (size_t l = vl; l + 1 >= vl && l > 0 && !names_verb; l--) /* "Converts": convertSite */
        names_verb = strncasecmp(op->name, verb, l) == 0 && !islower((unsigned char)op->name[l]) &&
                     (l == vl || verb[l] == 's');
    if (verb_does(verb) == DOES_OTHER && !names_verb)
        return NULL;
    /* ...and names what it acts on: not "Stop it" */
    const char *rest = op->summary + strcspn(op->summary, " ");
    while (*rest == ' ')
        rest++;
    size_t rl = n - (size_t)(rest - op->summary);
    static const char *const pronouns[] = {"it", "them", "this", "that", "these", "those"};
    for (size_t i = 0; i < sizeof pronouns / sizeof pronouns[0]; i++)
        if (rl == strlen(pronouns[i]) && strncasecmp(rest, pronouns[i], rl) == 0)
            return NULL;
    char *t = gen_xstrdup(op->summary);
    t[n] = '\0';
    return t;
}

/* The operation's verb ("Get", "Ack") and what it acts on ("Org NAC Tag"): from the summary
 * when it reads as a title, else from the operationId ("createInstallerVirtualChassis" ->
 * "Create", "Installer Virtual Chassis"). Caller frees *noun. */
static void verb_and_noun(const gen_op *op, char *verb, size_t verb_size, char **noun)
{
    char *title = misleading(op) ? NULL : summary_title(op);
    if (!title)
        title = gen_text_title(op->name);
    size_t v = strcspn(title, " ");
    snprintf(verb, verb_size, "%.*s", (int)(v < verb_size ? v : verb_size - 1), title);
    verb[0] = (char)toupper((unsigned char)verb[0]);
    const char *rest = title + v;
    while (*rest == ' ')
        rest++;
    *noun = gen_xstrdup(*rest ? rest : title);
    free(title);
}

/* The last literal segment of the path, its last {parameter}, and whether the path ends
 * with that parameter (an item) or not (a collection or a singleton of the parent). */
static void path_shape(const char *path, char *last, size_t size, char *param, size_t psize,
                       int *item)
{
    last[0] = param[0] = '\0';
    *item = 0;
    for (const char *p = path; *p; p++) {
        if (*p != '/' || !p[1])
            continue;
        size_t n = strcspn(p + 1, "/");
        *item = p[1] == '{';
        if (*item)
            snprintf(param, psize, "%.*s", (int)(n > 2 ? n - 2 : 0), p + 2);
        else
            snprintf(last, size, "%.*s", (int)n, p + 1);
    }
}

/* The schema of the operation's 200/201 answer, from the spec, or NULL. */
static const cJSON *answer_schema(const cJSON *spec, const gen_op *op)
{
    char method[8];
    size_t i = 0;
    for (; op->method[i] && i + 1 < sizeof method; i++)
        method[i] = (char)tolower((unsigned char)op->method[i]);
    method[i] = '\0';
    const cJSON *o = gen_obj(gen_obj(gen_obj(spec, "paths"), op->path), method);
    const cJSON *responses = gen_obj(o, "responses");
    const cJSON *r = gen_spec_deref(spec, gen_obj(responses, "200"));
    if (!r)
        r = gen_spec_deref(spec, gen_obj(responses, "201"));
    return gen_spec_deref(spec,
                          gen_obj(gen_obj(gen_obj(r, "content"), "application/json"), "schema"));
}

/* 1 if the answer is an object with an "id" property: directly, in an allOf member, or in
 * every oneOf/anyOf alternative. depth bounds recursive schemas. */
static int answer_has_id(const cJSON *spec, const cJSON *schema, int depth)
{
    if (!schema || depth > 8)
        return 0;
    if (gen_obj(gen_obj(schema, "properties"), "id"))
        return 1;
    const cJSON *m;
    cJSON_ArrayForEach(m, gen_obj(schema, "allOf"))
    {
        if (answer_has_id(spec, gen_spec_deref(spec, m), depth + 1))
            return 1;
    }
    static const char *const alternatives[] = {"oneOf", "anyOf"};
    for (int a = 0; a < 2; a++) {
        const cJSON *alts = gen_obj(schema, alternatives[a]);
        int all = alts && alts->child;
        cJSON_ArrayForEach(m, alts)
        {
            all &= answer_has_id(spec, gen_spec_deref(spec, m), depth + 1);
        }
        if (all)
            return 1;
    }
    return 0;
}

static int has_param(const gen_op *op, const char *name)
{
    for (size_t i = 0; i < op->param_count; i++)
        if (strcmp(op->params[i].name, name) == 0)
            return 1;
    return 0;
}

/* "Returns one X, given by x_id." and the like: what the operation returns or changes, from
 * its method, path and answer. Caller frees. */
static char *action_sentence(const cJSON *spec, const gen_op *op, int with_argument)
{
    char last[64], param[64], verb[32], *noun, *s;
    int item;
    path_shape(op->path, last, sizeof last, param, sizeof param, &item);
    verb_and_noun(op, verb, sizeof verb, &noun);
    /* which argument names the object: "given by wlan_id", "of the given site_id" */
    size_t pl = strlen(param);
    int id_like =
        pl >= 2 &&
        (strcmp(param + pl - 2, "id") == 0 ||
         (pl > 4 && (strcmp(param + pl - 4, "_mac") == 0 || strcmp(param + pl - 5, "_name") == 0)));
    char *by = !param[0] || !with_argument ? gen_xstrdup("")
               : item && id_like           ? gen_xasprintf(", given by %s", param)
               : item                      ? gen_xasprintf(" for the given %s", param)
                                           : gen_xasprintf(" of the given %s", param);
    const cJSON *answer_node = answer_schema(spec, op);
    const char *answer = gen_str(answer_node, "type");
    switch (op->method_id) {
    case MISTMCP_HTTP_GET:
        if (strcmp(last, "search") == 0)
            s = gen_xasprintf("Searches %s; returns the matches.", noun);
        else if (strcmp(last, "count") == 0)
            s = gen_xasprintf("Counts %s per value of a field.", noun);
        else if (answer && strcmp(answer, "array") == 0)
            s = gen_xasprintf("Returns a list of %s%s.", noun,
                              has_param(op, "page") ? ", paged" : "");
        else if (verb_does(verb) == DOES_OTHER) /* "Troubleshoot", "Optimize": their own verb */
            s = gen_xasprintf("%s %s%s.", verb, noun, by);
        else
            s = gen_xasprintf("Returns %s%s%s.", item && id_like ? "one " : "", noun, by);
        break;
    case MISTMCP_HTTP_DELETE: /* "Unlink", "Unassign", "Revoke": their own verb */
        s = verb_does(verb) == DOES_OTHER ? gen_xasprintf("%s %s%s.", verb, noun, by)
                                          : gen_xasprintf("Deletes %s%s.", noun, by);
        break;
    case MISTMCP_HTTP_PUT: /* "Assign", "Move or delete": their own verb */
        s = verb_does(verb) == DOES_OTHER ? gen_xasprintf("%s %s%s.", verb, noun, by)
                                          : gen_xasprintf("Updates %s%s.", noun, by);
        break;
    default:
        if (verb_does(verb) == DOES_CREATE)
            s = answer_has_id(spec, answer_node, 0)
                    ? gen_xasprintf("Creates %s%s; returns its id.", noun, by)
                    : gen_xasprintf("Creates %s%s.", noun, by);
        else /* an action: its own verb says which */
            s = gen_xasprintf("%s %s%s.", verb, noun, by);
    }
    free(by);
    free(noun);
    return s;
}

/* Bytes a write tool's first sentence may take beyond its level's budget: what it removes
 * or sets off ("Deleting MSP removes the MSP and OrgGroup under the MSP ...") is worth more
 * than schema detail. */
#define WRITE_FIRST_MAX 160

static size_t word_count(const char *s, size_t n)
{
    size_t words = 0;
    for (size_t i = 0; i < n; i++)
        words += !isspace((unsigned char)s[i]) && (i == 0 || isspace((unsigned char)s[i - 1]));
    return words;
}

/* End of the last whole sentence of text within max bytes (0: none), and of the first one. */
static size_t sentences_within(const char *text, size_t max, size_t *first_end)
{
    size_t fits = 0;
    *first_end = 0;
    for (size_t i = 0; text[i]; i++) {
        if (!gen_text_sentence_end(text, i))
            continue;
        if (!*first_end)
            *first_end = i + 1;
        if (i + 1 <= max)
            fits = i + 1;
    }
    size_t len = strlen(text);
    if (!*first_end) /* one sentence without a final stop */
        *first_end = len;
    return len <= max ? len : fits;
}

char *gen_tool_description(const cJSON *spec, const gen_op *op, size_t max)
{
    char *text = gen_text_short(op->description ? op->description : op->summary, 0);
    /* The spec's sentences, whole: a cut one would leave the model half a statement. */
    size_t first_end, fits = sentences_within(text, max, &first_end);
    char saved = text[first_end];
    text[first_end] = '\0';
    /* A first sentence worth leading with says more than the name, agrees with the method
     * and has some substance ("1." or "For Wired SLEs." has not). */
    int restates = gen_text_restates_name(text, op->name);
    int good = !restates && !misleading(op) && word_count(text, first_end) >= 4 &&
               mentions_action(op, text, first_end);
    text[first_end] = saved;
    size_t limit = max;
    if (good && first_end > max && op->method_id != MISTMCP_HTTP_GET &&
        first_end <= WRITE_FIRST_MAX)
        fits = sentences_within(text, limit = first_end, &first_end);
    char *out;
    if (good && fits >= first_end) {
        text[fits] = '\0';
        out = gen_xstrdup(text);
    } else {
        /* The first sentence only respells the name, says the wrong thing or does not fit:
         * say what the tool returns or changes, then whatever else of the spec's fits. */
        char *lead = action_sentence(spec, op, 1);
        if (strlen(lead) > max) { /* a long name: without the argument that names the object */
            free(lead);
            lead = action_sentence(spec, op, 0);
        }
        /* After the lead, the spec's text from its first sentence on when that one has content
         * (it only lacked the action), else from the second. */
        int keep_first = !restates && !misleading(op) && word_count(text, first_end) >= 4;
        const char *more = keep_first ? text : text + first_end;
        while (*more == ' ')
            more++;
        size_t room = max > strlen(lead) + 1 ? max - strlen(lead) - 1 : 0, take = 0;
        for (int pass = 0; pass < 2 && !take; pass++) {
            if (pass == 1) { /* the first does not fit: from the second on */
                if (more != text)
                    break;
                more = text + first_end;
                while (*more == ' ')
                    more++;
            }
            for (size_t i = 0; more[i] && i < room; i++)
                if (gen_text_sentence_end(more, i))
                    take = i + 1;
        }
        if (take && !misleading(op))
            out = gen_xasprintf("%s %.*s", lead, (int)take, more);
        else
            out = gen_xstrdup(lead);
        free(lead);
    }
    free(text);
    if (strlen(out) > limit) { /* a lead longer than the budget: cut at a word */
        size_t end = limit;
        while (end > 0 && out[end] != ' ')
            end--;
        out[end ? end : limit] = '\0';
    }
    return out;
}
