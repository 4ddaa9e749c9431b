/* SARIF 2.1.0, shaped for GitHub code scanning: files named from the
 * repository root (%SRCROOT%), fingerprints without line numbers, messages
 * that say what to do, fixes as artifact changes, and a whole log even when
 * inputs could not be read: each input error is a result of SL900, and the
 * invocation says what could not be linted. */
#include <stdlib.h>
#include <string.h>

#include "emit_internal.h"

#define SCHEMA_URI \
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
#define TOOL_URI "https://github.com/shardlint/shardlint"
/* Each rule's documentation, as `shardlint explain` prints it. */
#define RULE_DOC_URI TOOL_URI "/blob/main/docs/rules/%s.md"
#define FINGERPRINT_KEY "shardlintFingerprint/v2"
/* GitHub's own key, the only one code scanning matches alerts by; without
 * it, upload-sarif hashes the text of the primary line instead. */
#define GITHUB_FINGERPRINT_KEY "primaryLocationLineHash"
/* GitHub shows at most this much of a rule's full description. */
#define MAX_FULL_DESCRIPTION 1024

typedef struct {
    sl_arena *a;
    const char *root;
    sl_vec rules;              /* const sl_rule_def *: the log's rules, by id */
    sl_fingerprints fp;
    cJSON *results;
    cJSON *notifications;
} sarif_ctx;

static cJSON *text_obj(const char *text)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "text", text && *text ? text : "-");
    return o;
}

static cJSON *message_json(sl_sarif_message m)
{
    cJSON *o = text_obj(m.text);
    cJSON_AddStringToObject(o, "markdown", m.markdown);
    return o;
}

/* A file inside the root is relative to %SRCROOT%, which code scanning
 * resolves to the repository; one outside keeps an absolute file: URI and
 * says so. */
static cJSON *artifact_location(const sarif_ctx *c, const char *file)
{
    cJSON *o = cJSON_CreateObject();
    const char *path = sl_emit_path(c->a, file, c->root);
    if (path[0] == '/') {
        cJSON_AddStringToObject(o, "uri", sl_uri_of_path(c->a, path));
        cJSON_AddBoolToObject(cJSON_AddObjectToObject(o, "properties"), "outsideRoot", true);
    } else {
        cJSON_AddStringToObject(o, "uri", sl_uri_encode(c->a, path));
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

static cJSON *location(const sarif_ctx *c, sl_loc l)
{
    cJSON *loc = cJSON_CreateObject();
    cJSON_AddItemToObject(loc, "physicalLocation", physical(c, l));
    return loc;
}

/* The doc's opening paragraph, past its heading: the whole doc is the
 * help. The summary when that paragraph is too long to be shown. */
static const char *full_description(sl_arena *a, const sl_rule_def *r)
{
    const char *doc = r->doc;
    if (!doc)
        return r->summary;
    while (*doc == '#' && strchr(doc, '\n'))
        doc = strchr(doc, '\n') + 1;
    const char *end = strstr(doc, "\n\n");
    size_t n = end ? (size_t)(end - doc) : strlen(doc);
    return n && n <= MAX_FULL_DESCRIPTION ? sl_strndup(a, doc, n) : r->summary;
}

static const char *problem_severity(sl_level l)
{
    return l == SL_LEVEL_ERROR ? "error" : l == SL_LEVEL_WARNING ? "warning" : "recommendation";
}

static cJSON *rule_json(sl_arena *a, const sl_rule_def *r)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "id", r->id);
    if (r->name)
        cJSON_AddStringToObject(j, "name", r->name);
    if (r->summary)
        cJSON_AddItemToObject(j, "shortDescription", text_obj(r->summary));
    const char *full = full_description(a, r);
    if (full)
        cJSON_AddItemToObject(j, "fullDescription", text_obj(full));
    if (r->doc) {
        cJSON *help = text_obj(r->doc);
        cJSON_AddStringToObject(help, "markdown", r->doc);
        cJSON_AddItemToObject(j, "help", help);
    }
    cJSON_AddStringToObject(j, "helpUri", sl_sprintf(a, RULE_DOC_URI, r->id));
    cJSON *conf = cJSON_AddObjectToObject(j, "defaultConfiguration");
    cJSON_AddStringToObject(conf, "level", sl_level_name(r->level));
    /* No security-severity: no rule finds a security problem. */
    cJSON *props = cJSON_AddObjectToObject(j, "properties");
    cJSON *tags = cJSON_AddArrayToObject(props, "tags");
    for (size_t i = 0; i < 4 && r->tags[i]; i++)
        cJSON_AddItemToArray(tags, cJSON_CreateString(r->tags[i]));
    if (r->precision)
        cJSON_AddStringToObject(props, "precision", r->precision);
    cJSON_AddStringToObject(props, "problem.severity", problem_severity(r->level));
    return j;
}

/* A rule's index in driver.rules, which lists only the rules the log
 * names, by id: a new rule changes no log it has nothing in. */
static int rule_index(const sarif_ctx *c, const sl_rule_def *r)
{
    for (size_t i = 0; i < c->rules.n; i++) {
        const sl_rule_def *x = c->rules.items[i];
        if (x == r || strcmp(x->id, r->id) == 0)
            return (int)i;
    }
    return -1;
}

static int rule_order(const void *pa, const void *pb)
{
    const sl_rule_def *x = *(const sl_rule_def *const *)pa, *y = *(const sl_rule_def *const *)pb;
    return strcmp(x->id, y->id);
}

static void collect_rules(sarif_ctx *c, const sl_findings *f, const sl_problem **p, size_t np)
{
    for (size_t i = 0; i < f->n; i++)
        if (f->items[i]->rule && rule_index(c, f->items[i]->rule) < 0)
            sl_vec_push(c->a, &c->rules, (void *)f->items[i]->rule);
    for (size_t i = 0; i < np; i++)
        if (p[i]->level == SL_LEVEL_ERROR && rule_index(c, &sl_rule_sl900) < 0)
            sl_vec_push(c->a, &c->rules, (void *)&sl_rule_sl900);
    if (c->rules.n > 1)
        qsort(c->rules.items, c->rules.n, sizeof *c->rules.items, rule_order);
}

static void add_rule_ref(const sarif_ctx *c, cJSON *j, const sl_rule_def *r)
{
    cJSON_AddStringToObject(j, "ruleId", r->id);
    cJSON_AddNumberToObject(j, "ruleIndex", rule_index(c, r));
}

static cJSON *related_json(const sarif_ctx *c, const sl_related *r, int id)
{
    cJSON *j = cJSON_CreateObject();
    char where[512];
    cJSON_AddNumberToObject(j, "id", id);
    if (r->loc.file)
        cJSON_AddItemToObject(j, "physicalLocation", physical(c, r->loc));
    const char *msg = r->message;
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
        bool seen = !file;
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
            cJSON *ins = cJSON_AddObjectToObject(rep, "insertedContent");
            cJSON_AddStringToObject(ins, "text", e->text ? e->text : "");
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

/* Code scanning rejects a whole log if one result has no file location.
 * A finding at a command-line word names the word in its message and is
 * placed at its first related location in a file; with none, it is only a
 * notification of the run. */
static const sl_loc *primary_loc(const sl_finding *f)
{
    if (f->loc.file)
        return &f->loc;
    for (size_t i = 0; i < f->nrelated; i++)
        if (f->related[i].loc.file)
            return &f->related[i].loc;
    return NULL;
}

static void add_fingerprints(cJSON *j, const char *fp)
{
    cJSON *fps = cJSON_AddObjectToObject(j, "partialFingerprints");
    cJSON_AddStringToObject(fps, GITHUB_FINGERPRINT_KEY, fp);
    cJSON_AddStringToObject(fps, FINGERPRINT_KEY, fp);
}

static void notification(sarif_ctx *c, sl_level level, sl_loc at, const char *text,
                         const sl_rule_def *rule)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "level", sl_level_name(level));
    cJSON_AddItemToObject(j, "message", text_obj(text));
    if (at.file)
        cJSON_AddItemToArray(cJSON_AddArrayToObject(j, "locations"), location(c, at));
    if (rule) {
        cJSON *ref = cJSON_AddObjectToObject(j, "associatedRule");
        cJSON_AddStringToObject(ref, "id", rule->id);
        cJSON_AddNumberToObject(ref, "index", rule_index(c, rule));
    }
    cJSON_AddItemToArray(c->notifications, j);
}

static void add_finding(sarif_ctx *c, const sl_finding *f)
{
    sl_sarif_message m = sl_sarif_finding_message(c->a, f, c->root);
    const sl_loc *at = primary_loc(f);
    if (!at) {
        notification(c, f->level, f->loc, m.text, f->rule);
        return;
    }
    cJSON *j = cJSON_CreateObject();
    if (f->rule)
        add_rule_ref(c, j, f->rule);
    cJSON_AddStringToObject(j, "level", sl_level_name(f->level));
    cJSON_AddItemToObject(j, "message", message_json(m));
    cJSON_AddItemToArray(cJSON_AddArrayToObject(j, "locations"), location(c, *at));
    if (f->nrelated) {
        cJSON *rel = cJSON_AddArrayToObject(j, "relatedLocations");
        for (size_t i = 0; i < f->nrelated; i++)
            cJSON_AddItemToArray(rel, related_json(c, &f->related[i], (int)i));
    }
    add_fingerprints(j, sl_fingerprint_finding(&c->fp, f));
    cJSON *fixes = NULL;
    for (size_t i = 0; i < f->nfixes; i++) {
        if (!fix_has_file_edit(&f->fixes[i]))
            continue;
        if (!fixes)
            fixes = cJSON_AddArrayToObject(j, "fixes");
        cJSON_AddItemToArray(fixes, fix_json(c, &f->fixes[i]));
    }
    if (f->scenario)
        cJSON_AddStringToObject(cJSON_AddObjectToObject(j, "properties"), "scenario",
                                f->scenario);
    cJSON_AddItemToArray(c->results, j);
}

/* Every problem says what could not be linted, as a notification of the
 * run; an input error in a file is also a result of SL900 there, so that it
 * shows where code scanning shows alerts. */
static void add_problem(sarif_ctx *c, const sl_problem *p)
{
    bool error = p->level == SL_LEVEL_ERROR;
    char where[512];
    const char *text = p->loc.file || p->loc.word <= 0
                           ? p->message
                           : sl_sprintf(c->a, "%s: %s", sl_loc_str(p->loc, where, sizeof where),
                                        p->message);
    notification(c, p->level, p->loc, text, error ? &sl_rule_sl900 : NULL);
    if (!error || !p->loc.file)
        return;
    cJSON *j = cJSON_CreateObject();
    add_rule_ref(c, j, &sl_rule_sl900);
    cJSON_AddStringToObject(j, "level", "error");
    cJSON_AddItemToObject(j, "message", message_json(sl_sarif_problem_message(c->a, p)));
    cJSON_AddItemToArray(cJSON_AddArrayToObject(j, "locations"), location(c, p->loc));
    add_fingerprints(j, sl_fingerprint_problem(&c->fp, p));
    cJSON_AddItemToArray(c->results, j);
}

static cJSON *driver_json(const sarif_ctx *c, const sl_emit_opts *o)
{
    cJSON *d = cJSON_CreateObject();
    cJSON_AddStringToObject(d, "name", "shardlint");
    cJSON_AddStringToObject(d, "version", o && o->tool_version ? o->tool_version : "0");
    cJSON_AddStringToObject(d, "informationUri", TOOL_URI);
    cJSON *rules = cJSON_AddArrayToObject(d, "rules");
    for (size_t i = 0; i < c->rules.n; i++)
        cJSON_AddItemToArray(rules, rule_json(c->a, c->rules.items[i]));
    return d;
}

void sl_emit_sarif(FILE *out, const sl_report *r, const sl_emit_opts *o)
{
    sl_arena *a = sl_arena_new();
    sarif_ctx c = {.a = a, .root = o ? o->root : NULL};
    c.fp = (sl_fingerprints){.a = a, .root = c.root};
    const sl_problem **problems;
    size_t np = sl_emit_problems(a, r, &problems);
    collect_rules(&c, &r->findings, problems, np);
    c.results = cJSON_CreateArray();
    c.notifications = cJSON_CreateArray();
    for (size_t i = 0; i < r->findings.n; i++)
        add_finding(&c, r->findings.items[i]);
    for (size_t i = 0; i < np; i++)
        add_problem(&c, problems[i]);

    cJSON *log = cJSON_CreateObject();
    cJSON_AddStringToObject(log, "$schema", SCHEMA_URI);
    cJSON_AddStringToObject(log, "version", "2.1.0");
    cJSON *run = cJSON_CreateObject();
    cJSON_AddItemToArray(cJSON_AddArrayToObject(log, "runs"), run);
    cJSON_AddItemToObject(cJSON_AddObjectToObject(run, "tool"), "driver", driver_json(&c, o));
    cJSON *inv = cJSON_CreateObject();
    cJSON_AddItemToArray(cJSON_AddArrayToObject(run, "invocations"), inv);
    cJSON_AddBoolToObject(inv, "executionSuccessful", r->nerrors == 0);
    if (cJSON_GetArraySize(c.notifications))
        cJSON_AddItemToObject(inv, "toolExecutionNotifications", c.notifications);
    else
        cJSON_Delete(c.notifications);
    /* No originalUriBaseIds: the log names %SRCROOT% only, so the same
     * checkout gives the same bytes wherever it is; code scanning resolves
     * %SRCROOT% to the repository root itself. */
    cJSON_AddItemToObject(run, "results", c.results);
    cJSON_AddStringToObject(run, "columnKind", "unicodeCodePoints");
    sl_json_write(out, log);
    sl_arena_free(a);
}
