/* The resolved MaxText config: base_config chain, model file, command-line
 * overrides, logical_axis_rules merging and custom_mesh_and_rule, as MaxText's
 * pyconfig does it, with the location of every value kept. */
#ifndef SHARDLINT_CONFIG_H
#define SHARDLINT_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "shardlint/yaml.h"

/* One `key=value` word from a launch command. */
typedef struct {
    const char *key;
    const char *text;   /* the value as written */
    sl_loc loc;         /* the word: command line word N, or a script's line/col */
    bool in_model;      /* stands for an edit of the model file instead (a fix's
                           change): merged into it, logical_axis_rules appended */
    bool text_if_not_yaml; /* a value YAML cannot read is taken as text, not an
                              error: older MaxText types a command-line word
                              like the YAML value instead of parsing it */
} sl_override;

/* One logical_axis_rules entry: [name, mesh]. mesh is a scalar (one axis),
 * a sequence of axes, or null/[] (replicate). */
typedef struct {
    const char *name;
    sl_node *mesh;
    sl_loc loc;          /* the entry itself, e.g. `['activation_exp', ['expert']]` */
    size_t index;        /* position in the merged list */
    /* The mesh's axis names as jax's tree_leaves sees them (nested lists
     * flattened, nulls dropped); filled by sl_rule_table_build. */
    const char **axes;
    size_t naxes;
    bool axes_is_list;   /* the mesh was a list, not a single name */
} sl_rule;

/* Rules with an index by logical name: resolving a spec visits only the
 * rules for its own names, in list order. */
/* Each rule's axes on one mesh with the size-1 axes dropped, computed once
 * per rule: most specs share a handful of rules. */
typedef struct {
    const void *mesh;    /* the mesh the entries are for */
    const char ***axes;
    size_t *n;
    bool *done;
} sl_rule_physical;

typedef struct {
    sl_rule *rules;
    size_t n;
    sl_strmap first;     /* logical name -> index of its first rule */
    size_t *next;        /* index of the next rule for the same name; n after the last */
    sl_rule_physical *physical;
    uint64_t names;      /* identifies the set of names that have rules */
    sl_arena *arena;     /* for the memo */
    sl_ptrmap *memo;     /* name pointer -> first rule index + 1, 0 for none */
} sl_rule_table;

/* Indexes rules[0..n) and fills each rule's axes. */
void sl_rule_table_build(sl_arena *a, sl_rule *rules, size_t n, sl_rule_table *out);
/* The index of the first rule for a logical name; false when none. Names
 * that are interned (scanned code's) are looked up by pointer after the
 * first time. */
bool sl_rule_table_first(const sl_rule_table *t, const char *name, size_t *at);

/* A logical_axis_rules entry MaxText cannot use (not a [name, mesh] pair, a
 * name that is not a string, a mesh that is not axis names): left out of
 * the rules and reported by a rule (SL007), not an input error. */
typedef struct {
    sl_loc loc;
    const char *why;
} sl_bad_rule;

typedef struct {
    const char *entry;        /* the entry config path as given */
    const char *root;         /* configs root: the folder holding base.yml */
    const char *model_file;   /* models/<name>.yml used, or NULL */
    sl_node *values;          /* the merged map (logical_axis_rules left out) */
    const sl_node *base_values; /* the base_config chain alone, before model/overrides */
    const sl_node *base_file; /* base.yml alone, when the chain ends there; else NULL */
    sl_rule *rules;
    size_t nrules;
    sl_rule_table table;
    sl_node *override_values; /* the overrides as a map, locations = words */
    const sl_node *model_values; /* the model file as loaded, or NULL */
    const sl_bad_rule *bad_rules; /* entries left out of the rules */
    size_t nbad_rules;
    /* custom_mesh_and_rule naming no file of custom_mesh_and_rule/: the value,
     * the folder looked in and the names it has; the config is built without
     * it. */
    const sl_node *custom_missing;
    const char *custom_dir;
    const char **custom_names;
    size_t ncustom_names;
} sl_config;

/* Where the config stage gets parsed files from: the engine's session keeps
 * them, so that a file shared by many targets is read and parsed once. The
 * tree returned is shared and read-only. */
typedef struct {
    int (*load)(void *ctx, const char *path, const sl_node **out, sl_err *err);
    void *ctx;
    /* The tree a config may reach, as a real path: a base_config, model
     * file or custom_mesh_and_rule file outside it is not read, and the
     * error names its path, never its content (a CI log must not show
     * /etc/...). NULL: no limit. */
    const char *tree;
} sl_config_files;

/* An entry config's base_config chain, merged: what every target with that
 * entry shares. */
typedef struct {
    const char *entry;
    const char *root;         /* configs root */
    const sl_node *values;    /* the chain merged, entry last */
    const sl_node *settings;  /* values without logical_axis_rules, merged apart */
    const char **files;       /* the chain's files, entry first */
    size_t nfiles;
    const sl_node *base_file; /* the configs root's base.yml when the chain ends there */
} sl_config_chain;

int sl_override_parse(sl_arena *a, const char *word, sl_loc loc, sl_override *out,
                      sl_err *err);

/* files may be NULL: files are then parsed into `a`. */
int sl_config_chain_load(sl_arena *a, const sl_config_files *files, const char *entry,
                         sl_config_chain *out, sl_err *err);
/* The config of one scenario on top of a loaded chain. */
int sl_config_build(sl_arena *a, const sl_config_files *files, const sl_config_chain *chain,
                    const sl_override *ov, size_t nov, sl_config *out, sl_err *err);
/* Both steps, with nothing cached. */
int sl_config_load(sl_arena *a, const char *entry, const sl_override *ov, size_t nov,
                   sl_config *out, sl_err *err);

/* A name spelt `from` read as `to`: the change a fix for a misspelt config
 * key or mesh axis makes, linted again before it is offered. */
typedef struct {
    const char *from;
    const char *to;
} sl_rename;

/* Renames a top-level key of the built config wherever it is set (the
 * chain, the model file, the overrides), in new maps: parsed files are
 * shared and stay as they are. */
void sl_config_rename_key(sl_arena *a, sl_config *c, const sl_rename *r);
/* Renames a mesh axis in the built config's rules and data_sharding. */
void sl_config_rename_axis(sl_arena *a, sl_config *c, const sl_rename *r);

/* The first rule for a logical name, NULL when none. */
const sl_rule *sl_config_rule(const sl_config *c, const char *name);

/* A top-level value of the resolved config, NULL when unset. */
sl_node *sl_config_get(const sl_config *c, const char *key);

#endif
