/* The command line settled: .shardlint.yml merged under the flags, the
 * rules that are on, the specs loaded, standard input read; and the
 * callbacks through which the engine asks about paths and findings. */
#include <stdlib.h>
#include <string.h>

#include "cli_opts.h"
#include "shardlint/rule.h"

/* --select / --ignore words; the first one that names nothing is a usage
 * error. */
static int selectors(sl_arena *a, sl_cli_opts *o, const char *flag, const sl_vec *words,
                     cli_ruleset set, FILE *err)
{
    const char *names[2 * 64 + 1];
    size_t n = 0;
    for (size_t i = 0; i < sl_rule_count && n + 2 < sizeof names / sizeof names[0]; i++) {
        names[n++] = sl_rule_registry[i]->id;
        names[n++] = sl_rule_registry[i]->name;
    }
    for (size_t i = 0; i < words->n; i++) {
        const char *bad = cli_rules_add(a, set, words->items[i]);
        if (!bad)
            continue;
        const char *near = cli_closest(bad, names, n);
        return cli_usage_error(
            err, o->cmd,
            sl_sprintf(a, "%s '%s': no rule id, name or id prefix matches it%s%s%s", flag, bad,
                       near ? " (did you mean " : " (see `shardlint rules`)", near ? near : "",
                       near ? "?)" : ""));
    }
    return 0;
}

/* A layer of selection: select replaces the set, ignore takes from it. */
static void layer(cli_ruleset set, const bool *select, const bool *ignore)
{
    for (size_t i = 0; i < sl_rule_count; i++) {
        if (select)
            set[i] = select[i];
        if (ignore && ignore[i])
            set[i] = false;
    }
}

/* The rules the configuration file turns on (all of them without one). */
static void config_rules(sl_arena *a, sl_cli_opts *o)
{
    o->rules = cli_ruleset_new(a);
    memset(o->rules, 1, sl_rule_count);
    if (o->config)
        layer(o->rules, o->config->select, o->config->ignore);
}

/* --select and --ignore, over the configuration file's rules. */
static int flag_rules(sl_arena *a, sl_cli_opts *o, FILE *err)
{
    cli_ruleset select = o->select.n ? cli_ruleset_new(a) : NULL;
    cli_ruleset ignore = o->ignore.n ? cli_ruleset_new(a) : NULL;
    int rc = select ? selectors(a, o, "--select", &o->select, select, err) : 0;
    if (rc == 0 && ignore)
        rc = selectors(a, o, "--ignore", &o->ignore, ignore, err);
    if (rc == 0)
        layer(o->rules, select, ignore);
    return rc;
}

/* The configuration file in use: --config, else the first .shardlint.yml
 * from the working directory upward; NULL with --isolated or none. */
static const char *config_path(sl_arena *a, const sl_cli_opts *o)
{
    return o->isolated ? NULL : o->config_path ? o->config_path : cli_config_find(a);
}

static int load_config(sl_arena *a, sl_cli_opts *o, const char *path, sl_err *err)
{
    if (!path)
        return 0;
    o->config = sl_alloc(a, sizeof *o->config);
    return cli_config_load(a, path, o->config, err);
}

static int load_specs(sl_arena *a, sl_cli_opts *o, sl_err *err)
{
    const sl_vec *files = o->specs_files.n || !o->config ? &o->specs_files : &o->config->specs;
    for (size_t i = 0; i < files->n; i++) {
        sl_spec *more;
        size_t n;
        if (sl_specs_load(a, files->items[i], &more, &n, err) != 0)
            return -1;
        o->specs = sl_array_concat(a, o->specs, o->nspecs, more, n, sizeof *more);
        o->nspecs += n;
    }
    return 0;
}

/* `-` (or --stdin-filename alone) stands for standard input, named NAME. */
static int stdin_path(sl_arena *a, sl_cli_opts *o, FILE *err)
{
    size_t dashes = 0;
    for (size_t i = 0; i < o->paths.n; i++)
        dashes += strcmp(o->paths.items[i], "-") == 0;
    if (dashes > 1)
        return cli_usage_error(err, o->cmd, "standard input (-) can be read once");
    if (!dashes && o->stdin_name && !o->paths.n)
        sl_vec_push(a, &o->paths, "-");
    return 0;
}

/* The tree the run reads and --fix writes, as a real path: --root, else the
 * repository the working directory is in, else the one the first path is
 * in, else the working directory (--root's default, see cli_table.c). */
static int find_tree(sl_arena *a, sl_cli_opts *o, FILE *err)
{
    if (o->root && !sl_is_dir(o->root))
        return cli_usage_error(err, o->cmd, sl_sprintf(a, "--root %s is not a directory",
                                                       o->root));
    o->tree = o->root ? sl_path_real(a, o->root) : sl_path_repo_root(a, ".");
    if (!o->tree && o->paths.n)
        o->tree = sl_path_repo_root(a, o->paths.items[0]);
    if (!o->tree)
        o->tree = sl_path_real(a, ".");
    return 0;
}

/* What the configuration file says where the flags say nothing. */
static void config_defaults(sl_cli_opts *o)
{
    if (!o->config)
        return;
    if (!o->fail_level_given && o->config->has_fail_level)
        o->fail_level = o->config->fail_level;
    if (!o->sources.n)
        o->sources = o->config->sources;
}

int cli_settle(sl_arena *a, sl_cli_opts *o, FILE *err)
{
    int rc = find_tree(a, o, err);
    if (rc)
        return rc;
    if (o->isolated && o->config_path)
        return cli_usage_error(err, o->cmd, "--config and --isolated exclude each other");
    const char *path = config_path(a, o);
    if (o->verbose)
        fprintf(err, "shardlint: configuration: %s\n", path ? sl_escape(a, path, 0) : "none");
    sl_err e;
    if (load_config(a, o, path, &e) != 0)
        return sl_cli_input_error(err, &e);
    config_rules(a, o);
    rc = flag_rules(a, o, err);
    if (rc == 0 && load_specs(a, o, &e) != 0)
        rc = sl_cli_input_error(err, &e);
    if (rc == 0)
        config_defaults(o);
    return rc;
}

int cli_settle_workspace(sl_arena *a, sl_cli_opts *o, sl_err *err)
{
    if (load_config(a, o, config_path(a, o), err) != 0)
        return -1;
    config_rules(a, o);
    if (load_specs(a, o, err) != 0)
        return -1;
    config_defaults(o);
    return 0;
}

/* ---- standard input -------------------------------------------------------- */

static int read_all(FILE *in, const char *name, char **text, size_t *len, sl_err *err)
{
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    for (size_t got; buf && (got = fread(buf + n, 1, cap - n, in)) > 0;) {
        n += got;
        if (n > SL_YAML_MAX_BYTES) {
            free(buf);
            sl_err_set(err, (sl_loc){.file = name, .line = 1, .col = 1},
                       "standard input is larger than %u bytes: not read", SL_YAML_MAX_BYTES);
            return -1;
        }
        if (n == cap)
            buf = realloc(buf, cap *= 2);
    }
    if (!buf || ferror(in)) {
        free(buf);
        sl_err_set(err, (sl_loc){.file = name, .line = 1, .col = 1},
                   "cannot read standard input");
        return -1;
    }
    *text = buf;
    *len = n;
    return 0;
}

sl_session *cli_session(sl_arena *a, sl_cli_opts *o, FILE *err)
{
    if (stdin_path(a, o, err) != 0)
        return NULL;
    sl_session *s = sl_session_new();
    const char *name = o->stdin_name ? o->stdin_name : "-";
    for (size_t i = 0; i < o->paths.n; i++) {
        if (strcmp(o->paths.items[i], "-") != 0)
            continue;
        char *text;
        size_t len;
        sl_err e;
        if (read_all(stdin, name, &text, &len, &e) != 0) {
            sl_cli_input_error(err, &e);
            sl_session_free(s);
            return NULL;
        }
        sl_session_set_text(s, name, text, len);
        free(text);
        o->paths.items[i] = (void *)name;
    }
    return s;
}

/* ---- the engine's callbacks ----------------------------------------------- */

static bool keep_rule(const sl_rule_def *r, void *ctx)
{
    const sl_cli_opts *o = ctx;
    size_t i = cli_rule_index(r);
    return i < sl_rule_count && o->rules[i];
}

/* A path as the configuration's globs see it: relative to its folder;
 * NULL when it is outside. */
static const char *config_relative(sl_arena *a, const cli_config *c, const char *path)
{
    const char *rel = sl_path_relative(a, path, c->dir);
    return rel[0] == '/' ? NULL : rel;
}

static bool any_glob(const sl_vec *globs, const char *rel)
{
    for (size_t i = 0; rel && i < globs->n; i++)
        if (cli_glob_match(globs->items[i], rel))
            return true;
    return false;
}

static bool per_file_drops(const cli_per_file *p, size_t rule)
{
    return (p->select && !p->select[rule]) || (p->ignore && p->ignore[rule]);
}

static bool keep_finding(const sl_finding *f, const char *target_path, void *ctx)
{
    const sl_cli_opts *o = ctx;
    sl_arena *a = sl_arena_new();
    const char *at = f->loc.file ? config_relative(a, o->config, f->loc.file) : NULL;
    const char *from = target_path ? config_relative(a, o->config, target_path) : NULL;
    size_t rule = cli_rule_index(f->rule);
    bool keep = true;
    for (size_t i = 0; keep && i < o->config->per_file.n; i++) {
        const cli_per_file *p = o->config->per_file.items[i];
        if ((any_glob(&p->globs, at) || any_glob(&p->globs, from)) && per_file_drops(p, rule))
            keep = false;
    }
    sl_arena_free(a);
    return keep;
}

/* Devices and slices: the command line's, else the last per-file entry
 * that sets them, else the file's top level (sl_cli_check_opts). */
static void path_settings(const char *path, void *ctx, sl_path_settings *out)
{
    const sl_cli_opts *o = ctx;
    sl_arena *a = sl_arena_new();
    const char *rel = config_relative(a, o->config, path);
    out->exclude = any_glob(&o->config->exclude, rel);
    for (size_t i = 0; i < o->config->per_file.n; i++) {
        const cli_per_file *p = o->config->per_file.items[i];
        if (!any_glob(&p->globs, rel))
            continue;
        if (p->devices && !o->devices)
            out->devices = p->devices;
        if (p->slices && !o->slices)
            out->slices = p->slices;
    }
    sl_arena_free(a);
}

sl_check_opts sl_cli_check_opts(sl_arena *a, sl_cli_opts *o)
{
    sl_override *ov = sl_alloc(a, (o->overrides.n + 1) * sizeof *ov);
    for (size_t i = 0; i < o->overrides.n; i++)
        ov[i] = *(sl_override *)o->overrides.items[i];
    const cli_config *c = o->config;
    return (sl_check_opts){
        .paths = (const char *const *)o->paths.items,
        .npaths = o->paths.n,
        .ov = ov,
        .nov = o->overrides.n,
        .devices = o->devices ? o->devices : c ? c->devices : 0,
        .slices = o->slices ? o->slices : c ? c->slices : 0,
        .specs = o->specs,
        .nspecs = o->nspecs,
        .sources = (const char *const *)o->sources.items,
        .nsources = o->sources.n,
        .latent = o->latent,
        .cache = o->cache && !(c && c->no_cache),
        .verify_fixes = true,
        .entries_only = o->hook,
        .root = o->tree,
        .allow_outside_root = o->allow_outside_root,
        .keep_rule = keep_rule,
        .keep_finding = c && c->per_file.n ? keep_finding : NULL,
        .path_settings = c ? path_settings : NULL,
        .keep_ctx = o,
    };
}
