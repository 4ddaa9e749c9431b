/* Utilities every stage relies on for hostile input: escaping for printing,
 * UTF-8 checks, file reading that refuses what is not a regular file, and
 * the tree a run may reach. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shardlint/util.h"
#include "support.h"

static sl_arena *A;

static void setup(void)
{
    A = sl_arena_new();
}

static void teardown(void)
{
    sl_arena_free(A);
}

TestSuite(util, .init = setup, .fini = teardown);

static void escapes(const char *in, unsigned flags, const char *want)
{
    const char *got = sl_escape(A, in, flags);
    cr_expect_str_eq(got, want, "escaping '%s'", in);
}

Test(util, escape_keeps_plain_text_as_it_is)
{
    const char *s = "configs/gpu/a b.yml: 'x' -> [data] \\ é 数";
    cr_expect_eq(sl_escape(A, s, SL_ESCAPE_LINE_START), s, "no copy when nothing changes");
    escapes("a::b", SL_ESCAPE_LINE_START, "a::b");
    escapes("::error::x", 0, "::error::x");
}

/* A file name or script word must not start a line of output, end one, or
 * reach the terminal as a control sequence. */
Test(util, escape_control_characters_and_line_breaks)
{
    escapes("x\n::error file=a.yml,line=1::FN", 0, "x\\n::error file=a.yml,line=1::FN");
    escapes("a\rb\tc", 0, "a\\rb\\tc");
    escapes("\033]0;pwned\007\033[2J", 0, "\\x1b]0;pwned\\x07\\x1b[2J");
    escapes("del\177", 0, "del\\x7f");
}

/* GitHub's runner trims blanks (Unicode ones too) and reads `::cmd::` at the
 * start of a line, and the legacy `##[cmd]` anywhere in it. */
Test(util, escape_workflow_commands)
{
    escapes("::error::x", SL_ESCAPE_LINE_START, "\\x3a:error::x");
    escapes(" ::error::x", SL_ESCAPE_LINE_START, "\\x20::error::x");
    escapes("\u3000::warning::x", SL_ESCAPE_LINE_START, "\\u3000::warning::x");
    escapes("msg ##[error]x ##[add-mask]y", 0, "msg ##\\x5berror]x ##\\x5badd-mask]y");
    escapes("#[a] # [b]", 0, "#[a] # [b]");
}

Test(util, escape_bytes_that_are_not_utf8_and_invisible_characters)
{
    escapes("a\xff\xfe" "b", 0, "a\\xff\\xfeb");
    escapes("\xc0\xaf", 0, "\\xc0\\xaf");                /* overlong '/' */
    escapes("\xed\xa0\x80", 0, "\\xed\\xa0\\x80");       /* a surrogate */
    escapes("\xe2\x80\xae" "lmy.exe", 0, "\\u202elmy.exe"); /* right-to-left override */
    escapes("\xc2\x9b" "31m", 0, "\\u009b31m");             /* C1 CSI */
    escapes("\xe2\x80\xa8", 0, "\\u2028");
}

Test(util, utf8_validity)
{
    cr_expect(sl_utf8_valid("a\xc3\xa9\xf0\x9f\x98\x80", 7));
    cr_expect(!sl_utf8_valid("\xf4\x90\x80\x80", 4), "above U+10FFFF");
    cr_expect(!sl_utf8_valid("\xe0\x80\x80", 3), "overlong");
    cr_expect(!sl_utf8_valid("\xc3", 1), "truncated");
}

static char dir[64];

static void make_dir(void)
{
    strcpy(dir, "/tmp/shardlint-util-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
}

static void remove_dir(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
}

static void read_fails(const char *path, const char *why)
{
    char *buf = NULL;
    size_t len;
    sl_err e;
    cr_assert_eq(sl_file_read(path, 1 << 20, (sl_loc){0}, &buf, &len, &e), -1, "%s read", path);
    cr_expect(strstr(e.msg, why), "%s: %s", path, e.msg);
    cr_expect_str_eq(e.loc.file, path);
}

/* A FIFO would block the run and a device could act when opened: both are
 * refused from their type, before any open. */
Test(util, file_read_refuses_what_is_not_a_regular_file)
{
    make_dir();
    char fifo[128];
    snprintf(fifo, sizeof fifo, "%s/f.yml", dir);
    cr_assert_eq(mkfifo(fifo, 0600), 0);
    read_fails(fifo, "not a regular file");
    read_fails("/dev/null", "not a regular file");
    read_fails(dir, "is a directory");
    read_fails("/no/such/file.yml", "No such file or directory");
    cr_expect_str_eq(sl_file_problem(fifo), "not a regular file (a FIFO, socket or device is "
                                            "never opened)");
    cr_expect_null(sl_file_problem(fixture("config/yaml/empty.yml")));
    remove_dir();
}

Test(util, walk_names_why_a_folder_cannot_be_read)
{
    sl_err e;
    cr_assert_eq(sl_walk("no-such-folder", NULL, NULL, &e), -1);
    cr_expect_str_eq(e.msg, "cannot read this directory: No such file or directory");
    cr_assert_eq(sl_walk(fixture("config/yaml/empty.yml"), NULL, NULL, &e), -1);
    cr_expect_str_eq(e.msg, "cannot read this directory: not a directory");
    char where[256];
    cr_expect_str_eq(sl_loc_str(e.loc, where, sizeof where), fixture("config/yaml/empty.yml"),
                     "a folder is named without a line and column");
}

Test(util, path_inside_a_tree)
{
    make_dir();
    char sub[128], link[128], tree[128];
    snprintf(sub, sizeof sub, "%s/a", dir);
    snprintf(link, sizeof link, "%s/a/out", dir);
    cr_assert_eq(mkdir(sub, 0700), 0);
    cr_assert_eq(symlink("/etc", link), 0);
    snprintf(tree, sizeof tree, "%s", sl_path_real(A, sub));
    cr_expect(sl_path_inside(A, sl_sprintf(A, "%s/x.yml", sub), tree), "a file not yet written");
    cr_expect(sl_path_inside(A, sub, tree), "the tree itself");
    cr_expect(!sl_path_inside(A, sl_sprintf(A, "%s/../b.yml", sub), tree));
    cr_expect(!sl_path_inside(A, sl_sprintf(A, "%s/passwd", link), tree), "through a symlink");
    cr_expect(!sl_path_inside(A, sl_sprintf(A, "%s-x/c.yml", sub), tree), "a sibling prefix");
    cr_expect(sl_path_inside(A, "/etc/passwd", NULL), "no tree: no limit");
    remove_dir();
}
