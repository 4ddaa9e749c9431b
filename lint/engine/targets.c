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
    sl_vec *targets;
    sl_report *r;
} collector;

static target *target_new(collector *c, const char *entry)
{
    target *t = sl_alloc(c->a, sizeof *t);
    t->config_path = entry;
    t->label = entry;
    t->scenario.entry = entry;
    t->scenario.devices = c->o->devices;
    t->scenario.slices = c->o->slices;
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

static bool has_base_config(sl_session *s, const char *path)
{
    char *text;
    size_t len;
    sl_err ignored;
    if (session_read(s, path, SL_YAML_MAX_BYTES, &text, &len, &ignored) != 0)
        return false;
    bool found = strncmp(text, "base_config:", 12) == 0 || strstr(text, "\nbase_config:");
    free(text);
    return found;
}

/* A file under models/ with its own base_config (MaxText's gpu/models/) is an
 * entry config, not a model file. */
static void add_yml(collector *c, const char *path)
{
    sl_arena *a = c->a;
    const char *base = has_base_config(c->s, path) ? NULL : model_root(a, path);
    target *t = target_new(c, base ? base : path);
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

static void warn_unknown(collector *c, const sl_launch *l)
{
    for (size_t i = 0; i < l->nunknown; i++) {
        sl_err w;
        sl_err_set(&w, l->unknown[i].loc, "unknown variable %s: shardlint does not guess it, "
                                          "so the word using it is left out",
                   l->unknown[i].name);
        report_problem(c->s, c->r, SL_LEVEL_WARNING, &w);
    }
}

static void add_launch(collector *c, const sl_launch *l)
{
    sl_arena *a = c->a;
    target *t = target_new(c, session_intern(c->s, sl_path_display(a, l->config)));
    if (!c->o->devices) {
        const char *why;
        sl_loc where;
        t->scenario.devices = sl_maxtext_launch_devices(a, l->ov, l->nov, &why, &where);
    }
    char at[1024];
    t->label = sl_sprintf(a, "the launch at %s", sl_loc_str(l->loc, at, sizeof at));
    t->script = l->loc.file;
    t->launch_at = l->config_loc.file ? l->config_loc : l->loc;
    target_overrides(c, t, l->ov, l->nov);
    sl_vec_push(a, c->targets, t);
}

static void add_script(collector *c, const char *path)
{
    sl_arena *a = c->a;
    sl_vec launches = {0};
    char *text;
    size_t len;
    sl_err e;
    int rc = session_read(c->s, path, SL_SCAN_MAX_FILE, &text, &len, &e);
    if (rc == 0) {
        rc = sl_scan_sh_buf(a, text, len, path, sl_scan_find_repo_root(a, path), &launches, &e);
        free(text);
    }
    if (rc != 0) {
        report_problem(c->s, c->r, SL_LEVEL_ERROR, &e);
        return;
    }
    for (size_t i = 0; i < launches.n; i++) {
        const sl_launch *l = launches.items[i];
        warn_unknown(c, l);
        if (l->config)
            add_launch(c, l);
    }
}

/* A YAML file a directory walk lints: base.yml, any models/ file, and any file
 * with a top-level base_config. */
static bool is_entry_yml(collector *c, const char *path)
{
    return strcmp(sl_path_base(path), "base.yml") == 0 || model_root(c->a, path) ||
           has_base_config(c->s, path);
}

static void add_file(collector *c, const char *path, bool walking)
{
    if (sl_path_has_suffix(path, ".sh")) {
        add_script(c, path);
        return;
    }
    bool yml = sl_path_has_suffix(path, ".yml") || sl_path_has_suffix(path, ".yaml");
    if ((!walking && !c->o->entries_only) || (yml && is_entry_yml(c, path)))
        add_yml(c, path);
}

static int walk_entry(void *ctx, const sl_walk_entry *e)
{
    collector *c = ctx;
    sl_err err;
    if (e->error) {
        sl_err_set(&err, (sl_loc){.file = e->path, .line = 1, .col = 1},
                   "cannot read this directory: %s", strerror(e->error));
        report_problem(c->s, c->r, SL_LEVEL_ERROR, &err);
    } else if (S_ISREG(e->st->st_mode)) {
        add_file(c, session_intern(c->s, e->path), true);
    }
    return 0;
}

static void add_path(collector *c, const char *path)
{
    struct stat st;
    sl_err e;
    if (stat(path, &st) != 0) {
        int why = errno;
        /* An editor's buffer for a file not saved yet. */
        if (session_has_text(c->s, path)) {
            add_file(c, path, false);
            return;
        }
        sl_err_set(&e, (sl_loc){.file = path, .line = 1, .col = 1}, "cannot read: %s",
                   strerror(why));
        report_problem(c->s, c->r, SL_LEVEL_ERROR, &e);
    } else if (S_ISDIR(st.st_mode)) {
        sl_walk(path, walk_entry, c, &e);
    } else if (S_ISREG(st.st_mode)) {
        add_file(c, path, false);
    }
}

void targets_collect(sl_session *s, const sl_check_opts *o, sl_vec *targets, sl_report *r)
{
    collector c = {s, r->arena, o, targets, r};
    for (size_t i = 0; i < o->npaths; i++)
        add_path(&c, session_intern(s, o->paths[i]));
}
