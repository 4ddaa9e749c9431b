/* Files the run writes (--output, --fix), whole or not at all, in two
 * steps so that several files can be written all or none: prepare renders
 * the content and does everything that can fail for want of space or
 * permission; commit puts it in place.
 *
 * A regular file is replaced through a temporary file beside it that takes
 * its mode, owner and group. When the owner cannot be given (another user's
 * file, writable through its group) or the file has other hard links, it is
 * written in place instead, its new size reserved first so that a full disk
 * fails before the first byte changes. A read-only file is never written.
 * What is not a regular file (a pipe, /dev/stdout) is written as it is. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shardlint/emit.h"

typedef enum { OUT_STREAM, OUT_RENAME, OUT_IN_PLACE } out_kind;

struct sl_pending {
    out_kind kind;
    const char *path;     /* as given, for messages */
    char *target;         /* the file written: path with symlinks resolved */
    char *tmp;            /* OUT_RENAME: the temporary file */
    int fd;               /* OUT_IN_PLACE: the file, opened for writing */
    char *text;           /* the content */
    size_t len;
};

static int fail(sl_err *err, const char *path, const char *why)
{
    sl_err_set(err, (sl_loc){.file = path}, "cannot write: %s", why);
    return -1;
}

/* The content, rendered into memory before any file is touched. */
static int render(sl_pending *p, int (*write)(FILE *, void *), void *ctx)
{
    FILE *f = open_memstream(&p->text, &p->len);
    if (!f)
        return -1;
    int rc = write(f, ctx);
    rc |= fclose(f) != 0;
    return rc ? -1 : 0;
}

static bool read_only(const struct stat *st)
{
    return (st->st_mode & 0222) == 0;
}

static int write_all(int fd, const char *text, size_t len)
{
    for (size_t at = 0; at < len;) {
        ssize_t n = pwrite(fd, text + at, len - at, (off_t)at);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        at += (size_t)n;
    }
    return 0;
}

/* A temporary file beside the target with its mode, owner and group; -1
 * with errno when any of them cannot be given. */
static int prepare_rename(sl_pending *p, const struct stat *old, bool exists)
{
    size_t n = strlen(p->target);
    p->tmp = malloc(n + 16);
    if (!p->tmp)
        return -1;
    snprintf(p->tmp, n + 16, "%s.tmpXXXXXX", p->target);
    int fd = mkstemp(p->tmp);
    if (fd < 0) {
        free(p->tmp);
        p->tmp = NULL;
        return -1;
    }
    mode_t mask = umask(0);
    umask(mask);
    int rc = fchmod(fd, exists ? old->st_mode & 07777 : 0666 & ~mask);
    if (rc == 0 && exists && (old->st_uid != geteuid() || old->st_gid != getegid()))
        rc = fchown(fd, old->st_uid, old->st_gid);
    if (rc == 0)
        rc = write_all(fd, p->text, p->len) || fsync(fd);
    int saved = errno;
    rc |= close(fd);
    if (rc) {
        unlink(p->tmp);
        free(p->tmp);
        p->tmp = NULL;
        errno = saved;
    }
    return rc ? -1 : 0;
}

static int prepare_in_place(sl_pending *p)
{
    p->fd = open(p->target, O_WRONLY | O_CLOEXEC | O_NONBLOCK);
    if (p->fd < 0)
        return -1;
    int rc = p->len ? posix_fallocate(p->fd, 0, (off_t)p->len) : 0;
    if (rc == 0)
        return 0;
    close(p->fd);
    p->fd = -1;
    errno = rc;
    return -1;
}

static int prepare_file(sl_pending *p, sl_err *err)
{
    struct stat st;
    bool exists = stat(p->path, &st) == 0;
    if (exists && !S_ISREG(st.st_mode)) {
        p->kind = OUT_STREAM;
        return 0;
    }
    if (exists && (read_only(&st) || access(p->path, W_OK) != 0))
        return fail(err, p->path, "the file is read-only; shardlint does not overwrite it");
    char real[PATH_MAX];
    p->target = strdup(exists && realpath(p->path, real) ? real : p->path);
    if (!p->target)
        return fail(err, p->path, strerror(ENOMEM));
    p->kind = exists && st.st_nlink > 1 ? OUT_IN_PLACE : OUT_RENAME;
    if (p->kind == OUT_RENAME) {
        if (prepare_rename(p, &st, exists) == 0)
            return 0;
        if (!exists)
            return fail(err, p->path, strerror(errno));
        /* The folder takes no new file, or a new file cannot have this
         * one's owner: this file is written instead. */
        p->kind = OUT_IN_PLACE;
    }
    return prepare_in_place(p) == 0 ? 0 : fail(err, p->path, strerror(errno));
}

int sl_output_prepare(const char *path, int (*write)(FILE *, void *), void *ctx,
                      sl_pending **out, sl_err *err)
{
    sl_pending *p = calloc(1, sizeof *p);
    if (!p)
        return fail(err, path, strerror(ENOMEM));
    p->path = path;
    p->fd = -1;
    if (render(p, write, ctx) != 0) {
        sl_output_abort(p);
        return fail(err, path, "the report could not be rendered");
    }
    if (prepare_file(p, err) != 0) {
        sl_output_abort(p);
        return -1;
    }
    *out = p;
    return 0;
}

static int commit(sl_pending *p)
{
    if (p->kind == OUT_RENAME) {
        if (rename(p->tmp, p->target) != 0)
            return -1;
        free(p->tmp);
        p->tmp = NULL;
        return 0;
    }
    if (p->kind == OUT_IN_PLACE)
        return write_all(p->fd, p->text, p->len) || ftruncate(p->fd, (off_t)p->len) ||
               fsync(p->fd);
    FILE *f = fopen(p->path, "w");
    if (!f)
        return -1;
    int rc = fwrite(p->text, 1, p->len, f) != p->len;
    rc |= fclose(f) != 0;
    return rc ? -1 : 0;
}

int sl_output_commit(sl_pending *p, sl_err *err)
{
    int rc = commit(p);
    if (rc != 0)
        fail(err, p->path, strerror(errno ? errno : EIO));
    sl_output_abort(p);
    return rc ? -1 : 0;
}

void sl_output_abort(sl_pending *p)
{
    if (!p)
        return;
    if (p->tmp)
        unlink(p->tmp);
    if (p->fd >= 0)
        close(p->fd);
    free(p->tmp);
    free(p->target);
    free(p->text);
    free(p);
}

int sl_output_atomic(const char *path, int (*write)(FILE *, void *), void *ctx, sl_err *err)
{
    sl_pending *p;
    if (sl_output_prepare(path, write, ctx, &p, err) != 0)
        return -1;
    return sl_output_commit(p, err);
}
