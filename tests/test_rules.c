/* The rules that read a config against its tree's config code (SL005-SL009,
 * SL102-SL108), run end to end on the fixture trees under fixtures/rules:
 * a src/maxtext checkout whose types.py defines the keys and makes the
 * checks, an older MaxText/ checkout, and a config outside any checkout. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "shardlint/engine.h"
#include "shardlint/limits.h"
#include "shardlint/rule.h"
#include "support.h"

#define MT "rules/mt/src/maxtext/configs/"
#define W(...) ((const char *const[]){__VA_ARGS__, NULL})

static sl_session *S;
static sl_report R;
static const sl_spec *SPECS;   /* --specs of the next check, or NULL */

static void setup(void)
{
    S = sl_session_new();
    memset(&R, 0, sizeof R);
}

static void teardown(void)
{
    sl_session_free(S);
}

TestSuite(rules, .init = setup, .fini = teardown);

/* Checks fixtures/<rel> with overrides (words 2, 3, ...) on `devices`
 * devices per slice (0: as the config implies). */
static void check(const char *rel, const char *const *words, long long devices)
{
    sl_arena *a = sl_arena_new();
    sl_override ov[16];
    size_t n = 0;
    sl_err e;
    for (; words && words[n]; n++)
        cr_assert_eq(sl_override_parse(a, words[n], (sl_loc){.word = (int)n + 2}, &ov[n], &e),
                     0, "%s", e.msg);
    const char *path = fixture(rel);
    sl_check_opts o = {.paths = &path, .npaths = 1, .ov = ov, .nov = n, .devices = devices,
                       .verify_fixes = true, .specs = SPECS, .nspecs = SPECS ? 1 : 0};
    cr_assert_eq(sl_session_check(S, &o, &R), 0);
    cr_assert_eq(R.nerrors, 0, "%s did not load", rel);
    sl_arena_free(a);
}

static const sl_finding *find(const char *id, const char *text)
{
    for (size_t i = 0; i < R.findings.n; i++) {
        const sl_finding *f = R.findings.items[i];
        if (strcmp(f->rule->id, id) == 0 && (!text || strstr(f->message, text)))
            return f;
    }
    return NULL;
}

static size_t count(const char *id)
{
    size_t n = 0;
    for (size_t i = 0; i < R.findings.n; i++)
        n += strcmp(R.findings.items[i]->rule->id, id) == 0;
    return n;
}

static const sl_fix *preferred(const sl_finding *f)
{
    for (size_t i = 0; i < f->nfixes; i++)
        if (f->fixes[i].preferred)
            return &f->fixes[i];
    return NULL;
}

/* ---- what a tree defines -------------------------------------------------- */

Test(rules, tree_reads_the_fields_of_every_class_of_types_py)
{
    const sl_tree *t = sl_session_tree(S, fixture(MT "base.yml"));
    cr_assert_not_null(t);
    cr_expect_eq(t->key_source, SL_KEYS_FIELDS);
    cr_expect_str_eq(sl_tree_field_find(t, "per_device_batch_size")->type, "float");
    cr_expect_str_eq(sl_tree_field_find(t, "base_config")->type, "None | str");
    /* A docstring line is not a field; a field of a class whose header spans
     * lines is; two classes typing one name differently leave it untyped. */
    cr_expect_null(sl_tree_field_find(t, "note"));
    cr_expect_not_null(sl_tree_field_find(t, "debug"));
    cr_expect_null(sl_tree_field_find(t, "rl")->type);
    const sl_tree_choice *ds = sl_tree_choice_find(t, "DatasetType");
    cr_assert_not_null(ds);
    cr_expect_eq(ds->nvalues, 2);
    cr_expect_str_eq(ds->values[1], "tfds");
    const sl_tree_choice *models = sl_tree_choice_find(t, "ModelName");
    cr_assert_not_null(models);
    cr_expect_eq(models->nvalues, 3);
    cr_expect_str_eq(models->values[2], "narrow-rules");
}

Test(rules, older_trees_define_keys_by_their_chain)
{
    const sl_tree *t = sl_session_tree(S, fixture("rules/old/MaxText/configs/base.yml"));
    cr_assert_not_null(t);
    cr_expect_eq(t->layout, SL_LAYOUT_MAXTEXT);
    cr_expect_eq(t->key_source, SL_KEYS_CHAIN);
    cr_expect_eq(t->nfields, 0);
    cr_expect_null(sl_session_tree(S, fixture("rules/plain/base.yml")));
}

Test(rules, spelling_distance_and_the_closest_name)
{
    cr_expect_eq(sl_str_distance("ici_expert_paralelism", "ici_expert_parallelism", 3), 1);
    cr_expect_eq(sl_str_distance("exprt", "expert", 3), 1);
    cr_expect_eq(sl_str_distance("fsdp", "fdsp", 3), 1, "a swap of neighbours is one edit");
    cr_expect_eq(sl_str_distance("data", "tensor", 2), 3, "past the limit: limit + 1");
    const char *names[] = {"expert", "export", "data"};
    cr_expect_str_eq(sl_rule_closest("exprt", names, 1), "expert");
    cr_expect_null(sl_rule_closest("exprt", names, 2), "two equally close names: none");
    cr_expect_null(sl_rule_closest("zzzz", names, 3));
}

/* ---- SL005 ----------------------------------------------------------------------- */

Test(rules, identical_rules_warn_with_no_axis_active_and_sl001_leaves_them)
{
    check(MT "base.yml", W("ici_fsdp_parallelism=8"), 8);
    const sl_finding *f = find("SL005", "dim 0 (embed) can never be sharded");
    cr_assert_not_null(f);
    cr_expect_eq(f->level, SL_LEVEL_WARNING);
    cr_expect(f->stays, "the cause is all in tree files");
    cr_expect_null(find("SL001", "(embed)"), "SL001 does not report the same loss");
    const sl_fix *fix = preferred(f);
    cr_assert_not_null(fix);
    cr_expect(strstr(fix->description, "q_lora_up_proj"), "%s", fix->description);
    cr_expect(fix->verified && fix->removes, "%s", fix->verify_note);

    /* Every axis at size 1: no contention SL001 would see, still a warning. */
    check(MT "base.yml", W("ici_fsdp_parallelism=1", "ici_data_parallelism=-1"), 8);
    cr_expect_not_null(find("SL005", "dim 0 (embed)"));
}

/* Rules from the command line: a scanned tuple is reported only for
 * base.yml's own rules (its code may not run), a declared spec always. */
Test(rules, identical_rules_compare_axes_as_sets_and_a_fallback_is_not_identical)
{
    static const sl_spec mine = {.name = "mine", .logical = {"embed", "q_lora"}, .ndims = 2,
                                 .origin = "specs", .keep_dim = -1, .peel_dim = -1};
    check(MT "base.yml", W("logical_axis_rules=[[q_lora,[expert,fsdp]]]"), 8);
    cr_expect_eq(count("SL005"), 0, "rules from the command line, a scanned tuple");
    SPECS = &mine;
    /* The override moves q_lora's rule after embed's, axes in another order:
     * now embed wins, and q_lora is the dim never sharded. */
    check(MT "base.yml", W("logical_axis_rules=[[q_lora,[expert,fsdp]]]"), 8);
    cr_expect_not_null(find("SL005", "tensor 'mine': dim 0 (embed) and dim 1 (q_lora)"));
    /* A loser that loses every axis to a rule naming fewer is a partial
     * overlap: SL001's. */
    check(MT "base.yml", W("logical_axis_rules=[[q_lora,[fsdp]],[embed,[fsdp,tensor]]]"), 8);
    cr_expect_eq(count("SL005"), 0);
    cr_expect_not_null(find("SL001", "tensor 'mine': dim 0 (embed) loses mesh axis 'fsdp'"));
    /* A second rule on an axis of its own lets the loser fall back. */
    check(MT "base.yml", W("logical_axis_rules=[[q_lora,[fsdp,expert]],[q_lora,[tensor]],"
                           "[embed,[fsdp,expert]],[embed,[tensor]]]"), 8);
    cr_expect_eq(count("SL005"), 0);
    SPECS = NULL;
}

/* ---- SL006-SL009 ------------------------------------------------------------------ */

Test(rules, axis_not_in_the_mesh_in_data_sharding_with_a_verified_rename)
{
    check(MT "base.yml", W("data_sharding=[[data,fsdp,tensr]]"), 8);
    const sl_finding *f = find("SL006", "data_sharding names mesh axis 'tensr'");
    cr_assert_not_null(f);
    cr_expect(strstr(f->message, "did you mean 'tensor'"));
    cr_expect_eq(f->loc.word, 2);
    cr_expect(preferred(f)->verified && preferred(f)->removes);
    /* An axis MaxText knows but this mesh leaves out is not a typo. */
    check(MT "base.yml", W("data_sharding=[[data,fsdp,autoregressive]]"), 8);
    cr_expect_eq(count("SL006"), 0);
}

Test(rules, malformed_entry_is_an_error_and_the_rest_is_linted)
{
    check(MT "base.yml", W("logical_axis_rules=[[activation_batch],[q_lora,[tensor]]]"), 8);
    const sl_finding *f = find("SL007", "[activation_batch] is not a [name, mesh] pair");
    cr_assert_not_null(f);
    cr_expect_eq(f->level, SL_LEVEL_ERROR);
    cr_expect_eq(count("SL005"), 0, "the well-formed entry still applied");
}

Test(rules, names_a_replacing_rule_list_drops_are_noted_once_each)
{
    check(MT "models/narrow-rules.yml", NULL, 8);
    const sl_finding *f = find("SL008", "`q_lora` has a rule in the base_config chain");
    cr_assert_not_null(f);
    cr_expect_eq(f->level, SL_LEVEL_NOTE);
    cr_expect(sl_path_has_suffix(f->loc.file, "models/narrow-rules.yml"));
    cr_expect_eq(f->nrelated, 1, "the spec that uses it");
    cr_expect_null(find("SL008", "`heads`"), "the chain never had a rule for it");
}

Test(rules, a_user_spec_dim_without_a_rule_warns_when_its_intent_needs_it)
{
    sl_spec spec = {.name = "mine", .logical = {"activation_batch", "activation_lenght"},
                    .ndims = 2, .origin = "specs", .keep_dim = 1, .keep_axis = "context",
                    .peel_dim = -1};
    const char *path = fixture(MT "base.yml");
    sl_check_opts o = {.paths = &path, .npaths = 1, .specs = &spec, .nspecs = 1};
    cr_assert_eq(sl_session_check(S, &o, &R), 0);
    const sl_finding *f = find("SL008", "tensor 'mine': dim 1 (activation_lenght)");
    cr_assert_not_null(f);
    cr_expect_eq(f->level, SL_LEVEL_WARNING);
}

Test(rules, unused_rule_is_noted_with_the_name_meant)
{
    check(MT "base.yml", W("logical_axis_rules=[[activation_lenght,[context]]]"), 8);
    const sl_finding *f = find("SL009", "`activation_lenght`");
    cr_assert_not_null(f);
    cr_expect(strstr(f->message, "did you mean `activation_length`"));
    cr_expect_null(find("SL009", "`layers`"), "base.yml's own rules are MaxText's vocabulary");
}

Test(rules, unused_rules_past_the_cap_are_counted_in_one_note)
{
    char words[4096] = "logical_axis_rules=[";
    for (int i = 0; i < SL_UNUSED_RULES_MAX + 8; i++)
        snprintf(words + strlen(words), sizeof words - strlen(words), "%s[unused_%d,[data]]",
                 i ? "," : "", i);
    strcat(words, "]");
    check(MT "base.yml", W(words), 8);
    cr_expect_eq(count("SL009"), SL_UNUSED_RULES_MAX + 1);
    cr_expect_not_null(find("SL009", "8 more rules from here on"));
}

/* ---- SL102-SL104 ------------------------------------------------------------------- */

Test(rules, unknown_keys_in_files_and_words_with_verified_renames)
{
    check(MT "typo-key.yml", W("ici_expert_paralelism=-1"), 0);
    const sl_finding *file = NULL, *word = NULL;
    for (size_t i = 0; i < R.findings.n; i++) {
        const sl_finding *f = R.findings.items[i];
        if (strcmp(f->rule->id, "SL102") == 0)
            *(f->loc.word ? &word : &file) = f;
    }
    cr_assert_not_null(file);
    cr_assert_not_null(word);
    cr_expect(sl_path_has_suffix(file->loc.file, "typo-key.yml"));
    cr_expect_eq(file->loc.line, 3);
    cr_expect_eq(file->nfixes, 1);
    cr_expect_eq(file->fixes[0].nedits, 1);
    cr_expect_str_eq(file->fixes[0].edits[0].text, "ici_expert_parallelism");
    /* Renamed, the word's -1 meets the file's: the re-lint says so. */
    const sl_fix *fix = preferred(word);
    cr_expect(fix->verified && fix->removes);
    cr_expect_str_eq(fix->override, "ici_expert_parallelism=-1");
    /* A field types.py defines that base.yml does not set is no finding. */
    check(MT "base.yml", W("vision_encoder_block=gemma3"), 8);
    cr_expect_eq(count("SL102"), 0);
}

Test(rules, older_trees_refuse_words_and_model_keys_their_chain_lacks)
{
    check("rules/old/MaxText/configs/models/typed-moe.yml", W("sparse_matmul=false"), 8);
    cr_expect_not_null(find("SL102", "'moe_capacity'"));
    cr_expect_eq(count("SL102"), 1, "a key of the chain passes");
    cr_expect_not_null(find("SL103", "capacity_factor: 1 in the model file is an int"));
}

Test(rules, outside_a_checkout_keys_are_base_yml_and_maxtexts)
{
    check("rules/plain/models/vision.yml", NULL, 8);
    cr_expect_eq(count("SL102"), 0, "vision_encoder_block is MaxText's");
    check("rules/plain/models/typo.yml", NULL, 8);
    const sl_finding *f = find("SL102", "'num_expert'");
    cr_assert_not_null(f);
    cr_expect(strstr(f->notes[0], "No MaxText config code"), "%s", f->notes[0]);
}

Test(rules, value_types_follow_pydantics_lax_mode)
{
    check(MT "base.yml", W("num_experts=0", "use_gmm_v2=t", "max_target_length='4096'",
                           "per_device_batch_size=2.5", "run_name=7"), 8);
    cr_expect_not_null(find("SL103", "num_experts=0 is below 1"));
    cr_expect_null(find("SL103", "use_gmm_v2"), "'t' is a truth value");
    cr_expect_null(find("SL103", "max_target_length"), "a string of an int is an int");
    cr_expect_null(find("SL103", "per_device_batch_size"));
    cr_expect_not_null(find("SL103", "run_name=7 is a number"));
    check(MT "base.yml", W("base_emb_dim=2.5"), 8);
    cr_expect_not_null(find("SL103", "a number with a fraction"));
}

Test(rules, parallelism_for_an_axis_the_mesh_lacks_is_a_warning_for_trees_that_ignore_it)
{
    check(MT "base.yml", W("mesh_axes=[data,fsdp,expert]", "ici_context_parallelism=2"), 8);
    const sl_finding *f = find("SL104", "ici_context_parallelism=2");
    cr_assert_not_null(f);
    cr_expect(preferred(f) == NULL, "adding an axis is offered, not preferred");
    cr_expect(f->fixes[0].verified);
}

/* ---- SL105-SL108 ------------------------------------------------------------------- */

Test(rules, indivisible_heads_and_an_assumed_device_count)
{
    check(MT "base.yml", W("ici_tensor_parallelism=4", "ici_fsdp_parallelism=2",
                           "base_num_kv_heads=2"), 0);
    const sl_finding *f = find("SL105", "num_kv_heads (2)");
    cr_assert_not_null(f);
    cr_expect_eq(f->level, SL_LEVEL_WARNING);
    /* With a -1 left to fill, the device count is assumed: a batch that
     * depends on it is a note. */
    check(MT "base.yml", W("per_device_batch_size=0.5", "ici_fsdp_parallelism=-1"), 0);
    f = find("SL105", "the batch per step (4)");
    cr_assert_not_null(f);
    cr_expect_eq(f->level, SL_LEVEL_NOTE);
}

Test(rules, maxtext_checks_apply_to_trees_that_make_them)
{
    check(MT "base.yml", W("num_moe_token_chunks=2", "use_ring_of_experts=true",
                           "ici_expert_parallelism=-1", "ici_fsdp_parallelism=1"), 8);
    cr_expect_eq(count("SL106"), 0, "chunks with ring of experts, dividing the length");
    check(MT "base.yml", W("num_moe_token_chunks=2"), 8);
    cr_expect_not_null(find("SL106", "needs use_ring_of_experts=true"));
    /* The older fixture tree's pyconfig makes no such check. */
    check("rules/old/MaxText/configs/base.yml", W("use_ring_of_experts=true"), 8);
    cr_expect_eq(count("SL107"), 0);
    cr_expect_eq(count("SL106"), 0);
}

Test(rules, dcn_parallelism_needs_a_known_second_slice)
{
    check(MT "base.yml", W("dcn_fsdp_parallelism=2", "dcn_data_parallelism=1", "num_slices=1"),
          8);
    cr_expect_not_null(find("SL106", "DCN parallelism 2 is asked for"));
    check(MT "base.yml", W("dcn_fsdp_parallelism=2", "dcn_data_parallelism=1"), 8);
    cr_expect_null(find("SL106", "DCN parallelism"), "the slice count is not known");
}

Test(rules, expert_parallel_only_settings_unless_the_rules_are_overridden)
{
    check(MT "ep-ring.yml", NULL, 8);
    const sl_finding *f = find("SL107", "use_ring_of_experts=true");
    cr_assert_not_null(f);
    cr_expect(f->fixes[0].verified && f->fixes[0].removes);
    check(MT "ep-ring.yml", W("override_logical_axis_rules=true"), 8);
    cr_expect_eq(count("SL107"), 0);
}

Test(rules, unknown_custom_mesh_is_an_error_with_the_closest_name)
{
    check(MT "base.yml", W("custom_mesh_and_rule=ep-as-cpp"), 8);
    const sl_finding *f = find("SL108", "'ep-as-cpp'");
    cr_assert_not_null(f);
    cr_expect_eq(f->level, SL_LEVEL_ERROR);
    cr_expect_str_eq(preferred(f)->override, "custom_mesh_and_rule=ep-as-cp");
    cr_expect(preferred(f)->verified && preferred(f)->removes);
}
