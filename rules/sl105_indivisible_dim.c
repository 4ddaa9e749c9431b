/* SL105 indivisible-dim: a model size that the mesh axes sharding it do
 * not divide (experts, heads, batch, sequence, layers over stages). */
#include <string.h>

#include "shardlint/rule.h"

extern const sl_rule_def sl_rule_sl105;

static const char doc[] =
    "## What it flags\n"
    "A size that the mesh axes its dim resolves to cannot split evenly:\n"
    "- `num_experts` and the expert dim of the expert weights `(exp, embed_moe,\n"
    "  mlp_moe)`;\n"
    "- the query heads and key/value heads (`base_num_query_heads`,\n"
    "  `base_num_kv_heads`, scaled by `global_parameter_scale`) and the head dims of\n"
    "  the projections `(embed, q_heads, kv)` and `(embed, kv_heads, kv_head_dim)`;\n"
    "- the batch one step trains on, `int(devices x per_device_batch_size)` as MaxText\n"
    "  rounds it, and the batch dim of `(activation_batch, activation_length,\n"
    "  activation_embed)`;\n"
    "- `max_target_length` and that spec's sequence dim (the context axes).\n"
    "The decoder layers over the pipeline stages are MaxText's own check, reported by\n"
    "SL106 with MaxText's arithmetic (`pipeline_parallel_layers`, repeats, layers per\n"
    "stage).\n"
    "Each is resolved through the config's rules, so a custom `custom_mesh_and_rule`\n"
    "or a dim that lost its axis to another is taken into account.\n\n"
    "## Why it matters\n"
    "JAX refuses a sharding that does not divide an array it places (parameters come\n"
    "out of a jitted init), MaxText refuses indivisible key/value heads when it builds\n"
    "attention, and where MaxText adjusts shardings for indivisible shapes the axis is\n"
    "silently dropped and the dim replicated.\n\n"
    "## Levels\n"
    "warning; note when the size or the shards depend on a device count shardlint\n"
    "assumed (no `--devices`, and the config leaves an ICI value at -1 to fill).\n\n"
    "## Example\n"
    "```yaml\n"
    "num_experts: 6\n"
    "ici_expert_parallelism: 4\n"
    "```\n"
    "or `base_num_kv_heads=8 ici_tensor_parallelism=16` on the command line.\n\n"
    "## Use instead\n"
    "```yaml\n"
    "num_experts: 8\n"
    "ici_expert_parallelism: 4\n"
    "```\n"
    "or move the parallelism to an axis that does not shard that dim\n"
    "(`ici_tensor_parallelism=8 ici_fsdp_parallelism=2`).\n\n"
    "## When to ignore it\n"
    "When the device count shardlint used is not the run's: pass `--devices`. Add\n"
    "`# shardlint: disable=SL105` on the line the finding points at.\n\n"
    "## Fix safety\n"
    "No automatic fix: the size and the parallelism are both choices with costs.\n\n"
    "## References\n"
    "MaxText `layers/attentions.py` `_validate_kv_head_sharding`, `utils/sharding.py`\n"
    "`adjust_pspec_for_indivisible_shapes`, `configs/types.py`\n"
    "`calculate_global_batch_sizes`; JAX's check that a sharding divides the global\n"
    "shape.\n";

typedef struct {
    const sl_lint_ctx *ctx;
    sl_findings *out;
} run;

/* Whether a mesh axis in `axes` (as sl_rule_dim_shards words them) took
 * its size from a device count nothing states. */
static bool rests_on_assumption(sl_arena *a, const sl_mesh *m, const char *axes)
{
    if (sl_devices_known(&m->devices_from))
        return false;
    for (size_t i = 0; i < m->naxes; i++)
        if (m->axes[i].ici_filled && strstr(axes, sl_sprintf(a, "'%s'", m->axes[i].name)))
            return true;
    return false;
}

/* Reports `what` (size) over the shards of dim d of names, at key's value;
 * `assumed`: the size itself rests on the device count. */
static void check_dim(run *r, const char *key, const char *what, long long size,
                      const char *const *names, size_t n, size_t d, bool assumed,
                      const char *consequence)
{
    sl_arena *a = r->ctx->arena;
    const char *axes;
    long long shards = sl_rule_dim_shards(r->ctx, names, n, d, &axes);
    if (size <= 0 || shards <= 1 || size % shards == 0)
        return;
    assumed |= rests_on_assumption(a, r->ctx->mesh, axes);
    const sl_node *v = sl_config_get(r->ctx->config, key);
    sl_loc at = v && sl_loc_is_set(v->loc) ? v->loc : r->ctx->mesh->axes_loc;
    sl_finding *f = sl_findings_add(a, r->out, &sl_rule_sl105,
                                    assumed ? SL_LEVEL_NOTE : SL_LEVEL_WARNING, at,
        sl_sprintf(a, "%s (%lld) is not divisible by the %lld shards of dim %zu (%s) of "
                      "(%s%s%s): %s",
                   what, size, shards, d, names[d], names[0], n > 1 ? ", " : "",
                   n > 1 ? sl_sprintf(a, "%s%s%s", names[1], n > 2 ? ", " : "",
                                      n > 2 ? names[2] : "")
                         : "",
                   consequence));
    f->key = sl_sprintf(a, "SL105:%s", what);
    f->loc_label = "the size";
    sl_finding_note(a, f, sl_sprintf(a, "dim %zu (%s) is split over %s.", d, names[d], axes));
    if (assumed)
        sl_finding_note(a, f, sl_rule_assumed_devices(a, r->ctx->mesh));
    f->stays = sl_rule_is_yaml(at.file);
    for (size_t i = 0; i < r->ctx->mesh->naxes; i++) {
        const sl_axis *ax = &r->ctx->mesh->axes[i];
        if (ax->size > 1 && strstr(axes, sl_sprintf(a, "'%s'", ax->name))) {
            sl_loc cause = sl_axis_cause(ax);
            f->stays &= !sl_loc_is_set(cause) || sl_rule_is_yaml(cause.file);
            if (sl_loc_is_set(cause))
                sl_finding_related(a, f, cause, sl_sprintf(a, "makes '%s' %lld", ax->name,
                                                          ax->size));
        }
    }
}

static const char *rule_or(const sl_config *c, const char *name, const char *fallback)
{
    return sl_config_rule(c, name) ? name : fallback;
}

static void check_experts(run *r)
{
    const sl_config *c = r->ctx->config;
    long long experts = (long long)sl_rule_num(c, "num_experts", 1);
    if (experts <= 1)
        return;
    const char *names[] = {"exp", rule_or(c, "embed_moe", "embed"), rule_or(c, "mlp_moe", "mlp")};
    check_dim(r, "num_experts", "num_experts", experts, names, 3, 0, false,
              "the expert weights cannot be split evenly");
}

static void check_heads(run *r)
{
    const sl_config *c = r->ctx->config;
    const char *q[] = {"embed", "q_heads", "kv"};
    const char *kv[] = {"embed", "kv_heads", "kv_head_dim"};
    check_dim(r, "base_num_query_heads", "num_query_heads", sl_rule_scaled(c, "num_query_heads"),
              q, 3, 1, false, "the query projection cannot be split evenly by heads");
    check_dim(r, "base_num_kv_heads", "num_kv_heads", sl_rule_scaled(c, "num_kv_heads"), kv, 3,
              1, false, "the key/value projections cannot be split evenly by heads; MaxText "
                        "refuses this when it builds attention");
}

static void check_activations(run *r)
{
    const sl_config *c = r->ctx->config;
    const sl_mesh *m = r->ctx->mesh;
    const char *act[] = {"activation_batch", "activation_length", "activation_embed"};
    double pdbs = sl_rule_num(c, "per_device_batch_size", 0);
    long long batch = (long long)((double)(m->devices * m->slices) * pdbs);
    check_dim(r, "per_device_batch_size", "the batch per step", batch, act, 3, 0,
              !sl_devices_known(&m->devices_from),
              "the batch cannot be split evenly over the devices meant to share it");
    check_dim(r, "max_target_length", "max_target_length",
              (long long)sl_rule_num(c, "max_target_length", 0), act, 3, 1, false,
              "the sequence cannot be split evenly over the context axes");
}

static void check(const sl_lint_ctx *ctx, sl_findings *out)
{
    if (!ctx->mesh)
        return;
    run r = {ctx, out};
    check_experts(&r);
    check_heads(&r);
    check_activations(&r);
}

const sl_rule_def sl_rule_sl105 = {
    .id = "SL105",
    .name = "indivisible-dim",
    .summary = "A model size is not divisible by the mesh axes that shard its dim",
    .doc = doc,
    .level = SL_LEVEL_WARNING,
    .tags = {"mesh", "sharding", "correctness", NULL},
    .check = check,
    .precision = "medium",
};
