/* Arena allocator: a chain of blocks, released together. */
#include "shardlint/util.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Blocks start small and double up to ARENA_BLOCK: a session keeps an
 * arena per parsed file, and most config files are a few kilobytes. */
#define ARENA_FIRST (2 * 1024)
#define ARENA_BLOCK (64 * 1024)

typedef struct arena_block {
    struct arena_block *next;
    size_t used, size;
    max_align_t data[];
} arena_block;

struct sl_arena {
    arena_block *head;
    size_t bytes;
    size_t block;           /* the size of the next ordinary block */
    sl_arena *children;     /* adopted arenas, freed with this one */
    sl_arena *next_child;
};

static void *arena_oom(void)
{
    fputs("shardlint: out of memory\n", stderr);
    abort();
}

sl_arena *sl_arena_new(void)
{
    sl_arena *a = calloc(1, sizeof *a);
    return a ? a : arena_oom();
}

void sl_arena_free(sl_arena *a)
{
    if (!a)
        return;
    for (sl_arena *c = a->children, *next; c; c = next) {
        next = c->next_child;
        sl_arena_free(c);
    }
    arena_block *b = a->head;
    while (b) {
        arena_block *next = b->next;
        free(b);
        b = next;
    }
    free(a);
}

static arena_block *arena_block_new(size_t size, arena_block *next)
{
    arena_block *b = malloc(sizeof *b + size);
    if (!b)
        return arena_oom();
    b->next = next;
    b->used = 0;
    b->size = size;
    return b;
}

/* Memory from the arena, not zeroed. */
static void *arena_take(sl_arena *a, size_t size)
{
    size_t align = sizeof(max_align_t);
    size = (size + align - 1) / align * align;
    if (size == 0)
        size = align;
    arena_block *b = a->head;
    if (!b || b->size - b->used < size) {
        size_t block = a->block ? a->block : ARENA_FIRST;
        bool large = size > block / 4;
        size_t want = large ? size : block;
        b = arena_block_new(want, a->head);
        a->bytes += want;
        if (!large && block < ARENA_BLOCK)
            a->block = block * 2;
        if (large && a->head) {
            /* A large allocation gets its own block behind the current one,
             * so the current block's free space is not abandoned. */
            b->next = a->head->next;
            a->head->next = b;
        } else {
            a->head = b;
        }
    }
    void *p = (char *)b->data + b->used;
    b->used += size;
    return p;
}

void *sl_alloc(sl_arena *a, size_t size)
{
    void *p = arena_take(a, size);
    memset(p, 0, size);
    return p;
}

char *sl_strndup(sl_arena *a, const char *s, size_t n)
{
    char *p = sl_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *sl_strdup(sl_arena *a, const char *s)
{
    return s ? sl_strndup(a, s, strlen(s)) : NULL;
}

char *sl_sprintf(sl_arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *p = sl_alloc(a, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

void sl_vec_push(sl_arena *a, sl_vec *v, void *item)
{
    if (v->n == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 8;
        void **items = sl_alloc(a, cap * sizeof *items);
        if (v->n)
            memcpy(items, v->items, v->n * sizeof *items);
        v->items = items;
        v->cap = cap;
    }
    v->items[v->n++] = item;
}

size_t sl_arena_size(const sl_arena *a)
{
    return a ? a->bytes : 0;
}

void *sl_array_append(sl_arena *a, const void *items, size_t n, size_t size)
{
    return sl_array_concat(a, items, n, NULL, 0, size);
}

void *sl_array_concat(sl_arena *a, const void *x, size_t nx, const void *y, size_t ny,
                      size_t size)
{
    char *out = arena_take(a, (nx + ny + 1) * size);
    memset(out + (nx + ny) * size, 0, size);
    if (nx)
        memcpy(out, x, nx * size);
    if (ny)
        memcpy(out + nx * size, y, ny * size);
    return out;
}

void sl_arena_adopt(sl_arena *parent, sl_arena *child)
{
    child->next_child = parent->children;
    parent->children = child;
}
