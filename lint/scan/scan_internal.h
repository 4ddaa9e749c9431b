/* Shared by the source scanners: compile-once PCRE2 patterns, and the Python
 * scan cache. */
#ifndef SHARDLINT_SCAN_INTERNAL_H
#define SHARDLINT_SCAN_INTERNAL_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdbool.h>
#include <stddef.h>

#include "shardlint/scan.h"
#include "shardlint/util.h"

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

/* ---- the Python scan cache (scan_py_cache.c) ---- */

/* One file's scan, as the cache keeps it. */
typedef struct {
    const char *rel;
    struct stat st;          /* lstat() of the file when it was scanned */
    const sl_vec *sites;     /* sl_py_site * */
    const sl_vec *consts;    /* sl_py_const * */
} py_cache_file;

typedef struct py_cache py_cache;

py_cache *py_cache_open(sl_arena *a, const char *path);
bool py_cache_take(py_cache *c, sl_arena *a, const char *rel, const struct stat *st,
                   const char *display, sl_vec *sites, sl_vec *consts);
void py_cache_write(const char *path, const py_cache_file *files, size_t n);

#endif
