/* FNV-1a hashing and an open-addressing string map that grows by rehashing
 * into a fresh arena block. */
#include <string.h>

#include "shardlint/util.h"

uint64_t sl_hash_bytes(uint64_t h, const void *p, size_t n)
{
    const unsigned char *s = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ s[i]) * 0x100000001b3ULL;
    return h;
}

uint64_t sl_hash_str(const char *s)
{
    return sl_hash_bytes(SL_HASH_INIT, s, strlen(s));
}

/* The maps' own hash, eight bytes at a time: config keys are long and looked
 * up for every target. Not for anything stored (fingerprints keep FNV-1a):
 * it may change with the build. */
static uint64_t map_hash(const char *key, size_t n)
{
    uint64_t h = 0x9E3779B97F4A7C15ULL ^ n;
    for (; n >= 8; key += 8, n -= 8) {
        uint64_t w;
        memcpy(&w, key, 8);
        h = (h ^ w) * 0xff51afd7ed558ccdULL;
        h ^= h >> 29;
    }
    uint64_t w = 0;
    memcpy(&w, key, n);
    h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
    return h ^ (h >> 32);
}

static size_t strmap_slot(const sl_strmap *m, const char *key, size_t n)
{
    size_t i = (size_t)map_hash(key, n) & (m->cap - 1);
    while (m->keys[i] && (strncmp(m->keys[i], key, n) != 0 || m->keys[i][n] != '\0'))
        i = (i + 1) & (m->cap - 1);
    return i;
}

bool sl_strmap_getn(const sl_strmap *m, const char *key, size_t n, size_t *val)
{
    if (!m->cap)
        return false;
    size_t i = strmap_slot(m, key, n);
    if (!m->keys[i])
        return false;
    *val = m->vals[i];
    return true;
}

bool sl_strmap_get(const sl_strmap *m, const char *key, size_t *val)
{
    return sl_strmap_getn(m, key, strlen(key), val);
}

static void strmap_resize(sl_arena *a, sl_strmap *m, size_t cap)
{
    sl_strmap bigger = {0};
    bigger.cap = cap;
    bigger.keys = sl_alloc(a, bigger.cap * sizeof *bigger.keys);
    bigger.vals = sl_alloc(a, bigger.cap * sizeof *bigger.vals);
    for (size_t i = 0; i < m->cap; i++)
        if (m->keys[i])
            sl_strmap_put(a, &bigger, m->keys[i], m->vals[i]);
    *m = bigger;
}

static void strmap_grow(sl_arena *a, sl_strmap *m)
{
    strmap_resize(a, m, m->cap ? m->cap * 2 : 16);
}

void sl_strmap_reserve(sl_arena *a, sl_strmap *m, size_t n)
{
    size_t cap = m->cap ? m->cap : 16;
    while (cap < 2 * (n + 1))
        cap *= 2;
    if (cap > m->cap)
        strmap_resize(a, m, cap);
}

sl_strmap *sl_strmap_copy(sl_arena *a, const sl_strmap *m)
{
    sl_strmap *c = sl_alloc(a, sizeof *c);
    *c = *m;
    if (!m->cap)
        return c;
    c->keys = sl_array_concat(a, m->keys, m->cap, NULL, 0, sizeof *m->keys);
    c->vals = sl_array_concat(a, m->vals, m->cap, NULL, 0, sizeof *m->vals);
    return c;
}

void sl_strmap_put(sl_arena *a, sl_strmap *m, const char *key, size_t val)
{
    if ((m->n + 1) * 2 > m->cap)
        strmap_grow(a, m);
    size_t i = strmap_slot(m, key, strlen(key));
    if (!m->keys[i]) {
        m->keys[i] = key;
        m->n++;
    }
    m->vals[i] = val;
}

static size_t ptrmap_slot(const sl_ptrmap *m, const void *key)
{
    size_t i = (size_t)(((uintptr_t)key >> 3) * 0x9E3779B97F4A7C15ULL) & (m->cap - 1);
    while (m->keys[i] && m->keys[i] != key)
        i = (i + 1) & (m->cap - 1);
    return i;
}

bool sl_ptrmap_get(const sl_ptrmap *m, const void *key, size_t *val)
{
    if (!m->cap)
        return false;
    size_t i = ptrmap_slot(m, key);
    if (!m->keys[i])
        return false;
    *val = m->vals[i];
    return true;
}

void sl_ptrmap_put(sl_arena *a, sl_ptrmap *m, const void *key, size_t val)
{
    if ((m->n + 1) * 2 > m->cap) {
        sl_ptrmap bigger = {0};
        bigger.cap = m->cap ? m->cap * 2 : 64;
        bigger.keys = sl_alloc(a, bigger.cap * sizeof *bigger.keys);
        bigger.vals = sl_alloc(a, bigger.cap * sizeof *bigger.vals);
        for (size_t i = 0; i < m->cap; i++)
            if (m->keys[i])
                sl_ptrmap_put(a, &bigger, m->keys[i], m->vals[i]);
        *m = bigger;
    }
    size_t i = ptrmap_slot(m, key);
    if (!m->keys[i]) {
        m->keys[i] = key;
        m->n++;
    }
    m->vals[i] = val;
}
