/* Hover on a logical name, or anywhere on a logical_axis_rules entry: the
 * rules for that name with the mesh axes they give on the current mesh, and
 * the tensors that use the name with what each of their dims ends up with.
 * The current mesh is that of the targets the open files lint: those of the
 * open files whose checks read the hovered file (a launch script's, for
 * base.yml), then the file's own. */
#include <string.h>

#include "lsp_internal.h"

#define HOVER_SECTIONS 2

typedef struct {
    sl_lsp *l;
    sl_arena *a;
    const lsp_doc *doc;
    const char *word;         /* the identifier under the cursor, or NULL */
    int line;                 /* 1-based line of the cursor */
    const char *text;         /* the markdown so far */
    size_t sections;
    sl_strmap labels;         /* targets already described */
} hover;

static bool ident_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_';
}

static const char *word_at(sl_arena *a, const char *text, size_t len, size_t at)
{
    size_t from = at, to = at;
    while (from > 0 && ident_char(text[from - 1]))
        from--;
    while (to < len && ident_char(text[to]))
        to++;
    return to > from ? sl_strndup(a, text + from, to - from) : NULL;
}

/* The merged rule written on the cursor's line, if any. */
static const char *rule_on_line(hover *h, const sl_config *c)
{
    for (size_t i = 0; i < c->nrules; i++) {
        const sl_rule *r = &c->rules[i];
        if (r->loc.file && r->loc.line == h->line &&
            strcmp(lsp_key(h->a, r->loc.file), h->doc->key) == 0)
            return r->name;
    }
    return NULL;
}

static bool used_by_a_tensor(const sl_lint_result *r, const char *name)
{
    for (size_t i = 0; i < r->ntensors; i++)
        for (size_t d = 0; d < r->tensors[i].ndims; d++)
            if (r->tensors[i].dims[d].logical && strcmp(r->tensors[i].dims[d].logical, name) == 0)
                return true;
    return false;
}

static const char *axes_text(sl_arena *a, const char *const *axes, size_t n)
{
    if (!n)
        return "replicated";
    const char *s = "";
    for (size_t i = 0; i < n; i++)
        s = sl_sprintf(a, "%s%s%s", s, i ? ", " : "", axes[i]);
    return s;
}

static const char *mesh_text(sl_arena *a, const sl_lint_result *r)
{
    if (!r->mesh_ok)
        return "MaxText cannot build this mesh (see SL003)";
    const char *active = "";
    for (size_t i = 0; i < r->mesh.naxes; i++)
        if (r->mesh.axes[i].size > 1)
            active = sl_sprintf(a, "%s%s%s=%lld", active, *active ? ", " : "",
                                r->mesh.axes[i].name, r->mesh.axes[i].size);
    return sl_sprintf(a, "%lld devices per slice, %lld slice%s; active axes: %s",
                      r->mesh.devices, r->mesh.slices, r->mesh.slices == 1 ? "" : "s",
                      *active ? active : "none");
}

/* Each rule for the name, in list order, with the axes of it that are
 * active on this mesh. */
static const char *rules_text(sl_arena *a, const sl_lint_result *r, const char *name)
{
    const char *s = "";
    for (size_t i = 0; i < r->config.nrules; i++) {
        const sl_rule *rule = &r->config.rules[i];
        if (strcmp(rule->name, name) != 0)
            continue;
        const char *active = "";
        for (size_t k = 0; r->mesh_ok && k < rule->naxes; k++)
            if (sl_mesh_size(&r->mesh, rule->axes[k]) > 1)
                active = sl_sprintf(a, "%s%s%s", active, *active ? ", " : "", rule->axes[k]);
        s = sl_sprintf(a, "%s- %s: on this mesh %s\n", s, sl_describe_rule(a, rule),
                       *active ? active : "no active axis");
    }
    return *s ? s : "- no rule: every dim with this name is replicated\n";
}

static const char *dim_text(sl_arena *a, const sl_resolved *t, size_t d)
{
    const sl_dim *dim = &t->dims[d];
    const char *s = sl_sprintf(a, "- `%s` dim %zu: %s", t->spec->name, d,
                               axes_text(a, dim->physical, dim->nphysical));
    for (size_t k = 0; k < dim->nlosses; k++)
        s = sl_sprintf(a, "%s (lost '%s' to dim %d)", s, dim->losses[k].axis,
                       dim->losses[k].by_dim);
    return sl_sprintf(a, "%s\n", s);
}

static const char *tensors_text(sl_arena *a, const sl_lint_result *r, const char *name)
{
    const char *s = "";
    size_t n = 0;
    for (size_t i = 0; i < r->ntensors; i++)
        for (size_t d = 0; d < r->tensors[i].ndims; d++) {
            const char *logical = r->tensors[i].dims[d].logical;
            if (!logical || strcmp(logical, name) != 0)
                continue;
            if (n++ < SL_LSP_HOVER_TENSORS)
                s = sl_sprintf(a, "%s%s", s, dim_text(a, &r->tensors[i], d));
        }
    if (n > SL_LSP_HOVER_TENSORS)
        s = sl_sprintf(a, "%s- and %zu more\n", s, n - SL_LSP_HOVER_TENSORS);
    return *s ? s : "- none in this run\n";
}

static void describe_target(void *ctx, const char *label, const sl_lint_result *r)
{
    hover *h = ctx;
    size_t at;
    const char *name = rule_on_line(h, &r->config);
    if (!name)
        name = h->word;
    if (h->sections >= HOVER_SECTIONS || !name || sl_strmap_get(&h->labels, label, &at) ||
        (!sl_config_rule(&r->config, name) && !used_by_a_tensor(r, name)))
        return;
    sl_strmap_put(h->a, &h->labels, sl_strdup(h->a, label), 0);
    h->sections++;
    h->text = sl_sprintf(h->a, "%s%s**`%s`** in %s\n\nMesh: %s\n\nRules:\n%s\nTensors:\n%s",
                         h->text, *h->text ? "\n---\n\n" : "", name, label,
                         mesh_text(h->a, r), rules_text(h->a, r, name),
                         tensors_text(h->a, r, name));
}

static void describe_doc(hover *h, const lsp_doc *d)
{
    const char *paths[] = {d->path};
    sl_check_opts o = h->l->opts;
    o.paths = paths;
    o.npaths = 1;
    sl_report report;
    sl_session_each(h->l->session, &o, describe_target, h, &report);
    sl_report_free(&report);
}

cJSON *lsp_hover(sl_lsp *l, const cJSON *params, int *error)
{
    lsp_flush(l);
    lsp_doc *d = lsp_doc_of_uri(l, lsp_param_uri(params));
    if (!d)
        return cJSON_CreateNull();
    long long at = lsp_offset_of_pos(l, d->text, d->len,
                                     cJSON_GetObjectItemCaseSensitive(params, "position"));
    if (at < 0) {
        *error = LSP_INVALID_PARAMS;
        return NULL;
    }
    hover h = {.l = l, .a = sl_arena_new(), .doc = d, .text = "", .line = 1};
    h.word = word_at(h.a, d->text, d->len, (size_t)at);
    for (const char *p = d->text; (p = memchr(p, '\n', (size_t)(d->text + at - p))); p++)
        h.line++;
    size_t k;
    for (size_t i = 0; i < l->ndocs && h.sections < HOVER_SECTIONS; i++)
        if (l->docs[i] != d && l->docs[i]->linted && sl_strmap_get(&l->docs[i]->deps, d->key, &k))
            describe_doc(&h, l->docs[i]);
    if (h.sections < HOVER_SECTIONS)
        describe_doc(&h, d);
    cJSON *result = cJSON_CreateNull();
    if (*h.text) {
        cJSON_Delete(result);
        result = cJSON_CreateObject();
        cJSON *contents = cJSON_AddObjectToObject(result, "contents");
        cJSON_AddStringToObject(contents, "kind", "markdown");
        cJSON_AddStringToObject(contents, "value", h.text);
    }
    sl_arena_free(h.a);
    return result;
}
