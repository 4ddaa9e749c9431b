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
} sl_override;

/* One logical_axis_rules entry: [name, mesh]. mesh is a scalar (one axis),
 * a sequence of axes, or null/[] (replicate). */
typedef struct {
    const char *name;
    sl_node *mesh;
    sl_loc loc;          /* the entry itself, e.g. `['activation_exp', ['expert']]` */
    size_t index;        /* position in the merged list */
} sl_rule;

typedef struct {
    const char *entry;        /* the entry config path as given */
    const char *root;         /* configs root: the folder holding base.yml */
    const char *model_file;   /* models/<name>.yml used, or NULL */
    sl_node *values;          /* the merged map (logical_axis_rules left out) */
    sl_node *base_values;     /* the base_config chain alone, before model/overrides */
    sl_rule *rules;
    size_t nrules;
    sl_node *override_values; /* the overrides as a map, locations = words */
    sl_node *model_values;    /* the model file as loaded, or NULL */
} sl_config;

int sl_override_parse(sl_arena *a, const char *word, sl_loc loc, sl_override *out,
                      sl_err *err);

int sl_config_load(sl_arena *a, const char *entry, const sl_override *ov, size_t nov,
                   sl_config *out, sl_err *err);

/* The first rule for a logical name, NULL when none. */
const sl_rule *sl_config_rule(const sl_config *c, const char *name);

/* A top-level value of the resolved config, NULL when unset. */
sl_node *sl_config_get(const sl_config *c, const char *key);

#endif
