/* The model of a run that the rules read: the device mesh MaxText builds from
 * mesh_axes and the ici_/dcn_ parallelism keys, tensor specs, and their
 * resolution to mesh axes (flax's logical_to_mesh_axes, then MaxText's
 * removal of size-1 axes), with the catalog of MaxText tensor sites. */
#ifndef SHARDLINT_MODEL_H
#define SHARDLINT_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#include "shardlint/config.h"

/* ---- the mesh ---------------------------------------------------------------- */

typedef struct {
    const char *name;
    long long size;          /* ici * dcn (dcn only with more than one slice) */
    long long ici, dcn;      /* after -1 filling */
    const char *ici_key;     /* e.g. "ici_expert_parallelism", NULL for attn_dp */
    const char *dcn_key;
    sl_loc ici_loc, dcn_loc; /* where the key's value was set */
    bool ici_filled;         /* this axis held the ICI -1 */
    bool dcn_filled;
} sl_axis;

/* Where a count of devices per slice comes from, least certain first. */
typedef enum {
    SL_DEVICES_DEFAULT,      /* nothing says: one host's worth, SL_MESH_DEFAULT_DEVICES */
    SL_DEVICES_LAUNCH,       /* a launch word that implies a node (hardware=gpu: 8 GPUs) */
    SL_DEVICES_CONFIG,       /* the product of the ICI values, none of them -1 */
    SL_DEVICES_TOPOLOGY,     /* a TPU topology the launch names (compile_topology=v5p-256) */
    SL_DEVICES_USER          /* --devices */
} sl_devices_source;

typedef struct {
    long long count;         /* per slice; 0 when nothing names one */
    sl_devices_source source;
    const char *why;         /* in words ("hardware=gpu: one node of 8 GPUs"), or NULL */
    sl_loc loc;              /* the word that says so, when one does */
} sl_devices;

/* Whether the count is a fact (given by the user, a topology the launch
 * names, the config's own product) rather than an assumption: a mesh that
 * does not fit a fact is an error, one that does not fit an assumption is
 * not. */
bool sl_devices_known(const sl_devices *d);
/* "user", "topology", "config", "launch", "default". */
const char *sl_devices_source_name(sl_devices_source s);

typedef struct {
    sl_axis *axes;
    size_t naxes;
    long long devices;       /* per slice */
    long long slices;
    sl_loc axes_loc;         /* where mesh_axes was set */
    sl_strmap *index;        /* axis name -> position, once built; NULL: search */
    sl_devices devices_from; /* what the count rests on */
    long long unfit;         /* an assumed count the ICI values could not fill, which
                                `devices` replaced; 0 when the assumption fitted */
    bool slices_assumed;     /* no --slices, num_slices or compile_topology_num_slices:
                                one slice is assumed */
} sl_mesh;

/* Why MaxText would fail to build the mesh at launch. */
typedef enum {
    SL_MESH_UNKNOWN_AXIS,    /* a mesh_axes name with no parallelism key */
    SL_MESH_REPEATED_AXIS,   /* a name twice in mesh_axes */
    SL_MESH_BAD_VALUE,       /* a value below 1 other than -1 */
    SL_MESH_TWO_FILLS,       /* two -1s of one kind */
    SL_MESH_BAD_FILL,        /* a -1 that cannot be filled with a whole number >= 1 */
    SL_MESH_MISMATCH         /* the product differs from the devices (or slices) */
} sl_mesh_error_kind;

/* A launch error, with what the words for it need. The mesh it points at
 * holds the axes read so far (all of them, for the fill and product kinds). */
typedef struct {
    sl_mesh_error_kind kind;
    const sl_mesh *mesh;
    sl_loc loc;              /* the key at fault */
    const char *name;        /* the axis name (UNKNOWN_AXIS, REPEATED_AXIS) */
    bool dcn;                /* which kind of parallelism */
    long long target;        /* devices per slice, or slices */
    size_t at;               /* the axis at fault; SIZE_MAX for none */
    size_t first;            /* TWO_FILLS: the axis that held the first -1 */
    long long product;       /* BAD_FILL: the other values'; MISMATCH: all of them */
    bool overflow;           /* the product is too large to count */
} sl_mesh_error;

#define SL_MESH_DEFAULT_DEVICES 8

/* Builds the mesh. devices (NULL: nothing says) is held to when it is
 * known (sl_devices_known); otherwise the config decides where it can: the
 * product of the ICI values when none is -1, else the assumed count (or
 * SL_MESH_DEFAULT_DEVICES), raised to the smallest multiple of it that the
 * values other than the -1 divide when they do not divide it (recorded in
 * out->unfit). slices: 0 means "from num_slices, else 1". Returns 0, -1 with
 * err for input errors (wrong types), or 1 with *merr filled for a launch
 * error. */
int sl_mesh_build(sl_arena *a, const sl_config *c, const sl_devices *devices, long long slices,
                  sl_mesh *out, sl_mesh_error *merr, sl_err *err);

/* The device count and what it rests on, in words: "16 (--devices)",
 * "8, assumed (hardware=gpu: one node, assumed to have 8 GPUs)". */
const char *sl_mesh_devices_str(sl_arena *a, const sl_mesh *m);

const sl_axis *sl_mesh_axis(const sl_mesh *m, const char *name);
/* Size of a named axis; 1 for an axis the mesh does not have. */
long long sl_mesh_size(const sl_mesh *m, const char *name);
/* The ICI or DCN half of an axis. */
long long sl_axis_value(const sl_axis *ax, bool dcn);
const char *sl_axis_key(const sl_axis *ax, bool dcn);
sl_loc sl_axis_loc(const sl_axis *ax, bool dcn);
/* The location that made an axis active: the ICI key if it is > 1, else
 * the DCN key. */
sl_loc sl_axis_cause(const sl_axis *ax);

/* ---- tensor specs and resolution --------------------------------------- */

/* A named tensor spec: one logical name (or NULL for None) per dim. */
typedef struct {
    const char *name;          /* e.g. "moe.dense.dispatch" */
    const char *logical[SL_MAX_DIMS];
    size_t ndims;
    sl_loc loc;                /* where the spec is written */
    sl_loc dim_locs[SL_MAX_DIMS]; /* each dim's name in scanned code, when known */
    const char *origin;        /* "catalog", "specs", "source" */
    /* Intent: the dim that must keep `keep_axis`, or keep_dim < 0. */
    int keep_dim;
    const char *keep_axis;
    const char *keep_why;      /* why, in words; NULL when not known */
    sl_loc keep_loc;
    /* Dims resolved on their own, with `peel_axis` removed from peel_dim
     * (MaxText's moe_dispatch_no_expert_sharding); peel_dim < 0 if not. */
    int peel_dim;
    const char *peel_axis;
    const struct sl_site *site; /* the catalog site, when it is one */
    /* A scanned spec exists only when these hold: its file's family, the
     * catalog's conditions for its function, the code's own guards. */
    const struct sl_cond *conds;
    size_t nconds;
    const char *not_tensor;    /* why it is never an activation, or NULL */
} sl_spec;

/* Renames the logical name at one dim of one catalog site or scanned spec
 * (site_id is the spec's name): the model-code half of a fix, applied to an
 * in-memory copy. */
typedef struct {
    const char *site_id;
    int dim;
    const char *logical;
} sl_spec_patch;

/* A rule for this dim that could not apply because another dim already held
 * one of its axes. */
typedef struct {
    const sl_rule *rule;       /* this dim's rule that was skipped */
    const char *axis;          /* the axis it wanted that was taken */
    int by_dim;                /* the dim holding it */
    const sl_rule *by_rule;    /* the rule that gave it to that dim */
} sl_loss;

typedef struct {
    const char *logical;       /* NULL for None */
    const sl_rule *rule;       /* the rule that filled the dim, or NULL */
    const char **axes;         /* axes from the rule (flax's result) */
    size_t naxes;
    bool axes_is_list;         /* rule mesh was a list (vs a single string) */
    const char **physical;     /* after dropping size-1 axes */
    size_t nphysical;
    sl_loss *losses;
    size_t nlosses;
} sl_dim;

typedef struct {
    const sl_spec *spec;
    sl_dim *dims;              /* ndims of them */
    size_t ndims;
} sl_resolved;

/* Where scanned model code writes a catalog site: it gives the site its
 * exact location (and each dim's, for code edits in fixes). */
typedef struct {
    const struct sl_site *site;
    sl_loc loc;
    const char *logical[SL_MAX_DIMS];   /* the names as the code has them */
    size_t ndims;
    sl_loc dim_locs[SL_MAX_DIMS];
    const char *function;
    const char *variable;
    /* The scanned code has the site's file but not the site: that MaxText
     * version does not constrain this tensor there, so the catalog's entry
     * is not linted (the code's own specs are). loc and names are unset. */
    bool absent;
} sl_site_loc;

/* Why a spec cannot be resolved. */
typedef enum {
    SL_SPEC_REPEATED_NAME,     /* flax rejects a logical name on two dims */
    SL_SPEC_TOO_MANY_DIMS,
    SL_SPEC_BAD_PEEL           /* the peel dim is outside the spec */
} sl_spec_error_kind;

typedef struct {
    sl_spec_error_kind kind;
    const sl_spec *spec;
    const char *name;          /* REPEATED_NAME: the repeated logical name */
} sl_spec_error;

/* Resolves one spec against the rules and mesh. Fails (-1, *serr filled)
 * when flax would reject it; in peel mode MaxText resolves each dim alone
 * and never sees a repeated name. */
int sl_resolve(sl_arena *a, const sl_rule_table *rules, const sl_mesh *mesh,
               const sl_spec *spec, sl_resolved *out, sl_spec_error *serr);

/* Active axes of the dim (physical axes of size > 1). */
bool sl_dim_has_active_axis(const sl_dim *d, const sl_mesh *m);

/* User-declared tensor specs (`--specs FILE.yml`): a YAML map from a tensor
 * name to either a list of logical names (null for None) or a map
 * {spec: [...], keep: {dim: N, axis: NAME}} that also records which dim must
 * keep which mesh axis. */
int sl_specs_load(sl_arena *a, const char *path, sl_spec **out, size_t *n, sl_err *err);

/* ---- the catalog of MaxText tensor sites -------------------------------------
 * Each site's logical spec, the config conditions under which MaxText takes
 * that code path, and which dim must keep which axis there. The data lives
 * in rules/catalog_*.c; this is its shape and its evaluation. */

typedef enum {
    SL_COND_EQ,
    SL_COND_NE,
    SL_COND_GT,
    SL_COND_LT,
    SL_COND_TRUE,   /* key is true (bool) */
    SL_COND_FALSE,  /* key is false, or absent */
    SL_COND_LE,     /* for `x <= 0` branches such as capacity_factor */
    SL_COND_GE,
    SL_COND_IN,     /* value is one of a '|'-separated list */
    SL_COND_OP_LAST = SL_COND_IN
} sl_cond_op;

/* A condition on a config value, or on a mesh axis size. `value` is compared
 * as a number when both sides are numbers, else as text. A key absent from
 * the config makes every condition false except SL_COND_FALSE and
 * SL_COND_NE, unless the condition is lenient. */
typedef struct sl_cond {
    const char *key;         /* config key, or mesh axis when `mesh` */
    sl_cond_op op;
    const char *value;
    bool mesh;               /* compare the axis size (1 for an axis the mesh lacks) */
    const char *alt;         /* mesh: another number the code may use instead of
                                the size; the condition holds if either does */
    bool lenient;            /* read from code: what the config cannot answer (an
                                absent key, no mesh) counts as holding */
    const char *text;        /* the condition as the code writes it, or NULL */
    bool negated;            /* ...and the site is in its else branch */
    sl_loc loc;              /* where the code writes it */
} sl_cond;

#define SL_SITE_MAX_CONDS 8

typedef struct sl_site {
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
    const sl_node *value;    /* NULL when the key is absent or for a mesh axis */
    long long size;          /* mesh: the axis size */
    bool holds;
} sl_cond_eval;

/* Whether one condition holds (or, with alternatives, may hold). mesh may be
 * NULL: mesh conditions then hold. */
bool sl_cond_holds(const sl_cond *k, const sl_config *c, const sl_mesh *m, sl_cond_eval *ev);
/* Whether all of conds hold; evals (n entries) may be NULL. The index of the
 * first that does not goes to *failed (may be NULL). */
bool sl_conds_hold(const sl_cond *conds, size_t n, const sl_config *c, const sl_mesh *m,
                   sl_cond_eval *evals, size_t *failed);

/* Whether a site is live; evals (site->nconds entries) may be NULL. */
bool sl_site_live(const sl_site *s, const sl_config *c, sl_cond_eval *evals);

/* The spec MaxText uses at a site for this config (applies the peel flag). */
void sl_site_spec(const sl_site *s, const sl_config *c, sl_spec *out);

const sl_site *sl_catalog_find(const char *id);

/* The operator as people read it: "==", "!=", ">", "<", "<=", ">=", "in",
 * "is true", "is false", for messages such as "capacity_factor > 0". */
const char *sl_cond_op_str(sl_cond_op op);
/* "capacity_factor > 0", "decoder_block in [deepseek, deepseek4]", or, for a
 * condition read from code, the code's words. */
const char *sl_cond_str(sl_arena *a, const sl_cond *k);
/* What the config says about it: "capacity_factor = -1.0 (base.yml:217:18)",
 * "context_autoregressive has size 1", "decoder_block unset". */
const char *sl_cond_eval_str(sl_arena *a, const sl_cond_eval *ev);

/* ---- MaxText code that only some configs run ---------------------------------
 * A model family's layer file (models/llama2.py, layers/attention_compressed.py)
 * runs only for the decoder blocks that import it, a vision encoder only for
 * multimodal configs; their scanned sites are live only under these
 * conditions. The data lives in rules/catalog_files.c. */
typedef struct {
    const char *file;        /* base name, inside a layers/ or models/ folder */
    const char *scope;       /* a class or def of the file, NULL for all of it */
    sl_cond conds[SL_SITE_MAX_CONDS];
    size_t nconds;
    const char *why;         /* how MaxText picks it */
} sl_code_file;

extern const sl_code_file sl_code_files[];
extern const size_t sl_code_files_len;

/* The entries for scanned code at path, in class klass and def function
 * (either may be NULL), from index *at on: the next one, or NULL when there
 * are no more (none at all: every config runs it). Start with *at = 0. */
const sl_code_file *sl_code_file_next(const char *path, const char *klass,
                                      const char *function, size_t *at);

/* ---- the MaxText checkout a config belongs to ------------------------------
 * MaxText kept its package in three places over its history, and what its
 * config code refuses changed over time; rules that depend on the version
 * read the tree's own code (as text: nothing is imported or run). */

typedef enum {
    SL_LAYOUT_NONE,          /* not in a MaxText checkout */
    SL_LAYOUT_MAXTEXT,       /* MaxText/configs (until 2025-09) */
    SL_LAYOUT_SRC_UPPER,     /* src/MaxText/configs (2025-09 to 2026-02) */
    SL_LAYOUT_SRC            /* src/maxtext/configs (since 2026-02) */
} sl_layout;

/* One file of the tree's config code and its text. */
typedef struct {
    const char *path;
    const char *text;
    size_t len;
} sl_tree_file;

/* Where a tree's config keys are defined, which is what MaxText refuses an
 * unknown key against. */
typedef enum {
    SL_KEYS_UNKNOWN,         /* the tree's config code says nothing we know */
    SL_KEYS_FIELDS,          /* the fields of the pydantic classes in configs/types.py:
                                every key of the final config must be one */
    SL_KEYS_CHAIN            /* the older pyconfig: an override or a model-file key
                                must be a key of the entry's base_config chain */
} sl_key_source;

/* One field of the tree's config classes, as types.py writes it. */
typedef struct {
    const char *name;
    const char *type;        /* the annotation as written ("None | int"); NULL when it
                                spans lines */
    sl_loc loc;
} sl_tree_field;

/* A closed set of string values a field may take: a `str, Enum` class or a
 * `Name = Literal[...]` alias of types.py. */
typedef struct {
    const char *name;
    const char **values;
    size_t nvalues;
} sl_tree_choice;

typedef struct sl_tree {
    sl_layout layout;
    const char *root;        /* the checkout: the folder holding MaxText/ or src/ */
    const char *package;     /* root/MaxText, root/src/MaxText or root/src/maxtext */
    const char *configs;     /* package/configs */
    /* pyconfig.py, configs/types.py and common_types.py, whichever the tree has */
    const sl_tree_file *code;
    size_t ncode;
    /* The keys its config code defines, read once per tree (text only). */
    sl_key_source key_source;
    const sl_tree_field *fields;   /* SL_KEYS_FIELDS: every class's fields */
    size_t nfields;
    sl_strmap field_at;            /* name -> index into fields */
    const sl_tree_choice *choices;
    size_t nchoices;
    sl_strmap choice_at;           /* name -> index into choices */
    /* sl_tree_code_has answers, by text: every lint run asks the same few
     * questions of the same large files. */
    struct sl_tree_memo *memo;
} sl_tree;

/* The file of the tree's config code whose path ends with `tail`
 * ("pyconfig.py", "configs/types.py"), NULL when the tree has none. */
const sl_tree_file *sl_tree_code(const sl_tree *t, const char *tail);
/* Whether any file of the tree's config code contains `text`: how a rule
 * tells that the tree makes a check (false for a NULL tree). */
bool sl_tree_code_has(const sl_tree *t, const char *text);
/* The field of the tree's config classes named `key`, NULL when none. */
const sl_tree_field *sl_tree_field_find(const sl_tree *t, const char *key);
/* The Enum class or Literal alias named `name`, NULL when none. */
const sl_tree_choice *sl_tree_choice_find(const sl_tree *t, const char *name);

/* ---- words for findings ------------------------------------------------------ */

const char *sl_describe_loc(sl_arena *a, sl_loc loc);
/* "`activation_exp` -> ['expert'] (base.yml:583:23)" */
const char *sl_describe_rule(sl_arena *a, const sl_rule *r);
/* Why an axis has its size: its ICI/DCN keys and where they were set. */
const char *sl_describe_axis(sl_arena *a, const sl_axis *ax);

#endif
