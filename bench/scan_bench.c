/* Benchmark driver: scans every .py under DIR for logical-axis specs and
 * prints the number of sites and the wall time of the scan.
 *   scan_bench [--known FILE] [--rounds N] [--print] DIR
 * FILE holds the known logical names, one per line; without it every string
 * counts as a name. --print lists the sites as the scan fixtures do. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "shardlint/scan.h"

static size_t read_names(sl_arena *a, const char *path, const char ***out)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    sl_vec v = {0};
    char line[512];
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (*line)
            sl_vec_push(a, &v, sl_strdup(a, line));
    }
    fclose(f);
    *out = (const char **)v.items;
    return v.n;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void print_site(const sl_py_site *s)
{
    printf("%s:%d:%d %s %s %s %s (", s->loc.file, s->loc.line, s->loc.col,
           s->function ? s->function : "-", s->variable ? s->variable : "-",
           s->carrier ? s->carrier : "-", s->keyword ? s->keyword : "-");
    for (size_t i = 0; i < s->ndims; i++)
        printf("%s%s", i ? ", " : "", s->logical[i] ? s->logical[i] : "None");
    printf(")\n");
}

int main(int argc, char **argv)
{
    const char *known_file = NULL, *dir = NULL;
    int rounds = 1, print = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--known") == 0 && i + 1 < argc)
            known_file = argv[++i];
        else if (strcmp(argv[i], "--rounds") == 0 && i + 1 < argc)
            rounds = atoi(argv[++i]);
        else if (strcmp(argv[i], "--print") == 0)
            print = 1;
        else
            dir = argv[i];
    }
    if (!dir || rounds < 1) {
        fprintf(stderr, "usage: scan_bench [--known FILE] [--rounds N] [--print] DIR\n");
        return 2;
    }
    sl_arena *names_arena = sl_arena_new();
    const char **known = NULL;
    size_t nknown = known_file ? read_names(names_arena, known_file, &known) : 0;
    double best = 1e9;
    size_t count = 0;
    for (int r = 0; r < rounds; r++) {
        sl_arena *a = sl_arena_new();
        sl_vec sites = {0};
        sl_err err;
        double t0 = now();
        if (sl_scan_py_dir(a, dir, known_file ? known : NULL, nknown, &sites, &err) < 0) {
            fprintf(stderr, "scan_bench: %s\n", err.msg);
            return 2;
        }
        double t = now() - t0;
        best = t < best ? t : best;
        count = sites.n;
        if (print && r == 0)
            for (size_t i = 0; i < sites.n; i++)
                print_site(sites.items[i]);
        sl_arena_free(a);
    }
    printf("sites %zu best_ms %.3f\n", count, best * 1e3);
    sl_arena_free(names_arena);
    return 0;
}
