/* Output files written whole or not at all. A regular file (or the file a
 * symlink points to) is replaced through a temporary file beside it, keeping
 * its permissions; anything else (a pipe, /dev/stdout) cannot be replaced
 * and is written in place. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shardlint/emit.h"

static int write_direct(const char *path, int (*write)(FILE *, void *), void *ctx)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    int rc = write(f, ctx);
    rc |= fflush(f) != 0;
    rc |= fclose(f) != 0;
    return rc ? -1 : 0;
}

/* The new file's mode: the replaced file's, or what umask allows. */
static mode_t output_mode(const struct stat *old, bool exists)
{
    if (exists)
        return old->st_mode & 07777;
    mode_t mask = umask(0);
    umask(mask);
    return 0666 & ~mask;
}

static int write_replace(const char *path, mode_t mode, int (*write)(FILE *, void *),
                         void *ctx)
{
    size_t n = strlen(path);
    char *tmp = malloc(n + 16);
    if (!tmp)
        abort();
    snprintf(tmp, n + 16, "%s.tmpXXXXXX", path);
    int fd = mkstemp(tmp);
    FILE *f = fd >= 0 && fchmod(fd, mode) == 0 ? fdopen(fd, "w") : NULL;
    int rc = -1;
    if (f) {
        rc = write(f, ctx);
        rc |= fflush(f) != 0 || fsync(fileno(f)) != 0;
        rc |= fclose(f) != 0;
    } else if (fd >= 0) {
        close(fd);
    }
    int saved = errno;
    if (rc == 0 && rename(tmp, path) != 0)
        rc = -1;
    else
        errno = saved;
    if (rc && fd >= 0)
        unlink(tmp);
    free(tmp);
    return rc ? -1 : 0;
}

int sl_output_atomic(const char *path, int (*write)(FILE *, void *), void *ctx, sl_err *err)
{
    struct stat st;
    bool exists = stat(path, &st) == 0;
    char real[PATH_MAX];
    const char *target = exists && realpath(path, real) ? real : path;
    errno = 0;
    int rc = exists && !S_ISREG(st.st_mode)
                 ? write_direct(path, write, ctx)
                 : write_replace(target, output_mode(&st, exists), write, ctx);
    if (rc) {
        sl_err_set(err, (sl_loc){.file = path, .line = 1, .col = 1}, "cannot write output: %s",
                   strerror(errno ? errno : EIO));
        return -1;
    }
    return 0;
}
