/* Fix verification: a fix a rule offered is applied to an in-memory copy of
 * the scenario (extra overrides, renamed logical names at catalog sites) and
 * the whole config is linted again, once every rule has reported, so that
 * "what the fix brings" is measured against the complete set of findings.
 * A change shared by several fixes is linted once. */
#include <string.h>

#include "engine_internal.h"
#include "shardlint/rule.h"

typedef struct {
    const char *signature;
    bool loaded;
    sl_lint_result result;
    sl_strmap keys;           /* the result's finding keys */
    const char *error;
} relint;

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

static sl_scenario patched_scenario(sl_arena *a, const sl_scenario *s, const sl_fix_change *ch)
{
    sl_scenario p = *s;
    p.ov = sl_array_concat(a, s->ov, s->nov, ch->extra, ch->nextra, sizeof *s->ov);
    p.nov = s->nov + ch->nextra;
    p.patches = sl_array_concat(a, s->patches, s->npatches, ch->patches, ch->npatches,
                                sizeof *s->patches);
    p.npatches = s->npatches + ch->npatches;
    p.verify_fixes = false;
    return p;
}

typedef struct {
    sl_session *s;
    sl_arena *a;
    const sl_scenario *sc;
    const sl_findings *found;
    sl_strmap found_keys;
    sl_strmap done_at;        /* signature -> index into done */
    sl_vec done;              /* relint * */
} verifier;

static relint *relint_for(verifier *v, const sl_fix_change *change)
{
    const char *sig = change_signature(v->a, change);
    size_t at;
    if (sl_strmap_get(&v->done_at, sig, &at))
        return v->done.items[at];
    relint *x = sl_alloc(v->a, sizeof *x);
    x->signature = sig;
    sl_scenario p = patched_scenario(v->a, v->sc, change);
    sl_err err;
    x->loaded = sl_lint_run(v->s, v->a, &p, &x->result, &err) == 0;
    if (x->loaded)
        sl_findings_index(v->a, &x->result.findings, &x->keys);
    else
        x->error = sl_strdup(v->a, err.msg);
    sl_strmap_put(v->a, &v->done_at, sig, v->done.n);
    sl_vec_push(v->a, &v->done, x);
    return x;
}

/* "SL002 message; ..." for every finding at warning or above that the
 * patched run has and the original does not. */
static size_t new_findings(verifier *v, const relint *x, const char **text)
{
    size_t n = 0, at;
    *text = "";
    const sl_findings *after = &x->result.findings;
    for (size_t i = 0; i < after->n; i++) {
        const sl_finding *f = after->items[i];
        if (f->level < SL_LEVEL_WARNING || !f->key || sl_strmap_get(&v->found_keys, f->key, &at))
            continue;
        *text = sl_sprintf(v->a, "%s%s%s %s", *text, n ? "; " : "", f->rule->id, f->message);
        n++;
    }
    return n;
}

static void fill_fix(verifier *v, sl_fix *fix, const char *key, const relint *x)
{
    sl_arena *a = v->a;
    size_t at;
    if (!x->loaded) {
        fix->verified = false;
        fix->verify_note = sl_sprintf(a, "not verified: the patched config does not load: %s",
                                      x->error);
        return;
    }
    fix->verified = true;
    fix->removes = !key || !sl_strmap_get(&x->keys, key, &at);
    const char *added;
    size_t n = new_findings(v, x, &added);
    const char *outcome = fix->removes ? "re-linted with the fix applied: this finding is gone"
                                       : "re-linted with the fix applied: this finding remains";
    fix->verify_note = n ? sl_sprintf(a, "%s, but it brings %zu new finding%s: %s", outcome, n,
                                      n == 1 ? "" : "s", added)
                         : sl_sprintf(a, "%s and nothing new appears", outcome);
}

void verify_fixes(sl_session *s, sl_arena *a, const sl_scenario *sc, const sl_findings *found)
{
    verifier v = {.s = s, .a = a, .sc = sc, .found = found};
    sl_findings_index(a, found, &v.found_keys);
    for (size_t i = 0; i < found->n; i++) {
        sl_finding *f = found->items[i];
        for (size_t k = 0; k < f->nfixes; k++)
            if (f->fixes[k].verify)
                fill_fix(&v, &f->fixes[k], f->key, relint_for(&v, &f->fixes[k].change));
    }
}
