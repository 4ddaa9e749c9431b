/* SL003 invalid-mesh: the parallelism settings cannot build a mesh on the
 * given devices; MaxText stops at launch. */
#include "shardlint/rule.h"

static const char doc[] =
    "## What it flags\n"
    "Parallelism settings that MaxText rejects when it builds the device mesh:\n"
    "- more than one `ici_*_parallelism` (or `dcn_*_parallelism`) set to -1;\n"
    "- a -1 that cannot be filled with a whole number >= 1 (the other values do not\n"
    "  divide the devices per slice, or the number of slices);\n"
    "- a product of the ICI values that differs from the devices per slice (or of the\n"
    "  DCN values from the number of slices);\n"
    "- a name in `mesh_axes` that MaxText has no parallelism key for.\n\n"
    "## Why it matters\n"
    "The run fails at start-up, after the job has been scheduled and the hosts allocated.\n"
    "No sharding can be checked either: shardlint needs the mesh to resolve any tensor.\n\n"
    "## How to fix\n"
    "Leave exactly one axis at -1 per kind and make the others divide the device count\n"
    "(`--devices` is devices per slice, `--slices` the number of slices).\n";

static void check(const sl_lint_ctx *ctx, sl_findings *out)
{
    const sl_mesh_error *e = ctx->mesh_error;
    if (!e)
        return;
    sl_finding *f = sl_findings_add(ctx->arena, out, &sl_rule_sl003, SL_LEVEL_ERROR, e->loc,
                                    e->message);
    f->key = sl_sprintf(ctx->arena, "SL003:%s", e->message);
    for (size_t i = 0; i < e->nrelated; i++)
        sl_finding_related(ctx->arena, f, e->related[i], e->related_msg[i]);
    sl_finding_note(ctx->arena, f, "MaxText stops with this error when it builds the mesh, "
                                   "before the first step.");
}

const sl_rule_def sl_rule_sl003 = {
    .id = "SL003",
    .name = "invalid-mesh",
    .summary = "The parallelism settings cannot build a device mesh; MaxText fails at launch",
    .doc = doc,
    .level = SL_LEVEL_ERROR,
    .tags = {"mesh", "correctness", NULL},
    .check = check,
};
