/* Spelling distance (optimal string alignment): what suggests the key or
 * name a misspelt one meant. */
#include <string.h>

#include "shardlint/util.h"

static size_t min3(size_t a, size_t b, size_t c)
{
    size_t m = a < b ? a : b;
    return m < c ? m : c;
}

size_t sl_str_distance(const char *x, const char *y, size_t max)
{
    size_t n = strlen(x), m = strlen(y);
    if (n > SL_SPELL_MAX_LEN || m > SL_SPELL_MAX_LEN || (n > m ? n - m : m - n) > max)
        return max + 1;
    size_t rows[3][SL_SPELL_MAX_LEN + 1];
    size_t *two = rows[0], *prev = rows[1], *cur = rows[2];
    for (size_t j = 0; j <= m; j++)
        prev[j] = j;
    for (size_t i = 1; i <= n; i++) {
        cur[0] = i;
        size_t best = cur[0];
        for (size_t j = 1; j <= m; j++) {
            size_t cost = x[i - 1] != y[j - 1];
            cur[j] = min3(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
            if (i > 1 && j > 1 && x[i - 1] == y[j - 2] && x[i - 2] == y[j - 1] &&
                two[j - 2] + 1 < cur[j])
                cur[j] = two[j - 2] + 1;
            best = cur[j] < best ? cur[j] : best;
        }
        if (best > max)
            return max + 1;
        size_t *t = two;
        two = prev;
        prev = cur;
        cur = t;
    }
    return prev[m] <= max ? prev[m] : max + 1;
}
