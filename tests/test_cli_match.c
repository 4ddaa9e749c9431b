/* What the command line matches words against: globs of .shardlint.yml,
 * rule selectors, and the closest known word for a typo. */
#include <criterion/criterion.h>
#include <string.h>

#include "../lint/cli/cli_opts.h"
#include "shardlint/rule.h"

Test(glob, star_stays_in_a_folder)
{
    cr_expect(cli_glob_match("tpu/*.yml", "tpu/v5p.yml"));
    cr_expect(!cli_glob_match("tpu/*.yml", "tpu/v5e/llama.yml"));
    cr_expect(cli_glob_match("tpu/v?e/*.yml", "tpu/v5e/llama.yml"));
    cr_expect(!cli_glob_match("tpu/?.yml", "tpu/ab.yml"));
}

Test(glob, double_star_spans_folders)
{
    cr_expect(cli_glob_match("configs/tpu/**", "configs/tpu/v5e/a.yml"));
    cr_expect(cli_glob_match("configs/**/a.yml", "configs/a.yml"));
    cr_expect(cli_glob_match("configs/**/a.yml", "configs/tpu/v5e/a.yml"));
    cr_expect(!cli_glob_match("configs/**/a.yml", "other/tpu/a.yml"));
    cr_expect(!cli_glob_match("configs/tpu/**", "configs/gpu/a.yml"));
}

Test(glob, a_name_without_slash_matches_at_any_depth)
{
    cr_expect(cli_glob_match("*.sh", "tests/end_to_end/gpu/train.sh"));
    cr_expect(cli_glob_match("build", "build/x/y.yml"));
    cr_expect(cli_glob_match("scratch", "a/scratch/ep.yml"));
    cr_expect(!cli_glob_match("scratch", "a/scratchpad/ep.yml"));
}

Test(glob, a_folder_holds_what_is_under_it)
{
    cr_expect(cli_glob_match("src/maxtext/configs/tpu", "src/maxtext/configs/tpu/v6e/x.yml"));
    cr_expect(!cli_glob_match("src/maxtext/configs/tp", "src/maxtext/configs/tpu/x.yml"));
    cr_expect(cli_glob_match("./tpu/*", "tpu/x.yml"));
}

Test(glob, classes)
{
    cr_expect(cli_glob_match("v[56]e/*", "v5e/a.yml"));
    cr_expect(!cli_glob_match("v[!56]e/*", "v5e/a.yml"));
    cr_expect(cli_glob_match("v[4-6]p", "v5p"));
    cr_expect(!cli_glob_match("v[4-6", "v5"));
}

static size_t count(const bool *set)
{
    size_t n = 0;
    for (size_t i = 0; i < sl_rule_count; i++)
        n += set[i];
    return n;
}

Test(select, ids_names_prefixes_and_all)
{
    sl_arena *a = sl_arena_new();
    cli_ruleset s = cli_ruleset_new(a);
    cr_expect_null(cli_rules_add(a, s, "SL001"));
    cr_expect_eq(count(s), 1);
    cr_expect_null(cli_rules_add(a, s, "invalid-mesh, sl004"));
    cr_expect_eq(count(s), 3);
    cr_expect(s[cli_rule_index(sl_rule_find("SL003"))]);
    cli_ruleset p = cli_ruleset_new(a);
    cr_expect_null(cli_rules_add(a, p, "SL00"));
    cr_expect_eq(count(p), 9, "SL00 is SL001..SL009");
    cli_ruleset all = cli_ruleset_new(a);
    cr_expect_null(cli_rules_add(a, all, "ALL"));
    cr_expect_eq(count(all), sl_rule_count);
    sl_arena_free(a);
}

Test(select, the_first_word_that_names_nothing)
{
    sl_arena *a = sl_arena_new();
    cli_ruleset s = cli_ruleset_new(a);
    cr_expect_str_eq(cli_rules_add(a, s, "SL001,SL5,SL002"), "SL5");
    cr_expect_str_eq(cli_rules_add(a, s, "SL001,,SL002"), "");
    cr_expect_str_eq(cli_rules_add(a, s, "mesh-axis"), "mesh-axis", "names match whole");
    sl_arena_free(a);
}

Test(closest, a_likely_typo_only)
{
    const char *keys[] = {"select", "ignore", "devices", "per-file"};
    cr_expect_str_eq(cli_closest("devics", keys, 4), "devices");
    cr_expect_str_eq(cli_closest("perfile", keys, 4), "per-file");
    cr_expect_null(cli_closest("line-length", keys, 4));
}
