/* Output files written whole or not at all. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli_opts.h"

int sl_output_atomic(const char *path, int (*write)(FILE *, void *), void *ctx, sl_err *err)
{
    sl_loc loc = {.file = path, .line = 1, .col = 1};
    size_t n = strlen(path);
    char *tmp = malloc(n + 16);
    if (!tmp)
        abort();
    snprintf(tmp, n + 16, "%s.tmpXXXXXX", path);
    int fd = mkstemp(tmp);
    mode_t mask = umask(0);
    umask(mask);
    if (fd >= 0)
        fchmod(fd, 0666 & ~mask);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        sl_err_set(err, loc, "cannot write output: %s", strerror(errno));
        if (fd >= 0)
            close(fd);
        free(tmp);
        return -1;
    }
    int rc = write(f, ctx);
    rc |= fflush(f) != 0 || fsync(fileno(f)) != 0;
    rc |= fclose(f) != 0;
    if (rc == 0 && rename(tmp, path) != 0)
        rc = -1;
    if (rc) {
        sl_err_set(err, loc, "cannot write output: %s", strerror(errno ? errno : EIO));
        unlink(tmp);
    }
    free(tmp);
    return rc ? -1 : 0;
}
