/* libFuzzer: the whole `check` pipeline in-process, on a tree made once
 * from the fixtures (a MaxText-style checkout: configs, model code). Input:
 * an entry config (written as src/maxtext/configs/entry.yml), NUL, a launch
 * script (run.sh), NUL, model code (src/maxtext/layers/fuzz.py), then
 * command-line overrides separated by NULs. Each run lints both, applies
 * suppression, writes every format to /dev/null and applies --fix; files
 * the fix edited are put back. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "fuzz.h"
#include "shardlint/emit.h"

static char tree[64];
static FILE *devnull;
static sl_arena *kept;       /* the tree's files as made, to undo --fix */
static sl_strmap original;
static sl_vec contents;

static const char *at(const char *rel)
{
    return sl_sprintf(kept, "%s/%s", tree, rel);
}

static void write_file(const char *path, const char *text, size_t len)
{
    FILE *f = fopen(path, "w");
    if (!f)
        abort();
    fwrite(text, 1, len, f);
    fclose(f);
}

static int remember(void *ctx, const sl_walk_entry *e)
{
    char *text;
    size_t len;
    sl_err err;
    if (e->error || !S_ISREG(e->st->st_mode) ||
        sl_file_read(e->path, 1 << 20, (sl_loc){0}, &text, &len, &err) != 0)
        return 0;
    sl_strmap_put(kept, &original, sl_strdup(kept, e->path), contents.n);
    sl_vec_push(kept, &contents, sl_strndup(kept, text, len));
    free(text);
    return 0;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    strcpy(tree, "/tmp/shardlint-fuzz-check-XXXXXX");
    if (!mkdtemp(tree))
        abort();
    kept = sl_arena_new();
    char *cmd = sl_sprintf(kept, "mkdir -p '%s/src/maxtext' && cp -r '%s/fixtures/example/configs' "
                           "'%s/src/maxtext/configs' && cp -r '%s/fixtures/checkout/src/maxtext/"
                           "layers' '%s/src/maxtext/layers'",
                           tree, SHARDLINT_SOURCE_DIR, tree, SHARDLINT_SOURCE_DIR, tree);
    if (system(cmd) != 0 || !(devnull = fopen("/dev/null", "w")))
        abort();
    sl_err err;
    sl_walk(tree, remember, NULL, &err);
    return 0;
}

static int emit_all(const sl_report *r)
{
    sl_emit_opts eo = {.root = tree, .tool_version = "fuzz"};
    sl_emit_text(devnull, &r->findings, &eo);
    sl_emit_json(devnull, r, &eo);
    sl_emit_sarif(devnull, r, &eo);
    sl_emit_github(devnull, r, &eo);
    return 0;
}

/* --fix, then every file it edited as it was. */
static void fix_and_undo(const sl_report *r)
{
    sl_arena *a = sl_arena_new();
    sl_vec written = {0};
    sl_err err;
    sl_fix_write(a, &r->findings, tree, &written, &err);
    for (size_t i = 0; i < written.n; i++) {
        const char *path = sl_path_real(a, ((sl_fixed_file *)written.items[i])->path);
        size_t k;
        if (path && sl_strmap_get(&original, path, &k))
            write_file(path, contents.items[k], strlen(contents.items[k]));
    }
    sl_arena_free(a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *part[FUZZ_MAX_PARTS];
    size_t len[FUZZ_MAX_PARTS];
    size_t n = fuzz_parts(data, size, part, len);
    const char *files[] = {at("src/maxtext/configs/entry.yml"), at("run.sh"),
                           at("src/maxtext/layers/fuzz.py")};
    for (size_t i = 0; i < 3; i++)
        write_file(files[i], i < n ? part[i] : "", i < n ? len[i] : 0);
    sl_arena *a = sl_arena_new();
    sl_override ov[FUZZ_MAX_PARTS];
    size_t nov = 0;
    sl_err err;
    for (size_t i = 3; i < n; i++)
        if (sl_override_parse(a, sl_strndup(a, part[i], len[i]), (sl_loc){.word = (int)i},
                              &ov[nov], &err) == 0)
            nov++;
    const char *paths[] = {files[0], files[1]};
    sl_check_opts o = {.paths = paths, .npaths = 2, .ov = ov, .nov = nov, .latent = true,
                       .verify_fixes = true, .root = tree};
    sl_session *s = sl_session_new();
    sl_report r;
    sl_session_check(s, &o, &r);
    sl_findings_sort(&r.findings);
    emit_all(&r);
    fix_and_undo(&r);
    sl_report_free(&r);
    sl_session_free(s);
    sl_arena_free(a);
    return 0;
}
