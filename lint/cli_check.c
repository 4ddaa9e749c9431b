/* `shardlint check`: targets -> scenarios -> findings -> one output. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_opts.h"
#include "shardlint/emit.h"
#include "shardlint/rule.h"
#include "shardlint/scan.h"
#include "sources.h"
#include "targets.h"

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

static bool same_finding(const sl_finding *x, const sl_finding *y)
{
    return x->rule == y->rule && x->key && y->key && strcmp(x->key, y->key) == 0 &&
           x->loc.line == y->loc.line && x->loc.col == y->loc.col &&
           strcmp(x->loc.file ? x->loc.file : "", y->loc.file ? y->loc.file : "") == 0;
}

/* Keeps what --select/--ignore allow, once each (a directory lints base.yml
 * with many models, and they share the findings base.yml causes). */
static void add_filtered(sl_arena *a, const sl_cli_opts *o, const sl_findings *from,
                         sl_findings *to, const char *label)
{
    for (size_t i = 0; i < from->n; i++) {
        sl_finding *f = from->items[i];
        if ((o->select && !listed(o->select, f->rule)) || listed(o->ignore, f->rule))
            continue;
        bool dup = false;
        for (size_t j = 0; j < to->n && !dup; j++)
            dup = same_finding(to->items[j], f);
        if (dup)
            continue;
        if (label)
            sl_finding_note(a, f, sl_sprintf(a, "Linted as: %s.", label));
        sl_findings_push(a, to, f);
    }
}

static int lint_target(sl_arena *a, const sl_cli_opts *o, sl_target *t, sl_sources *src,
                       sl_findings *all, FILE *err)
{
    sl_lint_result r;
    sl_err e;
    sl_sources_apply(a, src, t, o);
    if (sl_lint_run(a, &t->scenario, &r, &e) != 0)
        return sl_cli_input_error(err, &e);
    if (o->latent)
        sl_lint_probe_expert(a, &t->scenario, &r, &r.findings);
    add_filtered(a, o, &r.findings, all, t->many ? t->label : NULL);
    return 0;
}

static int emit(FILE *out, void *ctx)
{
    void **args = ctx;
    const sl_findings *f = args[0];
    const sl_emit_opts *eo = args[1];
    const char *format = args[2];
    if (strcmp(format, "json") == 0)
        sl_emit_json(out, f, eo);
    else if (strcmp(format, "sarif") == 0)
        sl_emit_sarif(out, f, eo);
    else if (strcmp(format, "github") == 0)
        sl_emit_github(out, f, eo);
    else
        sl_emit_text(out, f, eo);
    return ferror(out) ? -1 : 0;
}

static bool use_color(const sl_cli_opts *o, FILE *out)
{
    if (o->color >= 0)
        return o->color == 1;
    const char *no = getenv("NO_COLOR");
    return !o->output && !(no && *no) && isatty(fileno(out));
}

static int write_output(const sl_cli_opts *o, const sl_findings *f, FILE *out, FILE *err)
{
    char cwd[4096];
    sl_emit_opts eo = {.color = use_color(o, out), .base_dir = getcwd(cwd, sizeof cwd),
                       .tool_version = SHARDLINT_VERSION};
    void *args[] = {(void *)f, &eo, (void *)o->format};
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
    sl_targets targets = {0};
    int rc = sl_targets_collect(a, o, &targets, err);
    sl_sources src = {0};
    if (rc == 0)
        rc = sl_sources_scan(a, o, &src, err);
    if (rc)
        return rc;
    /* One config that does not load is reported and the others are still
     * linted: a directory or a script with many launches is not lost to one
     * bad file. The run still ends with status 2. */
    sl_findings all = {0};
    size_t failed = 0;
    for (size_t i = 0; i < targets.n; i++)
        failed += lint_target(a, o, targets.items[i], &src, &all, err) != 0;
    if (failed && failed == targets.n)
        return 2;
    sl_suppress(a, &all);
    sl_findings_sort(&all);
    if (o->fix && sl_fix_write(a, &all, err) < 0)
        return 2;
    rc = write_output(o, &all, out, err);
    return rc ? rc : failed ? 2 : exit_status(o, &all);
}
