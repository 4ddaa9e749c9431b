/* Findings: construction, order, levels. */
#include "shardlint/finding.h"

#include <stdlib.h>
#include <string.h>

#include "engine_internal.h"
#include "shardlint/rule.h"

void sl_findings_push(sl_arena *a, sl_findings *f, sl_finding *x)
{
    sl_vec v = {(void **)f->items, f->n, f->cap};
    sl_vec_push(a, &v, x);
    f->items = (sl_finding **)v.items;
    f->n = v.n;
    f->cap = v.cap;
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

void sl_finding_note(sl_arena *a, sl_finding *f, const char *note)
{
    f->notes = sl_array_append(a, (void *)f->notes, f->nnotes, sizeof *f->notes);
    f->notes[f->nnotes++] = sl_strdup(a, note);
}

void sl_finding_related(sl_arena *a, sl_finding *f, sl_loc loc, const char *message)
{
    f->related = sl_array_append(a, f->related, f->nrelated, sizeof *f->related);
    f->related[f->nrelated].loc = loc;
    f->related[f->nrelated++].message = sl_strdup(a, message);
}

sl_fix *sl_finding_fix(sl_arena *a, sl_finding *f, const char *description)
{
    f->fixes = sl_array_append(a, f->fixes, f->nfixes, sizeof *f->fixes);
    sl_fix *fix = &f->fixes[f->nfixes++];
    fix->description = sl_strdup(a, description);
    return fix;
}

void sl_fix_edit(sl_arena *a, sl_fix *fix, sl_loc loc, sl_loc end, const char *text)
{
    fix->edits = sl_array_append(a, fix->edits, fix->nedits, sizeof *fix->edits);
    sl_edit *e = &fix->edits[fix->nedits++];
    e->loc = loc;
    e->end = end;
    e->text = sl_strdup(a, text);
}

void sl_fix_verify_with(sl_arena *a, sl_fix *fix, const sl_fix_change *change)
{
    fix->verify = true;
    fix->change.extra = sl_array_concat(a, change->extra, change->nextra, NULL, 0,
                                        sizeof *change->extra);
    fix->change.nextra = change->nextra;
    fix->change.patches = sl_array_concat(a, change->patches, change->npatches, NULL, 0,
                                          sizeof *change->patches);
    fix->change.npatches = change->npatches;
    fix->change.renames = sl_array_concat(a, change->renames, change->nrenames, NULL, 0,
                                          sizeof *change->renames);
    fix->change.nrenames = change->nrenames;
    fix->change.axis_renames = sl_array_concat(a, change->axis_renames, change->naxis_renames,
                                               NULL, 0, sizeof *change->axis_renames);
    fix->change.naxis_renames = change->naxis_renames;
    fix->change.drop = sl_array_concat(a, change->drop, change->ndrop, NULL, 0,
                                       sizeof *change->drop);
    fix->change.ndrop = change->ndrop;
}

static sl_loc loc_copy(sl_arena *a, sl_loc l)
{
    l.file = sl_strdup(a, l.file);
    return l;
}

static sl_fix fix_copy(sl_arena *a, const sl_fix *x)
{
    sl_fix c = *x;
    c.description = sl_strdup(a, x->description);
    c.override = sl_strdup(a, x->override);
    c.verify_note = sl_strdup(a, x->verify_note);
    c.edits = sl_alloc(a, (x->nedits + 1) * sizeof *c.edits);
    for (size_t i = 0; i < x->nedits; i++) {
        c.edits[i].loc = loc_copy(a, x->edits[i].loc);
        c.edits[i].end = loc_copy(a, x->edits[i].end);
        c.edits[i].text = sl_strdup(a, x->edits[i].text);
    }
    c.verify = false;
    c.change = (sl_fix_change){0};
    return c;
}

sl_finding *sl_finding_copy(sl_arena *a, const sl_finding *f)
{
    sl_finding *c = sl_alloc(a, sizeof *c);
    *c = *f;
    c->loc = loc_copy(a, f->loc);
    c->message = sl_strdup(a, f->message);
    c->key = sl_strdup(a, f->key);
    c->loc_label = sl_strdup(a, f->loc_label);
    c->scenario = sl_strdup(a, f->scenario);
    c->notes = sl_alloc(a, (f->nnotes + 1) * sizeof *c->notes);
    for (size_t i = 0; i < f->nnotes; i++)
        c->notes[i] = sl_strdup(a, f->notes[i]);
    c->related = sl_alloc(a, (f->nrelated + 1) * sizeof *c->related);
    for (size_t i = 0; i < f->nrelated; i++) {
        c->related[i].loc = loc_copy(a, f->related[i].loc);
        c->related[i].message = sl_strdup(a, f->related[i].message);
    }
    c->fixes = sl_alloc(a, (f->nfixes + 1) * sizeof *c->fixes);
    for (size_t i = 0; i < f->nfixes; i++)
        c->fixes[i] = fix_copy(a, &f->fixes[i]);
    return c;
}

void sl_findings_index(sl_arena *a, const sl_findings *f, sl_strmap *keys)
{
    for (size_t i = 0; i < f->n; i++)
        if (f->items[i]->key)
            sl_strmap_put(a, keys, f->items[i]->key, i);
}

const sl_finding *sl_findings_find_key(const sl_findings *f, const char *key)
{
    for (size_t i = 0; i < f->n; i++)
        if (f->items[i]->key && strcmp(f->items[i]->key, key) == 0)
            return f->items[i];
    return NULL;
}

static int finding_cmp(const void *pa, const void *pb)
{
    const sl_finding *x = *(sl_finding *const *)pa, *y = *(sl_finding *const *)pb;
    int c = sl_loc_cmp(x->loc, y->loc);
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

/* A directory lints base.yml with many models, and they share the findings
 * base.yml causes: each is kept once, by rule, key and location. */
const char *finding_identity(sl_arena *a, const sl_finding *f)
{
    char where[1024];
    return sl_sprintf(a, "%s\n%s\n%s", f->rule ? f->rule->id : "", f->key ? f->key : "",
                      sl_loc_str(f->loc, where, sizeof where));
}
