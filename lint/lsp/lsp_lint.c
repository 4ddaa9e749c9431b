/* Checks: each open document's targets, linted again when the document or a
 * file its check read changed, and the diagnostics that changed published. */
#include "lsp_internal.h"


static const char *problem_text(sl_arena *a, const sl_problem *p)
{
    char where[1024];
    return sl_sprintf(a, "%s: %s: %s", sl_loc_str(p->loc, where, sizeof where),
                      sl_level_name(p->level), p->message);
}

/* Warnings say what a check left out (a word using a variable the script
 * does not set): worth knowing, not worth a mark in the text. They go to
 * the editor's log when a check first reports them. */
static void log_new_warnings(sl_lsp *l, const sl_report *before, const sl_report *now)
{
    sl_arena *a = sl_arena_new();
    sl_strmap old = {0};
    size_t at;
    for (size_t i = 0; before && i < before->problems.n; i++)
        sl_strmap_put(a, &old, problem_text(a, before->problems.items[i]), 0);
    for (size_t i = 0; i < now->problems.n; i++) {
        const sl_problem *p = now->problems.items[i];
        const char *text = problem_text(a, p);
        if (p->level == SL_LEVEL_WARNING && !sl_strmap_get(&old, text, &at))
            lsp_log_message(l, 2, sl_sprintf(a, "shardlint: %s", text));
    }
    sl_arena_free(a);
}

/* A document's check: the targets its file names. The files the check read
 * are what makes it stale again. */
static void doc_lint(sl_lsp *l, lsp_doc *d)
{
    sl_report before = d->report;
    const char *paths[] = {d->path};
    sl_check_opts o = l->opts;
    o.paths = paths;
    o.npaths = 1;
    sl_session_check(l->session, &o, &d->report);
    log_new_warnings(l, d->linted ? &before : NULL, &d->report);
    if (d->linted)
        sl_report_free(&before);
    sl_arena *a = d->report.arena;
    d->deps = (sl_strmap){0};
    for (size_t i = 0; i < d->report.files.n; i++)
        sl_strmap_put(a, &d->deps, lsp_key(a, d->report.files.items[i]), 0);
    d->linted = true;
    d->stale = false;
}

bool lsp_work_due(const sl_lsp *l)
{
    for (size_t i = 0; i < l->ndocs; i++)
        if (l->docs[i]->stale)
            return true;
    return l->publish_due;
}

void lsp_flush(sl_lsp *l)
{
    if (!lsp_work_due(l))
        return;
    for (size_t i = 0; i < l->ndocs; i++)
        if (l->docs[i]->stale)
            doc_lint(l, l->docs[i]);
    /* Reports hold copies of what they found: the trees that edits
     * replaced can go. */
    sl_session_trim(l->session);
    lsp_publish(l);
    l->publish_due = false;
}
