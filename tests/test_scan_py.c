#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shardlint/limits.h"
#include "shardlint/scan.h"
#include "support.h"

static const char *const known[] = {"activation_batch", "activation_length", "activation_embed",
                                    "activation_exp",   "embed",             "mlp"};
#define NKNOWN (sizeof known / sizeof *known)

static sl_arena *arena;

static void setup(void) { arena = sl_arena_new(); }
static void teardown(void) { sl_arena_free(arena); }

TestSuite(scan_py, .init = setup, .fini = teardown);

static const char *site_line(const sl_py_site *s)
{
    char names[1024] = "";
    for (size_t i = 0; i < s->ndims; i++) {
        strcat(names, i ? ", " : "");
        strcat(names, s->logical[i] ? s->logical[i] : "None");
    }
    return sl_sprintf(arena, "%d:%d %s %s %s %s (%s)", s->loc.line, s->loc.col,
                      s->function ? s->function : "-", s->variable ? s->variable : "-",
                      s->carrier ? s->carrier : "-", s->keyword ? s->keyword : "-", names);
}

static sl_vec scan(const char *src)
{
    sl_vec sites = {0};
    sl_err err;
    cr_assert_eq(sl_scan_py_buf(arena, src, strlen(src), "t.py", known, NKNOWN, &sites, NULL, &err), 0);
    return sites;
}

/* Scans fixtures/scan/NAME.py and compares each site, as `render` writes it,
 * and then each constant with the lines of NAME.expected ('#' lines aside). */
static void expect_lines(const char *name, const char *(*render)(const sl_py_site *))
{
    sl_vec sites = {0}, consts = {0};
    sl_err err;
    const char *py = sl_sprintf(arena, "scan/%s.py", name);
    cr_assert_eq(sl_scan_py_file(arena, fixture(py), py + 5, known, NKNOWN, &sites, &consts,
                                 &err), 0, "%s", err.msg);
    char *expected = slurp(fixture(sl_sprintf(arena, "scan/%s.expected", name)));
    cr_assert_not_null(expected);
    size_t i = 0;
    for (char *line = strtok(expected, "\n"); line; line = strtok(NULL, "\n")) {
        if (line[0] == '#')
            continue;
        if (i >= sites.n) {
            cr_assert_lt(i - sites.n, consts.n, "missing line: %s", line);
            const sl_py_const *c = consts.items[i++ - sites.n];
            cr_expect_str_eq(sl_sprintf(arena, "const %s = %s", c->name, c->value), line);
            continue;
        }
        cr_expect_str_eq(render(sites.items[i++]), line);
    }
    cr_expect_eq(i, sites.n + consts.n, "%zu sites and constants, %zu expected",
                 sites.n + consts.n, i);
    free(expected);
}

Test(scan_py, fixture_matches_expected)
{
    expect_lines("carriers", site_line);
}

/* "25:16 (activation_batch, activation_length) | capacity_factor > 0; ..." */
static const char *guard_line(const sl_py_site *s)
{
    const char *line = sl_sprintf(arena, "%d:%d (", s->loc.line, s->loc.col);
    for (size_t i = 0; i < s->ndims; i++)
        line = sl_sprintf(arena, "%s%s%s", line, i ? ", " : "",
                          s->logical[i] ? s->logical[i] : "None");
    line = sl_sprintf(arena, "%s)%s |", line, s->index_array ? " index" : "");
    for (size_t i = 0; i < s->nguards; i++) {
        const sl_py_guard *g = &s->guards[i];
        const char *value = g->value ? g->value : g->value_ref ? g->value_ref : "";
        line = sl_sprintf(arena, "%s%s %s%s %s%s%s%s%s", line, i ? ";" : "",
                          g->mesh ? "mesh:" : "", g->name, sl_cond_op_str(g->op), *value ? " " : "",
                          value, g->alt ? " or " : "", g->alt ? g->alt : "");
    }
    return line;
}

/* Each spec's guards: if/elif/else branches, conditional expressions, a
 * variable's uses, local names followed to a mesh size, index arrays. */
Test(scan_py, guards_match_expected)
{
    expect_lines("guards", guard_line);
}

Test(scan_py, decoys_in_strings_and_comments)
{
    sl_vec s = scan("x = 'with_logical_constraint(x, (\"embed\", \"mlp\"))'\n"
                    "# (\"embed\", \"mlp\")\n"
                    "y = f\"{('embed', 'mlp')}\"\n"
                    "z = f\"{d[\"k\"]} ('embed', 'mlp')\"\n"
                    "def f():\n"
                    "  \"\"\"Docs: (\"embed\", \"mlp\")\n  more\"\"\"\n"
                    "  return b\"('embed', 'mlp')\"\n");
    cr_expect_eq(s.n, 0);
}

Test(scan_py, nested_fstring_quotes_do_not_end_the_string)
{
    sl_vec s = scan("a = f\"{x[\"k\"]} and (\" \n"
                    "b = ('embed', 'mlp')\n");
    cr_assert_eq(s.n, 1);
    cr_expect_eq(((sl_py_site *)s.items[0])->loc.line, 2);
}

Test(scan_py, tuple_of_unknown_names_is_not_a_site)
{
    sl_vec s = scan("spec = P('data', 'tensor')\nshape = ('float32', None)\n");
    cr_expect_eq(s.n, 0);
}

Test(scan_py, partition_spec_of_logical_names_at_the_call)
{
    sl_vec s = scan("def f():\n  return jax.sharding.PartitionSpec('embed', None)\n");
    cr_assert_eq(s.n, 1);
    cr_expect_str_eq(site_line(s.items[0]), "2:10 f - PartitionSpec - (embed, None)");
}

Test(scan_py, parenthesised_string_is_not_a_tuple_but_a_list_of_one_is)
{
    sl_vec s = scan("a = ('embed')\nb = ['embed']\nc = ('embed',)\n");
    cr_assert_eq(s.n, 2);
    cr_expect_eq(((sl_py_site *)s.items[0])->loc.line, 2);
    cr_expect_eq(((sl_py_site *)s.items[1])->loc.line, 3);
}

Test(scan_py, call_arguments_are_not_a_tuple)
{
    sl_vec s = scan("print('embed', 'mlp')\nx = d['embed']\n");
    cr_expect_eq(s.n, 0);
}

Test(scan_py, backslash_continuation_and_implicit_concatenation)
{
    sl_vec s = scan("def g():\n  axes = \\\n    ('activation_' 'embed', None)\n  return axes\n");
    cr_assert_eq(s.n, 1);
    cr_expect_str_eq(site_line(s.items[0]), "3:5 g axes - - (activation_embed, None)");
}

Test(scan_py, enclosing_def_ends_with_its_indentation)
{
    sl_vec s = scan("class A:\n"
                    "  def inner(self):\n"
                    "    return ('embed', None)\n"
                    "  other = ('mlp', None)\n"
                    "top = ('mlp',)\n");
    cr_assert_eq(s.n, 3);
    cr_expect_str_eq(((sl_py_site *)s.items[0])->function, "inner");
    cr_expect_null(((sl_py_site *)s.items[1])->function);
    cr_expect_str_eq(((sl_py_site *)s.items[1])->variable, "other");
    cr_expect_null(((sl_py_site *)s.items[2])->function);
}

Test(scan_py, variable_use_in_each_branch_and_not_across_defs)
{
    sl_vec s = scan("def f(c):\n"
                    "  if c:\n"
                    "    axis = ('embed', None)\n"
                    "  else:\n"
                    "    axis = ('mlp', None)\n"
                    "  return shard(x, axis)\n"
                    "def g():\n"
                    "  axis = ('embed',)\n"
                    "  return other(axis + 1)\n");
    cr_assert_eq(s.n, 3);
    for (int i = 0; i < 2; i++) {
        sl_py_site *site = s.items[i];
        cr_expect_str_eq(site->carrier, "shard");
        cr_expect_eq(site->use.line, 6);
        cr_expect_eq(site->use.col, 19);
    }
    cr_expect_null(((sl_py_site *)s.items[2])->carrier);
    cr_expect_eq(((sl_py_site *)s.items[2])->use.line, 0);
}

Test(scan_py, null_known_counts_every_string)
{
    sl_vec sites = {0};
    sl_err err;
    const char *src = "x = ('float32', None)\n";
    cr_assert_eq(sl_scan_py_buf(arena, src, strlen(src), "t.py", NULL, 0, &sites, NULL, &err), 0);
    cr_expect_eq(sites.n, 1);
}

Test(scan_py, broken_input_does_not_crash)
{
    const char *srcs[] = {"x = ('embed', ", "'''unterminated", "f\"{", ")))]]]", "x = (\\",
                          "def", "\xEF\xBB\xBF" "a = ('embed',)"};
    for (size_t i = 0; i < sizeof srcs / sizeof *srcs; i++)
        scan(srcs[i]);
    cr_expect_eq(scan(srcs[6]).n, 1);
}

/* Conditions that loop back on themselves, chains longer than the walk
 * keeps, and conditions cut off by the end of the file stay guards of what
 * they can read, and nothing more. */
Test(scan_py, hostile_conditions)
{
    const char *loops = "class A:\n"
                        "  def __init__(self):\n"
                        "    self.a = self.b\n"
                        "    self.b = self.a\n"
                        "  def f(self, x):\n"
                        "    cp = cp\n"
                        "    y = self.f(x)\n"
                        "    if self.a and cp > 1 and self.f(x) > 2 and y:\n"
                        "      s = g(x, ('embed', 'mlp'))\n";
    sl_vec s = scan(loops);
    cr_assert_eq(s.n, 1);
    cr_expect_eq(((sl_py_site *)s.items[0])->nguards, 0);
    char *chain = sl_strdup(arena, "def f(config):\n  if config.k == 0:\n    pass\n");
    for (int i = 1; i < 40; i++)
        chain = sl_sprintf(arena, "%s  elif config.k == %d:\n    pass\n", chain, i);
    chain = sl_sprintf(arena, "%s  else:\n    x = g(y, ('embed', 'mlp'))\n", chain);
    s = scan(chain);
    cr_assert_eq(s.n, 1);
    /* The else of a long chain keeps the negations the walk could keep. */
    cr_expect_eq(((sl_py_site *)s.items[0])->nguards, SL_SCAN_MAX_BRANCHES);
    char *deep = sl_strdup(arena, "def f(config):\n");
    for (int i = 0; i < 200; i++)
        deep = sl_sprintf(arena, "%s%*sif config.k%d:\n", deep, 2 + 2 * i, "", i);
    deep = sl_sprintf(arena, "%s%*sx = g(y, ('embed', 'mlp'))\n", deep, 402, "");
    s = scan(deep);
    cr_assert_eq(s.n, 1);
    /* Blocks deeper than the walk keeps guard with what it kept. */
    cr_expect_eq(((sl_py_site *)s.items[0])->nguards, SL_SCAN_MAX_SCOPES);
    const char *cut[] = {"def f(c):\n  if c.k > (", "def f(c):\n  x = (g(('embed', 'mlp')) if c.k",
                         "def f(c):\n  x = (g(('embed', 'mlp')) if c.k else", "x = (1 if"};
    for (size_t i = 0; i < sizeof cut / sizeof *cut; i++)
        scan(cut[i]);
}

Test(scan_py, dir_scan_names_files_relative_to_the_dir)
{
    sl_vec sites = {0};
    sl_err err;
    cr_assert_eq(sl_scan_py_dir(arena, fixture("scan"), known, NKNOWN, NULL, &sites, NULL, &err), 0, "%s",
                 err.msg);
    cr_assert_gt(sites.n, 0);
    cr_expect_str_eq(((sl_py_site *)sites.items[0])->loc.file, "carriers.py");
    cr_expect_eq(sl_scan_py_dir(arena, fixture("scan/nope"), known, NKNOWN, NULL, &sites, NULL, &err), -1);
}

Test(scan_py, site_string)
{
    sl_py_site s = {.loc = {.file = "layers/moe.py", .line = 2810, .col = 9},
                    .function = "dense_matmul",
                    .variable = "dispatch_axis",
                    .logical = {"activation_exp", "activation_batch", NULL},
                    .ndims = 3};
    cr_expect_str_eq(sl_py_site_str(arena, &s), "layers/moe.py:2810 dense_matmul: dispatch_axis");
}

/* Every field of a site, for comparing two scans. */
static const char *site_all(const sl_py_site *s)
{
    const char *out = sl_sprintf(arena, "%s:%d:%d %s %s %s %s %s %s use=%d:%d idx=%d [",
                                 s->loc.file, s->loc.line, s->loc.col,
                                 s->function ? s->function : "-", s->klass ? s->klass : "-",
                                 s->variable ? s->variable : "-", s->carrier ? s->carrier : "-",
                                 s->keyword ? s->keyword : "-", s->result ? s->result : "-",
                                 s->use.line, s->use.col, s->index_array);
    for (size_t d = 0; d < s->ndims; d++)
        out = sl_sprintf(arena, "%s%s@%d:%d ", out, s->logical[d] ? s->logical[d] : "None",
                         s->dim_locs[d].line, s->dim_locs[d].col);
    for (size_t g = 0; g < s->nguards; g++) {
        const sl_py_guard *x = &s->guards[g];
        out = sl_sprintf(arena, "%s] if %s(%d) %s %d %s %s %s neg=%d @%d:%d", out,
                         x->name ? x->name : "-", x->mesh, x->alt ? x->alt : "-", x->op,
                         x->value ? x->value : "-", x->value_ref ? x->value_ref : "-",
                         x->text ? x->text : "-", x->negated, x->loc.line, x->loc.col);
    }
    return out;
}

/* A folder's scan, every site and constant on a line of its own. */
static char *scan_all(const char *dir, const char *cache)
{
    sl_vec sites = {0}, consts = {0};
    sl_err err;
    cr_assert_eq(sl_scan_py_dir(arena, dir, NULL, 0, cache, &sites, &consts, &err), 0, "%s",
                 err.msg);
    char *out = "";
    for (size_t i = 0; i < sites.n; i++)
        out = sl_sprintf(arena, "%s%s\n", out, site_all(sites.items[i]));
    for (size_t i = 0; i < consts.n; i++) {
        const sl_py_const *c = consts.items[i];
        out = sl_sprintf(arena, "%sconst %s=%s\n", out, c->name, c->value);
    }
    return out;
}

/* The cache gives what a scan gives, is used only for unchanged files, and
 * a cache that does not parse is ignored. */
Test(scan_py, cache_gives_what_a_scan_gives)
{
    char dir[] = "/tmp/shardlint-cache-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    const char *src = sl_sprintf(arena, "%s/src", dir);
    const char *cache = sl_sprintf(arena, "%s/scan.cache", dir);
    cr_assert_eq(mkdir(src, 0700), 0);
    const char *names[] = {"carriers.py", "guards.py"};
    for (size_t i = 0; i < 2; i++) {
        char *text = slurp(fixture(sl_sprintf(arena, "scan/%s", names[i])));
        cr_assert_not_null(text);
        write_file(sl_sprintf(arena, "%s/%s", src, names[i]), text);
        free(text);
    }
    char *fresh = scan_all(src, NULL);
    cr_assert_gt(strlen(fresh), 0);
    cr_expect_str_eq(scan_all(src, cache), fresh);
    struct stat before, after;
    cr_assert_eq(stat(cache, &before), 0, "no cache written");
    cr_expect_str_eq(scan_all(src, cache), fresh);
    cr_assert_eq(stat(cache, &after), 0);
    cr_expect_eq(before.st_ino, after.st_ino, "a run whose files all hit rewrote the cache");

    FILE *f = fopen(sl_sprintf(arena, "%s/guards.py", src), "a");
    cr_assert_not_null(f);
    fputs("x = ('embed', 'mlp')\n", f);
    fclose(f);
    char *changed = scan_all(src, NULL);
    cr_expect_str_neq(changed, fresh);
    cr_expect_str_eq(scan_all(src, cache), changed);

    cr_assert_eq(truncate(cache, after.st_size / 2), 0);
    cr_expect_str_eq(scan_all(src, cache), changed);
    cr_expect_str_eq(scan_all(src, cache), changed);
    for (size_t i = 0; i < 2; i++)
        unlink(sl_sprintf(arena, "%s/%s", src, names[i]));
    unlink(cache);
    rmdir(src);
    rmdir(dir);
}

/* Python source is UTF-8 without NUL: a literal that is not cannot be a
 * tensor spec, and its bytes must not reach a report. */
Test(scan_py, literals_that_are_not_utf8_are_no_sites)
{
    static const char src[] = "a = (\"activation_batch\", \"emb\xff" "ed\")\n"
                              "b = (\"activation_batch\", \"emb\0ed\")\n"
                              "c = (\"activation_batch\", \"emb\" \"ed\")\n";
    sl_vec sites = {0};
    sl_err err;
    cr_assert_eq(
        sl_scan_py_buf(arena, src, sizeof src - 1, "t.py", known, NKNOWN, &sites, NULL, &err), 0);
    cr_assert_eq(sites.n, 1, "%zu sites", sites.n);
    cr_expect_str_eq(site_line(sites.items[0]), "3:5 - c - - (activation_batch, embed)");
}

/* Implicitly joined strings are copied once each: a long run of them is
 * linear, not quadratic, in its length. */
Test(scan_py, a_long_run_of_joined_strings)
{
    size_t n = 200000;
    char *src = malloc(n * 4 + 64);
    strcpy(src, "x = (\"activation_batch\", ");
    char *p = src + strlen(src);
    for (size_t i = 0; i < n; i++, p += 4)
        memcpy(p, "\"a\" ", 4);
    strcpy(p, ")\n");
    sl_vec sites = scan(src);
    cr_assert_eq(sites.n, 1);
    cr_expect_eq(strlen(((sl_py_site *)sites.items[0])->logical[1]), n);
    free(src);
}
