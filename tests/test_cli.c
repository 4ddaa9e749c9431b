/* Every folder under fixtures/cases is one run of the command line:
 *   args      the words after `shardlint`, on one line
 *   status    the expected exit status
 *   stdout    the expected standard output
 *   stderr    the expected standard error (optional: empty when absent)
 *   cwd       the folder of the source tree it runs in (optional: its top)
 *   stdin     what standard input holds (optional: nothing)
 * A case whose args ask for SARIF also has its output checked against the
 * SARIF 2.1.0 schema. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support.h"

static char *case_file(const char *name, const char *file)
{
    char path[4096];
    snprintf(path, sizeof path, "%s", fixture("cases/"));
    strncat(path, name, sizeof path - strlen(path) - 1);
    strncat(path, "/", sizeof path - strlen(path) - 1);
    strncat(path, file, sizeof path - strlen(path) - 1);
    return slurp(path);
}

static void check_sarif(const char *name, const char *out)
{
    char msg[4096];
    int status = sarif_validate(out, msg, sizeof msg);
    cr_expect_eq(status, 0, "case %s: SARIF does not validate:\n%s", name, msg);
}

static void run_case(const char *name)
{
    char *args = case_file(name, "args");
    char *status = case_file(name, "status");
    char *want_out = case_file(name, "stdout");
    char *want_err = case_file(name, "stderr");
    cr_assert_not_null(args, "case %s has no args file", name);
    cr_assert_not_null(status, "case %s has no status file", name);
    char *cwd = case_file(name, "cwd");
    if (cwd)
        cwd[strcspn(cwd, "\n")] = '\0';
    char input[4096];
    snprintf(input, sizeof input, "%scases/%s/stdin", fixture(""), name);
    cli_run r = run_cli_str_at(args, cwd, access(input, R_OK) == 0 ? input : NULL);
    cr_expect_eq(r.status, atoi(status), "case %s: exit status %d, expected %d\nstderr:\n%s",
                 name, r.status, atoi(status), r.err);
    cr_expect_str_eq(r.out, want_out ? want_out : "", "case %s: stdout differs", name);
    cr_expect_str_eq(r.err, want_err ? want_err : "", "case %s: stderr differs", name);
    if (strstr(args, "--format sarif") && *r.out)
        check_sarif(name, r.out);
    cli_run_free(&r);
    free(cwd);
    free(args);
    free(status);
    free(want_out);
    free(want_err);
}

Test(cli, cases)
{
    DIR *d = opendir(fixture("cases"));
    cr_assert_not_null(d);
    size_t n = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.')
            continue;
        run_case(e->d_name);
        n++;
    }
    closedir(d);
    cr_assert_gt(n, 10, "expected the case folders under fixtures/cases");
}

/* -o is --output: the report goes to the file, nothing to standard output. */
Test(cli, short_output_option_writes_the_report)
{
    char path[] = "/tmp/shardlint-report-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    close(fd);
    const char *ex = "fixtures/example/configs/gpu/mixtral-8x7b-ep.yml";
    const char *to_file[] = {"check", ex, "--statistics", "-o", path, NULL};
    const char *to_stdout[] = {"check", "--statistics", ex, NULL};
    cli_run f = run_cli(to_file), s = run_cli(to_stdout);
    char *written = slurp(path);
    cr_expect_eq(f.status, 1);
    cr_expect_str_eq(f.out, "");
    cr_assert_not_null(written);
    cr_expect_str_eq(written, s.out);
    cr_expect(strstr(written, "SL001") != NULL);
    free(written);
    cli_run_free(&f);
    cli_run_free(&s);
    unlink(path);
}
