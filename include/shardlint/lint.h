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

typedef struct {
    const char *entry;             /* entry config path */
    const sl_override *ov;
    size_t nov;
    long long devices;             /* per slice */
    long long slices;              /* 0: from num_slices, else 1 */
    const sl_spec *specs;          /* user and scanned specs */
    size_t nspecs;
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
    const sl_mesh *mesh;
    const sl_resolved *tensors;
    size_t ntensors;
} sl_lint_ctx;

typedef struct {
    sl_config config;
    sl_mesh mesh;
    bool mesh_ok;
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

#endif
