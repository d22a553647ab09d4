#include "json_strict.h"

#include <string.h>

static const char *ws(const char *s)
{
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
        s++;
    return s;
}

static int digit(char c)
{
    return c >= '0' && c <= '9';
}

static int hex(char c)
{
    return digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Length of the UTF-8 sequence at s (1-4), 0 if invalid. */
static int utf8(const unsigned char *s)
{
    if (s[0] < 0x80)
        return 1;
    int n = s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC2 ? 2 : 0;
    if (n == 0 || s[0] > 0xF4)
        return 0;
    for (int i = 1; i < n; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    if ((n == 3 && ((s[0] == 0xE0 && s[1] < 0xA0) || (s[0] == 0xED && s[1] >= 0xA0))) ||
        (n == 4 && ((s[0] == 0xF0 && s[1] < 0x90) || (s[0] == 0xF4 && s[1] >= 0x90))))
        return 0;
    return n;
}

static const char *string(const char *s)
{
    for (s++; *s != '"'; s++) {
        unsigned char c = (unsigned char)*s;
        if (c < 0x20)
            return NULL; /* a raw control character, or the end */
        if (c == '\\') {
            s++;
            if (*s == 'u') {
                for (int i = 1; i <= 4; i++)
                    if (!hex(s[i]))
                        return NULL;
                s += 4;
            } else if (!*s || !strchr("\"\\/bfnrt", *s)) {
                return NULL;
            }
        } else if (c >= 0x80) {
            int n = utf8((const unsigned char *)s);
            if (!n)
                return NULL;
            s += n - 1;
        }
    }
    return s + 1;
}

static const char *number(const char *s)
{
    if (*s == '-')
        s++;
    if (*s == '0')
        s++;
    else if (digit(*s))
        while (digit(*s))
            s++;
    else
        return NULL;
    if (*s == '.') {
        if (!digit(*++s))
            return NULL;
        while (digit(*s))
            s++;
    }
    if (*s == 'e' || *s == 'E') {
        s++;
        if (*s == '+' || *s == '-')
            s++;
        if (!digit(*s))
            return NULL;
        while (digit(*s))
            s++;
    }
    return s;
}

static const char *value(const char *s, int depth)
{
    s = ws(s);
    if (depth > 512)
        return NULL;
    if (*s == '{' || *s == '[') {
        char close = *s == '{' ? '}' : ']';
        s = ws(s + 1);
        if (*s == close)
            return s + 1;
        for (;;) {
            if (close == '}') {
                if (*s != '"' || !(s = string(s)))
                    return NULL;
                s = ws(s);
                if (*s++ != ':')
                    return NULL;
            }
            if (!(s = value(s, depth + 1)))
                return NULL;
            s = ws(s);
            if (*s == close)
                return s + 1;
            if (*s++ != ',')
                return NULL;
            s = ws(s);
        }
    }
    if (*s == '"')
        return string(s);
    if (*s == '-' || digit(*s))
        return number(s);
    static const char *const words[] = {"true", "false", "null"};
    for (int i = 0; i < 3; i++)
        if (strncmp(s, words[i], strlen(words[i])) == 0)
            return s + strlen(words[i]);
    return NULL;
}

const char *mm_json_strict_value(const char *s)
{
    return value(s, 0);
}

int mm_json_strict(const char *s)
{
    const char *end = value(s, 0);
    return end && *ws(end) == '\0';
}
