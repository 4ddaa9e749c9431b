/* Shared between config.c (files, overrides, model) and config_rules.c
 * (logical_axis_rules merging), not part of the public API. */
#ifndef SHARDLINT_CONFIG_INTERNAL_H
#define SHARDLINT_CONFIG_INTERNAL_H

#include "shardlint/config.h"

/* Python truthiness of a config value, as MaxText's `if config.get(k)`. */
bool config_truthy(const sl_node *n);

/* Checks a logical_axis_rules value (a sequence of [name, mesh] entries, or
 * null) and pushes its entries onto `out`, and those MaxText cannot use
 * onto `bad` (sl_bad_rule *). -1 with err when the value is not a list. */
int config_rules_collect(sl_arena *a, const sl_node *list, sl_vec *out, sl_vec *bad,
                         sl_err *err);

/* One step of MaxText's rule merge: `newer` replaces `rules` when `replace`;
 * otherwise, unless `newer` is empty, rules named in `newer` are dropped
 * and `newer` is appended. */
void config_rules_apply(sl_arena *a, sl_vec *rules, const sl_vec *newer, bool replace);

/* Fills out->rules / out->nrules from checked entries, and the entries
 * left out. */
void config_rules_store(sl_arena *a, const sl_vec *rules, const sl_vec *bad, sl_config *out);

#endif
