/* The machine format: every field of every finding, then each distinct
 * problem of the inputs, keys in a fixed order so that output diffs cleanly
 * between runs. */
#include "emit_internal.h"

static cJSON *edit_json(const sl_edit *e)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "location", sl_json_loc(e->loc));
    cJSON_AddItemToObject(o, "end", sl_json_loc(e->end));
    cJSON_AddItemToObject(o, "text", sl_json_str_or_null(e->text));
    return o;
}

static cJSON *fix_json(const sl_fix *x)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "description", sl_json_str_or_null(x->description));
    cJSON_AddItemToObject(o, "override", sl_json_str_or_null(x->override));
    cJSON_AddBoolToObject(o, "verified", x->verified);
    cJSON_AddBoolToObject(o, "removes", x->removes);
    cJSON_AddItemToObject(o, "verification", sl_json_str_or_null(x->verify_note));
    cJSON_AddBoolToObject(o, "preferred", x->preferred);
    cJSON *edits = cJSON_AddArrayToObject(o, "edits");
    for (size_t i = 0; i < x->nedits; i++)
        cJSON_AddItemToArray(edits, edit_json(&x->edits[i]));
    return o;
}

static cJSON *finding_json(sl_fingerprints *fp, const sl_finding *f)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddItemToObject(j, "rule", sl_json_str_or_null(f->rule ? f->rule->id : NULL));
    cJSON_AddItemToObject(j, "name", sl_json_str_or_null(f->rule ? f->rule->name : NULL));
    cJSON_AddStringToObject(j, "level", sl_level_name(f->level));
    cJSON_AddItemToObject(j, "message", sl_json_str_or_null(f->message));
    cJSON_AddItemToObject(j, "location", sl_json_loc(f->loc));
    cJSON *notes = cJSON_AddArrayToObject(j, "notes");
    for (size_t i = 0; i < f->nnotes; i++)
        cJSON_AddItemToArray(notes, sl_json_str_or_null(f->notes[i]));
    cJSON *related = cJSON_AddArrayToObject(j, "related");
    for (size_t i = 0; i < f->nrelated; i++) {
        cJSON *r = cJSON_CreateObject();
        cJSON_AddItemToObject(r, "location", sl_json_loc(f->related[i].loc));
        cJSON_AddItemToObject(r, "message", sl_json_str_or_null(f->related[i].message));
        cJSON_AddItemToArray(related, r);
    }
    cJSON *fixes = cJSON_AddArrayToObject(j, "fixes");
    for (size_t i = 0; i < f->nfixes; i++)
        cJSON_AddItemToArray(fixes, fix_json(&f->fixes[i]));
    cJSON_AddItemToObject(j, "scenario", sl_json_str_or_null(f->scenario));
    cJSON_AddStringToObject(j, "fingerprint", sl_fingerprint_finding(fp, f));
    return j;
}

static cJSON *problem_json(const sl_problem *p)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "level", sl_level_name(p->level));
    cJSON_AddItemToObject(j, "message", sl_json_str_or_null(p->message));
    cJSON_AddItemToObject(j, "location", sl_json_loc(p->loc));
    return j;
}

/* {"scripts", "found", "not_read": [{"location", "reason"}]} */
static cJSON *launches_json(const sl_launch_summary *l)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "scripts", (double)l->nscripts);
    cJSON_AddNumberToObject(o, "found", (double)l->nlaunches);
    cJSON *unread = cJSON_AddArrayToObject(o, "not_read");
    for (size_t i = 0; i < l->unread.n; i++) {
        const sl_problem *p = l->unread.items[i];
        cJSON *u = cJSON_CreateObject();
        cJSON_AddItemToObject(u, "location", sl_json_loc(p->loc));
        cJSON_AddItemToObject(u, "reason", sl_json_str_or_null(p->message));
        cJSON_AddItemToArray(unread, u);
    }
    return o;
}

void sl_emit_json(FILE *out, const sl_report *r, const sl_emit_opts *o)
{
    sl_arena *a = sl_arena_new();
    sl_fingerprints fp = {.a = a, .root = o ? o->root : NULL};
    const sl_findings *f = &r->findings;
    cJSON *root = cJSON_CreateObject();
    cJSON_AddNumberToObject(root, "version", 1);
    cJSON *items = cJSON_AddArrayToObject(root, "findings");
    for (size_t i = 0; i < f->n; i++)
        cJSON_AddItemToArray(items, finding_json(&fp, f->items[i]));
    const sl_problem **problems;
    size_t np = sl_emit_problems(a, r, &problems);
    cJSON *perr = cJSON_AddArrayToObject(root, "problems");
    for (size_t i = 0; i < np; i++)
        cJSON_AddItemToArray(perr, problem_json(problems[i]));
    size_t c[4];
    sl_emit_count(f, c);
    cJSON *sum = cJSON_AddObjectToObject(root, "summary");
    cJSON_AddNumberToObject(sum, "error", (double)c[SL_LEVEL_ERROR]);
    cJSON_AddNumberToObject(sum, "warning", (double)c[SL_LEVEL_WARNING]);
    cJSON_AddNumberToObject(sum, "note", (double)c[SL_LEVEL_NOTE]);
    if (r->launches.nscripts)
        cJSON_AddItemToObject(sum, "launches", launches_json(&r->launches));
    sl_json_write(out, root);
    sl_arena_free(a);
}
