/* Logical names to mesh axes: flax's _logical_to_mesh_axes (rules in list
 * order, first free rule wins a dim), then MaxText's removal of size-1 axes,
 * remembering every rule that lost an axis to another dim on the way. */
#include "shardlint/model.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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
    d->losses = sl_array_append(a, d->losses, d->nlosses, sizeof *d->losses);
    d->losses[d->nlosses++] = loss;
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
    bool held = false;
    for (size_t i = 0; i < r->naxes; i++) {
        int by = holder(dims, ndims, r->axes[i]);
        if (by < 0)
            continue;
        held = true;
        bool repeated = false;
        for (size_t j = 0; j < i; j++)
            repeated |= strcmp(r->axes[j], r->axes[i]) == 0;
        if (record && !repeated)
            add_loss(a, &dims[pos], (sl_loss){r, r->axes[i], by, dims[by].rule});
    }
    if (held)
        return;
    dims[pos].rule = r;
    dims[pos].axes = r->axes;
    dims[pos].naxes = r->naxes;
    dims[pos].axes_is_list = r->axes_is_list;
}

static int index_cmp(const void *x, const void *y)
{
    size_t a = *(const size_t *)x, b = *(const size_t *)y;
    return (a > b) - (a < b);
}

/* flax walks every rule in list order; a rule whose name is none of the
 * dims' does nothing, so only the rules for the dims' names are visited,
 * still in list order. */
static void assign(sl_arena *a, const sl_rule_table *t, sl_dim *dims, size_t ndims,
                   bool record)
{
    size_t first[SL_MAX_DIMS], n = 0;
    for (size_t d = 0; d < ndims; d++)
        if (!dims[d].logical || !sl_rule_table_first(t, dims[d].logical, &first[d]))
            first[d] = t->n;
    for (size_t d = 0; d < ndims; d++)
        for (size_t k = first[d]; k < t->n; k = t->next[k])
            n++;
    size_t small[64];
    size_t *idx = n <= 64 ? small : sl_alloc(a, n * sizeof *idx);
    n = 0;
    for (size_t d = 0; d < ndims; d++)
        for (size_t k = first[d]; k < t->n; k = t->next[k])
            idx[n++] = k;
    qsort(idx, n, sizeof *idx, index_cmp);
    for (size_t i = 0; i < n; i++)
        if (i == 0 || idx[i] != idx[i - 1])
            apply_rule(a, &t->rules[idx[i]], dims, ndims, record);
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

/* A dim filled by a table rule shares that rule's physical axes, worked out
 * once per mesh. */
static void rule_physical(sl_arena *a, const sl_rule_table *t, sl_dim *d, const sl_mesh *m)
{
    sl_rule_physical *p = t->physical;
    size_t k = (size_t)(d->rule - t->rules);
    if (p->mesh != m) {
        memset(p->done, 0, t->n * sizeof *p->done);
        p->mesh = m;
    }
    if (!p->done[k]) {
        physical(a, d, m, NULL);
        p->axes[k] = d->physical;
        p->n[k] = d->nphysical;
        p->done[k] = true;
    }
    d->physical = p->axes[k];
    d->nphysical = p->n[k];
}

static bool from_table(const sl_rule_table *t, const sl_dim *d)
{
    return t->physical && d->rule && d->rule >= t->rules && d->rule < t->rules + t->n;
}

static int spec_error(const sl_spec *spec, sl_spec_error_kind kind, const char *name,
                      sl_spec_error *serr)
{
    *serr = (sl_spec_error){.kind = kind, .spec = spec, .name = name};
    return -1;
}

static int check_spec(const sl_spec *spec, sl_spec_error *serr)
{
    if (spec->ndims > SL_MAX_DIMS)
        return spec_error(spec, SL_SPEC_TOO_MANY_DIMS, NULL, serr);
    if (spec->peel_dim >= 0 && (size_t)spec->peel_dim >= spec->ndims)
        return spec_error(spec, SL_SPEC_BAD_PEEL, NULL, serr);
    return 0;
}

/* Flax rejects a spec naming one logical axis twice. The peeled path
 * resolves each dim on its own, so there MaxText never sees the repeat. */
static int check_repeats(const sl_spec *spec, sl_spec_error *serr)
{
    for (size_t i = 0; i < spec->ndims; i++) {
        const char *n = spec->logical[i];
        for (size_t j = 0; n && j < i; j++)
            if (spec->logical[j] && strcmp(spec->logical[j], n) == 0)
                return spec_error(spec, SL_SPEC_REPEATED_NAME, n, serr);
    }
    return 0;
}

int sl_resolve(sl_arena *a, const sl_rule_table *rules, const sl_mesh *mesh,
               const sl_spec *spec, sl_resolved *out, sl_spec_error *serr)
{
    memset(out, 0, sizeof *out);
    out->spec = spec;
    if (check_spec(spec, serr) != 0)
        return -1;
    bool peel = spec->peel_dim >= 0;
    if (!peel && check_repeats(spec, serr) != 0)
        return -1;
    out->ndims = spec->ndims;
    out->dims = sl_alloc(a, (out->ndims + 1) * sizeof *out->dims);
    for (size_t i = 0; i < out->ndims; i++)
        out->dims[i].logical = spec->logical[i];
    if (peel) {
        /* Each dim alone: no contention between dims, hence no losses. */
        for (size_t i = 0; i < out->ndims; i++)
            assign(a, rules, &out->dims[i], 1, false);
    } else {
        assign(a, rules, out->dims, out->ndims, true);
    }
    for (size_t i = 0; i < out->ndims; i++) {
        bool peeled = peel && (int)i == spec->peel_dim;
        if (!peeled && from_table(rules, &out->dims[i]))
            rule_physical(a, rules, &out->dims[i], mesh);
        else
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
