/* `shardlint check`: targets -> scenarios -> findings -> one output. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli_opts.h"
#include "shardlint/emit.h"
#include "shardlint/rule.h"

typedef struct {
    const sl_report *r;
    const sl_emit_opts *eo;
    const sl_cli_opts *o;
} report;

/* --statistics: findings per rule, most first, then in rule order. */
static void statistics(FILE *out, const report *r, bool json)
{
    size_t n = sl_rule_count;
    size_t *count = calloc(n + 1, sizeof *count), *order = calloc(n + 1, sizeof *order);
    if (!count || !order)
        abort();
    const sl_findings *f = &r->r->findings;
    for (size_t i = 0; i < f->n; i++)
        count[cli_rule_index(f->items[i]->rule)]++;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        size_t j = k++;
        for (; j > 0 && count[i] > count[order[j - 1]]; j--)
            order[j] = order[j - 1];
        order[j] = i;
    }
    while (k > 0 && !count[order[k - 1]])
        k--;
    fputs(json ? "[" : "", out);
    for (size_t i = 0; i < k; i++) {
        const sl_rule_def *rule = sl_rule_registry[order[i]];
        const char *level = sl_level_name(rule->level);
        if (json)
            fprintf(out, "%s\n  {\"id\": \"%s\", \"name\": \"%s\", \"level\": \"%s\", "
                         "\"count\": %zu}",
                    i ? "," : "", rule->id, rule->name, level, count[order[i]]);
        else
            fprintf(out, "%5zu  %-6s %-24s %s\n", count[order[i]], rule->id, rule->name, level);
    }
    if (json)
        fputs(k ? "\n]\n" : "]\n", out);
    else if (!k && !r->o->quiet)
        fputs("no findings\n", out);
    free(count);
    free(order);
}

static int emit(FILE *out, void *ctx)
{
    const report *r = ctx;
    const char *format = r->o->format;
    if (r->o->statistics)
        statistics(out, r, strcmp(format, "json") == 0);
    else if (strcmp(format, "json") == 0)
        sl_emit_json(out, r->r, r->eo);
    else if (strcmp(format, "sarif") == 0)
        sl_emit_sarif(out, r->r, r->eo);
    else if (strcmp(format, "github") == 0)
        sl_emit_github(out, r->r, r->eo);
    else
        sl_emit_text(out, &r->r->findings, r->eo);
    return ferror(out) ? -1 : 0;
}

static bool use_color(const sl_cli_opts *o, FILE *out)
{
    if (o->color >= 0)
        return o->color == 1;
    const char *no = getenv("NO_COLOR");
    return !o->output && !(no && *no) && isatty(fileno(out));
}

/* What SARIF and GitHub annotations name files from: --root, else the
 * repository the working directory is in, else the one the first path is
 * in (a run from outside the checkout), else the working directory. */
static const char *repo_root(sl_arena *a, const sl_cli_opts *o)
{
    if (o->root)
        return o->root;
    const char *root = sl_path_repo_root(a, ".");
    if (!root && o->paths.n)
        root = sl_path_repo_root(a, o->paths.items[0]);
    return root ? root : ".";
}

static int write_output(sl_arena *a, const sl_cli_opts *o, const sl_report *r, FILE *out,
                        FILE *err)
{
    sl_emit_opts eo = {.color = use_color(o, out), .quiet = o->quiet, .root = repo_root(a, o),
                       .tool_version = SHARDLINT_VERSION, .launches = &r->launches};
    report rep = {r, &eo, o};
    if (!o->output)
        return emit(out, &rep) == 0 && fflush(out) == 0 ? 0 : sl_cli_stdout_error(err);
    sl_err e;
    if (sl_output_atomic(o->output, emit, &rep, &e) != 0)
        return sl_cli_input_error(err, &e);
    return 0;
}

static int exit_status(const sl_cli_opts *o, const sl_findings *f)
{
    for (size_t i = 0; i < f->n && !o->exit_zero; i++)
        if (f->items[i]->level >= o->fail_level)
            return 1;
    return 0;
}

static int fix_files(sl_arena *a, const sl_cli_opts *o, const sl_findings *f, FILE *err)
{
    sl_vec written = {0};
    sl_err e;
    int rc = sl_fix_write(a, f, o->allow_outside_root ? NULL : o->tree, &written, &e);
    for (size_t i = 0; i < written.n && !o->quiet; i++) {
        const sl_fixed_file *w = written.items[i];
        fprintf(err, "shardlint: fixed %s (%zu edit%s)\n", sl_escape(a, w->path, 0), w->nedits,
                w->nedits == 1 ? "" : "s");
    }
    return rc == 0 ? 0 : sl_cli_input_error(err, &e);
}

static void verbose(sl_arena *a, FILE *err, const sl_report *r)
{
    for (size_t i = 0; i < r->skipped.n; i++) {
        const sl_skipped *k = r->skipped.items[i];
        fprintf(err, "shardlint: skipped %s: %s\n", sl_escape(a, k->path, 0),
                sl_escape(a, k->reason, 0));
    }
    fprintf(err, "shardlint: %zu target%s linted, %zu failed, %zu finding%s\n", r->ntargets,
            r->ntargets == 1 ? "" : "s", r->nfailed, r->findings.n,
            r->findings.n == 1 ? "" : "s");
}

static int check_usage(sl_arena *a, sl_cli_opts *o, FILE *err)
{
    if (!o->format)
        o->format = "text";
    if (o->statistics && strcmp(o->format, "text") != 0 && strcmp(o->format, "json") != 0)
        return cli_usage_error(err, o->cmd,
                               sl_sprintf(a, "--statistics prints text or json, not %s",
                                          o->format));
    if (o->paths.n == 0 && !o->stdin_name)
        return cli_usage_error(err, o->cmd, "check needs a config, a directory, a launch "
                                            "script or - (standard input)");
    return 0;
}

static bool same_file(const struct stat *x, const char *path)
{
    struct stat y;
    return stat(path, &y) == 0 && x->st_dev == y.st_dev && x->st_ino == y.st_ino;
}

/* Whether --output names a file the run read: a config, model file or
 * launch script of the report, a --specs file, or model code in a folder
 * the run scanned. The report never replaces one. */
static bool output_is_input(sl_session *s, const sl_cli_opts *o, const sl_report *r)
{
    struct stat out;
    if (!o->output || stat(o->output, &out) != 0 || !S_ISREG(out.st_mode))
        return false;
    bool found = false;
    for (size_t i = 0; i < r->files.n && !found; i++)
        found = same_file(&out, r->files.items[i]);
    for (size_t i = 0; i < o->specs_files.n && !found; i++)
        found = same_file(&out, o->specs_files.items[i]);
    if (found || !sl_path_has_suffix(o->output, ".py"))
        return found;
    sl_arena *a = sl_arena_new();
    for (size_t i = 0; i < o->sources.n && !found; i++)
        found = sl_path_inside(a, o->output, sl_path_real(a, o->sources.items[i]));
    for (size_t i = 0; i < o->paths.n && !found; i++) {
        const sl_tree *t = sl_session_tree(s, o->paths.items[i]);
        found = t && sl_path_inside(a, o->output, sl_path_real(a, t->package));
    }
    sl_arena_free(a);
    return found;
}

/* A run that ends without its report removes the one an earlier run left,
 * so that CI never uploads an old report as this run's. */
static void remove_stale_output(sl_arena *a, const sl_cli_opts *o, FILE *err)
{
    struct stat st;
    if (lstat(o->output, &st) == 0 && S_ISREG(st.st_mode) && unlink(o->output) == 0)
        fprintf(err, "shardlint: removed %s: this run wrote no report\n",
                sl_escape(a, o->output, 0));
}

/* --fix and the report, once the check ran; *reported is set when the
 * report was written. */
static int finish(sl_arena *a, const sl_cli_opts *o, sl_report *r, FILE *out, FILE *err,
                  bool *reported)
{
    sl_findings *all = &r->findings;
    sl_findings_sort(all);
    int rc = o->fix ? fix_files(a, o, all, err) : 0;
    if (rc == 0)
        rc = write_output(a, o, r, out, err);
    *reported = rc == 0;
    return rc == 0 ? (r->nerrors ? 2 : exit_status(o, all)) : rc;
}

int sl_cli_check(sl_arena *a, sl_cli_opts *o, FILE *out, FILE *err)
{
    int rc = check_usage(a, o, err);
    sl_session *s = rc ? NULL : cli_session(a, o, err);
    if (!s)
        return rc ? rc : 2;
    sl_check_opts co = sl_cli_check_opts(a, o);
    sl_report r;
    rc = sl_session_check(s, &co, &r);
    sl_cli_problems(err, &r, o->quiet);
    if (o->verbose)
        verbose(a, err, &r);
    /* Nothing could be linted: the problems above are the report. The
     * machine formats still write theirs, which says so to the CI reading
     * it (code scanning rejects an empty file). */
    bool none = rc != 0 || (r.nfailed && r.nfailed == r.ntargets);
    bool reported = false, is_input = output_is_input(s, o, &r);
    if (is_input) {
        sl_err e;
        sl_err_set(&e, (sl_loc){.file = o->output}, "--output names a file this run reads; "
                   "the report is not written over it");
        rc = sl_cli_input_error(err, &e);
    } else if (none && strcmp(o->format, "text") == 0) {
        rc = 2;
    } else {
        rc = finish(a, o, &r, out, err, &reported);
    }
    if (rc == 2 && o->output && !reported && !is_input)
        remove_stale_output(a, o, err);
    sl_report_free(&r);
    sl_session_free(s);
    return rc;
}
