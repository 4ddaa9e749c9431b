/* One lint run: config -> mesh -> live specs -> resolution -> rules, then
 * the fixes the rules offered are verified by linting again. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_internal.h"
#include "shardlint/rule.h"

/* Where the scanned code writes a catalog site; an absent entry only when
 * no scanned folder has the site. */
static const sl_site_loc *site_loc_find(const sl_scenario *s, const sl_site *site)
{
    const sl_site_loc *absent = NULL;
    for (size_t i = 0; i < s->nsite_locs; i++)
        if (s->site_locs[i].site == site) {
            if (!s->site_locs[i].absent)
                return &s->site_locs[i];
            absent = &s->site_locs[i];
        }
    return absent;
}

static bool patch_applies(const sl_spec_patch *p, const sl_spec *spec)
{
    return strcmp(p->site_id, spec->name) == 0 && p->dim >= 0 && (size_t)p->dim < spec->ndims;
}

static void spec_apply_patches(const sl_scenario *s, sl_spec *spec)
{
    for (size_t i = 0; i < s->npatches; i++)
        if (patch_applies(&s->patches[i], spec))
            spec->logical[s->patches[i].dim] = s->patches[i].logical;
}

/* A scenario spec as a fix's patches leave it: shared when none applies,
 * else a patched copy (the scenario's specs are shared by every target). */
static const sl_spec *spec_patched(sl_arena *a, const sl_scenario *s, const sl_spec *spec)
{
    for (size_t i = 0; i < s->npatches; i++) {
        if (!patch_applies(&s->patches[i], spec))
            continue;
        sl_spec *copy = sl_alloc(a, sizeof *copy);
        *copy = *spec;
        spec_apply_patches(s, copy);
        return copy;
    }
    return spec;
}

/* Scanned code holds many string tuples; only those naming a logical axis
 * that this config's rules know are tensor specs. */
static bool names_known_axis(const sl_spec *spec, const sl_config *c)
{
    if (!spec->origin || strcmp(spec->origin, "source") != 0)
        return true;
    for (size_t d = 0; d < spec->ndims; d++)
        if (spec->logical[d] && sl_config_rule(c, spec->logical[d]))
            return true;
    return false;
}

/* Which of a scenario's specs name an axis the config's rules know: the
 * same for every config with the same rule names, so worked out once per
 * set of names and specs. */
static const bool *known_specs(sl_session *ss, const sl_scenario *s, const sl_config *c)
{
    char key[96];
    snprintf(key, sizeof key, "known:%p:%zu:%016llx", (const void *)s->specs, s->nspecs,
             (unsigned long long)c->table.names);
    bool *known = session_memo_get(ss, key);
    if (known)
        return known;
    known = sl_alloc(session_arena(ss), (s->nspecs + 1) * sizeof *known);
    for (size_t i = 0; i < s->nspecs; i++)
        known[i] = names_known_axis(&s->specs[i], c);
    session_memo_put(ss, key, known);
    return known;
}


const char *sl_spec_skipped_why(sl_arena *a, const sl_spec_skipped *k)
{
    const sl_cond *c = k->eval.cond;
    if (!c)
        return k->reason;
    const char *where = c->loc.file ? sl_sprintf(a, " (%s)", sl_describe_loc(a, c->loc)) : "";
    return sl_sprintf(a, "%s%s does not hold: %s", sl_cond_str(a, c), where,
                      sl_cond_eval_str(a, &k->eval));
}

/* Collected one by one (a run skips a few hundred of its thousands of
 * specs), then laid out as an array. */
static void skip(sl_arena *a, sl_vec *skipped, const sl_spec *spec, const sl_cond_eval *ev,
                 const char *reason)
{
    sl_spec_skipped *k = sl_alloc(a, sizeof *k);
    *k = (sl_spec_skipped){.spec = spec, .eval = ev ? *ev : (sl_cond_eval){0}, .reason = reason};
    sl_vec_push(a, skipped, k);
}

static void lay_out(sl_arena *a, const sl_vec *skipped, sl_spec_set *out)
{
    out->skipped = sl_alloc(a, (skipped->n + 1) * sizeof *out->skipped);
    for (size_t i = 0; i < skipped->n; i++)
        out->skipped[i] = *(const sl_spec_skipped *)skipped->items[i];
    out->nskipped = skipped->n;
}

static void catalog_specs(sl_arena *a, const sl_scenario *s, const sl_config *c,
                          sl_spec_set *out, sl_vec *skipped)
{
    for (size_t i = 0; i < sl_catalog_len; i++) {
        const sl_site *site = &sl_catalog[i];
        if (!sl_site_live(site, c, NULL))
            continue;
        sl_spec *spec = sl_alloc(a, sizeof *spec);
        sl_site_spec(site, c, spec);
        const sl_site_loc *where = site_loc_find(s, site);
        if (where && where->absent) {
            skip(a, skipped, spec, NULL, sl_sprintf(a, "this tree's %s has no spec in %s: its own "
                                                "specs there are linted instead",
                                             site->file, site->function));
            continue;
        }
        if (where) {
            spec->loc = where->loc;
            memcpy(spec->logical, where->logical, sizeof spec->logical);
        }
        spec_apply_patches(s, spec);
        out->live[out->nlive++] = spec;
    }
}

void sl_lint_specs(sl_session *ss, sl_arena *a, const sl_scenario *s, const sl_config *c,
                   const sl_mesh *m, sl_spec_set *out)
{
    size_t max = sl_catalog_len + s->nspecs + 1;
    out->live = sl_alloc(a, max * sizeof *out->live);
    out->nlive = 0;
    sl_vec skipped = {0};
    catalog_specs(a, s, c, out, &skipped);
    const bool *known = known_specs(ss, s, c);
    sl_cond_eval *evals = NULL;
    size_t nevals = 0;
    for (size_t i = 0; i < s->nspecs; i++) {
        const sl_spec *spec = &s->specs[i];
        if (!known[i])
            continue;
        if (spec->not_tensor) {
            skip(a, &skipped, spec, NULL, spec->not_tensor);
            continue;
        }
        if (spec->nconds > nevals) {
            nevals = spec->nconds;
            evals = sl_alloc(a, nevals * sizeof *evals);
        }
        size_t failed;
        if (!sl_conds_hold(spec->conds, spec->nconds, c, m, evals, &failed))
            skip(a, &skipped, spec, &evals[failed], NULL);
        else
            out->live[out->nlive++] = spec_patched(a, s, spec);
    }
    lay_out(a, &skipped, out);
}

/* Specs flax would reject go to `errors`, the others are resolved. */
typedef struct {
    sl_spec_error *items;
    size_t n;
} spec_errors;

/* Scanned code writes the same tuple of names at many sites, and the
 * resolution depends only on the names (scanned names are interned, so
 * their addresses compare): each tuple is resolved once per run and its dims
 * are shared, read-only, by every spec that writes it. */
static uint64_t names_hash(const sl_spec *spec)
{
    return sl_hash_bytes(SL_HASH_INIT, spec->logical, spec->ndims * sizeof *spec->logical) | 1;
}

static bool same_names(const sl_spec *x, const sl_spec *y)
{
    return x->ndims == y->ndims && x->peel_dim < 0 && y->peel_dim < 0 &&
           memcmp(x->logical, y->logical, x->ndims * sizeof *x->logical) == 0;
}

static const sl_resolved *resolved_before(const sl_lint_result *out, const sl_ptrmap *memo,
                                          const sl_spec *spec)
{
    size_t at;
    if (!spec->origin || strcmp(spec->origin, "source") != 0 ||
        !sl_ptrmap_get(memo, (const void *)(uintptr_t)names_hash(spec), &at))
        return NULL;
    return same_names(out->tensors[at].spec, spec) ? &out->tensors[at] : NULL;
}

static void lint_resolve_all(sl_session *ss, sl_arena *a, const sl_scenario *s,
                             sl_lint_result *out, spec_errors *errors)
{
    sl_spec_set set;
    sl_lint_specs(ss, a, s, &out->config, &out->mesh, &set);
    out->skipped = set.skipped;
    out->nskipped = set.nskipped;
    const sl_spec **specs = set.live;
    size_t n = set.nlive;
    out->tensors = sl_alloc(a, (n + 1) * sizeof *out->tensors);
    errors->items = sl_alloc(a, (n + 1) * sizeof *errors->items);
    sl_ptrmap memo = {0};
    for (size_t i = 0; i < n; i++) {
        sl_resolved *t = &out->tensors[out->ntensors];
        const sl_resolved *same = resolved_before(out, &memo, specs[i]);
        if (same) {
            *t = (sl_resolved){specs[i], same->dims, same->ndims};
            out->ntensors++;
        } else if (sl_resolve(a, &out->config.table, &out->mesh, specs[i], t,
                              &errors->items[errors->n]) == 0) {
            if (specs[i]->origin && strcmp(specs[i]->origin, "source") == 0)
                sl_ptrmap_put(a, &memo, (const void *)(uintptr_t)names_hash(specs[i]),
                              out->ntensors);
            out->ntensors++;
        } else {
            errors->n++;
        }
    }
}

static void lint_check(sl_arena *a, const sl_scenario *s, sl_lint_result *out,
                       const spec_errors *errors)
{
    sl_lint_ctx ctx = {
        .arena = a,
        .config = &out->config,
        .mesh = out->mesh_ok ? &out->mesh : NULL,
        .mesh_error = out->mesh_ok ? NULL : &out->mesh_error,
        .tensors = out->tensors,
        .ntensors = out->ntensors,
        .spec_errors = errors->items,
        .nspec_errors = errors->n,
        .site_locs = s->site_locs,
        .nsite_locs = s->nsite_locs,
        .specs = s->specs,
        .nspecs = s->nspecs,
        .tree = s->tree,
        .offer_fixes = s->verify_fixes,
    };
    for (size_t i = 0; i < sl_rule_count; i++)
        if (sl_rule_registry[i]->check)
            sl_rule_registry[i]->check(&ctx, &out->findings);
}

/* ---- fix verification ----------------------------------------------------
 * A fix a rule offered is applied to an in-memory copy of the scenario (extra
 * overrides, renamed logical names, keys and axes) and the whole config is
 * linted again, once every rule has reported, so that "what the fix brings"
 * is measured against the complete set of findings. A change shared by
 * several fixes is linted once. */

typedef struct {
    const char *signature;
    bool loaded;
    sl_lint_result result;
    sl_strmap keys;           /* the result's finding keys */
    const char *error;
    const char *added;        /* what the fix brings, in words, once described */
    size_t nadded;
} relint;

/* New findings a fix note lists by name; the rest are counted. Every fix
 * sharing a change shares the one description, so a change that brings
 * thousands of findings costs one pass, not one per fix. */
#define VERIFY_LIST_MAX 5

static const char *change_signature(sl_arena *a, const sl_fix_change *ch)
{
    const char *sig = "";
    for (size_t i = 0; i < ch->nextra; i++)
        sig = sl_sprintf(a, "%s%s%s=%s\n", sig, ch->extra[i].in_model ? "model:" : "",
                         ch->extra[i].key, ch->extra[i].text);
    for (size_t i = 0; i < ch->npatches; i++)
        sig = sl_sprintf(a, "%s%s[%d]=%s\n", sig, ch->patches[i].site_id, ch->patches[i].dim,
                         ch->patches[i].logical);
    for (size_t i = 0; i < ch->nrenames; i++)
        sig = sl_sprintf(a, "%s%s->%s\n", sig, ch->renames[i].from, ch->renames[i].to);
    for (size_t i = 0; i < ch->naxis_renames; i++)
        sig = sl_sprintf(a, "%saxis %s->%s\n", sig, ch->axis_renames[i].from,
                         ch->axis_renames[i].to);
    for (size_t i = 0; i < ch->ndrop; i++)
        sig = sl_sprintf(a, "%s-%s\n", sig, ch->drop[i]);
    return sig;
}

static bool dropped(const sl_fix_change *ch, const char *key)
{
    for (size_t i = 0; i < ch->ndrop; i++)
        if (strcmp(ch->drop[i], key) == 0)
            return true;
    return false;
}

static sl_scenario patched_scenario(sl_arena *a, const sl_scenario *s, const sl_fix_change *ch)
{
    sl_scenario p = *s;
    sl_override *ov = sl_alloc(a, (s->nov + ch->nextra + 1) * sizeof *ov);
    p.nov = 0;
    for (size_t i = 0; i < s->nov; i++)
        if (!dropped(ch, s->ov[i].key))
            ov[p.nov++] = s->ov[i];
    for (size_t i = 0; i < ch->nextra; i++)
        ov[p.nov++] = ch->extra[i];
    p.ov = ov;
    p.patches = sl_array_concat(a, s->patches, s->npatches, ch->patches, ch->npatches,
                                sizeof *s->patches);
    p.npatches = s->npatches + ch->npatches;
    p.renames = sl_array_concat(a, s->renames, s->nrenames, ch->renames, ch->nrenames,
                                sizeof *s->renames);
    p.nrenames = s->nrenames + ch->nrenames;
    p.axis_renames = sl_array_concat(a, s->axis_renames, s->naxis_renames, ch->axis_renames,
                                     ch->naxis_renames, sizeof *s->axis_renames);
    p.naxis_renames = s->naxis_renames + ch->naxis_renames;
    p.verify_fixes = false;
    return p;
}

typedef struct {
    sl_session *s;
    sl_arena *a;
    const sl_scenario *sc;
    const sl_lint_result *original;
    sl_strmap found_keys;
    sl_strmap done_at;        /* signature -> index into done */
    sl_vec done;              /* relint * */
} verifier;

/* A change that renames names at specs only leaves the config and the mesh
 * as they were: the patched specs are resolved and linted against them,
 * without building the config again (a large rule list costs most). */
static bool specs_only(const sl_fix_change *ch)
{
    return ch->npatches && !ch->nextra && !ch->nrenames && !ch->naxis_renames;
}

static void relint_specs(verifier *v, const sl_scenario *p, sl_lint_result *r)
{
    *r = (sl_lint_result){.config = v->original->config, .mesh = v->original->mesh,
                          .mesh_ok = v->original->mesh_ok,
                          .mesh_error = v->original->mesh_error};
    spec_errors errors = {0};
    if (r->mesh_ok)
        lint_resolve_all(v->s, v->a, p, r, &errors);
    lint_check(v->a, p, r, &errors);
}

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
    if (specs_only(change)) {
        relint_specs(v, &p, &x->result);
        x->loaded = true;
    } else {
        x->loaded = sl_lint_run(v->s, v->a, &p, &x->result, &err) == 0;
    }
    if (x->loaded)
        sl_findings_index(v->a, &x->result.findings, &x->keys);
    else
        x->error = sl_strdup(v->a, err.msg);
    sl_strmap_put(v->a, &v->done_at, sig, v->done.n);
    sl_vec_push(v->a, &v->done, x);
    return x;
}

/* "SL002 message; ..." for the findings at warning or above that the
 * patched run has and the original does not (the first VERIFY_LIST_MAX,
 * then how many more); their count in x->nadded. */
static void describe_added(verifier *v, relint *x)
{
    char *text = NULL;
    size_t len = 0, at;
    FILE *f = open_memstream(&text, &len);
    const sl_findings *after = &x->result.findings;
    for (size_t i = 0; f && i < after->n; i++) {
        const sl_finding *g = after->items[i];
        if (g->level < SL_LEVEL_WARNING || !g->key || sl_strmap_get(&v->found_keys, g->key, &at))
            continue;
        if (x->nadded < VERIFY_LIST_MAX)
            fprintf(f, "%s%s %s", x->nadded ? "; " : "", g->rule->id, g->message);
        x->nadded++;
    }
    if (f && x->nadded > VERIFY_LIST_MAX)
        fprintf(f, "; and %zu more", x->nadded - VERIFY_LIST_MAX);
    if (f)
        fclose(f);
    x->added = sl_strdup(v->a, text ? text : "");
    free(text);
}

static void fill_fix(verifier *v, sl_fix *fix, const char *key, relint *x)
{
    sl_arena *a = v->a;
    size_t at;
    if (!x->loaded) {
        fix->verified = false;
        fix->verify_note = sl_sprintf(a, "the patched config does not load: %s",
                                      x->error);
        return;
    }
    fix->verified = true;
    fix->removes = !key || !sl_strmap_get(&x->keys, key, &at);
    if (!x->added)
        describe_added(v, x);
    size_t n = x->nadded;
    const char *outcome = fix->removes ? "re-linted with the fix applied: this finding is gone"
                                       : "re-linted with the fix applied: this finding remains";
    fix->verify_note = n ? sl_sprintf(a, "%s, but it brings %zu new finding%s: %s", outcome, n,
                                      n == 1 ? "" : "s", x->added)
                         : sl_sprintf(a, "%s and nothing new appears", outcome);
}

static void verify_fixes(sl_session *s, sl_arena *a, const sl_scenario *sc,
                         const sl_lint_result *original)
{
    const sl_findings *found = &original->findings;
    verifier v = {.s = s, .a = a, .sc = sc, .original = original};
    sl_findings_index(a, found, &v.found_keys);
    for (size_t i = 0; i < found->n; i++) {
        sl_finding *f = found->items[i];
        size_t at;
        if (sc->reported && f->key &&
            sl_strmap_get(sc->reported, finding_identity(a, f), &at))
            continue;
        for (size_t k = 0; k < f->nfixes; k++)
            if (f->fixes[k].verify)
                fill_fix(&v, &f->fixes[k], f->key, relint_for(&v, &f->fixes[k].change));
    }
}

/* The scenario's overrides as its tree's MaxText reads them: renamed keys
 * under their new names, so that the model file sees them, and, where the
 * tree's pyconfig types a word like the YAML value, a word YAML cannot read
 * kept as text. */
static const sl_override *overrides_for_tree(sl_arena *a, const sl_scenario *sc)
{
    bool typed = sc->tree && sl_tree_code_has(sc->tree, "_yaml_types_to_parser");
    if (!sc->nrenames && !typed)
        return sc->ov;
    sl_override *ov = sl_array_concat(a, sc->ov, sc->nov, NULL, 0, sizeof *ov);
    for (size_t i = 0; i < sc->nov; i++) {
        ov[i].text_if_not_yaml = typed;
        for (size_t r = 0; r < sc->nrenames; r++)
            if (strcmp(ov[i].key, sc->renames[r].from) == 0)
                ov[i].key = sc->renames[r].to;
    }
    return ov;
}

static int build_config(sl_session *s, sl_arena *a, const sl_scenario *sc, sl_config *out,
                        sl_err *err)
{
    const sl_config_chain *chain;
    if (session_chain(s, sc->entry, &chain, err) != 0 ||
        sl_config_build(a, session_files(s), chain, overrides_for_tree(a, sc), sc->nov, out,
                        err) != 0)
        return -1;
    for (size_t r = 0; r < sc->nrenames; r++)
        sl_config_rename_key(a, out, &sc->renames[r]);
    for (size_t r = 0; r < sc->naxis_renames; r++)
        sl_config_rename_axis(a, out, &sc->axis_renames[r]);
    return 0;
}

int sl_lint_run(sl_session *s, sl_arena *a, const sl_scenario *sc, sl_lint_result *out,
                sl_err *err)
{
    memset(out, 0, sizeof *out);
    if (build_config(s, a, sc, &out->config, err) != 0)
        return -1;
    int m = sl_mesh_build(a, &out->config, &sc->devices, sc->slices, &out->mesh,
                          &out->mesh_error, err);
    if (m < 0)
        return -1;
    out->mesh_ok = m == 0;
    spec_errors errors = {0};
    if (out->mesh_ok)
        lint_resolve_all(s, a, sc, out, &errors);
    lint_check(a, sc, out, &errors);
    if (sc->verify_fixes)
        verify_fixes(s, a, sc, out);
    return 0;
}
