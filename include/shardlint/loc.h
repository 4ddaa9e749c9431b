/* Source locations and input errors. */
#ifndef SHARDLINT_LOC_H
#define SHARDLINT_LOC_H

/* Where a value came from: a file position (1-based line and column), or
 * word N of the command line (file == NULL, word > 0). A zeroed sl_loc means
 * "no location" (a built-in default). */
typedef struct {
    const char *file;
    int line;
    int col;
    int word;
} sl_loc;

/* An input error: bad YAML, a missing file, a wrong type, a cycle. Functions
 * that can fail on input return -1 and fill one of these; the CLI reports it
 * as `file:line:col: error: msg` and exits 2. */
typedef struct {
    sl_loc loc;
    char msg[1024];
} sl_err;

void sl_err_set(sl_err *e, sl_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* "file:line:col" or "command line, word N" or "<built-in>", in buf. */
const char *sl_loc_str(sl_loc loc, char *buf, unsigned size);

#endif
