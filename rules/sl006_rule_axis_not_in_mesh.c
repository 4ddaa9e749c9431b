/* SL006 rule-axis-not-in-mesh: logical_axis_rules or data_sharding name a
 * mesh axis that mesh_axes does not have, such as a misspelt `exprt`. */
#include <string.h>

#include "shardlint/rule.h"

extern const sl_rule_def sl_rule_sl006;

static const char doc[] =
    "## What it flags\n"
    "A mesh axis named in a `logical_axis_rules` entry or in `data_sharding` that is\n"
    "not one of `mesh_axes` and not an axis MaxText knows at all: a typo such as\n"
    "`exprt` for `expert`. Axes MaxText knows but this mesh leaves out (rules shared\n"
    "with other meshes, such as `fsdp` under an inference mesh) are not reported.\n\n"
    "## Why it matters\n"
    "MaxText drops every axis the mesh does not have when it builds a sharding\n"
    "(`remove_size_one_mesh_axis` treats it as size 1), so the dim is silently\n"
    "replicated. Worse, flax still assigns the misspelt name before that, so the rule\n"
    "also keeps a later rule of the same dim from applying.\n\n"
    "## Example\n"
    "```yaml\n"
    "logical_axis_rules: [['activation_exp', ['exprt']]]\n"
    "```\n"
    "or on the command line `logical_axis_rules=\"[['activation_exp', ['exprt']]]\"`.\n\n"
    "## Use instead\n"
    "```yaml\n"
    "logical_axis_rules: [['activation_exp', ['expert']]]\n"
    "```\n"
    "or `logical_axis_rules=\"[['activation_exp', ['expert']]]\"`.\n\n"
    "## When to ignore it\n"
    "When the axis belongs to a mesh of another program that shares these rules. Add\n"
    "`# shardlint: disable=SL006` on the entry's line.\n\n"
    "## Fix safety\n"
    "The fix replaces the name with the mesh axis closest in spelling, and is verified\n"
    "by linting the config again with the axis renamed: the dim now really is sharded,\n"
    "which can make two dims contend for that axis (the verification says so).\n\n"
    "## References\n"
    "MaxText `utils/sharding.py` `remove_size_one_mesh_axis` (`mesh.shape.get(axis, 1)`);\n"
    "flax `linen/spmd.py` `_logical_to_mesh_axes`.\n";

/* Every axis name MaxText has had a parallelism key for, or sizes itself. */
static const char *const known_axes[] = {
    "diloco", "data", "stage", "fsdp", "fsdp_transpose", "sequence", "context",
    "context_usp_ulysses", "context_autoregressive", "tensor", "tensor_sequence", "model",
    "expert", "autoregressive", "tensor_transpose", "attn_dp", "attn_dp_expert",
};

static bool in_list(const char *name, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i], name) == 0)
            return true;
    return false;
}

typedef struct {
    const sl_lint_ctx *ctx;
    sl_findings *out;
    const char **axes;
    size_t naxes;
    const sl_rule *rule;      /* the rule walked, NULL for data_sharding */
} walk;

static void add_fix(walk *w, sl_finding *f, const sl_node *n, const char *to)
{
    sl_arena *a = w->ctx->arena;
    sl_fix *fix = sl_finding_fix(a, f, sl_sprintf(a, "name the mesh axis '%s'", to));
    fix->preferred = true;
    if (sl_rule_is_yaml(n->loc.file))
        sl_fix_edit(a, fix, n->loc, n->end, sl_sprintf(a, "'%s'", to));
    sl_rename r = {.from = sl_node_text(n), .to = to};
    sl_fix_change ch = {.axis_renames = &r, .naxis_renames = 1};
    sl_fix_verify_with(a, fix, &ch);
}

static void report(walk *w, const sl_node *n)
{
    sl_arena *a = w->ctx->arena;
    const char *axis = sl_node_text(n);
    const char *near = sl_rule_closest(axis, w->axes, w->naxes);
    const char *where = w->rule ? sl_sprintf(a, "the rule for `%s`", w->rule->name)
                                : "data_sharding";
    sl_finding *f = sl_findings_add(a, w->out, &sl_rule_sl006, SL_LEVEL_WARNING, n->loc,
        sl_sprintf(a, "%s names mesh axis '%s', which mesh_axes does not have%s%s%s", where,
                   axis, near ? "; did you mean '" : "", near ? near : "", near ? "'?" : ""));
    f->key = w->rule ? sl_sprintf(a, "SL006:rule:%s:%s", w->rule->name, axis)
                     : sl_sprintf(a, "SL006:data_sharding:%s", axis);
    f->loc_label = "the axis";
    f->stays = sl_rule_is_yaml(n->loc.file);
    sl_finding_note(a, f, "MaxText drops an axis the mesh does not have, so this dim is "
                          "replicated; flax still assigns the name first, which keeps later "
                          "rules for the dim from applying.");
    sl_finding_related(a, f, w->ctx->mesh ? w->ctx->mesh->axes_loc
                                          : sl_config_get(w->ctx->config, "mesh_axes")->loc,
                       "mesh_axes");
    if (near && w->ctx->offer_fixes)
        add_fix(w, f, n, near);
}

/* Leaves of a mesh value: a name, or lists of names nested any way. */
static void visit(walk *w, const sl_node *n)
{
    if (!n || sl_node_is_null(n))
        return;
    if (n->kind == SL_NODE_SEQ) {
        for (size_t i = 0; i < n->n; i++)
            visit(w, n->items[i]);
        return;
    }
    const char *axis = sl_node_text(n);
    if (n->kind != SL_NODE_SCALAR || !axis || in_list(axis, w->axes, w->naxes) ||
        in_list(axis, known_axes, sizeof known_axes / sizeof *known_axes))
        return;
    report(w, n);
}

static void check(const sl_lint_ctx *ctx, sl_findings *out)
{
    walk w = {.ctx = ctx, .out = out};
    w.axes = sl_rule_mesh_axes(ctx, &w.naxes);
    if (!w.axes)
        return;
    for (size_t i = 0; i < ctx->config->nrules; i++) {
        w.rule = &ctx->config->rules[i];
        visit(&w, w.rule->mesh);
    }
    w.rule = NULL;
    visit(&w, sl_config_get(ctx->config, "data_sharding"));
}

const sl_rule_def sl_rule_sl006 = {
    .id = "SL006",
    .name = "rule-axis-not-in-mesh",
    .summary = "logical_axis_rules or data_sharding name a mesh axis that mesh_axes does not "
               "have; the dim is silently replicated",
    .doc = doc,
    .level = SL_LEVEL_WARNING,
    .tags = {"sharding", "correctness", NULL},
    .check = check,
    .precision = "high",
};
