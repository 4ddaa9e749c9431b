/* The command line: the command, its options, the small commands, and the
 * one place problems are printed. */
#include "shardlint/cli.h"

#include <string.h>

#include "cli_opts.h"
#include "shardlint/lsp.h"
#include "shardlint/rule.h"

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

int cli_usage_error(FILE *err, const cli_command *c, const char *msg)
{
    fprintf(err, "shardlint: error: %s\n", msg);
    if (c)
        fprintf(err, "usage: shardlint %s [OPTIONS]%s%s\nTry 'shardlint %s --help'.\n", c->name,
                *c->synopsis ? " " : "", c->synopsis, c->name);
    else
        fputs("usage: shardlint COMMAND [OPTIONS] [ARGS...]\nTry 'shardlint --help'.\n", err);
    return 2;
}

void sl_cli_problems(FILE *err, const sl_report *r, bool quiet)
{
    char where[1024];
    for (size_t i = 0; i < r->problems.n; i++) {
        const sl_problem *p = r->problems.items[i];
        if (!quiet || p->level == SL_LEVEL_ERROR)
            fprintf(err, "%s: %s: %s\n", sl_loc_str(p->loc, where, sizeof where),
                    sl_level_name(p->level), p->message);
    }
}

int cli_rules(sl_arena *a, sl_cli_opts *o, FILE *out, FILE *err)
{
    if (o->paths.n || o->overrides.n)
        return cli_usage_error(err, o->cmd, "rules takes no arguments");
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
    return fflush(out) != 0 || ferror(out) ? sl_cli_stdout_error(err) : 0;
}

int cli_explain(sl_arena *a, sl_cli_opts *o, FILE *out, FILE *err)
{
    if (o->paths.n != 1 || o->overrides.n)
        return cli_usage_error(err, o->cmd, "explain takes one rule id or name");
    const char *want = o->paths.items[0];
    const sl_rule_def *r = sl_rule_find(want);
    if (!r)
        return cli_usage_error(err, o->cmd,
                               sl_sprintf(a, "no rule %s (see `shardlint rules`)", want));
    fprintf(out, "# %s %s\n\n%s\n\nDefault level: %s.\n\n%s", r->id, r->name, r->summary,
            sl_level_name(r->level), r->doc);
    return fflush(out) != 0 || ferror(out) ? sl_cli_stdout_error(err) : 0;
}

int cli_lsp(sl_arena *a, sl_cli_opts *o, FILE *out, FILE *err)
{
    if (o->paths.n || o->overrides.n)
        return cli_usage_error(err, o->cmd, "lsp takes no arguments");
    return sl_lsp_serve(0, out);
}

/* What may come before a command: help, the version, and the hidden
 * generators the build runs (the man page, completions). */
static int global_option(int argc, char **argv, FILE *out, FILE *err)
{
    const char *w = argv[1];
    if (strcmp(w, "-h") == 0 || strcmp(w, "--help") == 0) {
        cli_help_main(out);
        return 0;
    }
    if (strcmp(w, "-V") == 0 || strcmp(w, "--version") == 0) {
        cli_version(out);
        return 0;
    }
    if (strcmp(w, "--help-man") == 0) {
        cli_man(out);
        return 0;
    }
    if (strcmp(w, "--help-completion") == 0 && argc == 3)
        return cli_completion(out, argv[2]) == 0
                   ? 0
                   : cli_usage_error(err, NULL, "--help-completion takes bash or zsh");
    char msg[512];
    snprintf(msg, sizeof msg, "unknown option %s (options follow the command)", w);
    return cli_usage_error(err, NULL, msg);
}

static int run(int argc, char **argv, FILE *out, FILE *err)
{
    if (argc < 2)
        return cli_usage_error(err, NULL, "no command");
    if (argv[1][0] == '-')
        return global_option(argc, argv, out, err);
    if (strcmp(argv[1], "help") == 0 && argc <= 3) {
        const cli_command *c = argc == 3 ? cli_command_find(argv[2]) : NULL;
        if (argc == 3 && !c)
            return cli_usage_error(err, NULL, "help takes a command: check, resolve, rules, "
                                              "explain, lsp");
        c ? cli_help_command(out, c) : cli_help_main(out);
        return 0;
    }
    const cli_command *c = cli_command_find(argv[1]);
    if (!c) {
        char msg[512];
        snprintf(msg, sizeof msg, "unknown command %s (check, resolve, rules, explain, lsp)",
                 argv[1]);
        return cli_usage_error(err, NULL, msg);
    }
    sl_arena *a = sl_arena_new();
    sl_cli_opts o = {.cmd = c, .fail_level = SL_LEVEL_WARNING, .latent = true, .color = -1};
    int rc = cli_parse(a, &o, argc, argv, out, err);
    if (rc == 0 && c->bit & (CLI_CHECK | CLI_RESOLVE))
        rc = cli_settle(a, &o, err);
    if (rc == 0)
        rc = c->run(a, &o, out, err);
    sl_arena_free(a);
    return rc < 0 ? 0 : rc;
}

int sl_cli_main(int argc, char **argv, FILE *out, FILE *err)
{
    int rc = run(argc, argv, out, err);
    if (rc == 0 && (fflush(out) != 0 || ferror(out)))
        return sl_cli_stdout_error(err);
    return rc;
}
