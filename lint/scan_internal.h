/* Shared by the source scanners (scan_py.c, scan_sh.c, scan_walk.c): file
 * reading, the directory walk and compile-once PCRE2 patterns. */
#ifndef SHARDLINT_SCAN_INTERNAL_H
#define SHARDLINT_SCAN_INTERNAL_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdbool.h>
#include <stddef.h>

#include "shardlint/loc.h"

/* The whole file, NUL-terminated, malloc'd into *buf (the caller frees).
 * Returns 0, 1 when the file is larger than `max` (nothing read), or -1 with
 * err on an unreadable file. */
int scan_read(const char *path, size_t max, char **buf, size_t *len, sl_err *err);

/* Calls fn for every regular file under dir whose name ends with suffix, in
 * name order; rel is the path relative to dir. Stops at the first fn < 0. */
typedef int (*scan_file_fn)(void *ctx, const char *path, const char *rel, sl_err *err);
int scan_walk(const char *dir, const char *suffix, scan_file_fn fn, void *ctx, sl_err *err);

/* A pattern compiled on first use and kept for the life of the process, with
 * JIT when the library has it. Never NULL for the patterns built in. */
typedef struct {
    const char *pattern;
    unsigned flags;
    pcre2_code *code;   /* NULL until first used */
} scan_re;

/* Whether re matches s[0..len); ovec (2 * nov entries, may be NULL) gets
 * the offsets of the groups. */
bool scan_re_match(scan_re *re, const char *s, size_t len, size_t *ovec, int nov);

/* Is `path` a directory / regular file. */
bool scan_is_dir(const char *path);
bool scan_is_file(const char *path);

#endif
