/* SL005 identical-dim-rules: two dims of one tensor spec whose rules name
 * the same mesh axes, so that one of them can never be sharded. */
#include <string.h>

#include "shardlint/rule.h"

extern const sl_rule_def sl_rule_sl005;

static const char doc[] =
    "## What it flags\n"
    "A tensor spec with two dims whose logical names have the same rules: the same\n"
    "number of `logical_axis_rules` entries, naming the same mesh axes in the same\n"
    "order. flax gives a mesh axis to one dim at most, and the dim whose rule comes\n"
    "first takes every axis the other one could use, so the other dim is never\n"
    "sharded, whatever the mesh. Partial overlaps, where the loser can still fall\n"
    "back to an axis of its own, are SL001's business. For a string tuple of scanned\n"
    "model code, whose code path shardlint cannot tell is taken, only identical rules\n"
    "of `base.yml` itself are reported: they hold wherever that code runs, while a\n"
    "model file's rules are for that model's own code.\n\n"
    "## Why it matters\n"
    "flax replicates the losing dim without a word. JAX's explicit sharding mode, and\n"
    "tools that build a `NamedSharding` from the same rules one dim at a time, put\n"
    "the same axis on two dims and refuse the spec outright; this broke Tunix's\n"
    "fine-tuning of DeepSeek. It is reported as a warning even on a mesh where no\n"
    "axis is active yet: no mesh will ever shard that dim.\n\n"
    "## Example\n"
    "MaxText's MLA query projection before PR #2369, and DeepSeek-V4's compressed\n"
    "attention today (`layers/attention_compressed.py`):\n"
    "```python\n"
    "kernel_axes=(\"embed\", \"q_lora\")\n"
    "```\n"
    "```yaml\n"
    "logical_axis_rules: [\n"
    "  ['q_lora', ['fsdp', 'fsdp_transpose', 'context', 'context_usp_ulysses', 'expert']],\n"
    "  ['q_lora', ['fsdp', 'context', 'context_usp_ulysses', 'expert']],\n"
    "  ['embed', ['fsdp', 'fsdp_transpose', 'context', 'context_usp_ulysses', 'expert']],\n"
    "  ['embed', ['fsdp', 'context', 'context_usp_ulysses', 'expert']],\n"
    "]\n"
    "```\n"
    "`q_lora`'s rules come first, so the `embed` dim is replicated on every mesh,\n"
    "launched with any words (`ici_fsdp_parallelism=-1`, `ici_expert_parallelism=8`).\n\n"
    "## Use instead\n"
    "Give one of the two dims a name whose rule says what you mean, as PR #2369 did\n"
    "for MLA with a name replicated on purpose:\n"
    "```python\n"
    "kernel_axes=(\"embed\", \"q_lora_up_proj\")\n"
    "```\n"
    "```yaml\n"
    "logical_axis_rules: [['q_lora_up_proj', []], ...]\n"
    "```\n\n"
    "## When to ignore it\n"
    "When the replicated dim is meant to be replicated and no tool builds shardings\n"
    "from the rules one dim at a time. Say so where the spec is written with\n"
    "`# shardlint: disable=SL005`, or give the dim a name mapped to `[]`, which says\n"
    "it in the config.\n\n"
    "## Fix safety\n"
    "Both fixes rename one dim of the spec in the model code (and add a rule mapping\n"
    "the new name to `[]` when the tree has none), and are verified by linting the\n"
    "patched spec again. Keeping today's layout (the preferred fix) changes nothing at\n"
    "run time; sharding the other dim instead moves memory and communication from one\n"
    "dim to the other, so measure it.\n\n"
    "## References\n"
    "flax `linen/spmd.py` `_logical_to_mesh_axes` (an axis already used by another\n"
    "dim skips the rule); MaxText PR #2369 (MLA `q_lora_up_proj`, `kv_lora_up_proj`);\n"
    "`layers/attention_compressed.py` `_init_projections`.\n";

/* The rules for one logical name, in list order. */
typedef struct {
    const sl_rule *items[SL_MAX_DIMS];
    size_t n;
    bool any_axis;
    bool truncated;
} rule_list;

static void rules_for(const sl_config *c, const char *name, rule_list *out)
{
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < c->nrules; i++) {
        if (strcmp(c->rules[i].name, name) != 0)
            continue;
        if (out->n == SL_MAX_DIMS) {
            out->truncated = true;
            return;
        }
        out->items[out->n++] = &c->rules[i];
        out->any_axis |= c->rules[i].naxes > 0;
    }
}

static bool axes_contain(const sl_rule *r, const char *axis)
{
    for (size_t i = 0; i < r->naxes; i++)
        if (strcmp(r->axes[i], axis) == 0)
            return true;
    return false;
}

/* The same axes, in any order within an entry (MaxText's MLA rules listed
 * them in different orders for `embed` and `q_lora`). */
static bool same_axes(const sl_rule *x, const sl_rule *y)
{
    for (size_t i = 0; i < x->naxes; i++)
        if (!axes_contain(y, x->axes[i]))
            return false;
    for (size_t i = 0; i < y->naxes; i++)
        if (!axes_contain(x, y->axes[i]))
            return false;
    return true;
}

static bool identical(const rule_list *x, const rule_list *y)
{
    if (x->n != y->n || !x->any_axis || x->truncated || y->truncated)
        return false;
    for (size_t i = 0; i < x->n; i++)
        if (!same_axes(x->items[i], y->items[i]))
            return false;
    return true;
}

/* A dim that got nothing and lost every axis to `winner`. */
static bool lost_all_to(const sl_dim *d, int winner)
{
    if (d->rule || !d->nlosses)
        return false;
    for (size_t k = 0; k < d->nlosses; k++)
        if (d->losses[k].by_dim != winner)
            return false;
    return true;
}

static const char *dim_words(sl_arena *a, const sl_resolved *t, size_t d)
{
    return sl_sprintf(a, "dim %zu (%s)", d, t->dims[d].logical);
}

/* A name of the same family that the rules replicate on purpose
 * (`q_lora_up_proj` -> [] for `q_lora`), NULL when the tree has none. */
static const char *replicated_sibling(const sl_config *c, const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; i < c->nrules; i++) {
        const sl_rule *r = &c->rules[i];
        if (strncmp(r->name, name, n) == 0 && r->name[n] == '_' && r->naxes == 0 &&
            sl_config_rule(c, r->name) == r)
            return r->name;
    }
    return NULL;
}

/* The new name's rule goes after the last rule of the name it replaces, in
 * the file that wrote it. */
static void add_rule_edit(sl_arena *a, sl_fix *fix, const sl_config *c, const char *old,
                          const char *name)
{
    const sl_rule *last = NULL;
    for (size_t i = 0; i < c->nrules; i++)
        if (strcmp(c->rules[i].name, old) == 0)
            last = &c->rules[i];
    if (!last || !sl_rule_is_yaml(last->loc.file))
        return;
    sl_loc at = {.file = last->loc.file, .line = last->loc.line + 1, .col = 1};
    sl_fix_edit(a, fix, at, at, sl_sprintf(a, "%*s['%s', []],\n", last->loc.col - 1, "", name));
}

/* Renames dim d to a name replicated on purpose: the tree's own, or a new
 * one with a rule mapping it to []. flax resolves a name without a rule and
 * a name mapped to [] alike, so renaming the dim is the change linted
 * again; the rule only says it in the config. */
static void add_rename_fix(const sl_lint_ctx *ctx, sl_finding *f, const sl_resolved *t,
                           size_t d, bool preferred, const char *why)
{
    sl_arena *a = ctx->arena;
    const char *old = t->dims[d].logical;
    const char *sibling = replicated_sibling(ctx->config, old);
    const char *name = sibling ? sibling : sl_sprintf(a, "%s_replicated", old);
    sl_fix *fix = sl_finding_fix(a, f, sibling
        ? sl_sprintf(a, "%s: name dim %zu `%s` in the model code, which the rules replicate "
                        "on purpose", why, d, name)
        : sl_sprintf(a, "%s: name dim %zu `%s` in the model code and add the rule ['%s', []]",
                     why, d, name, name));
    fix->preferred = preferred;
    sl_loc at = t->spec->dim_locs[d];
    if (at.file) {
        sl_loc end = at;
        end.col += (int)strlen(old) + 2;
        sl_fix_edit(a, fix, at, end, sl_sprintf(a, "\"%s\"", name));
    }
    if (!sibling)
        add_rule_edit(a, fix, ctx->config, old, name);
    sl_spec_patch patch = {.site_id = t->spec->name, .dim = (int)d, .logical = name};
    sl_fix_change ch = {.patches = &patch, .npatches = 1};
    sl_fix_verify_with(a, fix, &ch);
}

static void report(const sl_lint_ctx *ctx, sl_findings *out, const sl_resolved *t,
                   size_t loser, size_t winner, const rule_list *rules)
{
    sl_arena *a = ctx->arena;
    const sl_rule *first = rules->items[0];
    sl_loc at = t->spec->loc.file || t->spec->loc.word ? t->spec->loc : first->loc;
    sl_finding *f = sl_findings_add(a, out, &sl_rule_sl005, SL_LEVEL_WARNING, at,
        sl_sprintf(a, "tensor '%s': %s and %s have identical rules, so %s can never be "
                      "sharded: %s takes every axis it could use, on any mesh",
                   t->spec->name, dim_words(a, t, winner), dim_words(a, t, loser),
                   dim_words(a, t, loser), dim_words(a, t, winner)));
    f->key = sl_sprintf(a, "SL005:%s:%zu", t->spec->name, loser);
    f->loc_label = "the spec";
    f->stays = sl_rule_is_yaml(first->loc.file) &&
               sl_rule_is_yaml(t->dims[loser].losses[0].rule->loc.file);
    sl_finding_note(a, f, sl_sprintf(a,
        "Both names have %zu rule%s over the same axes, and %s comes first.", rules->n,
        rules->n == 1 ? "" : "s", sl_describe_rule(a, t->dims[winner].rule)));
    sl_finding_note(a, f, "flax replicates the losing dim silently; JAX's explicit sharding "
                          "mode and tools that build a NamedSharding from these rules refuse "
                          "the spec.");
    sl_finding_related(a, f, t->dims[winner].rule->loc,
                       sl_sprintf(a, "`%s`'s rule, which comes first", t->dims[winner].logical));
    sl_finding_related(a, f, t->dims[loser].losses[0].rule->loc,
                       sl_sprintf(a, "`%s`'s rule, never applied", t->dims[loser].logical));
    if (!ctx->offer_fixes)
        return;
    /* A name the tree already replicates needs no new rule, as in MaxText's
     * own fix for MLA; otherwise keeping today's layout changes nothing at
     * run time. */
    bool shard_loser = replicated_sibling(ctx->config, t->dims[winner].logical) &&
                       !replicated_sibling(ctx->config, t->dims[loser].logical);
    add_rename_fix(ctx, f, t, loser, !shard_loser, "keep today's layout and say so");
    add_rename_fix(ctx, f, t, winner, shard_loser, sl_sprintf(a, "shard dim %zu instead", loser));
}

bool sl_identical_dim_rules(const sl_config *c, const sl_resolved *t, size_t d)
{
    const sl_dim *dim = &t->dims[d];
    if (t->spec->peel_dim >= 0 || !dim->logical || dim->rule || !dim->nlosses)
        return false;
    int w = dim->losses[0].by_dim;
    rule_list mine, theirs;
    rules_for(c, dim->logical, &mine);
    rules_for(c, t->dims[w].logical, &theirs);
    return lost_all_to(dim, w) && identical(&mine, &theirs);
}

static bool in_base_yml(const sl_config *c, const rule_list *rules)
{
    const char *base = c->base_file ? c->base_file->loc.file : NULL;
    for (size_t i = 0; i < rules->n; i++)
        if (!base || !rules->items[i]->loc.file || strcmp(rules->items[i]->loc.file, base) != 0)
            return false;
    return true;
}

/* Whether a scanned tuple's code runs is not known yet, so only rules that
 * hold wherever it runs, base.yml's own, make it a finding; a model file's
 * rules are for that model's code. */
static bool reportable(const sl_config *c, const sl_resolved *t, const rule_list *mine,
                       const rule_list *theirs)
{
    if (!t->spec->origin || strcmp(t->spec->origin, "source") != 0)
        return true;
    return in_base_yml(c, mine) && in_base_yml(c, theirs);
}

static void check_tensor(const sl_lint_ctx *ctx, sl_findings *out, const sl_resolved *t)
{
    for (size_t i = 0; i < t->ndims; i++) {
        if (!sl_identical_dim_rules(ctx->config, t, i))
            continue;
        size_t w = (size_t)t->dims[i].losses[0].by_dim;
        rule_list mine, theirs;
        rules_for(ctx->config, t->dims[i].logical, &mine);
        rules_for(ctx->config, t->dims[w].logical, &theirs);
        if (reportable(ctx->config, t, &mine, &theirs))
            report(ctx, out, t, i, w, &theirs);
    }
}

static void check(const sl_lint_ctx *ctx, sl_findings *out)
{
    for (size_t i = 0; i < ctx->ntensors; i++)
        check_tensor(ctx, out, &ctx->tensors[i]);
}

const sl_rule_def sl_rule_sl005 = {
    .id = "SL005",
    .name = "identical-dim-rules",
    .summary = "Two dims of one tensor spec have identical rules, so one of them can never be "
               "sharded",
    .doc = doc,
    .level = SL_LEVEL_WARNING,
    .tags = {"sharding", "correctness", NULL},
    .check = check,
    .precision = "high",
};
