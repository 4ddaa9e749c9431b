/* SL108 unknown-custom-mesh: custom_mesh_and_rule names no file of the
 * tree's custom_mesh_and_rule/ folder. */
#include "shardlint/rule.h"

extern const sl_rule_def sl_rule_sl108;

static const char doc[] =
    "## What it flags\n"
    "A `custom_mesh_and_rule` value with no `custom_mesh_and_rule/<name>.yml` in the\n"
    "configs folder, with the closest name that has one. shardlint lints the rest of\n"
    "the config without it.\n\n"
    "## Why it matters\n"
    "MaxText refuses the config at start-up: a name outside its `CustomRule` enum fails\n"
    "validation, and a name in the enum without a file (`2d-fsdp` today) fails with\n"
    "`Custom mesh config file not found`. Applies to trees whose config code knows\n"
    "`custom_mesh_and_rule`.\n\n"
    "## Example\n"
    "```yaml\n"
    "custom_mesh_and_rule: 'ep-as-cpp'\n"
    "```\n"
    "or `custom_mesh_and_rule=ep-as-cpp` on the command line.\n\n"
    "## Use instead\n"
    "```yaml\n"
    "custom_mesh_and_rule: 'ep-as-cp'\n"
    "```\n"
    "or `custom_mesh_and_rule=ep-as-cp`.\n\n"
    "## When to ignore it\n"
    "Never: the run does not start.\n\n"
    "## Fix safety\n"
    "The fix uses the closest name that has a file and is verified by linting the\n"
    "config with it; that mesh and those rules replace the config's own, so read what\n"
    "the verification found.\n\n"
    "## References\n"
    "MaxText `configs/types.py` `_load_mesh_config_from_yaml`, `common/common_types.py`\n"
    "`CustomRule`.\n";

static void add_fix(const sl_lint_ctx *ctx, sl_finding *f, const sl_node *v, const char *to)
{
    sl_arena *a = ctx->arena;
    sl_fix *fix = sl_finding_fix(a, f, sl_sprintf(a, "use '%s'", to));
    fix->preferred = true;
    fix->override = sl_sprintf(a, "custom_mesh_and_rule=%s", to);
    if (sl_rule_is_yaml(v->loc.file))
        sl_fix_edit(a, fix, v->loc, v->end, sl_sprintf(a, "'%s'", to));
    sl_override ov[2] = {{.key = "custom_mesh_and_rule", .text = to},
                         {.key = "override_model_config", .text = "true"}};
    bool model_sets = ctx->config->model_values &&
                      sl_map_get(ctx->config->model_values, "custom_mesh_and_rule");
    sl_fix_change ch = {.extra = ov, .nextra = model_sets ? 2 : 1};
    sl_fix_verify_with(a, fix, &ch);
}

static void check(const sl_lint_ctx *ctx, sl_findings *out)
{
    const sl_config *c = ctx->config;
    const sl_node *v = c->custom_missing;
    if (!v || !sl_rule_tree_checks(ctx, "custom_mesh_and_rule"))
        return;
    sl_arena *a = ctx->arena;
    const char *name = sl_node_text(v);
    const char *near = sl_rule_closest(name, c->custom_names, c->ncustom_names);
    sl_finding *f = sl_findings_add(a, out, &sl_rule_sl108, SL_LEVEL_ERROR, v->loc,
        sl_sprintf(a, "custom_mesh_and_rule '%s' has no file %s/%s.yml; MaxText refuses it at "
                      "start-up%s%s%s",
                   name, c->custom_dir, name, near ? "; did you mean '" : "",
                   near ? near : "", near ? "'?" : ""));
    f->key = sl_sprintf(a, "SL108:%s", name);
    f->loc_label = "the name";
    f->stays = sl_rule_is_yaml(v->loc.file);
    sl_finding_note(a, f, "shardlint lints the rest of the config with its own mesh and rules.");
    if (near && ctx->offer_fixes)
        add_fix(ctx, f, v, near);
}

const sl_rule_def sl_rule_sl108 = {
    .id = "SL108",
    .name = "unknown-custom-mesh",
    .summary = "custom_mesh_and_rule names no file of custom_mesh_and_rule/; MaxText refuses it",
    .doc = doc,
    .level = SL_LEVEL_ERROR,
    .tags = {"maxtext", "mesh", "correctness", NULL},
    .check = check,
    .precision = "very-high",
};
