/* What several rules need: spelling suggestions, whether the tree makes a
 * check, the mesh axes a config names. */
#include <string.h>

#include "shardlint/rule.h"

/* Edits allowed for a suggestion: one per four characters, at most three. */
static size_t allowed_edits(const char *word)
{
    size_t n = strlen(word) / 4;
    return n < 1 ? 1 : n > 3 ? 3 : n;
}

const char *sl_rule_closest(const char *word, const char *const *names, size_t n)
{
    size_t max = allowed_edits(word), best = max + 1;
    const char *found = NULL;
    bool tie = false;
    for (size_t i = 0; i < n; i++) {
        if (!names[i] || strcmp(names[i], word) == 0)
            continue;
        size_t d = sl_str_distance(word, names[i], best);
        if (d < best) {
            best = d;
            found = names[i];
            tie = false;
        } else if (d == best && d <= max && strcmp(found, names[i]) != 0) {
            tie = true;
        }
    }
    return tie ? NULL : found;
}

bool sl_rule_tree_assumed(const sl_lint_ctx *ctx)
{
    return !ctx->tree || !ctx->tree->ncode;
}

bool sl_rule_tree_checks(const sl_lint_ctx *ctx, const char *signature)
{
    return sl_rule_tree_assumed(ctx) || sl_tree_code_has(ctx->tree, signature);
}

bool sl_rule_is_yaml(const char *path)
{
    return path && (sl_path_has_suffix(path, ".yml") || sl_path_has_suffix(path, ".yaml"));
}

const char **sl_rule_mesh_axes(const sl_lint_ctx *ctx, size_t *n)
{
    const sl_node *axes = sl_config_get(ctx->config, "mesh_axes");
    *n = 0;
    if (!axes || axes->kind != SL_NODE_SEQ)
        return NULL;
    const char **names = sl_alloc(ctx->arena, (axes->n + 1) * sizeof *names);
    for (size_t i = 0; i < axes->n; i++) {
        const sl_node *x = axes->items[i];
        if (x->kind != SL_NODE_SCALAR || sl_node_is_null(x))
            return NULL;
        names[(*n)++] = sl_node_text(x);
    }
    return names;
}

bool sl_rule_list_names(const sl_node *rules, const char *name)
{
    for (size_t i = 0; rules && rules->kind == SL_NODE_SEQ && i < rules->n; i++) {
        const sl_node *e = rules->items[i];
        const char *n = e->kind == SL_NODE_SEQ && e->n ? sl_node_text(e->items[0]) : NULL;
        if (n && strcmp(n, name) == 0)
            return true;
    }
    return false;
}

double sl_rule_num(const sl_config *c, const char *key, double dflt)
{
    const sl_node *n = sl_config_get(c, key);
    double v;
    bool b;
    if (sl_node_num(n, &v))
        return v;
    return sl_node_bool(n, &b) ? b : dflt;
}

bool sl_rule_truthy(const sl_config *c, const char *key)
{
    const sl_node *n = sl_config_get(c, key);
    if (!n || sl_node_is_null(n))
        return false;
    if (n->kind != SL_NODE_SCALAR)
        return n->n > 0;
    if (n->type == SL_SCALAR_BOOL)
        return n->b;
    if (n->type == SL_SCALAR_INT || n->type == SL_SCALAR_FLOAT)
        return n->f != 0;
    return n->str && *n->str;
}

const char *sl_rule_str(const sl_config *c, const char *key, const char *dflt)
{
    const sl_node *n = sl_config_get(c, key);
    const char *s = n && n->kind == SL_NODE_SCALAR && !sl_node_is_null(n) ? sl_node_text(n) : NULL;
    return s ? s : dflt;
}

const char *sl_rule_assumed_devices(sl_arena *a, const sl_mesh *m)
{
    const char *why = m->devices_from.why;
    return sl_sprintf(a, "This assumes %lld devices per slice%s%s%s; pass --devices for the "
                         "run's count.",
                      m->devices, why ? " (" : "", why ? why : "", why ? ")" : "");
}

sl_loc sl_rule_key_loc(const sl_config *c, const char *key, sl_loc fallback)
{
    const sl_node *n = sl_config_get(c, key);
    return n && sl_loc_is_set(n->loc) ? n->loc : fallback;
}

static const struct {
    const char *name;
    const char *base;
    int which;                /* 0 emb, 1 heads, 2 mlp, 3 layers */
} scaled[] = {
    {"emb_dim", "base_emb_dim", 0},           {"num_query_heads", "base_num_query_heads", 1},
    {"num_kv_heads", "base_num_kv_heads", 1}, {"mlp_dim", "base_mlp_dim", 2},
    {"moe_mlp_dim", "base_moe_mlp_dim", 2},   {"num_decoder_layers", "base_num_decoder_layers", 3},
};

long long sl_rule_scaled(const sl_config *c, const char *name)
{
    double d = sl_rule_num(c, "global_parameter_scale", 1);
    if (!(d >= 1 && d <= 0x1p62)) /* the cast of a larger value (or NaN) is undefined */
        return -1;
    long long scale = (long long)d;
    int log2 = 0;
    if (scale & (scale - 1))
        return -1;
    while ((1LL << log2) < scale)
        log2++;
    int base = log2 / 3, rem = log2 % 3;
    int shifts[4] = {base + (rem > 1), base + (rem > 0), base + (rem > 0), base};
    for (size_t i = 0; i < sizeof scaled / sizeof *scaled; i++) {
        if (strcmp(scaled[i].name, name) != 0)
            continue;
        const sl_node *n = sl_config_get(c, scaled[i].base);
        long long v, out;
        /* A negative or too large base value has no scaled size (a shift
         * of one is undefined). */
        if (!sl_node_int(n, &v) || v < 0 ||
            __builtin_mul_overflow(v, 1LL << shifts[scaled[i].which], &out))
            return -1;
        return out;
    }
    return -1;
}

long long sl_rule_dim_shards(const sl_lint_ctx *ctx, const char *const *names, size_t n,
                             size_t d, const char **axes)
{
    sl_spec spec = {.name = names[d], .ndims = n, .keep_dim = -1, .peel_dim = -1};
    for (size_t i = 0; i < n && i < SL_MAX_DIMS; i++)
        spec.logical[i] = names[i];
    sl_resolved r;
    sl_spec_error err;
    *axes = "";
    if (!ctx->mesh || sl_resolve(ctx->arena, &ctx->config->table, ctx->mesh, &spec, &r, &err))
        return 1;
    long long product = 1;
    for (size_t i = 0; i < r.dims[d].nphysical; i++) {
        long long size = sl_mesh_size(ctx->mesh, r.dims[d].physical[i]);
        if (__builtin_mul_overflow(product, size, &product))
            return 1;
        *axes = sl_sprintf(ctx->arena, "%s%s'%s' (%lld)", *axes, i ? " x " : "",
                           r.dims[d].physical[i], size);
    }
    return product;
}
