/* The session: parsed files by path, merged base_config chains by entry, and
 * scanned source folders, kept for every target of a run.
 *
 * A cached file is checked against the file system (device, inode, size,
 * modification and change times) each time it is asked for and parsed again
 * when it changed; a chain is rebuilt when any file of it was. Memory that a
 * reload replaces is retired, not freed, until the session ends: a target in
 * progress may still point into it. */
#include <stdlib.h>
#include <string.h>

#include "engine_internal.h"

typedef struct {
    dev_t dev;
    ino_t ino;
    off_t size;
    struct timespec mtime, ctime;
} file_sig;

/* An overlay's text, by the file's identity (see overlay_key). */
typedef struct {
    char *text;                /* malloc'd */
    size_t len;
    unsigned version;          /* bumped on every change */
} overlay;

typedef struct {
    const char *path;
    unsigned long long used;   /* the session's clock when last asked for */
    size_t bytes;              /* what the arena held once loaded */
    file_sig sig;
    const overlay *over;       /* what the tree was parsed from, NULL: the disk */
    unsigned over_version;
    unsigned generation;       /* bumped on every (re)load */
    sl_arena *arena;           /* the tree's memory */
    const sl_node *root;
    bool failed;
    sl_err err;
} cached_file;

typedef struct {
    sl_arena *arena;
    unsigned long long used;
    size_t bytes;
    sl_config_chain chain;
    cached_file **files;       /* the chain's files when it was built */
    unsigned *generations;
} cached_chain;

struct sl_session {
    sl_arena *arena;
    sl_config_files files;
    sl_strmap file_at;         /* path -> index into files_v */
    sl_vec files_v;            /* cached_file * */
    sl_strmap chain_at;
    sl_vec chains_v;           /* cached_chain * */
    sl_strmap source_at;
    sl_vec sources_v;          /* session_source * */
    sl_strmap interned;
    sl_vec interned_v;
    sl_strmap memo_at;         /* session_memo keys -> index into memos */
    sl_vec memos;
    sl_strmap tree_at;         /* checkout root -> index into trees */
    sl_vec trees;              /* sl_tree * */
    sl_strmap overlay_at;      /* overlay_key -> index into overlays */
    sl_vec overlays;           /* overlay * */
    sl_vec retired;            /* sl_arena * replaced by reloads */
    unsigned long long clock;  /* bumped on every cache lookup */
    size_t cached_bytes;       /* held by the files' and chains' arenas */
    size_t budget;             /* past this, evict_to_budget drops entries */
    sl_report *reading;        /* the check in progress: files read are its dependencies */
};

static file_sig sig_of(const char *path)
{
    struct stat st;
    file_sig s = {0};
    if (stat(path, &st) == 0)
        s = (file_sig){st.st_dev, st.st_ino, st.st_size, st.st_mtim, st.st_ctim};
    return s;
}

static bool sig_equal(const file_sig *x, const file_sig *y)
{
    return x->dev == y->dev && x->ino == y->ino && x->size == y->size &&
           x->mtime.tv_sec == y->mtime.tv_sec && x->mtime.tv_nsec == y->mtime.tv_nsec &&
           x->ctime.tv_sec == y->ctime.tv_sec && x->ctime.tv_nsec == y->ctime.tv_nsec;
}

static void retire(sl_session *s, sl_arena *a)
{
    if (a)
        sl_vec_push(s->arena, &s->retired, a);
}

/* The one name every spelling of a file shares: its real path, or for a
 * file not on disk its absolute tidied path. */
static const char *overlay_key(sl_arena *a, const char *path)
{
    const char *real = sl_path_real(a, path);
    return real ? real : sl_path_absolute(a, path);
}

static const overlay *overlay_of(sl_session *s, const char *path)
{
    size_t at;
    if (!s->overlays.n)
        return NULL;
    sl_arena *scratch = sl_arena_new();
    bool found = sl_strmap_get(&s->overlay_at, overlay_key(scratch, path), &at);
    sl_arena_free(scratch);
    return found ? s->overlays.items[at] : NULL;
}

void sl_session_set_text(sl_session *s, const char *path, const char *text, size_t len)
{
    const char *key = session_intern(s, overlay_key(s->arena, path));
    size_t at;
    overlay *o;
    if (sl_strmap_get(&s->overlay_at, key, &at)) {
        o = s->overlays.items[at];
        free(o->text);
    } else {
        o = sl_alloc(s->arena, sizeof *o);
        sl_strmap_put(s->arena, &s->overlay_at, key, s->overlays.n);
        sl_vec_push(s->arena, &s->overlays, o);
    }
    o->text = NULL;
    o->len = 0;
    if (text && (o->text = malloc(len + 1))) {
        memcpy(o->text, text, len);
        o->text[len] = '\0';
        o->len = len;
    }
    o->version++;
}

static void file_load(sl_session *s, cached_file *f, file_sig sig, const overlay *o)
{
    retire(s, f->arena);
    s->cached_bytes -= f->bytes;
    f->arena = sl_arena_new();
    f->sig = sig;
    f->over = o && o->text ? o : NULL;
    f->over_version = o ? o->version : 0;
    f->generation++;
    sl_node *root = NULL;
    if (f->over)
        f->failed = sl_yaml_load_text(f->arena, o->text, o->len, f->path, &root, &f->err) != 0;
    else
        f->failed = sl_yaml_load_file(f->arena, f->path, &root, &f->err) != 0;
    f->root = root;
    f->bytes = sl_arena_size(f->arena);
    s->cached_bytes += f->bytes;
}

static bool file_fresh(const cached_file *f, const file_sig *sig, const overlay *o)
{
    if (!f->arena)
        return false;
    if (o && o->text)
        return f->over == o && f->over_version == o->version;
    return !f->over && sig_equal(&f->sig, sig);
}

/* Each file the check in progress reads, once, in its report. */
static void note_read(sl_session *s, const char *path)
{
    sl_report *r = s->reading;
    size_t at;
    if (!r || sl_strmap_get(&r->files_at, path, &at))
        return;
    const char *copy = session_intern(s, path);
    sl_strmap_put(r->arena, &r->files_at, copy, r->files.n);
    sl_vec_push(r->arena, &r->files, (void *)copy);
}

static cached_file *file_get(sl_session *s, const char *path)
{
    size_t at;
    note_read(s, path);
    file_sig sig = sig_of(path);
    const overlay *o = overlay_of(s, path);
    if (sl_strmap_get(&s->file_at, path, &at)) {
        cached_file *f = s->files_v.items[at];
        if (!file_fresh(f, &sig, o))
            file_load(s, f, sig, o);
        f->used = ++s->clock;
        return f;
    }
    cached_file *f = sl_alloc(s->arena, sizeof *f);
    f->path = session_intern(s, path);
    file_load(s, f, sig, o);
    f->used = ++s->clock;
    sl_strmap_put(s->arena, &s->file_at, f->path, s->files_v.n);
    sl_vec_push(s->arena, &s->files_v, f);
    return f;
}

static int files_load(void *ctx, const char *path, const sl_node **out, sl_err *err)
{
    cached_file *f = file_get(ctx, path);
    if (f->failed) {
        *err = f->err;
        return -1;
    }
    *out = f->root;
    return 0;
}

sl_session *sl_session_new(void)
{
    sl_arena *a = sl_arena_new();
    sl_session *s = sl_alloc(a, sizeof *s);
    s->arena = a;
    s->files = (sl_config_files){files_load, s, NULL};
    s->budget = SL_SESSION_CACHE_BYTES;
    return s;
}

void sl_session_free(sl_session *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->files_v.n; i++)
        sl_arena_free(((cached_file *)s->files_v.items[i])->arena);
    for (size_t i = 0; i < s->chains_v.n; i++)
        sl_arena_free(((cached_chain *)s->chains_v.items[i])->arena);
    for (size_t i = 0; i < s->retired.n; i++)
        sl_arena_free(s->retired.items[i]);
    for (size_t i = 0; i < s->overlays.n; i++)
        free(((overlay *)s->overlays.items[i])->text);
    sl_arena_free(s->arena);
}

/* One cache entry, file or chain, for eviction in least-recently-used order. */
typedef struct {
    unsigned long long used;
    cached_file *file;
    cached_chain *chain;
} cache_entry;

static int entry_cmp(const void *x, const void *y)
{
    unsigned long long a = ((const cache_entry *)x)->used, b = ((const cache_entry *)y)->used;
    return (a > b) - (a < b);
}

static void evict(sl_session *s, const cache_entry *e)
{
    if (e->file) {
        sl_arena_free(e->file->arena);
        e->file->arena = NULL;
        e->file->root = NULL;
        s->cached_bytes -= e->file->bytes;
        e->file->bytes = 0;
    } else {
        sl_arena_free(e->chain->arena);
        e->chain->arena = NULL;
        e->chain->files = NULL;
        s->cached_bytes -= e->chain->bytes;
        e->chain->bytes = 0;
    }
}

/* Drops the least recently used files and chains down to three quarters
 * of the budget, so eviction runs seldom. A dropped chain is rebuilt, and a
 * dropped file parsed again, the next time a target needs it: the chains
 * that shared its tree see its generation change. */
static void evict_to_budget(sl_session *s)
{
    if (s->cached_bytes <= s->budget)
        return;
    size_t n = 0;
    cache_entry *all = malloc((s->files_v.n + s->chains_v.n + 1) * sizeof *all);
    if (!all)
        return;
    for (size_t i = 0; i < s->files_v.n; i++) {
        cached_file *f = s->files_v.items[i];
        if (f->arena)
            all[n++] = (cache_entry){f->used, f, NULL};
    }
    for (size_t i = 0; i < s->chains_v.n; i++) {
        cached_chain *c = s->chains_v.items[i];
        if (c->arena)
            all[n++] = (cache_entry){c->used, NULL, c};
    }
    qsort(all, n, sizeof *all, entry_cmp);
    for (size_t i = 0; i < n && s->cached_bytes > s->budget / 4 * 3; i++)
        evict(s, &all[i]);
    free(all);
}

size_t sl_session_cache_bytes(const sl_session *s)
{
    return s->cached_bytes;
}

void sl_session_set_cache_budget(sl_session *s, size_t bytes)
{
    s->budget = bytes;
}

void sl_session_trim(sl_session *s)
{
    for (size_t i = 0; i < s->retired.n; i++)
        sl_arena_free(s->retired.items[i]);
    s->retired.n = 0;
    evict_to_budget(s);
}

int session_read(sl_session *s, const char *path, size_t max, char **buf, size_t *len,
                 sl_err *err)
{
    note_read(s, path);
    const overlay *o = overlay_of(s, path);
    if (!o || !o->text)
        return sl_file_read(path, max, (sl_loc){0}, buf, len, err);
    if (o->len > max) {
        sl_err_set(err, (sl_loc){.file = path, .line = 1, .col = 1},
                   "cannot read: larger than %zu bytes", max);
        return 1;
    }
    *buf = malloc(o->len + 1);
    if (!*buf) {
        sl_err_set(err, (sl_loc){.file = path, .line = 1, .col = 1}, "out of memory");
        return -1;
    }
    memcpy(*buf, o->text, o->len + 1);
    *len = o->len;
    return 0;
}

bool session_has_text(sl_session *s, const char *path)
{
    const overlay *o = overlay_of(s, path);
    return o && o->text;
}

void session_reading(sl_session *s, sl_report *r)
{
    s->reading = r;
}

const sl_config_files *session_files(sl_session *s)
{
    return &s->files;
}

void session_limit(sl_session *s, const sl_check_opts *o)
{
    s->files.tree = o->allow_outside_root ? NULL : session_intern(s, o->root);
}

sl_arena *session_arena(sl_session *s)
{
    return s->arena;
}

const char *session_intern(sl_session *s, const char *text)
{
    size_t at;
    if (!text)
        return NULL;
    if (sl_strmap_get(&s->interned, text, &at))
        return s->interned_v.items[at];
    char *copy = sl_strdup(s->arena, text);
    sl_strmap_put(s->arena, &s->interned, copy, s->interned_v.n);
    sl_vec_push(s->arena, &s->interned_v, copy);
    return copy;
}

/* Every file the chain was built from is unchanged. Asking for a file
 * reloads it when it changed, which bumps its generation. */
static bool chain_fresh(sl_session *s, const cached_chain *c)
{
    for (size_t i = 0; i < c->chain.nfiles; i++)
        if (file_get(s, c->files[i]->path) != c->files[i] ||
            c->files[i]->generation != c->generations[i])
            return false;
    return true;
}

static int chain_build(sl_session *s, cached_chain *c, const char *entry, sl_err *err)
{
    retire(s, c->arena);
    s->cached_bytes -= c->bytes;
    c->bytes = 0;
    c->arena = sl_arena_new();
    if (sl_config_chain_load(c->arena, &s->files, entry, &c->chain, err) != 0)
        return -1;
    size_t n = c->chain.nfiles;
    c->files = sl_alloc(c->arena, (n + 1) * sizeof *c->files);
    c->generations = sl_alloc(c->arena, (n + 1) * sizeof *c->generations);
    for (size_t i = 0; i < n; i++) {
        c->files[i] = file_get(s, c->chain.files[i]);
        c->generations[i] = c->files[i]->generation;
    }
    c->bytes = sl_arena_size(c->arena);
    s->cached_bytes += c->bytes;
    return 0;
}

/* A chain that failed to load is not kept: the file that would mend it may
 * not exist yet, so there is nothing to watch. */
int session_chain(sl_session *s, const char *entry, const sl_config_chain **out, sl_err *err)
{
    size_t at;
    cached_chain *c;
    if (sl_strmap_get(&s->chain_at, entry, &at)) {
        c = s->chains_v.items[at];
        if (c->files && chain_fresh(s, c)) {
            c->used = ++s->clock;
            *out = &c->chain;
            return 0;
        }
    } else {
        c = sl_alloc(s->arena, sizeof *c);
        sl_strmap_put(s->arena, &s->chain_at, session_intern(s, entry), s->chains_v.n);
        sl_vec_push(s->arena, &s->chains_v, c);
    }
    if (chain_build(s, c, entry, err) != 0) {
        c->files = NULL;
        return -1;
    }
    c->used = ++s->clock;
    *out = &c->chain;
    return 0;
}

void *session_memo_get(sl_session *s, const char *key)
{
    size_t at;
    return sl_strmap_get(&s->memo_at, key, &at) ? s->memos.items[at] : NULL;
}

void session_memo_put(sl_session *s, const char *key, void *value)
{
    sl_strmap_put(s->arena, &s->memo_at, sl_strdup(s->arena, key), s->memos.n);
    sl_vec_push(s->arena, &s->memos, value);
}

sl_tree *session_tree_cached(sl_session *s, const char *root)
{
    size_t at;
    if (sl_strmap_get(&s->tree_at, root, &at))
        return s->trees.items[at];
    sl_tree *t = sl_alloc(s->arena, sizeof *t);
    sl_strmap_put(s->arena, &s->tree_at, session_intern(s, root), s->trees.n);
    sl_vec_push(s->arena, &s->trees, t);
    return t;
}

session_source *session_source_slot(sl_session *s, const char *dir)
{
    size_t at;
    if (sl_strmap_get(&s->source_at, dir, &at))
        return s->sources_v.items[at];
    session_source *src = sl_alloc(s->arena, sizeof *src);
    src->dir = session_intern(s, dir);
    sl_strmap_put(s->arena, &s->source_at, src->dir, s->sources_v.n);
    sl_vec_push(s->arena, &s->sources_v, src);
    return src;
}

void report_problem(sl_session *s, sl_report *r, sl_level level, const sl_err *e)
{
    sl_arena *a = r->arena;
    sl_problem *p = sl_alloc(a, sizeof *p);
    p->level = level;
    p->loc = e->loc;
    p->loc.file = session_intern(s, e->loc.file);
    p->message = sl_strdup(a, e->msg);
    sl_vec_push(a, &r->problems, p);
    r->nerrors += level == SL_LEVEL_ERROR;
}
