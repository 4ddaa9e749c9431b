/* Scanned model code -> specs and catalog-site locations for a target. The
 * scanner reports every string tuple it saw; which of them are catalog sites
 * is decided here, once per folder. */
#include <string.h>

#include "engine_internal.h"

static bool same(const char *x, const char *y)
{
    return x == y || (x && y && strcmp(x, y) == 0);
}

/* The scanned path ends with the catalog's file at a path boundary. */
static bool path_ends_with(const char *path, const char *tail)
{
    size_t n = strlen(path), m = strlen(tail);
    return sl_path_has_suffix(path, tail) && (n == m || path[n - m - 1] == '/');
}

static size_t names_differ(const sl_site *c, const sl_py_site *s)
{
    size_t n = 0;
    for (size_t d = 0; d < s->ndims; d++)
        n += !same(c->logical[d], s->logical[d]);
    return n;
}

const sl_site *sl_catalog_match(const sl_py_site *s, const sl_site *catalog, size_t n)
{
    const sl_site *renamed = NULL;
    size_t nrenamed = 0;
    for (size_t i = 0; i < n; i++) {
        const sl_site *c = &catalog[i];
        if (!c->file || !s->loc.file || !path_ends_with(s->loc.file, c->file) ||
            !same(c->function, s->function) ||
            (c->variable && !same(c->variable, s->variable)) || c->ndims != s->ndims)
            continue;
        size_t diff = names_differ(c, s);
        if (diff == 0)
            return c;
        if (diff == 1 && c->variable) {
            renamed = c;
            nrenamed++;
        }
    }
    return nrenamed == 1 ? renamed : NULL;
}

static void site_loc_of(const sl_py_site *p, const sl_site *site, sl_site_loc *l)
{
    l->site = site;
    l->loc = p->loc;
    l->function = p->function;
    l->variable = p->variable;
    l->ndims = p->ndims;
    for (size_t d = 0; d < p->ndims && d < SL_MAX_DIMS; d++) {
        l->logical[d] = p->logical[d];
        l->dim_locs[d] = p->dim_locs[d];
    }
}

static void spec_of(sl_arena *a, const sl_py_site *p, sl_spec *out)
{
    memset(out, 0, sizeof *out);
    out->name = sl_py_site_str(a, p);
    out->keep_dim = -1;
    out->peel_dim = -1;
    for (size_t i = 0; i < p->ndims; i++) {
        out->logical[i] = p->logical[i];
        out->dim_locs[i] = p->dim_locs[i];
    }
    out->ndims = p->ndims;
    out->loc = p->loc;
    out->origin = "source";
}

/* Scanned locations are relative to the scanned folder; findings name files
 * as the user reaches them from the working directory. */
static void site_paths(sl_session *s, const char *dir, sl_py_site *p)
{
    sl_arena *a = session_arena(s);
    const char *file = session_intern(s, sl_path_display(a, sl_sprintf(a, "%s/%s", dir,
                                                                       p->loc.file)));
    p->loc.file = file;
    if (p->use.file)
        p->use.file = file;
    for (size_t d = 0; d < p->ndims; d++)
        p->dim_locs[d].file = file;
}

/* Every string literal counts as a name here; each lint run keeps the specs
 * that name something its own rules know (see sl_lint_specs). */
static int sources_scan(sl_session *s, session_source *src, sl_err *err)
{
    sl_arena *a = session_arena(s);
    sl_vec sites = {0};
    if (sl_scan_py_dir(a, src->dir, NULL, 0, &sites, err) != 0)
        return -1;
    src->site_locs = sl_alloc(a, (sites.n + 1) * sizeof *src->site_locs);
    src->specs = sl_alloc(a, (sites.n + 1) * sizeof *src->specs);
    for (size_t i = 0; i < sites.n; i++) {
        sl_py_site *p = sites.items[i];
        const sl_site *site = sl_catalog_match(p, sl_catalog, sl_catalog_len);
        site_paths(s, src->dir, p);
        /* One copy of each name, so rule lookups can go by its address. */
        for (size_t d = 0; d < p->ndims; d++)
            p->logical[d] = session_intern(s, p->logical[d]);
        if (site)
            site_loc_of(p, site, &src->site_locs[src->nsite_locs++]);
        else
            spec_of(a, p, &src->specs[src->nspecs++]);
    }
    return 0;
}

/* A folder's scan, made the first time a target asks for it. A folder that
 * cannot be scanned is tried again next time. */
static int source_get(sl_session *s, const char *dir, session_source **out, sl_err *err)
{
    session_source *src = session_source_slot(s, dir);
    if (!src->scanned) {
        src->nsite_locs = src->nspecs = 0;
        if (sources_scan(s, src, err) != 0)
            return -1;
        src->scanned = true;
    }
    *out = src;
    return 0;
}

/* The model code a config's checkout has, kept by the config's folder: the
 * search is a walk up the tree, and every target asks. */
static const char *model_code_of(sl_session *s, const char *config)
{
    sl_arena *scratch = sl_arena_new();
    const char *key = sl_sprintf(scratch, "code:%s", sl_path_dir(scratch, config));
    const char *found = session_memo_get(s, key);
    if (!found) {
        found = session_intern(s, sl_scan_find_source(scratch, config));
        session_memo_put(s, key, (void *)(found ? found : ""));
    }
    sl_arena_free(scratch);
    return found && *found ? found : NULL;
}

/* The folders a target's model code comes from: --source, else the
 * checkout its config is in (a checkout that cannot be scanned gives none). */
static int source_dirs(sl_session *s, sl_arena *a, const sl_check_opts *o, const target *t,
                       sl_vec *dirs, sl_err *err)
{
    session_source *src;
    for (size_t i = 0; i < o->nsources; i++) {
        if (source_get(s, o->sources[i], &src, err) != 0)
            return -1;
        sl_vec_push(a, dirs, (void *)src);
    }
    if (o->nsources)
        return 0;
    const char *found = model_code_of(s, t->config_path);
    sl_err ignored;
    if (found && source_get(s, found, &src, &ignored) == 0)
        sl_vec_push(a, dirs, (void *)src);
    return 0;
}

/* dirs' specs after the user's, and their site locations. Each target
 * shares the arrays of its folder rather than copying them: a folder of
 * model code holds about a thousand specs, and a run has hundreds of
 * targets. */
static void combine(sl_session *s, sl_arena *a, const sl_check_opts *o, sl_vec *dirs,
                    sl_scenario *sc)
{
    sc->specs = o->specs;
    sc->nspecs = o->nspecs;
    if (dirs->n == 1) {
        session_source *src = dirs->items[0];
        if (o->nspecs && src->user_specs != o->specs) {
            src->user_specs = o->specs;
            src->with_user = sl_array_concat(session_arena(s), o->specs, o->nspecs, src->specs,
                                             src->nspecs, sizeof *src->specs);
        }
        sc->specs = o->nspecs ? src->with_user : src->specs;
        sc->nspecs = o->nspecs + src->nspecs;
        sc->site_locs = src->site_locs;
        sc->nsite_locs = src->nsite_locs;
        return;
    }
    for (size_t i = 0; i < dirs->n; i++) {
        const session_source *src = dirs->items[i];
        sc->specs = sl_array_concat(a, sc->specs, sc->nspecs, src->specs, src->nspecs,
                                    sizeof *src->specs);
        sc->nspecs += src->nspecs;
        sc->site_locs = sl_array_concat(a, sc->site_locs, sc->nsite_locs, src->site_locs,
                                        src->nsite_locs, sizeof *src->site_locs);
        sc->nsite_locs += src->nsite_locs;
    }
}

int sources_apply(sl_session *s, sl_arena *a, const sl_check_opts *o, target *t, sl_err *err)
{
    sl_vec dirs = {0};
    if (source_dirs(s, a, o, t, &dirs, err) != 0)
        return -1;
    combine(s, a, o, &dirs, &t->scenario);
    return 0;
}
