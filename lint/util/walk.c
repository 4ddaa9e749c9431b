/* The directory walk every folder-reading stage uses. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shardlint/util.h"

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool skipped(const char *name)
{
    return name[0] == '.' || strcmp(name, "__pycache__") == 0;
}

/* The names in one directory, sorted; NULL (errno set) when it cannot be
 * opened. */
static char **list_dir(const char *dir, size_t *count)
{
    DIR *d = opendir(dir);
    if (!d)
        return NULL;
    size_t n = 0, cap = 64;
    char **names = malloc(cap * sizeof *names);
    struct dirent *e;
    while (names && (e = readdir(d)) != NULL) {
        if (skipped(e->d_name))
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
    sl_walk_fn fn;
    void *ctx;
} walk;

static int visit(walk *w, const char *path, const char *rel, int depth);

static int walk_dir(walk *w, const char *path, const char *rel, int depth)
{
    size_t n = 0;
    char **names = list_dir(path, &n);
    if (!names) {
        struct stat st = {0};
        sl_walk_entry e = {path, rel, &st, errno ? errno : EIO};
        return w->fn(w->ctx, &e);
    }
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        char *full = NULL, *sub = NULL;
        if (rc == 0 && asprintf(&full, "%s/%s", path, names[i]) >= 0 &&
            asprintf(&sub, "%s%s%s", rel, *rel ? "/" : "", names[i]) >= 0)
            rc = visit(w, full, sub, depth);
        free(full);
        free(sub);
        free(names[i]);
    }
    free(names);
    return rc;
}

static int visit(walk *w, const char *path, const char *rel, int depth)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return 0; /* gone since it was listed */
    if (!S_ISDIR(st.st_mode)) {
        sl_walk_entry e = {path, rel, &st, 0};
        return w->fn(w->ctx, &e);
    }
    return depth < SL_WALK_MAX_DEPTH ? walk_dir(w, path, rel, depth + 1) : 0;
}

int sl_walk(const char *dir, sl_walk_fn fn, void *ctx, sl_err *err)
{
    errno = 0;
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        sl_err_set(err, (sl_loc){.file = dir}, "cannot read this directory: %s",
                   errno ? strerror(errno) : "not a directory");
        return -1;
    }
    walk w = {fn, ctx};
    return walk_dir(&w, dir, "", 0) < 0 ? -1 : 0;
}
