/* YAML tree operations: typed views, map edits, equality, copy, merge. */
#include "shardlint/yaml.h"

#include <string.h>


sl_node *sl_node_new_map(sl_arena *a, sl_loc loc)
{
    sl_node *n = sl_alloc(a, sizeof *n);
    n->kind = SL_NODE_MAP;
    n->loc = n->end = loc;
    return n;
}

sl_node *sl_node_new_seq(sl_arena *a, sl_loc loc)
{
    sl_node *n = sl_alloc(a, sizeof *n);
    n->kind = SL_NODE_SEQ;
    n->loc = n->end = loc;
    return n;
}

sl_node *sl_node_new_scalar(sl_arena *a, const char *text, bool quoted, sl_loc loc)
{
    sl_node *n = sl_alloc(a, sizeof *n);
    n->kind = SL_NODE_SCALAR;
    n->loc = n->end = loc;
    n->str = sl_strdup(a, text ? text : "");
    if (quoted)
        n->type = SL_SCALAR_STR;
    else
        sl_scalar_resolve(n);
    return n;
}

static void map_index_build(sl_arena *a, sl_node *map)
{
    map->index = sl_alloc(a, sizeof *map->index);
    for (size_t k = 0; k < map->n; k++)
        sl_strmap_put(a, map->index, sl_node_text(map->keys[k]), k);
}

static long map_index(const sl_node *map, const char *key)
{
    if (!map || map->kind != SL_NODE_MAP || !key)
        return -1;
    size_t at;
    if (map->index)
        return sl_strmap_get(map->index, key, &at) ? (long)at : -1;
    for (size_t k = 0; k < map->n; k++) {
        const char *t = sl_node_text(map->keys[k]);
        if (t && strcmp(t, key) == 0)
            return (long)k;
    }
    return -1;
}

sl_node *sl_map_get(const sl_node *map, const char *key)
{
    long k = map_index(map, key);
    return k < 0 ? NULL : map->items[k];
}

sl_node *sl_map_key(const sl_node *map, const char *key)
{
    long k = map_index(map, key);
    return k < 0 ? NULL : map->keys[k];
}

void sl_map_set(sl_arena *a, sl_node *map, sl_node *key, sl_node *value)
{
    long k = map_index(map, sl_node_text(key));
    if (k >= 0) {
        map->items[k] = value;
        return;
    }
    if (map->n >= map->cap) {
        /* Doubling: a map of many overrides is built in linear time. */
        size_t cap = map->n < 4 ? 8 : 2 * map->n;
        sl_node **keys = sl_alloc(a, cap * sizeof *keys);
        sl_node **items = sl_alloc(a, cap * sizeof *items);
        if (map->n) {
            memcpy(keys, map->keys, map->n * sizeof *keys);
            memcpy(items, map->items, map->n * sizeof *items);
        }
        map->keys = keys;
        map->items = items;
        map->cap = cap;
    }
    map->keys[map->n] = key;
    map->items[map->n++] = value;
    if (map->index)
        sl_strmap_put(a, map->index, sl_node_text(key), map->n - 1);
    else if (map->n >= SL_MAP_INDEX_MIN)
        map_index_build(a, map);
}

/* An empty map with room for `cap` pairs. */
static sl_node *map_sized(sl_arena *a, const sl_node *like, size_t cap)
{
    sl_node *m = sl_node_new_map(a, like->loc);
    m->end = like->end;
    m->flow = like->flow;
    m->keys = sl_alloc(a, (cap ? cap : 1) * sizeof *m->keys);
    m->items = sl_alloc(a, (cap ? cap : 1) * sizeof *m->items);
    m->cap = cap ? cap : 1;
    return m;
}

sl_node *sl_map_filter(sl_arena *a, const sl_node *map, bool (*keep)(const char *key, void *ctx),
                       void *ctx)
{
    sl_node *m = map_sized(a, map, map->n);
    for (size_t k = 0; k < map->n; k++) {
        if (!keep(sl_node_text(map->keys[k]), ctx))
            continue;
        m->keys[m->n] = map->keys[k];
        m->items[m->n++] = map->items[k];
    }
    if (m->n >= SL_MAP_INDEX_MIN)
        map_index_build(a, m);
    return m;
}

bool sl_node_int(const sl_node *n, long long *out)
{
    if (!n || n->kind != SL_NODE_SCALAR || n->type != SL_SCALAR_INT)
        return false;
    *out = n->i;
    return true;
}

bool sl_node_num(const sl_node *n, double *out)
{
    if (!n || n->kind != SL_NODE_SCALAR ||
        (n->type != SL_SCALAR_INT && n->type != SL_SCALAR_FLOAT))
        return false;
    *out = n->f;
    return true;
}

bool sl_node_bool(const sl_node *n, bool *out)
{
    if (!n || n->kind != SL_NODE_SCALAR || n->type != SL_SCALAR_BOOL)
        return false;
    *out = n->b;
    return true;
}

bool sl_node_is_null(const sl_node *n)
{
    return n && n->kind == SL_NODE_SCALAR && n->type == SL_SCALAR_NULL;
}

const char *sl_node_text(const sl_node *n)
{
    return n && n->kind == SL_NODE_SCALAR ? n->str : NULL;
}

/* Python compares bools, ints and floats by numeric value (True == 1), and
 * MaxText's double-set check is a Python `!=`, so numbers compare so too. */
static bool scalar_numeric(const sl_node *n, double *v)
{
    if (n->type == SL_SCALAR_BOOL) {
        *v = n->b;
        return true;
    }
    if (n->type == SL_SCALAR_INT || n->type == SL_SCALAR_FLOAT) {
        *v = n->f;
        return true;
    }
    return false;
}

static bool scalar_equal(const sl_node *a, const sl_node *b)
{
    double x, y;
    if (scalar_numeric(a, &x) && scalar_numeric(b, &y)) {
        if (a->type == SL_SCALAR_INT && b->type == SL_SCALAR_INT)
            return a->i == b->i;
        return x == y;
    }
    if (a->type != b->type)
        return false;
    return a->type == SL_SCALAR_NULL || strcmp(a->str, b->str) == 0;
}

static bool map_equal(const sl_node *a, const sl_node *b)
{
    if (a->n != b->n)
        return false;
    for (size_t k = 0; k < a->n; k++) {
        const sl_node *other = sl_map_get(b, sl_node_text(a->keys[k]));
        if (!other || !sl_node_equal(a->items[k], other))
            return false;
    }
    return true;
}

bool sl_node_equal(const sl_node *a, const sl_node *b)
{
    if (!a || !b)
        return a == b;
    if (a->kind != b->kind)
        return false;
    if (a->kind == SL_NODE_SCALAR)
        return scalar_equal(a, b);
    if (a->kind == SL_NODE_MAP)
        return map_equal(a, b);
    if (a->n != b->n)
        return false;
    for (size_t k = 0; k < a->n; k++)
        if (!sl_node_equal(a->items[k], b->items[k]))
            return false;
    return true;
}

/* Maps merge key by key, keeping base's key order and appending new keys;
 * the merged map takes over's location, the last file that wrote it. */
static sl_node *map_merge(sl_arena *a, const sl_node *base, const sl_node *over)
{
    sl_node *m = map_sized(a, over, base->n + over->n);
    if (base->n) { /* an empty map may have no arrays at all */
        memcpy(m->keys, base->keys, base->n * sizeof *m->keys);
        memcpy(m->items, base->items, base->n * sizeof *m->items);
    }
    m->n = base->n;
    /* Positions of base's keys are the same in the merged map, so its index
     * carries over; a big base merged with a few overrides is then a copy,
     * not a rebuild. */
    if (base->index)
        m->index = sl_strmap_copy(a, base->index);
    else
        map_index_build(a, m);
    for (size_t k = 0; k < over->n; k++) {
        size_t at;
        if (!sl_strmap_get(m->index, sl_node_text(over->keys[k]), &at)) {
            m->keys[m->n] = over->keys[k];
            m->items[m->n] = over->items[k];
            sl_strmap_put(a, m->index, sl_node_text(over->keys[k]), m->n++);
            continue;
        }
        m->items[at] = sl_node_merge(a, m->items[at], over->items[k]);
    }
    return m;
}

sl_node *sl_node_merge(sl_arena *a, const sl_node *base, const sl_node *over)
{
    if (base && over && base->kind == SL_NODE_MAP && over->kind == SL_NODE_MAP)
        return map_merge(a, base, over);
    return (sl_node *)(over ? over : base);
}
