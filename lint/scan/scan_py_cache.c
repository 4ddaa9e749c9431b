/* A folder's Python scan kept between runs, file by file: a single-config
 * run spends most of its time scanning model code that has not changed
 * since the last run.
 *
 * An entry holds one file's sites and constants and is used only when the
 * file's size, inode, device and modification and change times are the ones
 * it was scanned with, and the cache was written by this build of the
 * scanner (SHARDLINT_SCAN_ID, a hash of the scanner's sources). Everything
 * read from the cache is checked against the bytes there are; a cache that
 * does not parse is ignored. Where the cache is kept (the repository's git
 * directory) is chosen so that nothing a pull request commits can be read as
 * one. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scan_internal.h"

#define CACHE_MAGIC "SLPYSCN2"
#define NO_STRING 0xffffffffu
#define SIG_WORDS 7

/* What identifies a file's content without reading it. */
static void signature(const struct stat *st, uint64_t sig[SIG_WORDS])
{
    uint64_t s[SIG_WORDS] = {(uint64_t)st->st_size, (uint64_t)st->st_ino, (uint64_t)st->st_dev,
                             (uint64_t)st->st_mtim.tv_sec, (uint64_t)st->st_mtim.tv_nsec,
                             (uint64_t)st->st_ctim.tv_sec, (uint64_t)st->st_ctim.tv_nsec};
    memcpy(sig, s, sizeof s);
}

/* ---- writing ---------------------------------------------------------------- */

typedef struct {
    char *s;
    size_t n, cap;
    bool failed;
} out_buf;

static void put(out_buf *b, const void *p, size_t n)
{
    if (b->failed)
        return;
    if (b->n + n > b->cap) {
        size_t cap = b->cap ? b->cap : 1 << 16;
        while (cap < b->n + n)
            cap *= 2;
        char *s = realloc(b->s, cap);
        if (!s) {
            b->failed = true;
            return;
        }
        b->s = s;
        b->cap = cap;
    }
    if (n) /* an empty string may come as NULL */
        memcpy(b->s + b->n, p, n);
    b->n += n;
}

static void put_u64(out_buf *b, uint64_t v)
{
    put(b, &v, sizeof v);
}

static void put_u32(out_buf *b, uint32_t v)
{
    put(b, &v, sizeof v);
}

static void put_str(out_buf *b, const char *s)
{
    size_t n = s ? strlen(s) : 0;
    put_u32(b, s ? (uint32_t)n : NO_STRING);
    put(b, s, n);
}

static void put_pos(out_buf *b, sl_loc l)
{
    put_u32(b, (uint32_t)l.line);
    put_u32(b, (uint32_t)l.col);
}

static void put_guard(out_buf *b, const sl_py_guard *g)
{
    put_u32(b, (uint32_t)g->mesh | (uint32_t)g->negated << 1);
    put_u32(b, (uint32_t)g->op);
    put_str(b, g->name);
    put_str(b, g->alt);
    put_str(b, g->value);
    put_str(b, g->value_ref);
    put_str(b, g->text);
    put_pos(b, g->loc);
}

static void put_site(out_buf *b, const sl_py_site *s)
{
    put_pos(b, s->loc);
    put_pos(b, s->use);
    const char *names[] = {s->function, s->klass, s->variable, s->carrier, s->keyword,
                           s->result};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        put_str(b, names[i]);
    put_u32(b, (uint32_t)s->ndims | (uint32_t)s->index_array << 16);
    for (size_t d = 0; d < s->ndims; d++) {
        put_str(b, s->logical[d]);
        put_pos(b, s->dim_locs[d]);
    }
    put_u32(b, (uint32_t)s->nguards);
    for (size_t g = 0; g < s->nguards; g++)
        put_guard(b, &s->guards[g]);
}

static void put_results(out_buf *b, const py_cache_file *f)
{
    put_u32(b, (uint32_t)f->sites->n);
    for (size_t i = 0; i < f->sites->n; i++)
        put_site(b, f->sites->items[i]);
    put_u32(b, (uint32_t)f->consts->n);
    for (size_t i = 0; i < f->consts->n; i++) {
        const sl_py_const *c = f->consts->items[i];
        put_str(b, c->name);
        put_str(b, c->value);
    }
}

/* A file's entry: its path and signature, then the length of its results so
 * that opening the cache indexes it without reading them. */
static void put_file(out_buf *b, const py_cache_file *f)
{
    put_str(b, f->rel);
    uint64_t sig[SIG_WORDS];
    signature(&f->st, sig);
    for (size_t i = 0; i < SIG_WORDS; i++)
        put_u64(b, sig[i]);
    size_t len_at = b->n;
    put_u64(b, 0);
    size_t start = b->n;
    put_results(b, f);
    if (!b->failed) {
        uint64_t len = b->n - start;
        memcpy(b->s + len_at, &len, sizeof len);
    }
}

/* Written whole to a temporary file and renamed over the old cache, so a
 * reader (another run) sees the old cache or the new one, never half. A
 * cache that cannot be written is no error: the next run scans again. */
void py_cache_write(const char *path, const py_cache_file *files, size_t n)
{
    out_buf b = {0};
    put(&b, CACHE_MAGIC, 8);
    put_str(&b, SHARDLINT_SCAN_ID);
    put_u64(&b, n);
    for (size_t i = 0; i < n; i++)
        put_file(&b, &files[i]);
    size_t len = strlen(path);
    char *tmp = malloc(len + 16);
    if (!b.failed && tmp) {
        snprintf(tmp, len + 16, "%s.tmpXXXXXX", path);
        int fd = mkstemp(tmp);
        bool ok = fd >= 0 && write(fd, b.s, b.n) == (ssize_t)b.n;
        if (fd >= 0)
            ok = close(fd) == 0 && ok;
        if (fd >= 0 && (!ok || rename(tmp, path) != 0))
            unlink(tmp);
    }
    free(tmp);
    free(b.s);
}

/* ---- reading ---------------------------------------------------------------- */

typedef struct {
    const char *p, *end;
    bool bad;
} in_buf;

static void take(in_buf *b, void *out, size_t n)
{
    if (b->bad || (size_t)(b->end - b->p) < n) {
        b->bad = true;
        memset(out, 0, n);
        return;
    }
    memcpy(out, b->p, n);
    b->p += n;
}

static uint64_t get_u64(in_buf *b)
{
    uint64_t v;
    take(b, &v, sizeof v);
    return v;
}

static uint32_t get_u32(in_buf *b)
{
    uint32_t v;
    take(b, &v, sizeof v);
    return v;
}

static const char *get_str(in_buf *b, sl_arena *a)
{
    uint32_t n = get_u32(b);
    if (b->bad || n == NO_STRING)
        return NULL;
    if ((size_t)(b->end - b->p) < n) {
        b->bad = true;
        return NULL;
    }
    const char *s = sl_strndup(a, b->p, n);
    b->p += n;
    return s;
}

static sl_loc get_pos(in_buf *b, const char *file)
{
    int line = (int)get_u32(b), col = (int)get_u32(b);
    return line > 0 ? (sl_loc){.file = file, .line = line, .col = col} : (sl_loc){0};
}

static void get_guard(in_buf *b, sl_arena *a, const char *file, sl_py_guard *g)
{
    uint32_t flags = get_u32(b);
    g->mesh = flags & 1;
    g->negated = flags & 2;
    uint32_t op = get_u32(b);
    if (op > SL_COND_OP_LAST)
        b->bad = true;
    g->op = (sl_cond_op)op;
    g->name = get_str(b, a);
    g->alt = get_str(b, a);
    g->value = get_str(b, a);
    g->value_ref = get_str(b, a);
    g->text = get_str(b, a);
    g->loc = get_pos(b, file);
}

/* The smallest a guard can be written in: a bound on how many the bytes
 * left can hold. */
#define GUARD_MIN_BYTES (2 * 4 + 5 * 4 + 2 * 4)

static sl_py_site *get_site(in_buf *b, sl_arena *a, const char *file)
{
    sl_py_site *s = sl_alloc(a, sizeof *s);
    s->loc = get_pos(b, file);
    s->use = get_pos(b, file);
    const char **names[] = {&s->function, &s->klass, &s->variable, &s->carrier, &s->keyword,
                            &s->result};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        *names[i] = get_str(b, a);
    uint32_t dims = get_u32(b);
    s->ndims = dims & 0xffff;
    s->index_array = dims >> 16;
    if (s->ndims > SL_MAX_DIMS)
        b->bad = true;
    for (size_t d = 0; d < s->ndims && !b->bad; d++) {
        s->logical[d] = get_str(b, a);
        s->dim_locs[d] = get_pos(b, file);
    }
    uint32_t ng = get_u32(b);
    if (ng > (size_t)(b->end - b->p) / GUARD_MIN_BYTES)
        b->bad = true;
    if (b->bad)
        return s;
    sl_py_guard *g = sl_alloc(a, (ng + 1) * sizeof *g);
    for (uint32_t i = 0; i < ng; i++)
        get_guard(b, a, file, &g[i]);
    s->guards = g;
    s->nguards = ng;
    return s;
}

typedef struct {
    uint64_t sig[SIG_WORDS];
    const char *results, *end;
} cache_entry;

struct py_cache {
    sl_strmap at;            /* rel path -> index into entries */
    cache_entry *entries;
};

/* The cache at path, indexed by file; NULL when there is none or it is not
 * this build's. Its bytes are kept in `a`. */
py_cache *py_cache_open(sl_arena *a, const char *path)
{
    char *text;
    size_t len;
    sl_err ignored;
    if (sl_file_read(path, SL_PY_CACHE_MAX, (sl_loc){0}, &text, &len, &ignored) != 0)
        return NULL;
    char *bytes = sl_strndup(a, text, len);
    free(text);
    in_buf b = {bytes, bytes + len, false};
    char magic[8];
    take(&b, magic, sizeof magic);
    const char *id = get_str(&b, a);
    uint64_t n = get_u64(&b);
    if (b.bad || memcmp(magic, CACHE_MAGIC, 8) != 0 || !id ||
        strcmp(id, SHARDLINT_SCAN_ID) != 0 || n > len)
        return NULL;
    py_cache *c = sl_alloc(a, sizeof *c);
    c->entries = sl_alloc(a, ((size_t)n + 1) * sizeof *c->entries);
    for (uint64_t i = 0; i < n; i++) {
        cache_entry *e = &c->entries[i];
        const char *rel = get_str(&b, a);
        for (int k = 0; k < SIG_WORDS; k++)
            e->sig[k] = get_u64(&b);
        uint64_t rlen = get_u64(&b);
        if (b.bad || !rel || rlen > (uint64_t)(b.end - b.p))
            return NULL;
        e->results = b.p;
        e->end = b.p + rlen;
        b.p += rlen;
        sl_strmap_put(a, &c->at, rel, (size_t)i);
    }
    return c;
}

/* A file's results from the cache, when its entry is for the file as it is
 * now: appended to sites and consts (consts may be NULL), and true. Nothing
 * is appended when the entry does not parse. */
bool py_cache_take(py_cache *c, sl_arena *a, const char *rel, const struct stat *st,
                   const char *display, sl_vec *sites, sl_vec *consts)
{
    size_t at;
    uint64_t now[SIG_WORDS];
    if (!c || !sl_strmap_get(&c->at, rel, &at))
        return false;
    const cache_entry *e = &c->entries[at];
    signature(st, now);
    if (memcmp(now, e->sig, sizeof now) != 0)
        return false;
    in_buf b = {e->results, e->end, false};
    sl_vec got = {0}, named = {0};
    uint32_t ns = get_u32(&b);
    for (uint32_t i = 0; i < ns && !b.bad; i++)
        sl_vec_push(a, &got, get_site(&b, a, display));
    uint32_t nc = get_u32(&b);
    for (uint32_t i = 0; i < nc && !b.bad; i++) {
        sl_py_const *k = sl_alloc(a, sizeof *k);
        k->name = get_str(&b, a);
        k->value = get_str(&b, a);
        sl_vec_push(a, &named, k);
    }
    if (b.bad || b.p != b.end)
        return false;
    for (size_t i = 0; i < got.n; i++)
        sl_vec_push(a, sites, got.items[i]);
    for (size_t i = 0; consts && i < named.n; i++)
        sl_vec_push(a, consts, named.items[i]);
    return true;
}
