/* Text from inputs made safe to print. File names, script words and config
 * values reach the terminal and CI logs; GitHub's runner reads both streams
 * for workflow commands (`::cmd::` after leading blanks, `##[cmd]` anywhere
 * in a line) and terminals act on escape sequences. Escaped text keeps every
 * character it had, visibly: control characters, bytes that are not UTF-8
 * and invisible format characters become backslash escapes. */
#include <string.h>

#include "shardlint/util.h"

size_t sl_utf8_char(const char *s, size_t n, uint32_t *cp)
{
    const unsigned char *u = (const unsigned char *)s;
    if (n == 0)
        return 0;
    if (u[0] < 0x80) {
        *cp = u[0];
        return 1;
    }
    size_t len = u[0] >= 0xF0 ? 4 : u[0] >= 0xE0 ? 3 : u[0] >= 0xC0 ? 2 : 0;
    if (len == 0 || len > n || u[0] > 0xF4)
        return 0;
    uint32_t c = u[0] & (0x7F >> len);
    for (size_t i = 1; i < len; i++) {
        if ((u[i] & 0xC0) != 0x80)
            return 0;
        c = c << 6 | (u[i] & 0x3F);
    }
    static const uint32_t least[] = {0, 0, 0x80, 0x800, 0x10000};
    if (c < least[len] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    *cp = c;
    return len;
}

bool sl_utf8_valid(const char *s, size_t n)
{
    uint32_t cp;
    for (size_t i = 0, k; i < n; i += k)
        if ((k = sl_utf8_char(s + i, n - i, &cp)) == 0)
            return false;
    return true;
}

/* Code points that move or hide text: C1 controls (some terminals take
 * U+009B for CSI), bidirectional overrides, line separators, BOM. */
static bool invisible(uint32_t c)
{
    return (c >= 0x80 && c <= 0x9F) || c == 0x061C || c == 0x200E || c == 0x200F ||
           (c >= 0x2028 && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) || c == 0xFEFF;
}

/* What .NET's TrimStart drops before the runner looks for `::`. */
static bool blank(uint32_t c)
{
    return c == ' ' || c == 0x85 || c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) ||
           c == 0x202F || c == 0x205F || c == 0x3000;
}

typedef struct {
    char *buf;           /* NULL: only measuring */
    size_t n;
    bool changed;        /* something was escaped */
} out_text;

static void put(out_text *o, const char *s, size_t n)
{
    if (o->buf)
        memcpy(o->buf + o->n, s, n);
    o->n += n;
}

static void put_code(out_text *o, uint32_t c, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    char e[8] = {'\\'};
    o->changed = true;
    if (len == 1 && c == '\n')
        put(o, "\\n", 2);
    else if (len == 1 && c == '\r')
        put(o, "\\r", 2);
    else if (len == 1 && c == '\t')
        put(o, "\\t", 2);
    else if (len == 1) {
        e[1] = 'x';
        e[2] = hex[c >> 4 & 15];
        e[3] = hex[c & 15];
        put(o, e, 4);
    } else {
        e[1] = 'u';
        for (int i = 0; i < 4; i++)
            e[2 + i] = hex[c >> (12 - 4 * i) & 15];
        put(o, e, 6);
    }
}

static void escape_into(out_text *o, const char *s, unsigned flags)
{
    size_t n = strlen(s);
    for (size_t i = 0, k; i < n; i += k) {
        uint32_t c;
        k = sl_utf8_char(s + i, n - i, &c);
        bool first = i == 0 && (flags & SL_ESCAPE_LINE_START);
        if (k == 0) {
            k = 1;
            put_code(o, (unsigned char)s[i], 1);
        } else if (c < 0x20 || c == 0x7F || invisible(c) ||
                   (first && (blank(c) || strncmp(s, "::", 2) == 0)) ||
                   (c == '[' && i >= 2 && s[i - 1] == '#' && s[i - 2] == '#')) {
            put_code(o, c, c < 0x80 ? 1 : 2);
        } else {
            put(o, s + i, k);
        }
    }
}

const char *sl_escape(sl_arena *a, const char *s, unsigned flags)
{
    if (!s)
        return NULL;
    out_text o = {NULL, 0, false};
    escape_into(&o, s, flags);
    if (!o.changed)
        return s;
    o = (out_text){sl_alloc(a, o.n + 1), 0, false};
    escape_into(&o, s, flags);
    return o.buf;
}
