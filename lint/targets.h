/* What `shardlint check` lints: each path becomes one or more scenarios. */
#ifndef SHARDLINT_TARGETS_H
#define SHARDLINT_TARGETS_H

#include "cli_opts.h"
#include "shardlint/lint.h"

typedef struct {
    const char *label;        /* how the scenario reads in a finding */
    const char *config_path;  /* the entry config (finds the model code) */
    sl_scenario scenario;
    bool many;                /* one of several targets in this run */
} sl_target;

typedef struct {
    sl_target **items;
    size_t n, cap;
} sl_targets;

/* A path as the user reaches it from the working directory: relative when
 * it is inside it, tidied ("a/./b/../c" -> "a/c"). */
const char *sl_display_path(sl_arena *a, const char *path);

/* An entry config, a model config (base.yml + model_name), a launch script
 * or a directory of them. Returns 0, or the exit status after reporting. */
int sl_targets_collect(sl_arena *a, const sl_cli_opts *o, sl_targets *t, FILE *err);

#endif
