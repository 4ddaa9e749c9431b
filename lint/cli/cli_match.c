/* Matching words the user wrote: rule selectors, path globs, and the
 * closest known word for a typo. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli_opts.h"
#include "shardlint/rule.h"

cli_ruleset cli_ruleset_new(sl_arena *a)
{
    return sl_alloc(a, sl_rule_count + 1);
}

size_t cli_rule_index(const sl_rule_def *r)
{
    for (size_t i = 0; i < sl_rule_count; i++)
        if (sl_rule_registry[i] == r)
            return i;
    return sl_rule_count;
}

/* Adds the rules one selector names; false when it names none. Ids and
 * their prefixes ignore case, as ids do everywhere. */
static bool select_word(cli_ruleset set, const char *w, size_t len)
{
    bool all = len == 3 && strncmp(w, "ALL", 3) == 0;
    bool any = false;
    for (size_t i = 0; i < sl_rule_count; i++) {
        const sl_rule_def *r = sl_rule_registry[i];
        if (all || strncasecmp(r->id, w, len) == 0 ||
            (strlen(r->name) == len && strncmp(r->name, w, len) == 0)) {
            set[i] = true;
            any = true;
        }
    }
    return any;
}

const char *cli_rules_add(sl_arena *a, cli_ruleset set, const char *list)
{
    for (const char *p = list;;) {
        p += strspn(p, " \t");
        size_t len = strcspn(p, ",");
        size_t trimmed = len;
        while (trimmed && (p[trimmed - 1] == ' ' || p[trimmed - 1] == '\t'))
            trimmed--;
        if (!trimmed || !select_word(set, p, trimmed))
            return sl_strndup(a, p, trimmed);
        if (!p[len])
            return NULL;
        p += len + 1;
    }
}

/* ---- globs ------------------------------------------------------------------ */

static bool class_match(const char **pp, char c)
{
    const char *p = *pp + 1;
    bool negate = *p == '!' || *p == '^';
    p += negate;
    bool hit = false;
    for (bool first = true; *p && (first || *p != ']'); first = false, p++) {
        if (p[1] == '-' && p[2] && p[2] != ']') {
            hit |= c >= p[0] && c <= p[2];
            p += 2;
        } else {
            hit |= c == *p;
        }
    }
    if (*p != ']')
        return false;
    *pp = p + 1;
    return hit != negate;
}

/* Whether pattern p matches s up to its end or up to a '/' in it (a folder
 * holds what is under it). `start` is the pattern's first character, to tell
 * a ** component from a ** inside a name. */
static bool match_from(const char *start, const char *p, const char *s)
{
    for (;;) {
        if (!*p)
            return !*s || *s == '/';
        if (p[0] == '*' && p[1] == '*' && (p == start || p[-1] == '/') && (!p[2] || p[2] == '/')) {
            const char *rest = p[2] ? p + 3 : p + 2;
            for (const char *q = s;; q++) {
                if (!*rest || match_from(start, rest, q))
                    return true;
                q = strchr(q, '/');
                if (!q)
                    return false;
            }
        }
        if (*p == '*') {
            for (const char *q = s;; q++) {
                if (match_from(start, p + 1, q))
                    return true;
                if (!*q || *q == '/')
                    return false;
            }
        }
        if (!*s)
            return false;
        if (*p == '/' || *s == '/') {
            if (*p != *s)
                return false;
        } else if (*p == '[') {
            if (!class_match(&p, *s))
                return false;
            s++;
            continue;
        } else if (*p != '?' && *p != *s) {
            return false;
        }
        p++;
        s++;
    }
}

bool cli_glob_match(const char *pattern, const char *path)
{
    while (strncmp(pattern, "./", 2) == 0)
        pattern += 2;
    while (*pattern == '/')
        pattern++;
    if (strchr(pattern, '/'))
        return match_from(pattern, pattern, path);
    for (const char *s = path; s; s = strchr(s, '/'), s = s ? s + 1 : NULL)
        if (match_from(pattern, pattern, s))
            return true;
    return false;
}

/* ---- typos ------------------------------------------------------------------ */

static size_t distance(const char *x, const char *y)
{
    size_t n = strlen(x), m = strlen(y);
    if (n > 64 || m > 64)
        return (size_t)-1;
    size_t row[65];
    for (size_t j = 0; j <= m; j++)
        row[j] = j;
    for (size_t i = 1; i <= n; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= m; j++) {
            size_t up = row[j];
            size_t best = diag + (x[i - 1] != y[j - 1]);
            best = up + 1 < best ? up + 1 : best;
            best = row[j - 1] + 1 < best ? row[j - 1] + 1 : best;
            row[j] = best;
            diag = up;
        }
    }
    return row[m];
}

const char *cli_closest(const char *word, const char *const *words, size_t n)
{
    const char *best = NULL;
    size_t best_d = (size_t)-1;
    for (size_t i = 0; i < n; i++) {
        size_t d = distance(word, words[i]);
        if (d < best_d) {
            best_d = d;
            best = words[i];
        }
    }
    /* A third of the word may be wrong: "devics" is devices, "frobnicate" is
     * nothing. */
    return best && best_d * 3 <= strlen(word) ? best : NULL;
}
