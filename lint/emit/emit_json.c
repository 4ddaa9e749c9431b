/* The machine format: every field of every finding, keys in a fixed order so
 * that output diffs cleanly between runs. */
#include "shardlint/emit.h"

#include "emit_internal.h"

#include <stdlib.h>

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

static cJSON *finding_json(sl_arena *a, const sl_finding *f, const sl_emit_opts *o)
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
    char fp[17];
    const char *path = f->loc.file ? sl_path_relative(a, f->loc.file, o ? o->base_dir : NULL) : NULL;
    cJSON_AddStringToObject(j, "fingerprint", sl_emit_fingerprint(f, path, fp));
    return j;
}

void sl_emit_json(FILE *out, const sl_findings *f, const sl_emit_opts *o)
{
    sl_arena *a = sl_arena_new();
    cJSON *root = cJSON_CreateObject();
    cJSON_AddNumberToObject(root, "version", 1);
    cJSON *items = cJSON_AddArrayToObject(root, "findings");
    for (size_t i = 0; i < f->n; i++)
        cJSON_AddItemToArray(items, finding_json(a, f->items[i], o));
    size_t c[4];
    sl_emit_count(f, c);
    cJSON *sum = cJSON_AddObjectToObject(root, "summary");
    cJSON_AddNumberToObject(sum, "error", (double)c[SL_LEVEL_ERROR]);
    cJSON_AddNumberToObject(sum, "warning", (double)c[SL_LEVEL_WARNING]);
    cJSON_AddNumberToObject(sum, "note", (double)c[SL_LEVEL_NOTE]);
    char *text = cJSON_Print(root);
    if (text)
        fprintf(out, "%s\n", text);
    cJSON_free(text);
    cJSON_Delete(root);
    sl_arena_free(a);
}
