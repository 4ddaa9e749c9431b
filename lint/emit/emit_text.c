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

/* Every string from an input is escaped where it is printed (see
 * sl_escape); `a` holds the escaped copies until the report is written. */
typedef struct {
    FILE *out;
    const sl_emit_opts *o;
    sl_arena *a;
} text_out;

static const char *esc(text_out *t, const char *s)
{
    return sl_escape(t->a, s, 0);
}

/* flags: SL_ESCAPE_LINE_START for a location that starts a line. */
static const char *esc_loc(text_out *t, sl_loc loc, unsigned flags)
{
    char where[1024];
    return sl_escape(t->a, sl_strdup(t->a, sl_loc_str(loc, where, sizeof where)), flags);
}

static void put_edit(text_out *t, const sl_edit *e)
{
    fprintf(t->out, "    edit %s: ", esc_loc(t, e->loc, 0));
    if (e->end.line == e->loc.line && e->end.col == e->loc.col)
        fputs("insert: ", t->out);
    else if (e->end.line != e->loc.line)
        fprintf(t->out, "replace through line %d column %d with: ", e->end.line, e->end.col);
    else
        fputs("replace with: ", t->out);
    /* Escaped, a newline in the replacement reads as \n on one line. */
    fprintf(t->out, "%s\n", esc(t, e->text));
}

static void put_fix(text_out *t, const sl_fix *x)
{
    const sl_emit_opts *o = t->o;
    fprintf(t->out, "  %sfix%s%s: %s\n", paint(o, CYAN), x->preferred ? " (preferred)" : "",
            paint(o, RESET), esc(t, x->description));
    if (x->verified)
        fprintf(t->out, "    verified: %s\n",
                x->verify_note ? esc(t, x->verify_note)
                : x->removes   ? "linting the patched config no longer reports this"
                               : "linting the patched config still reports this");
    else if (x->verify_note)
        fprintf(t->out, "    not verified: %s\n", esc(t, x->verify_note));
    if (x->override)
        fprintf(t->out, "    or on the command line: %s\n", esc(t, x->override));
    for (size_t i = 0; i < x->nedits; i++)
        put_edit(t, &x->edits[i]);
}

static void put_finding(text_out *t, const sl_finding *f)
{
    const sl_emit_opts *o = t->o;
    FILE *out = t->out;
    fprintf(out, "%s%s:%s %s%s:%s %s", paint(o, BOLD),
            esc_loc(t, f->loc, SL_ESCAPE_LINE_START), paint(o, RESET),
            paint(o, level_colour(f->level)), sl_level_name(f->level), paint(o, RESET),
            esc(t, f->message));
    if (f->rule)
        fprintf(out, " [%s]", f->rule->id);
    fputc('\n', out);
    if (f->scenario)
        fprintf(out, "  scenario: %s\n", esc(t, f->scenario));
    for (size_t i = 0; i < f->nnotes; i++)
        fprintf(out, "  %snote:%s %s\n", paint(o, CYAN), paint(o, RESET), esc(t, f->notes[i]));
    for (size_t i = 0; i < f->nrelated; i++)
        fprintf(out, "  %s-->%s %s: %s\n", paint(o, CYAN), paint(o, RESET),
                esc_loc(t, f->related[i].loc, 0), esc(t, f->related[i].message));
    for (size_t i = 0; i < f->nfixes; i++)
        put_fix(t, &f->fixes[i]);
}

static const char *plural(size_t n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}

/* "launches: 5 in 2 scripts, 1 not read:" and a line for each launch not
 * read, with why; the dash keeps editors from taking it for a diagnostic. */
static void put_launches(text_out *t, const sl_launch_summary *l)
{
    fprintf(t->out, "launches: %zu in %zu %s", l->nlaunches, l->nscripts,
            plural(l->nscripts, "script", "scripts"));
    if (!l->unread.n) {
        fputs("\n", t->out);
        return;
    }
    fprintf(t->out, ", %zu not read:\n", l->unread.n);
    for (size_t i = 0; i < l->unread.n; i++) {
        const sl_problem *p = l->unread.items[i];
        fprintf(t->out, "  - %s: %s\n", esc_loc(t, p->loc, 0), esc(t, p->message));
    }
}

/* The counts, or "no findings", then the launches read. */
static void put_summary(text_out *t, const sl_findings *f)
{
    if (f->n == 0) {
        fputs("no findings\n", t->out);
    } else {
        size_t c[4];
        sl_emit_count(f, c);
        fprintf(t->out, "%zu %s, %zu %s, %zu %s\n", c[SL_LEVEL_WARNING],
                plural(c[SL_LEVEL_WARNING], "warning", "warnings"), c[SL_LEVEL_NOTE],
                plural(c[SL_LEVEL_NOTE], "note", "notes"), c[SL_LEVEL_ERROR],
                plural(c[SL_LEVEL_ERROR], "error", "errors"));
    }
    if (t->o->launches && t->o->launches->nscripts)
        put_launches(t, t->o->launches);
}

void sl_emit_text(FILE *out, const sl_findings *f, const sl_emit_opts *o)
{
    text_out t = {out, o, sl_arena_new()};
    for (size_t i = 0; i < f->n; i++)
        put_finding(&t, f->items[i]);
    if (!o->quiet)
        put_summary(&t, f);
    sl_arena_free(t.a);
}
