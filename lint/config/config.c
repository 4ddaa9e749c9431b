/* The resolved config, in MaxText pyconfig's order: base_config chain,
 * command-line overrides, model file, logical_axis_rules merge, final merge,
 * then custom_mesh_and_rule. Paths follow os.path rules so that messages
 * show files the way the user wrote them. */
#include <string.h>
#include <sys/stat.h>

#include "config_internal.h"
#include "shardlint/limits.h"


typedef struct {
    sl_arena *a;
    const sl_config_files *files;
    sl_err *err;
    const char *search_root; /* base.yml's folder found above the entry */
    const char *last;        /* the last file of the chain (the root-most) */
    const sl_node *last_map; /* its content */
    const char *stack[SL_CHAIN_MAX];
    const char *real[SL_CHAIN_MAX];
    int depth;
    sl_vec loaded;           /* every file of the chain, entry first */
} chain;

/* Chains compare files by their real path, so that two spellings of one
 * file are one link of the chain. */
static const char *real_or_same(sl_arena *a, const char *path)
{
    const char *real = sl_path_real(a, path);
    return real ? real : path;
}

/* MaxText's configs folder: the nearest folder above the entry that holds
 * base.yml, or a configs/ folder that does (an entry elsewhere in the
 * package, such as experimental/rl/grpo.yml, falls back to MaxText's configs
 * folder). The walk goes up through "..", so a bare file name finds the
 * folder above the working directory and paths stay relative. */
static const char *find_root_upward(sl_arena *a, const char *entry)
{
    const char *dir = *sl_path_dir(a, entry) ? sl_path_dir(a, entry) : ".";
    for (;;) {
        if (sl_is_file(sl_path_join(a, dir, "base.yml")))
            return dir;
        if (sl_is_file(sl_path_join(a, dir, "configs/base.yml")))
            return sl_path_join(a, dir, "configs");
        const char *real = sl_path_real(a, dir);
        if (!real || strcmp(real, "/") == 0)
            return NULL;
        dir = sl_path_join(a, dir, "..");
    }
}

static int parse_file(sl_arena *a, const sl_config_files *files, const char *path,
                      const sl_node **out, sl_err *err)
{
    if (files)
        return files->load(files->ctx, path, out, err);
    sl_node *n;
    int rc = sl_yaml_load_file(a, path, &n, err);
    *out = n;
    return rc;
}

/* A config file's top level: a map, or nothing (an empty file). */
static int load_map(sl_arena *a, const sl_config_files *files, const char *path,
                    const sl_node **out, sl_err *err)
{
    if (parse_file(a, files, path, out, err) < 0)
        return -1;
    if (sl_node_is_null(*out))
        *out = sl_node_new_map(a, (*out)->loc);
    if ((*out)->kind == SL_NODE_MAP)
        return 0;
    sl_err_set(err, (*out)->loc, "a config file must be a mapping of keys to values");
    return -1;
}

static const char *chain_text(chain *c, const char *next)
{
    char *s = sl_strdup(c->a, "");
    for (int k = 0; k < c->depth; k++)
        s = sl_sprintf(c->a, "%s%s -> ", s, c->stack[k]);
    return sl_sprintf(c->a, "%s%s", s, next);
}

/* A file a config names that is outside the tree is never read: the error
 * names it and what to pass to follow it. */
static int check_inside(sl_arena *a, const sl_config_files *files, const char *what,
                        const char *path, sl_loc at, sl_err *err)
{
    if (!files || sl_path_inside(a, path, files->tree))
        return 0;
    sl_err_set(err, at, "%s %s is outside the tree: not read (see --root; "
               "--allow-outside-root follows it)", what, path);
    return -1;
}

/* Where `base_config: X` of `file` points, as MaxText's _load_config looks:
 * X as is when absolute, next to `file` when that is a file, else under
 * the configs root. NULL with the error when none of them is a file. */
static const char *base_path(chain *c, const char *file, const sl_node *v)
{
    const char *x = sl_node_text(v);
    const char *tries[2] = {x[0] == '/' ? x : sl_path_join(c->a, sl_path_dir(c->a, file), x)};
    size_t n = 1;
    if (x[0] != '/' && c->search_root) {
        tries[1] = sl_path_join(c->a, c->search_root, x);
        n += strcmp(tries[0], tries[1]) != 0;
    }
    for (size_t k = 0; k < n; k++)
        if (sl_is_file(tries[k]))
            return tries[k];
    struct stat st;
    for (size_t k = 0; k < n; k++) {
        if (stat(tries[k], &st) == 0) {
            sl_err_set(c->err, v->loc, "base_config '%s' cannot be read: %s: %s", x,
                       tries[k], sl_not_regular(&st));
            return NULL;
        }
    }
    if (n == 1)
        sl_err_set(c->err, v->loc, "base_config '%s' not found (looked for %s)", x, tries[0]);
    else
        sl_err_set(c->err, v->loc, "base_config '%s' not found (looked for %s and %s)", x,
                   tries[0], tries[1]);
    return NULL;
}

static int chain_load(chain *c, const char *file, const sl_node **out);

static int chain_base(chain *c, const char *file, const sl_node *v, const sl_node **parent)
{
    if (v->kind != SL_NODE_SCALAR || v->type != SL_SCALAR_STR || !*v->str) {
        sl_err_set(c->err, v->loc, "base_config must be a file name");
        return -1;
    }
    const char *path = base_path(c, file, v);
    if (!path || check_inside(c->a, c->files, "base_config", path, v->loc, c->err) != 0)
        return -1;
    const char *real = real_or_same(c->a, path);
    for (int k = 0; k < c->depth; k++) {
        if (strcmp(c->real[k], real) == 0) {
            sl_err_set(c->err, v->loc, "base_config cycle: %s", chain_text(c, path));
            return -1;
        }
    }
    if (c->depth == SL_CHAIN_MAX) {
        sl_err_set(c->err, v->loc, "base_config chain longer than %d files", SL_CHAIN_MAX);
        return -1;
    }
    return chain_load(c, path, parent);
}

static int chain_load(chain *c, const char *file, const sl_node **out)
{
    const sl_node *cfg, *parent;
    if (load_map(c->a, c->files, file, &cfg, c->err) < 0)
        return -1;
    sl_vec_push(c->a, &c->loaded, (void *)file);
    c->stack[c->depth] = file;
    c->real[c->depth++] = real_or_same(c->a, file);
    c->last = file;
    c->last_map = cfg;
    sl_node *v = sl_map_get(cfg, "base_config");
    int rc = v ? chain_base(c, file, v, &parent) : 0;
    c->depth--;
    if (rc < 0)
        return -1;
    *out = v ? sl_node_merge(c->a, parent, cfg) : cfg;
    return 0;
}

static bool named_base_yml(const char *path)
{
    const char *slash = strrchr(path, '/');
    return strcmp(slash ? slash + 1 : path, "base.yml") == 0;
}

static bool not_rules(const char *key, void *ctx)
{
    return strcmp(key, "logical_axis_rules") != 0;
}

static sl_node *without_rules(sl_arena *a, const sl_node *m)
{
    return sl_map_filter(a, m, not_rules, NULL);
}

int sl_config_chain_load(sl_arena *a, const sl_config_files *files, const char *entry,
                         sl_config_chain *out, sl_err *err)
{
    memset(out, 0, sizeof *out);
    out->entry = sl_strdup(a, entry);
    chain c = {.a = a, .files = files, .err = err, .search_root = find_root_upward(a, entry)};
    if (chain_load(&c, entry, &out->values) < 0)
        return -1;
    out->files = (const char **)c.loaded.items;
    out->nfiles = c.loaded.n;
    out->settings = without_rules(a, out->values);
    out->base_file = named_base_yml(c.last) ? c.last_map : NULL;
    const char *root = named_base_yml(c.last) ? sl_path_dir(a, c.last)
                       : c.search_root           ? c.search_root
                                                 : sl_path_dir(a, entry);
    out->root = *root ? root : ".";
    return 0;
}

int sl_override_parse(sl_arena *a, const char *word, sl_loc loc, sl_override *out,
                      sl_err *err)
{
    const char *eq = strchr(word, '=');
    if (!eq) {
        sl_err_set(err, loc, "'%s' is not a key=value override", word);
        return -1;
    }
    size_t n = (size_t)(eq - word);
    bool ok = n > 0 && strchr("0123456789", word[0]) == NULL;
    for (size_t k = 0; k < n && ok; k++)
        ok = word[k] == '_' || (word[k] >= 'a' && word[k] <= 'z') ||
             (word[k] >= 'A' && word[k] <= 'Z') || (word[k] >= '0' && word[k] <= '9');
    if (!ok) {
        sl_err_set(err, loc, "override key '%.*s' is not a config key name", (int)n, word);
        return -1;
    }
    *out = (sl_override){.key = sl_strndup(a, word, n), .text = sl_strdup(a, eq + 1), .loc = loc};
    return 0;
}

static int load_overrides(sl_arena *a, const sl_override *ov, size_t nov, sl_config *out,
                          sl_err *err)
{
    out->override_values = sl_node_new_map(a, (sl_loc){0});
    for (size_t k = 0; k < nov; k++) {
        if (ov[k].in_model)
            continue;
        sl_node *v;
        if (sl_yaml_parse_value(a, ov[k].text, ov[k].loc, &v, err) < 0) {
            if (!ov[k].text_if_not_yaml)
                return -1;
            v = sl_node_new_scalar(a, ov[k].text, true, ov[k].loc);
        }
        sl_node *key = sl_node_new_scalar(a, ov[k].key, true, ov[k].loc);
        sl_map_set(a, out->override_values, key, v);
    }
    return 0;
}

/* The value after overrides, before the model file (MaxText's temp_cfg). */
static const sl_node *early_value(const sl_config *c, const char *key)
{
    const sl_node *v = sl_map_get(c->override_values, key);
    return v ? v : sl_map_get(c->base_values, key);
}

/* models/<name>.yml next to the entry, one folder up, then in the configs
 * root, as MaxText's pyconfig looks; NULL when none exists (MaxText then
 * only logs a warning). A candidate that exists but is not a regular file
 * is an error: MaxText would open it. */
static int find_model(sl_arena *a, const sl_config *c, const char *name, sl_loc at,
                      const char **out, sl_err *err)
{
    const char *rel = sl_sprintf(a, "models/%s.yml", name);
    const char *dir = sl_path_dir(a, c->entry);
    const char *tries[] = {sl_path_join(a, dir, rel), sl_path_join(a, sl_path_dir(a, dir), rel),
                           sl_path_join(a, c->root, rel)};
    *out = NULL;
    for (size_t k = 0; k < 3; k++) {
        if (sl_is_file(tries[k])) {
            *out = tries[k];
            return 0;
        }
    }
    struct stat st;
    for (size_t k = 0; k < 3; k++) {
        if (stat(tries[k], &st) == 0) {
            sl_err_set(err, at, "model file for '%s' cannot be read: %s: %s", name, tries[k],
                       sl_not_regular(&st));
            return -1;
        }
    }
    return 0;
}

/* model_name with every "-Instruct" removed (same architecture). */
static const char *model_name(sl_arena *a, const sl_config *c)
{
    const char *name = sl_node_text(early_value(c, "model_name"));
    if (!name)
        return NULL;
    char *s = sl_strdup(a, name), *p;
    while ((p = strstr(s, "-Instruct")))
        memmove(p, p + 9, strlen(p + 9) + 1);
    return strcmp(s, "default") == 0 ? NULL : s;
}

static bool any_key(const char *key, void *ctx)
{
    return true;
}

/* The model file as a fix would edit it: each in_model override set in it,
 * with logical_axis_rules added to the end of the file's own list. */
static int edit_model(sl_arena *a, sl_config *c, const sl_override *ov, size_t nov, sl_err *err)
{
    sl_node *model = NULL;
    for (size_t k = 0; k < nov; k++) {
        if (!ov[k].in_model)
            continue;
        sl_node *v;
        if (sl_yaml_parse_value(a, ov[k].text, ov[k].loc, &v, err) < 0)
            return -1;
        model = model ? model : sl_map_filter(a, c->model_values, any_key, NULL);
        const sl_node *had = sl_map_get(model, ov[k].key);
        if (strcmp(ov[k].key, "logical_axis_rules") == 0 && had && had->kind == SL_NODE_SEQ &&
            v->kind == SL_NODE_SEQ) {
            sl_node *both = sl_node_new_seq(a, had->loc);
            both->items = sl_array_concat(a, had->items, had->n, v->items, v->n, sizeof *v->items);
            both->n = had->n + v->n;
            v = both;
        }
        sl_map_set(a, model, sl_node_new_scalar(a, ov[k].key, true, ov[k].loc), v);
    }
    if (model)
        c->model_values = model;
    return 0;
}

static bool not_overridden(const char *key, void *overrides)
{
    return !sl_map_get(overrides, key);
}

/* The part of the model file MaxText merges: all of it, or with
 * override_model_config, only the keys the overrides leave alone. A key both
 * set is merged like any other: whether the tree's MaxText refuses it is a
 * rule's question (SL101), since that changed over MaxText's history. */
static int load_model(sl_arena *a, const sl_config_files *files, sl_config *c,
                      const sl_override *ov, size_t nov, const sl_node **model_cfg, sl_err *err)
{
    const char *name = model_name(a, c);
    *model_cfg = sl_node_new_map(a, (sl_loc){0});
    sl_loc at = name ? early_value(c, "model_name")->loc : (sl_loc){0};
    if (name && (find_model(a, c, name, at, &c->model_file, err) != 0 ||
                 (c->model_file &&
                  check_inside(a, files, "model file", c->model_file, at, err) != 0)))
        return -1;
    if (!c->model_file)
        return 0;
    if (load_map(a, files, c->model_file, &c->model_values, err) < 0 ||
        edit_model(a, c, ov, nov, err) < 0)
        return -1;
    if (!config_truthy(early_value(c, "override_model_config"))) {
        *model_cfg = c->model_values;
        return 0;
    }
    *model_cfg = sl_map_filter(a, c->model_values, not_overridden, c->override_values);
    return 0;
}

static int merge_rules(sl_arena *a, sl_config *c, const sl_node *model_cfg, sl_vec *rules,
                       sl_vec *bad, sl_err *err)
{
    sl_vec model = {0}, over = {0};
    if (config_rules_collect(a, sl_map_get(c->base_values, "logical_axis_rules"), rules, bad,
                             err) < 0 ||
        config_rules_collect(a, sl_map_get(model_cfg, "logical_axis_rules"), &model, bad,
                             err) < 0 ||
        config_rules_collect(a, sl_map_get(c->override_values, "logical_axis_rules"), &over,
                             bad, err) < 0)
        return -1;
    config_rules_apply(a, rules, &model,
                       config_truthy(sl_map_get(model_cfg, "override_logical_axis_rules")));
    const sl_node *flag = sl_map_get(c->override_values, "override_logical_axis_rules");
    config_rules_apply(a, rules, &over, config_truthy(flag));
    return 0;
}

typedef struct {
    sl_arena *a;
    sl_vec names;
} name_list;

static int custom_name(void *ctx, const sl_walk_entry *e)
{
    name_list *l = ctx;
    if (!e->error && S_ISREG(e->st->st_mode) && !strchr(e->rel, '/') &&
        sl_path_has_suffix(e->rel, ".yml"))
        sl_vec_push(l->a, &l->names, sl_strndup(l->a, e->rel, strlen(e->rel) - 4));
    return 0;
}

/* The names custom_mesh_and_rule can take: the files of its folder. */
static void list_custom(sl_arena *a, sl_config *c)
{
    name_list l = {.a = a};
    sl_err ignored;
    if (sl_is_dir(c->custom_dir))
        sl_walk(c->custom_dir, custom_name, &l, &ignored);
    c->custom_names = (const char **)l.names.items;
    c->ncustom_names = l.names.n;
}

/* custom_mesh_and_rule: NAME swaps in the mesh, rules and data sharding of
 * <root>/custom_mesh_and_rule/NAME.yml. A name with no file is kept for a
 * rule to report (MaxText refuses it); the config is built without it. */
static int apply_custom_mesh(sl_arena *a, const sl_config_files *files, sl_config *c,
                             sl_vec *rules, sl_vec *bad, sl_err *err)
{
    const sl_node *v = sl_map_get(c->values, "custom_mesh_and_rule");
    const char *name = sl_node_text(v);
    if (!name || !*name || sl_node_is_null(v))
        return 0;
    c->custom_dir = sl_path_join(a, c->root, "custom_mesh_and_rule");
    const char *path = sl_path_join(a, c->custom_dir, sl_sprintf(a, "%s.yml", name));
    struct stat st;
    if (stat(path, &st) != 0) {
        c->custom_missing = v;
        list_custom(a, c);
        return 0;
    }
    if (!S_ISREG(st.st_mode)) {
        sl_err_set(err, v->loc, "custom_mesh_and_rule '%s': cannot read %s: %s", name, path,
                   sl_not_regular(&st));
        return -1;
    }
    if (check_inside(a, files, "custom_mesh_and_rule file", path, v->loc, err) != 0)
        return -1;
    const sl_node *custom;
    if (load_map(a, files, path, &custom, err) < 0)
        return -1;
    static const char *const fields[] = {"mesh_axes", "data_sharding"};
    for (size_t k = 0; k < 2; k++)
        if (sl_map_get(custom, fields[k]))
            sl_map_set(a, c->values, sl_map_key(custom, fields[k]),
                       sl_map_get(custom, fields[k]));
    if (!sl_map_key(custom, "logical_axis_rules"))
        return 0;
    rules->n = 0;
    return config_rules_collect(a, sl_map_get(custom, "logical_axis_rules"), rules, bad, err);
}

int sl_config_build(sl_arena *a, const sl_config_files *files, const sl_config_chain *chain,
                    const sl_override *ov, size_t nov, sl_config *out, sl_err *err)
{
    memset(out, 0, sizeof *out);
    out->entry = chain->entry;
    out->root = chain->root;
    out->base_values = chain->values;
    out->base_file = chain->base_file;
    const sl_node *model_cfg;
    sl_vec rules = {0}, bad = {0};
    if (load_overrides(a, ov, nov, out, err) < 0 ||
        load_model(a, files, out, ov, nov, &model_cfg, err) < 0 ||
        merge_rules(a, out, model_cfg, &rules, &bad, err) < 0)
        return -1;
    out->values = sl_node_merge(a, sl_node_merge(a, chain->settings, without_rules(a, model_cfg)),
                                without_rules(a, out->override_values));
    if (apply_custom_mesh(a, files, out, &rules, &bad, err) < 0)
        return -1;
    config_rules_store(a, &rules, &bad, out);
    return 0;
}

int sl_config_load(sl_arena *a, const char *entry, const sl_override *ov, size_t nov,
                   sl_config *out, sl_err *err)
{
    sl_config_chain chain;
    if (sl_config_chain_load(a, NULL, entry, &chain, err) < 0)
        return -1;
    return sl_config_build(a, NULL, &chain, ov, nov, out, err);
}

static bool not_renamed(const char *key, void *from)
{
    return strcmp(key, from) != 0;
}

static sl_node *map_renamed(sl_arena *a, const sl_node *m, const sl_rename *r)
{
    const sl_node *key = sl_map_key(m, r->from);
    if (!key)
        return (sl_node *)m;
    sl_node *out = sl_map_filter(a, m, not_renamed, (void *)r->from);
    sl_map_set(a, out, sl_node_new_scalar(a, r->to, true, key->loc), sl_map_get(m, r->from));
    return out;
}

void sl_config_rename_key(sl_arena *a, sl_config *c, const sl_rename *r)
{
    c->values = map_renamed(a, c->values, r);
    c->base_values = map_renamed(a, c->base_values, r);
    c->override_values = map_renamed(a, c->override_values, r);
    if (c->model_values)
        c->model_values = map_renamed(a, c->model_values, r);
}

sl_node *sl_config_get(const sl_config *c, const char *key)
{
    return sl_map_get(c->values, key);
}
