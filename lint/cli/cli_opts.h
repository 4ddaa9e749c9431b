/* The command line's own types, shared by the CLI's files: the commands and
 * their options (one table: parsing, --help, the man page and the shell
 * completions all read it), the parsed command line, and .shardlint.yml. */
#ifndef SHARDLINT_CLI_OPTS_H
#define SHARDLINT_CLI_OPTS_H

#include <stdbool.h>
#include <stdio.h>

#include "shardlint/engine.h"

/* ---- commands and options ------------------------------------------------ */

enum { CLI_CHECK = 1, CLI_RESOLVE = 2, CLI_RULES = 4, CLI_EXPLAIN = 8, CLI_LSP = 16 };

typedef struct {
    const char *name;          /* long name, without the dashes */
    char short_name;           /* 0: none */
    const char *arg;           /* metavar (FILE, DIR, N, ...); NULL: a flag */
    const char *choices;       /* the values it takes, space-separated; NULL: any */
    unsigned commands;         /* CLI_* bits */
    const char *help;          /* one sentence or two, for --help and the man page */
} cli_option;

typedef struct {
    const char *name;
    const char *help;
} cli_argument;

struct sl_cli_opts;

typedef struct {
    const char *name;
    unsigned bit;
    const char *synopsis;      /* what follows "shardlint NAME [OPTIONS]" */
    const char *summary;       /* one line, for the command list */
    const char *description;   /* a paragraph */
    const cli_argument *args;  /* NULL-name terminated */
    int (*run)(sl_arena *a, struct sl_cli_opts *o, FILE *out, FILE *err);
} cli_command;

extern const cli_option cli_options[];
extern const size_t cli_noptions;
extern const cli_command cli_commands[];
extern const size_t cli_ncommands;

/* Text the help and the man page share. */
extern const char cli_about[];
extern const char cli_exit_status[];
extern const char cli_config_help[];
extern const char cli_suppress_help[];

const cli_command *cli_command_find(const char *name);

/* ---- .shardlint.yml ------------------------------------------------------ */

/* A rule set: one flag per rule of the registry, in its order. */
typedef bool *cli_ruleset;

typedef struct {
    sl_vec globs;              /* const char * */
    long long devices, slices; /* 0: not set */
    cli_ruleset select;        /* NULL: not set */
    cli_ruleset ignore;
} cli_per_file;

typedef struct {
    const char *path;
    const char *dir;           /* the folder its paths are relative to */
    cli_ruleset select, ignore; /* NULL: not set */
    long long devices, slices;
    sl_vec exclude;            /* const char *: globs */
    sl_vec specs;              /* const char *: files, joined with dir */
    sl_vec sources;            /* const char *: folders, joined with dir */
    sl_vec per_file;           /* cli_per_file * */
    bool has_fail_level;
    sl_level fail_level;
    bool no_cache;             /* `cache: false` */
} cli_config;

extern const char cli_config_name[];    /* ".shardlint.yml" */

/* Finds .shardlint.yml from the working directory upward; NULL when none.
 * The path is in `a`. */
const char *cli_config_find(sl_arena *a);
/* Loads and checks one. -1 with err (file:line:col) on a bad file. */
int cli_config_load(sl_arena *a, const char *path, cli_config *out, sl_err *err);

/* ---- the parsed command line ----------------------------------------------- */

typedef struct sl_cli_opts {
    const cli_command *cmd;
    sl_vec paths;              /* const char *; "-" is standard input */
    sl_vec overrides;          /* sl_override * */
    sl_vec sources;            /* const char *, --source */
    sl_vec specs_files;        /* const char *, --specs */
    sl_vec select;             /* const char *, --select words as given */
    sl_vec ignore;
    long long devices;         /* 0: not given */
    long long slices;
    const char *format;
    const char *output;
    const char *root;          /* --root: the repository root for SARIF and GitHub */
    const char *config_path;   /* --config */
    const char *stdin_name;    /* --stdin-filename */
    sl_level fail_level;
    bool fail_level_given;
    bool fix, latent, cache, isolated, hook, quiet, verbose, statistics, exit_zero;
    bool allow_outside_root;
    const char *tree;          /* real path: the tree the run reads and --fix writes */
    int color;                 /* -1 auto, 0 never, 1 always */
    /* Filled once the command line is parsed. */
    cli_config *config;        /* .shardlint.yml in use, or NULL */
    cli_ruleset rules;         /* the rules that are on */
    sl_spec *specs;            /* loaded --specs (or the config's) */
    size_t nspecs;
} sl_cli_opts;

/* Parses argv[2..] for o->cmd with getopt_long. Returns 0; -1 after
 * printing the command's help (-h); 2 after printing a usage error. */
int cli_parse(sl_arena *a, sl_cli_opts *o, int argc, char **argv, FILE *out, FILE *err);

/* Reads .shardlint.yml (unless --isolated), merges it under the command
 * line, loads the specs and works out which rules are on. Returns 0, or 2
 * after printing why not. */
int cli_settle(sl_arena *a, sl_cli_opts *o, FILE *err);

/* The language server's part of it: .shardlint.yml found from the working
 * directory (the workspace root), the rules it turns on, its specs and
 * sources. Returns 0; -1 with err (file:line:col), printing nothing. */
int cli_settle_workspace(sl_arena *a, sl_cli_opts *o, sl_err *err);

/* ---- rule selection, globs, and the engine's callbacks -------------------- */

/* Adds the rules a selector list names (ids, names, id prefixes, ALL;
 * comma-separated) to set. Returns NULL, or the first word that names
 * nothing. */
const char *cli_rules_add(sl_arena *a, cli_ruleset set, const char *list);
cli_ruleset cli_ruleset_new(sl_arena *a);
size_t cli_rule_index(const struct sl_rule_def *r);

/* Whether a '/'-separated relative path matches a glob (see cli_glob.c). */
bool cli_glob_match(const char *pattern, const char *path);

/* The closest of `words` to `word` by edit distance, or NULL when none is
 * close enough to be a likely typo. */
const char *cli_closest(const char *word, const char *const *words, size_t n);

/* The engine's options for this command line; the callbacks read o. */
sl_check_opts sl_cli_check_opts(sl_arena *a, sl_cli_opts *o);

/* ---- commands and reporting ------------------------------------------------ */

int sl_cli_check(sl_arena *a, sl_cli_opts *o, FILE *out, FILE *err);
int sl_cli_resolve(sl_arena *a, sl_cli_opts *o, FILE *out, FILE *err);
int cli_rules(sl_arena *a, sl_cli_opts *o, FILE *out, FILE *err);
int cli_explain(sl_arena *a, sl_cli_opts *o, FILE *out, FILE *err);
int cli_lsp(sl_arena *a, sl_cli_opts *o, FILE *out, FILE *err);

/* A session with standard input in place when a path is "-". Returns NULL
 * after printing why not. */
sl_session *cli_session(sl_arena *a, sl_cli_opts *o, FILE *err);

/* Help, version, man page and completions (cli_help.c). */
void cli_help_main(FILE *out);
void cli_help_command(FILE *out, const cli_command *c);
void cli_version(FILE *out);
void cli_man(FILE *out);
int cli_completion(FILE *out, const char *shell);

/* Reports a usage error of a command (NULL: before one is known) and
 * returns 2. */
int cli_usage_error(FILE *err, const cli_command *c, const char *msg);

/* Reports that standard output could not be written (a full disk, a closed
 * pipe) and returns 2. */
int sl_cli_stdout_error(FILE *err);

/* Prints `file:line:col: LEVEL: msg`, the location and message escaped:
 * every problem and input error goes through here. */
void sl_cli_print(FILE *err, sl_loc loc, const char *level, const char *msg);

/* Reports an input error as `file:line:col: error: msg` and returns 2. */
int sl_cli_input_error(FILE *err, const sl_err *e);

/* Prints a check's problems, in the order met, as `file:line:col: LEVEL:
 * msg`; with quiet, errors only. */
void sl_cli_problems(FILE *err, const sl_report *r, bool quiet);

#endif
