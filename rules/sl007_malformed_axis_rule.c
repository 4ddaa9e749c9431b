/* SL007 malformed-axis-rule: a logical_axis_rules entry that is not a
 * [name, mesh] pair MaxText can use. */
#include "shardlint/rule.h"

extern const sl_rule_def sl_rule_sl007;

static const char doc[] =
    "## What it flags\n"
    "A `logical_axis_rules` entry that is not `[name, mesh]`: a bare name, a triple,\n"
    "a name that is not a string, or a mesh that is not an axis name, a list of axis\n"
    "names, or `null`/`[]`.\n\n"
    "## Why it matters\n"
    "MaxText accepts `logical_axis_rules` as any value at config load and only reads\n"
    "the entries when it merges the rule lists (`rule[0]`) and when flax unpacks each\n"
    "entry as a pair to shard the first tensor: the run fails there, after the job has\n"
    "been scheduled and the model built, or shards nothing as intended. shardlint\n"
    "leaves the entry out and lints the rest of the config.\n\n"
    "## Example\n"
    "```yaml\n"
    "logical_axis_rules: [['activation_exp', 'expert', 'data']]\n"
    "```\n"
    "or on the command line `logical_axis_rules=\"[['activation_exp']]\"`.\n\n"
    "## Use instead\n"
    "```yaml\n"
    "logical_axis_rules: [['activation_exp', ['expert', 'data']]]\n"
    "```\n"
    "or `logical_axis_rules=\"[['activation_exp', ['expert']]]\"`.\n\n"
    "## When to ignore it\n"
    "Never: MaxText cannot use the entry.\n\n"
    "## Fix safety\n"
    "No automatic fix: what the entry was meant to say is for you to decide.\n\n"
    "## References\n"
    "MaxText `configs/pyconfig.py` `_merge_logical_axis_rules`; flax `linen/spmd.py`\n"
    "`_logical_to_mesh_axes` (`for name, axes in rules`).\n";

static void check(const sl_lint_ctx *ctx, sl_findings *out)
{
    for (size_t i = 0; i < ctx->config->nbad_rules; i++) {
        const sl_bad_rule *b = &ctx->config->bad_rules[i];
        sl_finding *f = sl_findings_add(ctx->arena, out, &sl_rule_sl007, SL_LEVEL_ERROR, b->loc,
            sl_sprintf(ctx->arena, "logical_axis_rules entry: %s; MaxText fails when it reads "
                                   "this entry", b->why));
        f->key = sl_sprintf(ctx->arena, "SL007:%s", b->why);
        f->loc_label = "the entry";
        f->stays = sl_rule_is_yaml(b->loc.file);
        sl_finding_note(ctx->arena, f, "shardlint leaves the entry out and lints the rest.");
    }
}

const sl_rule_def sl_rule_sl007 = {
    .id = "SL007",
    .name = "malformed-axis-rule",
    .summary = "A logical_axis_rules entry is not a [name, mesh] pair MaxText can use",
    .doc = doc,
    .level = SL_LEVEL_ERROR,
    .tags = {"sharding", "correctness", NULL},
    .check = check,
    .precision = "very-high",
};
