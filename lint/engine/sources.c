/* Scanned model code -> specs and catalog-site locations for a target. The
 * scanner reports every string tuple it saw and the conditions the code
 * states around it; which of them are catalog sites, and under which config
 * conditions the others exist, is decided here, once per folder.
 *
 * The tree's own code wins over the catalog: a catalog site the code writes
 * with other logical names takes the code's names, and a catalog site the
 * code's file does not have at all is not linted. The catalog is what a tree
 * without model code is linted with. */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

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

static bool in_file(const sl_site *c, const sl_py_site *s)
{
    return c->file && s->loc.file && path_ends_with(s->loc.file, c->file);
}

/* The catalog names a method with its class ("RoutedMoE.__init__"), the
 * scanner by its def. */
static bool same_function(const char *catalog, const char *scanned)
{
    if (!catalog || !scanned)
        return catalog == scanned;
    const char *dot = strrchr(catalog, '.');
    return strcmp(dot ? dot + 1 : catalog, scanned) == 0;
}

/* "self.wi_kernel_axes" is the catalog's "wi_kernel_axes". */
static bool same_variable(const char *catalog, const char *scanned)
{
    if (scanned && strncmp(scanned, "self.", 5) == 0)
        scanned += 5;
    return same(catalog, scanned);
}

static size_t names_differ(const sl_site *c, const sl_py_site *s)
{
    size_t n = 0;
    for (size_t d = 0; d < s->ndims; d++)
        n += !same(c->logical[d], s->logical[d]);
    return n;
}

/* How many of the code's guards on s the catalog site's conditions state too:
 * tells apart sites the code writes alike in different branches. */
static size_t guards_agree(const sl_site *c, const sl_py_site *s)
{
    size_t n = 0;
    for (size_t g = 0; g < s->nguards; g++)
        for (size_t k = 0; k < c->nconds; k++)
            n += !s->guards[g].mesh && strcmp(s->guards[g].name, c->conds[k].key) == 0 &&
                 s->guards[g].op == c->conds[k].op;
    return n;
}

const sl_site *sl_catalog_match(const sl_py_site *s, const sl_site *catalog, size_t n)
{
    const sl_site *best = NULL;
    size_t best_diff = SL_MAX_DIMS + 1, best_agree = 0;
    for (size_t i = 0; i < n; i++) {
        const sl_site *c = &catalog[i];
        const char *var = s->variable ? s->variable : s->result;
        if (!in_file(c, s) || !same_function(c->function, s->function) ||
            c->ndims != s->ndims || (c->variable && !same_variable(c->variable, var)))
            continue;
        size_t diff = names_differ(c, s), agree = guards_agree(c, s);
        /* An inline spec is known by its names alone; a named variable in
         * the same def is the site whatever names this tree gives it. */
        if ((diff == 0 || c->variable) &&
            (diff < best_diff || (diff == best_diff && agree > best_agree))) {
            best = c;
            best_diff = diff;
            best_agree = agree;
        }
    }
    return best;
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

/* ---- the conditions of a scanned spec ---------------------------------------- */

static bool same_cond(const sl_cond *x, const sl_cond *y)
{
    return strcmp(x->key, y->key) == 0 && x->op == y->op && same(x->value, y->value);
}

static bool has_cond(const sl_cond *conds, size_t n, const sl_cond *k)
{
    for (size_t i = 0; i < n; i++)
        if (same_cond(&conds[i], k))
            return true;
    return false;
}

/* The conditions every catalog site of the spec's def shares (or, when the
 * catalog knows no site in that def, every site of its file): code the
 * catalog knows runs only on those paths, whatever this tree's code in it
 * looks like. */
static size_t catalog_conds(const sl_py_site *p, sl_cond *out, size_t max)
{
    for (int pass = 0; pass < 2; pass++) {
        size_t n = 0;
        bool first = true;
        for (size_t i = 0; i < sl_catalog_len; i++) {
            const sl_site *c = &sl_catalog[i];
            if (!in_file(c, p) || (pass == 0 && !same_function(c->function, p->function)))
                continue;
            if (first) {
                for (size_t k = 0; k < c->nconds && n < max; k++)
                    if (!has_cond(out, n, &c->conds[k]))
                        out[n++] = c->conds[k];
                first = false;
                continue;
            }
            size_t kept = 0;
            for (size_t k = 0; k < n; k++)
                if (has_cond(c->conds, c->nconds, &out[k]))
                    out[kept++] = out[k];
            n = kept;
        }
        if (!first)
            return n;
    }
    return 0;
}

/* "ShardMode.EXPLICIT", else with its module prefix dropped
 * ("ctypes.CustomRule.CP_AS_EP" is "CustomRule.CP_AS_EP"). */
static const char *const_value(const sl_strmap *consts, const sl_vec *all, const char *ref)
{
    size_t at;
    for (const char *r = ref; r; r = strchr(r, '.') ? strchr(r, '.') + 1 : NULL) {
        if (r != ref && !strchr(r, '.'))
            break;
        if (sl_strmap_get(consts, r, &at))
            return ((const sl_py_const *)all->items[at])->value;
    }
    return NULL;
}

/* The values of '|'-separated constants (`in (A.X, A.Y)`), NULL when one
 * is not defined in any scanned file. */
static const char *const_values(sl_arena *a, const sl_strmap *consts, const sl_vec *all,
                                const char *refs)
{
    const char *out = NULL;
    for (const char *p = refs; p;) {
        const char *bar = strchr(p, '|');
        const char *ref = bar ? sl_strndup(a, p, (size_t)(bar - p)) : p;
        const char *v = const_value(consts, all, ref);
        if (!v)
            return NULL;
        out = out ? sl_sprintf(a, "%s|%s", out, v) : v;
        p = bar ? bar + 1 : NULL;
    }
    return out;
}

/* A guard the config can answer; false when its value names a constant no
 * scanned file defines. */
static bool guard_cond(sl_arena *a, const sl_py_guard *g, const sl_strmap *consts,
                       const sl_vec *all, const char *file, sl_cond *out)
{
    const char *value = g->value_ref ? const_values(a, consts, all, g->value_ref) : g->value;
    if (g->value_ref && !value)
        return false;
    *out = (sl_cond){.key = g->name, .op = g->op, .value = value, .mesh = g->mesh, .alt = g->alt,
                     .lenient = true, .text = g->text, .negated = g->negated, .loc = g->loc};
    out->loc.file = file;
    return true;
}

static void spec_conds(sl_arena *a, const sl_py_site *p, bool catalog_file,
                       const sl_strmap *consts, const sl_vec *all, sl_spec *out)
{
    size_t nfamily = 0, at = 0;
    for (const sl_code_file *f; (f = sl_code_file_next(p->loc.file, p->klass, p->function, &at));)
        nfamily += f->nconds;
    sl_cond cat[SL_SITE_MAX_CONDS];
    size_t ncat = catalog_file ? catalog_conds(p, cat, SL_SITE_MAX_CONDS) : 0;
    /* Most scanned specs have no condition at all: nothing to allocate. */
    if (nfamily + ncat + p->nguards == 0)
        return;
    sl_cond *conds = sl_alloc(a, (nfamily + ncat + p->nguards) * sizeof *conds);
    size_t n = 0;
    at = 0;
    for (const sl_code_file *f; (f = sl_code_file_next(p->loc.file, p->klass, p->function, &at));)
        for (size_t i = 0; i < f->nconds; i++)
            conds[n++] = f->conds[i];
    for (size_t i = 0; i < ncat; i++)
        conds[n++] = cat[i];
    for (size_t i = 0; i < p->nguards; i++)
        n += guard_cond(a, &p->guards[i], consts, all, p->loc.file, &conds[n]);
    out->conds = conds;
    out->nconds = n;
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
    if (p->index_array)
        out->not_tensor = "it shards an index array (arange), not an activation";
}

/* Scanned locations are relative to the scanned folder; findings name files
 * as the user reaches them from the working directory. */
/* A scanned file as findings name it; the sites of a file come together,
 * so each file's name is worked out once. */
static const char *shown_path(sl_session *s, const char *dir, const char *rel)
{
    sl_arena *scratch = sl_arena_new();
    const char *file = session_intern(s, sl_path_display(scratch, sl_path_join(scratch, dir, rel)));
    sl_arena_free(scratch);
    return file;
}

static void site_paths(const char *file, sl_py_site *p)
{
    p->loc.file = file;
    if (p->use.file)
        p->use.file = file;
    for (size_t d = 0; d < p->ndims; d++)
        p->dim_locs[d].file = file;
}

/* ---- a folder ------------------------------------------------------------------ */

typedef struct {
    const sl_py_site *first;   /* the scanned site that gives the catalog site its place */
    bool file_scanned;         /* the folder has a spec in the catalog site's file */
    bool def_scanned;          /* ...and in its def */
} catalog_match;

/* A scanned site that is a catalog site: the first one is where the site
 * is; another with the same names is the same tensor written twice (in two
 * branches); one with other names is linted as a spec of its own. */
static bool is_catalog_copy(catalog_match *m, const sl_site *site, const sl_py_site *p)
{
    catalog_match *cm = &m[site - sl_catalog];
    if (!cm->first) {
        cm->first = p;
        return true;
    }
    for (size_t d = 0; d < p->ndims; d++)
        if (!same(cm->first->logical[d], p->logical[d]))
            return false;
    return true;
}

static void mark_scanned_defs(catalog_match *m, const sl_py_site *p)
{
    for (size_t i = 0; i < sl_catalog_len; i++) {
        bool here = in_file(&sl_catalog[i], p);
        m[i].file_scanned |= here;
        m[i].def_scanned |= here && same_function(sl_catalog[i].function, p->function);
    }
}

/* The folder has the catalog site's file but no spec at all in its def: that
 * MaxText version has no such code (the scanner may miss a spec it cannot
 * read, never a whole def's). */
static bool absent(const catalog_match *m)
{
    return !m->first && m->file_scanned && !m->def_scanned;
}

static void add_site_locs(sl_arena *a, session_source *src, const catalog_match *m)
{
    src->site_locs = sl_alloc(a, (sl_catalog_len + 1) * sizeof *src->site_locs);
    for (size_t i = 0; i < sl_catalog_len; i++) {
        sl_site_loc *l = &src->site_locs[src->nsite_locs];
        if (m[i].first)
            site_loc_of(m[i].first, &sl_catalog[i], l);
        else if (absent(&m[i]))
            *l = (sl_site_loc){.site = &sl_catalog[i], .absent = true};
        else
            continue;
        src->nsite_locs++;
    }
}

/* Tests (a tests/ folder, test_*.py, *_test.py) build tensors of their own;
 * no launch runs them. */
static bool is_test_code(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    return strncmp(path, "tests/", 6) == 0 || strstr(path, "/tests/") ||
           strncmp(base, "test_", 5) == 0 || sl_path_has_suffix(base, "_test.py");
}

/* What a scanned file is, worked out once for all its sites (they share the
 * path's memory): test code, or a file the catalog has sites in. */
typedef struct {
    const char *path;
    bool test;
    bool catalog;
} file_kind;

static const file_kind *kind_of(file_kind *k, const sl_py_site *p)
{
    if (k->path == p->loc.file)
        return k;
    k->path = p->loc.file;
    k->test = is_test_code(p->loc.file);
    k->catalog = false;
    for (size_t i = 0; i < sl_catalog_len && !k->catalog; i++)
        k->catalog = in_file(&sl_catalog[i], p);
    return k;
}

static void index_consts(sl_arena *a, const sl_vec *consts, sl_strmap *out)
{
    for (size_t i = 0; i < consts->n; i++)
        sl_strmap_put(a, out, ((const sl_py_const *)consts->items[i])->name, i);
}

/* Every string literal counts as a name here; each lint run keeps the specs
 * that name something its own rules know (see sl_lint_specs). */
/* Where a folder's scan is kept between runs: the git directory of the
 * repository it is in, which no checkout's content can write to (a pull
 * request cannot plant a cache there). NULL outside a repository. */
static const char *cache_file(sl_arena *a, const char *dir)
{
    const char *git = sl_path_git_dir(a, dir);
    const char *folder = git ? sl_path_join(a, git, "shardlint") : NULL;
    if (!folder || (mkdir(folder, 0700) != 0 && errno != EEXIST))
        return NULL;
    const char *real = sl_path_real(a, dir);
    return sl_sprintf(a, "%s/py-%016llx.cache", folder,
                      (unsigned long long)sl_hash_str(real ? real : dir));
}

static int sources_scan(sl_session *s, session_source *src, bool cache, sl_err *err)
{
    sl_arena *a = session_arena(s);
    sl_vec sites = {0}, consts = {0};
    sl_arena *scratch = sl_arena_new();
    const char *file = cache ? cache_file(scratch, src->dir) : NULL;
    int rc = sl_scan_py_dir(a, src->dir, NULL, 0, file, &sites, &consts, err);
    sl_arena_free(scratch);
    if (rc != 0)
        return -1;
    sl_strmap const_at = {0};
    const char *rel = NULL, *shown = NULL;
    index_consts(a, &consts, &const_at);
    catalog_match *m = sl_alloc(a, (sl_catalog_len + 1) * sizeof *m);
    src->specs = sl_alloc(a, (sites.n + 1) * sizeof *src->specs);
    file_kind kind = {0};
    for (size_t i = 0; i < sites.n; i++) {
        sl_py_site *p = sites.items[i];
        const file_kind *k = kind_of(&kind, p);
        if (k->test)
            continue;
        const sl_site *site = k->catalog ? sl_catalog_match(p, sl_catalog, sl_catalog_len) : NULL;
        if (k->catalog)
            mark_scanned_defs(m, p);
        if (!rel || strcmp(rel, p->loc.file) != 0) {
            rel = p->loc.file;
            shown = shown_path(s, src->dir, rel);
        }
        site_paths(shown, p);
        /* One copy of each name, so rule lookups can go by its address. */
        for (size_t d = 0; d < p->ndims; d++)
            p->logical[d] = session_intern(s, p->logical[d]);
        if (site && is_catalog_copy(m, site, p))
            continue;
        sl_spec *spec = &src->specs[src->nspecs++];
        spec_of(a, p, spec);
        spec_conds(a, p, k->catalog, &const_at, &consts, spec);
    }
    add_site_locs(a, src, m);
    return 0;
}

/* A folder's scan, made the first time a target asks for it. A folder that
 * cannot be scanned is tried again next time. */
static int source_get(sl_session *s, const char *dir, bool cache, session_source **out,
                      sl_err *err)
{
    session_source *src = session_source_slot(s, dir);
    if (!src->scanned) {
        src->nsite_locs = src->nspecs = 0;
        if (sources_scan(s, src, cache, err) != 0)
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
        if (source_get(s, o->sources[i], o->cache, &src, err) != 0)
            return -1;
        sl_vec_push(a, dirs, (void *)src);
    }
    if (o->nsources)
        return 0;
    const char *found = model_code_of(s, t->config_path);
    sl_err ignored;
    if (found && source_get(s, found, o->cache, &src, &ignored) == 0)
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
