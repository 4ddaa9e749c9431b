/* The device mesh as MaxText's create_device_mesh builds it: one ICI and one
 * DCN value per mesh axis, at most one -1 per kind filled in, and the
 * products checked against the devices per slice and the slice count. */
#include "shardlint/mesh.h"

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
    const char *name;    /* "ici" / "dcn" */
    const char *unit;    /* what the product must equal */
    long long target;
} mesh_kind;

static mesh_slot slot_of(sl_axis *ax, bool dcn)
{
    if (dcn)
        return (mesh_slot){&ax->dcn, ax->dcn_key, &ax->dcn_loc, &ax->dcn_filled};
    return (mesh_slot){&ax->ici, ax->ici_key, &ax->ici_loc, &ax->ici_filled};
}

static bool loc_is_set(sl_loc l)
{
    return l.file || l.word > 0;
}

static sl_loc loc_or(sl_loc l, sl_loc fallback)
{
    return loc_is_set(l) ? l : fallback;
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

static const char *term(sl_arena *a, sl_axis *ax, bool dcn)
{
    mesh_slot s = slot_of(ax, dcn);
    return sl_sprintf(a, "%s=%lld (%s%s)", s.key, *s.val, ax->name,
                      loc_is_set(*s.loc) ? "" : ", default");
}

static void add_related(sl_arena *a, sl_mesh_error *merr, sl_axis *ax, bool dcn)
{
    mesh_slot s = slot_of(ax, dcn);
    if (merr->nrelated >= sizeof merr->related / sizeof merr->related[0] ||
        !loc_is_set(*s.loc))
        return;
    merr->related[merr->nrelated] = *s.loc;
    merr->related_msg[merr->nrelated] = sl_sprintf(a, "%s set here", term(a, ax, dcn));
    merr->nrelated++;
}

/* "k1=v1 (a1) x k2=v2 (a2)" over the values that are not 1, skipping `skip`;
 * related locations for them go into merr unless `at` is that axis. */
static const char *terms(sl_arena *a, sl_mesh *m, bool dcn, size_t skip, size_t at,
                         sl_mesh_error *merr)
{
    const char *out = NULL;
    for (size_t i = 0; i < m->naxes; i++) {
        sl_axis *ax = &m->axes[i];
        if (i == skip || *slot_of(ax, dcn).val == 1)
            continue;
        const char *t = term(a, ax, dcn);
        out = out ? sl_sprintf(a, "%s x %s", out, t) : t;
        if (i != at)
            add_related(a, merr, ax, dcn);
    }
    return out;
}

/* Which of two -1s to suggest giving a number: a defaulted one, else one
 * not typed on the command line (those are what the user asked for now),
 * else the later one. */
static sl_axis *fill_to_drop(sl_axis *f, sl_axis *s, bool dcn)
{
    sl_loc fl = *slot_of(f, dcn).loc, sl = *slot_of(s, dcn).loc;
    if (!loc_is_set(fl) || (sl.word > 0 && fl.word == 0))
        return f;
    return s;
}

static int two_fills(sl_arena *a, sl_mesh *m, const mesh_kind *k, size_t first,
                     size_t second, sl_mesh_error *merr)
{
    sl_axis *f = &m->axes[first], *s = &m->axes[second];
    merr->loc = loc_or(*slot_of(s, k->dcn).loc, m->axes_loc);
    merr->message = sl_sprintf(
        a,
        "%s and %s are both -1: MaxText fills at most one %s value and fails at launch; "
        "give all but one of them a number (e.g. %s=1)",
        term(a, f, k->dcn), term(a, s, k->dcn), k->name,
        slot_of(fill_to_drop(f, s, k->dcn), k->dcn).key);
    add_related(a, merr, f, k->dcn);
    return 1;
}

static int bad_fill(sl_arena *a, sl_mesh *m, const mesh_kind *k, size_t at, long long others,
                    bool overflow, sl_mesh_error *merr)
{
    sl_axis *ax = &m->axes[at];
    const char *rest = terms(a, m, k->dcn, at, at, merr);
    const char *prod = overflow ? "a product too large to count"
                                : sl_sprintf(a, "%lld", others);
    merr->loc = loc_or(*slot_of(ax, k->dcn).loc, m->axes_loc);
    merr->message = sl_sprintf(
        a,
        "%s cannot be filled: the other %s values multiply to %s%s%s%s, and %lld %s / %s "
        "is not a whole number >= 1; MaxText fails at launch. Change the other values so "
        "their product divides %lld",
        term(a, ax, k->dcn), k->name, prod, rest ? " (" : "", rest ? rest : "",
        rest ? ")" : "", k->target, k->unit, prod, k->target);
    return 1;
}

static int mismatch(sl_arena *a, sl_mesh *m, const mesh_kind *k, long long prod,
                    bool overflow, sl_mesh_error *merr)
{
    size_t at = SIZE_MAX;
    for (size_t i = 0; i < m->naxes; i++) {
        long long v = *slot_of(&m->axes[i], k->dcn).val;
        if (v != 1 && (at == SIZE_MAX || v > *slot_of(&m->axes[at], k->dcn).val))
            at = i;
    }
    const char *list = terms(a, m, k->dcn, SIZE_MAX, at, merr);
    const char *p = overflow ? "too large to count" : sl_sprintf(a, "%lld", prod);
    merr->loc = at == SIZE_MAX ? m->axes_loc
                               : loc_or(*slot_of(&m->axes[at], k->dcn).loc, m->axes_loc);
    merr->message = sl_sprintf(
        a,
        "%s parallelism product %s does not match %lld %s: %s; MaxText fails at launch. "
        "Make the product %lld, or set one of the %s_*_parallelism values to -1 so it is "
        "filled in",
        k->name, p, k->target, k->unit,
        list ? list : sl_sprintf(a, "every %s value of mesh_axes is 1", k->name),
        k->target, k->name);
    return 1;
}

/* Zero or a negative other than -1 can never size a mesh axis, even when the
 * product happens to come out right. */
static int bad_value(sl_arena *a, sl_mesh *m, const mesh_kind *k, size_t at,
                     sl_mesh_error *merr)
{
    sl_axis *ax = &m->axes[at];
    merr->loc = loc_or(*slot_of(ax, k->dcn).loc, m->axes_loc);
    merr->message = sl_sprintf(
        a, "%s is not a mesh axis size: MaxText cannot build the mesh. Use a positive "
           "number, or -1 to have it filled in", term(a, ax, k->dcn));
    return 1;
}

/* MaxText's fill_unspecified_mesh_axes for one kind. */
static int fill_kind(sl_arena *a, sl_mesh *m, const mesh_kind *k, sl_mesh_error *merr)
{
    size_t first = SIZE_MAX;
    for (size_t i = 0; i < m->naxes; i++) {
        long long v = *slot_of(&m->axes[i], k->dcn).val;
        if (v < 1 && v != -1)
            return bad_value(a, m, k, i, merr);
        if (v != -1)
            continue;
        if (first != SIZE_MAX)
            return two_fills(a, m, k, first, i, merr);
        first = i;
    }
    if (first != SIZE_MAX) {
        long long others = 0;
        bool ok = kind_product(m, k->dcn, first, &others);
        if (!ok || k->target % others != 0)
            return bad_fill(a, m, k, first, others, !ok, merr);
        mesh_slot s = slot_of(&m->axes[first], k->dcn);
        *s.val = k->target / others;
        *s.filled = true;
    }
    long long prod = 0;
    bool ok = kind_product(m, k->dcn, SIZE_MAX, &prod);
    if (!ok || prod != k->target)
        return mismatch(a, m, k, prod, !ok, merr);
    return 0;
}

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
     * compile_topology_num_slices says how many. */
    n = sl_config_get(c, "compile_topology_num_slices");
    if (n && !sl_node_int(n, &v)) {
        sl_err_set(err, n->loc, "compile_topology_num_slices must be an integer");
        return -1;
    }
    if (n && v > 0)
        *out = v;
    return 0;
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
    if (axis_key_of(name, &key) != 0) {
        merr->loc = item->loc;
        merr->message = sl_sprintf(
            a,
            "mesh axis '%s' has no ici_/dcn_ parallelism key; MaxText fails at launch "
            "looking it up. Use a known axis name (data, stage, fsdp, fsdp_transpose, "
            "sequence, context, tensor, tensor_sequence, expert, autoregressive, ...)",
            name);
        return 1;
    }
    for (size_t i = 0; i < m->naxes; i++) {
        if (strcmp(m->axes[i].name, name) == 0) {
            merr->loc = item->loc;
            merr->message = sl_sprintf(
                a, "mesh axis '%s' appears twice in mesh_axes; a JAX mesh needs distinct "
                   "axis names. Remove one", name);
            return 1;
        }
    }
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

/* A config whose ICI values are all given names its own device count; one
 * that leaves a -1 to fill gets one GPU node's worth. */
static long long implied_devices(const sl_mesh *m)
{
    long long product = 1;
    for (size_t i = 0; i < m->naxes; i++) {
        if (m->axes[i].ici < 1 || __builtin_mul_overflow(product, m->axes[i].ici, &product))
            return SL_MESH_DEFAULT_DEVICES;
    }
    return product;
}

int sl_mesh_build(sl_arena *a, const sl_config *c, long long devices, long long slices,
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
    if (devices < 0) {
        sl_err_set(err, (sl_loc){0}, "the device count per slice must be at least 1");
        return -1;
    }
    out->devices = devices;
    out->axes_loc = axes->loc;
    if (resolve_slices(c, slices, &out->slices, err) != 0)
        return -1;
    long long total;
    if (__builtin_mul_overflow(devices, out->slices, &total)) {
        sl_err_set(err, (sl_loc){0}, "%lld slices of %lld devices is too many to count",
                   out->slices, devices);
        return -1;
    }
    out->axes = sl_alloc(a, (axes->n ? axes->n : 1) * sizeof *out->axes);
    for (size_t i = 0; i < axes->n; i++) {
        int rc = read_axis(a, c, out, axes->items[i], &out->axes[i], merr, err);
        if (rc != 0)
            return rc;
        out->naxes++;
    }
    if (out->devices == 0)
        out->devices = implied_devices(out);
    mesh_kind ici = {false, "ici", "devices per slice", out->devices};
    mesh_kind dcn = {true, "dcn", "slices", out->slices};
    int rc = fill_kind(a, out, &ici, merr);
    if (rc == 0 && out->slices > 1)
        rc = fill_kind(a, out, &dcn, merr);
    if (rc != 0)
        return rc;
    for (size_t i = 0; i < out->naxes; i++)
        out->axes[i].size = out->axes[i].ici * out->axes[i].dcn;
    return 0;
}

const sl_axis *sl_mesh_axis(const sl_mesh *m, const char *name)
{
    if (!m || !name)
        return NULL;
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
