/* The --specs file. */
#include "shardlint/model.h"

#include <string.h>

static int spec_dims(const sl_node *list, const char *name, sl_spec *s, sl_err *err)
{
    if (list->kind != SL_NODE_SEQ) {
        sl_err_set(err, list->loc, "spec '%s' must be a list of logical names", name);
        return -1;
    }
    if (list->n > SL_MAX_DIMS) {
        sl_err_set(err, list->loc, "spec '%s' has %zu dims; at most %d are supported", name,
                   list->n, SL_MAX_DIMS);
        return -1;
    }
    for (size_t d = 0; d < list->n; d++) {
        const sl_node *item = list->items[d];
        if (sl_node_is_null(item))
            continue;
        if (item->kind != SL_NODE_SCALAR || item->type != SL_SCALAR_STR) {
            sl_err_set(err, item->loc, "spec '%s' dim %zu must be a logical name or null", name,
                       d);
            return -1;
        }
        s->logical[d] = item->str;
    }
    s->ndims = list->n;
    return 0;
}

static int spec_keep(const sl_node *keep, sl_spec *s, sl_err *err)
{
    const sl_node *dim = sl_map_get(keep, "dim"), *axis = sl_map_get(keep, "axis");
    long long d;
    if (keep->kind != SL_NODE_MAP || !dim || !axis || !sl_node_int(dim, &d) ||
        axis->kind != SL_NODE_SCALAR) {
        sl_err_set(err, keep->loc, "keep must be a map {dim: N, axis: NAME}");
        return -1;
    }
    if (d < 0 || (size_t)d >= s->ndims) {
        sl_err_set(err, dim->loc, "keep dim %lld is outside the spec's %zu dims", d, s->ndims);
        return -1;
    }
    s->keep_dim = (int)d;
    s->keep_axis = axis->str;
    s->keep_loc = keep->loc;
    return 0;
}

static int spec_entry(const sl_node *key, const sl_node *val, sl_spec *s, sl_err *err)
{
    s->name = key->str;
    s->loc = key->loc;
    s->origin = "specs";
    s->keep_dim = -1;
    s->peel_dim = -1;
    if (val->kind != SL_NODE_MAP)
        return spec_dims(val, s->name, s, err);
    const sl_node *list = sl_map_get(val, "spec"), *keep = sl_map_get(val, "keep");
    if (!list) {
        sl_err_set(err, val->loc, "spec '%s' needs a `spec:` list", s->name);
        return -1;
    }
    if (spec_dims(list, s->name, s, err) != 0)
        return -1;
    return keep ? spec_keep(keep, s, err) : 0;
}

int sl_specs_load(sl_arena *a, const char *path, sl_spec **out, size_t *n, sl_err *err)
{
    sl_node *root;
    if (sl_yaml_load_file(a, path, &root, err) != 0)
        return -1;
    if (root->kind != SL_NODE_MAP) {
        sl_err_set(err, root->loc, "a specs file must be a map of tensor name to spec");
        return -1;
    }
    *out = sl_alloc(a, (root->n + 1) * sizeof **out);
    for (size_t i = 0; i < root->n; i++)
        if (spec_entry(root->keys[i], root->items[i], &(*out)[i], err) != 0)
            return -1;
    *n = root->n;
    return 0;
}
