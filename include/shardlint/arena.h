/* Arena allocation: every stage of one run allocates into one arena and the
 * whole run is released at once, so no stage tracks ownership of what it
 * hands to the next. Allocation failure aborts: a linter that cannot get
 * memory has nothing useful left to report. */
#ifndef SHARDLINT_ARENA_H
#define SHARDLINT_ARENA_H

#include <stddef.h>

typedef struct sl_arena sl_arena;

sl_arena *sl_arena_new(void);
void sl_arena_free(sl_arena *a);
void *sl_alloc(sl_arena *a, size_t size); /* zeroed */
char *sl_strdup(sl_arena *a, const char *s);
char *sl_strndup(sl_arena *a, const char *s, size_t n);
char *sl_sprintf(sl_arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* A growable array of pointers, allocated in an arena. */
typedef struct {
    void **items;
    size_t n, cap;
} sl_vec;

void sl_vec_push(sl_arena *a, sl_vec *v, void *item);

#endif
