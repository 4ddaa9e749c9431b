/* SL008 unruled-logical-name: a live tensor spec uses a logical name that
 * no rule mentions, so that dim is always replicated. */
#include <string.h>

#include "shardlint/rule.h"

extern const sl_rule_def sl_rule_sl008;

static const char doc[] =
    "## What it flags\n"
    "A dim of a live tensor spec whose logical name has no entry in the config's\n"
    "`logical_axis_rules`. flax maps a name without a rule to nothing, so the dim is\n"
    "replicated on every mesh. Two cases are reported:\n"
    "- a name the config's own `base_config` chain has a rule for, which a model file,\n"
    "  an override or a `custom_mesh_and_rule` replacing the rules\n"
    "  (`override_logical_axis_rules`) left out: once per name, at what replaced\n"
    "  the rules, with the specs that use it;\n"
    "- any name of a spec declared in a `--specs` file, at that dim.\n"
    "Other names of scanned code and of the built-in catalog are not: a string tuple\n"
    "in model code may not be a tensor spec, and an older tree names its sites\n"
    "differently.\n\n"
    "## Levels\n"
    "- note: the usual case; many names are replicated on purpose, and a rule mapping\n"
    "  the name to `[]` says so;\n"
    "- warning: the spec's recorded intent needs that dim sharded (a catalog site or a\n"
    "  `--specs` entry whose `keep:` names the dim).\n\n"
    "## Example\n"
    "```python\n"
    "nn.with_logical_constraint(x, (\"activation_batch\", \"activation_lenght\", None))\n"
    "```\n"
    "with no rule for `activation_lenght` (launched with any words, such as\n"
    "`ici_context_parallelism=4`): the sequence dim is never split over `context`.\n\n"
    "## Use instead\n"
    "Spell the name as a rule has it (`activation_length`), or add a rule:\n"
    "```yaml\n"
    "logical_axis_rules: [['activation_lenght', ['context']]]\n"
    "```\n"
    "(`logical_axis_rules=\"[['activation_lenght', ['context']]]\"`), or, to replicate\n"
    "on purpose, `['activation_lenght', []]`.\n\n"
    "## When to ignore it\n"
    "When replication is intended: map the name to `[]` so the config says so, or add\n"
    "`# shardlint: disable=SL008` where the spec is written.\n\n"
    "## Fix safety\n"
    "No automatic fix: whether the dim should be sharded, and over which axes, is a\n"
    "decision about memory and communication.\n\n"
    "## References\n"
    "flax `linen/spmd.py` `_logical_to_mesh_axes` (a name no rule matches stays None).\n";

/* Whether the base_config chain's own rules name it: then the model file,
 * the overrides or a custom mesh dropped it. */
static bool chain_has_rule(const sl_config *c, const char *name)
{
    return sl_rule_list_names(sl_map_get(c->base_values, "logical_axis_rules"), name);
}

static bool is_user_spec(const sl_spec *s)
{
    return s->origin && strcmp(s->origin, "specs") == 0;
}

/* A name the chain has a rule for and the final rules do not: one finding
 * at what dropped it, with the specs that use it. */
static void report_dropped(const sl_lint_ctx *ctx, sl_findings *out, const char *name)
{
    sl_arena *a = ctx->arena;
    const sl_config *c = ctx->config;
    const sl_node *k = sl_map_key(c->override_values, "logical_axis_rules");
    const char *by = "the logical_axis_rules override";
    if (!k && c->model_file && c->model_values &&
        (k = sl_map_key(c->model_values, "logical_axis_rules")))
        by = c->model_file;
    if (!k && (k = sl_map_key(c->values, "custom_mesh_and_rule")))
        by = "custom_mesh_and_rule";
    size_t n = 0;
    const sl_resolved *first[3];
    for (size_t i = 0; i < ctx->ntensors; i++)
        for (size_t d = 0; d < ctx->tensors[i].ndims; d++)
            if (ctx->tensors[i].dims[d].logical &&
                strcmp(ctx->tensors[i].dims[d].logical, name) == 0 && n++ < 3)
                first[n - 1] = &ctx->tensors[i];
    sl_finding *f = sl_findings_add(a, out, &sl_rule_sl008, SL_LEVEL_NOTE,
                                    k ? k->loc : (sl_loc){0},
        sl_sprintf(a, "`%s` has a rule in the base_config chain, but %s replaces the rules "
                      "without it: %zu tensor spec%s using it %s replicated on every mesh",
                   name, by, n, n == 1 ? "" : "s", n == 1 ? "is" : "are"));
    f->key = sl_sprintf(a, "SL008:dropped:%s", name);
    f->loc_label = "what replaces the rules";
    f->stays = k && sl_rule_is_yaml(k->loc.file);
    for (size_t i = 0; i < n && i < 3; i++)
        if (first[i]->spec->loc.file || first[i]->spec->loc.word)
            sl_finding_related(a, f, first[i]->spec->loc,
                               sl_sprintf(a, "tensor '%s'", first[i]->spec->name));
    sl_finding_note(a, f, sl_sprintf(a, "help: add a rule for `%s` there, or map it to [] to "
                                        "replicate it on purpose.", name));
}

/* A --specs spec, declared as a tensor spec by its user: the dim itself. */
static void report_dim(const sl_lint_ctx *ctx, sl_findings *out, const sl_resolved *t, size_t d)
{
    sl_arena *a = ctx->arena;
    const sl_spec *s = t->spec;
    bool needed = s->keep_dim == (int)d;
    sl_loc at = s->dim_locs[d].file ? s->dim_locs[d] : s->loc;
    sl_finding *f = sl_findings_add(a, out, &sl_rule_sl008,
                                    needed ? SL_LEVEL_WARNING : SL_LEVEL_NOTE, at,
        sl_sprintf(a, "tensor '%s': dim %zu (%s) has no rule in logical_axis_rules, so it is "
                      "replicated on every mesh",
                   s->name, d, t->dims[d].logical));
    f->key = sl_sprintf(a, "SL008:%s:%zu", s->name, d);
    f->loc_label = "the dim's name";
    if (needed)
        sl_finding_note(a, f, sl_sprintf(a, "Intent: dim %zu must keep '%s' at this site.", d,
                                          s->keep_axis));
    else
        sl_finding_note(a, f, sl_sprintf(a, "help: add a rule for `%s`, or map it to [] to "
                                            "replicate it on purpose.", t->dims[d].logical));
}

static void check(const sl_lint_ctx *ctx, sl_findings *out)
{
    sl_strmap done = {0};
    size_t at;
    for (size_t i = 0; i < ctx->ntensors; i++) {
        const sl_resolved *t = &ctx->tensors[i];
        for (size_t d = 0; d < t->ndims; d++) {
            const char *name = t->dims[d].logical;
            if (!name || sl_config_rule(ctx->config, name))
                continue;
            if (chain_has_rule(ctx->config, name) && !sl_strmap_get(&done, name, &at)) {
                sl_strmap_put(ctx->arena, &done, name, 0);
                report_dropped(ctx, out, name);
            } else if (is_user_spec(t->spec) && !chain_has_rule(ctx->config, name)) {
                report_dim(ctx, out, t, d);
            }
        }
    }
}

const sl_rule_def sl_rule_sl008 = {
    .id = "SL008",
    .name = "unruled-logical-name",
    .summary = "A live tensor spec uses a logical name that no rule mentions; that dim is "
               "always replicated",
    .doc = doc,
    .level = SL_LEVEL_NOTE,
    .tags = {"sharding", "correctness", NULL},
    .check = check,
    .precision = "medium",
};
