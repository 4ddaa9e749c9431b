/* The expert-parallel probe of latent mode. */
#include <string.h>

#include "engine_internal.h"
#include "shardlint/rule.h"

void sl_lint_probe_expert(sl_session *s, sl_arena *a, const sl_scenario *sc,
                          const sl_lint_result *r, sl_findings *out)
{
    if (!r->mesh_ok || !sl_maxtext_probe_applies(&r->config, &r->mesh))
        return;
    sl_override *ov = sl_alloc(a, (sc->nov + 3 + r->mesh.naxes) * sizeof *ov);
    if (sc->nov)
        memcpy(ov, sc->ov, sc->nov * sizeof *ov);
    sl_scenario p = *sc;
    /* The probe runs on the devices the config was linted on, whatever
     * gave that count: it asks what expert parallelism would do there. */
    p.devices = r->mesh.devices_from;
    p.devices.count = r->mesh.devices;
    p.ov = ov;
    p.nov = sc->nov + sl_maxtext_probe_overrides(&r->mesh, ov + sc->nov);
    p.probe = sl_maxtext_probe_name;
    sl_lint_result pr;
    sl_err err;
    if (sl_lint_run(s, a, &p, &pr, &err) != 0 || !pr.mesh_ok)
        return;
    sl_strmap seen = {0};
    size_t at;
    sl_findings_index(a, &r->findings, &seen);
    for (size_t i = 0; i < pr.findings.n; i++) {
        sl_finding *f = pr.findings.items[i];
        if (!f->key || sl_strmap_get(&seen, f->key, &at))
            continue;
        sl_strmap_put(a, &seen, f->key, 0);
        f->level = SL_LEVEL_NOTE;
        f->scenario = sl_maxtext_probe_name;
        f->message = sl_sprintf(a, "under the %s: %s", sl_maxtext_probe_name, f->message);
        sl_finding_note(a, f, "No shipped setting turns expert parallelism on here; this is "
                              "what a run with it on would hit, so a change that breaks "
                              "expert parallelism shows up in review.");
        sl_findings_push(a, out, f);
    }
}
