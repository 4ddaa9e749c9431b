/* Hostile inputs that a fixture folder cannot hold (FIFOs, symlinks out of
 * the tree, files that cannot be read, names with line breaks): each run
 * works in a temporary tree, the tree the run may read (--root). */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support.h"

static const char *tmp;

static void make_tree(void)
{
    tmp = tree_make("example/configs", "configs");
}

/* Runs `check` with the words given (NULL-terminated), the tree as --root. */
static cli_run check(const char *first, ...)
{
    const char *argv[32] = {"check"};
    size_t n = 1;
    va_list ap;
    va_start(ap, first);
    for (const char *w = first; w && n < 28; w = va_arg(ap, const char *))
        argv[n++] = w;
    va_end(ap);
    argv[n++] = "--root";
    argv[n++] = tmp;
    argv[n] = NULL;
    return run_cli(argv);
}

static void expect(cli_run r, int status, const char *err_part)
{
    cr_expect_eq(r.status, status, "exit status %d\nstderr:\n%s", r.status, r.err);
    cr_expect(strstr(r.err, err_part), "stderr lacks '%s':\n%s", err_part, r.err);
    cli_run_free(&r);
}

TestSuite(hostile, .init = make_tree, .fini = tree_remove, .timeout = 60);

/* A FIFO blocks a reader until a writer comes: every path that names one
 * is refused from its type, so none of these runs can hang. */
Test(hostile, fifos_are_refused_wherever_they_are_named)
{
    cr_assert_eq(mkfifo(tree_path("configs/fifo.yml"), 0644), 0);
    cr_assert_eq(mkfifo(tree_path("configs/models/fifo-model.yml"), 0644), 0);
    char launch[512];
    snprintf(launch, sizeof launch, "python3 -m MaxText.train %s\n", tree_path("configs/fifo.yml"));
    tree_write("run.sh", launch);
    tree_write("configs/uses-model.yml", "base_config: base.yml\nmodel_name: fifo-model\n");
    const char *ep = tree_path("configs/gpu/mixtral-8x7b-ep.yml");
    expect(check(ep, "--specs", tree_path("configs/fifo.yml"), NULL), 2, "not a regular file");
    expect(check(tree_path("configs/fifo.yml"), NULL), 2, "not a regular file");
    expect(check(tree_path("run.sh"), NULL), 2, "fifo.yml cannot be read: not a regular file");
    expect(check(tree_path("configs/uses-model.yml"), NULL), 2,
           "model file for 'fifo-model' cannot be read");
    cli_run r = check(tree_path("configs"), NULL);
    expect(r, 2, "fifo.yml:1:1: error: cannot read: not a regular file");
}

/* Nothing linted is never "no findings". */
Test(hostile, stdin_on_a_pipe_is_an_error)
{
    int fds[2];
    cr_assert_eq(pipe(fds), 0);
    int saved = dup(0);
    dup2(fds[0], 0);
    cli_run r = check("/dev/stdin", NULL);
    dup2(saved, 0);
    close(fds[0]);
    close(fds[1]);
    expect(r, 2, "/dev/stdin:1:1: error: cannot read: not a regular file");
}

Test(hostile, a_symlinked_config_in_a_walk_is_linted_once_inside_the_tree)
{
    cr_assert_eq(mkdir(tree_path("links"), 0755), 0);
    cr_assert_eq(symlink("../configs/gpu/mixtral-8x7b-ep.yml", tree_path("links/ep.yml")), 0);
    cli_run r = check(tree_path("links"), "--devices", "8", NULL);
    cr_expect_eq(r.status, 1, "the linked config's findings: %s", r.err);
    cr_expect(strstr(r.out, "configs/gpu/mixtral-8x7b-ep.yml"), "%s", r.out);
    cli_run_free(&r);
    /* Walked together with its target, the file is linted once. */
    r = check(tmp, "--devices", "8", NULL);
    cr_expect_eq(r.status, 1);
    cr_expect_null(strstr(r.out, "links/ep.yml"), "%s", r.out);
    cli_run_free(&r);
}

Test(hostile, a_symlink_out_of_the_tree_is_reported_not_followed)
{
    char outside[] = "/tmp/shardlint-outside-XXXXXX";
    cr_assert_not_null(mkdtemp(outside));
    char secret[128], cmd[256];
    snprintf(secret, sizeof secret, "%s/secret.yml", outside);
    write_file(secret, "base_config: TOKEN-1234\n");
    cr_assert_eq(symlink(secret, tree_path("configs/leak.yml")), 0);
    cli_run r = check(tree_path("configs"), NULL);
    cr_expect_eq(r.status, 2);
    cr_expect(strstr(r.err, "leak.yml:1:1: error: a symlink to"), "%s", r.err);
    cr_expect(strstr(r.err, "outside the tree: not read"), "%s", r.err);
    cr_expect_null(strstr(r.err, "TOKEN-1234"), "the outside file's content leaked");
    cli_run_free(&r);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", outside);
    cr_assert_eq(system(cmd), 0);
}

/* base_config, model_name and custom_mesh_and_rule reaching out of the tree
 * are refused with the path named, never the content; --allow-outside-root
 * follows them. */
Test(hostile, configs_do_not_read_outside_the_tree)
{
    char outside[] = "/tmp/shardlint-outside-XXXXXX";
    cr_assert_not_null(mkdtemp(outside));
    char cmd[512];
    snprintf(cmd, sizeof cmd, "mkdir '%s/models' && printf 'num_experts: TOKEN-1234\\n' > "
             "'%s/models/leak.yml' && printf 'mesh_axes: TOKEN-1234\\n' > '%s/leak.yml'",
             outside, outside, outside);
    cr_assert_eq(system(cmd), 0);
    char text[512];
    snprintf(text, sizeof text, "base_config: %s/leak.yml\n", outside);
    tree_write("configs/abs.yml", text);
    snprintf(text, sizeof text, "base_config: base.yml\nmodel_name: ../../../../../../../../../"
             "../../../../../../..%s/leak\n", outside);
    tree_write("configs/model.yml", text);
    snprintf(text, sizeof text, "base_config: base.yml\ncustom_mesh_and_rule: ../../../../../../"
             "../../../../../../../../../..%s/leak\n", outside);
    tree_write("configs/custom.yml", text);
    const char *names[] = {"configs/abs.yml", "configs/model.yml", "configs/custom.yml"};
    const char *what[] = {"base_config", "model file", "custom_mesh_and_rule file"};
    for (size_t k = 0; k < 3; k++) {
        cli_run r = check(tree_path(names[k]), NULL);
        cr_expect_eq(r.status, 2, "%s: %s", names[k], r.err);
        cr_expect(strstr(r.err, what[k]) && strstr(r.err, "is outside the tree: not read"),
                  "%s: %s", names[k], r.err);
        cr_expect_null(strstr(r.err, "TOKEN-1234"), "%s leaked: %s", names[k], r.err);
        cli_run_free(&r);
        r = check(tree_path(names[k]), "--allow-outside-root", NULL);
        cr_expect_null(strstr(r.err, "outside the tree"),
                       "%s: --allow-outside-root did not follow it: %s", names[k], r.err);
        cr_expect(strstr(r.err, "leak.yml"), "%s: not read: %s", names[k], r.err);
        cli_run_free(&r);
    }
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", outside);
    cr_assert_eq(system(cmd), 0);
}

/* Runs the check as an unprivileged user, so that permissions hold even
 * when the tests run as root; its stdout and stderr go to `out`. */
static int check_as_nobody(const char *dir, char *out, size_t size)
{
    int fds[2];
    cr_assert_eq(pipe(fds), 0);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fds[1], 1);
        dup2(fds[1], 2);
        if (getuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0))
            _exit(99);
        execl(SHARDLINT_BINARY, "shardlint", "check", dir, "--root", dir, (char *)NULL);
        _exit(98);
    }
    close(fds[1]);
    size_t n = 0;
    ssize_t got;
    while (n + 1 < size && (got = read(fds[0], out + n, size - n - 1)) > 0)
        n += (size_t)got;
    out[n] = '\0';
    close(fds[0]);
    int status;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* One file or folder that cannot be read is reported, and the rest of the
 * walk is still linted. */
Test(hostile, unreadable_files_and_folders_in_a_walk_are_reported)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "chmod -R a+rX '%s' && mkdir '%s/configs/locked' && "
             "cp '%s/configs/gpu/mixtral-8x7b-ep.yml' '%s/configs/locked/' && "
             "printf 'base_config: base.yml\\n' > '%s/configs/secret.yml'", tmp, tmp, tmp, tmp,
             tmp);
    cr_assert_eq(system(cmd), 0);
    cr_assert_eq(chmod(tree_path("configs/secret.yml"), 0), 0);
    cr_assert_eq(chmod(tree_path("configs/locked"), 0), 0);
    char err[65536];
    int status = check_as_nobody(tree_path("configs"), err, sizeof err);
    cr_expect_eq(status, 2, "stderr:\n%s", err);
    cr_expect(strstr(err, "secret.yml:1:1: error: cannot read: Permission denied"), "%s", err);
    cr_expect(strstr(err, "locked: error: cannot read this directory: Permission denied"), "%s",
              err);
    cr_expect(strstr(err, "gpu/mixtral-8x7b-ep.yml:18:25: warning: tensor 'moe.dense.dispatch'"),
              "the rest of the walk is linted: %s", err);
}

/* A file name can hold a line break, a workflow command and an escape
 * sequence; the report shows it escaped on one line. */
Test(hostile, file_names_are_escaped_in_the_report)
{
    const char *name = "configs/x\n::error file=a.yml,line=1::FN\033[2J.yml";
    tree_write(name, "base_config: base.yml\nmesh_axes: [bogus]\n");
    cli_run r = check(tree_path(name), "--devices", "8", NULL);
    cr_expect_eq(r.status, 1, "%s", r.err);
    cr_expect(strstr(r.out, "x\\n::error file=a.yml,line=1::FN\\x1b[2J.yml:2:13: error: mesh axis"),
              "%s", r.out);
    cr_expect_null(strchr(r.out, '\033'));
    for (const char *p = r.out; (p = strstr(p, "\n::")); p++)
        cr_expect(false, "a line starts with '::': %s", r.out);
    cli_run_free(&r);
    r = check(tree_path(name), "--devices", "8", "--specs", tree_path(name), NULL);
    cr_expect(r.status == 2 && !strchr(r.err, '\033'), "%s", r.err);
    cli_run_free(&r);
}

/* The launches summary lists each launch not read with why: the script's
 * name and the config word it names are escaped there too. */
Test(hostile, launches_not_read_are_listed_escaped)
{
    const char *script = "run\n::error::S\033]0;t\a.sh";
    char text[1024];
    snprintf(text, sizeof text, "python3 -m MaxText.train '%s'\npython3 -m MaxText.train '%s'\n",
             tree_path("configs/base.yml"), tree_path("configs/missing\n::error::M.yml"));
    tree_write(script, text);
    cli_run r = check(tree_path(script), NULL);
    cr_expect_eq(r.status, 2, "%s", r.err);
    cr_expect(strstr(r.out, "1 not read:\n  - "), "%s", r.out);
    cr_expect(strstr(r.out, "run\\n::error::S\\x1b]0;t\\x07.sh:2:1: config file "), "%s", r.out);
    cr_expect(strstr(r.out, "missing\\n::error::M.yml does not exist"), "%s", r.out);
    cr_expect_null(strchr(r.out, '\033'));
    for (const char *p = r.out; (p = strstr(p, "\n::")); p++)
        cr_expect(false, "a line starts with '::': %s", r.out);
    cli_run_free(&r);
}

/* A fix that would make thousands of scanned sites findings: the fix note
 * stays short (it was one growing string per fix: 20,000 such sites took
 * over 23 GB), whether the new findings are grouped or listed, five by name
 * and a count. */
Test(hostile, a_fix_that_brings_many_findings_is_described_briefly)
{
    cr_assert_eq(mkdir(tree_path("src"), 0755), 0);
    cr_assert_eq(mkdir(tree_path("src/layers"), 0755), 0);
    FILE *f = fopen(tree_path("src/layers/m.py"), "w");
    cr_assert_not_null(f);
    fputs("def f():\n", f);
    for (int i = 0; i < 2000; i++)
        fprintf(f, "    c(x, (\"activation_batch_moe\", \"activation_norm_length\", \"s%d\"))\n", i);
    fclose(f);
    cli_run r = check(tree_path("configs/gpu/mixtral-8x7b-ep.yml"), "--source", tree_path("src"), NULL);
    cr_expect_eq(r.status, 1, "%s", r.err);
    cr_expect(strstr(r.out, "but it brings "), "%s", r.out);
    cr_expect_lt(strlen(r.out), 64 * 1024, "the report lists every new finding");
    cli_run_free(&r);
}

/* --verbose names the configuration file it reads, escaped like every
 * other path it prints. */
Test(hostile, the_configuration_file_is_named_escaped)
{
    const char *name = "configs/cfg\n::error::C\033[2J.yml";
    tree_write(name, "select: [SL001]\n");
    cli_run r = check(tree_path("configs/gpu/mixtral-8x7b-ep.yml"), "--config", tree_path(name),
                      "--verbose", NULL);
    cr_expect(strstr(r.err, "shardlint: configuration: "), "%s", r.err);
    cr_expect(strstr(r.err, "cfg\\n::error::C\\x1b[2J.yml\n"), "%s", r.err);
    cr_expect_null(strchr(r.err, '\033'));
    for (const char *p = r.err; (p = strstr(p, "\n::")); p++)
        cr_expect(false, "a line starts with '::': %s", r.err);
    cli_run_free(&r);
}
