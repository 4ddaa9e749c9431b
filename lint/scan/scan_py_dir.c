/* A folder of model code, scanned file by file on every core: the scan of
 * a checkout's Python is most of a single-config run, and files are
 * independent. Files the cache has as they are now are not scanned again.
 * Results come out in name order whatever the threads did. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scan_internal.h"

/* More threads than this gain nothing on a checkout's few hundred files. */
#define SCAN_MAX_THREADS 8

typedef struct {
    const char *path;
    const char *rel;
    struct stat st;
    bool cached;         /* its results came from the cache */
    sl_vec sites;        /* sl_py_site *, in the arena of the thread that scanned it */
    sl_vec consts;       /* sl_py_const *, likewise */
    int rc;
    sl_err err;
} py_file;

typedef struct {
    sl_arena *a;
    sl_vec files;        /* py_file * */
    sl_err *err;
    const char *const *known;
    size_t nknown;
    bool want_consts;
    size_t next;         /* the next file to take, shared by the threads */
    pthread_mutex_t lock;
} py_dir;

static int list_file(void *ctx, const sl_walk_entry *e)
{
    py_dir *d = ctx;
    if (e->error) {
        sl_err_set(d->err, (sl_loc){.file = e->path}, "cannot read directory %s: %s", e->path,
                   strerror(e->error));
        return -1;
    }
    if (!S_ISREG(e->st->st_mode) || !sl_path_has_suffix(e->rel, ".py"))
        return 0;
    py_file *f = sl_alloc(d->a, sizeof *f);
    f->path = sl_strdup(d->a, e->path);
    f->rel = sl_strdup(d->a, e->rel);
    f->st = *e->st;
    sl_vec_push(d->a, &d->files, f);
    return 0;
}

static py_file *take(py_dir *d)
{
    pthread_mutex_lock(&d->lock);
    py_file *f = NULL;
    while (!f && d->next < d->files.n) {
        f = d->files.items[d->next++];
        f = f->cached ? NULL : f;
    }
    pthread_mutex_unlock(&d->lock);
    return f;
}

/* Each worker scans into an arena of its own; the caller's arena adopts it
 * once the worker is done. */
static void *worker(void *arg)
{
    py_dir *d = arg;
    sl_arena *a = sl_arena_new();
    for (py_file *f; (f = take(d));)
        f->rc = sl_scan_py_file(a, f->path, f->rel, d->known, d->nknown, &f->sites,
                                d->want_consts ? &f->consts : NULL, &f->err);
    return a;
}

static size_t thread_count(size_t nfiles)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    size_t n = cores > 1 ? (size_t)cores : 1;
    n = n < SCAN_MAX_THREADS ? n : SCAN_MAX_THREADS;
    return n < nfiles ? n : (nfiles ? nfiles : 1);
}

static void run_workers(py_dir *d)
{
    pthread_t threads[SCAN_MAX_THREADS];
    size_t n = thread_count(d->files.n), started = 0;
    for (; started + 1 < n; started++)
        if (pthread_create(&threads[started], NULL, worker, d) != 0)
            break;
    sl_arena_adopt(d->a, worker(d));
    for (size_t i = 0; i < started; i++) {
        void *a;
        pthread_join(threads[i], &a);
        sl_arena_adopt(d->a, a);
    }
}

/* Files the cache has as they are now; the number taken from it. */
static size_t take_cached(py_dir *d, py_cache *c)
{
    size_t n = 0;
    for (size_t i = 0; c && i < d->files.n; i++) {
        py_file *f = d->files.items[i];
        f->cached = py_cache_take(c, d->a, f->rel, &f->st, f->rel, &f->sites, &f->consts);
        n += f->cached;
    }
    return n;
}

static void write_cache(sl_arena *a, const char *path, const py_dir *d)
{
    py_cache_file *files = sl_alloc(a, (d->files.n + 1) * sizeof *files);
    for (size_t i = 0; i < d->files.n; i++) {
        const py_file *f = d->files.items[i];
        files[i] = (py_cache_file){f->rel, f->st, &f->sites, &f->consts};
    }
    py_cache_write(path, files, d->files.n);
}

int sl_scan_py_dir(sl_arena *a, const char *dir, const char *const *known, size_t nknown,
                   const char *cache, sl_vec *sites, sl_vec *consts, sl_err *err)
{
    /* A cache must hold everything any later run can ask for. */
    bool caching = cache && !known;
    py_dir d = {.a = a, .err = err, .known = known, .nknown = nknown,
                .want_consts = consts || caching};
    if (sl_walk(dir, list_file, &d, err) != 0)
        return -1;
    size_t hits = caching ? take_cached(&d, py_cache_open(a, cache)) : 0;
    pthread_mutex_init(&d.lock, NULL);
    if (hits < d.files.n)
        run_workers(&d);
    pthread_mutex_destroy(&d.lock);
    for (size_t i = 0; i < d.files.n; i++) {
        py_file *f = d.files.items[i];
        if (f->rc != 0) {
            *err = f->err;
            return -1;
        }
        for (size_t k = 0; k < f->sites.n; k++)
            sl_vec_push(a, sites, f->sites.items[k]);
        for (size_t k = 0; consts && k < f->consts.n; k++)
            sl_vec_push(a, consts, f->consts.items[k]);
    }
    if (caching && hits < d.files.n)
        write_cache(a, cache, &d);
    return 0;
}
