/* Lint rules: one file each under rules/, listed in one registry. A rule
 * reads the model of one lint run and reports findings; it never loads
 * files or lints again (a fix it offers carries the change, and the engine
 * verifies it). A rule id never changes meaning. */
#ifndef SHARDLINT_RULE_H
#define SHARDLINT_RULE_H

#include <stdbool.h>
#include <stddef.h>

#include "shardlint/finding.h"
#include "shardlint/model.h"
#include "shardlint/scan.h"

/* Everything a rule reads. */
typedef struct {
    sl_arena *arena;
    const sl_config *config;
    const sl_mesh *mesh;             /* NULL when MaxText would fail to build it */
    const sl_mesh_error *mesh_error;
    const sl_resolved *tensors;
    size_t ntensors;
    const sl_spec_error *spec_errors; /* specs flax would reject */
    size_t nspec_errors;
    const sl_site_loc *site_locs;    /* where scanned code writes catalog sites */
    size_t nsite_locs;
    const sl_tree *tree;             /* the checkout, or NULL for a config outside one */
    bool offer_fixes;                /* off inside a fix's own re-lint */
} sl_lint_ctx;

/* What a launch rule reads: one MaxText launch of a script, as the scanner
 * found it, whether or not it could be linted. */
typedef struct {
    sl_arena *arena;
    const sl_launch *launch;
} sl_launch_ctx;

typedef struct sl_rule_def {
    const char *id;          /* "SL001" */
    const char *name;        /* "mesh-axis-conflict" */
    const char *summary;     /* one sentence */
    const char *doc;         /* Markdown: what, why, how to fix, example */
    sl_level level;          /* default level */
    const char *tags[4];     /* NULL-terminated */
    /* One of the two: a rule reads a lint run, or a launch of a script. */
    void (*check)(const sl_lint_ctx *ctx, sl_findings *out);
    /* How often a finding of this rule is a real problem, in code scanning's
     * words: "very-high", "high", "medium" or "low"; NULL when unsaid. */
    const char *precision;
    /* Set instead of check by a rule that reads a launch of a script. */
    void (*check_launch)(const sl_launch_ctx *ctx, sl_findings *out);
} sl_rule_def;

extern const sl_rule_def *const sl_rule_registry[];
extern const size_t sl_rule_count;

/* SL900 input-error: the rule machine formats report an input that could
 * not be read or understood under (rules/sl900_input_error.c). */
extern const sl_rule_def sl_rule_sl900;

const sl_rule_def *sl_rule_find(const char *id_or_name);

/* ---- MaxText knowledge the engine asks for (rules/maxtext_*.c) ---------- */

/* Devices per slice named by a TPU topology such as "v5p-256", 0 when the
 * name is not one; *why (may be NULL) gets the reasoning in words. */
long long sl_maxtext_tpu_devices(sl_arena *a, const char *name, const char **why);
/* What a launch says about its devices per slice: a TPU topology it
 * compiles for (a fact), hardware=gpu (an assumed node of 8), else nothing
 * (count 0), with what its script's folder says about the platform
 * (configs/tpu/v6e/: TPU, not how many chips) in the words. */
sl_devices sl_maxtext_launch_devices(sl_arena *a, const char *script, const sl_override *ov,
                                     size_t nov);

/* The module MaxText sees a launch run ("maxtext.trainers.pre_train.train"
 * for -m and for .../maxtext/trainers/pre_train/train.py alike), NULL when
 * the entry point does not say. */
const char *sl_maxtext_launch_module(sl_arena *a, const sl_tree *t, const sl_launch *l);
/* The config file a launch runs with, as the tree's MaxText finds it: its
 * config argument (a relative path that is no file is tried again under
 * src/ by trees whose config code does so), else the default config of its
 * module (trees whose config code maps modules to defaults: pre-training
 * base.yml, post-training their post_train/ files). NULL with *why when the
 * launch does not say which (an unknown part, no default); *missing is set
 * when the file MaxText would open does not exist (*why then says which). */
const char *sl_maxtext_launch_config(sl_arena *a, const sl_tree *t, const sl_launch *l,
                                     const char **why, bool *missing);

/* SL001's fixes for a contention at a MaxText catalog site: added to f when
 * the site has a peel flag and dim d is the one that must keep the axis. */
void sl_maxtext_fix_conflict(const sl_lint_ctx *ctx, sl_finding *f, const sl_resolved *t,
                             size_t d, const sl_loss *l, const sl_axis *ax);

/* Latent mode's expert-parallel probe: whether a config is MoE without
 * expert parallelism, and the overrides that turn it on (room for
 * 3 + m->naxes). */
extern const char sl_maxtext_probe_name[];
bool sl_maxtext_probe_applies(const sl_config *c, const sl_mesh *m);
size_t sl_maxtext_probe_overrides(const sl_mesh *m, sl_override *ov);

#endif
