/* SL002 replicated-activation: an activation whose batch dim has rules ends
 * up on no active mesh axis while the model's batch is split, or loses a
 * batch axis that MaxText's dispatch flag hands to a dim with no rule for it.
 * Tensors replicated for one cause are one finding. */
#include <string.h>

#include "shardlint/rule.h"

extern const sl_rule_def sl_rule_sl002;

static const char doc[] =
    "## What it flags\n"
    "An activation tensor that is sharded on no active mesh axis at all, although its\n"
    "batch dim has rules and the model's batch (`activation_batch`) is split over an\n"
    "active axis. Every device then holds and computes the whole tensor. The finding\n"
    "names the cause the resolution records:\n"
    "- the batch dim's rule lists only axes of size 1 on this mesh;\n"
    "- the batch dim's rule could not apply because another dim of the tensor took one\n"
    "  of its axes first. flax skips a rule when any of its axes is taken, and MaxText\n"
    "  drops size-1 axes only afterwards, so even an axis of size 1 blocks the whole\n"
    "  rule (`prefill_activation_length -> [data]` before `activation_batch -> [data,\n"
    "  fsdp, ...]` leaves prefill activations replicated over fsdp);\n"
    "- `moe_dispatch_no_expert_sharding: true` removes `expert` from the dispatch and\n"
    "  MLP batch dim so that the expert dim takes it through its `activation_exp` rule,\n"
    "  but the config has no such rule: the tensor is then replicated over `expert`\n"
    "  even when other axes still split it.\n"
    "Tensors replicated for one cause (one rule, one blocking rule) are one finding,\n"
    "with each tensor as a related location.\n\n"
    "This last case is SL002 and not SL001: no two dims contend for `expert` (SL001's\n"
    "premise); the tensor simply lands on no `expert` shard, which is what SL002 reports.\n\n"
    "## Why it matters\n"
    "MaxText had this regression when `activation_batch_moe` lost `expert`: on a mesh\n"
    "where `expert` is the only active axis, MoE activations such as the gate logits\n"
    "`(activation_batch_moe, activation_length_moe, None)` became fully replicated,\n"
    "multiplying their memory and the router's work by the expert-parallel degree.\n\n"
    "## Not flagged\n"
    "A batch dim whose rule maps it to `[]` or `null` on purpose (`['cache_batch', []]`)\n"
    "is replicated by design.\n\n"
    "## How to fix\n"
    "- Axes of size 1 only: let the batch dim's rule list the active batch axes (for MoE\n"
    "  activations, `expert` too), and solve any conflict this creates for the dispatch\n"
    "  tensors with `moe_dispatch_no_expert_sharding: true` or a no-expert batch rule\n"
    "  (see SL001).\n"
    "- Blocked rule: list the batch dim's rule before the blocking rule (the offered\n"
    "  fix re-adds the blocking rules as an override, which MaxText appends at the end\n"
    "  of the list), or drop the taken axis from the blocking rule.\n"
    "- Dispatch flag without a taker: add `['activation_exp', ['expert']]`, or turn\n"
    "  `moe_dispatch_no_expert_sharding` off.\n"
    "Every offered fix is applied to a copy of the config and linted again.\n";

typedef enum { CAUSE_SIZE1, CAUSE_BLOCKED, CAUSE_PEELED } cause_kind;

/* Why one tensor is replicated; tensors with the same key share it. */
typedef struct {
    cause_kind kind;
    int dim;                   /* the batch dim */
    const sl_dim *d;
    const char *axis;          /* PEELED: the axis the flag removed */
    int taker;                 /* PEELED: the dim meant to take it, or -1 */
    const char *key;
} cause;

/* The batch-like dim: the catalog's, else the first dim named like a batch. */
static int batch_dim(const sl_spec *s)
{
    if (s->site)
        return s->site->batch_dim;
    for (size_t d = 0; d < s->ndims; d++)
        if (s->logical[d] && strstr(s->logical[d], "batch"))
            return (int)d;
    return -1;
}

static bool tensor_has_active_axis(const sl_resolved *t, const sl_mesh *m)
{
    for (size_t d = 0; d < t->ndims; d++)
        if (sl_dim_has_active_axis(&t->dims[d], m))
            return true;
    return false;
}

static bool dim_holds(const sl_dim *d, const char *axis)
{
    for (size_t i = 0; i < d->nphysical; i++)
        if (strcmp(d->physical[i], axis) == 0)
            return true;
    return false;
}

static bool rule_lists(const sl_rule *r, const char *axis)
{
    for (size_t i = 0; r && i < r->naxes; i++)
        if (strcmp(r->axes[i], axis) == 0)
            return true;
    return false;
}

/* "'data' (size 1), 'fsdp' (size 8)" */
static const char *axes_text(sl_arena *a, const char *const *axes, size_t n, const sl_mesh *m)
{
    const char *s = "";
    for (size_t i = 0; i < n; i++)
        s = sl_sprintf(a, "%s%s'%s' (size %lld)", s, i ? ", " : "", axes[i],
                       sl_mesh_size(m, axes[i]));
    return s;
}

/* The active axes the model splits its batch over, from `activation_batch`. */
static const char *batch_axes(const sl_lint_ctx *ctx)
{
    sl_spec spec = {.name = "activation_batch", .logical = {"activation_batch"}, .ndims = 1,
                    .keep_dim = -1, .peel_dim = -1};
    sl_resolved r;
    sl_spec_error err;
    if (sl_resolve(ctx->arena, &ctx->config->table, ctx->mesh, &spec, &r, &err) != 0 ||
        !r.dims[0].nphysical)
        return NULL;
    return axes_text(ctx->arena, r.dims[0].physical, r.dims[0].nphysical, ctx->mesh);
}

/* The flag removed an active axis from the batch dim and no dim holds it. */
static bool peeled_away(const sl_lint_ctx *ctx, const sl_resolved *t, int b, cause *c)
{
    const sl_spec *s = t->spec;
    if (s->peel_dim != b || !s->peel_axis || sl_mesh_size(ctx->mesh, s->peel_axis) <= 1 ||
        !rule_lists(t->dims[b].rule, s->peel_axis))
        return false;
    for (size_t d = 0; d < t->ndims; d++)
        if (dim_holds(&t->dims[d], s->peel_axis))
            return false;
    int taker = s->keep_axis && strcmp(s->keep_axis, s->peel_axis) == 0 ? s->keep_dim : -1;
    *c = (cause){.kind = CAUSE_PEELED, .dim = b, .d = &t->dims[b], .axis = s->peel_axis,
                 .taker = taker};
    c->key = sl_sprintf(ctx->arena, "SL002:peel:%s:%s", s->peel_axis,
                        taker >= 0 && t->dims[taker].logical ? t->dims[taker].logical : "");
    return true;
}

/* The batch dim's own rules that decided it, as a key: the rule that filled
 * it and each of its rules blocked (with the axis taken). Which other dim
 * blocked one does not split the cause: prefill length and norm-length specs
 * blocking one batch rule are one problem with one fix. */
static const char *rules_key(sl_arena *a, const sl_dim *d)
{
    const char *k = sl_sprintf(a, "SL002:%s:%zu", d->logical, d->rule ? d->rule->index : (size_t)-1);
    for (size_t i = 0; i < d->nlosses; i++)
        k = sl_sprintf(a, "%s:%zu-%s", k, d->losses[i].rule->index, d->losses[i].axis);
    return k;
}

static bool tensor_cause(const sl_lint_ctx *ctx, const sl_resolved *t, cause *c)
{
    int b = batch_dim(t->spec);
    if (b < 0 || (size_t)b >= t->ndims || !t->dims[b].logical)
        return false;
    const sl_dim *d = &t->dims[b];
    if (peeled_away(ctx, t, b, c))
        return true;
    /* A rule mapping the name to [] or null replicates it on purpose. */
    if (tensor_has_active_axis(t, ctx->mesh) || !sl_config_rule(ctx->config, d->logical) ||
        (d->rule && d->naxes == 0))
        return false;
    *c = (cause){.kind = d->rule ? CAUSE_SIZE1 : CAUSE_BLOCKED, .dim = b, .d = d, .taker = -1,
                 .key = rules_key(ctx->arena, d)};
    return d->rule || d->nlosses > 0;
}

/* ---- words ------------------------------------------------------------------ */

/* "`a` -> [x] (f:1:2) or `b` -> [x] (f:2:2)" for the blocking rules of one
 * blocked rule and axis. */
static const char *blockers_text(sl_arena *a, const sl_vec *losses, const sl_loss *l,
                                 bool names_only)
{
    const char *s = "";
    for (size_t i = 0; i < losses->n; i++) {
        const sl_loss *x = losses->items[i];
        if (x->rule != l->rule || strcmp(x->axis, l->axis) != 0)
            continue;
        const char *one = names_only ? sl_sprintf(a, "`%s`", x->by_rule->name)
                                     : sl_describe_rule(a, x->by_rule);
        s = sl_sprintf(a, "%s%s%s", s, *s ? (names_only ? " and " : " or ") : "", one);
    }
    return s;
}

/* One note per blocked rule of the batch dim, naming every rule that took
 * the axis first in one of the tensors. */
static void note_losses(sl_arena *a, sl_finding *f, const sl_vec *losses, const sl_mesh *m)
{
    for (size_t i = 0; i < losses->n; i++) {
        const sl_loss *l = losses->items[i];
        bool first = true;
        for (size_t k = 0; k < i && first; k++) {
            const sl_loss *x = losses->items[k];
            first = x->rule != l->rule || strcmp(x->axis, l->axis) != 0;
        }
        if (!first)
            continue;
        sl_finding_note(a, f, sl_sprintf(a,
            "%s could not apply: another dim of the tensor had already taken '%s' through %s, "
            "and flax skips a rule when any of its axes is taken.",
            sl_describe_rule(a, l->rule), l->axis, blockers_text(a, losses, l, false)));
        if (sl_mesh_size(m, l->axis) == 1)
            sl_finding_note(a, f, sl_sprintf(a,
                "'%s' has size 1 on this mesh, yet it blocks the rule: MaxText drops size-1 "
                "axes only after flax has assigned them.", l->axis));
    }
}

static void note_cause(const sl_lint_ctx *ctx, sl_finding *f, const cause *c,
                       const sl_vec *losses)
{
    sl_arena *a = ctx->arena;
    note_losses(a, f, losses, ctx->mesh);
    if (c->kind == CAUSE_SIZE1)
        sl_finding_note(a, f, sl_sprintf(a, "%s gives the batch dim only axes of size 1 on this "
                                            "mesh: %s.",
                                         sl_describe_rule(a, c->d->rule),
                                         axes_text(a, c->d->axes, c->d->naxes, ctx->mesh)));
    sl_finding_note(a, f, "Consequence: each device stores and computes the whole tensor "
                          "instead of its share of the batch.");
    const sl_loss *l = c->d->nlosses ? &c->d->losses[0] : NULL;
    if (c->kind == CAUSE_BLOCKED)
        sl_finding_note(a, f, sl_sprintf(a, "help: list the `%s` rule before %s (or drop '%s' "
                                            "from them), so the batch dim's rule applies first.",
                                         c->d->logical, blockers_text(a, losses, l, true),
                                         l->axis));
    else
        sl_finding_note(a, f, sl_sprintf(a, "help: add the active batch axes to the `%s` rule; "
                                            "if that makes dispatch tensors contend for "
                                            "'expert', fix that as SL001 says.", c->d->logical));
}

/* A rule as a launch word writes it: ['name', ['a', 'b']]. */
static const char *rule_text(sl_arena *a, const sl_rule *r)
{
    const char *axes = "";
    for (size_t i = 0; i < r->naxes; i++)
        axes = sl_sprintf(a, "%s%s'%s'", axes, i ? ", " : "", r->axes[i]);
    return r->axes_is_list || !r->naxes ? sl_sprintf(a, "['%s', [%s]]", r->name, axes)
                                        : sl_sprintf(a, "['%s', %s]", r->name, axes);
}

static bool named_in(const sl_vec *losses, const char *name)
{
    for (size_t i = 0; i < losses->n; i++)
        if (strcmp(((const sl_loss *)losses->items[i])->by_rule->name, name) == 0)
            return true;
    return false;
}

/* Every rule of the blocking names, in list order, as an override list:
 * MaxText removes them and appends them at the end. */
static const char *rules_override(sl_arena *a, const sl_config *cfg, const sl_vec *losses)
{
    const char *list = "";
    for (size_t i = 0; i < cfg->nrules; i++)
        if (named_in(losses, cfg->rules[i].name))
            list = sl_sprintf(a, "%s%s%s", list, *list ? ", " : "", rule_text(a, &cfg->rules[i]));
    return sl_sprintf(a, "[%s]", list);
}

/* The blocking rules moved after the batch rule: an override re-adds them,
 * and MaxText puts override rules at the end of the list. */
static void offer_reorder(const sl_lint_ctx *ctx, sl_finding *f, const cause *c,
                          const sl_vec *losses)
{
    sl_arena *a = ctx->arena;
    const char *list = rules_override(a, ctx->config, losses);
    sl_fix *fix = sl_finding_fix(a, f, sl_sprintf(a,
        "move the rules of %s after the `%s` rule: as an override they are appended at the end "
        "of logical_axis_rules", blockers_text(a, losses, &c->d->losses[0], true),
        c->d->logical));
    fix->override = sl_sprintf(a, "logical_axis_rules=%s", list);
    fix->preferred = true;
    sl_override ov = {.key = "logical_axis_rules", .text = list};
    sl_fix_change ch = {.extra = &ov, .nextra = 1};
    sl_fix_verify_with(a, fix, &ch);
}

/* ---- a finding per cause ------------------------------------------------------- */

typedef struct {
    cause c;
    const sl_resolved *first;
    sl_vec tensors;            /* const sl_resolved * */
    sl_vec losses;             /* const sl_loss *: the batch dim's, each blocker once */
} group;

static void add_losses(sl_arena *a, group *g, const sl_dim *d)
{
    for (size_t i = 0; i < d->nlosses; i++) {
        const sl_loss *l = &d->losses[i];
        bool seen = false;
        for (size_t k = 0; k < g->losses.n && !seen; k++) {
            const sl_loss *x = g->losses.items[k];
            seen = x->rule == l->rule && x->by_rule == l->by_rule && strcmp(x->axis, l->axis) == 0;
        }
        if (!seen)
            sl_vec_push(a, &g->losses, (void *)l);
    }
}

static const char *peel_message(sl_arena *a, const group *g, const sl_mesh *m)
{
    const sl_resolved *t = g->first;
    long long size = sl_mesh_size(m, g->c.axis);
    if (g->tensors.n == 1)
        return sl_sprintf(a, "tensor '%s' is replicated over '%s' (size %lld): "
                             "moe_dispatch_no_expert_sharding removes it from batch dim %d (%s) "
                             "and no dim takes it",
                          t->spec->name, g->c.axis, size, g->c.dim, g->c.d->logical);
    return sl_sprintf(a, "%zu tensors are replicated over '%s' (size %lld): "
                         "moe_dispatch_no_expert_sharding removes it from their batch dim (%s) "
                         "and no dim takes it",
                      g->tensors.n, g->c.axis, size, g->c.d->logical);
}

static const char *message(sl_arena *a, const group *g, const char *axes)
{
    if (g->tensors.n == 1)
        return sl_sprintf(a, "tensor '%s' is replicated on every device: its batch dim %d (%s) "
                             "gets no active mesh axis, while the model's batch is split over %s",
                          g->first->spec->name, g->c.dim, g->c.d->logical, axes);
    return sl_sprintf(a, "%zu tensors are replicated on every device: their batch dim (%s) gets "
                         "no active mesh axis, while the model's batch is split over %s",
                      g->tensors.n, g->c.d->logical, axes);
}

/* Each tensor as a related location; those without one (catalog sites no
 * scanned code places) in a note. */
static void list_tensors(sl_arena *a, sl_finding *f, const group *g)
{
    const char *unplaced = "";
    size_t placed = 0;
    /* Built whole: a group can hold thousands of scanned tensors, and
     * adding them one related location at a time copied the list each time. */
    sl_related *rel = sl_alloc(a, (g->tensors.n + 1) * sizeof *rel);
    for (size_t i = 0; i < g->tensors.n; i++) {
        const sl_spec *s = ((const sl_resolved *)g->tensors.items[i])->spec;
        if (s->loc.file || s->loc.word)
            rel[placed++] = (sl_related){s->loc, sl_sprintf(a, "tensor '%s'", s->name)};
        else if (g->tensors.n > 1)
            unplaced = sl_sprintf(a, "%s%s%s", unplaced, *unplaced ? ", " : "", s->name);
    }
    f->related = sl_array_concat(a, f->related, f->nrelated, rel, placed, sizeof *rel);
    f->nrelated += placed;
    if (*unplaced)
        sl_finding_note(a, f, sl_sprintf(a, "%s: %s.", placed ? "Also" : "Tensors", unplaced));
}

static void note_peel(const sl_lint_ctx *ctx, sl_finding *f, const group *g)
{
    sl_arena *a = ctx->arena;
    const sl_resolved *t = g->first;
    const char *taker = g->c.taker >= 0 ? t->dims[g->c.taker].logical : NULL;
    const sl_rule *rule = taker ? sl_config_rule(ctx->config, taker) : NULL;
    const char *lack = !taker ? "no dim of the tensor lists it"
                       : rule ? sl_sprintf(a, "%s does not list '%s'", sl_describe_rule(a, rule),
                                           g->c.axis)
                              : sl_sprintf(a, "this config has no `%s` rule", taker);
    const sl_node *flag = sl_config_get(ctx->config, "moe_dispatch_no_expert_sharding");
    sl_finding_note(a, f, sl_sprintf(a,
        "`moe_dispatch_no_expert_sharding: true` (%s) resolves the dims one by one and removes "
        "'%s' from the batch dim, leaving it to %s; but %s, so no dim is split over '%s'.",
        flag ? sl_describe_loc(a, flag->loc) : "set", g->c.axis,
        taker ? sl_sprintf(a, "dim %d (%s)", g->c.taker, taker) : "the expert dim", lack,
        g->c.axis));
    const sl_axis *ax = sl_mesh_axis(ctx->mesh, g->c.axis);
    sl_finding_note(a, f, sl_sprintf(a, "'%s' is active (size %lld) because of %s.", g->c.axis,
                                     ax->size, sl_describe_axis(a, ax)));
    sl_finding_note(a, f, sl_sprintf(a, "Consequence: %s not split over the %lld "
                                        "devices of '%s'.%s%s%s",
                                     g->tensors.n == 1 ? "the tensor is" : "these tensors are",
                                     ax->size, g->c.axis,
                                     t->spec->keep_why ? " " : "",
                                     t->spec->keep_why ? t->spec->keep_why : "",
                                     t->spec->keep_why ? "." : ""));
    sl_finding_note(a, f, sl_sprintf(a, "help: add a rule giving `%s` '%s', or set "
                                        "`moe_dispatch_no_expert_sharding: false`.",
                                     taker ? taker : "the expert dim", g->c.axis));
}

static void report_peel(const sl_lint_ctx *ctx, sl_findings *out, const group *g)
{
    sl_arena *a = ctx->arena;
    const sl_node *flag = sl_config_get(ctx->config, "moe_dispatch_no_expert_sharding");
    sl_loc at = flag ? flag->loc : g->c.d->rule->loc;
    sl_finding *f = sl_findings_add(a, out, &sl_rule_sl002, SL_LEVEL_WARNING, at,
                                    peel_message(a, g, ctx->mesh));
    f->key = g->c.key;
    f->loc_label = "moe_dispatch_no_expert_sharding, which removes the axis";
    note_peel(ctx, f, g);
    sl_finding_related(a, f, g->c.d->rule->loc, sl_sprintf(a, "the batch dim's rule, which "
                                                              "lists '%s'", g->c.axis));
    list_tensors(a, f, g);
    const char *taker = g->c.taker >= 0 ? g->first->dims[g->c.taker].logical : NULL;
    if (ctx->offer_fixes)
        sl_maxtext_fix_peel_taker(ctx, f, g->c.d->rule, taker, g->c.axis);
}

static void report(const sl_lint_ctx *ctx, sl_findings *out, const group *g, const char *axes)
{
    sl_arena *a = ctx->arena;
    const sl_rule *at = g->c.d->rule ? g->c.d->rule : g->c.d->losses[0].rule;
    sl_finding *f = sl_findings_add(a, out, &sl_rule_sl002, SL_LEVEL_WARNING, at->loc,
                                    message(a, g, axes));
    f->key = g->c.key;
    f->loc_label = "the rule of the batch dim";
    note_cause(ctx, f, &g->c, &g->losses);
    for (size_t i = 0; i < g->losses.n; i++) {
        const sl_loss *l = g->losses.items[i];
        sl_finding_related(a, f, l->by_rule->loc, sl_sprintf(a, "takes '%s' first", l->axis));
    }
    list_tensors(a, f, g);
    if (g->c.kind == CAUSE_BLOCKED && ctx->offer_fixes)
        offer_reorder(ctx, f, &g->c, &g->losses);
}

static void check(const sl_lint_ctx *ctx, sl_findings *out)
{
    if (!ctx->mesh)
        return;
    sl_arena *a = ctx->arena;
    const char *axes = batch_axes(ctx);
    sl_strmap at = {0};
    sl_vec groups = {0};
    for (size_t i = 0; i < ctx->ntensors; i++) {
        const sl_resolved *t = &ctx->tensors[i];
        cause c;
        if (!tensor_cause(ctx, t, &c) || (c.kind != CAUSE_PEELED && !axes))
            continue;
        size_t k;
        if (!sl_strmap_get(&at, c.key, &k)) {
            group *g = sl_alloc(a, sizeof *g);
            *g = (group){.c = c, .first = t};
            k = groups.n;
            sl_strmap_put(a, &at, c.key, k);
            sl_vec_push(a, &groups, g);
        }
        group *g = groups.items[k];
        sl_vec_push(a, &g->tensors, (void *)t);
        add_losses(a, g, c.d);
    }
    for (size_t i = 0; i < groups.n; i++) {
        const group *g = groups.items[i];
        if (g->c.kind == CAUSE_PEELED)
            report_peel(ctx, out, g);
        else
            report(ctx, out, g, axes);
    }
}

const sl_rule_def sl_rule_sl002 = {
    .id = "SL002",
    .name = "replicated-activation",
    .summary = "An activation's batch dim has rules but the tensor ends up on no active mesh "
               "axis while the batch is split",
    .doc = doc,
    .level = SL_LEVEL_WARNING,
    .tags = {"sharding", "performance", "memory", NULL},
    .check = check,
    .precision = "medium",
};
