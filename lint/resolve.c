/* Logical names to mesh axes: flax's _logical_to_mesh_axes (rules in list
 * order, first free rule wins a dim), then MaxText's removal of size-1 axes,
 * remembering every rule that lost an axis to another dim on the way. */
#include "shardlint/resolve.h"

#include <string.h>

/* The axis names of a rule's mesh, as jax's tree_leaves sees them: nested
 * lists flattened, nulls dropped. */
static void mesh_leaves(sl_arena *a, const sl_node *n, sl_vec *out)
{
    if (!n || sl_node_is_null(n))
        return;
    if (n->kind == SL_NODE_SCALAR) {
        sl_vec_push(a, out, (void *)sl_node_text(n));
        return;
    }
    for (size_t i = 0; i < n->n; i++)
        mesh_leaves(a, n->items[i], out);
}

static void rule_axes(sl_arena *a, const sl_rule *r, sl_dim *d)
{
    sl_vec v = {0};
    mesh_leaves(a, r->mesh, &v);
    d->axes = (const char **)v.items;
    d->naxes = v.n;
    d->axes_is_list = r->mesh && r->mesh->kind != SL_NODE_SCALAR;
}

static bool has_axis(const sl_dim *d, const char *axis)
{
    for (size_t i = 0; i < d->naxes; i++)
        if (strcmp(d->axes[i], axis) == 0)
            return true;
    return false;
}

static int holder(const sl_dim *dims, size_t ndims, const char *axis)
{
    for (size_t i = 0; i < ndims; i++)
        if (dims[i].rule && has_axis(&dims[i], axis))
            return (int)i;
    return -1;
}

static void add_loss(sl_arena *a, sl_dim *d, sl_loss loss)
{
    sl_loss *grown = sl_alloc(a, (d->nlosses + 1) * sizeof *grown);
    if (d->nlosses)
        memcpy(grown, d->losses, d->nlosses * sizeof *grown);
    grown[d->nlosses++] = loss;
    d->losses = grown;
}

static int dim_of(const sl_dim *dims, size_t ndims, const char *name)
{
    for (size_t i = 0; i < ndims; i++)
        if (dims[i].logical && strcmp(dims[i].logical, name) == 0)
            return (int)i;
    return -1;
}

/* Applies one rule to its dim when that dim is unassigned and none of the
 * rule's axes is held; otherwise notes each held axis as a loss. */
static void apply_rule(sl_arena *a, const sl_rule *r, sl_dim *dims, size_t ndims,
                       bool record)
{
    int pos = r->name ? dim_of(dims, ndims, r->name) : -1;
    if (pos < 0 || dims[pos].rule)
        return;
    sl_dim want = {0};
    rule_axes(a, r, &want);
    bool held = false;
    for (size_t i = 0; i < want.naxes; i++) {
        int by = holder(dims, ndims, want.axes[i]);
        if (by < 0)
            continue;
        held = true;
        bool repeated = false;
        for (size_t j = 0; j < i; j++)
            repeated |= strcmp(want.axes[j], want.axes[i]) == 0;
        if (record && !repeated)
            add_loss(a, &dims[pos], (sl_loss){r, want.axes[i], by, dims[by].rule});
    }
    if (held)
        return;
    dims[pos].rule = r;
    dims[pos].axes = want.axes;
    dims[pos].naxes = want.naxes;
    dims[pos].axes_is_list = want.axes_is_list;
}

static void assign(sl_arena *a, const sl_rule *rules, size_t nrules, sl_dim *dims,
                   size_t ndims, bool record)
{
    for (size_t i = 0; i < nrules; i++)
        apply_rule(a, &rules[i], dims, ndims, record);
}

/* MaxText's remove_size_one_mesh_axis, then the peel of `drop` if given. */
static void physical(sl_arena *a, sl_dim *d, const sl_mesh *m, const char *drop)
{
    d->physical = sl_alloc(a, (d->naxes ? d->naxes : 1) * sizeof *d->physical);
    d->nphysical = 0;
    for (size_t i = 0; i < d->naxes; i++) {
        if (sl_mesh_size(m, d->axes[i]) == 1)
            continue;
        if (drop && strcmp(d->axes[i], drop) == 0)
            continue;
        d->physical[d->nphysical++] = d->axes[i];
    }
}

static int check_spec(const sl_spec *spec, sl_err *err)
{
    if (spec->ndims > SL_MAX_DIMS) {
        sl_err_set(err, spec->loc, "spec '%s' has %zu dims; at most %d are supported",
                   spec->name ? spec->name : "?", spec->ndims, SL_MAX_DIMS);
        return -1;
    }
    if (spec->peel_dim >= 0 && (size_t)spec->peel_dim >= spec->ndims) {
        sl_err_set(err, spec->loc, "spec '%s' peels dim %d but has %zu dims",
                   spec->name ? spec->name : "?", spec->peel_dim, spec->ndims);
        return -1;
    }
    return 0;
}

/* Flax rejects a spec naming one logical axis twice. The peeled path
 * resolves each dim on its own, so there MaxText never sees the repeat. */
static int check_repeats(const sl_spec *spec, sl_err *err)
{
    for (size_t i = 0; i < spec->ndims; i++) {
        const char *n = spec->logical[i];
        for (size_t j = 0; n && j < i; j++) {
            if (spec->logical[j] && strcmp(spec->logical[j], n) == 0) {
                sl_err_set(err, spec->loc,
                           "logical name '%s' appears twice in spec '%s'; flax rejects this",
                           n, spec->name ? spec->name : "?");
                return -1;
            }
        }
    }
    return 0;
}

int sl_resolve(sl_arena *a, const sl_rule *rules, size_t nrules, const sl_mesh *mesh,
               const sl_spec *spec, sl_resolved *out, sl_err *err)
{
    memset(out, 0, sizeof *out);
    out->spec = spec;
    if (check_spec(spec, err) != 0)
        return -1;
    bool peel = spec->peel_dim >= 0;
    if (!peel && check_repeats(spec, err) != 0)
        return -1;
    out->ndims = spec->ndims;
    for (size_t i = 0; i < out->ndims; i++)
        out->dims[i].logical = spec->logical[i];
    if (peel) {
        /* Each dim alone: no contention between dims, hence no losses. */
        for (size_t i = 0; i < out->ndims; i++)
            assign(a, rules, nrules, &out->dims[i], 1, false);
    } else {
        assign(a, rules, nrules, out->dims, out->ndims, true);
    }
    for (size_t i = 0; i < out->ndims; i++) {
        bool peeled = peel && (int)i == spec->peel_dim;
        physical(a, &out->dims[i], mesh, peeled ? spec->peel_axis : NULL);
    }
    return 0;
}

bool sl_dim_has_active_axis(const sl_dim *d, const sl_mesh *m)
{
    for (size_t i = 0; i < d->nphysical; i++)
        if (sl_mesh_size(m, d->physical[i]) > 1)
            return true;
    return false;
}
