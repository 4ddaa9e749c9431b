/* The catalog of MaxText tensor sites that matter for sharding: each site's
 * logical spec, the config conditions under which MaxText takes that code
 * path, and which dim must keep which axis there. The data lives in
 * rules/catalog_*.c; this is its shape and its evaluation. */
#ifndef SHARDLINT_CATALOG_H
#define SHARDLINT_CATALOG_H

#include <stdbool.h>
#include <stddef.h>

#include "shardlint/config.h"
#include "shardlint/resolve.h"

typedef enum {
    SL_COND_EQ,
    SL_COND_NE,
    SL_COND_GT,
    SL_COND_LT,
    SL_COND_TRUE,   /* key is true (bool) */
    SL_COND_FALSE,  /* key is false, or absent */
    SL_COND_LE      /* for `x <= 0` branches such as capacity_factor */
} sl_cond_op;

/* A condition on a config value. `value` is compared as a number when both
 * sides are numbers, else as text. A key absent from the config makes every
 * condition false except SL_COND_FALSE and SL_COND_NE. */
typedef struct {
    const char *key;
    sl_cond_op op;
    const char *value;
} sl_cond;

#define SL_SITE_MAX_CONDS 8

typedef struct {
    const char *id;          /* stable, e.g. "moe.dense.dispatch" */
    const char *summary;     /* one line, for people */
    const char *file;        /* MaxText source file, e.g. "layers/moe.py" */
    const char *function;    /* enclosing def, e.g. "dense_matmul" */
    const char *variable;    /* variable holding the spec, or NULL */
    const char *logical[SL_MAX_DIMS];
    size_t ndims;
    sl_cond conds[SL_SITE_MAX_CONDS];
    size_t nconds;
    int keep_dim;            /* dim that must keep keep_axis; -1 for none */
    const char *keep_axis;
    const char *keep_why;    /* why that dim must keep it */
    const char *peel_flag;   /* config flag that peels peel_axis off peel_dim */
    int peel_dim;
    const char *peel_axis;
    int batch_dim;           /* batch-like dim for SL002; -1 for none */
} sl_site;

extern const sl_site sl_catalog[];
extern const size_t sl_catalog_len;

/* The outcome of one condition for one config, with the value it read. */
typedef struct {
    const sl_cond *cond;
    const sl_node *value;    /* NULL when the key is absent */
    bool holds;
} sl_cond_eval;

/* Whether a site is live; evals (site->nconds entries) may be NULL. */
bool sl_site_live(const sl_site *s, const sl_config *c, sl_cond_eval *evals);

/* The spec MaxText uses at a site for this config (applies the peel flag). */
void sl_site_spec(const sl_site *s, const sl_config *c, sl_spec *out);

const sl_site *sl_catalog_find(const char *id);

/* The operator as people read it: "==", "!=", ">", "<", "<=", "is true",
 * "is false", for messages such as "capacity_factor > 0". */
const char *sl_cond_op_str(sl_cond_op op);

#endif
