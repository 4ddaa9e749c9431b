/* SL101 model-override-conflict: a key set both by the model file and by a
 * launch override, which the tree's MaxText refuses at startup unless
 * override_model_config is set. Whether and how MaxText refuses it changed
 * over its history, so the rule reads the tree's own config code. */
#include <string.h>

#include "shardlint/rule.h"

extern const sl_rule_def sl_rule_sl101;

static const char doc[] =
    "## What it flags\n"
    "A config key that the model file (`models/<model_name>.yml`) sets and a launch\n"
    "override (`key=value`) sets too. MaxText refuses this before the first step\n"
    "unless `override_model_config=true`.\n\n"
    "## Which MaxText refuses what\n"
    "The check is read from the tree's own config code (`pyconfig.py`):\n"
    "- trees until about 2025-12 call `validate_no_keys_overwritten_twice`, which\n"
    "  refuses a key set by both even to the same value (the oldest ones with no\n"
    "  `override_model_config` to allow it);\n"
    "- trees from about 2025-12 to 2026-04 have no such check: nothing is reported;\n"
    "- trees since then call `validate_no_keys_overridden_twice`, which refuses only\n"
    "  different values.\n"
    "A config outside a MaxText checkout (no config code to read) is checked as\n"
    "today's MaxText checks it.\n\n"
    "## Example\n"
    "```\n"
    "python3 -m maxtext.trainers.pre_train.train base.yml model_name=mixtral-8x7b num_experts=4\n"
    "```\n"
    "`models/mixtral-8x7b.yml` sets `num_experts: 8`.\n\n"
    "## Use instead\n"
    "```\n"
    "python3 -m maxtext.trainers.pre_train.train base.yml model_name=mixtral-8x7b \\\n"
    "  override_model_config=true num_experts=4\n"
    "```\n"
    "or drop the override and keep the model file's value.\n\n"
    "## Fix safety\n"
    "Both fixes are linted again before they are offered. `override_model_config=true`\n"
    "lets every override win over the model file, not only this one.\n";

typedef enum {
    REFUSES_NOTHING,
    REFUSES_ANY_VALUE,     /* a key set by both, whatever the values */
    REFUSES_OTHER_VALUE    /* a key set by both to different values */
} refusal_kind;

typedef struct {
    refusal_kind kind;
    bool escape;           /* override_model_config allows it */
    const char *check;     /* the function that refuses, NULL when none was read */
} refusal;

/* The first def in text whose name starts with `prefix`: its name and body
 * (up to the next top-level def). */
static bool find_def(const char *text, const char *prefix, const char **name, size_t *nname,
                     const char **body, size_t *nbody)
{
    const char *def = strstr(text, prefix);
    while (def && def != text && def[-1] != '\n')
        def = strstr(def + 1, prefix);
    if (!def)
        return false;
    *name = def + 4;
    *nname = strcspn(*name, "(");
    *body = def;
    const char *next = strstr(def + 1, "\ndef ");
    *nbody = next ? (size_t)(next - def) : strlen(def);
    return true;
}

/* Whether text calls `name(` outside its def. */
static bool called(const char *text, const char *name, size_t n, const char *def)
{
    for (const char *p = strstr(text, name); p; p = strstr(p + 1, name))
        if (p != def + 4 && p[n] == '(' && (p == text || !(p[-1] == '_' || (p[-1] >= 'a' &&
                                                                          p[-1] <= 'z'))))
            return true;
    return false;
}

/* What the tree's MaxText refuses: its pyconfig's validate_no_keys_* check,
 * whether it compares values, and whether override_model_config lifts it.
 * Without config code to read: today's MaxText. */
static refusal tree_refusal(sl_arena *a, const sl_tree *tree)
{
    if (!tree || !tree->ncode)
        return (refusal){REFUSES_OTHER_VALUE, true, NULL};
    const sl_tree_file *py = sl_tree_code(tree, "pyconfig.py");
    const char *name, *body;
    size_t nname, nbody;
    if (!py || !find_def(py->text, "def validate_no_keys_over", &name, &nname, &body, &nbody) ||
        !called(py->text, sl_strndup(a, name, nname), nname, body))
        return (refusal){REFUSES_NOTHING, false, NULL};
    const char *fn = sl_strndup(a, body, nbody);
    return (refusal){strstr(fn, "!=") ? REFUSES_OTHER_VALUE : REFUSES_ANY_VALUE,
                     strstr(py->text, "override_model_config") != NULL,
                     sl_sprintf(a, "%s (%.*s)", sl_path_display(a, py->path), (int)nname,
                                name)};
}

static bool truthy(const sl_node *n)
{
    bool b;
    return n && sl_node_bool(n, &b) && b;
}

/* override_model_config as MaxText reads it: overrides, then the base chain. */
static bool escaped(const sl_config *c)
{
    const sl_node *v = sl_map_get(c->override_values, "override_model_config");
    return truthy(v ? v : sl_map_get(c->base_values, "override_model_config"));
}

static bool is_script(const char *path)
{
    return path && sl_path_has_suffix(path, ".sh");
}

static void offer_fixes(const sl_lint_ctx *ctx, sl_finding *f, const refusal *r,
                        const sl_node *key, const sl_node *value)
{
    sl_arena *a = ctx->arena;
    if (r->escape) {
        sl_fix *fix = sl_finding_fix(a, f, "set `override_model_config=true`: the override then "
                                           "wins over the model file (for every key both set)");
        fix->override = "override_model_config=true";
        fix->preferred = true;
        if (is_script(value->loc.file))
            sl_fix_edit(a, fix, value->loc, value->loc, "override_model_config=true ");
        sl_override ov = {.key = "override_model_config", .text = "true"};
        sl_fix_change ch = {.extra = &ov, .nextra = 1};
        sl_fix_verify_with(a, fix, &ch);
    }
    sl_fix *drop = sl_finding_fix(a, f, sl_sprintf(a, "drop the override `%s=...` and keep the "
                                                      "model file's value", key->str));
    const char *keys[1] = {key->str};
    sl_fix_change ch = {.drop = keys, .ndrop = 1};
    sl_fix_verify_with(a, drop, &ch);
}

static void report(const sl_lint_ctx *ctx, sl_findings *out, const refusal *r,
                   const sl_node *key, const sl_node *value, const sl_node *model)
{
    sl_arena *a = ctx->arena;
    bool differ = !sl_node_equal(model, value);
    sl_finding *f = sl_findings_add(a, out, &sl_rule_sl101, SL_LEVEL_ERROR, value->loc,
        sl_sprintf(a, "'%s' is set by the model file %s and by this override%s; MaxText refuses "
                      "this at startup%s",
                   key->str, ctx->config->model_file, differ ? " to a different value" : "",
                   r->escape ? " unless override_model_config=true" : ""));
    f->key = sl_sprintf(a, "SL101:%s", key->str);
    f->loc_label = "the override";
    sl_finding_note(a, f, sl_sprintf(a, "The model file sets %s = %s; the override sets %s.",
                                     key->str, sl_node_render(a, model),
                                     sl_node_render(a, value)));
    if (r->check && r->kind == REFUSES_ANY_VALUE)
        sl_finding_note(a, f, sl_sprintf(a, "This tree's MaxText refuses a key set by both "
                                            "even to the same value: %s.", r->check));
    else if (r->check)
        sl_finding_note(a, f, sl_sprintf(a, "This tree's MaxText refuses it: %s.", r->check));
    else
        sl_finding_note(a, f, "No MaxText config code was found for this config; MaxText since "
                              "2026-04 refuses this (pyconfig.py, "
                              "validate_no_keys_overridden_twice).");
    sl_finding_related(a, f, model->loc, "set by the model file");
    if (ctx->offer_fixes)
        offer_fixes(ctx, f, r, key, value);
}

static void check(const sl_lint_ctx *ctx, sl_findings *out)
{
    const sl_config *c = ctx->config;
    const sl_node *ov = c->override_values;
    if (!c->model_values || !ov || ov->n == 0)
        return;
    refusal r = tree_refusal(ctx->arena, ctx->tree);
    if (r.kind == REFUSES_NOTHING || (r.escape && escaped(c)))
        return;
    for (size_t k = 0; k < ov->n; k++) {
        const sl_node *model = sl_map_get(c->model_values, ov->keys[k]->str);
        if (model && (r.kind == REFUSES_ANY_VALUE || !sl_node_equal(model, ov->items[k])))
            report(ctx, out, &r, ov->keys[k], ov->items[k], model);
    }
}

const sl_rule_def sl_rule_sl101 = {
    .id = "SL101",
    .name = "model-override-conflict",
    .summary = "A key set by both the model file and a launch override, which the tree's "
               "MaxText refuses unless override_model_config is set",
    .doc = doc,
    .level = SL_LEVEL_ERROR,
    .tags = {"config", "launch", NULL},
    .check = check,
    .precision = "high",
};
