/* The machine format: every field of every finding, keys in a fixed order so
 * that output diffs cleanly between runs. */
#include "shardlint/emit.h"

#include <cjson/cJSON.h>
#include <stdlib.h>

static cJSON *str_or_null(const char *s)
{
    return s ? cJSON_CreateString(s) : cJSON_CreateNull();
}

static cJSON *loc_json(sl_loc l)
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

static cJSON *edit_json(const sl_edit *e)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "location", loc_json(e->loc));
    cJSON_AddItemToObject(o, "end", loc_json(e->end));
    cJSON_AddItemToObject(o, "text", str_or_null(e->text));
    return o;
}

static cJSON *fix_json(const sl_fix *x)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "description", str_or_null(x->description));
    cJSON_AddItemToObject(o, "override", str_or_null(x->override));
    cJSON_AddBoolToObject(o, "verified", x->verified);
    cJSON_AddBoolToObject(o, "removes", x->removes);
    cJSON_AddItemToObject(o, "verification", str_or_null(x->verify_note));
    cJSON_AddBoolToObject(o, "preferred", x->preferred);
    cJSON *edits = cJSON_AddArrayToObject(o, "edits");
    for (size_t i = 0; i < x->nedits; i++)
        cJSON_AddItemToArray(edits, edit_json(&x->edits[i]));
    return o;
}

static cJSON *finding_json(sl_arena *a, const sl_finding *f, const sl_emit_opts *o)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddItemToObject(j, "rule", str_or_null(f->rule ? f->rule->id : NULL));
    cJSON_AddItemToObject(j, "name", str_or_null(f->rule ? f->rule->name : NULL));
    cJSON_AddStringToObject(j, "level", sl_level_name(f->level));
    cJSON_AddItemToObject(j, "message", str_or_null(f->message));
    cJSON_AddItemToObject(j, "location", loc_json(f->loc));
    cJSON *notes = cJSON_AddArrayToObject(j, "notes");
    for (size_t i = 0; i < f->nnotes; i++)
        cJSON_AddItemToArray(notes, str_or_null(f->notes[i]));
    cJSON *related = cJSON_AddArrayToObject(j, "related");
    for (size_t i = 0; i < f->nrelated; i++) {
        cJSON *r = cJSON_CreateObject();
        cJSON_AddItemToObject(r, "location", loc_json(f->related[i].loc));
        cJSON_AddItemToObject(r, "message", str_or_null(f->related[i].message));
        cJSON_AddItemToArray(related, r);
    }
    cJSON *fixes = cJSON_AddArrayToObject(j, "fixes");
    for (size_t i = 0; i < f->nfixes; i++)
        cJSON_AddItemToArray(fixes, fix_json(&f->fixes[i]));
    cJSON_AddItemToObject(j, "scenario", str_or_null(f->scenario));
    char fp[17];
    const char *path = f->loc.file ? sl_emit_relpath(a, f->loc.file, o ? o->base_dir : NULL) : NULL;
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
