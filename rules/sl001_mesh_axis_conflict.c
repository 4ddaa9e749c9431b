/* SL001 mesh-axis-conflict: two dims of one tensor want the same active mesh
 * axis, and rule order gives it to the one that should not have it. */
#include <string.h>

#include "shardlint/rule.h"

extern const sl_rule_def sl_rule_sl001;

static const char doc[] =
    "## What it flags\n"
    "A tensor spec whose dims both want one mesh axis of size > 1. flax walks\n"
    "`logical_axis_rules` in list order and gives an axis to the first dim whose\n"
    "rule asks for it while it is free; a later dim that wants the same axis silently\n"
    "goes without it.\n\n"
    "## Why it matters\n"
    "In MaxText's dense MoE path (`sparse_matmul: false`, `capacity_factor > 0`) the\n"
    "dispatch and MLP activations are `(activation_exp, activation_batch_moe, None, ...)`.\n"
    "The rule for `activation_batch_moe` lists `expert` and comes before the rule for\n"
    "`activation_exp`, so with expert parallelism on the batch dim takes `expert` and\n"
    "the expert dim is replicated. XLA then replaces the expert-parallel AllToAll with\n"
    "AllGather + ReduceScatter of the expert weights: Mixtral-8x7B on 8 GPUs drops from\n"
    "about 10.9k to about 7.4k tokens/s/device.\n\n"
    "## Levels\n"
    "- warning: the dim that lost the axis is the one that must keep it (the catalog's\n"
    "  intent for MaxText sites, or a `keep:` entry in a `--specs` file);\n"
    "- warning: a spec without recorded intent loses `expert` on a dim whose rules ask\n"
    "  for `expert` alone (such as `activation_exp`), leaving it with no active axis;\n"
    "- note: any other contention, such as a fallback rule taking over by design.\n"
    "Where the intent says the winner must hold the axis (MaxText's MLP-down output,\n"
    "whose batch dim takes `expert` for the return AllToAll), nothing is reported.\n\n"
    "## How to fix\n"
    "1. Where the config tree has it, set `moe_dispatch_no_expert_sharding: true`:\n"
    "   MaxText then resolves the dispatch/MLP dims one by one and drops `expert` from\n"
    "   the batch dim.\n"
    "2. Otherwise give the dispatch/MLP batch dim its own rule without `expert`,\n"
    "   `['activation_batch_no_exp', ['data', 'fsdp', 'fsdp_transpose']]`, and use\n"
    "   `activation_batch_no_exp` as that dim's logical name in the model code.\n"
    "Removing `expert` from `activation_batch_moe` also ends the conflict but leaves\n"
    "gate logits replicated under expert-only meshes (SL002). Every fix shardlint\n"
    "suggests has been applied to a copy of the config and linted again; the finding\n"
    "says what that re-lint found.\n";

static bool is_keep(const sl_spec *s, int dim, const char *axis)
{
    return s->keep_dim == dim && s->keep_axis && strcmp(s->keep_axis, axis) == 0;
}

/* Whether every rule for `name` asks for `axis` alone: the dim exists to be
 * split over that axis (`activation_exp` -> [expert]), unlike a dim that
 * lists it among others as one more way to shard (`embed`). */
static bool exists_for_axis(const sl_config *c, const char *name, const char *axis)
{
    bool any = false;
    for (size_t i = 0; i < c->nrules; i++) {
        const sl_rule *r = &c->rules[i];
        if (strcmp(r->name, name) != 0)
            continue;
        const sl_node *m = r->mesh;
        size_t n = m->kind == SL_NODE_SEQ ? m->n : 1;
        for (size_t k = 0; k < n; k++) {
            const char *ax = sl_node_text(m->kind == SL_NODE_SEQ ? m->items[k] : m);
            if (!ax || strcmp(ax, axis) != 0)
                return false;
        }
        any = true;
    }
    return any;
}

/* SL_LEVEL_NONE means the contention is intended and not reported. */
static sl_level conflict_level(const sl_lint_ctx *ctx, const sl_resolved *t, size_t d,
                               const sl_loss *l)
{
    const sl_spec *s = t->spec;
    if (is_keep(s, (int)d, l->axis))
        return SL_LEVEL_WARNING;
    if (is_keep(s, l->by_dim, l->axis))
        return SL_LEVEL_NONE;
    if (s->keep_dim < 0 && strcmp(l->axis, "expert") == 0 &&
        !sl_dim_has_active_axis(&t->dims[d], ctx->mesh) && t->dims[d].logical &&
        exists_for_axis(ctx->config, t->dims[d].logical, l->axis))
        return SL_LEVEL_WARNING;
    return SL_LEVEL_NOTE;
}

static const char *dim_name(sl_arena *a, const sl_resolved *t, int d)
{
    const char *n = t->dims[d].logical;
    return sl_sprintf(a, "dim %d (%s)", d, n ? n : "None");
}

static bool key_before(const sl_site *site, size_t i)
{
    for (size_t j = 0; j < i; j++)
        if (strcmp(site->conds[j].key, site->conds[i].key) == 0)
            return true;
    return false;
}

static void note_live_conditions(sl_arena *a, sl_finding *f, const sl_site *site,
                                 const sl_config *c)
{
    sl_cond_eval evals[SL_SITE_MAX_CONDS];
    sl_site_live(site, c, evals);
    const char *why = "";
    for (size_t i = 0; i < site->nconds; i++) {
        const sl_node *v = evals[i].value;
        if (key_before(site, i))
            continue;
        why = sl_sprintf(a, "%s%s%s=%s (%s)", why, *why ? ", " : "", site->conds[i].key,
                         v ? sl_node_render(a, v) : "unset",
                         v ? sl_describe_loc(a, v->loc) : "default");
    }
    sl_finding_note(a, f, sl_sprintf(a, "MaxText takes this path (%s, %s) because %s.",
                                     site->file, site->function, why));
}

static void note_consequence(sl_arena *a, sl_finding *f, const sl_resolved *t, size_t d,
                             const sl_loss *l, const sl_mesh *m)
{
    long long size = sl_mesh_size(m, l->axis);
    if (strcmp(l->axis, "expert") == 0 && is_keep(t->spec, (int)d, "expert")) {
        sl_finding_note(a, f, sl_sprintf(a,
            "Consequence: the expert dim is not split over the %lld devices of 'expert', so "
            "XLA replaces the expert-parallel AllToAll by AllGather + ReduceScatter of the "
            "expert weights (Mixtral-8x7B on 8 GPUs: about 7.4k instead of 10.9k "
            "tokens/s/device).", size));
        return;
    }
    if (!sl_dim_has_active_axis(&t->dims[d], m))
        sl_finding_note(a, f, sl_sprintf(a, "Consequence: %s is replicated over the %lld "
                                            "devices of '%s'.",
                                         dim_name(a, t, (int)d), size, l->axis));
    else
        sl_finding_note(a, f, "Consequence: a later rule for the same name applied instead "
                              "(a fallback); check that this is the layout you meant.");
}

static void report(const sl_lint_ctx *ctx, sl_findings *out, const sl_resolved *t, size_t d,
                   const sl_loss *l, sl_level level)
{
    sl_arena *a = ctx->arena;
    const sl_axis *ax = sl_mesh_axis(ctx->mesh, l->axis);
    const char *winner = dim_name(a, t, l->by_dim), *loser = dim_name(a, t, (int)d);
    sl_finding *f = sl_findings_add(a, out, &sl_rule_sl001, level, l->by_rule->loc,
        sl_sprintf(a, "tensor '%s': %s loses mesh axis '%s' (size %lld) to %s",
                   t->spec->name, loser, l->axis, ax->size, winner));
    f->key = sl_sprintf(a, "SL001:%s:%zu:%s", t->spec->name, d, l->axis);
    f->loc_label = sl_sprintf(a, "%s's rule, which takes '%s' first", winner, l->axis);
    sl_finding_note(a, f, sl_sprintf(a,
        "Rule order decides: %s comes before %s, so %s takes '%s' first and %s cannot have it.",
        sl_describe_rule(a, l->by_rule), sl_describe_rule(a, l->rule), winner, l->axis, loser));
    note_consequence(a, f, t, d, l, ctx->mesh);
    sl_finding_note(a, f, sl_sprintf(a, "'%s' is active (size %lld) because of %s.", l->axis,
                                     ax->size, sl_describe_axis(a, ax)));
    if (t->spec->site)
        note_live_conditions(a, f, t->spec->site, ctx->config);
    if (t->spec->keep_dim >= 0 && t->spec->keep_axis)
        sl_finding_note(a, f, t->spec->keep_why
            ? sl_sprintf(a, "Intent: dim %d must keep '%s' at this site. %s.", t->spec->keep_dim,
                         t->spec->keep_axis, t->spec->keep_why)
            : sl_sprintf(a, "Intent: dim %d must keep '%s' at this site.", t->spec->keep_dim,
                         t->spec->keep_axis));
    sl_finding_related(a, f, l->rule->loc, sl_sprintf(a, "%s's rule, skipped", loser));
    sl_finding_related(a, f, sl_axis_cause(ax), sl_sprintf(a, "makes '%s' active", l->axis));
    if (t->spec->loc.file || t->spec->loc.word)
        sl_finding_related(a, f, t->spec->loc, sl_sprintf(a, "tensor '%s'", t->spec->name));
    if (ctx->offer_fixes)
        sl_maxtext_fix_conflict(ctx, f, t, d, l, ax);
}

/* One finding per (tensor, dim, axis): a dim whose later rules are skipped
 * for the same axis is still one contention. */
static bool seen_before(const sl_dim *dim, size_t k)
{
    for (size_t j = 0; j < k; j++)
        if (strcmp(dim->losses[j].axis, dim->losses[k].axis) == 0)
            return true;
    return false;
}

static void check_tensor(const sl_lint_ctx *ctx, sl_findings *out, const sl_resolved *t)
{
    for (size_t d = 0; d < t->ndims; d++) {
        const sl_dim *dim = &t->dims[d];
        if (sl_identical_dim_rules(ctx->config, t, d))
            continue;
        for (size_t k = 0; k < dim->nlosses; k++) {
            const sl_loss *l = &dim->losses[k];
            if (sl_mesh_size(ctx->mesh, l->axis) <= 1 || seen_before(dim, k))
                continue;
            sl_level level = conflict_level(ctx, t, d, l);
            if (level != SL_LEVEL_NONE)
                report(ctx, out, t, d, l, level);
        }
    }
}

static void check(const sl_lint_ctx *ctx, sl_findings *out)
{
    if (!ctx->mesh)
        return;
    for (size_t i = 0; i < ctx->ntensors; i++)
        check_tensor(ctx, out, &ctx->tensors[i]);
}

const sl_rule_def sl_rule_sl001 = {
    .id = "SL001",
    .name = "mesh-axis-conflict",
    .summary = "Two dims of one tensor contend for an active mesh axis and rule order gives it "
               "to the wrong one",
    .doc = doc,
    .level = SL_LEVEL_WARNING,
    .tags = {"sharding", "performance", "moe", NULL},
    .check = check,
    .precision = "high",
};
