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
    const sl_spec *specs;            /* the run's own specs (--specs, scanned code), live
                                        or not */
    size_t nspecs;
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
    /* At most one of the two: a rule reads a lint run, or a launch of a
     * script. A rule with neither reports from the engine itself (SL900
     * input errors, SL902 suppressions judged after every target). */
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

/* ---- shared by rules --------------------------------------------------------- */

/* Whether dim d of t lost every axis to a dim whose rules are identical to
 * its own: SL005's finding, which SL001 leaves to it. */
bool sl_identical_dim_rules(const sl_config *c, const sl_resolved *t, size_t d);

/* The one name of names[0..n) closest in spelling to `word` (a few edits
 * away, fewer for short names), NULL when none is or two are equally
 * close (rules/rule_util.c). */
const char *sl_rule_closest(const char *word, const char *const *names, size_t n);

/* Whether the run's tree makes a check: its config code contains
 * `signature` (text of the check). A config outside a checkout, or in one
 * whose config code cannot be read, is assumed to make the checks of
 * MaxText at the commit shardlint follows (SL_MAXTEXT_COMMIT). */
bool sl_rule_tree_checks(const sl_lint_ctx *ctx, const char *signature);
/* Whether the checks are assumed rather than read from the tree. */
bool sl_rule_tree_assumed(const sl_lint_ctx *ctx);
#define SL_MAXTEXT_COMMIT "e591f30cb"

bool sl_rule_is_yaml(const char *path);

/* Whether a logical_axis_rules value as a file writes it (not merged) has an
 * entry for `name`. */
bool sl_rule_list_names(const sl_node *rules, const char *name);

/* A config value as MaxText reads it, or dflt when unset or of another
 * type: a number (ints, floats, bools), a truth value (Python truthiness),
 * a string. */
double sl_rule_num(const sl_config *c, const char *key, double dflt);
bool sl_rule_truthy(const sl_config *c, const char *key);
const char *sl_rule_str(const sl_config *c, const char *key, const char *dflt);
/* Where a key was set, or the fallback when it was not (a default). */
sl_loc sl_rule_key_loc(const sl_config *c, const char *key, sl_loc fallback);

/* "This assumes N devices per slice (why); pass --devices ...": the note of
 * a finding that rests on a device count nothing states. */
const char *sl_rule_assumed_devices(sl_arena *a, const sl_mesh *m);

/* MaxText's model sizes scaled by global_parameter_scale (its
 * get_individual_scales): "emb_dim", "num_query_heads", "num_kv_heads",
 * "mlp_dim", "moe_mlp_dim", "num_decoder_layers"; -1 when the base value is
 * unset or the scale is not a power of two. */
long long sl_rule_scaled(const sl_config *c, const char *name);

/* How many ways the mesh splits dim d of a spec made of these logical
 * names (the product of the sizes of its physical axes), and those axes in
 * words ("'tensor' (4)"); 1 and "" when it is not split. */
long long sl_rule_dim_shards(const sl_lint_ctx *ctx, const char *const *names, size_t n,
                             size_t d, const char **axes);

/* The names of the config's mesh_axes, NULL when it has none that read as
 * a list of names. */
const char **sl_rule_mesh_axes(const sl_lint_ctx *ctx, size_t *n);

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

/* The config keys of MaxText at SL_MAXTEXT_COMMIT (the fields of its
 * configs/types.py), sorted: what a config outside a checkout is checked
 * against (rules/maxtext_keys.c). */
bool sl_maxtext_key_known(const char *key);
const char *const *sl_maxtext_keys(size_t *n);

/* SL002's fixes when moe_dispatch_no_expert_sharding removes `axis` from the
 * dispatch batch dim (whose rule is batch_rule) and no dim takes it: give
 * `taker` (the expert dim's logical name; NULL when unknown) a rule with the
 * axis, or turn the flag off. */
void sl_maxtext_fix_peel_taker(const sl_lint_ctx *ctx, sl_finding *f, const sl_rule *batch_rule,
                               const char *taker, const char *axis);

/* Latent mode's expert-parallel probe: whether a config is MoE without
 * expert parallelism, and the overrides that turn it on (room for
 * 3 + m->naxes). */
extern const char sl_maxtext_probe_name[];
bool sl_maxtext_probe_applies(const sl_config *c, const sl_mesh *m);
size_t sl_maxtext_probe_overrides(const sl_mesh *m, sl_override *ov);

#endif
