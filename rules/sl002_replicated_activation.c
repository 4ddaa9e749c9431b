/* SL002 replicated-activation: an activation whose batch dim has rules ends
 * up on no active mesh axis while the model's batch is split. */
#include <string.h>

#include "shardlint/rule.h"

extern const sl_rule_def sl_rule_sl002;

static const char doc[] =
    "## What it flags\n"
    "An activation tensor that is sharded on no active mesh axis at all, although its\n"
    "batch dim has rules and the model's batch (`activation_batch`) is split over an\n"
    "active axis. Every device then holds and computes the whole tensor.\n\n"
    "## Why it matters\n"
    "MaxText had this regression when `activation_batch_moe` lost `expert`: on a mesh\n"
    "where `expert` is the only active axis, MoE activations such as the gate logits\n"
    "`(activation_batch_moe, activation_length_moe, None)` became fully replicated,\n"
    "multiplying their memory and the router's work by the expert-parallel degree.\n\n"
    "## How to fix\n"
    "Let the batch dim's rule list the active batch axes (for MoE activations, `expert`\n"
    "too), and solve any conflict that this creates for the dispatch tensors with\n"
    "`moe_dispatch_no_expert_sharding: true` or a no-expert batch rule (see SL001).\n";

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

/* The active axes the model splits its batch over, from `activation_batch`. */
static const char *batch_axes(const sl_lint_ctx *ctx)
{
    sl_spec spec = {.name = "activation_batch", .logical = {"activation_batch"}, .ndims = 1,
                    .keep_dim = -1, .peel_dim = -1};
    sl_resolved r;
    sl_spec_error err;
    if (sl_resolve(ctx->arena, &ctx->config->table, ctx->mesh, &spec, &r, &err) != 0)
        return NULL;
    const char *axes = NULL;
    for (size_t i = 0; i < r.dims[0].nphysical; i++) {
        const char *ax = r.dims[0].physical[i];
        axes = sl_sprintf(ctx->arena, "%s%s'%s' (size %lld)", axes ? axes : "", axes ? ", " : "",
                          ax, sl_mesh_size(ctx->mesh, ax));
    }
    return axes;
}

static void report(const sl_lint_ctx *ctx, sl_findings *out, const sl_resolved *t, int b,
                   const sl_rule *rule, const char *axes)
{
    sl_arena *a = ctx->arena;
    const sl_rule *given = t->dims[b].rule ? t->dims[b].rule : rule;
    sl_finding *f = sl_findings_add(a, out, &sl_rule_sl002, SL_LEVEL_WARNING, given->loc,
        sl_sprintf(a, "tensor '%s' is replicated on every device: its batch dim %d (%s) gets no "
                      "active mesh axis, while the model's batch is split over %s",
                   t->spec->name, b, t->dims[b].logical, axes));
    f->key = sl_sprintf(a, "SL002:%s", t->spec->name);
    f->loc_label = sl_sprintf(a, "the rule of batch dim %d", b);
    sl_finding_note(a, f, sl_sprintf(a, "%s gives dim %d only axes of size 1 on this mesh.",
                                     sl_describe_rule(a, given), b));
    sl_finding_note(a, f, "Consequence: each device stores and computes the whole tensor "
                          "instead of its share of the batch.");
    sl_finding_note(a, f, sl_sprintf(a, "help: add the active batch axes to the `%s` rule; if "
                                        "that makes dispatch tensors contend for 'expert', fix "
                                        "that as SL001 says.", t->dims[b].logical));
    if (t->spec->loc.file || t->spec->loc.word)
        sl_finding_related(a, f, t->spec->loc, sl_sprintf(a, "tensor '%s'", t->spec->name));
}

static void check(const sl_lint_ctx *ctx, sl_findings *out)
{
    if (!ctx->mesh)
        return;
    const char *axes = batch_axes(ctx);
    if (!axes)
        return;
    for (size_t i = 0; i < ctx->ntensors; i++) {
        const sl_resolved *t = &ctx->tensors[i];
        int b = batch_dim(t->spec);
        if (b < 0 || !t->dims[b].logical || tensor_has_active_axis(t, ctx->mesh))
            continue;
        const sl_rule *rule = sl_config_rule(ctx->config, t->dims[b].logical);
        if (rule)
            report(ctx, out, t, b, rule, axes);
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
