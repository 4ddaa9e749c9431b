/* Evaluation of catalog sites against a resolved config: which MaxText code
 * paths a config takes, and the spec each live site constrains with. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "shardlint/model.h"

/* Condition values are compared for every spec of every target: a plain
 * integer ("0", "-1") is read by hand, words that cannot be numbers are
 * turned away before strtod. */
static bool text_number(const char *t, double *out)
{
    if (!t || !*t)
        return false;
    const char *p = t + (*t == '-' || *t == '+');
    long long v = 0;
    size_t digits = 0;
    for (; *p >= '0' && *p <= '9' && digits < 15; p++, digits++)
        v = v * 10 + (*p - '0');
    if (!*p && digits) {
        *out = (double)(*t == '-' ? -v : v);
        return true;
    }
    if (!strchr("0123456789+-.iInN", *t))
        return false;
    char *end;
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

/* Whether one of the '|'-separated values of k compares equal to v. */
static bool in_list(const sl_node *v, const char *list)
{
    char one[256];
    for (const char *p = list; p && *p;) {
        const char *bar = strchr(p, '|');
        size_t n = bar ? (size_t)(bar - p) : strlen(p);
        if (n < sizeof one) {
            memcpy(one, p, n);
            one[n] = '\0';
            if (compare(v, one) == 0)
                return true;
        }
        p = bar ? bar + 1 : NULL;
    }
    return false;
}

static bool order_holds(sl_cond_op op, double a, double c)
{
    switch (op) {
    case SL_COND_EQ: return a == c;
    case SL_COND_NE: return a != c;
    case SL_COND_GT: return a > c;
    case SL_COND_LT: return a < c;
    case SL_COND_LE: return a <= c;
    case SL_COND_GE: return a >= c;
    case SL_COND_TRUE: return a != 0;
    case SL_COND_FALSE: return a == 0;
    default: return false;
    }
}

static bool value_holds(const sl_cond *k, const sl_node *v)
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
    case SL_COND_IN:
        return in_list(v, k->value);
    default:
        break;
    }
    /* Ordering only means something between numbers. */
    double a, c;
    return node_number(v, &a) && text_number(k->value, &c) && order_holds(k->op, a, c);
}

/* A mesh size compared with a number; the code may use `alt` instead. A
 * value that is not a number cannot be compared: the condition may hold. */
static bool size_holds(const sl_cond *k, long long size)
{
    double c = 0, alt;
    if (k->op != SL_COND_TRUE && k->op != SL_COND_FALSE && !text_number(k->value, &c))
        return true;
    return order_holds(k->op, (double)size, c) ||
           (text_number(k->alt, &alt) && order_holds(k->op, alt, c));
}

bool sl_cond_holds(const sl_cond *k, const sl_config *c, const sl_mesh *m, sl_cond_eval *ev)
{
    sl_cond_eval e = {.cond = k};
    if (k->mesh) {
        e.size = m ? sl_mesh_size(m, k->key) : 1;
        e.holds = !m || size_holds(k, e.size);
    } else {
        e.value = c ? sl_config_get(c, k->key) : NULL;
        e.holds = (k->lenient && !e.value) || value_holds(k, e.value);
    }
    if (ev)
        *ev = e;
    return e.holds;
}

bool sl_conds_hold(const sl_cond *conds, size_t n, const sl_config *c, const sl_mesh *m,
                   sl_cond_eval *evals, size_t *failed)
{
    bool all = true;
    for (size_t i = 0; i < n; i++) {
        bool holds = sl_cond_holds(&conds[i], c, m, evals ? &evals[i] : NULL);
        if (!holds && all && failed)
            *failed = i;
        all = all && holds;
    }
    return all;
}

bool sl_site_live(const sl_site *s, const sl_config *c, sl_cond_eval *evals)
{
    return sl_conds_hold(s->conds, s->nconds, c, NULL, evals, NULL);
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
    case SL_COND_GE: return ">=";
    case SL_COND_IN: return "in";
    case SL_COND_TRUE: return "is true";
    case SL_COND_FALSE: return "is false";
    }
    return "?";
}

const char *sl_cond_str(sl_arena *a, const sl_cond *k)
{
    if (k->text)
        return k->negated ? sl_sprintf(a, "not `%s`", k->text) : sl_sprintf(a, "`%s`", k->text);
    if (k->op == SL_COND_TRUE || k->op == SL_COND_FALSE)
        return sl_sprintf(a, "%s %s", k->key, sl_cond_op_str(k->op));
    if (k->op == SL_COND_IN) {
        char *list = sl_strdup(a, k->value ? k->value : "");
        for (char *p = list; (p = strchr(p, '|'));)
            *p = ',';
        return sl_sprintf(a, "%s in [%s]", k->key, list);
    }
    return sl_sprintf(a, "%s %s %s", k->key, sl_cond_op_str(k->op), k->value ? k->value : "?");
}

const char *sl_cond_eval_str(sl_arena *a, const sl_cond_eval *ev)
{
    const sl_cond *k = ev->cond;
    if (k->mesh)
        return sl_sprintf(a, "mesh axis '%s' has size %lld", k->key, ev->size);
    if (!ev->value)
        return sl_sprintf(a, "%s is not set", k->key);
    return sl_sprintf(a, "%s = %s (%s)", k->key, sl_node_render(a, ev->value),
                      sl_describe_loc(a, ev->value->loc));
}

static bool in_scope(const sl_code_file *f, const char *klass, const char *function)
{
    return !f->scope || (klass && strcmp(f->scope, klass) == 0) ||
           (function && strcmp(f->scope, function) == 0);
}

const sl_code_file *sl_code_file_next(const char *path, const char *klass, const char *function,
                                      size_t *at)
{
    const char *base = path ? strrchr(path, '/') : NULL;
    if (!base)
        return NULL;
    /* Only a family's own folder counts: a file of the same name elsewhere
     * (a checkpoint converter, a test) is not its layer. */
    size_t dir = (size_t)(base - path);
    bool in_family_dir = (dir >= 6 && memcmp(base - 6, "layers", 6) == 0) ||
                         (dir >= 6 && memcmp(base - 6, "models", 6) == 0);
    if (!in_family_dir || (dir > 6 && base[-7] != '/'))
        return NULL;
    for (; *at < sl_code_files_len; (*at)++)
        if (strcmp(sl_code_files[*at].file, base + 1) == 0 &&
            in_scope(&sl_code_files[*at], klass, function))
            return &sl_code_files[(*at)++];
    return NULL;
}
