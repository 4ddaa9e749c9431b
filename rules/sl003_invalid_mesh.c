/* SL003 invalid-mesh: the parallelism settings cannot build a mesh on the
 * given devices; MaxText stops at launch. */
#include <stdint.h>

#include "shardlint/rule.h"

extern const sl_rule_def sl_rule_sl003;

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
    "(`--devices` is devices per slice, `--slices` the number of slices).\n\n"
    "## Assumed device counts\n"
    "A mesh is an error only against a device count that is known: `--devices`, a TPU\n"
    "topology the launch names (`compile_topology=v5p-256`), or the product of the ICI\n"
    "values when none is -1. Otherwise the count is assumed (8 per slice: one GPU node,\n"
    "also what `hardware=gpu` implies); when the values other than the -1 do not divide\n"
    "it, the mesh is built on the smallest multiple of it they do divide and a note says\n"
    "so. A launch script's folder (`tpu/v6e/`) says TPU, not how many chips.\n";

typedef struct {
    sl_arena *a;
    const sl_mesh_error *e;
    sl_finding *f;
} words;

static const char *kind_name(const sl_mesh_error *e)
{
    return e->dcn ? "dcn" : "ici";
}

static const char *unit(const sl_mesh_error *e)
{
    return e->dcn ? "slices" : "devices per slice";
}

/* "ici_fsdp_parallelism=-1 (fsdp)", with ", default" when no file set it. */
static const char *term(words *w, const sl_axis *ax)
{
    bool dcn = w->e->dcn;
    return sl_sprintf(w->a, "%s=%lld (%s%s)", sl_axis_key(ax, dcn), sl_axis_value(ax, dcn),
                      ax->name, sl_loc_is_set(sl_axis_loc(ax, dcn)) ? "" : ", default");
}

static void related(words *w, const sl_axis *ax)
{
    sl_loc at = sl_axis_loc(ax, w->e->dcn);
    if (sl_loc_is_set(at))
        sl_finding_related(w->a, w->f, at, sl_sprintf(w->a, "%s set here", term(w, ax)));
}

static sl_loc loc_or_axes(const sl_mesh *m, const sl_axis *ax)
{
    return sl_loc_is_set(ax->ici_loc) ? ax->ici_loc : m->axes_loc;
}

/* "k1=v1 (a1) x k2=v2 (a2)" over the values that are not 1, skipping
 * `skip`; each named value other than `at` is a related location. */
static const char *terms(words *w, size_t skip, size_t at)
{
    const sl_mesh *m = w->e->mesh;
    const char *out = NULL;
    for (size_t i = 0; i < m->naxes; i++) {
        const sl_axis *ax = &m->axes[i];
        if (i == skip || sl_axis_value(ax, w->e->dcn) == 1)
            continue;
        const char *t = term(w, ax);
        out = out ? sl_sprintf(w->a, "%s x %s", out, t) : t;
        if (i != at)
            related(w, ax);
    }
    return out;
}

/* Which of two -1s to suggest giving a number: a defaulted one, else one
 * not typed on the command line (those are what the user asked for now),
 * else the later one. */
static const sl_axis *fill_to_drop(const sl_axis *f, const sl_axis *s, bool dcn)
{
    sl_loc fl = sl_axis_loc(f, dcn), sl = sl_axis_loc(s, dcn);
    if (!sl_loc_is_set(fl) || (sl.word > 0 && fl.word == 0))
        return f;
    return s;
}

static const char *two_fills(words *w)
{
    const sl_axis *f = &w->e->mesh->axes[w->e->first], *s = &w->e->mesh->axes[w->e->at];
    const char *msg = sl_sprintf(
        w->a,
        "%s and %s are both -1: MaxText fills at most one %s value and fails at launch; "
        "give all but one of them a number (e.g. %s=1)",
        term(w, f), term(w, s), kind_name(w->e),
        sl_axis_key(fill_to_drop(f, s, w->e->dcn), w->e->dcn));
    return msg;
}

static const char *bad_fill(words *w)
{
    const sl_mesh_error *e = w->e;
    const sl_axis *ax = &e->mesh->axes[e->at];
    const char *rest = terms(w, e->at, e->at);
    const char *prod = e->overflow ? "a product too large to count"
                                   : sl_sprintf(w->a, "%lld", e->product);
    return sl_sprintf(
        w->a,
        "%s cannot be filled: the other %s values multiply to %s%s%s%s, and %lld %s / %s "
        "is not a whole number >= 1; MaxText fails at launch. Change the other values so "
        "their product divides %lld",
        term(w, ax), kind_name(e), prod, rest ? " (" : "", rest ? rest : "", rest ? ")" : "",
        e->target, unit(e), prod, e->target);
}

static const char *mismatch(words *w)
{
    const sl_mesh_error *e = w->e;
    const char *list = terms(w, SIZE_MAX, e->at);
    const char *p = e->overflow ? "too large to count" : sl_sprintf(w->a, "%lld", e->product);
    return sl_sprintf(
        w->a,
        "%s parallelism product %s does not match %lld %s: %s; MaxText fails at launch. "
        "Make the product %lld, or set one of the %s_*_parallelism values to -1 so it is "
        "filled in",
        kind_name(e), p, e->target, unit(e),
        list ? list : sl_sprintf(w->a, "every %s value of mesh_axes is 1", kind_name(e)),
        e->target, kind_name(e));
}

/* Related locations come out in the order the words name them, so the
 * message is written first and the finding takes it afterwards. */
static const char *message(words *w)
{
    const sl_mesh_error *e = w->e;
    switch (e->kind) {
    case SL_MESH_UNKNOWN_AXIS:
        return sl_sprintf(
            w->a,
            "mesh axis '%s' has no ici_/dcn_ parallelism key; MaxText fails at launch "
            "looking it up. Use a known axis name (data, stage, fsdp, fsdp_transpose, "
            "sequence, context, tensor, tensor_sequence, expert, autoregressive, ...)",
            e->name);
    case SL_MESH_REPEATED_AXIS:
        return sl_sprintf(w->a, "mesh axis '%s' appears twice in mesh_axes; a JAX mesh needs "
                                "distinct axis names. Remove one", e->name);
    case SL_MESH_BAD_VALUE:
        return sl_sprintf(w->a, "%s is not a mesh axis size: MaxText cannot build the mesh. "
                                "Use a positive number, or -1 to have it filled in",
                          term(w, &e->mesh->axes[e->at]));
    case SL_MESH_TWO_FILLS: {
        const char *msg = two_fills(w);
        related(w, &e->mesh->axes[e->first]);
        return msg;
    }
    case SL_MESH_BAD_FILL:
        return bad_fill(w);
    case SL_MESH_MISMATCH:
        return mismatch(w);
    }
    return "the mesh cannot be built";
}

/* The ICI values do not fit the device count that was assumed: not an
 * error (nothing says the launch runs on that count), so the mesh was
 * built on the smallest count they do fit, and a note says so: MaxText
 * fails if the launch does run on fewer. */
static void unfit(const sl_lint_ctx *ctx, sl_findings *out)
{
    const sl_mesh *m = ctx->mesh;
    size_t at = 0;
    while (at < m->naxes && !m->axes[at].ici_filled)
        at++;
    if (at == m->naxes)
        return;
    const sl_axis *fill = &m->axes[at];
    long long others = m->devices / fill->ici;
    sl_mesh_error e = {.kind = SL_MESH_BAD_FILL, .mesh = m, .target = m->unfit, .at = at};
    sl_finding scratch = {0};
    words w = {ctx->arena, &e, &scratch};
    const char *rest = terms(&w, at, at);
    sl_finding *f = sl_findings_add(
        ctx->arena, out, &sl_rule_sl003, SL_LEVEL_NOTE, loc_or_axes(m, fill),
        sl_sprintf(ctx->arena, "%s=-1 (%s) cannot be filled on the %lld devices per slice "
                               "assumed; linted on %lld, the smallest count the other ici "
                               "values allow",
                   fill->ici_key, fill->name, m->unfit, m->devices));
    f->key = sl_sprintf(ctx->arena, "SL003:unfit:%s:%lld", fill->ici_key, others);
    f->loc_label = "the setting at fault";
    f->related = scratch.related;
    f->nrelated = scratch.nrelated;
    sl_finding_note(ctx->arena, f,
                    sl_sprintf(ctx->arena, "%lld devices per slice was an assumption (%s), so "
                                           "this is not reported as an error.",
                               m->unfit, m->devices_from.why ? m->devices_from.why
                                                              : "nothing says how many"));
    sl_finding_note(ctx->arena, f,
                    sl_sprintf(ctx->arena, "The other ici values multiply to %lld (%s): on a "
                                           "device count per slice that %lld does not divide, "
                                           "MaxText fails at launch. Give --devices N to check "
                                           "the real count.",
                               others, rest ? rest : "", others));
}

static void check(const sl_lint_ctx *ctx, sl_findings *out)
{
    const sl_mesh_error *e = ctx->mesh_error;
    if (!e && ctx->mesh && ctx->mesh->unfit)
        unfit(ctx, out);
    if (!e)
        return;
    sl_finding scratch = {0};
    words w = {ctx->arena, e, &scratch};
    const char *msg = message(&w);
    sl_finding *f = sl_findings_add(ctx->arena, out, &sl_rule_sl003, SL_LEVEL_ERROR, e->loc, msg);
    f->key = sl_sprintf(ctx->arena, "SL003:%s", msg);
    f->loc_label = "the setting at fault";
    f->related = scratch.related;
    f->nrelated = scratch.nrelated;
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
    .precision = "very-high",
};
