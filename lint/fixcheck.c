/* Fix verification by linting a patched copy of the scenario again. */
#include "shardlint/fixcheck.h"

#include <string.h>

#include "shardlint/rule.h"

/* a followed by b, in a new arena array of `size`-byte elements. */
static void *concat(sl_arena *a, const void *x, size_t nx, const void *y, size_t ny, size_t size)
{
    char *out = sl_alloc(a, (nx + ny + 1) * size);
    if (nx)
        memcpy(out, x, nx * size);
    if (ny)
        memcpy(out + nx * size, y, ny * size);
    return out;
}

static sl_scenario patched_scenario(sl_arena *a, const sl_scenario *s, const sl_fix_change *ch)
{
    sl_scenario p = *s;
    p.ov = concat(a, s->ov, s->nov, ch->extra, ch->nextra, sizeof *s->ov);
    p.nov = s->nov + ch->nextra;
    p.patches = concat(a, s->patches, s->npatches, ch->patches, ch->npatches, sizeof *s->patches);
    p.npatches = s->npatches + ch->npatches;
    p.verify_fixes = false;
    return p;
}

/* "SL002 on moe.gate_logits: ..." for every finding of `after` at warning
 * or above that `before` lacks. */
static size_t new_findings(sl_arena *a, const sl_findings *before, const sl_findings *after,
                           const char **text)
{
    size_t n = 0;
    *text = "";
    for (size_t i = 0; i < after->n; i++) {
        const sl_finding *f = after->items[i];
        if (f->level < SL_LEVEL_WARNING || !f->key || sl_findings_find_key(before, f->key))
            continue;
        *text = sl_sprintf(a, "%s%s%s %s", *text, n ? "; " : "", f->rule->id, f->message);
        n++;
    }
    return n;
}

size_t sl_fix_verify(const sl_lint_ctx *ctx, sl_fix *fix, const sl_fix_change *change,
                     const char *key)
{
    sl_arena *a = ctx->arena;
    sl_scenario base = *ctx->scenario;
    base.verify_fixes = false;
    sl_scenario patched = patched_scenario(a, ctx->scenario, change);
    sl_lint_result before, after;
    sl_err err;
    if (sl_lint_run(a, &base, &before, &err) != 0 || sl_lint_run(a, &patched, &after, &err) != 0) {
        fix->verified = false;
        fix->verify_note = sl_sprintf(a, "not verified: the patched config does not load: %s",
                                      err.msg);
        return 0;
    }
    fix->verified = true;
    fix->removes = !sl_findings_find_key(&after.findings, key);
    const char *added;
    size_t n = new_findings(a, &before.findings, &after.findings, &added);
    const char *outcome = fix->removes ? "re-linted with the fix applied: this finding is gone"
                                       : "re-linted with the fix applied: this finding remains";
    fix->verify_note = n ? sl_sprintf(a, "%s, but it brings %zu new finding%s: %s", outcome, n,
                                      n == 1 ? "" : "s", added)
                         : sl_sprintf(a, "%s and nothing new appears", outcome);
    return n;
}
