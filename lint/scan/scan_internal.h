/* Shared by the source scanners (scan_py.c, scan_sh.c): compile-once PCRE2
 * patterns. */
#ifndef SHARDLINT_SCAN_INTERNAL_H
#define SHARDLINT_SCAN_INTERNAL_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdbool.h>
#include <stddef.h>

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

#endif
