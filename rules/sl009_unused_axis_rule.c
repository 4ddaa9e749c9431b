/* SL009 unused-axis-rule: a logical_axis_rules entry whose name no known
 * tensor spec uses. */
#include <string.h>

#include "shardlint/limits.h"
#include "shardlint/rule.h"

extern const sl_rule_def sl_rule_sl009;

static const char doc[] =
    "## What it flags\n"
    "A `logical_axis_rules` entry whose logical name appears in no tensor spec\n"
    "shardlint knows: MaxText's sites in its catalog, every string tuple of the\n"
    "scanned model code (live or not), `--specs`, and the config's own\n"
    "`input_data_sharding_logical_axes`. Reported only when model code was scanned\n"
    "(`--source`, or the checkout the config is in): without it most names are\n"
    "unknown. Names that MaxText's own `base.yml` has a rule for, or that its\n"
    "`common_types.py` gives a constant (`CACHE_KV = \"cache_kv\"`, which model code\n"
    "then uses by name), are not reported.\n\n"
    "## Why it matters\n"
    "Usually nothing breaks: the rule is dead weight left behind by a rename or a\n"
    "removed layer. But a misspelt name in a rule (`activation_lenght`) is also a rule\n"
    "nothing uses, while the name the code really uses gets no rule (SL008).\n\n"
    "## Example\n"
    "```yaml\n"
    "logical_axis_rules: [['activation_lenght', ['context']]]\n"
    "```\n"
    "or `logical_axis_rules=\"[['activation_lenght', ['context']]]\"` on the command\n"
    "line, with model code that writes `activation_length`.\n\n"
    "## Use instead\n"
    "```yaml\n"
    "logical_axis_rules: [['activation_length', ['context']]]\n"
    "```\n"
    "(`logical_axis_rules=\"[['activation_length', ['context']]]\"`), or remove the\n"
    "entry.\n\n"
    "## When to ignore it\n"
    "When the name is built at run time (names shardlint cannot see as a string\n"
    "tuple) or used by code outside the scanned folders. Add\n"
    "`# shardlint: disable=SL009` on the entry's line.\n\n"
    "## Fix safety\n"
    "No automatic fix: removing a rule another program relies on would break it.\n\n"
    "## References\n"
    "flax `linen/spmd.py` `_logical_to_mesh_axes` (rules are matched by name only).\n";

static void use_names(sl_arena *a, sl_strmap *used, const char *const *names, size_t n)
{
    for (size_t d = 0; d < n; d++)
        if (names[d])
            sl_strmap_put(a, used, names[d], 0);
}

static bool is_scanned(const sl_spec *s)
{
    return s->origin && strcmp(s->origin, "source") == 0;
}

/* Every logical name a spec shardlint knows uses, live or not. Built only
 * when some rule is a candidate: most runs have none. */
static void collect(const sl_lint_ctx *ctx, sl_strmap *used)
{
    for (size_t i = 0; i < sl_catalog_len; i++)
        use_names(ctx->arena, used, sl_catalog[i].logical, sl_catalog[i].ndims);
    for (size_t i = 0; i < ctx->nsite_locs; i++)
        use_names(ctx->arena, used, ctx->site_locs[i].logical, ctx->site_locs[i].ndims);
    for (size_t i = 0; i < ctx->nspecs; i++)
        use_names(ctx->arena, used, ctx->specs[i].logical, ctx->specs[i].ndims);
    const sl_node *input = sl_config_get(ctx->config, "input_data_sharding_logical_axes");
    for (size_t i = 0; input && input->kind == SL_NODE_SEQ && i < input->n; i++)
        if (sl_node_text(input->items[i]))
            sl_strmap_put(ctx->arena, used, sl_node_text(input->items[i]), 0);
}

static bool model_code_scanned(const sl_lint_ctx *ctx)
{
    if (ctx->nsite_locs)
        return true;
    for (size_t i = 0; i < ctx->nspecs; i++)
        if (is_scanned(&ctx->specs[i]))
            return true;
    return false;
}

/* A name the tree's common types give a constant (`CACHE_KV = "cache_kv"`),
 * which model code then uses by the constant's name. */
static bool named_constant(const sl_lint_ctx *ctx, const char *name)
{
    return ctx->tree && ctx->tree->ncode &&
           sl_tree_code_has(ctx->tree, sl_sprintf(ctx->arena, "= \"%s\"", name));
}

/* base.yml's own rules are MaxText's vocabulary; their names are put in
 * `vocabulary` the first time it is asked (a model file's generated rule
 * list can ask tens of thousands of times). */
static bool base_has(const sl_lint_ctx *ctx, sl_strmap *vocabulary, const char *name)
{
    const sl_node *rules = sl_map_get(ctx->config->base_file, "logical_axis_rules");
    size_t at;
    if (!vocabulary->n && rules && rules->kind == SL_NODE_SEQ)
        for (size_t i = 0; i < rules->n; i++) {
            const sl_node *e = rules->items[i];
            const char *n = e->kind == SL_NODE_SEQ && e->n ? sl_node_text(e->items[0]) : NULL;
            if (n)
                sl_strmap_put(ctx->arena, vocabulary, n, 0);
        }
    return sl_strmap_get(vocabulary, name, &at);
}

static void report(const sl_lint_ctx *ctx, sl_findings *out, const sl_rule *r,
                   const sl_strmap *used)
{
    const char **names = sl_alloc(ctx->arena, (used->n + 1) * sizeof *names);
    size_t n = 0;
    for (size_t i = 0; i < used->cap; i++)
        if (used->keys[i])
            names[n++] = used->keys[i];
    const char *near = sl_rule_closest(r->name, names, n);
    sl_finding *f = sl_findings_add(ctx->arena, out, &sl_rule_sl009, SL_LEVEL_NOTE, r->loc,
        sl_sprintf(ctx->arena, "no known tensor spec uses `%s`, so this rule never applies%s%s%s",
                   r->name, near ? "; did you mean `" : "", near ? near : "", near ? "`?" : ""));
    f->key = sl_sprintf(ctx->arena, "SL009:%s", r->name);
    f->loc_label = "the rule";
    f->stays = sl_rule_is_yaml(r->loc.file);
}

static void report_more(const sl_lint_ctx *ctx, sl_findings *out, const sl_rule *first,
                        size_t n)
{
    sl_finding *f = sl_findings_add(ctx->arena, out, &sl_rule_sl009, SL_LEVEL_NOTE, first->loc,
        sl_sprintf(ctx->arena, "%zu more rules from here on name logical axes no known tensor "
                               "spec uses", n));
    f->key = "SL009:more";
    f->loc_label = "the first of them";
    f->stays = sl_rule_is_yaml(first->loc.file);
}

static bool from_base_yml(const sl_lint_ctx *ctx, const sl_rule *r)
{
    const sl_node *base = ctx->config->base_file;
    return base && r->loc.file && strcmp(r->loc.file, base->loc.file) == 0;
}

/* The first rule for its name (the table's own index: sl_config_rule would
 * memoize every one of a long generated list). */
static bool first_of_name(const sl_config *c, const sl_rule *r)
{
    size_t at;
    return sl_strmap_get(&c->table.first, r->name, &at) && at == r->index;
}

static void check(const sl_lint_ctx *ctx, sl_findings *out)
{
    sl_strmap used = {0}, vocabulary = {0};
    size_t at, n = 0;
    const sl_rule *first_more = NULL;
    /* A note with no fix: nothing a fix's re-lint weighs. */
    if (!ctx->offer_fixes || !model_code_scanned(ctx))
        return;
    for (size_t i = 0; i < ctx->config->nrules; i++) {
        const sl_rule *r = &ctx->config->rules[i];
        if (from_base_yml(ctx, r) || !first_of_name(ctx->config, r) ||
            base_has(ctx, &vocabulary, r->name) || named_constant(ctx, r->name))
            continue;
        if (!used.n)
            collect(ctx, &used);
        if (sl_strmap_get(&used, r->name, &at))
            continue;
        if (n++ < SL_UNUSED_RULES_MAX)
            report(ctx, out, r, &used);
        else if (!first_more)
            first_more = r;
    }
    if (first_more)
        report_more(ctx, out, first_more, n - SL_UNUSED_RULES_MAX);
}

const sl_rule_def sl_rule_sl009 = {
    .id = "SL009",
    .name = "unused-axis-rule",
    .summary = "A logical_axis_rules entry names a logical axis that no known tensor spec uses",
    .doc = doc,
    .level = SL_LEVEL_NOTE,
    .tags = {"sharding", "correctness", NULL},
    .check = check,
    .precision = "medium",
};
