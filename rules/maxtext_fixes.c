/* The fixes MaxText offers for the expert double-map (SL001), in order of
 * preference: the moe_dispatch_no_expert_sharding flag where the tree has
 * it, else a no-expert batch rule with the model-code rename, and, not
 * recommended, dropping 'expert' from activation_batch_moe; and for that flag
 * left without a dim to take 'expert' (SL002), the missing rule or the flag
 * turned off. Each carries its change so the engine lints the patched config
 * again. */
#include <string.h>

#include "shardlint/rule.h"

#define NO_EXP_RULE "[['activation_batch_no_exp', ['data', 'fsdp', 'fsdp_transpose']]]"
#define BATCH_MOE_NO_EXPERT "[['activation_batch_moe', ['data', 'fsdp', 'fsdp_transpose']]]"

/* The flag is written where the user turned expert parallelism on: in that
 * YAML file (its own value replaced, or a line added after the setting), as
 * a word before the setting's word in a launch script, or only as an
 * override when the setting came from the command line. */
static void flag_fix_edit(sl_arena *a, sl_fix *fix, const sl_config *c, const sl_axis *ax,
                          const char *flag)
{
    sl_loc cause = sl_axis_cause(ax);
    if (!cause.file)
        return;
    if (!sl_rule_is_yaml(cause.file)) {
        sl_fix_edit(a, fix, cause, cause, sl_sprintf(a, "%s=true ", flag));
        return;
    }
    const sl_node *cur = sl_config_get(c, flag);
    if (cur && cur->loc.file && strcmp(cur->loc.file, cause.file) == 0) {
        sl_fix_edit(a, fix, cur->loc, cur->end, "true");
        return;
    }
    sl_loc at = {.file = cause.file, .line = cause.line + 1, .col = 1};
    sl_fix_edit(a, fix, at, at, sl_sprintf(a, "%s: true\n", flag));
}

static sl_override fix_override(const char *key, const char *text)
{
    return (sl_override){.key = key, .text = text};
}

/* Rules a fix adds: where the model file has a rule list, MaxText refuses a
 * logical_axis_rules override (SL101), so the change stands for an edit of
 * the model file and no command-line form is offered. */
static sl_override rules_change(const sl_lint_ctx *ctx, sl_fix *fix, const char *list)
{
    bool model_has = ctx->config->model_values &&
                     sl_map_get(ctx->config->model_values, "logical_axis_rules");
    if (!model_has)
        fix->override = sl_sprintf(ctx->arena, "logical_axis_rules=%s", list);
    return (sl_override){.key = "logical_axis_rules", .text = list, .in_model = model_has};
}

static void add_flag_fix(const sl_lint_ctx *ctx, sl_finding *f, const sl_site *site,
                         const sl_axis *ax)
{
    sl_arena *a = ctx->arena;
    sl_fix *fix = sl_finding_fix(a, f, sl_sprintf(a,
        "set `%s: true`: MaxText then resolves the dispatch/MLP dims one by one and drops "
        "'expert' from the batch dim, so the expert dim keeps it", site->peel_flag));
    fix->override = sl_sprintf(a, "%s=true", site->peel_flag);
    fix->preferred = true;
    flag_fix_edit(a, fix, ctx->config, ax, site->peel_flag);
    sl_override ov[2] = {fix_override(site->peel_flag, "true"),
                         fix_override("override_model_config", "true")};
    bool model_sets = ctx->config->model_values &&
                      sl_map_get(ctx->config->model_values, site->peel_flag);
    sl_fix_change ch = {.extra = ov, .nextra = model_sets ? 2 : 1};
    sl_fix_verify_with(ctx->arena, fix, &ch);
}

/* Catalog sites whose batch dim the flag would peel: the same sites need the
 * no-exp logical name when the tree has no flag. */
static size_t peel_site_patches(const sl_lint_ctx *ctx, sl_spec_patch *out, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < ctx->ntensors && n < max; i++) {
        const sl_site *site = ctx->tensors[i].spec->site;
        if (!site || !site->peel_flag)
            continue;
        out[n].site_id = site->id;
        out[n].dim = site->peel_dim;
        out[n++].logical = "activation_batch_no_exp";
    }
    return n;
}

static void no_exp_code_edits(const sl_lint_ctx *ctx, sl_fix *fix, const sl_spec_patch *p,
                              size_t np)
{
    for (size_t i = 0; i < np; i++)
        for (size_t k = 0; k < ctx->nsite_locs; k++) {
            const sl_site_loc *sl = &ctx->site_locs[k];
            if (strcmp(sl->site->id, p[i].site_id) != 0 || !sl->dim_locs[p[i].dim].file)
                continue;
            sl_loc at = sl->dim_locs[p[i].dim];
            sl_loc end = at;
            end.col += (int)strlen("\"activation_batch_moe\"");
            sl_fix_edit(ctx->arena, fix, at, end, "\"activation_batch_no_exp\"");
        }
}

static void add_no_exp_fix(const sl_lint_ctx *ctx, sl_finding *f)
{
    sl_arena *a = ctx->arena;
    sl_fix *fix = sl_finding_fix(a, f,
        "add the rule ['activation_batch_no_exp', ['data', 'fsdp', 'fsdp_transpose']] and use "
        "`activation_batch_no_exp` as the batch dim of the dispatch and MLP activations in the "
        "model code, so that dim no longer asks for 'expert'");
    fix->preferred = true;
    const sl_rule *moe = sl_config_rule(ctx->config, "activation_batch_moe");
    if (moe && moe->loc.file) {
        sl_loc at = {.file = moe->loc.file, .line = moe->loc.line + 1, .col = 1};
        sl_fix_edit(a, fix, at, at, sl_sprintf(a, "%*s['activation_batch_no_exp', ['data', "
                                                  "'fsdp', 'fsdp_transpose']],\n",
                                               moe->loc.col - 1, ""));
    }
    sl_spec_patch patches[8];
    size_t np = peel_site_patches(ctx, patches, 8);
    no_exp_code_edits(ctx, fix, patches, np);
    sl_override ov = rules_change(ctx, fix, NO_EXP_RULE);
    sl_fix_change ch = {.extra = &ov, .nextra = 1, .patches = patches, .npatches = np};
    sl_fix_verify_with(ctx->arena, fix, &ch);
}

static void add_batch_moe_fix(const sl_lint_ctx *ctx, sl_finding *f)
{
    sl_arena *a = ctx->arena;
    sl_fix *fix = sl_finding_fix(a, f,
        "not recommended: drop 'expert' from the `activation_batch_moe` rule; this ends the "
        "conflict for every MoE tensor that uses that name");
    fix->override = "logical_axis_rules=" BATCH_MOE_NO_EXPERT;
    sl_override ov = fix_override("logical_axis_rules", BATCH_MOE_NO_EXPERT);
    sl_fix_change ch = {.extra = &ov, .nextra = 1};
    sl_fix_verify_with(ctx->arena, fix, &ch);
}

/* The flag written where it is set: a YAML value replaced; for a launch's
 * word or a command-line word, the override alone. */
static void flag_off_fix(const sl_lint_ctx *ctx, sl_finding *f, const char *flag)
{
    sl_arena *a = ctx->arena;
    sl_fix *fix = sl_finding_fix(a, f, sl_sprintf(a, "set `%s: false`: the batch dim then keeps "
                                                     "'expert'", flag));
    fix->override = sl_sprintf(a, "%s=false", flag);
    const sl_node *cur = sl_config_get(ctx->config, flag);
    if (cur && cur->loc.file && sl_rule_is_yaml(cur->loc.file))
        sl_fix_edit(a, fix, cur->loc, cur->end, "false");
    sl_override ov[2] = {fix_override(flag, "false"),
                         fix_override("override_model_config", "true")};
    bool model_sets = ctx->config->model_values && sl_map_get(ctx->config->model_values, flag);
    sl_fix_change ch = {.extra = ov, .nextra = model_sets ? 2 : 1};
    sl_fix_verify_with(a, fix, &ch);
}

void sl_maxtext_fix_peel_taker(const sl_lint_ctx *ctx, sl_finding *f, const sl_rule *batch_rule,
                               const char *taker, const char *axis)
{
    sl_arena *a = ctx->arena;
    if (taker) {
        const char *rule = sl_sprintf(a, "['%s', ['%s']]", taker, axis);
        bool has = sl_config_rule(ctx->config, taker) != NULL;
        sl_fix *fix = sl_finding_fix(a, f, sl_sprintf(a, "%s the rule %s, so the expert dim takes "
                                                         "'%s' that the flag removes from the "
                                                         "batch dim",
                                                      has ? "give it" : "add", rule, axis));
        fix->preferred = true;
        /* A new line after the batch dim's rule; an existing rule for the
         * name would come first, so it is replaced by the override only. */
        if (!has && batch_rule->loc.file && sl_rule_is_yaml(batch_rule->loc.file)) {
            sl_loc at = {.file = batch_rule->loc.file, .line = batch_rule->loc.line + 1, .col = 1};
            sl_fix_edit(a, fix, at, at, sl_sprintf(a, "%*s%s,\n", batch_rule->loc.col - 1, "",
                                                   rule));
        }
        sl_override ov = rules_change(ctx, fix, sl_sprintf(a, "[%s]", rule));
        sl_fix_change ch = {.extra = &ov, .nextra = 1};
        sl_fix_verify_with(a, fix, &ch);
    }
    flag_off_fix(ctx, f, "moe_dispatch_no_expert_sharding");
}

/* Fixes are offered where the catalog knows the site and the dim that lost
 * the axis is the one that must keep it. */
void sl_maxtext_fix_conflict(const sl_lint_ctx *ctx, sl_finding *f, const sl_resolved *t,
                             size_t d, const sl_loss *l, const sl_axis *ax)
{
    const sl_site *site = t->spec->site;
    if (!site || !site->peel_flag || t->spec->keep_dim != (int)d || !t->spec->keep_axis ||
        strcmp(t->spec->keep_axis, l->axis) != 0)
        return;
    if (sl_map_get(ctx->config->base_values, site->peel_flag))
        add_flag_fix(ctx, f, site, ax);
    else
        add_no_exp_fix(ctx, f);
    if (sl_config_rule(ctx->config, "activation_batch_moe"))
        add_batch_moe_fix(ctx, f);
}

