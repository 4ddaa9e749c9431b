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

#define CONDS(...)                                                     \
    .conds = {__VA_ARGS__},                                            \
    .nconds = sizeof((sl_cond[]){__VA_ARGS__}) / sizeof(sl_cond)

/* Lenient: a tree whose config has no decoder_block key runs every file. */
#define BLOCK(values) {.key = "decoder_block", .op = SL_COND_IN, .value = (values), .lenient = true}

#define DECODER_LAYER "its decoder layer, chosen by decoder_block"

const sl_code_file sl_code_files[] = {
    {"llama2.py", CONDS(BLOCK("llama2")), DECODER_LAYER},
    {"mistral.py", CONDS(BLOCK("mistral")), DECODER_LAYER},
    {"mixtral.py", CONDS(BLOCK("mixtral")), DECODER_LAYER},
    /* DeepSeek-V4's layer derives from DeepSeek's generic layer. */
    {"deepseek.py", CONDS(BLOCK("deepseek|deepseek4")), DECODER_LAYER},
    {"deepseek4.py", CONDS(BLOCK("deepseek4")), DECODER_LAYER},
    {"attention_mla.py", CONDS(BLOCK("deepseek|deepseek4")),
     "imported only by the DeepSeek layer (models/deepseek.py), chosen by decoder_block"},
    {"attention_compressed.py", CONDS(BLOCK("deepseek4")),
     "imported only by the DeepSeek-V4 layer (models/deepseek4.py), chosen by decoder_block"},
    {"gemma.py", CONDS(BLOCK("gemma")), DECODER_LAYER},
    {"gemma2.py", CONDS(BLOCK("gemma2")), DECODER_LAYER},
    {"gemma3.py", CONDS(BLOCK("gemma3")), DECODER_LAYER},
    {"gemma4.py", CONDS(BLOCK("gemma4")), DECODER_LAYER},
    {"gemma4_small.py", CONDS(BLOCK("gemma4_small")), DECODER_LAYER},
    {"gpt3.py", CONDS(BLOCK("gpt3")), DECODER_LAYER},
    {"gpt_oss.py", CONDS(BLOCK("gpt_oss")), DECODER_LAYER},
    {"qwen2.py", CONDS(BLOCK("qwen2")), DECODER_LAYER},
    /* Qwen3-Next, Qwen3.5 and the custom MoE build on Qwen3's layers. */
    {"qwen3.py", CONDS(BLOCK("qwen3|qwen3_moe|qwen3_next|qwen3_custom_moe|qwen3_5")),
     DECODER_LAYER},
    {"qwen3_5.py", CONDS(BLOCK("qwen3_5")), DECODER_LAYER},
    {"qwen3_custom.py", CONDS(BLOCK("qwen3_custom_moe")), DECODER_LAYER},
    {"llama4.py", CONDS(BLOCK("llama4")), DECODER_LAYER},
    {"olmo3.py", CONDS(BLOCK("olmo3")), DECODER_LAYER},
    {"envy.py", CONDS(BLOCK("envy")), DECODER_LAYER},
    {"simple_layer.py", CONDS(BLOCK("simple|simple_mlp")), DECODER_LAYER},
};

const size_t sl_code_files_len = sizeof sl_code_files / sizeof sl_code_files[0];
