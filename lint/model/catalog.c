/* Evaluation of catalog sites against a resolved config: which MaxText code
 * paths a config takes, and the spec each live site constrains with. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "shardlint/model.h"

static bool text_number(const char *t, double *out)
{
    char *end;
    if (!t || !*t)
        return false;
    *out = strtod(t, &end);
    return *end == '\0';
}

static bool text_truth(const char *t, bool *out)
{
    if (t && strcasecmp(t, "true") == 0)
        return *out = true, true;
    if (t && strcasecmp(t, "false") == 0)
        return *out = false, true;
    return false;
}

static bool is_quoted(const sl_node *n)
{
    return n && n->kind == SL_NODE_SCALAR && n->type == SL_SCALAR_STR;
}

/* A scalar read as a number. Quoted numbers count too: MaxText's pydantic
 * config coerces "1.25" to a float. */
static bool node_number(const sl_node *n, double *out)
{
    return sl_node_num(n, out) || (is_quoted(n) && text_number(sl_node_text(n), out));
}

/* A scalar read as a bool, as MaxText's `if cfg.flag:` would: a YAML bool,
 * the words pydantic accepts, or null (falsy). */
static bool node_truth(const sl_node *n, bool *out)
{
    if (sl_node_bool(n, out))
        return true;
    if (sl_node_is_null(n))
        return *out = false, true;
    return is_quoted(n) && text_truth(sl_node_text(n), out);
}

/* -2 when the two values cannot be ordered, else -1, 0 or 1. */
static int compare(const sl_node *n, const char *value)
{
    double a, b;
    bool x, y;
    if (node_number(n, &a) && text_number(value, &b))
        return (a > b) - (a < b);
    if (n && n->kind == SL_NODE_SCALAR && n->type == SL_SCALAR_BOOL && text_truth(value, &y)) {
        x = n->b;
        return x == y ? 0 : -2;
    }
    const char *t = sl_node_text(n);
    if (!t || !value)
        return -2;
    int c = strcmp(t, value);
    return (c > 0) - (c < 0);
}

static bool cond_holds(const sl_cond *k, const sl_node *v)
{
    bool b;
    if (!v)
        return k->op == SL_COND_FALSE || k->op == SL_COND_NE;
    switch (k->op) {
    case SL_COND_TRUE:
        return node_truth(v, &b) && b;
    case SL_COND_FALSE:
        return node_truth(v, &b) && !b;
    case SL_COND_EQ:
        return compare(v, k->value) == 0;
    case SL_COND_NE:
        return compare(v, k->value) != 0;
    default:
        break;
    }
    /* Ordering only means something between numbers. */
    double a, c;
    if (!node_number(v, &a) || !text_number(k->value, &c))
        return false;
    switch (k->op) {
    case SL_COND_GT:
        return a > c;
    case SL_COND_LT:
        return a < c;
    case SL_COND_LE:
        return a <= c;
    default:
        return false;
    }
}

bool sl_site_live(const sl_site *s, const sl_config *c, sl_cond_eval *evals)
{
    bool live = true;
    for (size_t i = 0; i < s->nconds; i++) {
        const sl_cond *k = &s->conds[i];
        const sl_node *v = c ? sl_config_get(c, k->key) : NULL;
        bool holds = cond_holds(k, v);
        if (evals)
            evals[i] = (sl_cond_eval){.cond = k, .value = v, .holds = holds};
        live = live && holds;
    }
    return live;
}

static bool flag_on(const sl_config *c, const char *key)
{
    bool b;
    const sl_node *v = c ? sl_config_get(c, key) : NULL;
    return v && node_truth(v, &b) && b;
}

void sl_site_spec(const sl_site *s, const sl_config *c, sl_spec *out)
{
    memset(out, 0, sizeof *out);
    out->name = s->id;
    out->ndims = s->ndims < SL_MAX_DIMS ? s->ndims : SL_MAX_DIMS;
    for (size_t i = 0; i < out->ndims; i++)
        out->logical[i] = s->logical[i];
    out->origin = "catalog";
    out->keep_dim = s->keep_dim;
    out->keep_axis = s->keep_axis;
    out->keep_why = s->keep_why;
    out->peel_dim = -1;
    if (s->peel_flag && flag_on(c, s->peel_flag)) {
        out->peel_dim = s->peel_dim;
        out->peel_axis = s->peel_axis;
    }
    out->site = s;
}

const sl_site *sl_catalog_find(const char *id)
{
    for (size_t i = 0; id && i < sl_catalog_len; i++)
        if (strcmp(sl_catalog[i].id, id) == 0)
            return &sl_catalog[i];
    return NULL;
}

const char *sl_cond_op_str(sl_cond_op op)
{
    switch (op) {
    case SL_COND_EQ: return "==";
    case SL_COND_NE: return "!=";
    case SL_COND_GT: return ">";
    case SL_COND_LT: return "<";
    case SL_COND_LE: return "<=";
    case SL_COND_TRUE: return "is true";
    case SL_COND_FALSE: return "is false";
    }
    return "?";
}
