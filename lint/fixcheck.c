/* Fix verification by linting a patched copy of the scenario again. */
#include "shardlint/fixcheck.h"

#include <string.h>

#include "shardlint/rule.h"

/* The fix is named by its index: adding fixes to a finding moves them. */
typedef struct {
    sl_finding *finding;
    size_t fix;
    sl_fix_change change;
    const char *signature;   /* identical changes share one re-lint */
} fix_request;

typedef struct {
    const char *signature;
    bool loaded;
    sl_lint_result result;
    const char *error;
} relint;

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

static const char *change_signature(sl_arena *a, const sl_fix_change *ch)
{
    const char *sig = "";
    for (size_t i = 0; i < ch->nextra; i++)
        sig = sl_sprintf(a, "%s%s=%s\n", sig, ch->extra[i].key, ch->extra[i].text);
    for (size_t i = 0; i < ch->npatches; i++)
        sig = sl_sprintf(a, "%s%s[%d]=%s\n", sig, ch->patches[i].site_id, ch->patches[i].dim,
                         ch->patches[i].logical);
    return sig;
}

void sl_fix_request(const sl_lint_ctx *ctx, sl_finding *f, const sl_fix *fix,
                    const sl_fix_change *change)
{
    sl_arena *a = ctx->arena;
    fix_request *r = sl_alloc(a, sizeof *r);
    r->finding = f;
    r->fix = (size_t)(fix - f->fixes);
    r->change.extra = concat(a, change->extra, change->nextra, NULL, 0, sizeof *change->extra);
    r->change.nextra = change->nextra;
    r->change.patches = concat(a, change->patches, change->npatches, NULL, 0,
                               sizeof *change->patches);
    r->change.npatches = change->npatches;
    r->signature = change_signature(a, change);
    sl_vec_push(a, ctx->fix_requests, r);
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

static relint *relint_for(sl_arena *a, const sl_scenario *s, sl_vec *done, const fix_request *r)
{
    for (size_t i = 0; i < done->n; i++) {
        relint *x = done->items[i];
        if (strcmp(x->signature, r->signature) == 0)
            return x;
    }
    relint *x = sl_alloc(a, sizeof *x);
    x->signature = r->signature;
    sl_scenario p = patched_scenario(a, s, &r->change);
    sl_err err;
    x->loaded = sl_lint_run(a, &p, &x->result, &err) == 0;
    if (!x->loaded)
        x->error = sl_strdup(a, err.msg);
    sl_vec_push(a, done, x);
    return x;
}

/* "SL002 message; ..." for every finding at warning or above that the
 * patched run has and the original does not. */
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

static void fill_fix(sl_arena *a, sl_fix *fix, const char *key, const sl_findings *before,
                     const relint *x)
{
    if (!x->loaded) {
        fix->verified = false;
        fix->verify_note = sl_sprintf(a, "not verified: the patched config does not load: %s",
                                      x->error);
        return;
    }
    fix->verified = true;
    fix->removes = !sl_findings_find_key(&x->result.findings, key);
    const char *added;
    size_t n = new_findings(a, before, &x->result.findings, &added);
    const char *outcome = fix->removes ? "re-linted with the fix applied: this finding is gone"
                                       : "re-linted with the fix applied: this finding remains";
    fix->verify_note = n ? sl_sprintf(a, "%s, but it brings %zu new finding%s: %s", outcome, n,
                                      n == 1 ? "" : "s", added)
                         : sl_sprintf(a, "%s and nothing new appears", outcome);
}

void sl_fix_verify_requests(sl_arena *a, const sl_scenario *s, const sl_findings *found,
                            const sl_vec *requests)
{
    sl_vec done = {0};
    for (size_t i = 0; i < requests->n; i++) {
        const fix_request *r = requests->items[i];
        fill_fix(a, &r->finding->fixes[r->fix], r->finding->key, found,
                 relint_for(a, s, &done, r));
    }
}
