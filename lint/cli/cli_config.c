/* .shardlint.yml: settings for a tree, read with the project's YAML loader
 * so that every error names its file, line and column. Its keys are a
 * public interface. */
#include <string.h>
#include <unistd.h>

#include "cli_opts.h"
#include "shardlint/rule.h"

const char cli_config_name[] = ".shardlint.yml";

static const char *const top_keys[] = {"select",  "ignore", "devices", "slices",
                                       "fail-level", "exclude", "specs", "source",
                                       "per-file", "cache"};
static const char *const per_file_keys[] = {"paths", "devices", "slices", "ignore", "select"};

/* The path is relative to the working directory ("../.shardlint.yml"), so
 * that messages name it the way the user reaches it. */
const char *cli_config_find(sl_arena *a)
{
    char cwd[4096];
    if (!getcwd(cwd, sizeof cwd))
        return NULL;
    const char *up = "";
    for (const char *dir = cwd;; dir = sl_path_dir(a, dir), up = sl_sprintf(a, "%s../", up)) {
        if (sl_is_file(sl_path_join(a, dir, cli_config_name)))
            return sl_sprintf(a, "%s%s", up, cli_config_name);
        if (strcmp(dir, "/") == 0 || !*dir)
            return NULL;
    }
}

static int fail(sl_err *err, const sl_node *n, const char *msg)
{
    sl_err_set(err, n->loc, "%s", msg);
    return -1;
}

static int unknown_key(sl_arena *a, const sl_node *key, const char *const *known, size_t n,
                       sl_err *err)
{
    const char *near = cli_closest(key->str, known, n);
    if (near)
        return fail(err, key, sl_sprintf(a, "unknown key `%s` (did you mean `%s`?)", key->str,
                                         near));
    char *list = sl_strdup(a, known[0]);
    for (size_t i = 1; i < n; i++)
        list = sl_sprintf(a, "%s, %s", list, known[i]);
    return fail(err, key, sl_sprintf(a, "unknown key `%s` (the keys are: %s)", key->str, list));
}

static int check_keys(sl_arena *a, const sl_node *map, const char *const *known, size_t n,
                      sl_err *err)
{
    for (size_t i = 0; i < map->n; i++) {
        const sl_node *key = map->keys[i];
        bool ok = false;
        for (size_t k = 0; k < n && !ok; k++)
            ok = key->kind == SL_NODE_SCALAR && strcmp(key->str, known[k]) == 0;
        if (!ok)
            return key->kind == SL_NODE_SCALAR ? unknown_key(a, key, known, n, err)
                                               : fail(err, key, "keys are names");
    }
    return 0;
}

/* A list of strings; a single string stands for a list of one. */
static int strings(sl_arena *a, const char *key, const sl_node *v, sl_vec *out, sl_err *err)
{
    if (!v || sl_node_is_null(v))
        return 0;
    if (v->kind == SL_NODE_SCALAR) {
        sl_vec_push(a, out, (void *)v->str);
        return 0;
    }
    for (size_t i = 0; v->kind == SL_NODE_SEQ && i < v->n; i++) {
        if (v->items[i]->kind != SL_NODE_SCALAR || sl_node_is_null(v->items[i]))
            return fail(err, v->items[i], sl_sprintf(a, "`%s` takes a list of strings", key));
        sl_vec_push(a, out, (void *)v->items[i]->str);
    }
    return v->kind == SL_NODE_SEQ ? 0
                                  : fail(err, v, sl_sprintf(a, "`%s` takes a list of strings",
                                                            key));
}

static int count(sl_arena *a, const char *key, const sl_node *v, long long *out, sl_err *err)
{
    long long n;
    if (!v)
        return 0;
    if (!sl_node_int(v, &n) || n < 1 || n > (1LL << 40))
        return fail(err, v, sl_sprintf(a, "`%s` takes a whole number of at least 1", key));
    *out = n;
    return 0;
}

/* Rule selectors, each checked where it is written. */
static int rules(sl_arena *a, const char *key, const sl_node *v, cli_ruleset *out, sl_err *err)
{
    if (!v)
        return 0;
    sl_vec words = {0};
    if (strings(a, key, v, &words, err) != 0)
        return -1;
    *out = cli_ruleset_new(a);
    for (size_t i = 0; i < words.n; i++) {
        const char *bad = cli_rules_add(a, *out, words.items[i]);
        if (bad)
            return fail(err, v->kind == SL_NODE_SEQ ? v->items[i] : v,
                        sl_sprintf(a, "`%s` names no rule (see `shardlint rules`)", bad));
    }
    return 0;
}

static int paths(sl_arena *a, const char *dir, const char *key, const sl_node *v, sl_vec *out,
                 sl_err *err)
{
    sl_vec rel = {0};
    if (strings(a, key, v, &rel, err) != 0)
        return -1;
    for (size_t i = 0; i < rel.n; i++)
        sl_vec_push(a, out, sl_path_join(a, dir, rel.items[i]));
    return 0;
}

static int per_file(sl_arena *a, const sl_node *v, cli_config *c, sl_err *err)
{
    if (!v || sl_node_is_null(v))
        return 0;
    if (v->kind != SL_NODE_SEQ)
        return fail(err, v, "`per-file` takes a list of {paths: [...], ...} maps");
    for (size_t i = 0; i < v->n; i++) {
        const sl_node *m = v->items[i];
        cli_per_file *p = sl_alloc(a, sizeof *p);
        if (m->kind != SL_NODE_MAP)
            return fail(err, m, "each `per-file` entry is a map with `paths`");
        if (check_keys(a, m, per_file_keys, sizeof per_file_keys / sizeof per_file_keys[0],
                       err) != 0)
            return -1;
        if (!sl_map_get(m, "paths"))
            return fail(err, m, "this `per-file` entry has no `paths`");
        if (strings(a, "paths", sl_map_get(m, "paths"), &p->globs, err) != 0 ||
            count(a, "devices", sl_map_get(m, "devices"), &p->devices, err) != 0 ||
            count(a, "slices", sl_map_get(m, "slices"), &p->slices, err) != 0 ||
            rules(a, "select", sl_map_get(m, "select"), &p->select, err) != 0 ||
            rules(a, "ignore", sl_map_get(m, "ignore"), &p->ignore, err) != 0)
            return -1;
        sl_vec_push(a, &c->per_file, p);
    }
    return 0;
}

static int cache(const sl_node *v, cli_config *c, sl_err *err)
{
    bool on;
    if (!v)
        return 0;
    if (!sl_node_bool(v, &on))
        return fail(err, v, "`cache` takes true or false");
    c->no_cache = !on;
    return 0;
}

static int fail_level(const sl_node *v, cli_config *c, sl_err *err)
{
    if (!v)
        return 0;
    const char *s = sl_node_text(v);
    if (v->kind != SL_NODE_SCALAR || !s || sl_level_parse(s, &c->fail_level) != 0)
        return fail(err, v, "`fail-level` takes note, warning or error");
    c->has_fail_level = true;
    return 0;
}

int cli_config_load(sl_arena *a, const char *path, cli_config *out, sl_err *err)
{
    memset(out, 0, sizeof *out);
    out->path = path;
    out->dir = sl_path_dir(a, path);
    sl_node *root;
    if (sl_yaml_load_file(a, path, &root, err) != 0)
        return -1;
    if (root->kind != SL_NODE_MAP)
        return fail(err, root, "a configuration file is a map of settings");
    if (check_keys(a, root, top_keys, sizeof top_keys / sizeof top_keys[0], err) != 0)
        return -1;
    if (rules(a, "select", sl_map_get(root, "select"), &out->select, err) != 0 ||
        rules(a, "ignore", sl_map_get(root, "ignore"), &out->ignore, err) != 0 ||
        count(a, "devices", sl_map_get(root, "devices"), &out->devices, err) != 0 ||
        count(a, "slices", sl_map_get(root, "slices"), &out->slices, err) != 0 ||
        fail_level(sl_map_get(root, "fail-level"), out, err) != 0 ||
        cache(sl_map_get(root, "cache"), out, err) != 0 ||
        strings(a, "exclude", sl_map_get(root, "exclude"), &out->exclude, err) != 0 ||
        paths(a, out->dir, "specs", sl_map_get(root, "specs"), &out->specs, err) != 0 ||
        paths(a, out->dir, "source", sl_map_get(root, "source"), &out->sources, err) != 0)
        return -1;
    return per_file(a, sl_map_get(root, "per-file"), out, err);
}
