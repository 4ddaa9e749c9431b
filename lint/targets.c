/* Paths on the command line -> lint targets. */
#include "targets.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shardlint/emit.h"
#include "shardlint/scan.h"

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

static char *dir_of(sl_arena *a, const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? sl_strndup(a, path, (size_t)(slash - path)) : sl_strdup(a, ".");
}

static const char *base_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static bool is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

const char *sl_display_path(sl_arena *a, const char *path)
{
    char cwd[4096];
    bool abs = path[0] == '/' && getcwd(cwd, sizeof cwd);
    return sl_emit_relpath(a, path, abs ? cwd : NULL);
}

static sl_target *target_new(sl_arena *a, const sl_cli_opts *o, const char *entry)
{
    sl_target *t = sl_alloc(a, sizeof *t);
    t->config_path = entry;
    t->label = entry;
    t->scenario.entry = entry;
    t->scenario.devices = o->devices;
    t->scenario.slices = o->slices;
    t->scenario.verify_fixes = true;
    return t;
}

/* The scenario's overrides: the command line's, after any the target has. */
static void target_overrides(sl_arena *a, sl_target *t, const sl_override *first, size_t nfirst,
                             const sl_cli_opts *o)
{
    sl_override *ov = sl_alloc(a, (nfirst + o->overrides.n + 1) * sizeof *ov);
    if (nfirst)
        memcpy(ov, first, nfirst * sizeof *ov);
    for (size_t i = 0; i < o->overrides.n; i++)
        ov[nfirst + i] = *(sl_override *)o->overrides.items[i];
    t->scenario.ov = ov;
    t->scenario.nov = nfirst + o->overrides.n;
}

static void push(sl_arena *a, sl_targets *ts, sl_target *t)
{
    sl_vec v = {(void **)ts->items, ts->n, ts->cap};
    sl_vec_push(a, &v, t);
    ts->items = (sl_target **)v.items;
    ts->n = v.n;
    ts->cap = v.cap;
}

/* models/X.yml is linted as base.yml with model_name=X, base.yml being the
 * nearest one up from the models folder. */
static const char *model_root(sl_arena *a, const char *path)
{
    char *dir = dir_of(a, path);
    if (strcmp(base_of(dir), "models") != 0)
        return NULL;
    for (char *up = dir_of(a, dir); *up; up = dir_of(a, up)) {
        const char *base = sl_sprintf(a, "%s/base.yml", up);
        if (is_file(base))
            return base;
        if (strcmp(up, ".") == 0 || strcmp(up, "/") == 0 || !strchr(up, '/'))
            break;
    }
    return NULL;
}

static bool has_base_config(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return false;
    char line[4096];
    bool found = false;
    while (!found && fgets(line, sizeof line, f))
        found = strncmp(line, "base_config:", 12) == 0;
    fclose(f);
    return found;
}

/* A file under models/ with its own base_config (MaxText's gpu/models/) is an
 * entry config, not a model file. */
static void add_yml(sl_arena *a, const sl_cli_opts *o, const char *path, sl_targets *ts)
{
    const char *base = has_base_config(path) ? NULL : model_root(a, path);
    sl_target *t = target_new(a, o, base ? base : path);
    if (base) {
        const char *name = base_of(path);
        sl_override model = {
            .key = "model_name",
            .text = sl_strndup(a, name, strlen(name) - (ends_with(name, ".yaml") ? 5 : 4)),
            .loc = {.file = path, .line = 1, .col = 1},
        };
        t->label = sl_sprintf(a, "%s model_name=%s", base, model.text);
        target_overrides(a, t, &model, 1, o);
    } else {
        target_overrides(a, t, NULL, 0, o);
    }
    push(a, ts, t);
}

static void warn_unknown(const sl_launch *l, FILE *err)
{
    char where[1024];
    for (size_t i = 0; i < l->nunknown; i++)
        fprintf(err, "%s: warning: unknown variable %s: shardlint does not guess it, so the "
                     "word using it is left out\n",
                sl_loc_str(l->unknown[i].loc, where, sizeof where), l->unknown[i].name);
}

static int add_script(sl_arena *a, const sl_cli_opts *o, const char *path, sl_targets *ts,
                      FILE *err)
{
    sl_vec launches = {0};
    sl_err e;
    if (sl_scan_sh_file(a, path, sl_scan_find_repo_root(a, path), &launches, &e) != 0)
        return sl_cli_input_error(err, &e);
    for (size_t i = 0; i < launches.n; i++) {
        const sl_launch *l = launches.items[i];
        warn_unknown(l, err);
        if (!l->config)
            continue;
        sl_target *t = target_new(a, o, sl_display_path(a, l->config));
        sl_launch_scenario(l, o->devices, &t->scenario);
        t->scenario.entry = t->config_path;
        t->scenario.slices = o->slices;
        char where[1024];
        t->label = sl_sprintf(a, "the launch at %s", sl_loc_str(l->loc, where, sizeof where));
        target_overrides(a, t, l->ov, l->nov, o);
        push(a, ts, t);
    }
    return 0;
}

/* A YAML file a directory walk lints: base.yml, any models/ file, and any file
 * with a top-level base_config. */
static bool is_entry_yml(sl_arena *a, const char *path)
{
    return strcmp(base_of(path), "base.yml") == 0 || model_root(a, path) ||
           has_base_config(path);
}

static int add_path(sl_arena *a, const sl_cli_opts *o, const char *path, sl_targets *ts,
                    FILE *err, bool walking);

static int name_cmp(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

static int add_dir(sl_arena *a, const sl_cli_opts *o, const char *dir, sl_targets *ts, FILE *err)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    sl_vec names = {0};
    for (struct dirent *e; (e = readdir(d));)
        if (e->d_name[0] != '.')
            sl_vec_push(a, &names, sl_sprintf(a, "%s/%s", dir, e->d_name));
    closedir(d);
    if (names.n)
        qsort(names.items, names.n, sizeof *names.items, name_cmp);
    for (size_t i = 0; i < names.n; i++) {
        int rc = add_path(a, o, names.items[i], ts, err, true);
        if (rc)
            return rc;
    }
    return 0;
}

static int add_path(sl_arena *a, const sl_cli_opts *o, const char *path, sl_targets *ts,
                    FILE *err, bool walking)
{
    struct stat st;
    if ((walking ? lstat(path, &st) : stat(path, &st)) != 0) {
        sl_err e;
        sl_err_set(&e, (sl_loc){.file = path, .line = 1, .col = 1}, "cannot read: %s",
                   strerror(errno));
        return sl_cli_input_error(err, &e);
    }
    if (S_ISDIR(st.st_mode))
        return add_dir(a, o, path, ts, err);
    if (!S_ISREG(st.st_mode))
        return 0;
    if (ends_with(path, ".sh"))
        return add_script(a, o, path, ts, err);
    bool yml = ends_with(path, ".yml") || ends_with(path, ".yaml");
    if (!walking || (yml && is_entry_yml(a, path)))
        add_yml(a, o, path, ts);
    return 0;
}

int sl_targets_collect(sl_arena *a, const sl_cli_opts *o, sl_targets *ts, FILE *err)
{
    for (size_t i = 0; i < o->paths.n; i++) {
        int rc = add_path(a, o, o->paths.items[i], ts, err, false);
        if (rc)
            return rc;
    }
    for (size_t i = 0; i < ts->n; i++)
        ts->items[i]->many = ts->n > 1;
    return 0;
}
