/* SL004 duplicate-logical-name: a spec names one logical axis twice, which
 * flax rejects when it resolves the spec. */
#include "shardlint/rule.h"

extern const sl_rule_def sl_rule_sl004;

static const char doc[] =
    "## What it flags\n"
    "A tensor spec in which one logical name appears on two dims, such as\n"
    "`(activation_batch, activation_batch, None)`.\n\n"
    "## Why it matters\n"
    "flax's `logical_to_mesh_axes` raises `ValueError: Unsupported: Dimensions (...) occur\n"
    "more than once in array names` the first time the tensor is sharded, so the run\n"
    "fails when it traces the model.\n\n"
    "## How to fix\n"
    "Give each dim its own logical name, and a rule for the new name in\n"
    "`logical_axis_rules`.\n";

static const char *message(sl_arena *a, const sl_spec_error *e)
{
    const char *name = e->spec->name ? e->spec->name : "?";
    switch (e->kind) {
    case SL_SPEC_REPEATED_NAME:
        return sl_sprintf(a, "logical name '%s' appears twice in spec '%s'; flax rejects this",
                          e->name, name);
    case SL_SPEC_TOO_MANY_DIMS:
        return sl_sprintf(a, "spec '%s' has %zu dims; at most %d are supported", name,
                          e->spec->ndims, SL_MAX_DIMS);
    case SL_SPEC_BAD_PEEL:
        return sl_sprintf(a, "spec '%s' peels dim %d but has %zu dims", name,
                          e->spec->peel_dim, e->spec->ndims);
    }
    return "the spec cannot be resolved";
}

static void check(const sl_lint_ctx *ctx, sl_findings *out)
{
    for (size_t i = 0; i < ctx->nspec_errors; i++) {
        const sl_spec_error *e = &ctx->spec_errors[i];
        const char *msg = message(ctx->arena, e);
        sl_finding *f = sl_findings_add(ctx->arena, out, &sl_rule_sl004, SL_LEVEL_ERROR,
                                        e->spec->loc, msg);
        f->key = sl_sprintf(ctx->arena, "SL004:%s", msg);
        f->loc_label = "the spec";
    }
}

const sl_rule_def sl_rule_sl004 = {
    .id = "SL004",
    .name = "duplicate-logical-name",
    .summary = "A tensor spec uses one logical name on two dims; flax rejects it",
    .doc = doc,
    .level = SL_LEVEL_ERROR,
    .tags = {"sharding", "correctness", NULL},
    .check = check,
    .precision = "very-high",
};
