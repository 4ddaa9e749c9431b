/* Fix verification: a fix is applied to an in-memory copy of the scenario
 * (extra overrides, renamed logical names at catalog sites) and the whole
 * config is linted again. */
#ifndef SHARDLINT_FIXCHECK_H
#define SHARDLINT_FIXCHECK_H

#include "shardlint/lint.h"

typedef struct {
    const sl_override *extra;
    size_t nextra;
    const sl_spec_patch *patches;
    size_t npatches;
} sl_fix_change;

/* Fills fix->verified, fix->removes and fix->verify_note: whether the
 * finding with `key` is gone, and which findings the change brings that the
 * unpatched config does not have. Returns the patched run's findings count
 * of new warnings or errors (0 means the fix trades nothing). */
size_t sl_fix_verify(const sl_lint_ctx *ctx, sl_fix *fix, const sl_fix_change *change,
                     const char *key);

#endif
