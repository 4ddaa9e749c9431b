/* A whole check: every target the paths name, each linted in scratch memory
 * of its own, its findings moved to the session once each. */
#include <string.h>

#include "engine_internal.h"
#include "shardlint/rule.h"

static bool in_file(sl_loc l, const char *file)
{
    return l.file && strcmp(l.file, file) == 0;
}

/* A finding a launch causes is reported in the launch's script, at the word
 * that makes it happen (the first of its locations in the script), else at
 * the launch's config word; a finding of a config named or walked, at its
 * first location in that file, when it has one, unless a command-line word
 * is to blame. Where the rule put it becomes a related location. So each launch or config with a problem is
 * its own finding, with its own fix, in the file a pull request or an
 * editor is looking at. */
static void locate_at_source(sl_arena *a, sl_finding *f, const target *t)
{
    const char *file = t->script ? t->script : t->source;
    bool on_command_line = !f->loc.file && f->loc.word > 0;
    if (!file || f->stays || on_command_line || in_file(f->loc, file))
        return;
    size_t k = f->nrelated;
    for (size_t i = 0; i < f->nrelated && k == f->nrelated; i++)
        if (in_file(f->related[i].loc, file))
            k = i;
    if (k == f->nrelated && !t->script)
        return;
    sl_loc at = t->launch_at;
    if (k < f->nrelated) {
        at = f->related[k].loc;
        memmove(&f->related[k], &f->related[k + 1], (f->nrelated - k - 1) * sizeof *f->related);
        f->nrelated--;
    }
    sl_loc was = f->loc;
    f->loc = at;
    if (sl_loc_is_set(was)) {
        f->related = sl_array_concat(a, &(sl_related){was, f->loc_label ? f->loc_label
                                                                         : "where the rule reports it"},
                                     1, f->related, f->nrelated, sizeof *f->related);
        f->nrelated++;
    }
}

typedef struct {
    sl_session *s;
    const sl_check_opts *o;
    sl_report *r;
    sl_strmap seen;           /* identities of the findings kept */
    bool many;                /* more than one target: findings say which */
    suppressions *sup;
} run;

/* Moves the findings worth keeping to the report; t is the target they
 * come from, NULL for what launch rules found in scripts. Suppression
 * comments apply to each target's findings before they merge: of two
 * launches with the same finding, a comment in one script must not silence
 * the other. */
static void keep(run *x, sl_arena *scratch, const sl_findings *from, const target *t)
{
    sl_arena *a = x->r->arena;
    size_t at;
    for (size_t i = 0; i < from->n; i++) {
        sl_finding *f = from->items[i];
        if (t)
            locate_at_source(scratch, f, t);
        if (!finding_wanted(x->o, f, t ? t->source : f->loc.file) ||
            suppress_finding(x->sup, f))
            continue;
        const char *id = finding_identity(scratch, f);
        if (f->key && sl_strmap_get(&x->seen, id, &at))
            continue;
        sl_finding *copy = sl_finding_copy(a, f);
        if (f->key)
            sl_strmap_put(a, &x->seen, sl_strdup(a, id), x->r->findings.n);
        if (x->many && t)
            sl_finding_note(a, copy, sl_sprintf(a, "Linted as: %s.", t->label));
        sl_findings_push(a, &x->r->findings, copy);
    }
}

/* Whether a rule is tagged `tag`. */
static bool rule_tagged(const sl_rule_def *r, const char *tag)
{
    for (size_t i = 0; r && i < sizeof r->tags / sizeof *r->tags && r->tags[i]; i++)
        if (strcmp(r->tags[i], tag) == 0)
            return true;
    return false;
}

/* An axis whose size is what an assumed device count leaves for it makes
 * the findings that read axis sizes (performance and memory) rest on that
 * assumption: they say so. Correctness findings do not depend on sizes, or,
 * as SL003's, speak of the count themselves. */
static void note_assumed_devices(sl_arena *a, const sl_lint_result *res, sl_findings *f)
{
    const sl_mesh *m = &res->mesh;
    if (!res->mesh_ok || sl_devices_known(&m->devices_from))
        return;
    const sl_axis *filled = NULL;
    for (size_t i = 0; i < m->naxes && !filled; i++)
        if (m->axes[i].ici_filled && m->axes[i].size > 1)
            filled = &m->axes[i];
    if (!filled)
        return;
    const char *note = sl_sprintf(a, "Devices per slice: %s; '%s' (size %lld) is filled from "
                                     "that count. Give --devices N to lint the real one.",
                                  sl_mesh_devices_str(a, m), filled->name, filled->size);
    for (size_t i = 0; i < f->n; i++)
        if (!rule_tagged(f->items[i]->rule, "correctness"))
            sl_finding_note(a, f->items[i], note);
}

/* Lints one target in scratch memory; false, with the error in the report,
 * when it cannot be linted. */
static bool target_lint(sl_session *s, const sl_check_opts *o, target *t, sl_arena *scratch,
                        sl_lint_result *res, sl_report *r)
{
    sl_err e;
    if (sources_apply(s, r->arena, o, t, &e) == 0 &&
        sl_lint_run(s, scratch, &t->scenario, res, &e) == 0) {
        note_assumed_devices(scratch, res, &res->findings);
        return true;
    }
    report_problem(s, r, SL_LEVEL_ERROR, &e);
    r->nfailed++;
    return false;
}

/* Returns whether the target linted. */
static bool lint_target(run *x, target *t)
{
    sl_arena *scratch = sl_arena_new();
    t->scenario.reported = &x->seen;
    sl_lint_result res;
    bool ok = target_lint(x->s, x->o, t, scratch, &res, x->r);
    if (ok) {
        if (x->o->latent)
            sl_lint_probe_expert(x->s, scratch, &t->scenario, &res, &res.findings);
        keep(x, scratch, &res.findings, t);
    }
    sl_arena_free(scratch);
    /* Nothing points into the caches between targets: what reloads
     * replaced, and what is past the budget, can go. */
    sl_session_trim(x->s);
    return ok;
}

/* A walk of one of the paths reaches every config and launch script of the
 * repository `file` is in. */
static bool walks_repo(sl_arena *a, const sl_check_opts *o, const char *file)
{
    const char *root = sl_path_repo_root(a, file);
    size_t n;
    for (size_t i = 0; root && i < o->npaths; i++) {
        const char *dir = sl_is_dir(o->paths[i]) ? sl_path_real(a, o->paths[i]) : NULL;
        if (dir && strncmp(root, dir, n = strlen(dir)) == 0 &&
            (root[n] == '\0' || root[n] == '/' || strcmp(dir, "/") == 0))
            return true;
    }
    return false;
}

/* The files whose suppressions this check can judge: every finding they
 * could disable came from a target of this run that linted. A launch
 * script's comments serve its own launches only; a YAML file's may serve
 * any config or launch that includes it, so they are judged only when the
 * run walked the whole repository. */
static void judged_files(sl_arena *a, const sl_check_opts *o, const sl_vec *targets,
                         const bool *ok, sl_vec *out)
{
    sl_strmap failed = {0}, seen = {0};
    size_t at;
    for (size_t i = 0; i < targets->n; i++)
        if (!ok[i])
            sl_strmap_put(a, &failed, ((const target *)targets->items[i])->source, 0);
    for (size_t i = 0; i < targets->n; i++) {
        const char *path = ((const target *)targets->items[i])->source;
        if (sl_strmap_get(&failed, path, &at) || sl_strmap_get(&seen, path, &at))
            continue;
        sl_strmap_put(a, &seen, path, 0);
        if (sl_path_has_suffix(path, ".sh") || walks_repo(a, o, path))
            sl_vec_push(a, out, (void *)path);
    }
}

/* A new report, its targets and what launch rules found in scripts (when
 * launch_findings is not NULL): the files read from here on are its
 * dependencies. */
static void report_start(sl_session *s, const sl_check_opts *o, sl_report *r, sl_vec *targets,
                         sl_findings *launch_findings)
{
    memset(r, 0, sizeof *r);
    r->arena = sl_arena_new();
    session_limit(s, o);
    session_reading(s, r);
    memset(targets, 0, sizeof *targets);
    if (launch_findings)
        memset(launch_findings, 0, sizeof *launch_findings);
    targets_collect(s, o, targets, launch_findings, r);
}

void sl_report_free(sl_report *r)
{
    sl_arena_free(r->arena);
    memset(r, 0, sizeof *r);
}

int sl_session_check(sl_session *s, const sl_check_opts *o, sl_report *out)
{
    sl_vec targets;
    sl_findings launch_findings;
    report_start(s, o, out, &targets, &launch_findings);
    run x = {.s = s, .o = o, .r = out, .many = targets.n > 1};
    out->ntargets = targets.n;
    sl_arena *scratch = sl_arena_new();
    x.sup = suppress_new(s, scratch);
    bool *ok = sl_alloc(scratch, targets.n + 1);
    keep(&x, scratch, &launch_findings, NULL);
    for (size_t i = 0; i < targets.n; i++)
        ok[i] = lint_target(&x, targets.items[i]);
    sl_vec files = {0};
    judged_files(scratch, o, &targets, ok, &files);
    suppress_unused(x.sup, out->arena, o, &files, &out->findings);
    sl_arena_free(scratch);
    session_reading(s, NULL);
    return targets.n || launch_findings.n || !out->nerrors ? 0 : -1;
}

void sl_session_each(sl_session *s, const sl_check_opts *o, sl_target_fn fn, void *ctx,
                     sl_report *out)
{
    sl_vec targets;
    report_start(s, o, out, &targets, NULL);
    out->ntargets = targets.n;
    for (size_t i = 0; i < targets.n; i++) {
        target *t = targets.items[i];
        t->scenario.verify_fixes = false;
        sl_arena *scratch = sl_arena_new();
        sl_lint_result res;
        if (target_lint(s, o, t, scratch, &res, out))
            fn(ctx, t->label, &res);
        sl_arena_free(scratch);
    }
    session_reading(s, NULL);
}

int sl_session_resolve(sl_session *s, const sl_check_opts *o, sl_arena *a, sl_lint_result *out,
                       sl_report *report)
{
    sl_vec targets;
    report_start(s, o, report, &targets, NULL);
    session_reading(s, NULL);
    if (report->nerrors)
        return -1;
    if (targets.n != 1)
        return 1;
    target *t = targets.items[0];
    t->scenario.verify_fixes = false;
    return target_lint(s, o, t, a, out, report) ? 0 : -1;
}
