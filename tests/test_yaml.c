/* YAML stage: YAML 1.1 typing as PyYAML/OmegaConf read it, locations,
 * hostile-input limits, errors, and the tree operations. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "shardlint/yaml.h"
#include "support.h"

static sl_arena *A;
static sl_err E;

static void setup(void)
{
    A = sl_arena_new();
    memset(&E, 0, sizeof E);
}

static void teardown(void)
{
    sl_arena_free(A);
}

TestSuite(yaml, .init = setup, .fini = teardown);

static sl_node *load(const char *rel)
{
    sl_node *n = NULL;
    int rc = sl_yaml_load_file(A, fixture(rel), &n, &E);
    cr_assert_eq(rc, 0, "%s: %s", rel, E.msg);
    return n;
}

static void load_fails(const char *rel, int line, int col, const char *msg)
{
    sl_node *n = NULL;
    const char *path = fixture(rel);
    cr_assert_eq(sl_yaml_load_file(A, path, &n, &E), -1, "%s loaded", rel);
    cr_assert_str_eq(E.loc.file, path);
    cr_assert_eq(E.loc.line, line, "line %d: %s", E.loc.line, E.msg);
    cr_assert_eq(E.loc.col, col, "col %d: %s", E.loc.col, E.msg);
    cr_assert(strstr(E.msg, msg), "message: %s", E.msg);
}

static sl_node *value(const char *text)
{
    sl_node *n = NULL;
    sl_loc word = {NULL, 0, 0, 4};
    cr_assert_eq(sl_yaml_parse_value(A, text, word, &n, &E), 0, "%s: %s", text, E.msg);
    return n;
}

static void item_type(const sl_node *seq, size_t k, sl_scalar_type t)
{
    cr_assert_eq(seq->items[k]->kind, SL_NODE_SCALAR);
    cr_assert_eq(seq->items[k]->type, t, "item %zu '%s': type %d", k, seq->items[k]->str,
                 seq->items[k]->type);
}

Test(yaml, scalar_types_follow_yaml_1_1)
{
    sl_node *m = load("config/yaml/types.yml");
    cr_assert_eq(sl_map_get(m, "none_word")->type, SL_SCALAR_STR);
    cr_assert_str_eq(sl_map_get(m, "none_word")->str, "None");
    cr_assert(sl_node_is_null(sl_map_get(m, "empty")));
    sl_node *nulls = sl_map_get(m, "nulls");
    cr_assert_eq(nulls->n, 3);
    for (size_t k = 0; k < nulls->n; k++)
        item_type(nulls, k, SL_SCALAR_NULL);
    sl_node *bools = sl_map_get(m, "bools");
    bool want[] = {true, false, true, false, true, false};
    for (size_t k = 0; k < 6; k++) {
        item_type(bools, k, SL_SCALAR_BOOL);
        cr_assert_eq(bools->items[k]->b, want[k], "bool %zu", k);
    }
}

Test(yaml, ints_and_floats)
{
    sl_node *m = load("config/yaml/types.yml");
    sl_node *ints = sl_map_get(m, "ints");
    long long want[] = {10000, -1, 31, 10, 0, 90};
    for (size_t k = 0; k < 6; k++) {
        long long v;
        cr_assert(sl_node_int(ints->items[k], &v), "int %zu '%s'", k, ints->items[k]->str);
        cr_assert_eq(v, want[k], "int %zu: %lld", k, v);
    }
    sl_node *floats = sl_map_get(m, "floats");
    double fwant[] = {1e-5, 1.25, INFINITY, -INFINITY, 1e-5, 6500};
    for (size_t k = 0; k < 6; k++) {
        double v;
        item_type(floats, k, SL_SCALAR_FLOAT);
        cr_assert(sl_node_num(floats->items[k], &v));
        cr_assert_eq(v, fwant[k], "float %zu: %g", k, v);
    }
    sl_node *quoted = sl_map_get(m, "quoted"), *words = sl_map_get(m, "words");
    for (size_t k = 0; k < quoted->n; k++)
        item_type(quoted, k, SL_SCALAR_STR);
    for (size_t k = 0; k < words->n; k++)
        item_type(words, k, SL_SCALAR_STR);
}

Test(yaml, nested_value_location)
{
    sl_node *m = load("config/yaml/nested.yml");
    sl_node *rules = sl_map_get(sl_map_get(sl_map_get(m, "outer"), "inner"), "rules");
    cr_assert_not_null(rules);
    sl_node *second = rules->items[1];
    cr_assert_eq(second->loc.line, 5);
    cr_assert_eq(second->loc.col, 9);
    cr_assert_eq(second->end.line, 5);
    cr_assert_eq(second->end.col, 49);
    cr_assert(second->flow);
    sl_node *fsdp = second->items[1]->items[1];
    cr_assert_str_eq(fsdp->str, "fsdp");
    cr_assert_eq(fsdp->loc.line, 5);
    cr_assert_eq(fsdp->loc.col, 43);
    cr_assert_str_eq(fsdp->loc.file, fixture("config/yaml/nested.yml"));
}

Test(yaml, aliases_merge_keys_and_duplicate_keys)
{
    sl_node *m = load("config/yaml/aliases.yml");
    sl_node *run = sl_map_get(m, "run");
    long long steps;
    cr_assert(sl_node_int(sl_map_get(run, "steps"), &steps));
    cr_assert_eq(steps, 20);
    cr_assert_not_null(sl_map_get(run, "lr"));
    cr_assert_null(sl_map_get(run, "<<"));
    cr_assert(sl_node_equal(sl_map_get(m, "again"), sl_map_get(m, "axes")));
    cr_assert(sl_node_int(sl_map_get(m, "dup"), &steps));
    cr_assert_eq(steps, 2);
    cr_assert_str_eq(m->keys[m->n - 1]->str, "dup");
}

Test(yaml, alias_bomb_is_rejected)
{
    load_fails("config/yaml/bomb.yml", 6, 36, "more than 1000000 values here, aliases counted");
}

Test(yaml, nesting_depth_is_limited)
{
    load_fails("config/yaml/deep.yml", 1, 262, "deeper than 256");
}

Test(yaml, broken_yaml_points_at_the_problem)
{
    load_fails("config/yaml/broken.yml", 4, 1, "could not parse YAML: did not find expected");
}

Test(yaml, non_scalar_key_is_an_error)
{
    load_fails("config/yaml/badkey.yml", 1, 3, "mapping keys must be scalars");
}

Test(yaml, missing_file)
{
    load_fails("config/yaml/no-such-file.yml", 1, 1, "cannot read: No such file or directory");
}

Test(yaml, empty_file)
{
    cr_assert_eq(load("config/yaml/empty.yml")->kind, SL_NODE_MAP);
    cr_assert_eq(load("config/yaml/empty.yml")->n, 0);
}

/* PyYAML's safe_load refuses a stream of two documents; ignoring the second
 * would pass over every setting in it. */
Test(yaml, a_second_document_is_an_error_at_its_start)
{
    load_fails("config/yaml/multi.yml", 2, 1, "a second YAML document starts here");
}

static void text_fails(const char *text, size_t len, int line, int col, const char *msg)
{
    sl_node *n = NULL;
    cr_assert_eq(sl_yaml_load_text(A, text, len, "t.yml", &n, &E), -1, "loaded");
    cr_expect_eq(E.loc.line, line, "line %d: %s", E.loc.line, E.msg);
    cr_expect_eq(E.loc.col, col, "col %d: %s", E.loc.col, E.msg);
    cr_expect(strstr(E.msg, msg), "message: %s", E.msg);
}

/* libyaml gives reader errors a byte offset and no mark; the error must
 * still point at the bad byte, not at 1:1. */
Test(yaml, bytes_that_are_not_utf8_and_nul_are_located)
{
    static const char bad[] = "a: 1\nb: 2\nc: \"\xc3\xa9\xff\"\n";
    text_fails(bad, sizeof bad - 1, 3, 6, "invalid leading UTF-8 octet (byte 0xff)");
    static const char nul[] = "a: 1\r\n\r\nb: x\0y\n";
    text_fails(nul, sizeof nul - 1, 3, 5, "control characters are not allowed (byte 0x00)");
    /* A UTF-16 byte order mark does not switch the encoding. */
    text_fails("\xff\xfe" "a\0:\0", 6, 1, 1, "invalid leading UTF-8 octet");
    sl_node *n = NULL;
    sl_loc word = {NULL, 0, 0, 4};
    cr_assert_eq(sl_yaml_parse_value(A, "\xff\xfe-1", word, &n, &E), -1);
    cr_expect(strstr(E.msg, "UTF-8"), "message: %s", E.msg);
    cr_expect_eq(E.loc.word, 4);
}

/* PyYAML reads integers of any size; one this tree cannot hold is refused,
 * never shown as another number. */
Test(yaml, integers_outside_64_bits_are_refused)
{
    static const char *const big[] = {"x: 1\ny: 9223372036854775808\n",
                                      "x: 1\ny: -0x8000000000000001\n",
                                      "x: 1\ny: 99999999999999:00:00:00:00\n"};
    for (size_t k = 0; k < 3; k++)
        text_fails(big[k], strlen(big[k]), 2, 4, "is outside the range shardlint reads");
    long long i;
    cr_assert(sl_node_int(value("9223372036854775807"), &i) && i == INT64_MAX);
    cr_assert(sl_node_int(value("-9223372036854775808"), &i) && i == INT64_MIN);
    sl_node *n = NULL;
    sl_loc word = {NULL, 0, 0, 4};
    cr_assert_eq(sl_yaml_parse_value(A, "9223372036854775808", word, &n, &E), -1);
}

Test(yaml, override_values_are_typed_like_the_launch_parser)
{
    long long i;
    double f;
    bool b;
    cr_assert(sl_node_int(value("-1"), &i) && i == -1);
    cr_assert(sl_node_num(value("1.25"), &f) && f == 1.25);
    cr_assert(sl_node_bool(value("False"), &b) && !b);
    cr_assert_eq(value("None")->type, SL_SCALAR_STR);
    cr_assert(sl_node_is_null(value("")));
    sl_node *l = value("['a','b']");
    cr_assert_eq(l->kind, SL_NODE_SEQ);
    cr_assert_eq(l->n, 2);
    cr_assert_str_eq(l->items[1]->str, "b");
    sl_node *nest = value("[[a, [b, c]]]");
    cr_assert_str_eq(nest->items[0]->items[1]->items[1]->str, "c");
    cr_assert_eq(nest->items[0]->items[1]->items[1]->loc.word, 4);
    cr_assert_null(nest->items[0]->items[1]->items[1]->loc.file);
}

Test(yaml, bad_override_value_is_an_error_at_the_word)
{
    sl_node *n;
    cr_assert_eq(sl_yaml_parse_value(A, "[a, b", (sl_loc){NULL, 0, 0, 7}, &n, &E), -1);
    cr_assert_eq(E.loc.word, 7);
    cr_assert(strstr(E.msg, "cannot parse value '[a, b'"), "%s", E.msg);
}

Test(yaml, merge_dicts_key_by_key_and_replace_lists)
{
    sl_node *base = value("{mesh: [data, fsdp, expert], opt: {lr: 1, beta: 2}, keep: 1}");
    sl_node *over = value("{mesh: [data], opt: {lr: 5}, new: x}");
    sl_node *m = sl_node_merge(A, base, over);
    cr_assert_str_eq(sl_node_render(A, m),
                     "{mesh: [data], opt: {lr: 5, beta: 2}, keep: 1, new: x}");
    cr_assert_str_eq(sl_node_render(A, base),
                     "{mesh: [data, fsdp, expert], opt: {lr: 1, beta: 2}, keep: 1}");
    sl_node *replaced = sl_node_merge(A, value("{opt: {lr: 1}}"), value("{opt: null}"));
    cr_assert(sl_node_is_null(sl_map_get(replaced, "opt")));
}

Test(yaml, equality_compares_resolved_values)
{
    cr_assert(sl_node_equal(value("0x10"), value("16")));
    cr_assert(sl_node_equal(value("8"), value("8.0")));
    cr_assert_not(sl_node_equal(value("'8'"), value("8")));
    cr_assert(sl_node_equal(value("{a: 1, b: [x]}"), value("{b: [x], a: 1}")));
    cr_assert_not(sl_node_equal(value("[x, y]"), value("[y, x]")));
}

Test(yaml, merge_shares_what_it_does_not_merge)
{
    sl_node *base = value("{keep: [a, b], opt: {lr: 1}}");
    sl_node *over = value("{opt: {beta: 2}, new: {x: 1}}");
    sl_node *m = sl_node_merge(A, base, over);
    cr_assert_eq(sl_map_get(m, "keep"), sl_map_get(base, "keep"));
    cr_assert_eq(sl_map_get(m, "new"), sl_map_get(over, "new"));
    cr_assert_neq(sl_map_get(m, "opt"), sl_map_get(base, "opt"));
    sl_map_set(A, m, sl_node_new_scalar(A, "added", true, (sl_loc){0}), value("3"));
    cr_assert_null(sl_map_get(base, "added"));
    cr_assert_null(sl_map_get(over, "added"));
}

Test(yaml, map_set_keeps_position)
{
    sl_node *m = value("{a: 1, b: 2, c: 3}");
    sl_map_set(A, m, sl_node_new_scalar(A, "a", true, (sl_loc){0}), value("9"));
    sl_map_set(A, m, sl_node_new_scalar(A, "d", true, (sl_loc){0}), value("4"));
    cr_assert_str_eq(sl_node_render(A, m), "{a: 9, b: 2, c: 3, d: 4}");
    cr_assert_str_eq(sl_map_key(m, "c")->str, "c");
}

static bool not_b(const char *key, void *ctx)
{
    return strcmp(key, ctx) != 0;
}

Test(yaml, filter_drops_keys_and_shares_values)
{
    sl_node *m = value("{a: [1], b: 2, c: 3}");
    sl_node *f = sl_map_filter(A, m, not_b, "b");
    cr_assert_str_eq(sl_node_render(A, f), "{a: [1], c: 3}");
    cr_assert_eq(sl_map_get(f, "a"), sl_map_get(m, "a"));
    cr_assert_str_eq(sl_node_render(A, m), "{a: [1], b: 2, c: 3}");
}

/* Large maps are looked up through their index, which must follow sets. */
Test(yaml, large_maps_stay_indexed)
{
    sl_node *m = value("{k0: 0, k1: 1, k2: 2, k3: 3, k4: 4, k5: 5, k6: 6, k7: 7, k8: 8}");
    cr_assert_not_null(m->index);
    sl_map_set(A, m, sl_node_new_scalar(A, "k9", true, (sl_loc){0}), value("9"));
    sl_map_set(A, m, sl_node_new_scalar(A, "k3", true, (sl_loc){0}), value("33"));
    cr_assert_eq(sl_map_get(m, "k9")->i, 9);
    cr_assert_eq(sl_map_get(m, "k3")->i, 33);
    cr_assert_null(sl_map_get(m, "k10"));
    sl_node *merged = sl_node_merge(A, m, value("{k0: 10}"));
    cr_assert_eq(sl_map_get(merged, "k0")->i, 10);
    cr_assert_eq(sl_map_get(merged, "k9")->i, 9);
}

Test(yaml, render_quotes_only_when_needed)
{
    sl_loc none = {0};
    sl_node *seq = value("[data, 'true', '1', '', 'it''s: x', None, 1.e-05, ~]");
    cr_assert_str_eq(sl_node_render(A, seq),
                     "[data, 'true', '1', '', 'it''s: x', None, 1.e-05, ~]");
    sl_node *nl = sl_node_new_scalar(A, "a\nb", true, none);
    cr_assert_str_eq(sl_node_render(A, nl), "\"a\\nb\"");
    sl_node *flowy = sl_node_new_scalar(A, "a,b", true, none);
    cr_assert_str_eq(sl_node_render(A, flowy), "'a,b'");
}

/* An empty file's map has no arrays: merging it was a memcpy from NULL
 * (undefined behaviour the sanitizer build reports; found by fuzz_yaml). */
Test(yaml, merge_onto_an_empty_map)
{
    sl_node *empty = NULL, *child = NULL;
    cr_assert_eq(sl_yaml_load_text(A, "", 0, "empty.yml", &empty, &E), 0);
    cr_assert_eq(sl_yaml_load_text(A, "a: 1\n", 5, "child.yml", &child, &E), 0);
    sl_node *m = sl_node_merge(A, empty, child);
    cr_assert_eq(m->n, 1);
    cr_expect_str_eq(sl_map_get(m, "a")->str, "1");
}

/* A launch can pass tens of thousands of key=value words: the overrides map
 * grows by doubling (one element at a time it was copied whole each time,
 * quadratic in memory: 20,000 words took 3 GB). */
Test(yaml, map_set_grows_in_amortized_steps)
{
    sl_node *m = sl_node_new_map(A, (sl_loc){0});
    size_t n = 200000;
    for (size_t i = 0; i < n; i++) {
        const char *k = sl_sprintf(A, "k%zu", i);
        sl_map_set(A, m, sl_node_new_scalar(A, k, true, (sl_loc){0}),
                   sl_node_new_scalar(A, k + 1, false, (sl_loc){0}));
    }
    cr_assert_eq(m->n, n);
    cr_expect_str_eq(sl_map_get(m, "k123456")->str, "123456");
    cr_expect_lt(sl_arena_size(A), (size_t)256 << 20, "%zu bytes", sl_arena_size(A));
}
