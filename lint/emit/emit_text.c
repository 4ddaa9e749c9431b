/* The human format: one compiler-style line per finding, its notes, related
 * locations and fixes indented under it, then a count. */
#include "shardlint/emit.h"

#include <string.h>

#define BOLD "\033[1m"
#define RED "\033[1;31m"
#define YELLOW "\033[1;33m"
#define CYAN "\033[1;36m"
#define RESET "\033[0m"

static const char *paint(const sl_emit_opts *o, const char *code)
{
    return o && o->color ? code : "";
}

static const char *level_colour(sl_level l)
{
    return l == SL_LEVEL_ERROR ? RED : l == SL_LEVEL_WARNING ? YELLOW : CYAN;
}

/* Edit text on one line: a newline in the replacement would otherwise read
 * as the next line of output. */
static void put_escaped(FILE *out, const char *s)
{
    for (; s && *s; s++) {
        if (*s == '\n')
            fputs("\\n", out);
        else if (*s == '\t')
            fputs("\\t", out);
        else
            fputc(*s, out);
    }
}

static void put_edit(FILE *out, const sl_edit *e)
{
    char where[512];
    fprintf(out, "    edit %s: ", sl_loc_str(e->loc, where, sizeof where));
    if (e->end.line == e->loc.line && e->end.col == e->loc.col)
        fputs("insert: ", out);
    else if (e->end.line != e->loc.line)
        fprintf(out, "replace through line %d column %d with: ", e->end.line, e->end.col);
    else
        fputs("replace with: ", out);
    put_escaped(out, e->text);
    fputc('\n', out);
}

static void put_fix(FILE *out, const sl_fix *x, const sl_emit_opts *o)
{
    fprintf(out, "  %sfix%s%s: %s\n", paint(o, CYAN), x->preferred ? " (preferred)" : "",
            paint(o, RESET), x->description);
    if (x->verified)
        fprintf(out, "    verified: %s\n",
                x->verify_note ? x->verify_note
                : x->removes   ? "linting the patched config no longer reports this"
                               : "linting the patched config still reports this");
    else if (x->verify_note)
        fprintf(out, "    not verified: %s\n", x->verify_note);
    if (x->override)
        fprintf(out, "    or on the command line: %s\n", x->override);
    for (size_t i = 0; i < x->nedits; i++)
        put_edit(out, &x->edits[i]);
}

static void put_finding(FILE *out, const sl_finding *f, const sl_emit_opts *o)
{
    char where[512];
    fprintf(out, "%s%s:%s %s%s:%s %s", paint(o, BOLD), sl_loc_str(f->loc, where, sizeof where),
            paint(o, RESET), paint(o, level_colour(f->level)), sl_level_name(f->level),
            paint(o, RESET), f->message);
    if (f->rule)
        fprintf(out, " [%s]", f->rule->id);
    fputc('\n', out);
    if (f->scenario)
        fprintf(out, "  scenario: %s\n", f->scenario);
    for (size_t i = 0; i < f->nnotes; i++)
        fprintf(out, "  %snote:%s %s\n", paint(o, CYAN), paint(o, RESET), f->notes[i]);
    for (size_t i = 0; i < f->nrelated; i++)
        fprintf(out, "  %s-->%s %s: %s\n", paint(o, CYAN), paint(o, RESET),
                sl_loc_str(f->related[i].loc, where, sizeof where), f->related[i].message);
    for (size_t i = 0; i < f->nfixes; i++)
        put_fix(out, &f->fixes[i], o);
}

static const char *plural(size_t n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}

/* "launches: 5 in 2 scripts, 1 not read (run.sh:12:1)". */
static void put_launches(FILE *out, const sl_launch_summary *l)
{
    char where[512];
    fprintf(out, "launches: %zu in %zu %s", l->nlaunches, l->nscripts,
            plural(l->nscripts, "script", "scripts"));
    if (l->unread.n)
        fprintf(out, ", %zu not read (", l->unread.n);
    for (size_t i = 0; i < l->unread.n; i++) {
        const sl_problem *p = l->unread.items[i];
        fprintf(out, "%s%s", i ? ", " : "", sl_loc_str(p->loc, where, sizeof where));
    }
    fputs(l->unread.n ? ")\n" : "\n", out);
}

void sl_emit_text(FILE *out, const sl_findings *f, const sl_emit_opts *o)
{
    for (size_t i = 0; i < f->n; i++)
        put_finding(out, f->items[i], o);
    if (o->quiet)
        return;
    if (f->n == 0) {
        fputs("no findings\n", out);
    } else {
        size_t c[4];
        sl_emit_count(f, c);
        fprintf(out, "%zu %s, %zu %s, %zu %s\n", c[SL_LEVEL_WARNING],
                plural(c[SL_LEVEL_WARNING], "warning", "warnings"), c[SL_LEVEL_NOTE],
                plural(c[SL_LEVEL_NOTE], "note", "notes"), c[SL_LEVEL_ERROR],
                plural(c[SL_LEVEL_ERROR], "error", "errors"));
    }
    if (o->launches && o->launches->nscripts)
        put_launches(out, o->launches);
}
