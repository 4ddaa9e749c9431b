/* What several output formats share: the rule list, fingerprints, paths,
 * counts. */
#include "shardlint/emit.h"

#include <stdint.h>
#include <string.h>

#include "emit_internal.h"

static bool has_rule(const sl_rule_def **list, size_t n, const sl_rule_def *r)
{
    for (size_t i = 0; i < n; i++)
        if (list[i] == r || (list[i]->id && r->id && strcmp(list[i]->id, r->id) == 0))
            return true;
    return false;
}

size_t sl_emit_rule_list(sl_arena *a, const sl_findings *f, const sl_emit_opts *o,
                         const sl_rule_def ***out)
{
    const sl_rule_def *const *base = o && o->rules ? o->rules : sl_rule_registry;
    size_t nbase = o && o->rules ? o->nrules : sl_rule_count;
    const sl_rule_def **list = sl_alloc(a, (nbase + f->n + 1) * sizeof *list);
    size_t n = 0;
    for (size_t i = 0; i < nbase; i++)
        if (base[i] && !has_rule(list, n, base[i]))
            list[n++] = base[i];
    for (size_t i = 0; i < f->n; i++)
        if (f->items[i]->rule && !has_rule(list, n, f->items[i]->rule))
            list[n++] = f->items[i]->rule;
    *out = list;
    return n;
}

static uint64_t fnv1a(uint64_t h, const char *s)
{
    for (; s && *s; s++) {
        h ^= (unsigned char)*s;
        h *= 0x100000001b3ULL;
    }
    /* A separator byte keeps ("ab","c") apart from ("a","bc"). */
    h ^= 0xff;
    return h * 0x100000001b3ULL;
}

const char *sl_emit_fingerprint(const sl_finding *f, const char *path, char *buf)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    h = fnv1a(h, f->rule ? f->rule->id : "");
    h = fnv1a(h, f->key ? f->key : f->message);
    h = fnv1a(h, path ? path : "");
    static const char hex[] = "0123456789abcdef";
    for (int i = 15; i >= 0; i--, h >>= 4)
        buf[i] = hex[h & 0xf];
    buf[16] = '\0';
    return buf;
}

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
