/* Tensor specs and their resolution to mesh axes, as flax's
 * logical_to_mesh_axes followed by MaxText's removal of size-1 axes. */
#ifndef SHARDLINT_RESOLVE_H
#define SHARDLINT_RESOLVE_H

#include <stdbool.h>
#include <stddef.h>

#include "shardlint/config.h"
#include "shardlint/mesh.h"

#define SL_MAX_DIMS 16

/* A named tensor spec: one logical name (or NULL for None) per dim. */
typedef struct {
    const char *name;          /* e.g. "moe.dense.dispatch" */
    const char *logical[SL_MAX_DIMS];
    size_t ndims;
    sl_loc loc;                /* where the spec is written */
    const char *origin;        /* "catalog", "specs", "source" */
    /* Intent: the dim that must keep `keep_axis`, or keep_dim < 0. */
    int keep_dim;
    const char *keep_axis;
    sl_loc keep_loc;
    /* Dims resolved on their own, with `peel_axis` removed from peel_dim
     * (MaxText's moe_dispatch_no_expert_sharding); peel_dim < 0 if not. */
    int peel_dim;
    const char *peel_axis;
    const void *site;          /* the catalog site, when from the catalog */
} sl_spec;

/* A rule for this dim that could not apply because another dim already held
 * one of its axes. */
typedef struct {
    const sl_rule *rule;       /* this dim's rule that was skipped */
    const char *axis;          /* the axis it wanted that was taken */
    int by_dim;                /* the dim holding it */
    const sl_rule *by_rule;    /* the rule that gave it to that dim */
} sl_loss;

typedef struct {
    const char *logical;       /* NULL for None */
    const sl_rule *rule;       /* the rule that filled the dim, or NULL */
    const char **axes;         /* axes from the rule (flax's result) */
    size_t naxes;
    bool axes_is_list;         /* rule mesh was a list (vs a single string) */
    const char **physical;     /* after dropping size-1 axes */
    size_t nphysical;
    sl_loss *losses;
    size_t nlosses;
} sl_dim;

typedef struct {
    const sl_spec *spec;
    sl_dim dims[SL_MAX_DIMS];
    size_t ndims;
} sl_resolved;

/* Resolves one spec against the rules and mesh. Fails (-1, err at the spec's
 * location) when a logical name appears twice in the spec, except in peel
 * mode, where MaxText resolves each dim alone and never sees the repeat. */
int sl_resolve(sl_arena *a, const sl_rule *rules, size_t nrules, const sl_mesh *mesh,
               const sl_spec *spec, sl_resolved *out, sl_err *err);

/* Active axes of the dim (physical axes of size > 1). */
bool sl_dim_has_active_axis(const sl_dim *d, const sl_mesh *m);

#endif
