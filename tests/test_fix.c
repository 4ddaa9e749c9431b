/* --fix writes the preferred verified fix into the files, and the result
 * lints clean. Each test works on a copy of a fixture tree in a temporary
 * folder. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

#define EP "ici_expert_parallelism=-1 ici_fsdp_parallelism=1 capacity_factor=1.25 " \
           "sparse_matmul=False"

static char tmp[64];

static void copy_tree(const char *from, const char *to)
{
    strcpy(tmp, "/tmp/shardlint-fix-XXXXXX");
    cr_assert_not_null(mkdtemp(tmp));
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "cp -r '%s' '%s/%s'", fixture(from), tmp, to);
    cr_assert_eq(system(cmd), 0);
}

static void remove_tree(void)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    cr_assert_eq(system(cmd), 0);
}

/* fmt names the temporary folder with each %s (two at most); the folder is
 * the tree the run may read and fix. */
static cli_run run(const char *fmt)
{
    char args[4096];
    int n = snprintf(args, sizeof args, fmt, tmp, tmp);
    snprintf(args + n, sizeof args - (size_t)n, " --root %s", tmp);
    return run_cli_str(args);
}

static void expect_file(const char *rel, const char *expected_fixture)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", tmp, rel);
    char *got = slurp(path), *want = slurp(fixture(expected_fixture));
    cr_assert_not_null(got);
    cr_assert_not_null(want);
    cr_expect_str_eq(got, want, "%s after --fix differs from fixtures/%s", rel,
                     expected_fixture);
    free(got);
    free(want);
}

Test(fix, flag_written_into_the_entry_config)
{
    copy_tree("example/configs", "configs");
    cli_run r = run("check %s/configs/gpu/mixtral-8x7b-ep.yml --fix");
    cr_expect_eq(r.status, 1, "the findings are still reported on the run that fixes them");
    cr_expect(strstr(r.err, "fixed ") != NULL, "stderr: %s", r.err);
    cli_run_free(&r);
    expect_file("configs/gpu/mixtral-8x7b-ep.yml", "fix/mixtral-8x7b-ep.fixed.yml");
    r = run("check %s/configs/gpu/mixtral-8x7b-ep.yml");
    cr_expect_eq(r.status, 0, "the fixed config still has findings:\n%s", r.out);
    cli_run_free(&r);
    remove_tree();
}

Test(fix, no_exp_rule_and_model_code)
{
    copy_tree("trees/no-dispatch-flag/configs", "configs");
    char cmd[512];
    snprintf(cmd, sizeof cmd, "cp -r '%s' '%s/src'", fixture("checkout/src/maxtext"), tmp);
    cr_assert_eq(system(cmd), 0);
    cli_run r = run("check %s/configs/models/mixtral-8x7b.yml " EP " --source %s/src --fix");
    cli_run_free(&r);
    r = run("check %s/configs/models/mixtral-8x7b.yml " EP " --source %s/src");
    cr_expect_eq(r.status, 0, "the fixed tree still has findings:\n%s", r.out);
    cli_run_free(&r);
    expect_file("configs/base.yml", "fix/no-dispatch-flag-base.fixed.yml");
    expect_file("src/layers/moe.py", "fix/moe.fixed.py");
    remove_tree();
}

Test(fix, nothing_to_fix_leaves_files_alone)
{
    copy_tree("example/configs", "configs");
    cli_run r = run("check %s/configs/models/llama2-7b.yml --fix");
    cr_expect_eq(r.status, 0);
    cr_expect_str_eq(r.err, "");
    cli_run_free(&r);
    expect_file("configs/models/llama2-7b.yml", "example/configs/models/llama2-7b.yml");
    remove_tree();
}

/* The rule the dispatch flag needs, written into the model file's own rule
 * list (an override would be refused, SL101): the re-lint is clean. */
Test(fix, missing_expert_rule_written_into_the_model_file)
{
    copy_tree("trees/dispatch-no-taker/configs", "configs");
    const char *launch = "check %s/configs/models/deepseek3-2dfsdp-tiny.yml sparse_matmul=false "
                         "capacity_factor=1.0 moe_dispatch_no_expert_sharding=true "
                         "ici_expert_parallelism=-1 ici_fsdp_parallelism=1 --devices 8";
    char fix[1024];
    snprintf(fix, sizeof fix, "%s --fix", launch);
    cli_run r = run(fix);
    cr_expect_eq(r.status, 1);
    cli_run_free(&r);
    r = run(launch);
    cr_expect_eq(r.status, 0, "the fixed tree still has findings:\n%s", r.out);
    cli_run_free(&r);
    expect_file("configs/models/deepseek3-2dfsdp-tiny.yml", "fix/deepseek3-2dfsdp-tiny.fixed.yml");
    remove_tree();
}
