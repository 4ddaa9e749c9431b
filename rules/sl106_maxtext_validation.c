/* SL106 maxtext-validation: MaxText's own config validation, the checks
 * that depend only on the config and the mesh, run before the job is
 * scheduled. Each check applies to a tree whose config code makes it (its
 * text is found there); the table says which text that is. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "shardlint/rule.h"

extern const sl_rule_def sl_rule_sl106;

static const char doc[] =
    "## What it flags\n"
    "A config that MaxText's own validation (`configs/types.py` since late 2025,\n"
    "`pyconfig.py` before) refuses at start-up, for the checks that depend only on the\n"
    "config and the mesh. Each is reported at the key the check names, and only for a\n"
    "tree whose config code makes it (shardlint looks for the check's text there; a\n"
    "config outside a checkout gets the checks of MaxText at " SL_MAXTEXT_COMMIT "). The\n"
    "checks shardlint reproduces:\n"
    "- pipeline parallelism (`ici_pipeline_parallelism` or `dcn_pipeline_parallelism`\n"
    "  above 1): layers per stage x stages must divide `pipeline_parallel_layers`\n"
    "  (default: the decoder layers, less `first_num_dense_layers` for DeepSeek), and\n"
    "  with `num_pipeline_repeats` set, stages x repeats x layers per stage must equal\n"
    "  it; `num_pipeline_microbatches` must be a multiple of the stages, at least twice\n"
    "  the stages with `pipeline_delay_activation_forwarding`, and divide the batch of\n"
    "  one step (`int(devices x per_device_batch_size)`);\n"
    "- Llama4 and Envy: `base_num_decoder_layers` divisible by\n"
    "  `interleave_moe_layer_step`; Llama4 needs `capacity_factor` < 0 and top-1\n"
    "  routing;\n"
    "- MoE: `num_moe_token_chunks` > 1 needs `use_ring_of_experts` and must divide\n"
    "  `max_target_length`; `num_moe_emb_chunks` > 0 needs `use_gmm_v2` and\n"
    "  `use_ring_of_experts`; `ragged_buffer_factor` > 0 with ring of experts needs\n"
    "  `use_ragged_sort`; `moe_mlp_dim` must be positive; a fully MoE model needs\n"
    "  `base_mlp_dim` equal to `base_moe_mlp_dim` (except Qwen3-MoE and Gemma 4);\n"
    "- DCN parallelism above 1 needs more than one slice (checked when the slice count\n"
    "  is known: `num_slices`, `compile_topology_num_slices` or `--slices`);\n"
    "- `per_device_batch_size x max_target_length` divisible by `num_vocab_tiling`;\n"
    "- context parallelism: `context_sharding` is `context` or `expert`; TPU ring\n"
    "  attention needs a context parallel size above 1 that, squared, divides\n"
    "  `max_target_length`; TPU Ulysses attention needs `max_target_length`, the query\n"
    "  heads and the key/value heads divisible by it, and more than one key/value head;\n"
    "- `check_vma` needs `shard_mode: auto`, no tokamax GMM, ragged sort or ring of\n"
    "  experts, and no ICI parallelism other than expert and FSDP;\n"
    "- Qwen3-Next and Qwen3.5: `gdn_num_value_heads` divisible by `gdn_num_key_heads`;\n"
    "- `mla_qk_head_chunk_size` must divide the query heads.\n"
    "The expert-parallel-only settings (SL107), unknown keys (SL102), values of the\n"
    "wrong type (SL103), an unknown `custom_mesh_and_rule` (SL108) and the mesh itself\n"
    "(SL003) have rules of their own. Checks that need the data, the hardware at run\n"
    "time or files (datasets, tokenizers, checkpoints) are not reproduced.\n\n"
    "## Why it matters\n"
    "Each of these stops the run with a `ValueError` or an `AssertionError` after the\n"
    "job has been scheduled and JAX imported.\n\n"
    "## Levels\n"
    "error; note when the check depends on a device count shardlint assumed.\n\n"
    "## Example\n"
    "```yaml\n"
    "base_num_decoder_layers: 30\n"
    "ici_pipeline_parallelism: 4\n"
    "```\n"
    "or `ici_pipeline_parallelism=4 num_pipeline_microbatches=6` on the command line.\n\n"
    "## Use instead\n"
    "```yaml\n"
    "base_num_decoder_layers: 32\n"
    "ici_pipeline_parallelism: 4\n"
    "```\n"
    "and `num_pipeline_microbatches=8`.\n\n"
    "## When to ignore it\n"
    "When the run uses a MaxText other than the checkout the config is in. Add\n"
    "`# shardlint: disable=SL106` on the key's line.\n\n"
    "## Fix safety\n"
    "No automatic fix: which of the values involved should change is a choice about\n"
    "the model and the mesh.\n\n"
    "## References\n"
    "MaxText `configs/types.py` `MaxTextConfig.set_derived_and_validate_values` and\n"
    "`MoEGeneral`'s validator; older `MaxText/pyconfig.py` `validate_keys` and\n"
    "`set_and_validate_pipeline_config`.\n";

typedef struct {
    const sl_lint_ctx *ctx;
    sl_findings *out;
    const char *check;        /* the check's name, for the finding's key */
} run;

static double num(const run *r, const char *key, double dflt)
{
    return sl_rule_num(r->ctx->config, key, dflt);
}

static bool flag(const run *r, const char *key)
{
    return sl_rule_truthy(r->ctx->config, key);
}

static bool is(const run *r, const char *key, const char *value)
{
    return strcmp(sl_rule_str(r->ctx->config, key, ""), value) == 0;
}

static void refuse(const run *r, const char *key, bool assumed, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Reported at the key the check names (at mesh_axes, or the entry, when
 * the key has its default). */
static void refuse(const run *r, const char *key, bool assumed, const char *fmt, ...)
{
    sl_arena *a = r->ctx->arena;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    const sl_node *axes = sl_config_get(r->ctx->config, "mesh_axes");
    sl_loc fallback = axes ? axes->loc : (sl_loc){.file = r->ctx->config->entry, .line = 1,
                                                  .col = 1};
    sl_loc at = sl_rule_key_loc(r->ctx->config, key, fallback);
    sl_finding *f = sl_findings_add(a, r->out, &sl_rule_sl106,
                                    assumed ? SL_LEVEL_NOTE : SL_LEVEL_ERROR, at,
                                    sl_sprintf(a, "%s; MaxText refuses this at start-up", msg));
    f->key = sl_sprintf(a, "SL106:%s:%s", r->check, key);
    f->loc_label = sl_sprintf(a, "%s", key);
    f->stays = sl_rule_is_yaml(at.file);
    if (assumed)
        sl_finding_note(a, f, sl_rule_assumed_devices(a, r->ctx->mesh));
    if (sl_rule_tree_assumed(r->ctx))
        sl_finding_note(a, f, "No MaxText config code was found with this config; this is "
                              "MaxText's check as of " SL_MAXTEXT_COMMIT ".");
}

/* ---- pipeline parallelism ---------------------------------------------------- */

static long long stages(const run *r)
{
    return (long long)(num(r, "ici_pipeline_parallelism", 1) *
                       num(r, "dcn_pipeline_parallelism", 1));
}

static bool pipelining(const run *r)
{
    return num(r, "ici_pipeline_parallelism", 1) > 1 || num(r, "dcn_pipeline_parallelism", 1) > 1;
}

static const char *stage_key(const run *r)
{
    return num(r, "ici_pipeline_parallelism", 1) > 1 ? "ici_pipeline_parallelism"
                                                     : "dcn_pipeline_parallelism";
}

static void check_pipeline_layers(const run *r)
{
    long long layers = sl_rule_scaled(r->ctx->config, "num_decoder_layers");
    if (!pipelining(r) || layers < 0)
        return;
    long long s = stages(r), lps = (long long)num(r, "num_layers_per_pipeline_stage", 1);
    long long ppl = (long long)num(r, "pipeline_parallel_layers", -1);
    if (ppl == -1)
        ppl = is(r, "decoder_block", "deepseek")
                  ? layers - (long long)num(r, "first_num_dense_layers", 0)
                  : layers;
    long long repeats = (long long)num(r, "num_pipeline_repeats", -1);
    if (s * lps <= 0)
        return;
    if (repeats == -1 && ppl % (s * lps))
        refuse(r, stage_key(r), false,
               "%lld pipeline stages x %lld layers per stage do not divide the %lld layers "
               "pipelined (pipeline_parallel_layers, by default the decoder layers)",
               s, lps, ppl);
    else if (repeats != -1 && s * repeats * lps != ppl)
        refuse(r, "num_pipeline_repeats", false,
               "%lld pipeline stages x %lld repeats x %lld layers per stage is not the %lld "
               "layers pipelined",
               s, repeats, lps, ppl);
}

static long long microbatches(const run *r)
{
    long long mb = (long long)num(r, "num_pipeline_microbatches", -1);
    if (mb == -1)
        mb = flag(r, "pipeline_delay_activation_forwarding") ? 2 * stages(r) : stages(r);
    return mb;
}

static void check_pipeline_microbatches(const run *r)
{
    long long s = stages(r), mb = microbatches(r);
    if (!pipelining(r) || s <= 0 || mb <= 0)
        return;
    if (mb % s)
        refuse(r, "num_pipeline_microbatches", false,
               "num_pipeline_microbatches (%lld) is not a multiple of the %lld pipeline stages",
               mb, s);
    if (flag(r, "pipeline_delay_activation_forwarding") && mb < 2 * s)
        refuse(r, "num_pipeline_microbatches", false,
               "pipeline_delay_activation_forwarding needs at least 2 x %lld microbatches, "
               "not %lld", s, mb);
}

static void check_pipeline_batch(const run *r)
{
    const sl_mesh *m = r->ctx->mesh;
    long long mb = microbatches(r);
    if (!pipelining(r) || !m || mb <= 0)
        return;
    long long batch = (long long)((double)(m->devices * m->slices) *
                                  num(r, "per_device_batch_size", 0));
    if (batch > 0 && batch % mb)
        refuse(r, "per_device_batch_size", !sl_devices_known(&m->devices_from),
               "the batch of one step, %lld (%lld devices x per_device_batch_size), is not "
               "divisible by the %lld pipeline microbatches",
               batch, m->devices * m->slices, mb);
}

/* ---- decoder blocks and MoE ------------------------------------------------ */

static void check_interleave(const run *r)
{
    long long layers = (long long)num(r, "base_num_decoder_layers", 0);
    long long step = (long long)num(r, "interleave_moe_layer_step", 1);
    if ((is(r, "decoder_block", "llama4") || is(r, "decoder_block", "envy")) && step > 0 &&
        layers % step)
        refuse(r, "base_num_decoder_layers", false,
               "base_num_decoder_layers (%lld) is not divisible by interleave_moe_layer_step "
               "(%lld)", layers, step);
}

static void check_llama4_capacity(const run *r)
{
    if (is(r, "decoder_block", "llama4") && num(r, "capacity_factor", -1) >= 0)
        refuse(r, "capacity_factor", false,
               "the Llama4 decoder takes capacity_factor < 0 only (dropless), not %g",
               num(r, "capacity_factor", -1));
}

static void check_llama4_top1(const run *r)
{
    if (is(r, "decoder_block", "llama4") && num(r, "num_experts_per_tok", 1) > 1)
        refuse(r, "num_experts_per_tok", false,
               "the Llama4 decoder routes each token to one expert, not %g",
               num(r, "num_experts_per_tok", 1));
}

static void check_token_chunks_ring(const run *r)
{
    if (num(r, "num_moe_token_chunks", 1) > 1 && !flag(r, "use_ring_of_experts"))
        refuse(r, "num_moe_token_chunks", false,
               "num_moe_token_chunks > 1 needs use_ring_of_experts=true");
}

static void check_token_chunks_length(const run *r)
{
    long long chunks = (long long)num(r, "num_moe_token_chunks", 1);
    long long length = (long long)num(r, "max_target_length", 0);
    if (chunks > 1 && length % chunks)
        refuse(r, "num_moe_token_chunks",
               false, "num_moe_token_chunks (%lld) does not divide max_target_length (%lld)",
               chunks, length);
}

static void check_emb_chunks(const run *r)
{
    if (num(r, "num_moe_emb_chunks", 0) > 0 &&
        (!flag(r, "use_gmm_v2") || !flag(r, "use_ring_of_experts")))
        refuse(r, "num_moe_emb_chunks", false,
               "num_moe_emb_chunks > 0 needs use_gmm_v2=true and use_ring_of_experts=true");
}

static void check_ragged_buffer(const run *r)
{
    if (num(r, "num_experts", 1) > 1 && num(r, "ragged_buffer_factor", -1) > 0 &&
        flag(r, "use_ring_of_experts") && !flag(r, "use_ragged_sort"))
        refuse(r, "ragged_buffer_factor", false,
               "ragged_buffer_factor > 0 with use_ring_of_experts needs use_ragged_sort=true");
}

static void check_moe_mlp_dim(const run *r)
{
    long long dim = sl_rule_scaled(r->ctx->config, "moe_mlp_dim");
    if (num(r, "num_experts", 1) > 1 && sl_config_get(r->ctx->config, "base_moe_mlp_dim") &&
        dim <= 0)
        refuse(r, "base_moe_mlp_dim", false,
               "a MoE model (num_experts > 1) needs a positive moe_mlp_dim, not %lld", dim);
}

static void check_fully_moe(const run *r)
{
    if (num(r, "num_experts", 1) <= 1 || num(r, "interleave_moe_layer_step", 1) != 1 ||
        num(r, "first_num_dense_layers", 0) != 0 ||
        num(r, "inhomogeneous_layer_cycle_interval", 1) != 1 ||
        is(r, "decoder_block", "qwen3_moe") || is(r, "decoder_block", "gemma4"))
        return;
    double mlp = num(r, "base_mlp_dim", 0), moe = num(r, "base_moe_mlp_dim", 0);
    if (mlp != moe)
        refuse(r, "base_moe_mlp_dim", false,
               "every layer is MoE, so base_mlp_dim (%g) must equal base_moe_mlp_dim (%g)",
               mlp, moe);
}

/* ---- slices, vocab tiling, context parallelism ------------------------------------ */

static const char *const dcn_keys[] = {
    "dcn_data_parallelism", "dcn_pipeline_parallelism", "dcn_fsdp_parallelism",
    "dcn_fsdp_transpose_parallelism", "dcn_sequence_parallelism", "dcn_context_parallelism",
    "dcn_context_usp_ulysses_parallelism", "dcn_tensor_parallelism",
    "dcn_tensor_sequence_parallelism", "dcn_expert_parallelism",
    "dcn_context_autoregressive_parallelism", "dcn_autoregressive_parallelism",
    "dcn_tensor_transpose_parallelism",
};

/* MaxText's get_num_slices where it does not need the devices; 0 unknown. */
static long long known_slices(const run *r)
{
    long long n = (long long)num(r, "num_slices", -1);
    if (n != -1)
        return n;
    n = (long long)num(r, "compile_topology_num_slices", -1);
    if (n > 0)
        return n;
    const sl_mesh *m = r->ctx->mesh;
    return m && !m->slices_assumed ? m->slices : 0;
}

static void check_dcn_slices(const run *r)
{
    double product = 1;
    const char *largest = NULL;
    for (size_t i = 0; i < sizeof dcn_keys / sizeof *dcn_keys; i++) {
        double v = num(r, dcn_keys[i], 1);
        product *= v;
        if (v > 1 && (!largest || v > num(r, largest, 1)))
            largest = dcn_keys[i];
    }
    long long slices = known_slices(r);
    if (fabs(product) > 1 && slices == 1)
        refuse(r, largest ? largest : "num_slices", false,
               "DCN parallelism %g is asked for, but the run has one slice", fabs(product));
}

static void check_vocab_tiling(const run *r)
{
    double pdbs = num(r, "per_device_batch_size", 0), length = num(r, "max_target_length", 0);
    double tiles = num(r, "num_vocab_tiling", 1);
    if (pdbs > 0 && tiles > 0 && fmod(pdbs * length, tiles) != 0)
        refuse(r, "num_vocab_tiling", false,
               "per_device_batch_size x max_target_length (%g x %g) is not divisible by "
               "num_vocab_tiling (%g)", pdbs, length, tiles);
}

static const char *cp_axis(const run *r)
{
    return sl_rule_str(r->ctx->config, "context_sharding", "context");
}

static void check_context_sharding(const run *r)
{
    const char *axis = cp_axis(r);
    if (strcmp(axis, "context") && strcmp(axis, "expert"))
        refuse(r, "context_sharding", false,
               "context_sharding '%s' is not one of 'context' and 'expert'", axis);
}

static long long cp_size(const run *r)
{
    sl_arena *a = r->ctx->arena;
    const char *axis = cp_axis(r);
    return (long long)(num(r, sl_sprintf(a, "ici_%s_parallelism", axis), 1) *
                       num(r, sl_sprintf(a, "dcn_%s_parallelism", axis), 1));
}

static bool on_tpu(const run *r)
{
    const char *hw = sl_rule_str(r->ctx->config, "hardware", "tpu");
    return strstr(hw, "tpu") && !strstr(hw, "gpu");
}

static bool strategy(const run *r, const char *name)
{
    return strcasecmp(sl_rule_str(r->ctx->config, "context_parallel_strategy", "all_gather"),
                      name) == 0;
}

static void check_ring(const run *r)
{
    long long cp = cp_size(r), length = (long long)num(r, "max_target_length", 0);
    if (!strategy(r, "ring") || !on_tpu(r))
        return;
    if (cp <= 1)
        refuse(r, "context_parallel_strategy", false,
               "TPU ring attention needs a context parallel size above 1, not %lld", cp);
    else if (length % (cp * cp))
        refuse(r, "max_target_length", false,
               "TPU ring attention needs max_target_length (%lld) divisible by the context "
               "parallel size squared (%lld)", length, cp * cp);
}

static void check_ulysses(const run *r)
{
    long long cp = cp_size(r), length = (long long)num(r, "max_target_length", 0);
    long long q = sl_rule_scaled(r->ctx->config, "num_query_heads");
    long long kv = sl_rule_scaled(r->ctx->config, "num_kv_heads");
    if (!strategy(r, "ulysses") || !on_tpu(r) || cp <= 1)
        return;
    if (length % cp)
        refuse(r, "max_target_length", false,
               "Ulysses attention needs max_target_length (%lld) divisible by the context "
               "parallel size (%lld)", length, cp);
    if (q > 0 && q % cp)
        refuse(r, "base_num_query_heads", false,
               "Ulysses attention needs the query heads (%lld) divisible by the context "
               "parallel size (%lld)", q, cp);
    if (kv == 1)
        refuse(r, "base_num_kv_heads", false,
               "Ulysses attention does not take a single key/value head (MQA)");
    else if (kv > 0 && kv % cp)
        refuse(r, "base_num_kv_heads", false,
               "Ulysses attention needs the key/value heads (%lld) divisible by the context "
               "parallel size (%lld)", kv, cp);
}

/* ---- check_vma, GDN heads, MLA head chunks ----------------------------------------- */

static void check_vma(const run *r)
{
    if (!flag(r, "check_vma"))
        return;
    if (!is(r, "shard_mode", "auto") && sl_config_get(r->ctx->config, "shard_mode"))
        refuse(r, "check_vma", false, "check_vma needs shard_mode 'auto'");
    static const char *const kernels[] = {"use_tokamax_gmm", "use_ragged_sort",
                                          "use_ring_of_experts"};
    for (size_t i = 0; i < 3; i++)
        if (flag(r, kernels[i]))
            refuse(r, kernels[i], false, "check_vma does not support %s", kernels[i]);
    const sl_node *values = r->ctx->config->values;
    for (size_t i = 0; i < values->n; i++) {
        const char *key = sl_node_text(values->keys[i]);
        long long v;
        if (strncmp(key, "ici_", 4) == 0 && sl_path_has_suffix(key, "_parallelism") &&
            strcmp(key, "ici_expert_parallelism") && strcmp(key, "ici_fsdp_parallelism") &&
            sl_node_int(values->items[i], &v) && v != 1)
            refuse(r, key, false,
                   "check_vma supports only ici_expert_parallelism and ici_fsdp_parallelism, "
                   "and %s is %lld", key, v);
    }
}

static void check_gdn_heads(const run *r)
{
    long long v = (long long)num(r, "gdn_num_value_heads", 0);
    long long k = (long long)num(r, "gdn_num_key_heads", 0);
    if ((is(r, "decoder_block", "qwen3_next") || is(r, "decoder_block", "qwen3_5")) && k > 0 &&
        v % k)
        refuse(r, "gdn_num_value_heads", false,
               "gdn_num_value_heads (%lld) is not divisible by gdn_num_key_heads (%lld)", v, k);
}

static void check_mla_chunk(const run *r)
{
    long long chunk = (long long)num(r, "mla_qk_head_chunk_size", 0);
    long long q = sl_rule_scaled(r->ctx->config, "num_query_heads");
    if (chunk > 0 && q > 0 && (chunk > q || q % chunk))
        refuse(r, "mla_qk_head_chunk_size", false,
               "mla_qk_head_chunk_size (%lld) does not divide the query heads (%lld)", chunk, q);
}

/* Each check, and the text of it that a tree's config code holds when the
 * tree makes it (either of two spellings). */
static const struct {
    const char *name;
    const char *text[2];
    void (*run)(const run *r);
} checks[] = {
    {"pipeline-layers", {"times the number of stages"}, check_pipeline_layers},
    {"pipeline-microbatches", {"num_pipeline_microbatches % num_stages",
                               "num_pipeline_microbatches\"] % num_stages"},
     check_pipeline_microbatches},
    {"pipeline-batch", {"by the number of microbatches"}, check_pipeline_batch},
    {"interleave-step", {"must be divisible by interleave moe layer step"}, check_interleave},
    {"llama4-capacity", {"Llama4 decoder has not been tested with capacity_factor >= 0"},
     check_llama4_capacity},
    {"llama4-top1", {"Only top-1 routing is supported for Llama4"}, check_llama4_top1},
    {"moe-token-chunks-ring", {"num_moe_token_chunks > 1 requires use_ring_of_experts"},
     check_token_chunks_ring},
    {"moe-token-chunks-length", {"must evenly divide"}, check_token_chunks_length},
    {"moe-emb-chunks", {"num_moe_emb_chunks > 0 requires use_gmm_v2"}, check_emb_chunks},
    {"ragged-buffer", {"Ragged buffer factor is currently only supported"},
     check_ragged_buffer},
    {"moe-mlp-dim", {"moe_mlp_dim must be positive"}, check_moe_mlp_dim},
    {"fully-moe-mlp", {"base_mlp_dim must equal base_moe_mlp_dim"}, check_fully_moe},
    {"dcn-slices", {"DCN parallelism requested but only one slice available"},
     check_dcn_slices},
    {"vocab-tiling", {"divisible by the number of vocab tiles"}, check_vocab_tiling},
    {"context-sharding", {"Assigned context_sharding"}, check_context_sharding},
    {"ring-context", {"divisible by context_parallel_size squared"}, check_ring},
    {"ulysses-context", {"TPU Ulysses attention requires max_target_length"}, check_ulysses},
    {"check-vma", {"check_vma=True only supports"}, check_vma},
    {"gdn-heads", {"gdn_num_value_heads must be divisible by gdn_num_key_heads"},
     check_gdn_heads},
    {"mla-head-chunk", {"must cleanly divide exactly into"}, check_mla_chunk},
};

static bool tree_makes(const sl_lint_ctx *ctx, size_t i)
{
    return sl_rule_tree_checks(ctx, checks[i].text[0]) ||
           (checks[i].text[1] && sl_tree_code_has(ctx->tree, checks[i].text[1]));
}

static void check(const sl_lint_ctx *ctx, sl_findings *out)
{
    for (size_t i = 0; i < sizeof checks / sizeof *checks; i++) {
        if (!tree_makes(ctx, i))
            continue;
        run r = {ctx, out, checks[i].name};
        checks[i].run(&r);
    }
}

const sl_rule_def sl_rule_sl106 = {
    .id = "SL106",
    .name = "maxtext-validation",
    .summary = "MaxText's own config validation refuses this config at start-up",
    .doc = doc,
    .level = SL_LEVEL_ERROR,
    .tags = {"maxtext", "correctness", NULL},
    .check = check,
    .precision = "high",
};
