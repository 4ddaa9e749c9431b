/* Paths -> lint targets: an entry config, a model config (linted as its
 * tree's base.yml with model_name set), each MaxText launch of a shell
 * script, or a directory of them. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine_internal.h"
#include "shardlint/limits.h"
#include "shardlint/rule.h"

typedef struct {
    sl_session *s;
    sl_arena *a;              /* the report's */
    const sl_check_opts *o;
    const char *tree;         /* what the run may read, NULL: anything */
    sl_vec *targets;
    sl_findings *launch_findings;
    sl_report *r;
    sl_strmap seen;           /* files collected, so a path named twice counts once */
} collector;

static void cannot_read(collector *c, const char *path, const char *why)
{
    sl_err e;
    sl_err_set(&e, (sl_loc){.file = path, .line = 1, .col = 1}, "cannot read: %s", why);
    report_problem(c->s, c->r, SL_LEVEL_ERROR, &e);
}

/* One file being turned into targets: its path and its settings. */
typedef struct {
    const char *path;
    sl_path_settings set;
} source;

static source source_of(collector *c, const char *path)
{
    source src = {.path = path};
    if (c->o->path_settings)
        c->o->path_settings(path, c->o->keep_ctx, &src.set);
    return src;
}

static void skip(collector *c, const char *path, const char *reason)
{
    sl_skipped *k = sl_alloc(c->a, sizeof *k);
    k->path = path;
    k->reason = reason;
    sl_vec_push(c->a, &c->r->skipped, k);
}

/* The device count the user gave for a file (its configuration file's
 * setting, else --devices): a fact a mesh is held to. Count 0: none. */
static sl_devices user_devices(const collector *c, const source *src)
{
    if (src->set.devices)
        return (sl_devices){src->set.devices, SL_DEVICES_USER, "the configuration file's devices",
                            {0}};
    if (c->o->devices)
        return (sl_devices){c->o->devices, SL_DEVICES_USER, "--devices", {0}};
    return (sl_devices){0};
}

static target *target_new(collector *c, const source *src, const char *entry)
{
    target *t = sl_alloc(c->a, sizeof *t);
    t->config_path = entry;
    t->label = entry;
    t->source = src->path;
    t->scenario.entry = entry;
    t->scenario.devices = user_devices(c, src);
    t->scenario.slices = src->set.slices ? src->set.slices : c->o->slices;
    t->scenario.verify_fixes = c->o->verify_fixes;
    t->scenario.tree = sl_session_tree(c->s, entry);
    return t;
}

/* The scenario's overrides: the command line's, after any the target has. */
static void target_overrides(collector *c, target *t, const sl_override *first, size_t nfirst)
{
    t->scenario.ov = sl_array_concat(c->a, first, nfirst, c->o->ov, c->o->nov,
                                     sizeof *first);
    t->scenario.nov = nfirst + c->o->nov;
}

/* models/X.yml is linted as base.yml with model_name=X, base.yml being the
 * nearest one up from the models folder. */
static const char *model_root(sl_arena *a, const char *path)
{
    const char *dir = sl_path_dir(a, path);
    if (strcmp(sl_path_base(dir), "models") != 0)
        return NULL;
    for (const char *up = sl_path_dir(a, dir); *up; up = sl_path_dir(a, up)) {
        const char *base = sl_sprintf(a, "%s/base.yml", up);
        if (sl_is_file(base))
            return base;
        if (strcmp(up, "/") == 0 || !strchr(up, '/'))
            break;
    }
    return NULL;
}

/* Whether the file (or its overlay) has one of these top-level keys. */
static bool has_top_key(collector *c, const char *path, const char *const *keys, sl_err *err)
{
    char *text;
    size_t len;
    sl_err ignored;
    if (session_read(c->s, path, SL_YAML_MAX_BYTES, &text, &len, err ? err : &ignored) != 0)
        return false;
    bool found = false;
    for (const char *const *k = keys; *k && !found; k++) {
        const char *line = sl_sprintf(c->a, "\n%s:", *k);
        found = strncmp(text, line + 1, strlen(line + 1)) == 0 || strstr(text, line);
    }
    free(text);
    return found;
}

static bool has_base_config(collector *c, const char *path, sl_err *err)
{
    static const char *const keys[] = {"base_config", NULL};
    return has_top_key(c, path, keys, err);
}

/* A file under models/ with its own base_config (MaxText's gpu/models/) is an
 * entry config, not a model file. */
static void add_yml(collector *c, const source *src)
{
    sl_arena *a = c->a;
    const char *path = src->path;
    const char *base = has_base_config(c, path, NULL) ? NULL : model_root(a, path);
    target *t = target_new(c, src, base ? base : path);
    if (base) {
        const char *name = sl_path_base(path);
        sl_override model = {
            .key = "model_name",
            .text = sl_strndup(a, name, strlen(name) - (sl_path_has_suffix(name, ".yaml") ? 5 : 4)),
            .loc = {.file = path, .line = 1, .col = 1},
        };
        t->label = sl_sprintf(a, "%s model_name=%s", base, model.text);
        target_overrides(c, t, &model, 1);
    } else {
        target_overrides(c, t, NULL, 0);
    }
    sl_vec_push(a, c->targets, t);
}

/* A launch that cannot be linted: listed with why; a config file that
 * does not exist is also an error, at the word that names it. */
static void launch_unread(collector *c, const sl_launch *l, const char *why, bool missing)
{
    sl_problem *p = sl_alloc(c->a, sizeof *p);
    p->loc = l->loc;
    p->message = why;
    sl_vec_push(c->a, &c->r->launches.unread, p);
    if (!missing)
        return;
    sl_err e;
    sl_err_set(&e, l->config_src ? l->config_loc : l->entry_loc, "%s", why);
    report_problem(c->s, c->r, SL_LEVEL_ERROR, &e);
}

/* Whether a launch's config, with its base configs and the launch's words,
 * sets mesh_axes. Post-training configs without a base_config (MaxText's
 * post_train/rl.yml) do not: MaxText then takes the mesh and the rules from
 * the defaults of its config code, which shardlint does not read. A config
 * that does not load is left to the lint to report. */
static bool sets_mesh(collector *c, const char *config, const sl_launch *l)
{
    const sl_config_chain *chain;
    sl_err ignored;
    if (session_chain(c->s, config, &chain, &ignored) != 0 ||
        sl_map_get(chain->values, "mesh_axes"))
        return true;
    for (size_t i = 0; i < l->nov; i++)
        if (strcmp(l->ov[i].key, "mesh_axes") == 0)
            return true;
    return false;
}

static void add_launch(collector *c, const source *src, const sl_tree *tree, const sl_launch *l)
{
    sl_arena *a = c->a;
    const char *why;
    bool missing;
    const char *config = sl_maxtext_launch_config(a, tree, l, &why, &missing);
    if (config && !sets_mesh(c, config, l)) {
        why = sl_sprintf(a, "neither %s nor a base config of it sets mesh_axes: MaxText takes "
                            "the mesh and rules from its config code's defaults",
                         sl_path_display(a, config));
        config = NULL;
    }
    if (!config) {
        launch_unread(c, l, why, missing);
        return;
    }
    if (!sl_path_inside(a, config, c->tree)) {
        sl_err e;
        sl_err_set(&e, l->config_src ? l->config_loc : l->entry_loc, "the launch's config %s is "
                   "outside the tree: not read (see --root; --allow-outside-root follows it)",
                   sl_path_display(a, config));
        report_problem(c->s, c->r, SL_LEVEL_ERROR, &e);
        return;
    }
    target *t = target_new(c, src, session_intern(c->s, sl_path_display(a, config)));
    if (!t->scenario.devices.count)
        t->scenario.devices = sl_maxtext_launch_devices(a, l->loc.file, l->ov, l->nov);
    char at[1024];
    t->label = sl_sprintf(a, "the launch at %s", sl_loc_str(l->loc, at, sizeof at));
    t->script = l->loc.file;
    t->launch_at = l->config_src ? l->config_loc : l->loc;
    target_overrides(c, t, l->ov, l->nov);
    sl_vec_push(a, c->targets, t);
}

static void check_launch(collector *c, const sl_launch *l)
{
    sl_launch_ctx ctx = {c->a, l};
    for (size_t i = 0; c->launch_findings && i < sl_rule_count; i++)
        if (sl_rule_registry[i]->check_launch)
            sl_rule_registry[i]->check_launch(&ctx, c->launch_findings);
}

/* The script's launches, run from the root of the checkout it is in;
 * returns how many it has. */
static size_t add_script(collector *c, const source *src)
{
    sl_arena *a = c->a;
    const sl_tree *tree = sl_session_tree(c->s, src->path);
    sl_vec launches = {0};
    char *text;
    size_t len;
    sl_err e;
    int rc = session_read(c->s, src->path, SL_SCAN_MAX_FILE, &text, &len, &e);
    if (rc == 0) {
        rc = sl_scan_sh_buf(a, text, len, src->path, tree ? tree->root : NULL, &launches, &e);
        free(text);
    }
    if (rc != 0) {
        report_problem(c->s, c->r, SL_LEVEL_ERROR, &e);
        return 0;
    }
    c->r->launches.nscripts++;
    c->r->launches.nlaunches += launches.n;
    for (size_t i = 0; i < launches.n; i++) {
        check_launch(c, launches.items[i]);
        add_launch(c, src, tree, launches.items[i]);
    }
    return launches.n;
}

static bool is_yml(const char *path)
{
    return sl_path_has_suffix(path, ".yml") || sl_path_has_suffix(path, ".yaml");
}

/* Whether a YAML file is one a directory walk lints: a base.yml with
 * MaxText's keys, any file with a top-level base_config, a models/ file of
 * such a tree. NULL when it is; else why not, in words. A file that cannot
 * be read is reported (it may be an entry: a walk that passed over it would
 * pass in silence) and skipped. */
static const char *yml_skip_reason(collector *c, const char *path)
{
    static const char *const maxtext_keys[] = {"mesh_axes", "logical_axis_rules", NULL};
    sl_err e = {0};
    bool base_yml = strcmp(sl_path_base(path), "base.yml") == 0;
    bool entry = base_yml ? has_top_key(c, path, maxtext_keys, &e)
                          : has_base_config(c, path, &e) || model_root(c->a, path);
    if (e.msg[0]) {
        report_problem(c->s, c->r, SL_LEVEL_ERROR, &e);
        return "it cannot be read";
    }
    if (base_yml)
        return entry ? NULL
                     : "a base.yml without MaxText's keys (mesh_axes, logical_axis_rules)";
    if (entry)
        return NULL;
    return "YAML that is not a MaxText entry config (no base_config, not base.yml, not a "
           "models/ file)";
}

/* A named file is linted whatever it is, unless entries_only; a walked
 * file, or a named one with entries_only, only when it is a launch script
 * or an entry config (named files say why they were skipped). */
static void add_file(collector *c, const char *path, bool walking)
{
    const char *real = sl_path_real(c->a, path);
    size_t ignored;
    if (real && sl_strmap_get(&c->seen, real, &ignored))
        return;
    if (real)
        sl_strmap_put(c->a, &c->seen, real, 0);
    source src = source_of(c, path);
    bool choosy = walking || c->o->entries_only;
    if (choosy && src.set.exclude) {
        skip(c, path, "excluded by the configuration file");
        return;
    }
    const char *reason = NULL;
    if (sl_path_has_suffix(path, ".sh")) {
        if (add_script(c, &src) == 0)
            reason = "a shell script without a MaxText launch";
    } else if (!choosy) {
        add_yml(c, &src);
    } else if (is_yml(path)) {
        reason = yml_skip_reason(c, path);
        if (!reason)
            add_yml(c, &src);
    } else {
        reason = "not a YAML config or a shell script";
    }
    if (reason && !walking)
        skip(c, path, reason);
}

/* A symlink in a walked folder: what it points to is linted (once, see
 * add_file) when it is a file inside the tree; a link out of the tree is
 * reported, not followed. Symlinked folders are not entered (sl_walk). */
static void walk_link(collector *c, const char *path)
{
    sl_arena *a = c->a;
    struct stat st;
    if (stat(path, &st) != 0) {
        cannot_read(c, path, sl_sprintf(a, "a symlink to nothing (%s)", strerror(errno)));
    } else if (!sl_path_inside(a, path, c->tree)) {
        sl_err e;
        sl_err_set(&e, (sl_loc){.file = path, .line = 1, .col = 1}, "a symlink to %s, outside "
                   "the tree: not read (see --root; --allow-outside-root follows it)",
                   sl_path_real(a, path));
        report_problem(c->s, c->r, SL_LEVEL_ERROR, &e);
    } else if (S_ISREG(st.st_mode)) {
        add_file(c, session_intern(c->s, sl_path_display(a, sl_path_real(a, path))), true);
    } else if (!S_ISDIR(st.st_mode)) {
        cannot_read(c, path, sl_not_regular(&st));
    }
}

static int walk_entry(void *ctx, const sl_walk_entry *e)
{
    collector *c = ctx;
    const char *path = session_intern(c->s, sl_path_tidy(c->a, e->path));
    bool ours = is_yml(path) || sl_path_has_suffix(path, ".sh");
    if (e->error) {
        sl_err err;
        sl_err_set(&err, (sl_loc){.file = path}, "cannot read this directory: %s",
                   strerror(e->error));
        report_problem(c->s, c->r, SL_LEVEL_ERROR, &err);
    } else if (S_ISREG(e->st->st_mode)) {
        add_file(c, path, true);
    } else if (S_ISLNK(e->st->st_mode) && ours) {
        walk_link(c, path);
    } else if (!S_ISLNK(e->st->st_mode) && ours) {
        cannot_read(c, path, sl_not_regular(e->st));
    }
    return 0;
}

static void add_path(collector *c, const char *path)
{
    struct stat st;
    sl_err e;
    /* An editor's buffer, or standard input, stands for the file. */
    if (session_has_text(c->s, path)) {
        add_file(c, path, false);
    } else if (stat(path, &st) != 0) {
        if (errno == ENOENT && c->o->entries_only)
            skip(c, path, "does not exist");
        else
            cannot_read(c, path, strerror(errno));
    } else if (S_ISDIR(st.st_mode)) {
        if (sl_walk(path, walk_entry, c, &e) != 0)
            report_problem(c->s, c->r, SL_LEVEL_ERROR, &e);
    } else if (S_ISREG(st.st_mode)) {
        add_file(c, path, false);
    } else {
        /* /dev/null, /dev/stdin on a pipe: nothing was linted, which must
         * never read as "no findings". */
        cannot_read(c, path, sl_not_regular(&st));
    }
}

void targets_collect(sl_session *s, const sl_check_opts *o, sl_vec *targets,
                     sl_findings *launch_findings, sl_report *r)
{
    collector c = {.s = s, .a = r->arena, .o = o, .tree = o->allow_outside_root ? NULL : o->root,
                   .targets = targets, .launch_findings = launch_findings, .r = r};
    for (size_t i = 0; i < o->npaths; i++)
        add_path(&c, session_intern(s, sl_path_tidy(c.a, o->paths[i])));
}
