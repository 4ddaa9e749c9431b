/* libFuzzer: the YAML loader, `key=value` overrides and the config stage.
 * Input: a base config, NUL, an entry config (its base_config: base.yml
 * reaches the first part), NUL, then override words separated by NULs. The
 * whole input is also loaded as one YAML file, NULs and all. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "fuzz.h"
#include "shardlint/config.h"
#include "shardlint/model.h"

typedef struct {
    sl_arena *a;
    const char *text[2];
    size_t len[2];
} texts;

/* base.yml and entry.yml come from the input; the files on disk (empty)
 * only let the chain find them. */
static int load(void *ctx, const char *path, const sl_node **out, sl_err *err)
{
    texts *t = ctx;
    int k = strcmp(path, "base.yml") == 0 ? 0 : strcmp(path, "entry.yml") == 0 ? 1 : -1;
    if (k < 0) {
        sl_err_set(err, (sl_loc){.file = path, .line = 1, .col = 1}, "not in the input");
        return -1;
    }
    sl_node *n;
    int rc = sl_yaml_load_text(t->a, t->text[k], t->len[k], path, &n, err);
    *out = n;
    return rc;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    char dir[] = "/tmp/shardlint-fuzz-yaml-XXXXXX";
    if (!mkdtemp(dir) || chdir(dir) != 0)
        abort();
    fclose(fopen("base.yml", "w"));
    fclose(fopen("entry.yml", "w"));
    return 0;
}

static void config(sl_arena *a, texts *t, const char **part, const size_t *len, size_t n)
{
    sl_config_files files = {load, t, NULL};
    sl_config_chain chain;
    sl_err err;
    if (sl_config_chain_load(a, &files, "entry.yml", &chain, &err) != 0)
        return;
    sl_override ov[FUZZ_MAX_PARTS];
    size_t nov = 0;
    for (size_t i = 2; i < n; i++) {
        char *word = sl_strndup(a, part[i], len[i]);
        if (sl_override_parse(a, word, (sl_loc){.word = (int)i}, &ov[nov], &err) == 0)
            nov++;
    }
    sl_config c;
    if (sl_config_build(a, &files, &chain, ov, nov, &c, &err) != 0)
        return;
    sl_node_render(a, c.values);
    sl_mesh m;
    sl_mesh_error merr;
    sl_devices eight = {8, SL_DEVICES_USER, "--devices", {0}};
    sl_mesh_build(a, &c, &eight, 0, &m, &merr, &err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sl_arena *a = sl_arena_new();
    sl_node *whole;
    sl_err err;
    if (sl_yaml_load_text(a, (const char *)data, size, "fuzz.yml", &whole, &err) == 0) {
        sl_node_render(a, whole);
        sl_node_equal(whole, sl_node_merge(a, whole, whole));
    }
    const char *part[FUZZ_MAX_PARTS];
    size_t len[FUZZ_MAX_PARTS];
    size_t n = fuzz_parts(data, size, part, len);
    for (size_t i = 2; i < n; i++) {
        sl_node *v;
        sl_yaml_parse_value(a, sl_strndup(a, part[i], len[i]), (sl_loc){.word = 1}, &v, &err);
    }
    texts t = {a, {part[0], n > 1 ? part[1] : ""}, {len[0], n > 1 ? len[1] : 0}};
    config(a, &t, part, len, n);
    sl_arena_free(a);
    return 0;
}
