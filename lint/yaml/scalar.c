/* Plain scalar typing as PyYAML's SafeLoader does it (YAML 1.1), with the
 * float pattern widened the way OmegaConf's loader widens it (`1e-5` is a
 * float there) and timestamps left as strings (OmegaConf drops them). */
#include "shardlint/yaml.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static bool is_one_of(const char *s, const char *const *words)
{
    for (; *words; words++)
        if (strcmp(s, *words) == 0)
            return true;
    return false;
}

static const char *const null_words[] = {"", "~", "null", "Null", "NULL", NULL};
static const char *const true_words[] = {"yes", "Yes", "YES", "true", "True", "TRUE",
                                         "on", "On", "ON", NULL};
static const char *const false_words[] = {"no", "No", "NO", "false", "False", "FALSE",
                                          "off", "Off", "OFF", NULL};

/* Length of a run of characters accepted by `ok`, underscores included. */
static size_t run(const char *p, int (*ok)(int))
{
    size_t n = 0;
    while (p[n] == '_' || ok((unsigned char)p[n]))
        n++;
    return n;
}

static int is_bin(int c) { return c == '0' || c == '1'; }
static int is_oct(int c) { return c >= '0' && c <= '7'; }

/* `(:[0-5]?[0-9])+` at p; returns the length matched, 0 when absent. */
static size_t sexagesimal_tail(const char *p)
{
    size_t n = 0;
    while (p[n] == ':') {
        size_t d = 1;
        if (isdigit((unsigned char)p[n + d]) && p[n + d] <= '5' &&
            isdigit((unsigned char)p[n + d + 1]))
            d++;
        if (!isdigit((unsigned char)p[n + d]))
            return n;
        n += d + 1;
    }
    return n;
}

static char *without_underscores(const char *s, char *buf, size_t size)
{
    size_t n = 0;
    for (; *s && n + 1 < size; s++)
        if (*s != '_')
            buf[n++] = *s;
    buf[n] = '\0';
    return buf;
}

/* Base-60 value of "a:b:c" (digits and colons only). */
static double sexagesimal_value(const char *s)
{
    double v = 0;
    char *end;
    for (;;) {
        double part = strtod(s, &end);
        if (*end != ':')
            return v * 60 + part;
        v = v * 60 + part;
        s = end + 1;
    }
}

/* An integer's value; *fits false when it is outside the 64-bit range
 * (PyYAML reads any size; such a value is an error here, see yaml.h). */
static bool set_int(sl_node *n, const char *digits, int base, bool neg, bool *fits)
{
    char buf[128];
    without_underscores(digits, buf, sizeof buf);
    if (!buf[0])
        return false;
    errno = 0;
    unsigned long long u = strtoull(buf, NULL, base);
    unsigned long long limit = neg ? (unsigned long long)LLONG_MAX + 1 : LLONG_MAX;
    n->type = SL_SCALAR_INT;
    n->f = neg ? -(double)u : (double)u;
    *fits = errno == 0 && u <= limit;
    n->i = !*fits ? 0 : !neg ? (long long)u : u == limit ? LLONG_MIN : -(long long)u;
    return true;
}

static bool resolve_int(sl_node *n, const char *s, bool *fits)
{
    bool neg = *s == '-';
    const char *p = s + (*s == '-' || *s == '+');
    size_t len = strlen(p);
    if (p[0] == '0' && p[1] == 'b' && len > 2 && run(p + 2, is_bin) == len - 2)
        return set_int(n, p + 2, 2, neg, fits);
    if (p[0] == '0' && p[1] == 'x' && len > 2 && run(p + 2, isxdigit) == len - 2)
        return set_int(n, p + 2, 16, neg, fits);
    if (p[0] == '0' && len > 1 && run(p + 1, is_oct) == len - 1)
        return set_int(n, p + 1, 8, neg, fits);
    if (strcmp(p, "0") == 0)
        return set_int(n, p, 10, neg, fits);
    if (p[0] < '1' || p[0] > '9')
        return false;
    size_t d = run(p, isdigit);
    if (d == len)
        return set_int(n, p, 10, neg, fits);
    if (d + sexagesimal_tail(p + d) != len)
        return false;
    char buf[128];
    double v = sexagesimal_value(without_underscores(p, buf, sizeof buf));
    n->type = SL_SCALAR_INT;
    n->f = neg ? -v : v;
    /* 2^63 is exact as a double; the cast of anything at or above it is
     * undefined. */
    *fits = v < 9223372036854775808.0 && len < sizeof buf;
    n->i = *fits ? (long long)n->f : 0;
    return true;
}

/* `[eE][-+]?[0-9]+` (sign optional unless `need_sign`); length or 0. */
static size_t exponent(const char *p, bool need_sign)
{
    if (*p != 'e' && *p != 'E')
        return 0;
    size_t n = 1;
    if (p[n] == '+' || p[n] == '-')
        n++;
    else if (need_sign)
        return 0;
    size_t d = 0;
    while (isdigit((unsigned char)p[n + d]))
        d++;
    return d ? n + d : 0;
}

static bool float_shape(const char *s)
{
    const char *p = s + (*s == '-' || *s == '+');
    size_t len = strlen(p);
    if (*p == '.') {
        if (p != s || !isdigit((unsigned char)p[1]))
            return false;
        size_t d = 1 + run(p + 1, isdigit);
        return d == len || d + exponent(p + d, true) == len;
    }
    if (!isdigit((unsigned char)*p))
        return false;
    size_t d = run(p, isdigit);
    if (p[d] == '.') {
        size_t f = d + 1 + run(p + d + 1, isdigit);
        return f == len || f + exponent(p + f, false) == len;
    }
    size_t e = exponent(p + d, false);
    if (e)
        return d + e == len;
    size_t t = sexagesimal_tail(p + d);
    return t && p[d + t] == '.' && d + t + 1 + run(p + d + t + 1, isdigit) == len;
}

static bool resolve_float(sl_node *n, const char *s)
{
    const char *p = s + (*s == '-' || *s == '+');
    char buf[128];
    double v;
    if (strcmp(p, ".inf") == 0 || strcmp(p, ".Inf") == 0 || strcmp(p, ".INF") == 0)
        v = INFINITY;
    else if (!float_shape(s))
        return false;
    else if (strchr(p, ':'))
        v = sexagesimal_value(without_underscores(p, buf, sizeof buf));
    else
        v = strtod(without_underscores(p, buf, sizeof buf), NULL);
    n->type = SL_SCALAR_FLOAT;
    n->f = *s == '-' ? -v : v;
    return true;
}

static bool is_nan_word(const char *s)
{
    return strcmp(s, ".nan") == 0 || strcmp(s, ".NaN") == 0 || strcmp(s, ".NAN") == 0;
}

bool sl_scalar_resolve(sl_node *n)
{
    const char *s = n->str ? n->str : "";
    bool fits = true;
    n->type = SL_SCALAR_STR;
    if (is_one_of(s, null_words)) {
        n->type = SL_SCALAR_NULL;
    } else if (is_one_of(s, true_words) || is_one_of(s, false_words)) {
        n->type = SL_SCALAR_BOOL;
        n->b = is_one_of(s, true_words);
    } else if (is_nan_word(s)) {
        n->type = SL_SCALAR_FLOAT;
        n->f = NAN;
    } else if (!resolve_int(n, s, &fits) && strlen(s) < 100) {
        resolve_float(n, s);
    }
    return fits;
}
