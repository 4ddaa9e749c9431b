/* `shardlint resolve`: the mesh and every live tensor, as MaxText and flax
 * would shard them. */
#include <string.h>

#include "cli_opts.h"
#include "shardlint/emit.h"

/* Problems that stop resolution (a mesh MaxText cannot build, a spec flax
 * rejects) are printed as findings on err. */
static int report_errors(const sl_lint_result *r, FILE *err)
{
    size_t n = 0;
    for (size_t i = 0; i < r->findings.n; i++)
        if (r->findings.items[i]->level == SL_LEVEL_ERROR)
            n++;
    if (!n)
        return 0;
    sl_emit_opts eo = {.tool_version = SHARDLINT_VERSION};
    sl_emit_text(err, &r->findings, &eo);
    return 1;
}

int sl_cli_resolve(sl_arena *a, sl_cli_opts *o, FILE *out, FILE *err)
{
    bool json = o->format && strcmp(o->format, "json") == 0;
    if (o->paths.n + (o->stdin_name && !o->paths.n) != 1)
        return cli_usage_error(err, o->cmd, "resolve takes one config");
    sl_session *s = cli_session(a, o, err);
    if (!s)
        return 2;
    sl_check_opts co = sl_cli_check_opts(a, o);
    sl_report report;
    sl_lint_result r;
    int rc = sl_session_resolve(s, &co, a, &r, &report);
    sl_cli_problems(err, &report, false);
    if (rc > 0) {
        rc = cli_usage_error(err, o->cmd,
                             sl_sprintf(a, "%s names no single config",
                                        (const char *)o->paths.items[0]));
    } else if (rc < 0) {
        rc = 2;
    } else {
        if (json)
            sl_emit_resolve_json(out, &r);
        else
            sl_emit_resolve_text(out, &r);
        rc = fflush(out) != 0 || ferror(out) ? sl_cli_stdout_error(err) : report_errors(&r, err);
    }
    sl_report_free(&report);
    sl_session_free(s);
    return rc;
}
