/* SL004 duplicate-logical-name: a spec names one logical axis twice, which
 * flax rejects when it resolves the spec. */
#include "shardlint/rule.h"

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

static void check(const sl_lint_ctx *ctx, sl_findings *out)
{
    for (size_t i = 0; i < ctx->nspec_errors; i++) {
        const sl_err *e = &ctx->spec_errors[i];
        sl_finding *f = sl_findings_add(ctx->arena, out, &sl_rule_sl004, SL_LEVEL_ERROR, e->loc,
                                        e->msg);
        f->key = sl_sprintf(ctx->arena, "SL004:%s", e->msg);
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
};
