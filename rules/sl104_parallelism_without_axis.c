/* SL104 parallelism-without-axis: an ici_/dcn_ parallelism above 1 for a
 * mesh axis that mesh_axes does not have, which MaxText ignores. */
#include <stdlib.h>
#include <string.h>

#include "shardlint/rule.h"

extern const sl_rule_def sl_rule_sl104;

static const char doc[] =
    "## What it flags\n"
    "An `ici_<x>_parallelism` or `dcn_<x>_parallelism` above 1 whose mesh axis is not\n"
    "in `mesh_axes` (`ici_tensor_parallelism: 4` with no `tensor` or `model` axis).\n"
    "The other half of a mismatch between the two, a `mesh_axes` name with no\n"
    "parallelism key, makes MaxText fail at launch and is SL003's.\n\n"
    "## Why it matters\n"
    "MaxText builds the mesh from the axes `mesh_axes` lists and reads only their\n"
    "parallelism keys, so the setting does nothing: the run gets no parallelism of that\n"
    "kind, and an axis left at -1 quietly takes the devices instead. Applies to trees\n"
    "whose config code looks the values up by axis name (`ici_map` in\n"
    "`configs/types.py`); older trees passed all values by position.\n\n"
    "## Example\n"
    "```yaml\n"
    "mesh_axes: ['data', 'fsdp', 'expert']\n"
    "ici_tensor_parallelism: 4\n"
    "```\n"
    "or `ici_tensor_parallelism=4` on the command line.\n\n"
    "## Use instead\n"
    "```yaml\n"
    "mesh_axes: ['data', 'fsdp', 'tensor', 'expert']\n"
    "ici_tensor_parallelism: 4\n"
    "```\n"
    "(`mesh_axes=\"['data', 'fsdp', 'tensor', 'expert']\" ici_tensor_parallelism=4`), or\n"
    "leave the key at 1.\n\n"
    "## When to ignore it\n"
    "When one file serves several meshes and this one is meant to leave the axis out.\n"
    "Add `# shardlint: disable=SL104` on the key's line.\n\n"
    "## Fix safety\n"
    "The fix adds the axis to the end of `mesh_axes` and is verified by linting the\n"
    "config again: the device counts must then match (SL003), and the rules must give\n"
    "the axis to the dims you meant. Mesh order matters for performance on TPUs (axes\n"
    "later in the list share the faster links), so place it where it belongs.\n\n"
    "## References\n"
    "MaxText `configs/types.py` (`ici_parallelism = [ici_map[axis] for axis in\n"
    "mesh_axes]`), `utils/max_utils.py` `fill_unspecified_mesh_axes`.\n";

/* The mesh axes a parallelism key's middle part names (`tensor` is read by
 * both `tensor` and the older `model`). */
static const struct {
    const char *key;
    const char *axes[2];
} key_axes[] = {
    {"diloco", {"diloco"}},
    {"data", {"data"}},
    {"pipeline", {"stage"}},
    {"fsdp", {"fsdp"}},
    {"fsdp_transpose", {"fsdp_transpose"}},
    {"sequence", {"sequence"}},
    {"context", {"context"}},
    {"context_usp_ulysses", {"context_usp_ulysses"}},
    {"context_autoregressive", {"context_autoregressive"}},
    {"tensor", {"tensor", "model"}},
    {"tensor_sequence", {"tensor_sequence"}},
    {"tensor_transpose", {"tensor_transpose"}},
    {"expert", {"expert"}},
    {"autoregressive", {"autoregressive"}},
};

static bool listed(const char **axes, size_t n, const char *axis)
{
    for (size_t i = 0; axis && i < n; i++)
        if (strcmp(axes[i], axis) == 0)
            return true;
    return false;
}

/* The key's axes, NULL when it is not a parallelism key we know. */
static const char *const *axes_of(const char *key)
{
    size_t n = strlen(key);
    const char *suffix = "_parallelism";
    if (n < 4 + strlen(suffix) || (strncmp(key, "ici_", 4) && strncmp(key, "dcn_", 4)) ||
        strcmp(key + n - strlen(suffix), suffix))
        return NULL;
    size_t mid = n - 4 - strlen(suffix);
    for (size_t i = 0; i < sizeof key_axes / sizeof *key_axes; i++)
        if (strlen(key_axes[i].key) == mid && strncmp(key + 4, key_axes[i].key, mid) == 0)
            return key_axes[i].axes;
    return NULL;
}

/* A key the tree does not define is SL102's finding, not this one's. */
static bool tree_defines(const sl_lint_ctx *ctx, const char *key)
{
    return sl_rule_tree_assumed(ctx) || ctx->tree->key_source != SL_KEYS_FIELDS ||
           sl_tree_field_find(ctx->tree, key);
}

/* mesh_axes is edited where it is written only when the setting is in that
 * same file; a launch's setting gets the override alone. */
static void add_fix(const sl_lint_ctx *ctx, sl_finding *f, const char **axes, size_t n,
                    const char *axis, sl_loc setting)
{
    sl_arena *a = ctx->arena;
    const char *list = "";
    for (size_t i = 0; i < n; i++)
        list = sl_sprintf(a, "%s'%s', ", list, axes[i]);
    const char *value = sl_sprintf(a, "[%s'%s']", list, axis);
    sl_fix *fix = sl_finding_fix(a, f, sl_sprintf(a, "add '%s' to mesh_axes", axis));
    fix->override = sl_sprintf(a, "mesh_axes=%s", value);
    const sl_node *m = sl_config_get(ctx->config, "mesh_axes");
    if (sl_rule_is_yaml(m->loc.file) && setting.file && strcmp(setting.file, m->loc.file) == 0)
        sl_fix_edit(a, fix, m->loc, m->end, value);
    sl_override ov[2] = {{.key = "mesh_axes", .text = value},
                         {.key = "override_model_config", .text = "true"}};
    bool model_sets = ctx->config->model_values && sl_map_get(ctx->config->model_values,
                                                              "mesh_axes");
    sl_fix_change ch = {.extra = ov, .nextra = model_sets ? 2 : 1};
    sl_fix_verify_with(a, fix, &ch);
}

static void check(const sl_lint_ctx *ctx, sl_findings *out)
{
    sl_arena *a = ctx->arena;
    size_t naxes;
    /* Older trees passed all twelve values by position, whatever mesh_axes
     * said; only trees that look each axis up by name ignore the others. */
    if (!sl_rule_tree_checks(ctx, "ici_map"))
        return;
    const char **axes = sl_rule_mesh_axes(ctx, &naxes);
    const sl_node *values = ctx->config->values;
    for (size_t i = 0; axes && i < values->n; i++) {
        const char *key = sl_node_text(values->keys[i]);
        const char *const *want = axes_of(key);
        long long v;
        if (!want || !sl_node_int(values->items[i], &v) || v <= 1 ||
            listed(axes, naxes, want[0]) || listed(axes, naxes, want[1]) ||
            !tree_defines(ctx, key))
            continue;
        const sl_node *n = values->items[i];
        sl_finding *f = sl_findings_add(a, out, &sl_rule_sl104, SL_LEVEL_WARNING, n->loc,
            sl_sprintf(a, "%s=%lld asks for %lld-way parallelism over '%s', but mesh_axes has "
                          "no '%s' axis: MaxText ignores the setting",
                       key, v, v, want[0], want[0]));
        f->key = sl_sprintf(a, "SL104:%s", key);
        f->loc_label = "the setting";
        f->stays = sl_rule_is_yaml(n->loc.file);
        sl_finding_related(a, f, sl_config_get(ctx->config, "mesh_axes")->loc, "mesh_axes");
        if (ctx->offer_fixes)
            add_fix(ctx, f, axes, naxes, want[0], n->loc);
    }
}

const sl_rule_def sl_rule_sl104 = {
    .id = "SL104",
    .name = "parallelism-without-axis",
    .summary = "A parallelism above 1 for a mesh axis that mesh_axes does not have; MaxText "
               "ignores it",
    .doc = doc,
    .level = SL_LEVEL_WARNING,
    .tags = {"mesh", "maxtext", "correctness", NULL},
    .check = check,
    .precision = "high",
};
