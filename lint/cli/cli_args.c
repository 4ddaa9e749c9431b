/* The words after the command, read with getopt_long: options before or
 * after paths, `--` ends the options, `-` is standard input, and a
 * `key=value` word is a MaxText override unless it names an existing file. */
#include <errno.h>
#include <getopt.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli_opts.h"

/* getopt_long's value for option i of the table; short options keep their
 * letter. */
#define LONG_ONLY_BASE 256

static int option_val(size_t i)
{
    return cli_options[i].short_name ? cli_options[i].short_name : LONG_ONLY_BASE + (int)i;
}

static const cli_option *option_of(const cli_command *c, int val)
{
    for (size_t i = 0; i < cli_noptions; i++)
        if ((cli_options[i].commands & c->bit) && option_val(i) == val)
            return &cli_options[i];
    return NULL;
}

/* The long options and the short-option string of one command. "-" first:
 * non-options come back in order, as the argument of code 1; ":" next:
 * a missing value is reported as ':' rather than printed by getopt. */
static struct option *long_options(sl_arena *a, const cli_command *c, char **shorts)
{
    struct option *lo = sl_alloc(a, (cli_noptions + 1) * sizeof *lo);
    char *s = sl_alloc(a, 2 * cli_noptions + 3);
    size_t n = 0, k = 0;
    s[k++] = '-';
    s[k++] = ':';
    for (size_t i = 0; i < cli_noptions; i++) {
        const cli_option *opt = &cli_options[i];
        if (!(opt->commands & c->bit))
            continue;
        lo[n++] = (struct option){opt->name, opt->arg ? required_argument : no_argument, NULL,
                                  option_val(i)};
        if (opt->short_name) {
            s[k++] = opt->short_name;
            if (opt->arg)
                s[k++] = ':';
        }
    }
    *shorts = s;
    return lo;
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

static int parse_choice(const cli_option *opt, const char *v)
{
    size_t n = strlen(v);
    for (const char *p = opt->choices; *p;) {
        size_t len = strcspn(p, " ");
        if (len == n && strncmp(p, v, n) == 0)
            return 0;
        p += len + (p[len] == ' ');
    }
    return -1;
}

/* Options that take a value; -1 when the value is not one they take. */
static int option_value(sl_arena *a, sl_cli_opts *o, const cli_option *opt, const char *v)
{
    const char *n = opt->name;
    if (opt->choices && parse_choice(opt, v) != 0)
        return -1;
    if (strcmp(n, "devices") == 0)
        return parse_count(v, &o->devices);
    if (strcmp(n, "slices") == 0)
        return parse_count(v, &o->slices);
    if (strcmp(n, "fail-level") == 0) {
        o->fail_level_given = true;
        return sl_level_parse(v, &o->fail_level);
    }
    if (strcmp(n, "color") == 0) {
        o->color = strcmp(v, "always") == 0 ? 1 : strcmp(v, "never") == 0 ? 0 : -1;
        return 0;
    }
    sl_vec *list = strcmp(n, "source") == 0   ? &o->sources
                   : strcmp(n, "specs") == 0  ? &o->specs_files
                   : strcmp(n, "select") == 0 ? &o->select
                   : strcmp(n, "ignore") == 0 ? &o->ignore
                                              : NULL;
    if (list) {
        sl_vec_push(a, list, (void *)v);
        return 0;
    }
    const char **slot = strcmp(n, "format") == 0   ? &o->format
                        : strcmp(n, "output") == 0 ? &o->output
                        : strcmp(n, "root") == 0   ? &o->root
                        : strcmp(n, "config") == 0 ? &o->config_path
                                                   : &o->stdin_name;
    *slot = v;
    return 0;
}

static void option_flag(sl_cli_opts *o, const cli_option *opt)
{
    static const struct {
        const char *name;
        size_t offset;
        bool value;
    } flags[] = {
        {"fix", offsetof(sl_cli_opts, fix), true},
        {"no-latent", offsetof(sl_cli_opts, latent), false},
        {"no-cache", offsetof(sl_cli_opts, cache), false},
        {"isolated", offsetof(sl_cli_opts, isolated), true},
        {"hook", offsetof(sl_cli_opts, hook), true},
        {"quiet", offsetof(sl_cli_opts, quiet), true},
        {"verbose", offsetof(sl_cli_opts, verbose), true},
        {"statistics", offsetof(sl_cli_opts, statistics), true},
        {"exit-zero", offsetof(sl_cli_opts, exit_zero), true},
        {"allow-outside-root", offsetof(sl_cli_opts, allow_outside_root), true},
    };
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++)
        if (strcmp(flags[i].name, opt->name) == 0)
            *(bool *)((char *)o + flags[i].offset) = flags[i].value;
}

/* A `key=value` word is an override unless it names an existing file. */
static bool is_override(const char *w)
{
    struct stat st;
    const char *eq = strchr(w, '=');
    return eq && stat(w, &st) != 0;
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

static int unknown_option(sl_arena *a, const cli_command *c, const char *word, FILE *err)
{
    const char *names[64];
    size_t n = 0;
    for (size_t i = 0; i < cli_noptions && n < 64; i++)
        if (cli_options[i].commands & c->bit)
            names[n++] = sl_sprintf(a, "--%s", cli_options[i].name);
    char *name = sl_strndup(a, word, strcspn(word, "="));
    const char *near = strncmp(name, "--", 2) == 0 ? cli_closest(name, names, n) : NULL;
    return cli_usage_error(err, c,
                           near ? sl_sprintf(a, "unknown option %s (did you mean %s?)", name, near)
                                : sl_sprintf(a, "unknown option %s", name));
}

/* The option getopt just read, as the help names it. */
static const char *option_word(sl_arena *a, const cli_option *opt)
{
    return opt->short_name ? sl_sprintf(a, "-%c/--%s", opt->short_name, opt->name)
                           : sl_sprintf(a, "--%s", opt->name);
}

/* getopt_long's '?': an unknown option, or a value given to a flag. */
static int bad_option(sl_arena *a, const cli_command *c, char **argv, FILE *err)
{
    const cli_option *opt = optopt ? option_of(c, optopt) : NULL;
    if (opt)
        return cli_usage_error(err, c, sl_sprintf(a, "option %s takes no value",
                                                  option_word(a, opt)));
    if (optopt)
        return unknown_option(a, c, sl_sprintf(a, "-%c", optopt), err);
    return unknown_option(a, c, argv[optind - 1], err);
}

/* What an option's value may be, for its usage error. */
static const char *expected(const cli_option *opt)
{
    if (opt->choices)
        return opt->choices;
    return strcmp(opt->arg, "N") == 0 ? "a whole number of at least 1" : "see --help";
}

static int option(sl_arena *a, sl_cli_opts *o, const cli_option *opt, FILE *out, FILE *err)
{
    if (strcmp(opt->name, "help") == 0) {
        cli_help_command(out, o->cmd);
        return -1;
    }
    if (!opt->arg)
        option_flag(o, opt);
    else if (option_value(a, o, opt, optarg) != 0)
        return cli_usage_error(err, o->cmd,
                               sl_sprintf(a, "invalid value '%s' for %s (%s)", optarg,
                                          option_word(a, opt), expected(opt)));
    return 0;
}

int cli_parse(sl_arena *a, sl_cli_opts *o, int argc, char **argv, FILE *out, FILE *err)
{
    char *shorts;
    struct option *lo = long_options(a, o->cmd, &shorts);
    /* getopt sees the command as its argv[0]: its index k is word k + 1. */
    int gargc = argc - 1;
    char **gargv = argv + 1;
    opterr = 0;
    optind = 0;
    for (int c; (c = getopt_long(gargc, gargv, shorts, lo, NULL)) != -1;) {
        int rc;
        if (c == 1)
            rc = parse_word(a, o, optarg, optind, err);
        else if (c == '?')
            rc = bad_option(a, o->cmd, gargv, err);
        else if (c == ':')
            rc = cli_usage_error(err, o->cmd,
                                 sl_sprintf(a, "option %s needs a value",
                                            option_word(a, option_of(o->cmd, optopt))));
        else
            rc = option(a, o, option_of(o->cmd, c), out, err);
        if (rc)
            return rc;
    }
    for (int i = optind; i < gargc; i++) {
        int rc = parse_word(a, o, gargv[i], i + 1, err);
        if (rc)
            return rc;
    }
    return 0;
}
