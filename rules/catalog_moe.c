/* The MoE layer's tensor sites (MaxText layers/moe.py). Each site is a
 * sharding constraint or a parameter spec written with logical names, with
 * the config branches that lead to it. rules/catalog.md explains each one and
 * points at the code; nothing here depends on line numbers. */
#include "shardlint/model.h"

#define CONDS(...)                                                     \
    .conds = {__VA_ARGS__},                                            \
    .nconds = sizeof((sl_cond[]){__VA_ARGS__}) / sizeof(sl_cond)

#define IS(k, o, v) {.key = (k), .op = (o), .value = (v)}
#define ON(k) {.key = (k), .op = SL_COND_TRUE}
#define OFF(k) {.key = (k), .op = SL_COND_FALSE}

/* RoutedMoE exists only in MoE models. */
#define MOE IS("num_experts", SL_COND_GT, "1")
/* vLLM attention sends the layer to a fused kernel instead. */
#define NOT_VLLM                                                       \
    IS("attention", SL_COND_NE, "vllm_rpa"),                           \
    IS("attention", SL_COND_NE, "vllm_batched_rpa")
#define DENSE MOE, NOT_VLLM, OFF("sparse_matmul")
#define SPARSE MOE, NOT_VLLM, ON("sparse_matmul")
#define CAPACITY IS("capacity_factor", SL_COND_GT, "0")
#define TRAIN IS("model_call_mode", SL_COND_NE, "inference")
#define INFER IS("model_call_mode", SL_COND_EQ, "inference")
/* get_context_partition_and_sub_seq: cp > 1 needs a context_autoregressive
 * axis; decode (one token) always falls back to cp == 1. */
#define CP IS("ici_context_autoregressive_parallelism", SL_COND_GT, "1")

#define NO_INTENT .keep_dim = -1, .peel_dim = -1
#define EXPERT_KEEP(dim, why)                                          \
    .keep_dim = dim, .keep_axis = "expert", .keep_why = why
#define PEEL                                                           \
    .peel_flag = "moe_dispatch_no_expert_sharding", .peel_dim = 1,     \
    .peel_axis = "expert"

#define MOE_PY .file = "layers/moe.py"
#define SPEC(...)                                                      \
    .logical = {__VA_ARGS__},                                          \
    .ndims = sizeof((const char *[]){__VA_ARGS__}) / sizeof(const char *)

static const char WHY_IN[] =
    "This is the expert GEMM's input: each device must hold only its own experts' "
    "tokens, which an AllToAll delivers; without 'expert' on this dim XLA "
    "gathers the expert weights instead";
static const char WHY_OUT[] =
    "This is the expert GEMM's output going home: resharding the batch dim onto "
    "'expert' is the AllToAll that returns tokens before the combine";

const sl_site sl_catalog[] = {
    /* ---- gate ---- */
    {.id = "moe.gate_logits",
     .summary = "router logits entering top-k on the dense path",
     MOE_PY, .function = "dense_matmul", .variable = NULL,
     SPEC("activation_batch_moe", "activation_length_moe", NULL),
     CONDS(DENSE), NO_INTENT, .batch_dim = 0},
    {.id = "moe.gate.explicit_out",
     .summary = "router output sharding under explicit sharding mode",
     MOE_PY, .function = "GateLogit.__call__", .variable = "output_sharding",
     SPEC("activation_batch", "activation_length", NULL),
     CONDS(MOE, IS("shard_mode", SL_COND_EQ, "explicit")), NO_INTENT,
     .batch_dim = 0},

    /* ---- dense path, token dropping, training ---- */
    {.id = "moe.dense.masks",
     .summary = "dispatch and combine masks (batch, length, expert, capacity)",
     MOE_PY, .function = "dense_matmul", .variable = "mask_axes",
     SPEC("activation_batch_moe", "activation_norm_length_moe", NULL, NULL),
     CONDS(DENSE, CAPACITY, TRAIN), NO_INTENT, .batch_dim = 0},
    {.id = "moe.dense.dispatch",
     .summary = "tokens dispatched to experts (expert, batch, capacity, embed)",
     MOE_PY, .function = "dense_matmul", .variable = "dispatch_axis",
     SPEC("activation_exp", "activation_batch_moe", NULL, "activation_embed_moe"),
     CONDS(DENSE, CAPACITY, TRAIN), EXPERT_KEEP(0, WHY_IN), PEEL, .batch_dim = 1},
    {.id = "moe.dense.mlp_up",
     .summary = "expert MLP-up outputs wi_0/wi_1 (expert, batch, capacity, mlp)",
     MOE_PY, .function = "dense_matmul", .variable = "mlp_axis",
     SPEC("activation_exp", "activation_batch_moe", NULL, "activation_mlp"),
     CONDS(DENSE, CAPACITY, TRAIN), EXPERT_KEEP(0, WHY_IN), PEEL, .batch_dim = 1},
    {.id = "moe.dense.mlp_down",
     .summary = "expert MLP-down output before the combine (expert, batch, capacity, embed)",
     MOE_PY, .function = "dense_matmul", .variable = NULL,
     SPEC("activation_exp", "activation_batch_moe", NULL, "activation_embed_moe"),
     CONDS(DENSE, CAPACITY, TRAIN), EXPERT_KEEP(1, WHY_OUT), .peel_dim = -1,
     .batch_dim = 1},
    {.id = "moe.dense.mask_gen.expert_mask",
     .summary = "one-hot expert choice per token slot, while building the masks",
     MOE_PY, .function = "generate_masks", .variable = "expert_mask_fused",
     SPEC("activation_batch_moe", NULL, NULL),
     CONDS(DENSE, CAPACITY, TRAIN), NO_INTENT, .batch_dim = 0},
    {.id = "moe.dense.mask_gen.token_count",
     .summary = "running token count per expert, while building the masks",
     MOE_PY, .function = "generate_masks", .variable = "expert_token_count",
     SPEC("activation_batch", "activation_norm_length", NULL, NULL),
     CONDS(DENSE, CAPACITY, TRAIN), NO_INTENT, .batch_dim = 0},

    /* ---- dense path, token dropping, any mode ---- */
    {.id = "moe.dense.wi_gather",
     .summary = "wi_0/wi_1 kernels resharded before MLP-up (only when the expert axis is > 1)",
     MOE_PY, .function = "dense_matmul", .variable = "w0_kernel_axes",
     SPEC("exp", NULL, "mlp"),
     CONDS(DENSE, CAPACITY), NO_INTENT, .batch_dim = -1},
    {.id = "moe.dense.wo_gather",
     .summary = "wo kernel resharded before MLP-down (only when the expert axis is > 1)",
     MOE_PY, .function = "dense_matmul", .variable = "wo_kernel_axes",
     SPEC("exp", "mlp", NULL),
     CONDS(DENSE, CAPACITY), NO_INTENT, .batch_dim = -1},

    /* ---- dense path, token dropping, inference ---- */
    {.id = "moe.infer.masks",
     .summary = "inference masks when cp == 1 (length-major; every decode step)",
     MOE_PY, .function = "dense_matmul", .variable = "mask_axes",
     SPEC("activation_norm_length_moe", "activation_batch_moe", NULL, NULL, NULL),
     CONDS(DENSE, CAPACITY, INFER), NO_INTENT, .batch_dim = 1},
    {.id = "moe.infer.inputs",
     .summary = "inference inputs regrouped by context partition, cp == 1",
     MOE_PY, .function = "dense_matmul", .variable = "input_axis",
     SPEC("activation_norm_length_moe", "activation_batch_moe", NULL,
          "activation_embed_moe"),
     CONDS(DENSE, CAPACITY, INFER), NO_INTENT, .batch_dim = 1},
    {.id = "moe.infer.cp.masks",
     .summary = "inference masks when the sequence is split over context_autoregressive",
     MOE_PY, .function = "dense_matmul", .variable = "mask_axes",
     SPEC("activation_batch_moe", "activation_norm_length_moe", NULL, NULL, NULL),
     CONDS(DENSE, CAPACITY, INFER, CP), NO_INTENT, .batch_dim = 0},
    {.id = "moe.infer.cp.inputs",
     .summary = "inference inputs regrouped by context partition, cp > 1",
     MOE_PY, .function = "dense_matmul", .variable = "input_axis",
     SPEC("activation_batch_moe", "activation_norm_length_moe", NULL,
          "activation_embed_moe"),
     CONDS(DENSE, CAPACITY, INFER, CP), NO_INTENT, .batch_dim = 0},
    {.id = "moe.infer.cp.dispatch_pre",
     .summary = "dispatch output pinned to batch/length before the expert reshard, cp > 1",
     MOE_PY, .function = "dense_matmul", .variable = NULL,
     SPEC(NULL, "activation_batch_moe", "activation_norm_length_moe", NULL,
          "activation_embed_moe"),
     CONDS(DENSE, CAPACITY, INFER, CP), NO_INTENT, .batch_dim = 1},
    {.id = "moe.infer.dispatch",
     .summary = "inference tokens dispatched to experts (expert, batch, cp, capacity, embed)",
     MOE_PY, .function = "dense_matmul", .variable = "dispatch_axis",
     SPEC("activation_exp", "activation_batch_moe", NULL, NULL,
          "activation_embed_moe"),
     CONDS(DENSE, CAPACITY, INFER), EXPERT_KEEP(0, WHY_IN), .peel_dim = -1,
     .batch_dim = 1},
    {.id = "moe.infer.mlp_up",
     .summary = "inference MLP-up outputs wi_0/wi_1 (expert, batch, cp, capacity, mlp)",
     MOE_PY, .function = "dense_matmul", .variable = "mlp_axis",
     SPEC("activation_exp", "activation_batch_moe", NULL, NULL, "activation_mlp"),
     CONDS(DENSE, CAPACITY, INFER), EXPERT_KEEP(0, WHY_IN), .peel_dim = -1,
     .batch_dim = 1},
    {.id = "moe.infer.mask_gen.expert_mask",
     .summary = "one-hot expert choice per token slot, inference mask building",
     MOE_PY, .function = "generate_masks_subgroup", .variable = "expert_mask_fused",
     SPEC("activation_batch", NULL, NULL, NULL),
     CONDS(DENSE, CAPACITY, INFER), NO_INTENT, .batch_dim = 0},
    {.id = "moe.infer.mask_gen.token_count",
     .summary = "running token count per expert, inference mask building",
     MOE_PY, .function = "generate_masks_subgroup", .variable = "expert_token_count",
     SPEC("activation_batch", "activation_norm_length", NULL, NULL, NULL),
     CONDS(DENSE, CAPACITY, INFER), NO_INTENT, .batch_dim = 0},

    /* ---- dense path, no token dropping ---- */
    {.id = "moe.dense.nocap.inputs",
     .summary = "inputs of the drop-free dense path (every token through every expert)",
     MOE_PY, .function = "dense_matmul", .variable = NULL,
     SPEC("activation_batch_moe", "activation_norm_length_moe", "activation_embed_moe"),
     CONDS(DENSE, IS("capacity_factor", SL_COND_LE, "0")), NO_INTENT, .batch_dim = 0},

    /* ---- sparse (megablox / ragged_dot) path ---- */
    {.id = "moe.sparse.inputs",
     .summary = "shard_map input tokens when the batch is split over experts",
     MOE_PY, .function = "get_routed_moe_shardings", .variable = "input_partition_pspec",
     SPEC("activation_batch", "activation_norm_length", NULL),
     CONDS(SPARSE), NO_INTENT, .batch_dim = 0},
    {.id = "moe.sparse.gate_logits",
     .summary = "shard_map router logits when the batch is split over experts",
     MOE_PY, .function = "get_routed_moe_shardings", .variable = "gate_logits_pspec",
     SPEC("activation_batch", "activation_norm_length", NULL),
     CONDS(SPARSE), NO_INTENT, .batch_dim = 0},
    {.id = "moe.sparse.output",
     .summary = "shard_map output when the batch is split over experts",
     MOE_PY, .function = "sparse_matmul", .variable = "output_pspec",
     SPEC("activation_batch", "activation_norm_length", "activation_embed"),
     CONDS(SPARSE), NO_INTENT, .batch_dim = 0},
    {.id = "moe.sparse.decode.inputs",
     .summary = "shard_map input tokens for a batch of one (decode)",
     MOE_PY, .function = "get_routed_moe_shardings", .variable = "input_partition_pspec",
     SPEC("decode_batch_moe", "activation_norm_length", NULL),
     CONDS(SPARSE, INFER), NO_INTENT, .batch_dim = 0},
    {.id = "moe.sparse.decode.gate_logits",
     .summary = "shard_map router logits for a batch of one (decode)",
     MOE_PY, .function = "get_routed_moe_shardings", .variable = "gate_logits_pspec",
     SPEC("decode_batch_moe", "activation_norm_length", NULL),
     CONDS(SPARSE, INFER), NO_INTENT, .batch_dim = 0},
    {.id = "moe.sparse.decode.output",
     .summary = "shard_map output for a batch of one (decode)",
     MOE_PY, .function = "sparse_matmul", .variable = "output_pspec",
     SPEC("decode_batch_moe", "activation_norm_length", "activation_embed"),
     CONDS(SPARSE, INFER), NO_INTENT, .batch_dim = 0},
    {.id = "moe.sparse.wi",
     .summary = "wi_0/wi_1 as the grouped matmul sees them (fsdp then removed)",
     MOE_PY, .function = "get_routed_moe_shardings", .variable = "w0_pspec",
     SPEC("exp", NULL, "mlp_no_fsdp"),
     CONDS(SPARSE, OFF("shard_exp_on_fsdp"), OFF("use_2d_fsdp_sharding")), NO_INTENT,
     .batch_dim = -1},
    {.id = "moe.sparse.wo",
     .summary = "wo as the grouped matmul sees it (fsdp then removed)",
     MOE_PY, .function = "get_routed_moe_shardings", .variable = "wo_pspec",
     SPEC("exp", "mlp_no_fsdp", NULL),
     CONDS(SPARSE, OFF("shard_exp_on_fsdp"), OFF("use_2d_fsdp_sharding")), NO_INTENT,
     .batch_dim = -1},
    {.id = "moe.sparse.wi.exp_on_fsdp",
     .summary = "wi_0/wi_1 for the grouped matmul with experts on fsdp (no static weight quantization)",
     MOE_PY, .function = "get_routed_moe_shardings", .variable = "w0_pspec",
     SPEC(NULL, NULL, "mlp_no_fsdp"),
     CONDS(SPARSE, ON("shard_exp_on_fsdp")), NO_INTENT, .batch_dim = -1},
    {.id = "moe.sparse.wo.exp_on_fsdp",
     .summary = "wo for the grouped matmul with experts on fsdp (no static weight quantization)",
     MOE_PY, .function = "get_routed_moe_shardings", .variable = "wo_pspec",
     SPEC(NULL, "mlp_no_fsdp", NULL),
     CONDS(SPARSE, ON("shard_exp_on_fsdp")), NO_INTENT, .batch_dim = -1},
    {.id = "moe.sparse.w.2d_fsdp",
     .summary = "wi_0, wi_1 and wo for the grouped matmul under 2D FSDP (one spec for all three)",
     MOE_PY, .function = "get_routed_moe_shardings", .variable = "w0_pspec",
     SPEC(NULL, "mlp_no_fsdp", NULL),
     CONDS(SPARSE, OFF("shard_exp_on_fsdp"), ON("use_2d_fsdp_sharding")), NO_INTENT,
     .batch_dim = -1},
    {.id = "moe.sparse.two_stage.wi_fsdp",
     .summary = "wi_0/wi_1 after the first all-gather stage (off fsdp_transpose)",
     MOE_PY, .function = "sparse_matmul", .variable = NULL,
     SPEC("exp_with_fsdp", NULL, "mlp"),
     CONDS(SPARSE, ON("moe_fsdp_use_two_stage_all_gather")), NO_INTENT, .batch_dim = -1},
    {.id = "moe.sparse.two_stage.wo_fsdp",
     .summary = "wo after the first all-gather stage",
     MOE_PY, .function = "sparse_matmul", .variable = NULL,
     SPEC("exp_with_fsdp", "mlp", NULL),
     CONDS(SPARSE, ON("moe_fsdp_use_two_stage_all_gather")), NO_INTENT, .batch_dim = -1},
    {.id = "moe.sparse.two_stage.wi",
     .summary = "wi_0/wi_1 after the second all-gather stage",
     MOE_PY, .function = "sparse_matmul", .variable = NULL,
     SPEC("exp_with_fsdp", NULL, "mlp_no_fsdp"),
     CONDS(SPARSE, ON("moe_fsdp_use_two_stage_all_gather")), NO_INTENT, .batch_dim = -1},
    {.id = "moe.sparse.two_stage.wo",
     .summary = "wo after the second all-gather stage",
     MOE_PY, .function = "sparse_matmul", .variable = NULL,
     SPEC("exp_with_fsdp", "mlp_no_fsdp", NULL),
     CONDS(SPARSE, ON("moe_fsdp_use_two_stage_all_gather")), NO_INTENT, .batch_dim = -1},

    /* ---- parameters (every path) ---- */
    {.id = "moe.weights.wi",
     .summary = "wi_0/wi_1 (or fused wi) parameters: (expert, embed, mlp)",
     MOE_PY, .function = "RoutedMoE.__init__", .variable = "wi_kernel_axes",
     SPEC("exp", "embed_moe", "mlp_moe"),
     CONDS(MOE, OFF("shard_exp_on_fsdp"), OFF("use_2d_fsdp_sharding"),
           OFF("use_batch_split_schedule")), NO_INTENT, .batch_dim = -1},
    {.id = "moe.weights.wo",
     .summary = "wo parameter: (expert, mlp, embed)",
     MOE_PY, .function = "RoutedMoE.__init__", .variable = "wo_kernel_axes",
     SPEC("exp", "mlp_moe", "embed_moe"),
     CONDS(MOE, OFF("shard_exp_on_fsdp"), OFF("use_2d_fsdp_sharding"),
           OFF("use_batch_split_schedule")), NO_INTENT, .batch_dim = -1},
    {.id = "moe.weights.wi.exp_on_fsdp",
     .summary = "wi_0/wi_1 parameters when experts are sharded over fsdp (DeepSeek-V3 style)",
     MOE_PY, .function = "RoutedMoE.__init__", .variable = "wi_kernel_axes",
     SPEC("embed_moe", NULL, "mlp_moe"),
     CONDS(MOE, ON("shard_exp_on_fsdp")), NO_INTENT, .batch_dim = -1},
    {.id = "moe.weights.wo.exp_on_fsdp",
     .summary = "wo parameter when experts are sharded over fsdp",
     MOE_PY, .function = "RoutedMoE.__init__", .variable = "wo_kernel_axes",
     SPEC("embed_moe", "mlp_moe", NULL),
     CONDS(MOE, ON("shard_exp_on_fsdp")), NO_INTENT, .batch_dim = -1},
    {.id = "moe.weights.wi.2d_fsdp",
     .summary = "wi_0/wi_1 parameters under 2D FSDP",
     MOE_PY, .function = "RoutedMoE.__init__", .variable = "wi_kernel_axes",
     SPEC("embed_moe", "mlp_moe", NULL),
     CONDS(MOE, OFF("shard_exp_on_fsdp"), ON("use_2d_fsdp_sharding")), NO_INTENT,
     .batch_dim = -1},
    {.id = "moe.weights.wo.2d_fsdp",
     .summary = "wo parameter under 2D FSDP",
     MOE_PY, .function = "RoutedMoE.__init__", .variable = "wo_kernel_axes",
     SPEC("embed_moe", "mlp_moe", NULL),
     CONDS(MOE, OFF("shard_exp_on_fsdp"), ON("use_2d_fsdp_sharding")), NO_INTENT,
     .batch_dim = -1},
    {.id = "moe.weights.wi.batch_split",
     .summary = "wi_0/wi_1 parameters under the batch-split schedule",
     MOE_PY, .function = "get_batchsplit_init_kernel_axes", .variable = NULL,
     SPEC("expert_only", "embed_moe", NULL),
     CONDS(MOE, OFF("shard_exp_on_fsdp"), OFF("use_2d_fsdp_sharding"),
           ON("use_batch_split_schedule")), NO_INTENT, .batch_dim = -1},
    {.id = "moe.weights.wo.batch_split",
     .summary = "wo parameter under the batch-split schedule",
     MOE_PY, .function = "get_batchsplit_init_kernel_axes", .variable = NULL,
     SPEC("expert_only", NULL, "embed_moe"),
     CONDS(MOE, OFF("shard_exp_on_fsdp"), OFF("use_2d_fsdp_sharding"),
           ON("use_batch_split_schedule")), NO_INTENT, .batch_dim = -1},
    {.id = "moe.bias.wi",
     .summary = "wi_0/wi_1 bias parameters (expert, mlp)",
     MOE_PY, .function = "RoutedMoE.__init__", .variable = "wi_bias_axes",
     SPEC("exp", "activation_mlp"),
     CONDS(MOE, ON("mlp_bias")), NO_INTENT, .batch_dim = -1},
    {.id = "moe.bias.wo",
     .summary = "wo bias parameter (expert, embed)",
     MOE_PY, .function = "RoutedMoE.__init__", .variable = "wo_bias_axes",
     SPEC("exp", "activation_embed"),
     CONDS(MOE, ON("mlp_bias")), NO_INTENT, .batch_dim = -1},
};

const size_t sl_catalog_len = sizeof sl_catalog / sizeof sl_catalog[0];
