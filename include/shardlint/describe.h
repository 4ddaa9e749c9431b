/* Words for findings: locations, rule entries and config values as a user
 * reads them. */
#ifndef SHARDLINT_DESCRIBE_H
#define SHARDLINT_DESCRIBE_H

#include "shardlint/config.h"
#include "shardlint/mesh.h"

const char *sl_describe_loc(sl_arena *a, sl_loc loc);
/* "`activation_exp` -> ['expert'] (base.yml:583:23)" */
const char *sl_describe_rule(sl_arena *a, const sl_rule *r);
/* Why an axis has its size: its ICI/DCN keys and where they were set. */
const char *sl_describe_axis(sl_arena *a, const sl_axis *ax);
/* The location that made an axis active: the ICI key if it is > 1, else
 * the DCN key. */
sl_loc sl_axis_cause(const sl_axis *ax);

#endif
