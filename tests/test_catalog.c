/* The MoE site catalog: which sites a config makes live, the specs they
 * yield, and the shape of the data itself. */
#include <criterion/criterion.h>
#include <string.h>

#include "shardlint/model.h"

static sl_arena *A;
static sl_config C;
static sl_err E;

static void setup(void)
{
    A = sl_arena_new();
    memset(&C, 0, sizeof C);
}

static void teardown(void)
{
    sl_arena_free(A);
}

TestSuite(catalog, .init = setup, .fini = teardown);

/* A config from a flow map; the value of the i-th key sits at base.yml line
 * 200 + i, so a test can tell which node an evaluation read. */
static void config(const char *yaml)
{
    sl_node *n = NULL;
    int rc = sl_yaml_parse_value(A, yaml, (sl_loc){"base.yml", 1, 1, 0}, &n, &E);
    cr_assert_eq(rc, 0, "%s", E.msg);
    cr_assert_eq(n->kind, SL_NODE_MAP);
    for (size_t i = 0; i < n->n; i++)
        n->items[i]->loc = (sl_loc){"base.yml", 200 + (int)i, 1, 0};
    C.values = n;
}

static const sl_site *site(const char *id)
{
    const sl_site *s = sl_catalog_find(id);
    cr_assert_not_null(s, "no site %s", id);
    return s;
}

static bool live(const char *id)
{
    return sl_site_live(site(id), &C, NULL);
}

#define DENSE_TRAIN "num_experts: 8, sparse_matmul: false, capacity_factor: 1.25"

Test(catalog, dense_dispatch_live_on_the_dense_training_path)
{
    config("{" DENSE_TRAIN "}");
    cr_assert(live("moe.dense.dispatch"));
    cr_assert(live("moe.dense.mlp_up"));
    cr_assert(live("moe.dense.mlp_down"));
    cr_assert(live("moe.dense.masks"));
    cr_assert(live("moe.gate_logits"));
    cr_assert_not(live("moe.dense.nocap.inputs"));
    cr_assert_not(live("moe.sparse.inputs"));
}

Test(catalog, dense_dispatch_dead_on_sparse_matmul)
{
    config("{num_experts: 8, sparse_matmul: true, capacity_factor: 1.25}");
    cr_assert_not(live("moe.dense.dispatch"));
    cr_assert_not(live("moe.gate_logits"));
    cr_assert(live("moe.sparse.inputs"));
    cr_assert(live("moe.sparse.gate_logits"));
    cr_assert_not(live("moe.sparse.decode.inputs"));
}

Test(catalog, nothing_moe_is_live_without_experts)
{
    config("{num_experts: 1, sparse_matmul: false, capacity_factor: 1.25}");
    for (size_t i = 0; i < sl_catalog_len; i++)
        cr_assert_not(sl_site_live(&sl_catalog[i], &C, NULL), "%s", sl_catalog[i].id);
}

Test(catalog, no_token_dropping_takes_the_other_dense_path)
{
    config("{num_experts: 8, sparse_matmul: false, capacity_factor: -1.0}");
    cr_assert_not(live("moe.dense.dispatch"));
    cr_assert_not(live("moe.dense.wi_gather"));
    cr_assert(live("moe.dense.nocap.inputs"));
    cr_assert(live("moe.gate_logits"));
    config("{num_experts: 8, sparse_matmul: false, capacity_factor: 0}");
    cr_assert(live("moe.dense.nocap.inputs"), "capacity_factor <= 0, not < 0");
    cr_assert_not(live("moe.dense.dispatch"));
}

Test(catalog, vllm_attention_bypasses_dense_and_sparse)
{
    config("{" DENSE_TRAIN ", attention: vllm_rpa}");
    cr_assert_not(live("moe.dense.dispatch"));
    cr_assert(live("moe.weights.wi"), "parameters exist on every path");
    config("{" DENSE_TRAIN ", attention: dot_product}");
    cr_assert(live("moe.dense.dispatch"));
}

Test(catalog, inference_selects_the_subgroup_variants)
{
    config("{" DENSE_TRAIN ", model_call_mode: inference}");
    cr_assert_not(live("moe.dense.dispatch"));
    cr_assert_not(live("moe.dense.mlp_down"), "no constraint on MLP-down in inference");
    cr_assert(live("moe.infer.dispatch"));
    cr_assert(live("moe.infer.mlp_up"));
    cr_assert(live("moe.infer.masks"));
    cr_assert(live("moe.infer.inputs"));
    cr_assert_not(live("moe.infer.cp.masks"));
    cr_assert(live("moe.dense.wi_gather"), "kernel reshard is shared by both modes");
    cr_assert(live("moe.gate_logits"));
}

Test(catalog, context_autoregressive_enables_the_cp_variants)
{
    config("{" DENSE_TRAIN ", model_call_mode: inference, "
           "ici_context_autoregressive_parallelism: 2}");
    cr_assert(live("moe.infer.cp.masks"));
    cr_assert(live("moe.infer.cp.dispatch_pre"));
    cr_assert(live("moe.infer.masks"), "decode still runs with cp == 1");
    config("{" DENSE_TRAIN ", ici_context_autoregressive_parallelism: 2}");
    cr_assert_not(live("moe.infer.cp.masks"), "cp variants are inference only");
}

Test(catalog, model_call_mode_other_than_inference_is_training)
{
    config("{" DENSE_TRAIN ", model_call_mode: ''}");
    cr_assert(live("moe.dense.dispatch"));
    cr_assert_not(live("moe.infer.dispatch"));
}

Test(catalog, sparse_decode_variant_needs_inference)
{
    config("{num_experts: 8, sparse_matmul: true, model_call_mode: inference}");
    cr_assert(live("moe.sparse.decode.gate_logits"));
    cr_assert(live("moe.sparse.gate_logits"), "a batch above one still uses activation_batch");
}

Test(catalog, weight_variants_follow_the_init_branches)
{
    config("{num_experts: 8}");
    cr_assert(live("moe.weights.wi"));
    cr_assert_not(live("moe.weights.wi.exp_on_fsdp"));
    config("{num_experts: 8, shard_exp_on_fsdp: true, use_2d_fsdp_sharding: true}");
    cr_assert(live("moe.weights.wi.exp_on_fsdp"), "shard_exp_on_fsdp wins");
    cr_assert_not(live("moe.weights.wi.2d_fsdp"));
    cr_assert_not(live("moe.weights.wi"));
    config("{num_experts: 8, use_2d_fsdp_sharding: true, use_batch_split_schedule: true}");
    cr_assert(live("moe.weights.wo.2d_fsdp"));
    cr_assert_not(live("moe.weights.wo.batch_split"));
    config("{num_experts: 8, use_batch_split_schedule: true}");
    cr_assert(live("moe.weights.wo.batch_split"));
    cr_assert_not(live("moe.weights.wo"));
}

static void spec_of(const char *id, sl_spec *out)
{
    memset(out, 0x5a, sizeof *out);
    sl_site_spec(site(id), &C, out);
}

Test(catalog, spec_copies_the_site)
{
    sl_spec sp;
    config("{" DENSE_TRAIN "}");
    spec_of("moe.dense.dispatch", &sp);
    cr_assert_str_eq(sp.name, "moe.dense.dispatch");
    cr_assert_str_eq(sp.origin, "catalog");
    cr_assert_eq(sp.ndims, 4);
    cr_assert_str_eq(sp.logical[0], "activation_exp");
    cr_assert_str_eq(sp.logical[1], "activation_batch_moe");
    cr_assert_null(sp.logical[2]);
    cr_assert_str_eq(sp.logical[3], "activation_embed_moe");
    cr_assert_eq(sp.keep_dim, 0);
    cr_assert_str_eq(sp.keep_axis, "expert");
    cr_assert_eq(sp.site, site("moe.dense.dispatch"));
    cr_assert_null(sp.loc.file);
    cr_assert_eq(sp.loc.line, 0);
    cr_assert_eq(sp.keep_loc.line, 0);
    cr_assert_eq(sp.peel_dim, -1, "flag absent: no peel");
}

Test(catalog, mlp_down_keeps_expert_on_the_batch_dim)
{
    sl_spec sp;
    config("{" DENSE_TRAIN "}");
    spec_of("moe.dense.mlp_down", &sp);
    cr_assert_eq(sp.keep_dim, 1);
    cr_assert_str_eq(sp.keep_axis, "expert");
    cr_assert_str_eq(sp.logical[1], "activation_batch_moe");
}

Test(catalog, peel_applies_only_when_the_flag_is_true)
{
    sl_spec sp;
    config("{" DENSE_TRAIN ", moe_dispatch_no_expert_sharding: false}");
    spec_of("moe.dense.mlp_up", &sp);
    cr_assert_eq(sp.peel_dim, -1);
    cr_assert_null(sp.peel_axis);

    config("{" DENSE_TRAIN ", moe_dispatch_no_expert_sharding: true}");
    spec_of("moe.dense.dispatch", &sp);
    cr_assert_eq(sp.peel_dim, 1);
    cr_assert_str_eq(sp.peel_axis, "expert");
    spec_of("moe.dense.mlp_up", &sp);
    cr_assert_eq(sp.peel_dim, 1);
    spec_of("moe.dense.mlp_down", &sp);
    cr_assert_eq(sp.peel_dim, -1, "MaxText does not peel the MLP-down output");
    spec_of("moe.dense.masks", &sp);
    cr_assert_eq(sp.peel_dim, -1);
    spec_of("moe.infer.dispatch", &sp);
    cr_assert_eq(sp.peel_dim, -1, "inference passes peel_expert = False");
}

Test(catalog, only_training_dispatch_and_mlp_up_carry_the_peel_flag)
{
    size_t n = 0;
    for (size_t i = 0; i < sl_catalog_len; i++) {
        const sl_site *s = &sl_catalog[i];
        if (!s->peel_flag)
            continue;
        n++;
        cr_assert(strcmp(s->id, "moe.dense.dispatch") == 0 ||
                      strcmp(s->id, "moe.dense.mlp_up") == 0,
                  "%s", s->id);
        cr_assert_str_eq(s->peel_flag, "moe_dispatch_no_expert_sharding");
    }
    cr_assert_eq(n, 2);
}

Test(catalog, evals_report_the_value_node)
{
    config("{num_experts: 8, sparse_matmul: false, capacity_factor: 1.25}");
    const sl_site *s = site("moe.dense.dispatch");
    sl_cond_eval ev[SL_SITE_MAX_CONDS];
    cr_assert(sl_site_live(s, &C, ev));
    bool saw_sparse = false, saw_mode = false;
    for (size_t i = 0; i < s->nconds; i++) {
        cr_assert_eq(ev[i].cond, &s->conds[i]);
        cr_assert(ev[i].holds, "%s", ev[i].cond->key);
        if (strcmp(ev[i].cond->key, "sparse_matmul") == 0) {
            saw_sparse = true;
            cr_assert_eq(ev[i].value, sl_map_get(C.values, "sparse_matmul"));
            cr_assert_eq(ev[i].value->loc.line, 201);
            cr_assert_str_eq(ev[i].value->loc.file, "base.yml");
        }
        if (strcmp(ev[i].cond->key, "model_call_mode") == 0) {
            saw_mode = true;
            cr_assert_null(ev[i].value, "absent key reads no node");
        }
    }
    cr_assert(saw_sparse && saw_mode);
}

Test(catalog, evals_name_the_failing_condition)
{
    config("{num_experts: 8, sparse_matmul: true, capacity_factor: 1.25}");
    const sl_site *s = site("moe.dense.dispatch");
    sl_cond_eval ev[SL_SITE_MAX_CONDS];
    cr_assert_not(sl_site_live(s, &C, ev));
    size_t failing = 0;
    for (size_t i = 0; i < s->nconds; i++) {
        if (ev[i].holds)
            continue;
        failing++;
        cr_assert_str_eq(ev[i].cond->key, "sparse_matmul");
        cr_assert_eq(ev[i].value->loc.line, 201);
    }
    cr_assert_eq(failing, 1);
}

Test(catalog, absent_keys_follow_the_header_rule)
{
    config("{}");
    sl_cond_eval ev[SL_SITE_MAX_CONDS];
    const sl_site *s = site("moe.dense.dispatch");
    cr_assert_not(sl_site_live(s, &C, ev));
    for (size_t i = 0; i < s->nconds; i++) {
        sl_cond_op op = ev[i].cond->op;
        cr_assert_eq(ev[i].holds, op == SL_COND_FALSE || op == SL_COND_NE, "%s",
                     ev[i].cond->key);
    }
}

Test(catalog, values_are_read_as_maxtext_reads_them)
{
    config("{num_experts: '8', sparse_matmul: False, capacity_factor: 1.25e0}");
    cr_assert(live("moe.dense.dispatch"), "quoted number, YAML 1.1 bool, exponent");
    config("{num_experts: 8, sparse_matmul: null, capacity_factor: 2}");
    cr_assert(live("moe.dense.dispatch"), "null is falsy");
    config("{num_experts: 8, sparse_matmul: false, capacity_factor: high}");
    cr_assert_not(live("moe.dense.dispatch"), "a word is not > 0");
    cr_assert_not(live("moe.dense.nocap.inputs"), "nor <= 0");
    config("{num_experts: 8, sparse_matmul: false, capacity_factor: 1, "
           "model_call_mode: Inference}");
    cr_assert(live("moe.dense.dispatch"), "strings compare exactly");
    config("{num_experts: [8], sparse_matmul: false, capacity_factor: 1}");
    cr_assert_not(live("moe.dense.dispatch"), "a list is not a number");
}

Test(catalog, find)
{
    cr_assert_str_eq(site("moe.gate_logits")->id, "moe.gate_logits");
    cr_assert_null(sl_catalog_find("moe.nope"));
    cr_assert_null(sl_catalog_find(""));
    cr_assert_null(sl_catalog_find(NULL));
}

Test(catalog, sites_are_well_formed)
{
    cr_assert_gt(sl_catalog_len, 0);
    for (size_t i = 0; i < sl_catalog_len; i++) {
        const sl_site *s = &sl_catalog[i];
        cr_assert(s->id && s->summary && s->file && s->function);
        cr_assert_eq(sl_catalog_find(s->id), s, "duplicate id %s", s->id);
        cr_assert(s->ndims >= 1 && s->ndims <= SL_MAX_DIMS, "%s", s->id);
        for (size_t d = 0; d < SL_MAX_DIMS; d++) {
            const char *l = s->logical[d];
            if (d >= s->ndims)
                cr_assert_null(l, "%s dim %zu", s->id, d);
            else if (l)
                cr_assert(l[0] != '\0', "%s dim %zu", s->id, d);
            for (size_t e = 0; l && e < d; e++)
                cr_assert(!s->logical[e] || strcmp(s->logical[e], l) != 0,
                          "%s repeats %s", s->id, l);
        }
        cr_assert(s->nconds >= 1 && s->nconds <= SL_SITE_MAX_CONDS, "%s", s->id);
        for (size_t k = 0; k < s->nconds; k++) {
            const sl_cond *c = &s->conds[k];
            cr_assert(c->key && c->key[0], "%s", s->id);
            bool unary = c->op == SL_COND_TRUE || c->op == SL_COND_FALSE;
            cr_assert(unary == (c->value == NULL), "%s %s", s->id, c->key);
        }
        cr_assert(s->keep_dim < (int)s->ndims, "%s", s->id);
        cr_assert((s->keep_dim >= 0) == (s->keep_axis != NULL), "%s", s->id);
        cr_assert((s->keep_dim >= 0) == (s->keep_why != NULL), "%s", s->id);
        if (s->peel_flag)
            cr_assert(s->peel_dim >= 0 && s->peel_dim < (int)s->ndims && s->peel_axis,
                      "%s", s->id);
        cr_assert(s->batch_dim < (int)s->ndims, "%s", s->id);
    }
}

Test(catalog, op_names)
{
    cr_assert_str_eq(sl_cond_op_str(SL_COND_GT), ">");
    cr_assert_str_eq(sl_cond_op_str(SL_COND_LE), "<=");
    cr_assert_str_eq(sl_cond_op_str(SL_COND_FALSE), "is false");
}

Test(catalog, batch_dims_point_at_the_batch)
{
    cr_assert_eq(site("moe.gate_logits")->batch_dim, 0);
    cr_assert_eq(site("moe.dense.dispatch")->batch_dim, 1);
    cr_assert_eq(site("moe.dense.mlp_down")->batch_dim, 1);
    cr_assert_eq(site("moe.infer.masks")->batch_dim, 1, "length-major in decode");
    cr_assert_eq(site("moe.weights.wi")->batch_dim, -1);
    for (size_t i = 0; i < sl_catalog_len; i++) {
        const sl_site *s = &sl_catalog[i];
        if (s->batch_dim >= 0)
            cr_assert(s->logical[s->batch_dim] && strstr(s->logical[s->batch_dim], "batch"),
                      "%s", s->id);
    }
}

/* Conditions read from code: a mesh size (or the number the code may use
 * instead), a list of values, and what the config cannot answer. */
Test(catalog, conditions_from_code)
{
    config("{decoder_block: gemma3, scan_layers: true}");
    sl_axis axes[] = {{.name = "context_autoregressive", .size = 1}, {.name = "fsdp", .size = 4}};
    sl_mesh m = {.axes = axes, .naxes = 2};
    sl_cond_eval ev;
    sl_cond cp = {.key = "context_autoregressive", .op = SL_COND_GT, .value = "1", .mesh = true,
                  .alt = "1", .lenient = true};
    cr_expect_not(sl_cond_holds(&cp, &C, &m, &ev));
    cr_expect_eq(ev.size, 1);
    cr_expect_str_eq(sl_cond_eval_str(A, &ev), "mesh axis 'context_autoregressive' has size 1");
    axes[0].size = 2;
    cr_expect(sl_cond_holds(&cp, &C, &m, NULL));
    /* cp == 1 may hold on any mesh: the code resets cp to 1 on some path. */
    sl_cond one = {.key = "context_autoregressive", .op = SL_COND_EQ, .value = "1", .mesh = true,
                   .alt = "1"};
    cr_expect(sl_cond_holds(&one, &C, &m, NULL));
    one.alt = NULL;
    cr_expect_not(sl_cond_holds(&one, &C, &m, NULL));
    /* An axis the mesh lacks has size 1; without a mesh the condition holds. */
    sl_cond ge = {.key = "expert", .op = SL_COND_GE, .value = "2", .mesh = true};
    cr_expect_not(sl_cond_holds(&ge, &C, &m, NULL));
    cr_expect(sl_cond_holds(&ge, &C, NULL, NULL));

    sl_cond in = {.key = "decoder_block", .op = SL_COND_IN, .value = "gemma2|gemma3"};
    cr_expect(sl_cond_holds(&in, &C, &m, NULL));
    in.value = "gemma|gemma2";
    cr_expect_not(sl_cond_holds(&in, &C, &m, &ev));
    cr_expect_str_eq(sl_cond_str(A, &in), "decoder_block in [gemma,gemma2]");
    cr_expect_str_eq(sl_cond_eval_str(A, &ev), "decoder_block = gemma3 (base.yml:200:1)");

    /* A key the config does not have: false for the catalog, true when read
     * from code (the config cannot say the code does not run). */
    sl_cond key = {.key = "use_x", .op = SL_COND_TRUE};
    cr_expect_not(sl_cond_holds(&key, &C, &m, NULL));
    key.lenient = true;
    cr_expect(sl_cond_holds(&key, &C, &m, NULL));
    sl_cond scan = {.key = "scan_layers", .op = SL_COND_FALSE, .lenient = true,
                    .text = "cfg.scan_layers", .negated = true};
    cr_expect_not(sl_cond_holds(&scan, &C, &m, NULL));
    cr_expect_str_eq(sl_cond_str(A, &scan), "not `cfg.scan_layers`");
}

static const sl_code_file *code_file(const char *path, const char *klass, const char *function)
{
    size_t at = 0;
    return sl_code_file_next(path, klass, function, &at);
}

/* A model family's own files are live only for that family; files every
 * family uses are not listed, nor files of the same name elsewhere. */
Test(catalog, code_files_by_family)
{
    const sl_code_file *f = code_file("src/maxtext/layers/attention_compressed.py", NULL, NULL);
    cr_assert_not_null(f);
    config("{decoder_block: mixtral}");
    cr_expect_not(sl_conds_hold(f->conds, f->nconds, &C, NULL, NULL, NULL));
    config("{decoder_block: deepseek4}");
    cr_expect(sl_conds_hold(f->conds, f->nconds, &C, NULL, NULL, NULL));
    cr_expect_not_null(code_file("MaxText/layers/llama2.py", NULL, NULL));
    cr_expect_not_null(code_file("models/llama2.py", NULL, NULL));
    cr_expect_null(code_file("src/maxtext/layers/moe.py", NULL, NULL));
    cr_expect_null(code_file("checkpoint_conversion/llama2.py", NULL, NULL));
    cr_expect_null(code_file("notmodels/llama2.py", NULL, NULL));
    /* A scope is a class or def of the file: MaxText's MLA lived in
     * attentions.py before it had a file of its own. */
    cr_expect_not_null(code_file("MaxText/layers/attentions.py", "MLA", "setup"));
    cr_expect_null(code_file("MaxText/layers/attentions.py", "Attention", "setup"));
    /* Every entry that covers the code counts: Gemma 3's vision encoder is
     * Gemma 3's and multimodal. */
    size_t at = 0, n = 0;
    while (sl_code_file_next("models/gemma3.py", "Gemma3VisionEncoderLayer", "__call__", &at))
        n++;
    cr_expect_eq(n, 2);
    /* A tree whose config has no decoder_block runs every file. */
    config("{num_experts: 1}");
    cr_expect(sl_conds_hold(f->conds, f->nconds, &C, NULL, NULL, NULL));
}
