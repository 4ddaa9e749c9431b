/* What several output formats share: counts, JSON pieces, file names from
 * the repository root, fingerprints, distinct problems. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "emit_internal.h"

void sl_emit_count(const sl_findings *f, size_t counts[4])
{
    memset(counts, 0, 4 * sizeof *counts);
    for (size_t i = 0; i < f->n; i++)
        if (f->items[i]->level <= SL_LEVEL_ERROR)
            counts[f->items[i]->level]++;
}

cJSON *sl_json_str_or_null(const char *s)
{
    return s ? cJSON_CreateString(s) : cJSON_CreateNull();
}

cJSON *sl_json_loc(sl_loc l)
{
    if (!l.file && l.word <= 0)
        return cJSON_CreateNull();
    cJSON *o = cJSON_CreateObject();
    if (l.file) {
        cJSON_AddStringToObject(o, "file", l.file);
        cJSON_AddNumberToObject(o, "line", l.line);
        cJSON_AddNumberToObject(o, "column", l.col);
    } else {
        cJSON_AddNumberToObject(o, "command_line_word", l.word);
    }
    return o;
}

/* s with every byte outside a well-formed sequence replaced by U+FFFD, or
 * NULL when s is valid already. */
static char *utf8_repair(const char *s)
{
    uint32_t cp;
    size_t n = strlen(s), bad = 0;
    for (size_t i = 0, k; i < n; i += k ? k : 1)
        bad += (k = sl_utf8_char(s + i, n - i, &cp)) == 0;
    if (!bad)
        return NULL;
    /* Each bad byte grows to the three of U+FFFD. */
    char *out = malloc(n + 2 * bad + 1), *o = out;
    if (!out)
        abort();
    for (size_t i = 0, k; i < n; i += k ? k : 1) {
        k = sl_utf8_char(s + i, n - i, &cp);
        memcpy(o, k ? s + i : "\xef\xbf\xbd", k ? k : 3);
        o += k ? k : 3;
    }
    *o = '\0';
    return out;
}

static void json_repair(cJSON *j)
{
    for (; j; j = j->next) {
        char *fixed = cJSON_IsString(j) ? utf8_repair(j->valuestring) : NULL;
        if (fixed && !cJSON_SetValuestring(j, fixed))
            abort();
        free(fixed);
        json_repair(j->child);
    }
}

void sl_json_write(FILE *out, cJSON *doc)
{
    json_repair(doc);
    char *text = cJSON_Print(doc);
    if (text)
        fprintf(out, "%s\n", text);
    cJSON_free(text);
    cJSON_Delete(doc);
}

const char *sl_emit_path(sl_arena *a, const char *file, const char *root)
{
    const char *rel = sl_path_relative(a, file, root);
    if (rel[0] != '/')
        return rel;
    const char *real = sl_path_real(a, file), *real_root = sl_path_real(a, root ? root : ".");
    const char *via = real && real_root ? sl_path_relative(a, real, real_root) : rel;
    return via[0] != '/' ? via : rel;
}

/* Each field with its NUL, so that ("ab","c") and ("a","bc") differ. */
static uint64_t field(uint64_t h, const char *s)
{
    return sl_hash_bytes(h, s ? s : "", strlen(s ? s : "") + 1);
}

static const char *occurrence(sl_fingerprints *fp, uint64_t h)
{
    char hex[17];
    static const char digits[] = "0123456789abcdef";
    for (int i = 15; i >= 0; i--, h >>= 4)
        hex[i] = digits[h & 0xf];
    hex[16] = '\0';
    size_t n = 0;
    sl_strmap_get(&fp->seen, hex, &n);
    sl_strmap_put(fp->a, &fp->seen, sl_strdup(fp->a, hex), ++n);
    return sl_sprintf(fp->a, "%s:%zu", hex, n);
}

static bool path_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c && strchr("/._-~", c));
}

const char *sl_emit_find_loc(const char *s, const char *start, const char *loc)
{
    size_t n = strlen(loc);
    for (const char *at = strstr(start, loc); at; at = strstr(at + 1, loc))
        if ((at == s || !path_char(at[-1])) && !(at[n] >= '0' && at[n] <= '9'))
            return at;
    return NULL;
}

static const char *replace_loc(sl_arena *a, const char *key, const char *loc, const char *by)
{
    const char *out = "", *from = key;
    for (const char *at; (at = sl_emit_find_loc(key, from, loc)); from = at + strlen(loc))
        out = sl_sprintf(a, "%s%.*s%s", out, (int)(at - from), from, by);
    return sl_sprintf(a, "%s%s", out, from);
}

/* A key names a scanned site as "file:line def: var" (sl_py_site_str), and
 * that site is among the finding's locations: the key keeps its file, from
 * the root, and drops the line. */
static const char *stable_key(sl_fingerprints *fp, const sl_finding *f)
{
    const char *key = f->key ? f->key : f->message;
    for (size_t i = 0; i <= f->nrelated && key; i++) {
        sl_loc l = i == 0 ? f->loc : f->related[i - 1].loc;
        if (l.file && l.line > 0)
            key = replace_loc(fp->a, key, sl_sprintf(fp->a, "%s:%d", l.file, l.line),
                              sl_emit_path(fp->a, l.file, fp->root));
    }
    return key;
}

const char *sl_fingerprint_finding(sl_fingerprints *fp, const sl_finding *f)
{
    uint64_t h = field(SL_HASH_INIT, f->rule ? f->rule->id : NULL);
    h = field(h, stable_key(fp, f));
    for (size_t i = 0; i <= f->nrelated; i++) {
        sl_loc l = i == 0 ? f->loc : f->related[i - 1].loc;
        h = field(h, l.file ? sl_emit_path(fp->a, l.file, fp->root) : NULL);
    }
    return occurrence(fp, h);
}

const char *sl_fingerprint_problem(sl_fingerprints *fp, const sl_problem *p)
{
    uint64_t h = field(SL_HASH_INIT, sl_rule_sl900.id);
    h = field(h, p->message);
    h = field(h, p->loc.file ? sl_emit_path(fp->a, p->loc.file, fp->root) : NULL);
    return occurrence(fp, h);
}

size_t sl_emit_problems(sl_arena *a, const sl_report *r, const sl_problem ***out)
{
    const sl_problem **list = sl_alloc(a, (r->problems.n + 1) * sizeof *list);
    sl_strmap seen = {0};
    size_t n = 0, at;
    char where[1024];
    for (size_t i = 0; i < r->problems.n; i++) {
        const sl_problem *p = r->problems.items[i];
        const char *id = sl_sprintf(a, "%d\n%s\n%s", (int)p->level,
                                    sl_loc_str(p->loc, where, sizeof where), p->message);
        if (sl_strmap_get(&seen, id, &at))
            continue;
        sl_strmap_put(a, &seen, id, n);
        list[n++] = p;
    }
    *out = list;
    return n;
}
