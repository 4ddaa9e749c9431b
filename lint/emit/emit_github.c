/* GitHub Actions workflow commands: one `::warning file=...::msg` line per
 * finding and per distinct problem of the inputs, which the runner turns
 * into an annotation on the file. */
#include "emit_internal.h"

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

/* " file=F,line=L,col=C" with the file from the root (annotations name
 * files from the repository root), or nothing for a location in no file;
 * returns the separator the next property needs. */
static const char *put_location(FILE *out, sl_arena *a, sl_loc l, const sl_emit_opts *o)
{
    if (!l.file)
        return " ";
    fputs(" file=", out);
    put_escaped(out, sl_emit_path(a, l.file, o ? o->root : NULL), true);
    fprintf(out, ",line=%d", l.line);
    if (l.col > 0)
        fprintf(out, ",col=%d", l.col);
    return ",";
}

static void put_title(FILE *out, const char *sep, const sl_rule_def *r)
{
    fprintf(out, "%stitle=", sep);
    put_escaped(out, r->id, true);
    if (r->name) {
        fputc(' ', out);
        put_escaped(out, r->name, true);
    }
}

/* A location in a message: its file from the root, as in file=. */
static void put_where(FILE *out, sl_arena *a, sl_loc l, const sl_emit_opts *o)
{
    char where[512];
    if (l.file)
        l.file = sl_emit_path(a, l.file, o ? o->root : NULL);
    put_escaped(out, sl_loc_str(l, where, sizeof where), false);
}

/* The annotation's body: the message, then each note, related location and
 * fix on a line of its own. */
static void put_message(FILE *out, sl_arena *a, const sl_finding *f, const sl_emit_opts *o)
{
    if (!f->loc.file && f->loc.word > 0) {
        put_where(out, a, f->loc, o);
        fputs(": ", out);
    }
    put_escaped(out, f->message, false);
    for (size_t i = 0; i < f->nnotes; i++) {
        fputs("%0A", out);
        put_escaped(out, f->notes[i], false);
    }
    for (size_t i = 0; i < f->nrelated; i++) {
        fputs("%0A", out);
        put_where(out, a, f->related[i].loc, o);
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

/* An input error is an annotation of SL900; a part of an input that was
 * left out is a warning of the run, under no rule. */
static void put_problem(FILE *out, sl_arena *a, const sl_problem *p, const sl_emit_opts *o)
{
    fprintf(out, "::%s", command(p->level));
    const char *sep = put_location(out, a, p->loc, o);
    if (p->level == SL_LEVEL_ERROR)
        put_title(out, sep, &sl_rule_sl900);
    fputs("::", out);
    if (!p->loc.file && p->loc.word > 0) {
        put_where(out, a, p->loc, o);
        fputs(": ", out);
    }
    put_escaped(out, p->message, false);
    fputc('\n', out);
}

void sl_emit_github(FILE *out, const sl_report *r, const sl_emit_opts *o)
{
    sl_arena *a = sl_arena_new();
    for (size_t i = 0; i < r->findings.n; i++) {
        const sl_finding *x = r->findings.items[i];
        fprintf(out, "::%s", command(x->level));
        const char *sep = put_location(out, a, x->loc, o);
        if (x->rule)
            put_title(out, sep, x->rule);
        fputs("::", out);
        put_message(out, a, x, o);
        fputc('\n', out);
    }
    const sl_problem **problems;
    size_t np = sl_emit_problems(a, r, &problems);
    for (size_t i = 0; i < np; i++)
        put_problem(out, a, problems[i], o);
    sl_arena_free(a);
}
