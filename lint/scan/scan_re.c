/* Compile-once PCRE2 patterns for the source scanners. */
#include "scan_internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static pthread_mutex_t re_lock = PTHREAD_MUTEX_INITIALIZER;

/* SHARDLINT_NO_JIT=1 runs PCRE2's interpreter: valgrind cannot follow the
 * JIT's generated code and reports its reads as uninitialised. */
static bool jit_wanted(void)
{
    const char *no = getenv("SHARDLINT_NO_JIT");
    return !(no && *no && strcmp(no, "0") != 0);
}

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
        if (c && jit_wanted())
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
