/* The command line: the global options, then the command and its options. */
#include "shardlint/cli.h"

#include <string.h>

#include "cli_opts.h"

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
    sl_cli_opts o = {.cmd = c, .fail_level = SL_LEVEL_WARNING, .latent = true, .cache = true,
                     .color = -1};
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
