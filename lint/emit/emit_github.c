/* GitHub Actions workflow commands: one `::warning file=...::msg` line per
 * finding, which the runner turns into an annotation on the file. */
#include "shardlint/emit.h"

#include <string.h>

/* The runner splits on newlines and on "::", and reads `,` and `:` inside
 * properties as separators, so those are percent-encoded as the runner's
 * own toolkit does. */
static void put_escaped(FILE *out, const char *s, bool property)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '%': fputs("%25", out); break;
        case '\r': fputs("%0D", out); break;
        case '\n': fputs("%0A", out); break;
        case ':': fputs(property ? "%3A" : ":", out); break;
        case ',': fputs(property ? "%2C" : ",", out); break;
        default: fputc(*s, out);
        }
    }
}

static const char *command(sl_level l)
{
    return l == SL_LEVEL_ERROR ? "error" : l == SL_LEVEL_WARNING ? "warning" : "notice";
}

/* The file relative to base_dir when one is given: annotations name files
 * from the repository root. */
static void put_properties(FILE *out, sl_arena *a, const sl_finding *f, const sl_emit_opts *o)
{
    const char *sep = " ";
    if (f->loc.file) {
        fputs(" file=", out);
        put_escaped(out, o && o->base_dir ? sl_path_relative(a, f->loc.file, o->base_dir) : f->loc.file,
                    true);
        fprintf(out, ",line=%d", f->loc.line);
        if (f->loc.col > 0)
            fprintf(out, ",col=%d", f->loc.col);
        sep = ",";
    }
    if (f->rule) {
        fprintf(out, "%stitle=", sep);
        put_escaped(out, f->rule->id, true);
        if (f->rule->name) {
            fputc(' ', out);
            put_escaped(out, f->rule->name, true);
        }
    }
}

/* The annotation's body: the message, then each note, related location and
 * fix on a line of its own. */
static void put_message(FILE *out, const sl_finding *f)
{
    char where[512];
    if (!f->loc.file && f->loc.word > 0) {
        put_escaped(out, sl_loc_str(f->loc, where, sizeof where), false);
        fputs(": ", out);
    }
    put_escaped(out, f->message, false);
    for (size_t i = 0; i < f->nnotes; i++) {
        fputs("%0A", out);
        put_escaped(out, f->notes[i], false);
    }
    for (size_t i = 0; i < f->nrelated; i++) {
        fputs("%0A", out);
        put_escaped(out, sl_loc_str(f->related[i].loc, where, sizeof where), false);
        fputs(": ", out);
        put_escaped(out, f->related[i].message, false);
    }
    for (size_t i = 0; i < f->nfixes; i++) {
        fputs("%0Afix: ", out);
        put_escaped(out, f->fixes[i].description, false);
        if (f->fixes[i].override) {
            fputs(" (", out);
            put_escaped(out, f->fixes[i].override, false);
            fputc(')', out);
        }
    }
}

void sl_emit_github(FILE *out, const sl_findings *f, const sl_emit_opts *o)
{
    sl_arena *a = sl_arena_new();
    for (size_t i = 0; i < f->n; i++) {
        const sl_finding *x = f->items[i];
        fprintf(out, "::%s", command(x->level));
        put_properties(out, a, x, o);
        fputs("::", out);
        put_message(out, x);
        fputc('\n', out);
    }
    sl_arena_free(a);
}
