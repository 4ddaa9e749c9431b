/* `shardlint check`: targets -> scenarios -> findings -> one output. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_opts.h"
#include "shardlint/emit.h"
#include "shardlint/rule.h"

static bool format_known(const char *f)
{
    static const char *const formats[] = {"text", "json", "sarif", "github", NULL};
    for (const char *const *p = formats; *p; p++)
        if (strcmp(*p, f) == 0)
            return true;
    return false;
}

/* Whether a rule id or name is in a comma-separated list. */
static bool listed(const char *list, const sl_rule_def *r)
{
    if (!list)
        return false;
    size_t n = strlen(list);
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && list[j] != ',')
            j++;
        size_t len = j - i;
        if ((strlen(r->id) == len && strncasecmp(list + i, r->id, len) == 0) ||
            (strlen(r->name) == len && strncmp(list + i, r->name, len) == 0))
            return true;
        i = j + 1;
    }
    return false;
}

/* --select / --ignore, for the engine. */
static bool keep_rule(const sl_rule_def *r, void *ctx)
{
    const sl_cli_opts *o = ctx;
    return (!o->select || listed(o->select, r)) && !listed(o->ignore, r);
}

sl_check_opts sl_cli_check_opts(sl_arena *a, sl_cli_opts *o)
{
    sl_override *ov = sl_alloc(a, (o->overrides.n + 1) * sizeof *ov);
    for (size_t i = 0; i < o->overrides.n; i++)
        ov[i] = *(sl_override *)o->overrides.items[i];
    return (sl_check_opts){
        .paths = (const char *const *)o->paths.items,
        .npaths = o->paths.n,
        .ov = ov,
        .nov = o->overrides.n,
        .devices = o->devices,
        .slices = o->slices,
        .specs = o->specs,
        .nspecs = o->nspecs,
        .sources = (const char *const *)o->sources.items,
        .nsources = o->sources.n,
        .latent = o->latent,
        .verify_fixes = true,
        .keep_rule = keep_rule,
        .keep_ctx = o,
    };
}

void sl_cli_problems(FILE *err, const sl_report *r)
{
    char where[1024];
    for (size_t i = 0; i < r->problems.n; i++) {
        const sl_problem *p = r->problems.items[i];
        fprintf(err, "%s: %s: %s\n", sl_loc_str(p->loc, where, sizeof where),
                sl_level_name(p->level), p->message);
    }
}

static int emit(FILE *out, void *ctx)
{
    void **args = ctx;
    const sl_report *r = args[0];
    const sl_emit_opts *eo = args[1];
    const char *format = args[2];
    if (strcmp(format, "json") == 0)
        sl_emit_json(out, r, eo);
    else if (strcmp(format, "sarif") == 0)
        sl_emit_sarif(out, r, eo);
    else if (strcmp(format, "github") == 0)
        sl_emit_github(out, r, eo);
    else
        sl_emit_text(out, &r->findings, eo);
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
    sl_emit_opts eo = {.color = use_color(o, out), .root = repo_root(a, o),
                       .tool_version = SHARDLINT_VERSION};
    void *args[] = {(void *)r, &eo, (void *)o->format};
    if (!o->output)
        return emit(out, args) == 0 && fflush(out) == 0 ? 0 : sl_cli_stdout_error(err);
    sl_err e;
    if (sl_output_atomic(o->output, emit, args, &e) != 0)
        return sl_cli_input_error(err, &e);
    return 0;
}

static int exit_status(const sl_cli_opts *o, const sl_findings *f)
{
    for (size_t i = 0; i < f->n; i++)
        if (f->items[i]->level >= o->fail_level)
            return 1;
    return 0;
}

static int fix_files(sl_arena *a, const sl_findings *f, FILE *err)
{
    sl_vec written = {0};
    sl_err e;
    int rc = sl_fix_write(a, f, &written, &e);
    for (size_t i = 0; i < written.n; i++) {
        const sl_fixed_file *w = written.items[i];
        fprintf(err, "shardlint: fixed %s (%zu edit%s)\n", w->path, w->nedits,
                w->nedits == 1 ? "" : "s");
    }
    return rc == 0 ? 0 : sl_cli_input_error(err, &e);
}

int sl_cli_check(sl_arena *a, sl_cli_opts *o, FILE *out, FILE *err)
{
    if (!o->format)
        o->format = "text";
    if (!format_known(o->format))
        return sl_cli_usage_error(err, "unknown format %s (text, json, sarif, github)",
                                  o->format);
    if (o->paths.n == 0)
        return sl_cli_usage_error(err, "%s", "check needs a config, a directory or a launch "
                                            "script");
    sl_session *s = sl_session_new();
    sl_check_opts co = sl_cli_check_opts(a, o);
    sl_report r;
    int rc = sl_session_check(s, &co, &r);
    sl_cli_problems(err, &r);
    sl_findings *all = &r.findings;
    /* Nothing could be linted: the problems above are the report. The
     * machine formats still write theirs, which says so to the CI reading
     * it (code scanning rejects an empty file). */
    bool none = rc != 0 || (r.nfailed && r.nfailed == r.ntargets);
    if (none && strcmp(o->format, "text") == 0) {
        sl_report_free(&r);
        sl_session_free(s);
        return 2;
    }
    sl_suppress(s, a, all);
    sl_findings_sort(all);
    rc = o->fix ? fix_files(a, all, err) : 0;
    if (rc == 0)
        rc = write_output(a, o, &r, out, err);
    if (rc == 0)
        rc = r.nerrors ? 2 : exit_status(o, all);
    sl_report_free(&r);
    sl_session_free(s);
    return rc;
}
