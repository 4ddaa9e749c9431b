/* The parsed command line, shared by the CLI's files. */
#ifndef SHARDLINT_CLI_OPTS_H
#define SHARDLINT_CLI_OPTS_H

#include <stdbool.h>
#include <stdio.h>

#include "shardlint/engine.h"

typedef struct {
    const char *command;
    sl_vec paths;             /* const char * */
    sl_vec overrides;         /* sl_override * */
    sl_vec sources;           /* const char *, --source */
    long long devices;        /* 0: not given */
    long long slices;         /* 0: not given */
    const char *specs_file;
    const char *format;
    const char *output;
    const char *root;         /* --root: the repository root for SARIF and GitHub */
    const char *select;       /* comma-separated ids or names */
    const char *ignore;
    sl_level fail_level;
    bool fix;
    bool latent;
    int color;                /* -1 auto, 0 never, 1 always */
    sl_spec *specs;           /* loaded --specs */
    size_t nspecs;
} sl_cli_opts;

/* `shardlint check`: lints every target; returns the exit status. */
int sl_cli_check(sl_arena *a, sl_cli_opts *o, FILE *out, FILE *err);
/* `shardlint resolve`. */
int sl_cli_resolve(sl_arena *a, sl_cli_opts *o, FILE *out, FILE *err);

/* Reports a usage error (fmt has one %s for arg) and returns 2. */
int sl_cli_usage_error(FILE *err, const char *fmt, const char *arg);

/* Reports that standard output could not be written (a full disk, a closed
 * pipe) and returns 2. */
int sl_cli_stdout_error(FILE *err);

/* Reports an input error as `file:line:col: error: msg` and returns 2. */
int sl_cli_input_error(FILE *err, const sl_err *e);

/* Prints a check's problems, in the order met, as `file:line:col: LEVEL:
 * msg`. */
void sl_cli_problems(FILE *err, const sl_report *r);

/* The engine's options for this command line. */
sl_check_opts sl_cli_check_opts(sl_arena *a, sl_cli_opts *o);

#endif
