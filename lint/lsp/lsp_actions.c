/* Code actions: each fix the engine verified (applied to a copy and linted
 * again: the finding is gone) as a quickfix carrying the fix's edits, and a
 * suppression comment for findings located in the document. The editor
 * applies them; the server writes nothing. */
#include <string.h>

#include "lsp_internal.h"
#include "shardlint/rule.h"

typedef struct {
    lsp_texts *t;
    size_t from, to;          /* the requested range */
    cJSON *actions;
    sl_strmap at;             /* action identity -> index into actions */
} request;

/* A fix's headline: its description up to the first `: ` outside code. */
static const char *fix_title(sl_arena *a, const char *rule, const char *description)
{
    bool code = false;
    size_t n = 0;
    for (; description[n]; n++) {
        if (description[n] == '`')
            code = !code;
        else if (!code && description[n] == ':' && description[n + 1] == ' ')
            break;
    }
    return sl_sprintf(a, "%s: %.*s", rule, (int)n, description);
}

static cJSON *text_edit(lsp_texts *t, const lsp_text *x, size_t from, size_t to,
                        const char *text)
{
    cJSON *e = cJSON_CreateObject();
    cJSON_AddItemToObject(e, "range", lsp_range_json(t->l, x, from, to));
    cJSON_AddStringToObject(e, "newText", text);
    return e;
}

/* {changes: {uri: [TextEdit]}}; NULL when a file it edits cannot be read. */
static cJSON *workspace_edit(lsp_texts *t, const sl_fix *fix)
{
    cJSON *edit = cJSON_CreateObject();
    cJSON *changes = cJSON_AddObjectToObject(edit, "changes");
    for (size_t i = 0; i < fix->nedits; i++) {
        const sl_edit *e = &fix->edits[i];
        const lsp_text *x = lsp_text_of(t, e->loc.file);
        if (!x) {
            cJSON_Delete(edit);
            return NULL;
        }
        cJSON *list = cJSON_GetObjectItemCaseSensitive(changes, x->uri);
        if (!list)
            list = cJSON_AddArrayToObject(changes, x->uri);
        cJSON_AddItemToArray(list, text_edit(t, x, lsp_offset_of_loc(x, e->loc.line, e->loc.col),
                                             lsp_offset_of_loc(x, e->end.line, e->end.col),
                                             e->text));
    }
    return edit;
}

/* Two findings with one fix (the flag ends the contention at every MoE
 * site) make one action that names both diagnostics. */
static void add_action(request *r, const char *title, bool preferred, cJSON *edit,
                       const lsp_shown *s)
{
    char *edit_text = cJSON_PrintUnformatted(edit);
    const char *id = sl_sprintf(r->t->a, "%s\n%s", title, edit_text ? edit_text : "");
    cJSON_free(edit_text);
    size_t at;
    if (sl_strmap_get(&r->at, id, &at)) {
        cJSON *existing = cJSON_GetArrayItem(r->actions, (int)at);
        cJSON_AddItemToArray(cJSON_GetObjectItemCaseSensitive(existing, "diagnostics"),
                             lsp_diagnostic_json(r->t, s));
        cJSON_Delete(edit);
        return;
    }
    cJSON *a = cJSON_CreateObject();
    cJSON_AddStringToObject(a, "title", title);
    cJSON_AddStringToObject(a, "kind", "quickfix");
    cJSON_AddItemToArray(cJSON_AddArrayToObject(a, "diagnostics"), lsp_diagnostic_json(r->t, s));
    if (preferred)
        cJSON_AddBoolToObject(a, "isPreferred", true);
    cJSON_AddItemToObject(a, "edit", edit);
    sl_strmap_put(r->t->a, &r->at, id, (size_t)cJSON_GetArraySize(r->actions));
    cJSON_AddItemToArray(r->actions, a);
}

static bool is_script(const char *path)
{
    return sl_path_has_suffix(path, ".sh");
}

static size_t line_start(const lsp_text *x, int line)
{
    return lsp_offset_of_loc(x, line, 1);
}

/* A comment line inside a command continued with `\` would end the
 * command there. */
static bool continued(const lsp_text *x, size_t bol)
{
    size_t i = bol;
    while (i > 0 && (x->text[i - 1] == '\n' || x->text[i - 1] == '\r'))
        i--;
    while (i > 0 && (x->text[i - 1] == ' ' || x->text[i - 1] == '\t'))
        i--;
    return i > 0 && i < bol && x->text[i - 1] == '\\';
}

/* The comment on the line above: a new line would push it two lines away,
 * where it no longer covers its own finding, so the id joins its list. */
static bool joins_comment(lsp_texts *t, const lsp_text *x, int line, const char *id,
                          cJSON **edit)
{
    if (line < 2)
        return false;
    size_t bol = line_start(x, line - 1), eol = line_start(x, line);
    while (eol > bol && strchr("\r\n \t", x->text[eol - 1]))
        eol--;
    const char *text = sl_strndup(t->a, x->text + bol, eol - bol);
    const char *p = strstr(text, "# shardlint: disable=");
    if (!p || strspn(text, " \t") != (size_t)(p - text))
        return false;
    *edit = text_edit(t, x, eol, eol, sl_sprintf(t->a, ",%s", id));
    return true;
}

static void add_disable(request *r, const lsp_shown *s)
{
    const sl_finding *f = s->f;
    const lsp_text *x = lsp_text_of(r->t, f->loc.file);
    if (s->why || !f->rule || !x || f->loc.line < 1)
        return;
    size_t bol = line_start(x, f->loc.line);
    if (is_script(f->loc.file) && continued(x, bol))
        return;
    cJSON *te;
    if (!joins_comment(r->t, x, f->loc.line, f->rule->id, &te)) {
        size_t indent = strspn(x->text + bol, " \t");
        te = text_edit(r->t, x, bol, bol, sl_sprintf(r->t->a, "%.*s# shardlint: disable=%s\n",
                                                     (int)indent, x->text + bol, f->rule->id));
    }
    cJSON *edit = cJSON_CreateObject();
    cJSON_AddItemToArray(cJSON_AddArrayToObject(cJSON_AddObjectToObject(edit, "changes"),
                                                x->uri), te);
    add_action(r, sl_sprintf(r->t->a, "%s: disable for this line", f->rule->id), false, edit, s);
}

static void add_for(void *ctx, const lsp_shown *s)
{
    request *r = ctx;
    size_t from, to;
    lsp_shown_range(r->t, s, &from, &to);
    if (from > r->to || to < r->from)
        return;
    const sl_finding *f = s->f;
    const char *rule = f->rule ? f->rule->id : "shardlint";
    for (size_t i = 0; i < f->nfixes; i++) {
        const sl_fix *fix = &f->fixes[i];
        if (!fix->verified || !fix->removes || !fix->nedits)
            continue;
        cJSON *edit = workspace_edit(r->t, fix);
        if (edit)
            add_action(r, fix_title(r->t->a, rule, fix->description), fix->preferred, edit, s);
    }
    add_disable(r, s);
}

static bool wants_quickfix(const cJSON *context)
{
    const cJSON *only = cJSON_GetObjectItemCaseSensitive(context, "only"), *kind;
    if (!cJSON_IsArray(only))
        return true;
    cJSON_ArrayForEach(kind, only)
        if (cJSON_IsString(kind) && strcmp(kind->valuestring, "quickfix") == 0)
            return true;
    return false;
}

cJSON *lsp_code_actions(sl_lsp *l, const cJSON *params, int *error)
{
    lsp_flush(l);
    lsp_doc *d = lsp_doc_of_uri(l, lsp_param_uri(params));
    const cJSON *range = cJSON_GetObjectItemCaseSensitive(params, "range");
    if (!d)
        return cJSON_CreateArray();
    long long from = lsp_offset_of_pos(l, d->text, d->len,
                                       cJSON_GetObjectItemCaseSensitive(range, "start"));
    long long to = lsp_offset_of_pos(l, d->text, d->len,
                                     cJSON_GetObjectItemCaseSensitive(range, "end"));
    if (from < 0 || to < 0) {
        *error = LSP_INVALID_PARAMS;
        return NULL;
    }
    cJSON *actions = cJSON_CreateArray();
    if (!wants_quickfix(cJSON_GetObjectItemCaseSensitive(params, "context")))
        return actions;
    /* Whole lines: a cursor at the start of a line asks for the actions of
     * what is marked on it. */
    size_t bol, eol, ignored;
    lsp_line_bounds(d->text, d->len, (size_t)from, &bol, &ignored);
    lsp_line_bounds(d->text, d->len, (size_t)to, &ignored, &eol);
    lsp_texts t = {.l = l, .a = sl_arena_new()};
    request r = {.t = &t, .from = bol, .to = eol, .actions = actions};
    lsp_each_shown(l, &t, d, add_for, &r);
    sl_arena_free(t.a);
    return actions;
}
