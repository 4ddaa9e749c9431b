/* The expert-parallel probe of latent mode. */
#include <string.h>

#include "shardlint/lint.h"

#define PROBE_NAME "expert-parallel probe (ici_expert_parallelism=-1 ici_fsdp_parallelism=1)"

static bool is_moe_without_ep(const sl_lint_result *r)
{
    long long experts;
    const sl_node *n = sl_config_get(&r->config, "num_experts");
    return r->mesh_ok && n && sl_node_int(n, &experts) && experts > 1 &&
           sl_mesh_axis(&r->mesh, "expert") && sl_mesh_size(&r->mesh, "expert") == 1;
}

/* The probe's overrides: expert takes every device; any other axis that held
 * the ICI -1 is pinned to 1 so that the fill stays unique. */
static size_t probe_overrides(const sl_lint_result *r, sl_override *ov)
{
    size_t n = 0;
    ov[n++] = (sl_override){.key = "ici_expert_parallelism", .text = "-1"};
    ov[n++] = (sl_override){.key = "ici_fsdp_parallelism", .text = "1"};
    ov[n++] = (sl_override){.key = "override_model_config", .text = "true"};
    for (size_t i = 0; i < r->mesh.naxes; i++) {
        const sl_axis *ax = &r->mesh.axes[i];
        if (ax->ici_filled && ax->ici_key && strcmp(ax->name, "expert") != 0 &&
            strcmp(ax->ici_key, "ici_fsdp_parallelism") != 0)
            ov[n++] = (sl_override){.key = ax->ici_key, .text = "1"};
    }
    return n;
}

void sl_lint_probe_expert(sl_arena *a, const sl_scenario *s, const sl_lint_result *r,
                          sl_findings *out)
{
    if (!is_moe_without_ep(r))
        return;
    sl_override *ov = sl_alloc(a, (s->nov + 3 + r->mesh.naxes) * sizeof *ov);
    if (s->nov)
        memcpy(ov, s->ov, s->nov * sizeof *ov);
    sl_scenario p = *s;
    p.ov = ov;
    p.nov = s->nov + probe_overrides(r, ov + s->nov);
    p.probe = PROBE_NAME;
    sl_lint_result pr;
    sl_err err;
    if (sl_lint_run(a, &p, &pr, &err) != 0 || !pr.mesh_ok)
        return;
    for (size_t i = 0; i < pr.findings.n; i++) {
        sl_finding *f = pr.findings.items[i];
        if (!f->key || sl_findings_find_key(&r->findings, f->key))
            continue;
        f->level = SL_LEVEL_NOTE;
        f->scenario = PROBE_NAME;
        f->message = sl_sprintf(a, "under the %s: %s", PROBE_NAME, f->message);
        sl_finding_note(a, f, "No shipped setting turns expert parallelism on here; this is "
                              "what a run with it on would hit, so a change that breaks "
                              "expert parallelism shows up in review.");
        sl_findings_push(a, out, f);
    }
}
