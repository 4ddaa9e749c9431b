/* The engine: scanned sites matched to the catalog, and the session that
 * keeps parsed files and chains for every target of a run. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shardlint/engine.h"
#include "shardlint/rule.h"
#include "support.h"

static sl_arena *arena;

static void setup(void)
{
    arena = sl_arena_new();
}

static void teardown(void)
{
    sl_arena_free(arena);
}

TestSuite(engine, .init = setup, .fini = teardown);

Test(engine, scanned_sites_match_the_catalog)
{
    sl_py_site s = {.loc = {.file = "layers/moe.py", .line = 2810, .col = 9},
                    .function = "dense_matmul",
                    .variable = "dispatch_axis",
                    .logical = {"activation_exp", "activation_batch", NULL},
                    .ndims = 3};
    sl_site cat[2] = {
        {.id = "other", .file = "moe.py", .function = "dense_matmul", .variable = "dispatch_axis",
         .logical = {"activation_exp", "activation_batch", NULL}, .ndims = 3},
        {.id = "moe.dense.dispatch", .file = "layers/moe.py", .function = "dense_matmul",
         .variable = "dispatch_axis", .logical = {"activation_exp", "activation_batch", NULL},
         .ndims = 3, .keep_dim = 0, .keep_axis = "expert"},
    };
    /* "moe.py" is a path suffix of "layers/moe.py", so the first one matches. */
    cr_expect_eq(sl_catalog_match(&s, cat, 2), &cat[0]);
    cat[0].file = "oe.py";
    cr_expect_eq(sl_catalog_match(&s, cat, 2), &cat[1]);
    /* The tree's code wins: the variable in its def is the site whatever
     * names this tree gives it (one renamed dim, as the no-exp fix does, or
     * an older tree's names)... */
    s.logical[2] = "activation_embed";
    cr_expect_eq(sl_catalog_match(&s, cat, 2), &cat[1]);
    s.logical[1] = "activation_batch_no_exp";
    cr_expect_eq(sl_catalog_match(&s, cat, 2), &cat[1]);
    /* ...the closest names decide between two sites of one variable... */
    cat[0] = cat[1];
    cat[0].id = "closer";
    cat[0].logical[1] = "activation_batch_no_exp";
    cr_expect_eq(sl_catalog_match(&s, cat, 2), &cat[0]);
    /* ...a method is named with its class, and self. is the same variable... */
    cat[0].function = "RoutedMoE.dense_matmul";
    s.variable = "self.dispatch_axis";
    cr_expect_eq(sl_catalog_match(&s, cat, 2), &cat[0]);
    /* ...another def or another dim count is another tensor... */
    s.function = "sparse_matmul";
    cr_expect_null(sl_catalog_match(&s, cat, 2));
    s.function = "dense_matmul";
    s.ndims = 2;
    cr_expect_null(sl_catalog_match(&s, cat, 2));
    s.ndims = 3;
    /* ...and without a named variable only an exact match counts. */
    cat[0].variable = cat[1].variable = NULL;
    cr_expect_null(sl_catalog_match(&s, cat, 2));
    s.logical[1] = "activation_batch";
    s.logical[2] = NULL;
    cr_expect_eq(sl_catalog_match(&s, cat, 2), &cat[1]);
}

/* A session keeps parsed files between runs and parses a file again when
 * its content changed, as an editor session needs. */
Test(engine, session_reloads_a_changed_file)
{
    char dir[] = "/tmp/shardlint-engine-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    const char *base = sl_sprintf(arena, "%s/base.yml", dir);
    write_file(base, "mesh_axes: [data]\nici_data_parallelism: -1\nnum_experts: 1\n");
    sl_session *s = sl_session_new();
    sl_scenario sc = {.entry = base, .devices = {4, SL_DEVICES_USER, "--devices", {0}}};
    sl_lint_result r;
    sl_err e;
    cr_assert_eq(sl_lint_run(s, arena, &sc, &r, &e), 0, "%s", e.msg);
    cr_expect_eq(sl_mesh_size(&r.mesh, "data"), 4);
    write_file(base, "mesh_axes: [data, expert]\nici_data_parallelism: 2\n"
                     "ici_expert_parallelism: -1\n");
    cr_assert_eq(sl_lint_run(s, arena, &sc, &r, &e), 0, "%s", e.msg);
    cr_expect_eq(sl_mesh_size(&r.mesh, "data"), 2);
    cr_expect_eq(sl_mesh_size(&r.mesh, "expert"), 2);
    write_file(base, "mesh_axes: [data\n");
    cr_expect_eq(sl_lint_run(s, arena, &sc, &r, &e), -1);
    cr_expect(strstr(e.msg, "could not parse YAML") != NULL, "%s", e.msg);
    sl_session_free(s);
    unlink(base);
    rmdir(dir);
}

/* Unsaved text stands for the file until it is removed. */
Test(engine, session_text_overlays_the_disk)
{
    char dir[] = "/tmp/shardlint-engine-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    const char *base = sl_sprintf(arena, "%s/base.yml", dir);
    write_file(base, "mesh_axes: [data]\nici_data_parallelism: -1\n");
    sl_session *s = sl_session_new();
    sl_scenario sc = {.entry = base, .devices = {4, SL_DEVICES_USER, "--devices", {0}}};
    sl_lint_result r;
    sl_err e;
    const char *edited = "mesh_axes: [data, expert]\nici_data_parallelism: 1\n"
                         "ici_expert_parallelism: -1\n";
    sl_session_set_text(s, sl_sprintf(arena, "%s/./base.yml", dir), edited, strlen(edited));
    cr_assert_eq(sl_lint_run(s, arena, &sc, &r, &e), 0, "%s", e.msg);
    cr_expect_eq(sl_mesh_size(&r.mesh, "expert"), 4);
    sl_session_set_text(s, base, NULL, 0);
    cr_assert_eq(sl_lint_run(s, arena, &sc, &r, &e), 0, "%s", e.msg);
    cr_expect_eq(sl_mesh_size(&r.mesh, "data"), 4);
    cr_expect_null(sl_mesh_axis(&r.mesh, "expert"));
    sl_session_free(s);
    unlink(base);
    rmdir(dir);
}

Test(engine, tree_of_a_checkout)
{
    sl_session *s = sl_session_new();
    const sl_tree *t = sl_session_tree(s, fixture("checkout/src/maxtext/configs/models"));
    cr_assert_not_null(t);
    cr_expect_eq(t->layout, SL_LAYOUT_SRC);
    cr_expect(sl_path_has_suffix(t->root, "fixtures/checkout"), "%s", t->root);
    cr_expect(sl_path_has_suffix(t->configs, "checkout/src/maxtext/configs"), "%s", t->configs);
    cr_expect_eq(sl_session_tree(s, fixture("checkout/tests/end_to_end/gpu/mixtral/train.sh")), t,
                 "one tree per checkout");
    cr_expect_null(sl_session_tree(s, fixture("scan/carriers.py")));
    sl_session_free(s);
}

/* A throw-away repository: base.yml (the example's) and an entry whose
 * comments suppress one finding (SL003) and nothing else (SL004). */
static char *suppression_repo(void)
{
    static char dir[] = "/tmp/shardlint-suppress-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char path[4096], *base = slurp(fixture("example/configs/base.yml"));
    cr_assert_not_null(base);
    snprintf(path, sizeof path, "%s/.git", dir);
    cr_assert_eq(mkdir(path, 0700), 0);
    snprintf(path, sizeof path, "%s/base.yml", dir);
    write_file(path, base);
    free(base);
    snprintf(path, sizeof path, "%s/entry.yml", dir);
    write_file(path, "base_config: base.yml\n"
                     "ici_fsdp_parallelism: 2  # shardlint: disable=SL004\n"
                     "# shardlint: disable=invalid-mesh\n"
                     "ici_tensor_parallelism: 8\n");
    return dir;
}

static size_t count_rule(const sl_findings *f, const char *id)
{
    size_t n = 0;
    for (size_t i = 0; i < f->n; i++)
        n += strcmp(f->items[i]->rule->id, id) == 0;
    return n;
}

Test(engine, yaml_suppressions_are_judged_when_the_whole_repository_is_walked)
{
    char *dir = suppression_repo();
    char entry[4096];
    snprintf(entry, sizeof entry, "%s/entry.yml", dir);
    const char *walk[] = {dir}, *named[] = {entry};
    sl_check_opts o = {.paths = walk, .npaths = 1, .devices = 8};
    sl_session *s = sl_session_new();
    sl_report r;
    cr_assert_eq(sl_session_check(s, &o, &r), 0);
    cr_expect_eq(count_rule(&r.findings, "SL003"), 0, "the comment above disables SL003");
    cr_expect_eq(count_rule(&r.findings, "SL902"), 1, "the SL004 comment disables nothing");
    sl_report_free(&r);
    o.paths = named;
    cr_assert_eq(sl_session_check(s, &o, &r), 0);
    cr_expect_eq(count_rule(&r.findings, "SL003"), 0);
    cr_expect_eq(count_rule(&r.findings, "SL902"), 0,
                 "linted alone, a config's comment may serve other launches");
    sl_report_free(&r);
    sl_session_free(s);
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_expect_eq(system(cmd), 0);
}

/* Past its budget a session drops what it parsed, and linting again parses
 * it again: the findings stay the same. */
Test(engine, session_cache_stays_within_its_budget)
{
    const char *paths[] = {fixture("example/configs/gpu/mixtral-8x7b-ep.yml"),
                           fixture("trees/no-dispatch-flag/configs/base.yml")};
    sl_check_opts o = {.paths = paths, .npaths = 2, .verify_fixes = true};
    sl_session *roomy = sl_session_new(), *tight = sl_session_new();
    sl_session_set_cache_budget(tight, 1);
    sl_report wide, narrow;
    cr_assert_eq(sl_session_check(roomy, &o, &wide), 0);
    cr_assert_eq(sl_session_check(tight, &o, &narrow), 0);
    cr_expect_gt(sl_session_cache_bytes(roomy), 0);
    cr_expect_eq(sl_session_cache_bytes(tight), 0, "%zu bytes kept", sl_session_cache_bytes(tight));
    cr_assert_eq(wide.findings.n, narrow.findings.n);
    for (size_t i = 0; i < wide.findings.n; i++)
        cr_expect_str_eq(wide.findings.items[i]->message, narrow.findings.items[i]->message);
    sl_report_free(&wide);
    sl_report_free(&narrow);
    sl_session_free(roomy);
    sl_session_free(tight);
}

/* The checkout of a path in each of MaxText's three layouts, found from
 * inside its package too: src/MaxText/ is that layout of the checkout, not
 * the MaxText/ layout of its src/ folder. */
Test(engine, tree_in_every_layout)
{
    static const struct {
        const char *path, *root;
        sl_layout layout;
    } cases[] = {
        {"layouts/maxtext/MaxText/configs/v5p/128b.sh", "layouts/maxtext", SL_LAYOUT_MAXTEXT},
        {"layouts/maxtext/end_to_end/tpu", "layouts/maxtext", SL_LAYOUT_MAXTEXT},
        {"layouts/src-MaxText/src/MaxText/configs/v5e/16b.sh", "layouts/src-MaxText",
         SL_LAYOUT_SRC_UPPER},
        {"layouts/src-MaxText/end_to_end/gpu/test_commands.sh", "layouts/src-MaxText",
         SL_LAYOUT_SRC_UPPER},
        {"layouts/src-maxtext/tests/end_to_end/tpu", "layouts/src-maxtext", SL_LAYOUT_SRC},
    };
    sl_session *s = sl_session_new();
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const sl_tree *t = sl_session_tree(s, fixture(cases[i].path));
        cr_assert_not_null(t, "%s", cases[i].path);
        cr_expect(sl_path_has_suffix(t->root, cases[i].root), "%s: %s", cases[i].path, t->root);
        cr_expect_eq(t->layout, cases[i].layout, "%s", cases[i].path);
        cr_expect(sl_path_has_suffix(t->configs, "configs"), "%s", t->configs);
    }
    sl_session_free(s);
}

/* The first launch of `text`, scanned as a script run from the tree's root. */
static const sl_launch *launch_in(const sl_tree *t, const char *text)
{
    sl_vec v = {0};
    sl_err e;
    cr_assert_eq(sl_scan_sh_buf(arena, text, strlen(text), "t.sh", t ? t->root : NULL, &v, &e),
                 0);
    cr_assert_geq(v.n, 1);
    return v.items[0];
}

/* The config the first launch of `text` runs with in tree t ends with `tail`. */
static void expect_config(const sl_tree *t, const char *text, const char *tail)
{
    const char *why = NULL;
    bool missing;
    const char *path = sl_maxtext_launch_config(arena, t, launch_in(t, text), &why, &missing);
    cr_assert_not_null(path, "%s: %s", text, why);
    cr_expect(sl_path_has_suffix(path, tail), "%s: %s", text, path);
}

/* Why the first launch of `text` cannot be linted in tree t; *missing says
 * whether for a file that does not exist. */
static const char *unread(const sl_tree *t, const char *text, bool *missing)
{
    const char *why = NULL;
    cr_expect_null(sl_maxtext_launch_config(arena, t, launch_in(t, text), &why, missing), "%s",
                   text);
    cr_assert_not_null(why);
    return why;
}

/* The config a launch runs with, as the tree's own MaxText finds it. */
Test(engine, launch_config_by_layout)
{
    sl_session *s = sl_session_new();
    const sl_tree *old = sl_session_tree(s, fixture("layouts/maxtext"));
    const sl_tree *mid = sl_session_tree(s, fixture("layouts/src-MaxText"));
    const sl_tree *now = sl_session_tree(s, fixture("layouts/src-maxtext"));
    bool missing;

    const sl_launch *sft = launch_in(now, "python3 src/maxtext/trainers/post_train/sft/train_sft.py");
    cr_expect_str_eq(sl_maxtext_launch_module(arena, now, sft),
                     "maxtext.trainers.post_train.sft.train_sft");
    expect_config(now, "python3 src/maxtext/trainers/post_train/sft/train_sft.py",
                  "src-maxtext/src/maxtext/configs/post_train/sft.yml");
    expect_config(mid, "python3 -m MaxText.train MaxText/configs/base.yml",
                  "src-MaxText/src/MaxText/configs/base.yml");
    expect_config(now, "python3 -m MaxText.train src/MaxText/configs/base.yml",
                  "src-maxtext/src/maxtext/configs/base.yml");

    const char *rl = "python3 -m maxtext.trainers.post_train.rl.train_rl";
    const char *why = unread(now, rl, &missing);
    cr_expect_not(missing);
    cr_expect(strstr(why, "has no default config") != NULL, "%s", why);
    why = unread(NULL, rl, &missing);
    cr_expect(strstr(why, "outside a MaxText checkout") != NULL,
              "the built-in table names rl.yml, but not where it is: %s", why);
    why = unread(old, "python3 -m MaxText.train steps=1", &missing);
    cr_expect(strstr(why, "reads its first argument as the config file") != NULL, "%s", why);
    why = unread(old, "python3 -m MaxText.train configs/base.yml", &missing);
    cr_expect(missing);
    cr_expect_null(strstr(why, ", nor "), "trees before src/MaxText/ do not look under src/: %s",
                   why);
    why = unread(mid, "python3 -m MaxText.train MaxText/configs/x.yml", &missing);
    cr_expect(missing);
    cr_expect(strstr(why, "MaxText/configs/x.yml does not exist, nor ") != NULL, "%s", why);
    sl_session_free(s);
}

static void copy_fixture(const char *from, const char *to)
{
    char *text = slurp(fixture(from));
    cr_assert_not_null(text, "%s", from);
    write_file(to, text);
    free(text);
}

/* With the cache on, a folder's scan is kept in the git directory of the
 * repository it is in, and nowhere when the cache is off. */
Test(engine, scan_cache_lives_in_the_git_directory)
{
    char dir[] = "/tmp/shardlint-repo-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    const char *folders[] = {".git", "src", "src/maxtext", "src/maxtext/configs",
                             "src/maxtext/configs/models", "src/maxtext/layers"};
    for (size_t i = 0; i < sizeof folders / sizeof *folders; i++)
        cr_assert_eq(mkdir(sl_sprintf(arena, "%s/%s", dir, folders[i]), 0700), 0);
    copy_fixture("checkout/src/maxtext/configs/base.yml",
                 sl_sprintf(arena, "%s/src/maxtext/configs/base.yml", dir));
    copy_fixture("checkout/src/maxtext/layers/moe.py",
                 sl_sprintf(arena, "%s/src/maxtext/layers/moe.py", dir));
    const char *paths[] = {sl_sprintf(arena, "%s/src/maxtext/configs/base.yml", dir)};
    const char *kept = sl_sprintf(arena, "%s/.git/shardlint", dir);
    for (int cache = 0; cache < 2; cache++) {
        sl_check_opts o = {.paths = paths, .npaths = 1, .cache = cache};
        sl_session *s = sl_session_new();
        sl_report r;
        cr_assert_eq(sl_session_check(s, &o, &r), 0);
        cr_expect_eq(sl_is_dir(kept), cache, "cache %d: %s", cache, kept);
        sl_report_free(&r);
        sl_session_free(s);
    }
    cr_expect_eq(system(sl_sprintf(arena, "rm -rf '%s'", dir)), 0);
}
