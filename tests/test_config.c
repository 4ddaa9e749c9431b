/* Config stage: base_config chains, overrides, model files and the
 * logical_axis_rules merge, as MaxText's pyconfig resolves them. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shardlint/config.h"
#include "support.h"

static sl_arena *A;
static sl_err E;
static sl_config C;

static void setup(void)
{
    A = sl_arena_new();
    memset(&E, 0, sizeof E);
    memset(&C, 0, sizeof C);
}

static void teardown(void)
{
    sl_arena_free(A);
}

TestSuite(config, .init = setup, .fini = teardown);

/* Loads fixtures/config/<entry> with overrides (a NULL-ended list, or NULL),
 * override N being command-line word N + 1 (word 1 is the config). */
static int try_load(const char *entry, const char *const *words)
{
    sl_override ov[16];
    size_t n = 0;
    for (; words && words[n] && n < 16; n++) {
        sl_loc loc = {NULL, 0, 0, (int)n + 2};
        cr_assert_eq(sl_override_parse(A, words[n], loc, &ov[n], &E), 0, "%s", E.msg);
    }
    return sl_config_load(A, sl_strdup(A, fixture(entry)), ov, n, &C, &E);
}

#define W(...) ((const char *const[]){__VA_ARGS__, NULL})

static void load(const char *entry, const char *const *words)
{
    cr_assert_eq(try_load(entry, words), 0, "%s: %s", entry, E.msg);
}

static void fails_at_file(const char *entry, const char *const *words, const char *file, int line,
                          int col, const char *msg)
{
    cr_assert_eq(try_load(entry, words), -1, "%s loaded", entry);
    cr_assert_str_eq(E.loc.file, fixture(file));
    cr_assert_eq(E.loc.line, line, "line %d: %s", E.loc.line, E.msg);
    cr_assert_eq(E.loc.col, col, "col %d: %s", E.loc.col, E.msg);
    cr_assert(strstr(E.msg, msg), "message: %s", E.msg);
}

static const char *render(const char *key)
{
    return sl_node_render(A, sl_config_get(&C, key));
}

static void at(const sl_node *n, const char *file, int line)
{
    cr_assert_not_null(n);
    cr_assert_not_null(n->loc.file, "no file, word %d", n->loc.word);
    cr_assert_str_eq(n->loc.file, fixture(file));
    cr_assert_eq(n->loc.line, line, "line %d", n->loc.line);
}

/* "name=mesh name=mesh ..." in list order. */
static const char *rules_str(void)
{
    char *s = sl_strdup(A, "");
    for (size_t k = 0; k < C.nrules; k++) {
        cr_assert_eq(C.rules[k].index, k);
        s = sl_sprintf(A, "%s%s%s=%s", s, k ? " " : "", C.rules[k].name,
                       sl_node_render(A, C.rules[k].mesh));
    }
    return s;
}

Test(config, chain_next_to_the_file_then_from_the_root)
{
    load("config/chain/gpu/child.yml", NULL);
    cr_assert_str_eq(C.root, fixture("config/chain"));
    cr_assert_str_eq(render("steps"), "200");
    at(sl_config_get(&C, "steps"), "config/chain/gpu/mid.yml", 2);
    cr_assert_str_eq(render("hardware"), "gpu");
    cr_assert_null(C.model_file);
    cr_assert_str_eq(rules_str(), "activation_batch=[data, fsdp]");
    at(sl_map_get(C.base_values, "logical_axis_rules"), "config/chain/base.yml", 5);
    cr_assert_null(sl_config_get(&C, "logical_axis_rules"));
}

Test(config, dicts_merge_and_lists_are_replaced)
{
    load("config/chain/gpu/child.yml", NULL);
    cr_assert_str_eq(render("optimizer"), "{lr: 0.01, beta: 0.9}");
    at(sl_map_get(sl_config_get(&C, "optimizer"), "lr"), "config/chain/gpu/mid.yml", 4);
    at(sl_map_get(sl_config_get(&C, "optimizer"), "beta"), "config/chain/base.yml", 3);
    cr_assert_str_eq(render("mesh_axes"), "[data, expert]");
    at(sl_config_get(&C, "mesh_axes"), "config/chain/gpu/child.yml", 2);
}

Test(config, base_config_cycle_is_an_error_at_the_closing_base_config)
{
    fails_at_file("config/cycle/a.yml", NULL, "config/cycle/b.yml", 2, 14, "base_config cycle");
}

Test(config, missing_base_config_is_an_error_at_its_value)
{
    fails_at_file("config/missing/entry.yml", NULL, "config/missing/entry.yml", 2, 14,
                  "base_config 'nothere.yml' not found");
}

Test(config, missing_entry_is_an_error)
{
    fails_at_file("config/nope.yml", NULL, "config/nope.yml", 1, 1, "cannot read: No such file");
}

Test(config, overrides_are_typed_and_keep_their_words)
{
    load("config/chain/gpu/child.yml",
         W("steps=-1", "optimizer={lr: 1.25}", "flag=False", "names=['a','b']", "run=None"));
    long long steps;
    cr_assert(sl_node_int(sl_config_get(&C, "steps"), &steps));
    cr_assert_eq(steps, -1);
    cr_assert_eq(sl_config_get(&C, "steps")->loc.word, 2);
    cr_assert_str_eq(render("optimizer"), "{lr: 1.25, beta: 0.9}");
    cr_assert_eq(sl_map_get(sl_config_get(&C, "optimizer"), "lr")->loc.word, 3);
    cr_assert_eq(sl_config_get(&C, "flag")->type, SL_SCALAR_BOOL);
    cr_assert_str_eq(render("names"), "[a, b]");
    cr_assert_eq(sl_config_get(&C, "names")->loc.word, 5);
    cr_assert_eq(sl_config_get(&C, "run")->type, SL_SCALAR_STR);
    cr_assert_eq(C.override_values->n, 5);
    cr_assert_eq(sl_map_get(C.override_values, "flag")->loc.word, 4);
    cr_assert_str_eq(sl_node_render(A, sl_map_get(C.base_values, "steps")), "200");
}

Test(config, override_words)
{
    sl_override o;
    sl_loc w3 = {NULL, 0, 0, 3};
    cr_assert_eq(sl_override_parse(A, "a=b=c", w3, &o, &E), 0);
    cr_assert_str_eq(o.key, "a");
    cr_assert_str_eq(o.text, "b=c");
    cr_assert_eq(o.loc.word, 3);
    cr_assert_eq(sl_override_parse(A, "empty=", w3, &o, &E), 0);
    cr_assert_str_eq(o.text, "");
    cr_assert_eq(sl_override_parse(A, "novalue", w3, &o, &E), -1);
    cr_assert_eq(E.loc.word, 3);
    cr_assert(strstr(E.msg, "not a key=value"), "%s", E.msg);
    cr_assert_eq(sl_override_parse(A, "=1", w3, &o, &E), -1);
    cr_assert_eq(sl_override_parse(A, "a.b=1", w3, &o, &E), -1);
}

Test(config, model_next_to_the_entry)
{
    load("config/lookup/exp/run/entry.yml", W("model_name=near"));
    cr_assert_str_eq(C.model_file, fixture("config/lookup/exp/run/models/near.yml"));
    cr_assert_str_eq(render("num_experts"), "2");
    cr_assert_str_eq(C.root, fixture("config/lookup"));
}

Test(config, model_one_folder_up)
{
    load("config/lookup/exp/run/entry.yml", W("model_name=up"));
    cr_assert_str_eq(C.model_file, fixture("config/lookup/exp/models/up.yml"));
    cr_assert_str_eq(render("num_experts"), "3");
}

Test(config, model_in_the_root_with_instruct_stripped)
{
    load("config/lookup/exp/run/entry.yml", W("model_name=inroot-Instruct"));
    cr_assert_str_eq(C.model_file, fixture("config/lookup/models/inroot.yml"));
    cr_assert_str_eq(render("num_experts"), "8");
    cr_assert_str_eq(render("model_name"), "inroot-Instruct");
    cr_assert_not_null(sl_map_get(C.model_values, "base_emb_dim"));
}

Test(config, nearest_model_wins_and_absent_model_is_not_an_error)
{
    load("config/lookup/exp/run/entry.yml", W("model_name=shared"));
    cr_assert_str_eq(render("num_experts"), "22");
    load("config/lookup/exp/run/entry.yml", W("model_name=absent"));
    cr_assert_null(C.model_file);
    cr_assert_null(C.model_values);
    cr_assert_str_eq(render("num_experts"), "1");
}

/* Whether MaxText refuses a key both set depends on the tree (SL101); the
 * config keeps both values for that rule and lets the override win. */
Test(config, model_key_set_again_by_an_override_keeps_both_values)
{
    load("config/lookup/exp/run/entry.yml", W("model_name=inroot", "num_experts=4"));
    cr_assert_str_eq(render("num_experts"), "4");
    cr_assert_eq(sl_config_get(&C, "num_experts")->loc.word, 3);
    const sl_node *model = sl_map_get(C.model_values, "num_experts");
    cr_assert_not_null(model);
    at(model, "config/lookup/models/inroot.yml", 1);
}

Test(config, override_model_config_lets_the_override_win)
{
    load("config/lookup/exp/run/entry.yml",
         W("model_name=inroot", "num_experts=4", "override_model_config=true"));
    cr_assert_str_eq(render("num_experts"), "4");
    cr_assert_eq(sl_config_get(&C, "num_experts")->loc.word, 3);
    cr_assert_str_eq(render("base_emb_dim"), "4096");
}

Test(config, model_rules_replace_same_names_and_go_to_the_end)
{
    load("config/rules/base.yml", W("model_name=m"));
    cr_assert_str_eq(rules_str(), "a=[x] c=[] b=[z] d=x");
    at(C.rules[2].mesh, "config/rules/models/m.yml", 2);
    cr_assert_eq(C.rules[2].loc.col, 3);
    at(C.rules[0].mesh, "config/rules/base.yml", 3);
}

Test(config, override_rules_merge_after_the_base)
{
    load("config/rules/base.yml", W("logical_axis_rules=[[a,[w]],[e,[]]]"));
    cr_assert_str_eq(rules_str(), "b=[y] c=[] a=[w] e=[]");
    cr_assert_eq(C.rules[2].loc.word, 2);
}

Test(config, override_logical_axis_rules_replaces_the_list)
{
    load("config/rules/base.yml", W("model_name=replace"));
    cr_assert_str_eq(rules_str(), "e=x");
    load("config/rules/base.yml",
         W("override_logical_axis_rules=true", "logical_axis_rules=[[q,x]]"));
    cr_assert_str_eq(rules_str(), "q=x");
    load("config/rules/base.yml", W("logical_axis_rules=[[q,x]]"));
    cr_assert_str_eq(rules_str(), "a=[x] b=[y] c=[] q=x");
}

/* MaxText reads a rule entry only when it merges and uses the rules, so a
 * malformed one is a finding (SL007), not an input error: it is left out
 * and the rest is linted. */
static void bad_rule_at(const char *file, int line, int col, int word, const char *why)
{
    cr_assert_eq(C.nbad_rules, 1);
    const sl_bad_rule *b = &C.bad_rules[0];
    if (file)
        cr_assert_str_eq(b->loc.file, fixture(file));
    cr_assert_eq(b->loc.line, line, "line %d", b->loc.line);
    cr_assert_eq(b->loc.col, col, "col %d", b->loc.col);
    cr_assert_eq(b->loc.word, word, "word %d", b->loc.word);
    cr_assert(strstr(b->why, why), "why: %s", b->why);
}

Test(config, malformed_rule_is_left_out_and_kept_at_the_entry)
{
    load("config/rules/base.yml", W("model_name=bad"));
    bad_rule_at("config/rules/models/bad.yml", 3, 3, 0, "is not a [name, mesh] pair");
    cr_assert_str_eq(rules_str(), "a=[x] b=[y] c=[] ok=[x]");
    load("config/rules/base.yml", W("model_name=badmesh"));
    bad_rule_at("config/rules/models/badmesh.yml", 1, 22, 0, "not an axis name");
    load("config/rules/base.yml", W("logical_axis_rules=[[1,x]]"));
    bad_rule_at(NULL, 0, 0, 2, "the logical name 1 is not a string");
}

Test(config, custom_mesh_and_rule_replaces_mesh_rules_and_data_sharding)
{
    load("config/custom/named.yml", NULL);
    cr_assert_str_eq(render("mesh_axes"), "[data, expert]");
    cr_assert_str_eq(render("data_sharding"), "[[data, expert]]");
    cr_assert_str_eq(rules_str(), "activation_batch=[data, expert]");
    at(C.rules[0].mesh, "config/custom/custom_mesh_and_rule/ep-as-dp.yml", 4);
    at(sl_config_get(&C, "mesh_axes"), "config/custom/custom_mesh_and_rule/ep-as-dp.yml", 1);
}

/* MaxText refuses it when it validates the config (SL108 reports it); the
 * config is built without it. */
Test(config, unknown_custom_mesh_and_rule_is_kept_at_its_value)
{
    load("config/custom/base.yml", W("custom_mesh_and_rule=nope"));
    cr_assert_not_null(C.custom_missing);
    cr_assert_eq(C.custom_missing->loc.word, 2);
    cr_assert(sl_path_has_suffix(C.custom_dir, "config/custom/custom_mesh_and_rule"));
    cr_assert_str_eq(rules_str(), "activation_batch=[data, fsdp] activation_exp=[expert]");
    load("config/custom/base.yml", NULL);
    cr_assert_null(C.custom_missing);
}

/* A bare file name, run from the entry's own folder: the configs root is
 * found above the working directory, as MaxText finds its configs folder
 * wherever it is started. */
Test(config, root_found_from_a_bare_file_name)
{
    char cwd[4096];
    cr_assert_not_null(getcwd(cwd, sizeof cwd));
    cr_assert_eq(chdir(fixture("config/chain/gpu")), 0);
    int rc = sl_config_load(A, "child.yml", NULL, 0, &C, &E);
    cr_assert_eq(chdir(cwd), 0);
    cr_assert_eq(rc, 0, "%s", E.msg);
    cr_assert_str_eq(C.root, "..");
    cr_assert_str_eq(render("hardware"), "gpu");
}
