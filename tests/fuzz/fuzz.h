/* Shared by the libFuzzer harnesses: an input split into parts. */
#ifndef SHARDLINT_FUZZ_H
#define SHARDLINT_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define FUZZ_MAX_PARTS 8

/* The input cut at its NUL bytes into at most FUZZ_MAX_PARTS parts (the
 * last takes the rest, NULs included); returns how many. */
static inline size_t fuzz_parts(const uint8_t *data, size_t size, const char **part,
                                size_t *len)
{
    const char *p = (const char *)data, *end = p + size;
    size_t n = 0;
    while (n + 1 < FUZZ_MAX_PARTS) {
        const char *nul = memchr(p, '\0', (size_t)(end - p));
        if (!nul)
            break;
        part[n] = p;
        len[n++] = (size_t)(nul - p);
        p = nul + 1;
    }
    part[n] = p;
    len[n++] = (size_t)(end - p);
    return n;
}

#endif
