/* What code scanning sees, end to end: the command line run on a copy of a
 * MaxText-style checkout (fixtures/checkout) in a repository of its own,
 * changed the way pull requests change it. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "support.h"

static char top[64];   /* a temporary folder */
static char repo[128]; /* top/repo: the checkout, with a .git */

static void sh(const char *fmt, const char *a, const char *b)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, fmt, a, b);
    cr_assert_eq(system(cmd), 0, "failed: %s", cmd);
}

static void make_repo(void)
{
    snprintf(top, sizeof top, "/tmp/shardlint-scan-XXXXXX");
    cr_assert_not_null(mkdtemp(top));
    snprintf(repo, sizeof repo, "%s/repo", top);
    sh("cp -R '%s' '%s'", fixture("checkout"), repo);
    sh("mkdir '%s/.git' '%s/elsewhere'", repo, top);
}

static void remove_repo(void)
{
    sh("rm -rf '%s'%s", top, "");
}

TestSuite(sarif, .init = make_repo, .fini = remove_repo);

/* top/rel, in a static buffer. */
static const char *in_top(const char *rel)
{
    static char buf[4][256];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", top, rel);
    return buf[k];
}

/* n comment lines inserted before line `at` of the file. */
static void insert_lines(const char *path, int at, int n)
{
    char *text = slurp(path);
    cr_assert_not_null(text, "cannot read %s", path);
    FILE *f = fopen(path, "w");
    const char *p = text;
    for (int line = 1; line < at && *p; line++) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) + 1 : strlen(p);
        fwrite(p, 1, len, f);
        p += len;
    }
    for (int i = 0; i < n; i++)
        fputs("# a line a pull request added\n", f);
    fputs(p, f);
    fclose(f);
    free(text);
}

/* A SARIF run from `dir` (relative to top), checked against the schema. */
static cJSON *scan(const char *dir, const char *args, int want_status)
{
    cli_run r = run_cli_str_at(args, in_top(dir), NULL);
    cr_assert_eq(r.status, want_status, "status %d for %s\n%s", r.status, args, r.err);
    char msg[4096];
    cr_assert_eq(sarif_validate(r.out, msg, sizeof msg), 0, "invalid SARIF:\n%s", msg);
    cJSON *log = json_parse(r.out);
    cli_run_free(&r);
    return log;
}

/* "uri:line fingerprint" of every result, one per line. */
static char *results(cJSON *log)
{
    char *out = strdup("");
    cJSON *r;
    cJSON_ArrayForEach(r, json_path(log, "runs.0.results"))
    {
        cJSON *l = json_path(r, "locations.0.physicalLocation");
        char *next;
        cr_assert(asprintf(&next, "%s%s:%d %s\n", out, json_str(l, "artifactLocation.uri"),
                           (int)json_num(l, "region.startLine"),
                           json_str(r, "partialFingerprints.primaryLocationLineHash")) > 0);
        free(out);
        out = next;
    }
    return out;
}

static size_t count(const char *s, const char *what)
{
    size_t n = 0;
    for (const char *p = strstr(s, what); p; p = strstr(p + 1, what))
        n++;
    return n;
}

/* Every location of every result, related ones and fixes included. */
static void assert_all_uris_relative(cJSON *log)
{
    char *text = cJSON_PrintUnformatted(log);
    cr_assert_gt(count(text, "\"uri\":"), 8);
    cr_assert_eq(count(text, "\"uri\":"), count(text, "\"uriBaseId\":\"%SRCROOT%\""), "%s", text);
    cr_assert_null(strstr(text, "file:"));
    free(text);
}

#define LAUNCH "tests/end_to_end/gpu/mixtral/train.sh"

Test(sarif, same_uris_from_any_working_directory_or_symlink)
{
    cJSON *at_root = scan("repo", "check " LAUNCH " --format sarif", 1);
    cJSON *below = scan("repo/src/maxtext/configs", "check ../../../" LAUNCH " --format sarif", 1);
    cJSON *outside = scan("elsewhere", "check ../repo/" LAUNCH " --format sarif", 1);
    /* Through a symlink, files are named by where they really are. */
    sh("ln -s ../repo '%s'%s", in_top("elsewhere/link"), "");
    cJSON *linked = scan("elsewhere", "check link/" LAUNCH " --format sarif", 1);
    assert_all_uris_relative(at_root);
    assert_all_uris_relative(linked);
    char *want = results(at_root), *b = results(below), *o = results(outside);
    char *l = results(linked);
    cr_assert_eq(count(want, "\n"), 2, "%s", want);
    cr_assert_eq(count(want, LAUNCH ":12 "), 2, "%s", want);
    cr_assert_str_eq(b, want);
    cr_assert_str_eq(o, want);
    cr_assert_str_eq(l, want);
    free(l);
    cJSON_Delete(linked);
    char *rel_a = cJSON_PrintUnformatted(json_path(at_root, "runs.0.results.0.relatedLocations"));
    char *rel_o = cJSON_PrintUnformatted(json_path(outside, "runs.0.results.0.relatedLocations"));
    cr_assert_str_eq(rel_o, rel_a);
    free(rel_a);
    free(rel_o);
    free(want);
    free(b);
    free(o);
    cJSON_Delete(at_root);
    cJSON_Delete(below);
    cJSON_Delete(outside);
}

/* --root names the root; what is outside it keeps its absolute path and
 * says so. */
Test(sarif, root_option_and_files_outside_it)
{
    cJSON *log = scan("repo", "check " LAUNCH " --root src/maxtext --format sarif", 1);
    cJSON *art = json_path(log, "runs.0.results.0.relatedLocations.0.physicalLocation."
                                "artifactLocation");
    cr_assert_str_eq(json_str(art, "uri"), "configs/base.yml");
    art = json_path(log, "runs.0.results.0.locations.0.physicalLocation.artifactLocation");
    char *want;
    cr_assert(asprintf(&want, "file://%s/" LAUNCH, repo) > 0);
    cr_assert_str_eq(json_str(art, "uri"), want);
    cr_assert(cJSON_IsTrue(json_path(art, "properties.outsideRoot")));
    cr_assert_null(cJSON_GetObjectItem(art, "uriBaseId"));
    free(want);
    cJSON_Delete(log);
}

/* Model code that is no catalog site: its spec is named by its file and
 * line, and it loses 'expert' under the launch's expert parallelism. */
static const char experts_py[] =
    "class Experts:\n"
    "\n"
    "  def combine_weights(self, x):\n"
    "    weight_axis = (\"activation_exp\", \"activation_batch_moe\", None)\n"
    "    return self._maybe_shard_with_logical(x, weight_axis)\n";

/* Lines added above every location a finding involves (the launch word,
 * the rules in base.yml, the model file's values, the Python sites) move
 * every alert and change none. */
Test(sarif, fingerprints_survive_inserted_lines)
{
    write_file(in_top("repo/src/maxtext/layers/experts.py"), experts_py);
    cJSON *before = scan("repo", "check " LAUNCH " --format sarif", 1);
    char *was = results(before);
    cr_assert_eq(count(was, "\n"), 3, "%s", was);
    char *text = cJSON_PrintUnformatted(before);
    cr_assert_not_null(strstr(text, "layers/experts.py:4 "),
                       "the scanned site is named by its line");
    free(text);
    insert_lines(in_top("repo/" LAUNCH), 2, 3);
    insert_lines(in_top("repo/src/maxtext/configs/base.yml"), 1, 4);
    insert_lines(in_top("repo/src/maxtext/configs/models/mixtral-8x7b.yml"), 1, 5);
    insert_lines(in_top("repo/src/maxtext/layers/moe.py"), 1, 6);
    insert_lines(in_top("repo/src/maxtext/layers/experts.py"), 1, 7);
    cJSON *after = scan("repo", "check " LAUNCH " --format sarif", 1);
    char *now = results(after);
    cr_assert_eq(count(now, LAUNCH ":15 "), 3, "the alerts did not move:\n%s", now);
    text = cJSON_PrintUnformatted(after);
    cr_assert_not_null(strstr(text, "layers/experts.py:11 "));
    free(text);
    cJSON *r;
    size_t i = 0;
    cJSON_ArrayForEach(r, json_path(after, "runs.0.results"))
    {
        cJSON *old = cJSON_GetArrayItem(json_path(before, "runs.0.results"), (int)i++);
        cr_assert_str_eq(json_str(r, "partialFingerprints.primaryLocationLineHash"),
                         json_str(old, "partialFingerprints.primaryLocationLineHash"),
                         "result %zu changed identity", i);
        cr_assert_str_eq(json_str(r, "partialFingerprints.shardlintFingerprint/v2"),
                         json_str(old, "partialFingerprints.shardlintFingerprint/v2"));
    }
    free(was);
    free(now);
    cJSON_Delete(before);
    cJSON_Delete(after);
}

/* A pull request that adds a second launch script with the same problem
 * brings new alerts, in that script, next to the old ones. */
Test(sarif, a_second_launch_script_is_new_alerts)
{
    cJSON *one = scan("repo", "check tests/end_to_end --format sarif", 1);
    char *was = results(one);
    sh("cp '%s' '%s'", in_top("repo/" LAUNCH),
       in_top("repo/tests/end_to_end/gpu/mixtral/train_again.sh"));
    cJSON *two = scan("repo", "check tests/end_to_end --format sarif", 1);
    char *now = results(two);
    cr_assert_eq(count(was, "\n"), 2, "%s", was);
    cr_assert_eq(count(now, "\n"), 4, "%s", now);
    cr_assert_eq(count(now, "/train_again.sh:12 "), 2, "%s", now);
    for (const char *line = was; *line; line = strchr(line, '\n') + 1) {
        char *copy = strndup(line, (size_t)(strchr(line, '\n') - line + 1));
        cr_assert_not_null(strstr(now, copy), "an old alert changed: %s", copy);
        free(copy);
    }
    cJSON *r;
    char seen[8][32];
    size_t n = 0;
    cJSON_ArrayForEach(r, json_path(two, "runs.0.results"))
    {
        const char *fp = json_str(r, "partialFingerprints.primaryLocationLineHash");
        for (size_t k = 0; k < n; k++)
            cr_assert_str_neq(seen[k], fp, "two alerts share a fingerprint");
        snprintf(seen[n++], sizeof seen[0], "%s", fp);
    }
    free(was);
    free(now);
    cJSON_Delete(one);
    cJSON_Delete(two);
}

/* The only target cannot be read: every machine format is still written,
 * whole; SARIF validates and holds the error as a result where it is. */
Test(sarif, a_broken_target_still_writes_a_log)
{
    write_file(in_top("repo/broken.yml"), "base_config: base.yml\nmesh_axes: [data\n");
    cli_run r = run_cli_str_at("check broken.yml --format sarif --output out.sarif",
                               in_top("repo"), NULL);
    cr_assert_eq(r.status, 2);
    cr_assert_not_null(strstr(r.err, "broken.yml:3:1: error: "), "%s", r.err);
    cli_run_free(&r);
    char *text = slurp(in_top("repo/out.sarif"));
    cr_assert_not_null(text, "no SARIF written");
    char msg[4096];
    cr_assert_eq(sarif_validate(text, msg, sizeof msg), 0, "%s", msg);
    cJSON *log = json_parse(text);
    cr_assert(cJSON_IsFalse(json_path(log, "runs.0.invocations.0.executionSuccessful")));
    cJSON *res = json_path(log, "runs.0.results.0");
    cr_assert_str_eq(json_str(res, "ruleId"), "SL900");
    cr_assert_str_eq(json_str(res, "level"), "error");
    cr_assert_str_eq(json_str(res, "locations.0.physicalLocation.artifactLocation.uri"),
                     "broken.yml");
    cr_assert_eq(json_num(res, "locations.0.physicalLocation.region.startLine"), 3);
    cr_assert_str_eq(json_str(log, "runs.0.tool.driver.rules.0.id"), "SL900");
    cJSON_Delete(log);
    free(text);
    static const char *const formats[] = {"json", "github"};
    for (size_t i = 0; i < 2; i++) {
        char args[128];
        snprintf(args, sizeof args, "check broken.yml --format %s --output out.txt", formats[i]);
        r = run_cli_str_at(args, in_top("repo"), NULL);
        cr_assert_eq(r.status, 2);
        cli_run_free(&r);
        text = slurp(in_top("repo/out.txt"));
        cr_assert(text && strstr(text, "broken.yml"), "%s output says nothing", formats[i]);
        free(text);
    }
}

/* A target whose name is not UTF-8 (a Latin-1 system's file name) that
 * cannot be read: the logs are UTF-8 still, as JSON and the schema need. */
Test(sarif, a_file_name_that_is_not_utf8)
{
    cJSON *log = scan("repo", "check caf\xe9.yml --format sarif", 2);
    const char *uri = json_str(log, "runs.0.results.0.locations.0.physicalLocation."
                                    "artifactLocation.uri");
    cr_assert_str_eq(uri, "caf%E9.yml");
    const char *text = json_str(log, "runs.0.invocations.0.toolExecutionNotifications.0."
                                     "message.text");
    cr_assert_not_null(text);
    cJSON_Delete(log);
    cli_run r = run_cli_str_at("check caf\xe9.yml --format json", in_top("repo"), NULL);
    cJSON *j = json_parse(r.out);
    cr_assert_str_eq(json_str(j, "problems.0.location.file"), "caf\xef\xbf\xbd.yml");
    cJSON_Delete(j);
    cli_run_free(&r);
}
