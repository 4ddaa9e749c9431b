/* Findings: construction, order, levels. */
#include "shardlint/finding.h"

#include <stdlib.h>
#include <string.h>

#include "shardlint/rule.h"

void sl_findings_push(sl_arena *a, sl_findings *f, sl_finding *x)
{
    if (f->n == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 16;
        sl_finding **items = sl_alloc(a, cap * sizeof *items);
        if (f->n)
            memcpy(items, f->items, f->n * sizeof *items);
        f->items = items;
        f->cap = cap;
    }
    f->items[f->n++] = x;
}

sl_finding *sl_findings_add(sl_arena *a, sl_findings *f, const sl_rule_def *rule,
                            sl_level level, sl_loc loc, const char *message)
{
    sl_finding *x = sl_alloc(a, sizeof *x);
    x->rule = rule;
    x->level = level;
    x->loc = loc;
    x->message = sl_strdup(a, message);
    sl_findings_push(a, f, x);
    return x;
}

/* Appends one element to an arena array of `size`-byte elements. */
static void *grow(sl_arena *a, void *items, size_t n, size_t size)
{
    void *p = sl_alloc(a, (n + 1) * size);
    if (n)
        memcpy(p, items, n * size);
    return p;
}

void sl_finding_note(sl_arena *a, sl_finding *f, const char *note)
{
    f->notes = grow(a, (void *)f->notes, f->nnotes, sizeof *f->notes);
    f->notes[f->nnotes++] = sl_strdup(a, note);
}

void sl_finding_related(sl_arena *a, sl_finding *f, sl_loc loc, const char *message)
{
    f->related = grow(a, f->related, f->nrelated, sizeof *f->related);
    f->related[f->nrelated].loc = loc;
    f->related[f->nrelated++].message = sl_strdup(a, message);
}

sl_fix *sl_finding_fix(sl_arena *a, sl_finding *f, const char *description)
{
    f->fixes = grow(a, f->fixes, f->nfixes, sizeof *f->fixes);
    sl_fix *fix = &f->fixes[f->nfixes++];
    fix->description = sl_strdup(a, description);
    return fix;
}

void sl_fix_edit(sl_arena *a, sl_fix *fix, sl_loc loc, sl_loc end, const char *text)
{
    fix->edits = grow(a, fix->edits, fix->nedits, sizeof *fix->edits);
    sl_edit *e = &fix->edits[fix->nedits++];
    e->loc = loc;
    e->end = end;
    e->text = sl_strdup(a, text);
}

const sl_finding *sl_findings_find_key(const sl_findings *f, const char *key)
{
    for (size_t i = 0; i < f->n; i++)
        if (f->items[i]->key && strcmp(f->items[i]->key, key) == 0)
            return f->items[i];
    return NULL;
}

static int loc_cmp(sl_loc x, sl_loc y)
{
    int c = strcmp(x.file ? x.file : "", y.file ? y.file : "");
    if (c)
        return c;
    if (x.line != y.line)
        return x.line < y.line ? -1 : 1;
    if (x.col != y.col)
        return x.col < y.col ? -1 : 1;
    return x.word - y.word;
}

static int finding_cmp(const void *pa, const void *pb)
{
    const sl_finding *x = *(sl_finding *const *)pa, *y = *(sl_finding *const *)pb;
    int c = loc_cmp(x->loc, y->loc);
    if (c)
        return c;
    c = strcmp(x->rule ? x->rule->id : "", y->rule ? y->rule->id : "");
    if (c)
        return c;
    return strcmp(x->key ? x->key : "", y->key ? y->key : "");
}

void sl_findings_sort(sl_findings *f)
{
    if (f->n > 1)
        qsort(f->items, f->n, sizeof *f->items, finding_cmp);
}

static const char *const level_names[] = {"none", "note", "warning", "error"};

const char *sl_level_name(sl_level l)
{
    return level_names[l];
}

int sl_level_parse(const char *s, sl_level *out)
{
    for (int i = 0; i < 4; i++) {
        if (strcmp(s, level_names[i]) == 0) {
            *out = (sl_level)i;
            return 0;
        }
    }
    return -1;
}
