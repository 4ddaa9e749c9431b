/* One lint run: a scenario (config, overrides, devices, extra specs) goes
 * through config -> mesh -> specs -> resolution -> rules -> findings. */
#ifndef SHARDLINT_LINT_H
#define SHARDLINT_LINT_H

#include <stdbool.h>
#include <stddef.h>

#include "shardlint/catalog.h"
#include "shardlint/config.h"
#include "shardlint/finding.h"
#include "shardlint/mesh.h"
#include "shardlint/resolve.h"

/* Renames the logical name at one dim of one catalog site: the model-code
 * half of a fix, applied to an in-memory copy. */
typedef struct {
    const char *site_id;
    int dim;
    const char *logical;
} sl_spec_patch;

/* Where scanned model code writes a catalog site: it gives the site its
 * exact location (and each dim's, for code edits in fixes). */
typedef struct {
    const sl_site *site;
    sl_loc loc;
    const char *logical[SL_MAX_DIMS];   /* the names as the code has them */
    size_t ndims;
    sl_loc dim_locs[SL_MAX_DIMS];
    const char *function;
    const char *variable;
} sl_site_loc;

typedef struct {
    const char *entry;             /* entry config path */
    const sl_override *ov;
    size_t nov;
    long long devices;             /* per slice */
    long long slices;              /* 0: from num_slices, else 1 */
    const sl_spec *specs;          /* user and scanned specs */
    size_t nspecs;
    const sl_site_loc *site_locs;
    size_t nsite_locs;
    const sl_spec_patch *patches;
    size_t npatches;
    const char *probe;             /* name of a probe scenario, or NULL */
    bool verify_fixes;             /* off inside a fix's own re-lint */
} sl_scenario;

/* Everything a rule reads. */
typedef struct {
    sl_arena *arena;
    const sl_scenario *scenario;
    const sl_config *config;
    const sl_mesh *mesh;           /* NULL when MaxText would fail to build it */
    const sl_mesh_error *mesh_error;
    const sl_resolved *tensors;
    size_t ntensors;
    const sl_err *spec_errors;     /* specs flax would reject */
    size_t nspec_errors;
    sl_vec *fix_requests;          /* fixes to verify once every rule has run */
} sl_lint_ctx;

typedef struct {
    sl_config config;
    sl_mesh mesh;
    bool mesh_ok;
    sl_mesh_error mesh_error;
    sl_resolved *tensors;
    size_t ntensors;
    sl_findings findings;
} sl_lint_result;

/* Loads, resolves and runs every rule. -1 with err on input errors. */
int sl_lint_run(sl_arena *a, const sl_scenario *s, sl_lint_result *out, sl_err *err);

/* The live tensor specs of a config: catalog sites whose conditions hold,
 * then the scenario's own specs. */
size_t sl_lint_specs(sl_arena *a, const sl_scenario *s, const sl_config *c,
                     const sl_spec **out);

/* Latent mode: a MoE config (num_experts > 1) whose expert axis has size 1
 * is linted again under an expert-parallel probe (expert axis = every device
 * of a slice). What only the probe finds is added to `out` at level note,
 * with the probe named. */
void sl_lint_probe_expert(sl_arena *a, const sl_scenario *s, const sl_lint_result *r,
                          sl_findings *out);

#endif
