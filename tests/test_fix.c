/* --fix writes the preferred verified fix into the files, and the result
 * lints clean. Each test works on a copy of a fixture tree in a temporary
 * folder. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "support.h"

#define EP "ici_expert_parallelism=-1 ici_fsdp_parallelism=1 capacity_factor=1.25 " \
           "sparse_matmul=False"

static const char *tmp;

static void copy_tree(const char *from, const char *to)
{
    tmp = tree_make(from, to);
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
    tree_remove();
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
    tree_remove();
}

Test(fix, nothing_to_fix_leaves_files_alone)
{
    copy_tree("example/configs", "configs");
    cli_run r = run("check %s/configs/models/llama2-7b.yml --fix");
    cr_expect_eq(r.status, 0);
    cr_expect_str_eq(r.err, "");
    cli_run_free(&r);
    expect_file("configs/models/llama2-7b.yml", "example/configs/models/llama2-7b.yml");
    tree_remove();
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
    tree_remove();
}

/* ---- writes the run must not make ------------------------------------------ */


Test(fix, output_never_replaces_an_input)
{
    copy_tree("example/configs", "configs");
    const char *cfg = "configs/gpu/mixtral-8x7b-ep.yml";
    char *before = slurp(tree_path(cfg));
    cli_run r = run("check %s/configs/gpu/mixtral-8x7b-ep.yml --output "
                    "%s/configs/gpu/mixtral-8x7b-ep.yml");
    cr_expect_eq(r.status, 2);
    cr_expect(strstr(r.err, "--output names a file this run reads"), "%s", r.err);
    cli_run_free(&r);
    r = run("check %s/configs/gpu/mixtral-8x7b-ep.yml --output %s/configs/base.yml");
    cr_expect_eq(r.status, 2, "a file of the base_config chain: %s", r.err);
    cli_run_free(&r);
    char *after = slurp(tree_path(cfg));
    cr_expect_str_eq(after, before);
    free(before);
    free(after);
    tree_remove();
}

/* A run that ends without its report removes the old one, so that CI does
 * not upload it as this run's; a machine format writes a report that says
 * why nothing was linted. */
Test(fix, a_failed_run_leaves_no_old_report)
{
    copy_tree("example/configs", "configs");
    tree_write("report.txt", "an old report\n");
    tree_write("report.sarif", "an old report\n");
    tree_write("configs/broken.yml", "base_config: base.yml\nx: [\n");
    cli_run r = run("check %s/configs/broken.yml --output %s/report.txt");
    cr_expect_eq(r.status, 2);
    cr_expect(strstr(r.err, "shardlint: removed "), "%s", r.err);
    cr_expect_eq(access(tree_path("report.txt"), F_OK), -1, "the old report is still there");
    cli_run_free(&r);
    r = run("check %s/configs/broken.yml --format sarif --output %s/report.sarif");
    cr_expect_eq(r.status, 2);
    char *sarif = slurp(tree_path("report.sarif"));
    cr_expect(sarif && strstr(sarif, "broken.yml"), "%s", sarif);
    free(sarif);
    cli_run_free(&r);
    tree_remove();
}

/* Every file a fix edits is prepared before the first is replaced: one file
 * that cannot be written leaves all of them as they were. */
Test(fix, all_files_or_none)
{
    copy_tree("example/configs", "configs");
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "cp '%s/configs/gpu/mixtral-8x7b-ep.yml' '%s/configs/gpu/ep2.yml'",
             tmp, tmp);
    cr_assert_eq(system(cmd), 0);
    cr_assert_eq(chmod(tree_path("configs/gpu/ep2.yml"), 0444), 0);
    cli_run r = run("check %s/configs/gpu --fix");
    cr_expect_eq(r.status, 2);
    cr_expect(strstr(r.err, "ep2.yml: error: cannot write: the file is read-only"), "%s", r.err);
    cr_expect_null(strstr(r.err, "shardlint: fixed"), "%s", r.err);
    cli_run_free(&r);
    expect_file("configs/gpu/mixtral-8x7b-ep.yml", "example/configs/gpu/mixtral-8x7b-ep.yml");
    expect_file("configs/gpu/ep2.yml", "example/configs/gpu/mixtral-8x7b-ep.yml");
    /* Writable, each config's finding is its own, with its own fix: both
     * files are fixed in one run. */
    cr_assert_eq(chmod(tree_path("configs/gpu/ep2.yml"), 0644), 0);
    r = run("check %s/configs/gpu --fix");
    cr_expect(strstr(r.err, "mixtral-8x7b-ep.yml (1 edit)"), "%s", r.err);
    cr_expect(strstr(r.err, "ep2.yml (1 edit)"), "%s", r.err);
    cli_run_free(&r);
    expect_file("configs/gpu/mixtral-8x7b-ep.yml", "fix/mixtral-8x7b-ep.fixed.yml");
    expect_file("configs/gpu/ep2.yml", "fix/mixtral-8x7b-ep.fixed.yml");
    tree_remove();
}

/* A fixed file keeps its mode, owner, group and hard links. */
Test(fix, replaced_files_keep_owner_mode_and_links)
{
    copy_tree("example/configs", "configs");
    const char *cfg = tree_path("configs/gpu/mixtral-8x7b-ep.yml");
    cr_assert_eq(chmod(cfg, 0640), 0);
    bool root = geteuid() == 0;
    if (root)
        cr_assert_eq(chown(cfg, 65534, 65534), 0);
    struct stat before, after;
    cr_assert_eq(stat(cfg, &before), 0);
    cli_run r = run("check %s/configs/gpu/mixtral-8x7b-ep.yml --fix");
    cli_run_free(&r);
    cr_assert_eq(stat(cfg, &after), 0);
    cr_expect_eq(after.st_mode & 07777, 0640);
    cr_expect_eq(after.st_uid, before.st_uid);
    cr_expect_eq(after.st_gid, before.st_gid);
    expect_file("configs/gpu/mixtral-8x7b-ep.yml", "fix/mixtral-8x7b-ep.fixed.yml");
    tree_remove();

    copy_tree("example/configs", "configs");
    cfg = tree_path("configs/gpu/mixtral-8x7b-ep.yml");
    cr_assert_eq(link(cfg, tree_path("configs/gpu/linked.yml")), 0);
    cr_assert_eq(stat(cfg, &before), 0);
    r = run("check %s/configs/gpu/mixtral-8x7b-ep.yml --fix");
    cli_run_free(&r);
    cr_assert_eq(stat(cfg, &after), 0);
    cr_expect_eq(after.st_ino, before.st_ino, "the file was replaced, its link broken");
    cr_expect_eq(after.st_nlink, 2);
    expect_file("configs/gpu/linked.yml", "fix/mixtral-8x7b-ep.fixed.yml");
    tree_remove();
}

/* A CRLF file gets CRLF lines. */
Test(fix, inserted_lines_take_the_files_line_ending)
{
    copy_tree("example/configs", "configs");
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "sed -i 's/$/\\r/' '%s/configs/gpu/mixtral-8x7b-ep.yml'", tmp);
    cr_assert_eq(system(cmd), 0);
    cli_run r = run("check %s/configs/gpu/mixtral-8x7b-ep.yml --fix");
    cr_expect(strstr(r.err, "fixed "), "%s", r.err);
    cli_run_free(&r);
    char *text = slurp(tree_path("configs/gpu/mixtral-8x7b-ep.yml"));
    cr_assert_not_null(text);
    cr_expect(strstr(text, "moe_dispatch_no_expert_sharding: true\r\n"), "%s", text);
    for (char *nl = text; (nl = strchr(nl, '\n')); nl++)
        cr_expect(nl > text && nl[-1] == '\r', "an LF line at offset %td", nl - text);
    free(text);
    tree_remove();
}

/* --fix edits only files inside the tree (--root), even one named on the
 * command line; --allow-outside-root lifts that. */
Test(fix, files_outside_the_tree_are_not_edited)
{
    copy_tree("example/configs/base.yml", "solo.yml");
    FILE *f = fopen(tree_path("solo.yml"), "a");
    fputs("num_experts: 8\nici_expert_parallelism: -1\nici_fsdp_parallelism: 1\n"
          "capacity_factor: 1.25\nsparse_matmul: false\n", f);
    fclose(f);
    cr_assert_eq(mkdir(tree_path("inside"), 0755), 0);
    char *before = slurp(tree_path("solo.yml"));
    char args[1024];
    snprintf(args, sizeof args, "check %s/solo.yml --devices 8 --fix --root %s/inside", tmp, tmp);
    cli_run r = run_cli_str(args);
    cr_expect_eq(r.status, 2);
    cr_expect(strstr(r.err, "solo.yml, outside the tree: nothing was written"), "%s", r.err);
    cli_run_free(&r);
    char *after = slurp(tree_path("solo.yml"));
    cr_expect_str_eq(after, before);
    free(after);
    strcat(args, " --allow-outside-root");
    r = run_cli_str(args);
    cr_expect(strstr(r.err, "shardlint: fixed"), "%s", r.err);
    cli_run_free(&r);
    after = slurp(tree_path("solo.yml"));
    cr_expect(strcmp(after, before) != 0);
    free(before);
    free(after);
    tree_remove();
}
