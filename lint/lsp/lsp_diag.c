/* Findings -> diagnostics. A finding shows in every open document it
 * involves: at its own location, or at the first related location in that
 * document (the launch word that makes an axis active shows the finding in
 * the script, wherever the finding itself is located). Input errors show
 * where they are located; one that stops a document's own check and lies
 * in no open file shows at the top of that document. */
#include <stdlib.h>
#include <string.h>

#include "lsp_internal.h"
#include "shardlint/rule.h"

#define RULE_DOC_URL "https://github.com/shardlint/shardlint/blob/main/docs/rules/%s.md"

static bool in_doc(lsp_texts *t, const char *file, const lsp_doc *doc)
{
    const lsp_text *x = file ? lsp_text_of(t, file) : NULL;
    return x && x->uri == doc->uri;
}

/* Findings are kept once per document: checks of several open files find
 * the same thing when they share base.yml. */
static bool seen(sl_arena *a, sl_strmap *done, const sl_finding *f)
{
    char where[1024];
    const char *id = sl_sprintf(a, "%s\n%s\n%s", f->rule ? f->rule->id : "",
                                f->key ? f->key : f->message,
                                sl_loc_str(f->loc, where, sizeof where));
    size_t at;
    if (sl_strmap_get(done, id, &at))
        return true;
    sl_strmap_put(a, done, id, 0);
    return false;
}

void lsp_each_shown(sl_lsp *l, lsp_texts *t, const lsp_doc *doc,
                    void (*fn)(void *ctx, const lsp_shown *s), void *ctx)
{
    sl_strmap done = {0};
    for (size_t i = 0; i < l->ndocs; i++) {
        const lsp_doc *from = l->docs[i];
        if (!from->linted)
            continue;
        const sl_findings *fs = &from->report.findings;
        for (size_t k = 0; k < fs->n; k++) {
            const sl_finding *f = fs->items[k];
            lsp_shown s = {.f = f, .doc = doc, .at = f->loc};
            bool here = in_doc(t, f->loc.file, doc);
            for (size_t r = 0; !here && r < f->nrelated; r++)
                if (in_doc(t, f->related[r].loc.file, doc)) {
                    here = true;
                    s.at = f->related[r].loc;
                    s.why = f->related[r].message;
                }
            if (here && !seen(t->a, &done, f))
                fn(ctx, &s);
        }
    }
}

void lsp_shown_range(lsp_texts *t, const lsp_shown *s, size_t *from, size_t *to)
{
    const lsp_text *x = lsp_text_of(t, s->at.file);
    *from = lsp_offset_of_loc(x, s->at.line, s->at.col);
    *to = lsp_token_end(x->text, x->len, *from);
}

static int severity(sl_level level)
{
    return level == SL_LEVEL_ERROR ? 1 : level == SL_LEVEL_WARNING ? 2 : 3;
}

static void add_related(lsp_texts *t, cJSON *list, sl_loc loc, sl_loc skip, const char *msg)
{
    if (sl_loc_cmp(loc, skip) == 0)
        return;
    cJSON *where = lsp_location_json(t, loc);
    if (!where)
        return;
    cJSON *r = cJSON_CreateObject();
    cJSON_AddItemToObject(r, "location", where);
    cJSON_AddStringToObject(r, "message", msg);
    cJSON_AddItemToArray(list, r);
}

/* The headline, what this place has to do with it when the finding lies
 * elsewhere, then the notes: an editor shows the whole message on hover. */
static char *message(sl_arena *a, const lsp_shown *s)
{
    const sl_finding *f = s->f;
    char *m = s->why ? sl_sprintf(a, "%s\nhere: %s", f->message, s->why)
                     : sl_strdup(a, f->message);
    if (f->scenario)
        m = sl_sprintf(a, "%s\nscenario: %s", m, f->scenario);
    for (size_t i = 0; i < f->nnotes; i++)
        m = sl_sprintf(a, "%s\nnote: %s", m, f->notes[i]);
    return m;
}

cJSON *lsp_diagnostic_json(lsp_texts *t, const lsp_shown *s)
{
    const sl_finding *f = s->f;
    const lsp_text *x = lsp_text_of(t, s->at.file);
    size_t from, to;
    lsp_shown_range(t, s, &from, &to);
    cJSON *d = cJSON_CreateObject();
    cJSON_AddItemToObject(d, "range", lsp_range_json(t->l, x, from, to));
    cJSON_AddNumberToObject(d, "severity", severity(f->level));
    if (f->rule) {
        cJSON_AddStringToObject(d, "code", f->rule->id);
        cJSON *desc = cJSON_AddObjectToObject(d, "codeDescription");
        cJSON_AddStringToObject(desc, "href", sl_sprintf(t->a, RULE_DOC_URL, f->rule->id));
    }
    cJSON_AddStringToObject(d, "source", "shardlint");
    cJSON_AddStringToObject(d, "message", message(t->a, s));
    cJSON *related = cJSON_AddArrayToObject(d, "relatedInformation");
    add_related(t, related, f->loc, s->at, sl_sprintf(t->a, "%s: %s",
                f->rule ? f->rule->id : "finding", f->message));
    for (size_t i = 0; i < f->nrelated; i++)
        add_related(t, related, f->related[i].loc, s->at, f->related[i].message);
    return d;
}

static void add_shown(void *ctx, const lsp_shown *s)
{
    void **args = ctx;
    cJSON_AddItemToArray(args[1], lsp_diagnostic_json(args[0], s));
}

static cJSON *problem_json(lsp_texts *t, const sl_problem *p, sl_loc at, const char *msg)
{
    const lsp_text *x = lsp_text_of(t, at.file);
    size_t from = lsp_offset_of_loc(x, at.line, at.col);
    cJSON *d = cJSON_CreateObject();
    cJSON_AddItemToObject(d, "range",
                          lsp_range_json(t->l, x, from, lsp_token_end(x->text, x->len, from)));
    cJSON_AddNumberToObject(d, "severity", severity(p->level));
    cJSON_AddStringToObject(d, "source", "shardlint");
    cJSON_AddStringToObject(d, "message", msg);
    return d;
}

/* Input errors located in the document, from every check; and those of its
 * own check located in no open file, at its top, with their place. (The
 * warnings go to the log: see log_new_warnings.) */
static void add_problems(sl_lsp *l, lsp_texts *t, const lsp_doc *doc, cJSON *list)
{
    sl_strmap done = {0};
    size_t at;
    for (size_t i = 0; i < l->ndocs; i++) {
        const lsp_doc *from = l->docs[i];
        for (size_t k = 0; from->linted && k < from->report.problems.n; k++) {
            const sl_problem *p = from->report.problems.items[k];
            if (p->level != SL_LEVEL_ERROR)
                continue;
            char where[1024];
            const char *place = sl_loc_str(p->loc, where, sizeof where);
            const char *id = sl_sprintf(t->a, "%s\n%s", place, p->message);
            if (sl_strmap_get(&done, id, &at))
                continue;
            if (in_doc(t, p->loc.file, doc)) {
                cJSON_AddItemToArray(list, problem_json(t, p, p->loc, p->message));
            } else if (from == doc &&
                       !(p->loc.file && lsp_doc_of_key(l, lsp_key(t->a, p->loc.file)))) {
                sl_loc top = {.file = doc->path, .line = 1, .col = 1};
                const char *msg = sl_sprintf(t->a, "%s: %s", place, p->message);
                cJSON_AddItemToArray(list, problem_json(t, p, top, msg));
            } else {
                continue;
            }
            sl_strmap_put(t->a, &done, id, 0);
        }
    }
}

static cJSON *doc_diagnostics(sl_lsp *l, lsp_texts *t, const lsp_doc *doc)
{
    cJSON *list = cJSON_CreateArray();
    void *args[] = {t, list};
    lsp_each_shown(l, t, doc, add_shown, args);
    add_problems(l, t, doc, list);
    return list;
}

static void send(sl_lsp *l, const char *uri, const lsp_doc *d, cJSON *list)
{
    cJSON *params = cJSON_CreateObject();
    cJSON_AddStringToObject(params, "uri", uri);
    if (d)
        cJSON_AddNumberToObject(params, "version", (double)d->version);
    cJSON_AddItemToObject(params, "diagnostics", list);
    lsp_notify(l, "textDocument/publishDiagnostics", params);
}

/* A document's diagnostics go out when they changed, and after every edit
 * of it: the editor waits for a list for its new version. */
void lsp_publish(sl_lsp *l)
{
    lsp_texts t = {.l = l, .a = sl_arena_new()};
    for (size_t i = 0; i < l->ndocs; i++) {
        lsp_doc *d = l->docs[i];
        cJSON *list = doc_diagnostics(l, &t, d);
        char *text = cJSON_PrintUnformatted(list);
        if (text && (d->edited || !d->published || strcmp(text, d->published) != 0)) {
            send(l, d->uri, d, list);
            list = NULL;
            cJSON_free(d->published);
            d->published = text;
            text = NULL;
            d->edited = false;
        }
        cJSON_free(text);
        cJSON_Delete(list);
    }
    sl_arena_free(t.a);
}

void lsp_publish_empty(sl_lsp *l, const char *uri)
{
    send(l, uri, NULL, cJSON_CreateArray());
}
