/* The parsed command line, shared by the CLI's files. */
#ifndef SHARDLINT_CLI_OPTS_H
#define SHARDLINT_CLI_OPTS_H

#include <stdbool.h>
#include <stdio.h>

#include "shardlint/arena.h"
#include "shardlint/config.h"
#include "shardlint/finding.h"
#include "shardlint/resolve.h"

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

/* Writes to `path` through a temporary file renamed into place, so that a
 * failed run leaves no half-written output. `write` returns 0 on success. */
int sl_output_atomic(const char *path, int (*write)(FILE *, void *), void *ctx, sl_err *err);

/* Drops findings disabled by `# shardlint: disable=ID` on their line or the
 * line above, or `# shardlint: disable-file=ID` anywhere in their file. */
void sl_suppress(sl_arena *a, sl_findings *f);

/* Applies the preferred verified fix of each finding to the files it edits.
 * Returns the number of files written, -1 on error. */
int sl_fix_write(sl_arena *a, const sl_findings *f, FILE *err);

#endif
