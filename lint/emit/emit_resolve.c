/* `shardlint resolve`: the mesh MaxText would build and, per tensor, which
 * mesh axes each dim ends up on and which rule decided it. */
#include "shardlint/emit.h"

#include "emit_internal.h"

#include <cjson/cJSON.h>
#include <string.h>

/* "file:line" (columns add noise in a table), or the command-line word. */
static const char *loc_short(sl_loc l, char *buf, size_t size)
{
    if (l.file)
        snprintf(buf, size, "%s:%d", l.file, l.line);
    else if (l.word > 0)
        snprintf(buf, size, "command line, word %d", l.word);
    else
        snprintf(buf, size, "<built-in>");
    return buf;
}

/* Names and file names come from inputs: escaped (sl_escape) before they
 * are measured for the table. */
static const char *esc(sl_arena *a, const char *s)
{
    return sl_escape(a, s, 0);
}

static void put_key(FILE *out, sl_arena *a, const char *key, long long value, bool filled,
                    sl_loc at)
{
    char where[512];
    if (filled)
        fprintf(out, "  %s=-1 (filled)", esc(a, key));
    else
        fprintf(out, "  %s=%lld", esc(a, key), value);
    if (at.file || at.word > 0)
        fprintf(out, " at %s", esc(a, loc_short(at, where, sizeof where)));
}

static void put_mesh(FILE *out, sl_arena *a, const sl_mesh *m)
{
    fprintf(out, "mesh: %lld devices x %lld %s\n", m->devices, m->slices,
            m->slices == 1 ? "slice" : "slices");
    fprintf(out, "  devices per slice: %s\n", esc(a, sl_mesh_devices_str(a, m)));
    int wname = 0, wsize = 0;
    const char **names = sl_alloc(a, (m->naxes + 1) * sizeof *names);
    for (size_t i = 0; i < m->naxes; i++) {
        names[i] = esc(a, m->axes[i].name ? m->axes[i].name : "");
        int n = (int)strlen(names[i]);
        int s = snprintf(NULL, 0, "%lld", m->axes[i].size);
        wname = n > wname ? n : wname;
        wsize = s > wsize ? s : wsize;
    }
    for (size_t i = 0; i < m->naxes; i++) {
        const sl_axis *x = &m->axes[i];
        fprintf(out, "  %c %-*s  %*lld", x->size > 1 ? '*' : ' ', wname, names[i], wsize,
                x->size);
        if (x->ici_key)
            put_key(out, a, x->ici_key, x->ici, x->ici_filled, x->ici_loc);
        else
            fputs("  always 1", out);
        if (x->dcn_key && m->slices > 1)
            put_key(out, a, x->dcn_key, x->dcn, x->dcn_filled, x->dcn_loc);
        fputc('\n', out);
    }
}

static char *physical_str(sl_arena *a, const sl_dim *d)
{
    if (d->nphysical == 0)
        return "-";
    char *s = sl_strdup(a, d->physical[0]);
    for (size_t i = 1; i < d->nphysical; i++)
        s = sl_sprintf(a, "%s,%s", s, d->physical[i]);
    return s;
}

static char *origin_str(sl_arena *a, const sl_dim *d)
{
    char where[512];
    char *s = d->rule ? sl_sprintf(a, "rule %s", loc_short(d->rule->loc, where, sizeof where)) : "";
    for (size_t i = 0; i < d->nlosses; i++) {
        const sl_loss *l = &d->losses[i];
        const char *by = l->by_rule ? l->by_rule->name : "?";
        const char *at = l->by_rule ? loc_short(l->by_rule->loc, where, sizeof where) : "?";
        s = sl_sprintf(a, "%s%slost %s to dim %d (%s, rule %s)", s, *s ? "; " : "",
                       l->axis ? l->axis : "?", l->by_dim, by ? by : "?", at);
    }
    return s;
}

/* A catalog spec not found in scanned sources: name the MaxText code it
 * stands for. */
static void put_site(FILE *out, const sl_site *site)
{
    if (site->file)
        fprintf(out, " in %s", site->file);
    if (site->function)
        fprintf(out, "%s%s", site->file ? ", " : " in ", site->function);
}

static void put_tensor(FILE *out, sl_arena *a, const sl_resolved *t)
{
    char where[512];
    const sl_spec *sp = t->spec;
    fputs(sl_escape(a, sp && sp->name ? sp->name : "<unnamed>", SL_ESCAPE_LINE_START), out);
    if (sp && sp->origin)
        fprintf(out, " (%s)", sp->origin);
    if (sp && (sp->loc.file || sp->loc.word > 0))
        fprintf(out, " at %s", esc(a, loc_short(sp->loc, where, sizeof where)));
    else if (sp && sp->site)
        put_site(out, sp->site);
    fputc('\n', out);
    const char *logical[SL_MAX_DIMS], *phys[SL_MAX_DIMS];
    int wl = (int)strlen("logical"), wp = (int)strlen("physical");
    size_t nd = t->ndims < SL_MAX_DIMS ? t->ndims : SL_MAX_DIMS;
    for (size_t i = 0; i < nd; i++) {
        logical[i] = esc(a, t->dims[i].logical ? t->dims[i].logical : "None");
        phys[i] = esc(a, physical_str(a, &t->dims[i]));
        wl = (int)strlen(logical[i]) > wl ? (int)strlen(logical[i]) : wl;
        wp = (int)strlen(phys[i]) > wp ? (int)strlen(phys[i]) : wp;
    }
    fprintf(out, "  dim  %-*s  %-*s  from\n", wl, "logical", wp, "physical");
    for (size_t i = 0; i < nd; i++) {
        char *line = sl_sprintf(a, "  %-3zu  %-*s  %-*s  %s", i, wl, logical[i], wp, phys[i],
                                esc(a, origin_str(a, &t->dims[i])));
        size_t n = strlen(line);
        while (n && line[n - 1] == ' ')
            line[--n] = '\0';
        fprintf(out, "%s\n", line);
    }
}

static bool same_file(sl_loc x, sl_loc y)
{
    return x.file && y.file && strcmp(x.file, y.file) == 0;
}

/* Scanned specs that do not run under this config, a line per run of specs
 * in one file skipped for one reason (a model family's file is many). */
static void put_skipped(FILE *out, sl_arena *a, const sl_lint_result *r)
{
    if (!r->nskipped)
        return;
    fprintf(out, "\nskipped: %zu spec%s that do%s not run under this config\n", r->nskipped,
            r->nskipped == 1 ? "" : "s", r->nskipped == 1 ? "es" : "");
    for (size_t i = 0; i < r->nskipped;) {
        const sl_spec *sp = r->skipped[i].spec;
        const char *why = sl_spec_skipped_why(a, &r->skipped[i]);
        size_t k = i + 1;
        while (k < r->nskipped && same_file(r->skipped[k].spec->loc, sp->loc) &&
               strcmp(sl_spec_skipped_why(a, &r->skipped[k]), why) == 0)
            k++;
        if (k - i > 1)
            fprintf(out, "  %s: %zu specs: %s\n", sp->loc.file, k - i, why);
        else
            fprintf(out, "  %s: %s\n", sp->name, why);
        i = k;
    }
}

void sl_emit_resolve_text(FILE *out, const sl_lint_result *r)
{
    sl_arena *a = sl_arena_new();
    if (r->mesh_ok)
        put_mesh(out, a, &r->mesh);
    else
        fputs("mesh: not built\n", out);
    for (size_t i = 0; i < r->ntensors; i++) {
        fputc('\n', out);
        put_tensor(out, a, &r->tensors[i]);
    }
    put_skipped(out, a, r);
    sl_arena_free(a);
}


static cJSON *rule_json(const sl_rule *r, bool with_index)
{
    if (!r)
        return cJSON_CreateNull();
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "name", sl_json_str_or_null(r->name));
    cJSON_AddItemToObject(o, "file", sl_json_str_or_null(r->loc.file));
    cJSON_AddNumberToObject(o, "line", r->loc.line);
    if (!r->loc.file && r->loc.word > 0)
        cJSON_AddNumberToObject(o, "command_line_word", r->loc.word);
    if (with_index)
        cJSON_AddNumberToObject(o, "index", (double)r->index);
    return o;
}

static cJSON *axis_json(const sl_axis *x)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "name", sl_json_str_or_null(x->name));
    cJSON_AddNumberToObject(o, "size", (double)x->size);
    cJSON_AddBoolToObject(o, "active", x->size > 1);
    cJSON_AddNumberToObject(o, "ici", (double)x->ici);
    cJSON_AddNumberToObject(o, "dcn", (double)x->dcn);
    cJSON_AddItemToObject(o, "ici_key", sl_json_str_or_null(x->ici_key));
    cJSON_AddItemToObject(o, "dcn_key", sl_json_str_or_null(x->dcn_key));
    cJSON_AddBoolToObject(o, "ici_filled", x->ici_filled);
    cJSON_AddBoolToObject(o, "dcn_filled", x->dcn_filled);
    cJSON_AddItemToObject(o, "ici_source", sl_json_loc(x->ici_loc));
    cJSON_AddItemToObject(o, "dcn_source", sl_json_loc(x->dcn_loc));
    return o;
}

static cJSON *mesh_json(const sl_lint_result *r)
{
    if (!r->mesh_ok)
        return cJSON_CreateNull();
    cJSON *o = cJSON_CreateObject();
    cJSON *axes = cJSON_AddArrayToObject(o, "axes");
    for (size_t i = 0; i < r->mesh.naxes; i++)
        cJSON_AddItemToArray(axes, axis_json(&r->mesh.axes[i]));
    cJSON_AddNumberToObject(o, "devices", (double)r->mesh.devices);
    cJSON_AddNumberToObject(o, "slices", (double)r->mesh.slices);
    const sl_devices *d = &r->mesh.devices_from;
    cJSON *from = cJSON_AddObjectToObject(o, "devices_source");
    cJSON_AddStringToObject(from, "source", sl_devices_source_name(d->source));
    cJSON_AddBoolToObject(from, "assumed", !sl_devices_known(d));
    cJSON_AddItemToObject(from, "why", sl_json_str_or_null(d->why));
    cJSON_AddItemToObject(from, "location", sl_json_loc(d->loc));
    if (r->mesh.unfit)
        cJSON_AddNumberToObject(from, "unfit", (double)r->mesh.unfit);
    return o;
}

/* null when the dim is replicated: no axis of size > 1 is left. */
static cJSON *physical_json(const sl_dim *d)
{
    if (d->nphysical == 0)
        return cJSON_CreateNull();
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; i < d->nphysical; i++)
        cJSON_AddItemToArray(a, sl_json_str_or_null(d->physical[i]));
    return a;
}

static cJSON *dim_json(const sl_dim *d)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "logical", sl_json_str_or_null(d->logical));
    cJSON_AddItemToObject(o, "physical", physical_json(d));
    cJSON_AddItemToObject(o, "rule", rule_json(d->rule, true));
    cJSON *lost = cJSON_AddArrayToObject(o, "lost");
    for (size_t i = 0; i < d->nlosses; i++) {
        const sl_loss *l = &d->losses[i];
        cJSON *x = cJSON_CreateObject();
        cJSON_AddItemToObject(x, "axis", sl_json_str_or_null(l->axis));
        cJSON_AddNumberToObject(x, "to_dim", l->by_dim);
        cJSON_AddItemToObject(x, "by_rule", rule_json(l->by_rule, false));
        cJSON_AddItemToObject(x, "rule", rule_json(l->rule, false));
        cJSON_AddItemToArray(lost, x);
    }
    return o;
}

static cJSON *tensor_json(const sl_resolved *t)
{
    const sl_spec *sp = t->spec;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "name", sl_json_str_or_null(sp ? sp->name : NULL));
    cJSON_AddItemToObject(o, "origin", sl_json_str_or_null(sp ? sp->origin : NULL));
    cJSON_AddItemToObject(o, "source", sl_json_loc(sp ? sp->loc : (sl_loc){0}));
    cJSON *logical = cJSON_AddArrayToObject(o, "logical");
    cJSON *physical = cJSON_AddArrayToObject(o, "physical");
    cJSON *dims = cJSON_AddArrayToObject(o, "dims");
    size_t nd = t->ndims < SL_MAX_DIMS ? t->ndims : SL_MAX_DIMS;
    for (size_t i = 0; i < nd; i++) {
        cJSON_AddItemToArray(logical, sl_json_str_or_null(t->dims[i].logical));
        cJSON_AddItemToArray(physical, physical_json(&t->dims[i]));
        cJSON_AddItemToArray(dims, dim_json(&t->dims[i]));
    }
    return o;
}

static cJSON *skipped_json(sl_arena *a, const sl_spec_skipped *k)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "name", sl_json_str_or_null(k->spec->name));
    cJSON_AddItemToObject(o, "source", sl_json_loc(k->spec->loc));
    cJSON_AddItemToObject(o, "reason", sl_json_str_or_null(sl_spec_skipped_why(a, k)));
    return o;
}

void sl_emit_resolve_json(FILE *out, const sl_lint_result *r)
{
    sl_arena *a = sl_arena_new();
    cJSON *root = cJSON_CreateObject();
    cJSON_AddItemToObject(root, "mesh", mesh_json(r));
    cJSON *tensors = cJSON_AddArrayToObject(root, "tensors");
    for (size_t i = 0; i < r->ntensors; i++)
        cJSON_AddItemToArray(tensors, tensor_json(&r->tensors[i]));
    cJSON *skipped = cJSON_AddArrayToObject(root, "skipped");
    for (size_t i = 0; i < r->nskipped; i++)
        cJSON_AddItemToArray(skipped, skipped_json(a, &r->skipped[i]));
    sl_json_write(out, root);
    sl_arena_free(a);
}
