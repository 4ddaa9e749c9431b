/* The command line: parsing, dispatch, and the small commands. */
#include "shardlint/cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli_opts.h"
#include "shardlint/lsp.h"
#include "shardlint/rule.h"

static const char usage[] =
    "usage: shardlint resolve CONFIG.yml [key=value ...] [--devices N] [--slices N]\n"
    "                         [--specs FILE.yml] [--format text|json]\n"
    "       shardlint check PATH... [key=value ...] [--devices N] [--slices N]\n"
    "                       [--specs FILE.yml] [--source DIR] [--format text|json|sarif|github]\n"
    "                       [--output FILE] [--fail-level note|warning|error]\n"
    "                       [--select IDS] [--ignore IDS] [--fix] [--no-latent]\n"
    "                       [--color auto|always|never] [--root DIR]\n"
    "       shardlint rules [--format text|json]\n"
    "       shardlint explain RULE\n"
    "       shardlint lsp [--stdio]\n"
    "       shardlint --version\n";

int sl_cli_stdout_error(FILE *err)
{
    fputs("shardlint: error: cannot write the report to standard output\n", err);
    return 2;
}

int sl_cli_input_error(FILE *err, const sl_err *e)
{
    char where[1024];
    fprintf(err, "%s: error: %s\n", sl_loc_str(e->loc, where, sizeof where), e->msg);
    return 2;
}

int sl_cli_usage_error(FILE *err, const char *fmt, const char *arg)
{
    fputs("shardlint: error: ", err);
    fprintf(err, fmt, arg);
    fprintf(err, "\n%s", usage);
    return 2;
}

static int parse_count(const char *s, long long *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || *end || end == s || v < 1 || v > (1LL << 40))
        return -1;
    *out = v;
    return 0;
}

static int parse_color(const char *s, int *out)
{
    static const char *const names[] = {"never", "always", "auto"};
    for (int i = 0; i < 3; i++)
        if (strcmp(s, names[i]) == 0) {
            *out = i == 2 ? -1 : i;
            return 0;
        }
    return -1;
}

/* Options that take a value: the value is the next word or follows '='. */
static const char *const value_options[] = {"--devices", "--slices", "--fail-level", "--color",
                                            "--specs",   "--format", "--output",     "--select",
                                            "--ignore",  "--source", "--root",       NULL};

static bool takes_value(const char *name)
{
    for (const char *const *v = value_options; *v; v++)
        if (strcmp(*v, name) == 0)
            return true;
    return false;
}

static int option_value(sl_arena *a, sl_cli_opts *o, const char *name, const char *v)
{
    if (strcmp(name, "--devices") == 0)
        return parse_count(v, &o->devices);
    if (strcmp(name, "--slices") == 0)
        return parse_count(v, &o->slices);
    if (strcmp(name, "--fail-level") == 0)
        return sl_level_parse(v, &o->fail_level);
    if (strcmp(name, "--color") == 0)
        return parse_color(v, &o->color);
    if (strcmp(name, "--source") == 0) {
        sl_vec_push(a, &o->sources, (void *)v);
        return 0;
    }
    const char **slot = strcmp(name, "--specs") == 0    ? &o->specs_file
                        : strcmp(name, "--format") == 0 ? &o->format
                        : strcmp(name, "--output") == 0 ? &o->output
                        : strcmp(name, "--select") == 0 ? &o->select
                        : strcmp(name, "--root") == 0   ? &o->root
                                                        : &o->ignore;
    *slot = v;
    return 0;
}

static int option_flag(sl_cli_opts *o, const char *name)
{
    if (strcmp(name, "--fix") == 0)
        o->fix = true;
    else if (strcmp(name, "--no-latent") == 0)
        o->latent = false;
    else
        return -1;
    return 0;
}

/* A `key=value` word is an override unless it names an existing file. */
static bool is_override(const char *w)
{
    struct stat st;
    const char *eq = strchr(w, '=');
    return eq && stat(w, &st) != 0;
}

static int parse_option(sl_arena *a, sl_cli_opts *o, int argc, char **argv, int *i, FILE *err)
{
    char *name = sl_strdup(a, argv[*i]);
    char *eq = strchr(name, '=');
    const char *value = NULL;
    if (eq) {
        *eq = '\0';
        value = eq + 1;
    }
    if (!value && option_flag(o, name) == 0)
        return 0;
    if (!takes_value(name))
        return sl_cli_usage_error(err, "unknown option %s", name);
    if (!value && *i + 1 >= argc)
        return sl_cli_usage_error(err, "option %s needs a value", name);
    if (!value)
        value = argv[++*i];
    if (option_value(a, o, name, value) != 0)
        return sl_cli_usage_error(err, "invalid value for %s", name);
    return 0;
}

static int parse_word(sl_arena *a, sl_cli_opts *o, char *w, int index, FILE *err)
{
    if (!is_override(w)) {
        sl_vec_push(a, &o->paths, w);
        return 0;
    }
    sl_override *ov = sl_alloc(a, sizeof *ov);
    sl_loc loc = {.word = index};
    sl_err e;
    if (sl_override_parse(a, w, loc, ov, &e) != 0)
        return sl_cli_input_error(err, &e);
    sl_vec_push(a, &o->overrides, ov);
    return 0;
}

static int parse_args(sl_arena *a, sl_cli_opts *o, int argc, char **argv, FILE *err)
{
    for (int i = 2; i < argc; i++) {
        int rc = argv[i][0] == '-' && argv[i][1] == '-' ? parse_option(a, o, argc, argv, &i, err)
                                                        : parse_word(a, o, argv[i], i, err);
        if (rc)
            return rc;
    }
    return 0;
}

static int cmd_rules(sl_cli_opts *o, FILE *out)
{
    bool json = o->format && strcmp(o->format, "json") == 0;
    if (json)
        fputs("[\n", out);
    for (size_t i = 0; i < sl_rule_count; i++) {
        const sl_rule_def *r = sl_rule_registry[i];
        if (json)
            fprintf(out, "  {\"id\": \"%s\", \"name\": \"%s\", \"level\": \"%s\"}%s\n", r->id,
                    r->name, sl_level_name(r->level), i + 1 < sl_rule_count ? "," : "");
        else
            fprintf(out, "%s  %-24s %-8s %s\n", r->id, r->name, sl_level_name(r->level),
                    r->summary);
    }
    if (json)
        fputs("]\n", out);
    return 0;
}

static int cmd_explain(sl_cli_opts *o, FILE *out, FILE *err)
{
    if (o->paths.n != 1)
        return sl_cli_usage_error(err, "%s", "explain takes one rule id or name");
    const sl_rule_def *r = sl_rule_find(o->paths.items[0]);
    if (!r)
        return sl_cli_usage_error(err, "no rule %s (see `shardlint rules`)", o->paths.items[0]);
    fprintf(out, "# %s %s\n\n%s\n\nDefault level: %s.\n\n%s", r->id, r->name, r->summary,
            sl_level_name(r->level), r->doc);
    return 0;
}

static int load_specs(sl_arena *a, sl_cli_opts *o, FILE *err)
{
    if (!o->specs_file)
        return 0;
    sl_err e;
    if (sl_specs_load(a, o->specs_file, &o->specs, &o->nspecs, &e) != 0)
        return sl_cli_input_error(err, &e);
    return 0;
}

static int run_command(sl_arena *a, sl_cli_opts *o, FILE *out, FILE *err)
{
    if (strcmp(o->command, "rules") == 0)
        return cmd_rules(o, out);
    if (strcmp(o->command, "explain") == 0)
        return cmd_explain(o, out, err);
    bool resolve = strcmp(o->command, "resolve") == 0;
    if (!resolve && strcmp(o->command, "check") != 0)
        return sl_cli_usage_error(err, "unknown command %s", o->command);
    int rc = load_specs(a, o, err);
    if (rc)
        return rc;
    return resolve ? sl_cli_resolve(a, o, out, err) : sl_cli_check(a, o, out, err);
}

int sl_cli_main(int argc, char **argv, FILE *out, FILE *err)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(usage, argc < 2 ? err : out);
        return argc < 2 ? 2 : 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        fprintf(out, "shardlint %s\n", SHARDLINT_VERSION);
        return 0;
    }
    /* The language server speaks on standard input and output; --stdio is
     * what some editors pass to every server. */
    if (strcmp(argv[1], "lsp") == 0)
        return argc == 2 || (argc == 3 && strcmp(argv[2], "--stdio") == 0)
                   ? sl_lsp_serve(0, out)
                   : sl_cli_usage_error(err, "%s", "lsp takes no arguments but --stdio");
    sl_arena *a = sl_arena_new();
    sl_cli_opts o = {.command = argv[1], .fail_level = SL_LEVEL_WARNING, .latent = true,
                     .color = -1};
    int rc = parse_args(a, &o, argc, argv, err);
    if (rc == 0)
        rc = run_command(a, &o, out, err);
    sl_arena_free(a);
    return rc;
}
