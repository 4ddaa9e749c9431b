/* Reading whole files. Every input goes through here, so the refusal of
 * FIFOs and devices and the size limits hold for all of them. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shardlint/util.h"

/* At the file itself the path is already in the location; elsewhere (the
 * word of a launch script that names it) the message names it. */
static void fail(sl_err *err, const char *path, sl_loc at, const char *why)
{
    if (sl_loc_is_set(at))
        sl_err_set(err, at, "cannot read %s: %s", path, why);
    else
        sl_err_set(err, (sl_loc){.file = path, .line = 1, .col = 1}, "cannot read: %s", why);
}

const char *sl_not_regular(const struct stat *st)
{
    if (S_ISREG(st->st_mode))
        return NULL;
    if (S_ISDIR(st->st_mode))
        return "is a directory, not a file";
    return "not a regular file (a FIFO, socket or device is never opened)";
}

/* The type is checked before the file is opened: opening a device can act
 * (a tape rewinds, a watchdog arms) and opening a FIFO waits for a writer.
 * O_NONBLOCK and the second check cover a path swapped in between. */
static int open_regular(const char *path, struct stat *st, const char **why)
{
    if (stat(path, st) != 0) {
        *why = strerror(errno);
        return -1;
    }
    if ((*why = sl_not_regular(st)) != NULL)
        return -1;
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        *why = strerror(errno);
        return -1;
    }
    if (fstat(fd, st) != 0)
        *why = strerror(errno);
    else if ((*why = sl_not_regular(st)) == NULL)
        return fd;
    close(fd);
    return -1;
}

static int read_fd(int fd, size_t size, size_t max, char **buf, size_t *len)
{
    size_t cap = size + 1, n = 0;
    char *b = malloc(cap);
    if (!b)
        return -1;
    for (;;) {
        if (n + 1 == cap) {
            /* The file grew while we read it; read no more than max. */
            char *nb = cap > max ? NULL : realloc(b, cap * 2);
            if (!nb)
                break;
            b = nb;
            cap *= 2;
        }
        ssize_t got = read(fd, b + n, cap - n - 1);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            free(b);
            return -1;
        }
        if (got == 0)
            break;
        n += (size_t)got;
    }
    b[n] = '\0';
    *buf = b;
    *len = n;
    return 0;
}

int sl_file_read(const char *path, size_t max, sl_loc at, char **buf, size_t *len, sl_err *err)
{
    struct stat st;
    const char *why = NULL;
    int fd = open_regular(path, &st, &why);
    if (fd < 0) {
        fail(err, path, at, why);
        return -1;
    }
    if ((size_t)st.st_size > max) {
        close(fd);
        char limit[64];
        snprintf(limit, sizeof limit, "larger than %zu bytes", max);
        fail(err, path, at, limit);
        return 1;
    }
    int rc = read_fd(fd, (size_t)st.st_size, max, buf, len);
    int saved = errno;
    close(fd);
    if (rc != 0)
        fail(err, path, at, strerror(saved));
    return rc;
}

const char *sl_file_problem(const char *path)
{
    struct stat st;
    return stat(path, &st) != 0 ? strerror(errno) : sl_not_regular(&st);
}
