/* logical_axis_rules: checking entries and MaxText's merge, which appends
 * newer rules at the END of the list; rule order decides which logical
 * dimension gets a contested mesh axis, so the order is the whole point. */
#include <string.h>

#include "config_internal.h"

bool config_truthy(const sl_node *n)
{
    if (!n)
        return false;
    if (n->kind != SL_NODE_SCALAR)
        return n->n > 0;
    switch (n->type) {
    case SL_SCALAR_NULL:
        return false;
    case SL_SCALAR_BOOL:
        return n->b;
    case SL_SCALAR_INT:
    case SL_SCALAR_FLOAT:
        return n->f != 0;
    default:
        return n->str && *n->str;
    }
}

static bool is_str(const sl_node *n)
{
    return n && n->kind == SL_NODE_SCALAR && n->type == SL_SCALAR_STR;
}

static bool mesh_ok(const sl_node *m)
{
    if (m->kind == SL_NODE_SCALAR)
        return m->type == SL_SCALAR_STR || m->type == SL_SCALAR_NULL;
    if (m->kind != SL_NODE_SEQ)
        return false;
    for (size_t k = 0; k < m->n; k++)
        if (!is_str(m->items[k]))
            return false;
    return true;
}

/* What is wrong with an entry, NULL when nothing is. */
static const char *rule_problem(sl_arena *a, const sl_node *e)
{
    if (e->kind != SL_NODE_SEQ || e->n != 2)
        return sl_sprintf(a, "%s is not a [name, mesh] pair", sl_node_render(a, e));
    if (!is_str(e->items[0]))
        return sl_sprintf(a, "the logical name %s is not a string",
                          sl_node_render(a, e->items[0]));
    if (!mesh_ok(e->items[1]))
        return sl_sprintf(a, "the mesh %s of '%s' is not an axis name, a list of axis names, "
                             "or null",
                          sl_node_render(a, e->items[1]), e->items[0]->str);
    return NULL;
}

int config_rules_collect(sl_arena *a, const sl_node *list, sl_vec *out, sl_vec *bad,
                         sl_err *err)
{
    if (!list || sl_node_is_null(list))
        return 0;
    if (list->kind != SL_NODE_SEQ) {
        sl_err_set(err, list->loc, "logical_axis_rules must be a list of [name, mesh] pairs");
        return -1;
    }
    for (size_t k = 0; k < list->n; k++) {
        const char *why = rule_problem(a, list->items[k]);
        if (!why) {
            sl_vec_push(a, out, list->items[k]);
            continue;
        }
        sl_bad_rule *b = sl_alloc(a, sizeof *b);
        *b = (sl_bad_rule){list->items[k]->loc, why};
        sl_vec_push(a, bad, b);
    }
    return 0;
}

static const char *rule_name(const void *entry)
{
    return ((const sl_node *)entry)->items[0]->str;
}

void config_rules_apply(sl_arena *a, sl_vec *rules, const sl_vec *newer, bool replace)
{
    if (!replace && newer->n == 0)
        return;
    sl_strmap names = {0};
    if (!replace)
        sl_strmap_reserve(a, &names, newer->n);
    for (size_t k = 0; k < newer->n && !replace; k++)
        sl_strmap_put(a, &names, rule_name(newer->items[k]), k);
    sl_vec merged = {0};
    for (size_t k = 0; k < rules->n && !replace; k++) {
        size_t at;
        if (!sl_strmap_get(&names, rule_name(rules->items[k]), &at))
            sl_vec_push(a, &merged, rules->items[k]);
    }
    for (size_t k = 0; k < newer->n; k++)
        sl_vec_push(a, &merged, newer->items[k]);
    *rules = merged;
}

void config_rules_store(sl_arena *a, const sl_vec *rules, const sl_vec *bad, sl_config *out)
{
    sl_bad_rule *b = sl_alloc(a, (bad->n + 1) * sizeof *b);
    for (size_t k = 0; k < bad->n; k++)
        b[k] = *(const sl_bad_rule *)bad->items[k];
    out->bad_rules = b;
    out->nbad_rules = bad->n;
    out->nrules = rules->n;
    out->rules = sl_alloc(a, (rules->n ? rules->n : 1) * sizeof *out->rules);
    for (size_t k = 0; k < rules->n; k++) {
        const sl_node *e = rules->items[k];
        sl_rule *r = &out->rules[k];
        r->name = e->items[0]->str;
        r->mesh = e->items[1];
        r->loc = e->loc;
        r->index = k;
    }
    sl_rule_table_build(a, out->rules, out->nrules, &out->table);
}

/* The axis names of a rule's mesh, as jax's tree_leaves sees them: nested
 * lists flattened, nulls dropped. */
static size_t mesh_leaves(const sl_node *n, const char **out)
{
    if (!n || sl_node_is_null(n))
        return 0;
    if (n->kind == SL_NODE_SCALAR) {
        if (out)
            out[0] = sl_node_text(n);
        return 1;
    }
    size_t k = 0;
    for (size_t i = 0; i < n->n; i++)
        k += mesh_leaves(n->items[i], out ? out + k : NULL);
    return k;
}

void sl_rule_table_build(sl_arena *a, sl_rule *rules, size_t n, sl_rule_table *out)
{
    memset(out, 0, sizeof *out);
    out->rules = rules;
    out->n = n;
    out->next = sl_alloc(a, (n + 1) * sizeof *out->next);
    out->arena = a;
    out->memo = sl_alloc(a, sizeof *out->memo);
    out->physical = sl_alloc(a, sizeof *out->physical);
    out->physical->axes = sl_alloc(a, (n + 1) * sizeof *out->physical->axes);
    out->physical->n = sl_alloc(a, (n + 1) * sizeof *out->physical->n);
    out->physical->done = sl_alloc(a, (n + 1) * sizeof *out->physical->done);
    size_t *last = sl_alloc(a, (n + 1) * sizeof *last);
    sl_strmap_reserve(a, &out->first, n);
    for (size_t k = 0; k < n; k++) {
        sl_rule *r = &rules[k];
        /* Counted first: a table can hold tens of thousands of rules. */
        r->naxes = mesh_leaves(r->mesh, NULL);
        r->axes = sl_alloc(a, (r->naxes + 1) * sizeof *r->axes);
        mesh_leaves(r->mesh, r->axes);
        r->axes_is_list = r->mesh && r->mesh->kind != SL_NODE_SCALAR;
        out->next[k] = n;
        size_t first;
        if (!r->name)
            continue;
        if (sl_strmap_get(&out->first, r->name, &first)) {
            out->next[last[first]] = k;
        } else {
            sl_strmap_put(a, &out->first, r->name, first = k);
            out->names += sl_hash_str(r->name) | 1;
        }
        last[first] = k;
    }
}

/* A copy of a mesh value (a name or nested lists of names) with one axis
 * renamed. */
static sl_node *mesh_renamed(sl_arena *a, const sl_node *n, const sl_rename *r)
{
    if (!n || sl_node_is_null(n))
        return (sl_node *)n;
    if (n->kind == SL_NODE_SCALAR) {
        const char *t = sl_node_text(n);
        return t && strcmp(t, r->from) == 0 ? sl_node_new_scalar(a, r->to, true, n->loc)
                                            : (sl_node *)n;
    }
    sl_node *copy = sl_alloc(a, sizeof *copy);
    *copy = *n;
    copy->items = sl_alloc(a, (n->n + 1) * sizeof *copy->items);
    for (size_t i = 0; i < n->n; i++)
        copy->items[i] = mesh_renamed(a, n->items[i], r);
    return copy;
}

void sl_config_rename_axis(sl_arena *a, sl_config *c, const sl_rename *r)
{
    for (size_t k = 0; k < c->nrules; k++)
        c->rules[k].mesh = mesh_renamed(a, c->rules[k].mesh, r);
    sl_rule_table_build(a, c->rules, c->nrules, &c->table);
    const sl_node *ds = sl_map_get(c->values, "data_sharding");
    if (ds)
        sl_map_set(a, c->values, sl_map_key(c->values, "data_sharding"), mesh_renamed(a, ds, r));
}

const sl_rule *sl_config_rule(const sl_config *c, const char *name)
{
    size_t at;
    return sl_rule_table_first(&c->table, name, &at) ? &c->rules[at] : NULL;
}

bool sl_rule_table_first(const sl_rule_table *t, const char *name, size_t *at)
{
    size_t v;
    if (t->memo && sl_ptrmap_get(t->memo, name, &v)) {
        *at = v - 1;
        return v != 0;
    }
    bool found = sl_strmap_get(&t->first, name, at);
    if (t->memo)
        sl_ptrmap_put(t->arena, t->memo, name, found ? *at + 1 : 0);
    return found;
}
