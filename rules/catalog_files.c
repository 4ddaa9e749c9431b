/* MaxText source files that only some model families run. MaxText picks a
 * family's decoder layer by `decoder_block` (layers/decoders.py,
 * get_decoder_layers: `case DecoderBlockType.LLAMA2: return
 * [llama2.LlamaDecoderLayerToLinen]`; older trees: `if
 * self.config.decoder_block == "llama2"` in layers/models.py), and a family's
 * own layer files are imported only from there, so specs scanned from them
 * exist only for that family. rules/catalog.md lists where each entry comes
 * from. Files every family uses (attentions.py, linears.py, moe.py, the
 * decoders) are not listed: their sites are live for every config. */
#include "shardlint/model.h"

#define ALL NULL

#define CONDS(...)                                                     \
    .conds = {__VA_ARGS__},                                            \
    .nconds = sizeof((sl_cond[]){__VA_ARGS__}) / sizeof(sl_cond)

/* Lenient: a tree whose config has no decoder_block key runs every file. */
#define BLOCK(values) {.key = "decoder_block", .op = SL_COND_IN, .value = (values), .lenient = true}

/* Lenient too: a tree without the key builds every encoder. */
#define ON(k) {.key = (k), .op = SL_COND_TRUE, .lenient = true}

#define DECODER_LAYER "its decoder layer, chosen by decoder_block"
#define MULTIMODAL "a vision encoder, built only when use_multimodal is true"
#define V4_LINEAR "built only by DeepSeek-V4's compressed attention"
#define STAGES {.key = "stage", .op = SL_COND_GT, .value = "1", .mesh = true}
#define PIPELINE "the pipeline module, built only when the stage axis is > 1"

const sl_code_file sl_code_files[] = {
    {"llama2.py", ALL, CONDS(BLOCK("llama2")), DECODER_LAYER},
    {"mistral.py", ALL, CONDS(BLOCK("mistral")), DECODER_LAYER},
    {"mixtral.py", ALL, CONDS(BLOCK("mixtral")), DECODER_LAYER},
    /* DeepSeek-V4's layer derives from DeepSeek's generic layer. */
    {"deepseek.py", ALL, CONDS(BLOCK("deepseek|deepseek4")), DECODER_LAYER},
    {"deepseek4.py", ALL, CONDS(BLOCK("deepseek4")), DECODER_LAYER},
    {"attention_mla.py", ALL, CONDS(BLOCK("deepseek|deepseek4")),
     "imported only by the DeepSeek layer (models/deepseek.py), chosen by decoder_block"},
    {"attention_compressed.py", ALL, CONDS(BLOCK("deepseek4")),
     "imported only by the DeepSeek-V4 layer (models/deepseek4.py), chosen by decoder_block"},
    {"gemma.py", ALL, CONDS(BLOCK("gemma")), DECODER_LAYER},
    {"gemma2.py", ALL, CONDS(BLOCK("gemma2")), DECODER_LAYER},
    {"gemma3.py", ALL, CONDS(BLOCK("gemma3")), DECODER_LAYER},
    {"gemma4.py", ALL, CONDS(BLOCK("gemma4")), DECODER_LAYER},
    {"gemma4_small.py", ALL, CONDS(BLOCK("gemma4_small")), DECODER_LAYER},
    {"gpt3.py", ALL, CONDS(BLOCK("gpt3")), DECODER_LAYER},
    {"gpt_oss.py", ALL, CONDS(BLOCK("gpt_oss")), DECODER_LAYER},
    {"qwen2.py", ALL, CONDS(BLOCK("qwen2")), DECODER_LAYER},
    /* Qwen3-Next, Qwen3.5 and the custom MoE build on Qwen3's layers. */
    {"qwen3.py", ALL, CONDS(BLOCK("qwen3|qwen3_moe|qwen3_next|qwen3_custom_moe|qwen3_5")),
     DECODER_LAYER},
    {"qwen3_5.py", ALL, CONDS(BLOCK("qwen3_5")), DECODER_LAYER},
    {"qwen3_custom.py", ALL, CONDS(BLOCK("qwen3_custom_moe")), DECODER_LAYER},
    {"llama4.py", ALL, CONDS(BLOCK("llama4")), DECODER_LAYER},
    {"olmo3.py", ALL, CONDS(BLOCK("olmo3")), DECODER_LAYER},
    {"envy.py", ALL, CONDS(BLOCK("envy")), DECODER_LAYER},
    {"simple_layer.py", ALL, CONDS(BLOCK("simple|simple_mlp")), DECODER_LAYER},
    /* MLA lived in attentions.py until it had a file of its own (2025-09),
     * instantiated only by the DeepSeek layer. */
    {"attentions.py", "MLA", CONDS(BLOCK("deepseek|deepseek4")),
     "instantiated only by the DeepSeek layer (layers/deepseek.py), chosen by decoder_block"},
    /* Written for DeepSeek-V4: only its compressed attention builds it. */
    {"linears.py", "DeepSeekV4GroupedLinear", CONDS(BLOCK("deepseek4")), V4_LINEAR},
    {"linears.py", "deepseek_v4_grouped_linear", CONDS(BLOCK("deepseek4")), V4_LINEAR},
    /* The pipeline module is built only with pipeline parallelism
     * (decoders.py: `if config.using_pipeline_parallelism`, which pyconfig
     * sets from ici/dcn_pipeline_parallelism > 1: the stage axis). */
    {"pipeline.py", ALL, CONDS(STAGES), PIPELINE},
    {"pipeline_deprecated.py", ALL, CONDS(STAGES), PIPELINE},
    /* The multi-token prediction block is built only with MTP layers
     * (models.py: `if mtp_num_layers > 0`). */
    {"multi_token_prediction.py", ALL,
     CONDS({.key = "mtp_num_layers", .op = SL_COND_GT, .value = "0", .lenient = true}),
     "built only when mtp_num_layers > 0"},
    /* The vision encoders exist only in multimodal models (models.py builds
     * them `if use_multimodal`). */
    {"encoders.py", "VisionEncoder", CONDS(ON("use_multimodal")), MULTIMODAL},
    {"encoders.py", "MultimodalMLPProjector", CONDS(ON("use_multimodal")), MULTIMODAL},
    {"gemma3.py", "Gemma3VisionEncoderLayer", CONDS(ON("use_multimodal")), MULTIMODAL},
    {"gemma4_vision.py", ALL, CONDS(ON("use_multimodal")), MULTIMODAL},
    {"qwen3_5_vision.py", ALL, CONDS(ON("use_multimodal")), MULTIMODAL},
    {"qwen3_vl_vision.py", ALL, CONDS(ON("use_multimodal")), MULTIMODAL},
};

const size_t sl_code_files_len = sizeof sl_code_files / sizeof sl_code_files[0];
