/* YAML documents as trees that remember where every node was written. */
#ifndef SHARDLINT_YAML_H
#define SHARDLINT_YAML_H

#include <stdbool.h>
#include <stddef.h>

#include "shardlint/util.h"

typedef enum { SL_NODE_SCALAR, SL_NODE_SEQ, SL_NODE_MAP } sl_node_kind;

/* The YAML 1.1 type a plain scalar resolves to (as PyYAML/OmegaConf read it);
 * a quoted scalar is always SL_SCALAR_STR. */
typedef enum {
    SL_SCALAR_NULL,
    SL_SCALAR_BOOL,
    SL_SCALAR_INT,
    SL_SCALAR_FLOAT,
    SL_SCALAR_STR
} sl_scalar_type;

typedef struct sl_node sl_node;
struct sl_node {
    sl_node_kind kind;
    sl_loc loc;           /* where the node starts */
    sl_loc end;           /* where it ends (for edits that replace it) */
    /* SL_NODE_SCALAR */
    const char *str;      /* the scalar text, unquoted */
    sl_scalar_type type;
    bool b;               /* value when type == SL_SCALAR_BOOL */
    long long i;          /* value when type == SL_SCALAR_INT */
    double f;             /* value when type == SL_SCALAR_FLOAT (or INT) */
    /* SL_NODE_SEQ: items[0..n); SL_NODE_MAP: keys[k] -> items[k] */
    size_t n;
    sl_node **items;
    sl_node **keys;
    sl_strmap *index;     /* SL_NODE_MAP with many keys: key -> position */
    bool flow;            /* written in flow style: [a, b] or {a: b} */
    size_t cap;           /* SL_NODE_MAP: room in keys and items (0: exactly n), so
                             that sl_map_set grows a map in amortized steps */
};

/* Maps with at least this many keys get a hash index: base.yml has about a
 * thousand, and every target looks many of them up. */
#define SL_MAP_INDEX_MIN 8

/* Parses a file of one YAML document (a second one is an error, as in
 * MaxText's loader); an empty file gives an empty map. The text must be
 * UTF-8. Limits guard against hostile input (nesting depth, alias
 * expansion, size). */
int sl_yaml_load_file(sl_arena *a, const char *path, sl_node **out, sl_err *err);
/* The same for text in memory (an editor's unsaved buffer, standard input);
 * locations name `file`, which is kept, not copied. */
int sl_yaml_load_text(sl_arena *a, const char *text, size_t len, const char *file,
                      sl_node **out, sl_err *err);

/* Parses text as one YAML value (used for `key=value` overrides); `loc` is
 * given to every node produced. */
int sl_yaml_parse_value(sl_arena *a, const char *text, sl_loc loc, sl_node **out,
                        sl_err *err);

/* Map lookup; NULL when absent or when `map` is not a map. */
sl_node *sl_map_get(const sl_node *map, const char *key);
sl_node *sl_map_key(const sl_node *map, const char *key);

sl_node *sl_node_new_map(sl_arena *a, sl_loc loc);
sl_node *sl_node_new_seq(sl_arena *a, sl_loc loc);
/* A scalar typed as a plain scalar would be (or a string when `quoted`). */
sl_node *sl_node_new_scalar(sl_arena *a, const char *text, bool quoted, sl_loc loc);
/* Sets n->type (and b/i/f) from n->str as a plain YAML 1.1 scalar. False
 * for an integer outside the 64-bit range: PyYAML reads it exactly, this
 * tree cannot, so the loaders refuse it rather than show another number. */
bool sl_scalar_resolve(sl_node *n);
/* Sets or replaces key -> value in a map (keeps the first key's position). */
void sl_map_set(sl_arena *a, sl_node *map, sl_node *key, sl_node *value);
/* A new map with the pairs of `map` whose key `keep` accepts; the values
 * are shared, not copied. */
sl_node *sl_map_filter(sl_arena *a, const sl_node *map, bool (*keep)(const char *key, void *ctx),
                       void *ctx);

/* Typed views of scalars; false when the node is not of that type. */
bool sl_node_int(const sl_node *n, long long *out);
bool sl_node_num(const sl_node *n, double *out);
bool sl_node_bool(const sl_node *n, bool *out);
bool sl_node_is_null(const sl_node *n);
/* A string scalar's text (any scalar type; NULL for seq/map). */
const char *sl_node_text(const sl_node *n);

/* Deep equality of values (types compared as YAML resolves them). */
bool sl_node_equal(const sl_node *a, const sl_node *b);
/* Recursive merge of `over` onto `base` (maps key by key; anything else
 * replaced whole), as OmegaConf.merge does. The inputs are not modified: the
 * result is new maps where the two merge, sharing every other subtree with
 * the inputs. Parsed files are cached and shared by every target of a run,
 * so trees are read-only once built; only a merge's own top-level map may be
 * changed with sl_map_set. */
sl_node *sl_node_merge(sl_arena *a, const sl_node *base, const sl_node *over);

/* Flow-style rendering, as a value would be written back into YAML. */
char *sl_node_render(sl_arena *a, const sl_node *n);

#endif
