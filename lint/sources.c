/* Scanned model code -> specs and catalog-site locations for a target. */
#include "sources.h"

#include <string.h>

#include "shardlint/scan.h"

static sl_source_dir *source_find(sl_sources *s, const char *dir)
{
    for (size_t i = 0; i < s->dirs.n; i++) {
        sl_source_dir *d = s->dirs.items[i];
        if (strcmp(d->dir, dir) == 0)
            return d;
    }
    return NULL;
}

/* Scanned locations are relative to the scanned folder; findings name files
 * as the user reaches them from the working directory. */
static void site_paths(sl_arena *a, const char *dir, sl_py_site *p)
{
    const char *file = sl_display_path(a, sl_sprintf(a, "%s/%s", dir, p->loc.file));
    p->loc.file = file;
    if (p->use.file)
        p->use.file = file;
    for (size_t d = 0; d < p->ndims; d++)
        p->dim_locs[d].file = file;
}

/* Every string literal counts as a name here; each lint run keeps the specs
 * that name something its own rules know (see sl_lint_specs). */
static int source_scan(sl_arena *a, sl_sources *s, const char *dir, sl_err *e)
{
    if (source_find(s, dir))
        return 0;
    sl_source_dir *d = sl_alloc(a, sizeof *d);
    d->dir = dir;
    if (sl_scan_py_dir(a, dir, NULL, 0, &d->sites, e) != 0)
        return -1;
    for (size_t i = 0; i < d->sites.n; i++)
        site_paths(a, dir, d->sites.items[i]);
    sl_vec_push(a, &s->dirs, d);
    return 0;
}

int sl_sources_scan(sl_arena *a, const sl_cli_opts *o, sl_sources *s, FILE *err)
{
    for (size_t i = 0; i < o->sources.n; i++) {
        sl_err e;
        if (source_scan(a, s, o->sources.items[i], &e) != 0)
            return sl_cli_input_error(err, &e);
    }
    return 0;
}

static void site_loc_add(sl_arena *a, sl_vec *locs, const sl_py_site *p, const sl_site *site)
{
    sl_site_loc *l = sl_alloc(a, sizeof *l);
    l->site = site;
    l->loc = p->loc;
    l->function = p->function;
    l->variable = p->variable;
    l->ndims = p->ndims;
    for (size_t d = 0; d < p->ndims && d < SL_MAX_DIMS; d++) {
        l->logical[d] = p->logical[d];
        l->dim_locs[d] = p->dim_locs[d];
    }
    sl_vec_push(a, locs, l);
}

static void apply_dir(sl_arena *a, const sl_source_dir *d, sl_vec *locs, sl_vec *specs)
{
    for (size_t i = 0; i < d->sites.n; i++) {
        const sl_py_site *p = d->sites.items[i];
        const sl_site *site = sl_py_site_match(p, sl_catalog, sl_catalog_len);
        if (site) {
            site_loc_add(a, locs, p, site);
            continue;
        }
        sl_spec *spec = sl_alloc(a, sizeof *spec);
        sl_py_site_spec(a, p, NULL, spec);
        sl_vec_push(a, specs, spec);
    }
}

static void source_dirs(sl_arena *a, sl_sources *s, const sl_target *t, const sl_cli_opts *o,
                        sl_vec *dirs)
{
    for (size_t i = 0; i < o->sources.n; i++)
        sl_vec_push(a, dirs, source_find(s, o->sources.items[i]));
    if (o->sources.n)
        return;
    const char *found = sl_scan_find_source(a, t->config_path);
    sl_err e;
    if (found && source_scan(a, s, found, &e) == 0)
        sl_vec_push(a, dirs, source_find(s, found));
}

void sl_sources_apply(sl_arena *a, sl_sources *s, sl_target *t, const sl_cli_opts *o)
{
    sl_vec dirs = {0}, locs = {0}, specs = {0};
    source_dirs(a, s, t, o, &dirs);
    for (size_t i = 0; i < dirs.n; i++)
        apply_dir(a, dirs.items[i], &locs, &specs);
    sl_spec *all = sl_alloc(a, (o->nspecs + specs.n + 1) * sizeof *all);
    if (o->nspecs)
        memcpy(all, o->specs, o->nspecs * sizeof *all);
    for (size_t i = 0; i < specs.n; i++)
        all[o->nspecs + i] = *(sl_spec *)specs.items[i];
    t->scenario.specs = all;
    t->scenario.nspecs = o->nspecs + specs.n;
    sl_site_loc *l = sl_alloc(a, (locs.n + 1) * sizeof *l);
    for (size_t i = 0; i < locs.n; i++)
        l[i] = *(sl_site_loc *)locs.items[i];
    t->scenario.site_locs = l;
    t->scenario.nsite_locs = locs.n;
}
