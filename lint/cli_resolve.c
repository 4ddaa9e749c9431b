/* `shardlint resolve`: the mesh and every live tensor, as MaxText and flax
 * would shard them. */
#include <string.h>

#include "cli_opts.h"
#include "shardlint/emit.h"
#include "sources.h"
#include "targets.h"

/* Problems that stop resolution (a mesh MaxText cannot build, a spec flax
 * rejects) are printed as findings on err. */
static int report_errors(const sl_lint_result *r, FILE *err)
{
    sl_findings errors = {0};
    size_t n = 0;
    for (size_t i = 0; i < r->findings.n; i++)
        if (r->findings.items[i]->level == SL_LEVEL_ERROR)
            n++;
    if (!n)
        return 0;
    errors.items = r->findings.items;
    errors.n = r->findings.n;
    sl_emit_opts eo = {.tool_version = SHARDLINT_VERSION};
    sl_emit_text(err, &errors, &eo);
    return 1;
}

int sl_cli_resolve(sl_arena *a, sl_cli_opts *o, FILE *out, FILE *err)
{
    bool json = o->format && strcmp(o->format, "json") == 0;
    if (o->format && !json && strcmp(o->format, "text") != 0)
        return sl_cli_usage_error(err, "unknown format %s (text, json)", o->format);
    if (o->paths.n != 1)
        return sl_cli_usage_error(err, "%s", "resolve takes one config");
    sl_targets targets = {0};
    sl_sources src = {0};
    int rc = sl_targets_collect(a, o, &targets, err);
    if (rc == 0)
        rc = sl_sources_scan(a, o, &src, err);
    if (rc)
        return rc;
    if (targets.n != 1)
        return sl_cli_usage_error(err, "%s names no single config", o->paths.items[0]);
    sl_target *t = targets.items[0];
    sl_sources_apply(a, &src, t, o);
    t->scenario.verify_fixes = false;
    sl_lint_result r;
    sl_err e;
    if (sl_lint_run(a, &t->scenario, &r, &e) != 0)
        return sl_cli_input_error(err, &e);
    if (json)
        sl_emit_resolve_json(out, &r);
    else
        sl_emit_resolve_text(out, &r);
    if (fflush(out) != 0 || ferror(out))
        return sl_cli_stdout_error(err);
    return report_errors(&r, err);
}
