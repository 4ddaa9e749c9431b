/* A string -> index hash map in an arena, private to the YAML and config
 * stages: hostile files can hold a million keys or anchors, and linear
 * lookups would turn them into a hang. */
#ifndef SHARDLINT_STRMAP_H
#define SHARDLINT_STRMAP_H

#include <stdbool.h>
#include <stddef.h>

#include "shardlint/arena.h"

typedef struct {
    const char **keys;
    size_t *vals;
    size_t n, cap;
} sl_strmap;

/* Finds key; true and *val set when present. */
bool sl_strmap_get(const sl_strmap *m, const char *key, size_t *val);
/* Inserts or replaces key -> val; the key string is not copied. */
void sl_strmap_put(sl_arena *a, sl_strmap *m, const char *key, size_t val);

#endif
