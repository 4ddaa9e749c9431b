/* SARIF 2.1.0, shaped for GitHub code scanning: file locations relative to
 * %SRCROOT%, our own partial fingerprint, fixes as artifact changes. */
#include "shardlint/emit.h"

#include <cjson/cJSON.h>
#include <string.h>

#define SCHEMA_URI \
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
#define TOOL_URI "https://github.com/shardlint/shardlint"
#define FINGERPRINT_KEY "shardlintFingerprint/v1"

typedef struct {
    sl_arena *a;
    const sl_emit_opts *o;
    const sl_rule_def **rules;
    size_t nrules;
} sarif_ctx;

static cJSON *text_obj(const char *text)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "text", text ? text : "");
    return o;
}

/* A file outside the base directory keeps an absolute file: URI and no
 * uriBaseId. */
static cJSON *artifact_location(const sarif_ctx *c, const char *file)
{
    cJSON *o = cJSON_CreateObject();
    char *rel = sl_path_relative(c->a, file, c->o->base_dir);
    if (rel[0] == '/') {
        cJSON_AddStringToObject(o, "uri", sl_uri_of_path(c->a, rel));
    } else {
        cJSON_AddStringToObject(o, "uri", sl_uri_encode(c->a, rel));
        cJSON_AddStringToObject(o, "uriBaseId", "%SRCROOT%");
    }
    return o;
}

static cJSON *region(sl_loc start, const sl_loc *end)
{
    cJSON *r = cJSON_CreateObject();
    cJSON_AddNumberToObject(r, "startLine", start.line > 0 ? start.line : 1);
    if (start.col > 0)
        cJSON_AddNumberToObject(r, "startColumn", start.col);
    if (end && end->line > 0) {
        cJSON_AddNumberToObject(r, "endLine", end->line);
        cJSON_AddNumberToObject(r, "endColumn", end->col > 0 ? end->col : 1);
    }
    return r;
}

static cJSON *physical(const sarif_ctx *c, sl_loc l)
{
    cJSON *p = cJSON_CreateObject();
    cJSON_AddItemToObject(p, "artifactLocation", artifact_location(c, l.file));
    cJSON_AddItemToObject(p, "region", region(l, NULL));
    return p;
}

/* The doc's opening paragraph: the whole doc goes into help. */
static const char *first_paragraph(sl_arena *a, const char *doc)
{
    const char *end = strstr(doc, "\n\n");
    return end ? sl_strndup(a, doc, (size_t)(end - doc)) : doc;
}

static cJSON *rule_json(sl_arena *a, const sl_rule_def *r)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "id", r->id ? r->id : "");
    if (r->name)
        cJSON_AddStringToObject(j, "name", r->name);
    if (r->summary)
        cJSON_AddItemToObject(j, "shortDescription", text_obj(r->summary));
    const char *full = r->doc ? first_paragraph(a, r->doc) : r->summary;
    if (full)
        cJSON_AddItemToObject(j, "fullDescription", text_obj(full));
    if (r->doc) {
        cJSON *help = text_obj(r->doc);
        cJSON_AddStringToObject(help, "markdown", r->doc);
        cJSON_AddItemToObject(j, "help", help);
    }
    cJSON *conf = cJSON_AddObjectToObject(j, "defaultConfiguration");
    cJSON_AddStringToObject(conf, "level", sl_level_name(r->level));
    cJSON *props = cJSON_AddObjectToObject(j, "properties");
    cJSON *tags = cJSON_AddArrayToObject(props, "tags");
    for (size_t i = 0; i < 4 && r->tags[i]; i++)
        cJSON_AddItemToArray(tags, cJSON_CreateString(r->tags[i]));
    return j;
}

static int rule_index(const sarif_ctx *c, const sl_rule_def *r)
{
    for (size_t i = 0; i < c->nrules; i++)
        if (c->rules[i] == r || (r->id && c->rules[i]->id && strcmp(c->rules[i]->id, r->id) == 0))
            return (int)i;
    return -1;
}

static char *message_text(const sarif_ctx *c, const sl_finding *f)
{
    char where[512];
    char *s = f->loc.file || f->loc.word <= 0
                  ? sl_strdup(c->a, f->message ? f->message : "")
                  : sl_sprintf(c->a, "%s: %s", sl_loc_str(f->loc, where, sizeof where),
                               f->message ? f->message : "");
    for (size_t i = 0; i < f->nnotes; i++)
        s = sl_sprintf(c->a, "%s\n%s", s, f->notes[i]);
    return s;
}

/* GitHub code scanning wants a file location on every result, and a
 * command-line word has none (a logicalLocation alone is not accepted). Such
 * a finding names the word in its message and is placed at its first
 * related location that is in a file; with none, it has no location. */
static const sl_loc *primary_loc(const sl_finding *f)
{
    if (f->loc.file)
        return &f->loc;
    for (size_t i = 0; i < f->nrelated; i++)
        if (f->related[i].loc.file)
            return &f->related[i].loc;
    return NULL;
}

static cJSON *related_json(const sarif_ctx *c, const sl_related *r, int id)
{
    cJSON *j = cJSON_CreateObject();
    char where[512];
    cJSON_AddNumberToObject(j, "id", id);
    if (r->loc.file)
        cJSON_AddItemToObject(j, "physicalLocation", physical(c, r->loc));
    const char *msg = r->message ? r->message : "";
    if (!r->loc.file && r->loc.word > 0)
        msg = sl_sprintf(c->a, "%s: %s", sl_loc_str(r->loc, where, sizeof where), msg);
    cJSON_AddItemToObject(j, "message", text_obj(msg));
    return j;
}

/* One artifactChange per file, in the order the files first appear. */
static cJSON *fix_json(const sarif_ctx *c, const sl_fix *x)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddItemToObject(j, "description", text_obj(x->description));
    cJSON *changes = cJSON_AddArrayToObject(j, "artifactChanges");
    for (size_t i = 0; i < x->nedits; i++) {
        const char *file = x->edits[i].loc.file;
        bool seen = false;
        for (size_t k = 0; k < i && !seen; k++)
            seen = x->edits[k].loc.file && strcmp(x->edits[k].loc.file, file) == 0;
        if (seen)
            continue;
        cJSON *ch = cJSON_CreateObject();
        cJSON_AddItemToObject(ch, "artifactLocation", artifact_location(c, file));
        cJSON *reps = cJSON_AddArrayToObject(ch, "replacements");
        for (size_t k = i; k < x->nedits; k++) {
            const sl_edit *e = &x->edits[k];
            if (!e->loc.file || strcmp(e->loc.file, file) != 0)
                continue;
            cJSON *rep = cJSON_CreateObject();
            sl_loc end = e->end.line > 0 ? e->end : e->loc;
            cJSON_AddItemToObject(rep, "deletedRegion", region(e->loc, &end));
            cJSON_AddItemToObject(rep, "insertedContent", text_obj(e->text));
            cJSON_AddItemToArray(reps, rep);
        }
        cJSON_AddItemToArray(changes, ch);
    }
    return j;
}

static bool fix_has_file_edit(const sl_fix *x)
{
    for (size_t i = 0; i < x->nedits; i++)
        if (x->edits[i].loc.file)
            return true;
    return false;
}

static cJSON *result_json(const sarif_ctx *c, const sl_finding *f)
{
    cJSON *j = cJSON_CreateObject();
    if (f->rule) {
        cJSON_AddStringToObject(j, "ruleId", f->rule->id ? f->rule->id : "");
        cJSON_AddNumberToObject(j, "ruleIndex", rule_index(c, f->rule));
    }
    cJSON_AddStringToObject(j, "level", sl_level_name(f->level));
    cJSON_AddItemToObject(j, "message", text_obj(message_text(c, f)));
    cJSON *locs = cJSON_AddArrayToObject(j, "locations");
    const sl_loc *at = primary_loc(f);
    if (at) {
        cJSON *l = cJSON_CreateObject();
        cJSON_AddItemToObject(l, "physicalLocation", physical(c, *at));
        cJSON_AddItemToArray(locs, l);
    }
    if (f->nrelated) {
        cJSON *rel = cJSON_AddArrayToObject(j, "relatedLocations");
        for (size_t i = 0; i < f->nrelated; i++)
            cJSON_AddItemToArray(rel, related_json(c, &f->related[i], (int)i));
    }
    char fp[17];
    const char *path = f->loc.file ? sl_path_relative(c->a, f->loc.file, c->o->base_dir) : NULL;
    cJSON *fps = cJSON_AddObjectToObject(j, "partialFingerprints");
    cJSON_AddStringToObject(fps, FINGERPRINT_KEY, sl_emit_fingerprint(f, path, fp));
    cJSON *fixes = NULL;
    for (size_t i = 0; i < f->nfixes; i++) {
        if (!fix_has_file_edit(&f->fixes[i]))
            continue;
        if (!fixes)
            fixes = cJSON_AddArrayToObject(j, "fixes");
        cJSON_AddItemToArray(fixes, fix_json(c, &f->fixes[i]));
    }
    if (f->scenario) {
        cJSON *props = cJSON_AddObjectToObject(j, "properties");
        cJSON_AddStringToObject(props, "scenario", f->scenario);
    }
    return j;
}

static cJSON *driver_json(const sarif_ctx *c)
{
    cJSON *d = cJSON_CreateObject();
    cJSON_AddStringToObject(d, "name", "shardlint");
    cJSON_AddStringToObject(d, "version", c->o->tool_version ? c->o->tool_version : "0");
    cJSON_AddStringToObject(d, "informationUri", TOOL_URI);
    cJSON *rules = cJSON_AddArrayToObject(d, "rules");
    for (size_t i = 0; i < c->nrules; i++)
        cJSON_AddItemToArray(rules, rule_json(c->a, c->rules[i]));
    return d;
}

void sl_emit_sarif(FILE *out, const sl_findings *f, const sl_emit_opts *o)
{
    static const sl_emit_opts none;
    sarif_ctx c = {.a = sl_arena_new(), .o = o ? o : &none};
    c.nrules = sl_emit_rule_list(c.a, f, c.o, &c.rules);
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "$schema", SCHEMA_URI);
    cJSON_AddStringToObject(root, "version", "2.1.0");
    cJSON *run = cJSON_CreateObject();
    cJSON_AddItemToArray(cJSON_AddArrayToObject(root, "runs"), run);
    cJSON *tool = cJSON_AddObjectToObject(run, "tool");
    cJSON_AddItemToObject(tool, "driver", driver_json(&c));
    /* No originalUriBaseIds: the log names %SRCROOT% only, so the same
     * checkout gives the same bytes wherever it is; code scanning resolves
     * %SRCROOT% to the repository root itself. */
    cJSON *results = cJSON_AddArrayToObject(run, "results");
    for (size_t i = 0; i < f->n; i++)
        cJSON_AddItemToArray(results, result_json(&c, f->items[i]));
    cJSON_AddStringToObject(run, "columnKind", "unicodeCodePoints");
    char *text = cJSON_Print(root);
    if (text)
        fprintf(out, "%s\n", text);
    cJSON_free(text);
    cJSON_Delete(root);
    sl_arena_free(c.a);
}
