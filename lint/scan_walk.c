/* What both source scanners need from the file system and PCRE2. */
#include "scan_internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Deeper trees than this are not source checkouts; stopping also bounds
 * what a pathological tree can cost. */
#define WALK_MAX_DEPTH 48

int scan_read(const char *path, size_t max, char **buf, size_t *len, sl_err *err)
{
    sl_loc loc = {.file = path};
    int fd = open(path, O_RDONLY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0) {
        sl_err_set(err, loc, "cannot read %s: %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    if ((size_t)st.st_size > max) {
        close(fd);
        return 1;
    }
    size_t cap = (size_t)st.st_size + 1, n = 0;
    char *b = malloc(cap);
    if (!b) {
        close(fd);
        sl_err_set(err, loc, "%s: out of memory", path);
        return -1;
    }
    for (;;) {
        if (n + 1 == cap) {
            /* The file grew while we read it; read no more than max. */
            if (cap > max)
                break;
            char *nb = realloc(b, cap * 2);
            if (!nb)
                break;
            b = nb;
            cap *= 2;
        }
        ssize_t got = read(fd, b + n, cap - n - 1);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            sl_err_set(err, loc, "cannot read %s: %s", path, strerror(errno));
            free(b);
            close(fd);
            return -1;
        }
        if (got == 0)
            break;
        n += (size_t)got;
    }
    close(fd);
    b[n] = '\0';
    *buf = b;
    *len = n;
    return 0;
}

bool scan_is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

bool scan_is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

/* The names in one directory, sorted; NULL when it cannot be opened. */
static char **list_dir(const char *dir, size_t *count)
{
    DIR *d = opendir(dir);
    if (!d)
        return NULL;
    size_t n = 0, cap = 64;
    char **names = malloc(cap * sizeof *names);
    struct dirent *e;
    while (names && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' || strcmp(e->d_name, "__pycache__") == 0)
            continue;
        if (n == cap) {
            char **nn = realloc(names, (cap *= 2) * sizeof *names);
            if (!nn)
                break;
            names = nn;
        }
        names[n] = strdup(e->d_name);
        if (names[n])
            n++;
    }
    closedir(d);
    if (names)
        qsort(names, n, sizeof *names, name_cmp);
    *count = n;
    return names;
}

typedef struct {
    const char *suffix;
    scan_file_fn fn;
    void *ctx;
    sl_err *err;
} walk;

static int walk_dir(walk *w, const char *path, const char *rel, int depth)
{
    size_t n = 0;
    char **names = list_dir(path, &n);
    if (!names) {
        sl_err_set(w->err, (sl_loc){.file = path}, "cannot read directory %s: %s", path,
                   strerror(errno));
        return -1;
    }
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        char *full, *sub;
        if (asprintf(&full, "%s/%s", path, names[i]) < 0)
            continue;
        if (asprintf(&sub, "%s%s%s", rel, *rel ? "/" : "", names[i]) < 0) {
            free(full);
            continue;
        }
        struct stat st;
        /* Symlinked directories are not entered: that is what keeps a link
         * back up the tree from looping. */
        if (rc == 0 && lstat(full, &st) == 0) {
            if (S_ISDIR(st.st_mode) && depth < WALK_MAX_DEPTH)
                rc = walk_dir(w, full, sub, depth + 1) < 0 ? -1 : 0;
            else if (!S_ISDIR(st.st_mode) && ends_with(names[i], w->suffix) &&
                     scan_is_file(full))
                rc = w->fn(w->ctx, full, sub, w->err) < 0 ? -1 : 0;
        }
        free(full);
        free(sub);
        free(names[i]);
    }
    free(names);
    return rc;
}

int scan_walk(const char *dir, const char *suffix, scan_file_fn fn, void *ctx, sl_err *err)
{
    if (!scan_is_dir(dir)) {
        sl_err_set(err, (sl_loc){.file = dir}, "%s is not a directory", dir);
        return -1;
    }
    walk w = {suffix, fn, ctx, err};
    return walk_dir(&w, dir, "", 0);
}

static pthread_mutex_t re_lock = PTHREAD_MUTEX_INITIALIZER;

static pcre2_code *re_code(scan_re *re)
{
    pcre2_code *c = __atomic_load_n(&re->code, __ATOMIC_ACQUIRE);
    if (c)
        return c;
    pthread_mutex_lock(&re_lock);
    if (!re->code) {
        int ec;
        PCRE2_SIZE eo;
        c = pcre2_compile((PCRE2_SPTR)re->pattern, PCRE2_ZERO_TERMINATED, re->flags, &ec, &eo,
                          NULL);
        if (c)
            pcre2_jit_compile(c, PCRE2_JIT_COMPLETE); /* interpreter when no JIT */
        __atomic_store_n(&re->code, c, __ATOMIC_RELEASE);
    }
    c = re->code;
    pthread_mutex_unlock(&re_lock);
    return c;
}

bool scan_re_match(scan_re *re, const char *s, size_t len, size_t *ovec, int nov)
{
    pcre2_code *c = re_code(re);
    if (!c)
        return false;
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(c, NULL);
    if (!md)
        return false;
    int rc = pcre2_match(c, (PCRE2_SPTR)s, len, 0, 0, md, NULL);
    if (rc > 0 && ovec) {
        PCRE2_SIZE *o = pcre2_get_ovector_pointer(md);
        int have = (int)pcre2_get_ovector_count(md);
        for (int i = 0; i < 2 * nov; i++)
            ovec[i] = i / 2 < have && i / 2 < rc ? o[i] : PCRE2_UNSET;
    }
    pcre2_match_data_free(md);
    return rc > 0;
}
