/* Fix verification: a fix is applied to an in-memory copy of the scenario
 * (extra overrides, renamed logical names at catalog sites) and the whole
 * config is linted again. Rules ask for it while they run; the run verifies
 * every request once all rules have reported, so that "what the fix brings"
 * is measured against the complete set of findings, and a change shared by
 * several findings is linted once. */
#ifndef SHARDLINT_FIXCHECK_H
#define SHARDLINT_FIXCHECK_H

#include "shardlint/lint.h"

typedef struct {
    const sl_override *extra;
    size_t nextra;
    const sl_spec_patch *patches;
    size_t npatches;
} sl_fix_change;

/* Asks for `fix`, one of f's fixes, to be verified: whether f is gone once
 * `change` is applied, and what new findings it brings. Copies the change;
 * f may get more fixes afterwards. */
void sl_fix_request(const sl_lint_ctx *ctx, sl_finding *f, const sl_fix *fix,
                    const sl_fix_change *change);

/* Verifies every request of a run (sl_lint_run calls this): fills each fix's
 * verified, removes and verify_note. */
void sl_fix_verify_requests(sl_arena *a, const sl_scenario *s, const sl_findings *found,
                            const sl_vec *requests);

#endif
