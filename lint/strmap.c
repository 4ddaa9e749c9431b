/* Open-addressing string map; grows by rehashing into a fresh arena block. */
#include "strmap.h"

#include <string.h>

static size_t strmap_hash(const char *s)
{
    size_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

static size_t strmap_slot(const sl_strmap *m, const char *key)
{
    size_t i = strmap_hash(key) & (m->cap - 1);
    while (m->keys[i] && strcmp(m->keys[i], key) != 0)
        i = (i + 1) & (m->cap - 1);
    return i;
}

bool sl_strmap_get(const sl_strmap *m, const char *key, size_t *val)
{
    if (!m->cap)
        return false;
    size_t i = strmap_slot(m, key);
    if (!m->keys[i])
        return false;
    *val = m->vals[i];
    return true;
}

static void strmap_grow(sl_arena *a, sl_strmap *m)
{
    sl_strmap bigger = {0};
    bigger.cap = m->cap ? m->cap * 2 : 16;
    bigger.keys = sl_alloc(a, bigger.cap * sizeof *bigger.keys);
    bigger.vals = sl_alloc(a, bigger.cap * sizeof *bigger.vals);
    for (size_t i = 0; i < m->cap; i++)
        if (m->keys[i])
            sl_strmap_put(a, &bigger, m->keys[i], m->vals[i]);
    *m = bigger;
}

void sl_strmap_put(sl_arena *a, sl_strmap *m, const char *key, size_t val)
{
    if ((m->n + 1) * 2 > m->cap)
        strmap_grow(a, m);
    size_t i = strmap_slot(m, key);
    if (!m->keys[i]) {
        m->keys[i] = key;
        m->n++;
    }
    m->vals[i] = val;
}
