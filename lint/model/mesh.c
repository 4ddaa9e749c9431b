/* The device mesh as MaxText's create_device_mesh builds it: one ICI and one
 * DCN value per mesh axis, at most one -1 per kind filled in, and the
 * products checked against the devices per slice and the slice count. */
#include "shardlint/model.h"

#include <stdint.h>
#include <string.h>

/* Which parallelism keys an axis reads; key NULL means the axis is always 1
 * (attn_dp axes are sized by vLLM, not by the config). */
static const struct {
    const char *axis;
    const char *key;
} axis_keys[] = {
    {"diloco", "diloco"},
    {"data", "data"},
    {"stage", "pipeline"},
    {"fsdp", "fsdp"},
    {"fsdp_transpose", "fsdp_transpose"},
    {"sequence", "sequence"},
    {"context", "context"},
    {"context_usp_ulysses", "context_usp_ulysses"},
    {"context_autoregressive", "context_autoregressive"},
    {"tensor", "tensor"},
    {"tensor_sequence", "tensor_sequence"},
    {"model", "tensor"},
    {"expert", "expert"},
    {"autoregressive", "autoregressive"},
    {"tensor_transpose", "tensor_transpose"},
    {"attn_dp", NULL},
    {"attn_dp_expert", NULL},
};

/* One kind of parallelism (ICI or DCN) seen through an axis. */
typedef struct {
    long long *val;
    const char *key;
    sl_loc *loc;
    bool *filled;
} mesh_slot;

typedef struct {
    bool dcn;
    long long target;    /* what the product must equal */
} mesh_kind;

static mesh_slot slot_of(sl_axis *ax, bool dcn)
{
    if (dcn)
        return (mesh_slot){&ax->dcn, ax->dcn_key, &ax->dcn_loc, &ax->dcn_filled};
    return (mesh_slot){&ax->ici, ax->ici_key, &ax->ici_loc, &ax->ici_filled};
}

static sl_loc loc_or(sl_loc l, sl_loc fallback)
{
    return sl_loc_is_set(l) ? l : fallback;
}

static int axis_key_of(const char *axis, const char **key)
{
    for (size_t i = 0; i < sizeof axis_keys / sizeof axis_keys[0]; i++) {
        if (strcmp(axis_keys[i].axis, axis) == 0) {
            *key = axis_keys[i].key;
            return 0;
        }
    }
    return -1;
}

static int read_value(sl_arena *a, const sl_config *c, const char *key, long long dflt,
                      long long *val, sl_loc *loc, sl_err *err)
{
    *loc = (sl_loc){0};
    *val = dflt;
    if (!key)
        return 0;
    sl_node *n = sl_config_get(c, key);
    if (!n)
        return 0;
    if (!sl_node_int(n, val)) {
        sl_err_set(err, n->loc, "%s must be an integer, got %s", key, sl_node_render(a, n));
        return -1;
    }
    *loc = n->loc;
    return 0;
}

/* Product of the kind's values, skipping index `skip`; false on overflow. */
static bool kind_product(const sl_mesh *m, bool dcn, size_t skip, long long *out)
{
    long long p = 1;
    for (size_t i = 0; i < m->naxes; i++) {
        if (i == skip)
            continue;
        mesh_slot s = slot_of(&m->axes[i], dcn);
        if (__builtin_mul_overflow(p, *s.val, &p))
            return false;
    }
    *out = p;
    return true;
}

static int fail(sl_mesh *m, const mesh_kind *k, sl_mesh_error_kind kind, size_t at,
                sl_mesh_error *merr)
{
    merr->kind = kind;
    merr->mesh = m;
    merr->dcn = k->dcn;
    merr->target = k->target;
    merr->at = at;
    merr->loc = at == SIZE_MAX ? m->axes_loc : loc_or(*slot_of(&m->axes[at], k->dcn).loc,
                                                      m->axes_loc);
    return 1;
}

/* The axis a product mismatch is reported at: the largest value. */
static size_t largest(const sl_mesh *m, bool dcn)
{
    size_t at = SIZE_MAX;
    for (size_t i = 0; i < m->naxes; i++) {
        long long v = sl_axis_value(&m->axes[i], dcn);
        if (v != 1 && (at == SIZE_MAX || v > sl_axis_value(&m->axes[at], dcn)))
            at = i;
    }
    return at;
}

/* MaxText's fill_unspecified_mesh_axes for one kind. */
static int fill_kind(sl_mesh *m, const mesh_kind *k, sl_mesh_error *merr)
{
    size_t first = SIZE_MAX;
    for (size_t i = 0; i < m->naxes; i++) {
        long long v = *slot_of(&m->axes[i], k->dcn).val;
        if (v < 1 && v != -1)
            return fail(m, k, SL_MESH_BAD_VALUE, i, merr);
        if (v != -1)
            continue;
        if (first != SIZE_MAX) {
            merr->first = first;
            return fail(m, k, SL_MESH_TWO_FILLS, i, merr);
        }
        first = i;
    }
    if (first != SIZE_MAX) {
        long long others = 0;
        bool ok = kind_product(m, k->dcn, first, &others);
        if (!ok || k->target % others != 0) {
            merr->product = others;
            merr->overflow = !ok;
            return fail(m, k, SL_MESH_BAD_FILL, first, merr);
        }
        mesh_slot s = slot_of(&m->axes[first], k->dcn);
        *s.val = k->target / others;
        *s.filled = true;
    }
    long long prod = 0;
    bool ok = kind_product(m, k->dcn, SIZE_MAX, &prod);
    if (!ok || prod != k->target) {
        merr->product = prod;
        merr->overflow = !ok;
        return fail(m, k, SL_MESH_MISMATCH, largest(m, k->dcn), merr);
    }
    return 0;
}

/* 0 with the slice count, 1 when one slice is assumed, -1 on a wrong type. */
static int resolve_slices(const sl_config *c, long long slices, long long *out, sl_err *err)
{
    *out = 1;
    if (slices > 0) {
        *out = slices;
        return 0;
    }
    sl_node *n = sl_config_get(c, "num_slices");
    long long v = 0;
    if (n && !sl_node_int(n, &v)) {
        sl_err_set(err, n->loc, "num_slices must be an integer");
        return -1;
    }
    if (v > 0) {
        *out = v;
        return 0;
    }
    /* MaxText's get_num_slices: without num_slices, an AOT compile's
     * compile_topology_num_slices says how many; else one slice is assumed. */
    n = sl_config_get(c, "compile_topology_num_slices");
    if (n && !sl_node_int(n, &v)) {
        sl_err_set(err, n->loc, "compile_topology_num_slices must be an integer");
        return -1;
    }
    if (n && v > 0) {
        *out = v;
        return 0;
    }
    return 1;
}

static int name_error(sl_mesh *m, const sl_node *item, sl_mesh_error_kind kind,
                      sl_mesh_error *merr)
{
    merr->kind = kind;
    merr->mesh = m;
    merr->loc = item->loc;
    merr->name = sl_node_text(item);
    merr->at = SIZE_MAX;
    return 1;
}

/* Fills one axis from its mesh_axes entry: 1 on a launch error. */
static int read_axis(sl_arena *a, const sl_config *c, sl_mesh *m, const sl_node *item,
                     sl_axis *ax, sl_mesh_error *merr, sl_err *err)
{
    const char *name = item->kind == SL_NODE_SCALAR ? sl_node_text(item) : NULL;
    if (!name || item->type == SL_SCALAR_NULL) {
        sl_err_set(err, item->loc, "mesh_axes entries must be axis names");
        return -1;
    }
    ax->name = name;
    const char *key = NULL;
    if (axis_key_of(name, &key) != 0)
        return name_error(m, item, SL_MESH_UNKNOWN_AXIS, merr);
    for (size_t i = 0; i < m->naxes; i++)
        if (strcmp(m->axes[i].name, name) == 0)
            return name_error(m, item, SL_MESH_REPEATED_AXIS, merr);
    if (key) {
        ax->ici_key = sl_sprintf(a, "ici_%s_parallelism", key);
        ax->dcn_key = sl_sprintf(a, "dcn_%s_parallelism", key);
    }
    long long ici_default = key && strcmp(key, "fsdp") == 0 ? -1 : 1;
    if (read_value(a, c, ax->ici_key, ici_default, &ax->ici, &ax->ici_loc, err) != 0)
        return -1;
    if (m->slices > 1)
        return read_value(a, c, ax->dcn_key, 1, &ax->dcn, &ax->dcn_loc, err);
    ax->dcn = 1;
    return 0;
}

bool sl_devices_known(const sl_devices *d)
{
    return d && d->count > 0 &&
           (d->source == SL_DEVICES_USER || d->source == SL_DEVICES_TOPOLOGY ||
            d->source == SL_DEVICES_CONFIG);
}

const char *sl_devices_source_name(sl_devices_source s)
{
    static const char *const names[] = {"default", "launch", "config", "topology", "user"};
    return names[s];
}

static long long gcd(long long x, long long y)
{
    while (y) {
        long long t = x % y;
        x = y;
        y = t;
    }
    return x;
}

/* The device count the mesh is built on. A known count is held to. Else a
 * config whose ICI values are all given names its own; one that leaves a
 * -1 to fill gets the assumed count, or, when the other values do not
 * divide it, the smallest multiple of it they do divide: an assumption is
 * never the only reason a mesh fails. */
static void choose_devices(sl_mesh *m, const sl_devices *d)
{
    m->devices_from = d ? *d : (sl_devices){0};
    if (sl_devices_known(d)) {
        m->devices = d->count;
        return;
    }
    long long product = 1;
    size_t fills = 0;
    bool countable = true;
    for (size_t i = 0; i < m->naxes; i++) {
        long long v = m->axes[i].ici;
        if (v == -1)
            fills++;
        else if (v < 1 || __builtin_mul_overflow(product, v, &product))
            countable = false;
    }
    if (countable && fills == 0) {
        m->devices = product;
        m->devices_from = (sl_devices){product, SL_DEVICES_CONFIG,
                                       "the product of the ici_*_parallelism values", {0}};
        return;
    }
    long long n = d && d->count > 0 ? d->count : SL_MESH_DEFAULT_DEVICES;
    if (!d || d->count <= 0)
        m->devices_from.count = n;
    long long raised;
    if (countable && fills == 1 && n % product != 0 &&
        !__builtin_mul_overflow(n / gcd(n, product), product, &raised)) {
        m->unfit = n;
        n = raised;
    }
    m->devices = n;
}

int sl_mesh_build(sl_arena *a, const sl_config *c, const sl_devices *devices, long long slices,
                  sl_mesh *out, sl_mesh_error *merr, sl_err *err)
{
    memset(out, 0, sizeof *out);
    memset(merr, 0, sizeof *merr);
    sl_node *axes = sl_config_get(c, "mesh_axes");
    if (!axes) {
        sl_err_set(err, (sl_loc){.file = c->entry, .line = 1, .col = 1},
                   "mesh_axes is not set: an entry config needs base_config (or to be "
                   "MaxText's base.yml) to get one");
        return -1;
    }
    if (axes->kind != SL_NODE_SEQ) {
        sl_err_set(err, axes->loc, "mesh_axes must be a list of axis names");
        return -1;
    }
    /* No axis would make the mesh hold one device, and every spec resolve
     * to nothing: a config that lints clean and fails at launch. */
    if (axes->n == 0) {
        sl_err_set(err, axes->loc, "mesh_axes is empty: MaxText builds the device mesh from "
                   "these names and cannot place the devices on a mesh without axes");
        return -1;
    }
    if (devices && devices->count < 0) {
        sl_err_set(err, (sl_loc){0}, "the device count per slice must be at least 1");
        return -1;
    }
    out->axes_loc = axes->loc;
    int slices_rc = resolve_slices(c, slices, &out->slices, err);
    if (slices_rc < 0)
        return -1;
    out->slices_assumed = slices_rc == 1;
    out->axes = sl_alloc(a, (axes->n ? axes->n : 1) * sizeof *out->axes);
    for (size_t i = 0; i < axes->n; i++) {
        int rc = read_axis(a, c, out, axes->items[i], &out->axes[i], merr, err);
        if (rc != 0)
            return rc;
        out->naxes++;
    }
    choose_devices(out, devices);
    long long total;
    if (__builtin_mul_overflow(out->devices, out->slices, &total)) {
        sl_err_set(err, (sl_loc){0}, "%lld slices of %lld devices is too many to count",
                   out->slices, out->devices);
        return -1;
    }
    mesh_kind ici = {false, out->devices};
    mesh_kind dcn = {true, out->slices};
    int rc = fill_kind(out, &ici, merr);
    if (rc == 0 && out->slices > 1)
        rc = fill_kind(out, &dcn, merr);
    if (rc != 0)
        return rc;
    out->index = sl_alloc(a, sizeof *out->index);
    for (size_t i = 0; i < out->naxes; i++) {
        out->axes[i].size = out->axes[i].ici * out->axes[i].dcn;
        sl_strmap_put(a, out->index, out->axes[i].name, i);
    }
    return 0;
}

const char *sl_mesh_devices_str(sl_arena *a, const sl_mesh *m)
{
    const sl_devices *d = &m->devices_from;
    const char *why = d->why ? d->why : "nothing says how many";
    if (sl_devices_known(d))
        return sl_sprintf(a, "%lld (%s)", m->devices, why);
    if (m->unfit)
        return sl_sprintf(a, "%lld, assumed: the smallest count the other ici values allow, as "
                             "the %lld first assumed does not fit them (%s)",
                          m->devices, m->unfit, why);
    return sl_sprintf(a, "%lld, assumed (%s)", m->devices, why);
}

const sl_axis *sl_mesh_axis(const sl_mesh *m, const char *name)
{
    size_t at;
    if (!m || !name)
        return NULL;
    if (m->index)
        return sl_strmap_get(m->index, name, &at) ? &m->axes[at] : NULL;
    for (size_t i = 0; i < m->naxes; i++)
        if (strcmp(m->axes[i].name, name) == 0)
            return &m->axes[i];
    return NULL;
}

long long sl_mesh_size(const sl_mesh *m, const char *name)
{
    const sl_axis *ax = sl_mesh_axis(m, name);
    return ax ? ax->size : 1;
}

long long sl_axis_value(const sl_axis *ax, bool dcn)
{
    return dcn ? ax->dcn : ax->ici;
}

const char *sl_axis_key(const sl_axis *ax, bool dcn)
{
    return dcn ? ax->dcn_key : ax->ici_key;
}

sl_loc sl_axis_loc(const sl_axis *ax, bool dcn)
{
    return dcn ? ax->dcn_loc : ax->ici_loc;
}

sl_loc sl_axis_cause(const sl_axis *ax)
{
    if (ax->ici > 1 || ax->dcn <= 1)
        return ax->ici_loc;
    return ax->dcn_loc;
}
