/* SL107 expert-parallel-only: a setting that only works with expert
 * parallelism, in a config whose expert parallelism is 1. */
#include <string.h>

#include "shardlint/rule.h"

extern const sl_rule_def sl_rule_sl107;

static const char doc[] =
    "## What it flags\n"
    "`use_random_routing`, `use_ragged_sort`, `ragged_buffer_factor`,\n"
    "`use_ring_of_experts` or `num_moe_emb_chunks` set away from its disabled value\n"
    "(false, false, -1.0, false, 0) while the expert-parallel rank is 1. MaxText's\n"
    "rank is the product of the ICI and DCN parallelism of the axes the `exp` rule\n"
    "maps to (a -1 counts as parallel), and the check is skipped under\n"
    "`override_logical_axis_rules`.\n\n"
    "## Why it matters\n"
    "MaxText refuses the config at start-up (`When EP rank is 1, use_ring_of_experts\n"
    "must be False`). Applies to trees whose `configs/types.py` makes that check.\n\n"
    "## Example\n"
    "```yaml\n"
    "use_ring_of_experts: true\n"
    "ici_expert_parallelism: 1\n"
    "```\n"
    "or `use_ring_of_experts=true` on a launch without expert parallelism.\n\n"
    "## Use instead\n"
    "```yaml\n"
    "use_ring_of_experts: true\n"
    "ici_expert_parallelism: -1\n"
    "ici_fsdp_parallelism: 1\n"
    "```\n"
    "(`use_ring_of_experts=true ici_expert_parallelism=-1 ici_fsdp_parallelism=1`), or\n"
    "leave `use_ring_of_experts: false`.\n\n"
    "## When to ignore it\n"
    "Never for the tree that makes the check: the run does not start.\n\n"
    "## Fix safety\n"
    "The fix sets the flag back to its disabled value and is verified by linting the\n"
    "config again. It gives up what the flag was for; turning expert parallelism on\n"
    "instead changes the mesh, so it is left to you.\n\n"
    "## References\n"
    "MaxText `configs/types.py` `ep_enabled` and `set_derived_and_validate_values`\n"
    "(`_ep_disabled_flags`).\n";

static const struct {
    const char *flag;
    double off;
    const char *off_text;
} flags[] = {
    {"use_random_routing", 0, "false"}, {"use_ragged_sort", 0, "false"},
    {"ragged_buffer_factor", -1, "-1.0"}, {"use_ring_of_experts", 0, "false"},
    {"num_moe_emb_chunks", 0, "0"},
};

/* MaxText's ep_enabled: the axes of the first `exp` rule, their ICI x DCN
 * values as written (-1 meaning parallel). */
static bool ep_enabled(sl_arena *a, const sl_config *c)
{
    const sl_rule *exp = sl_config_rule(c, "exp");
    if (!exp)
        return false;
    double rank = 1;
    for (size_t i = 0; i < exp->naxes; i++) {
        double ici = sl_rule_num(c, sl_sprintf(a, "ici_%s_parallelism", exp->axes[i]), 1);
        double dcn = sl_rule_num(c, sl_sprintf(a, "dcn_%s_parallelism", exp->axes[i]), 1);
        if (ici == -1 || dcn == -1)
            return true;
        rank *= ici * (dcn > 1 ? dcn : 1);
    }
    return rank != 1;
}

static void add_fix(const sl_lint_ctx *ctx, sl_finding *f, const char *flag, const char *off,
                    const sl_node *v)
{
    sl_arena *a = ctx->arena;
    sl_fix *fix = sl_finding_fix(a, f, sl_sprintf(a, "set %s back to %s", flag, off));
    fix->override = sl_sprintf(a, "%s=%s", flag, off);
    if (sl_rule_is_yaml(v->loc.file))
        sl_fix_edit(a, fix, v->loc, v->end, off);
    sl_override ov[2] = {{.key = flag, .text = off},
                         {.key = "override_model_config", .text = "true"}};
    bool model_sets = ctx->config->model_values && sl_map_get(ctx->config->model_values, flag);
    sl_fix_change ch = {.extra = ov, .nextra = model_sets ? 2 : 1};
    sl_fix_verify_with(a, fix, &ch);
}

static void check(const sl_lint_ctx *ctx, sl_findings *out)
{
    const sl_config *c = ctx->config;
    if (!sl_rule_tree_checks(ctx, "When EP rank is 1") ||
        sl_rule_truthy(c, "override_logical_axis_rules") || ep_enabled(ctx->arena, c))
        return;
    sl_arena *a = ctx->arena;
    for (size_t i = 0; i < sizeof flags / sizeof *flags; i++) {
        const sl_node *v = sl_config_get(c, flags[i].flag);
        if (!v || sl_rule_num(c, flags[i].flag, flags[i].off) == flags[i].off)
            continue;
        sl_finding *f = sl_findings_add(a, out, &sl_rule_sl107, SL_LEVEL_ERROR, v->loc,
            sl_sprintf(a, "%s=%s needs expert parallelism, but the expert-parallel rank is 1; "
                          "MaxText refuses this at start-up",
                       flags[i].flag, sl_node_render(a, v)));
        f->key = sl_sprintf(a, "SL107:%s", flags[i].flag);
        f->loc_label = "the setting";
        f->stays = sl_rule_is_yaml(v->loc.file);
        const sl_rule *exp = sl_config_rule(c, "exp");
        sl_finding_note(a, f, exp ? sl_sprintf(a, "The rank is the parallelism of the axes "
                                                  "of %s.", sl_describe_rule(a, exp))
                                  : "No rule maps `exp`, so no axis is expert-parallel.");
        if (sl_rule_tree_assumed(ctx))
            sl_finding_note(a, f, "No MaxText config code was found with this config; this is "
                                  "MaxText's check as of " SL_MAXTEXT_COMMIT ".");
        if (ctx->offer_fixes)
            add_fix(ctx, f, flags[i].flag, flags[i].off_text, v);
    }
}

const sl_rule_def sl_rule_sl107 = {
    .id = "SL107",
    .name = "expert-parallel-only",
    .summary = "A setting that needs expert parallelism, with expert parallelism 1; MaxText "
               "refuses it",
    .doc = doc,
    .level = SL_LEVEL_ERROR,
    .tags = {"maxtext", "moe", "correctness", NULL},
    .check = check,
    .precision = "very-high",
};
