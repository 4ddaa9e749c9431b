/* One lint run: config -> mesh -> live specs -> resolution -> rules, then
 * the fixes the rules offered are verified. */
#include <string.h>

#include "engine_internal.h"
#include "shardlint/rule.h"

static const sl_site_loc *site_loc_find(const sl_scenario *s, const sl_site *site)
{
    for (size_t i = 0; i < s->nsite_locs; i++)
        if (s->site_locs[i].site == site)
            return &s->site_locs[i];
    return NULL;
}

static void spec_apply_patches(const sl_scenario *s, sl_spec *spec)
{
    for (size_t i = 0; i < s->npatches; i++) {
        const sl_spec_patch *p = &s->patches[i];
        if (strcmp(p->site_id, spec->name) == 0 && p->dim >= 0 && (size_t)p->dim < spec->ndims)
            spec->logical[p->dim] = p->logical;
    }
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

size_t sl_lint_specs(sl_arena *a, const sl_scenario *s, const sl_config *c,
                     const sl_spec ***out)
{
    const sl_spec **specs = sl_alloc(a, (sl_catalog_len + s->nspecs + 1) * sizeof *specs);
    size_t n = 0;
    for (size_t i = 0; i < sl_catalog_len; i++) {
        const sl_site *site = &sl_catalog[i];
        if (!sl_site_live(site, c, NULL))
            continue;
        sl_spec *spec = sl_alloc(a, sizeof *spec);
        specs[n++] = spec;
        sl_site_spec(site, c, spec);
        const sl_site_loc *where = site_loc_find(s, site);
        if (where) {
            spec->loc = where->loc;
            memcpy(spec->logical, where->logical, sizeof spec->logical);
        }
        spec_apply_patches(s, spec);
    }
    for (size_t i = 0; i < s->nspecs; i++)
        if (names_known_axis(&s->specs[i], c))
            specs[n++] = &s->specs[i];
    *out = specs;
    return n;
}

/* Specs flax would reject go to `errors`, the others are resolved. */
typedef struct {
    sl_spec_error *items;
    size_t n;
} spec_errors;

static void lint_resolve_all(sl_arena *a, const sl_scenario *s, sl_lint_result *out,
                             spec_errors *errors)
{
    const sl_spec **specs;
    size_t n = sl_lint_specs(a, s, &out->config, &specs);
    out->tensors = sl_alloc(a, (n + 1) * sizeof *out->tensors);
    errors->items = sl_alloc(a, (n + 1) * sizeof *errors->items);
    for (size_t i = 0; i < n; i++) {
        if (sl_resolve(a, &out->config.table, &out->mesh, specs[i],
                       &out->tensors[out->ntensors], &errors->items[errors->n]) == 0)
            out->ntensors++;
        else
            errors->n++;
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
        .tree = s->tree,
        .offer_fixes = s->verify_fixes,
    };
    for (size_t i = 0; i < sl_rule_count; i++)
        sl_rule_registry[i]->check(&ctx, &out->findings);
}

int sl_lint_run(sl_session *s, sl_arena *a, const sl_scenario *sc, sl_lint_result *out,
                sl_err *err)
{
    memset(out, 0, sizeof *out);
    const sl_config_chain *chain;
    if (session_chain(s, sc->entry, &chain, err) != 0 ||
        sl_config_build(a, session_files(s), chain, sc->ov, sc->nov, &out->config, err) != 0)
        return -1;
    int m = sl_mesh_build(a, &out->config, sc->devices, sc->slices, &out->mesh,
                          &out->mesh_error, err);
    if (m < 0)
        return -1;
    out->mesh_ok = m == 0;
    spec_errors errors = {0};
    if (out->mesh_ok)
        lint_resolve_all(a, sc, out, &errors);
    lint_check(a, sc, out, &errors);
    if (sc->verify_fixes)
        verify_fixes(s, a, sc, &out->findings);
    return 0;
}
