/* The message of a SARIF result, as plain text (what code scanning shows)
 * and Markdown. The headline first, since code scanning titles the alert
 * with its first sentence; then what to do, in words a reviewer can paste;
 * then the locations involved, as links code scanning makes clickable; the
 * notes last. */
#include <string.h>

#include "emit_internal.h"

typedef struct {
    sl_arena *a;
    const sl_finding *f;
    const char *root;
    const char *text;          /* lines so far */
    const char *md;            /* paragraphs so far */
} message;

static void add(message *m, const char *text, const char *md)
{
    m->text = *m->text ? sl_sprintf(m->a, "%s\n%s", m->text, text) : text;
    m->md = *m->md ? sl_sprintf(m->a, "%s\n\n%s", m->md, md) : md;
}

/* s with each character of `set` preceded by a backslash. */
static const char *backslash(sl_arena *a, const char *s, const char *set)
{
    char *out = sl_alloc(a, 2 * strlen(s) + 1), *o = out;
    for (; *s; s++) {
        if (strchr(set, *s))
            *o++ = '\\';
        *o++ = *s;
    }
    return out;
}

/* Markdown for plain words: punctuation Markdown would read is escaped,
 * except inside `code spans`, which the messages use on purpose. */
static const char *md_escape(sl_arena *a, const char *s)
{
    const char *out = "";
    while (*s) {
        const char *tick = strchr(s, '`');
        const char *close = tick ? strchr(tick + 1, '`') : NULL;
        size_t plain = close ? (size_t)(tick - s) : strlen(s);
        out = sl_sprintf(a, "%s%s", out, backslash(a, sl_strndup(a, s, plain), "\\`*_[]<>|~#"));
        if (!close)
            break;
        out = sl_sprintf(a, "%s%.*s", out, (int)(close + 1 - tick), tick);
        s = close + 1;
    }
    return out;
}

static size_t longest_tick_run(const char *s)
{
    size_t best = 0, run = 0;
    for (; *s; s++) {
        run = *s == '`' ? run + 1 : 0;
        best = run > best ? run : best;
    }
    return best;
}

static const char *ticks(sl_arena *a, size_t n)
{
    char *t = sl_alloc(a, n + 1);
    memset(t, '`', n);
    return t;
}

/* An inline code span that holds s as it is. */
static const char *md_code(sl_arena *a, const char *s)
{
    const char *fence = ticks(a, longest_tick_run(s) + 1);
    const char *pad = s[0] == '`' || (*s && s[strlen(s) - 1] == '`') ? " " : "";
    return sl_sprintf(a, "%s%s%s%s%s", fence, pad, s, pad, fence);
}

/* A fenced block that holds s as it is, for pasting. */
static const char *md_block(sl_arena *a, const char *s)
{
    size_t n = longest_tick_run(s) + 1;
    const char *fence = ticks(a, n < 3 ? 3 : n);
    return sl_sprintf(a, "%s\n%s\n%s", fence, s, fence);
}

/* Every line of s indented by four spaces. */
static const char *indent(sl_arena *a, const char *s)
{
    size_t lines = 1;
    for (const char *p = s; *p; p++)
        lines += *p == '\n';
    char *out = sl_alloc(a, strlen(s) + 4 * lines + 1), *o = out;
    memcpy(o, "    ", 4);
    for (o += 4; *s; s++) {
        *o++ = *s;
        if (*s == '\n') {
            memcpy(o, "    ", 4);
            o += 4;
        }
    }
    return out;
}

static const char *without_final_newline(sl_arena *a, const char *s)
{
    size_t n = strlen(s);
    return n && s[n - 1] == '\n' ? sl_strndup(a, s, n - 1) : s;
}

/* "configs/base.yml:88:5" with the file from the root, or "command line,
 * word 3". */
static const char *where(message *m, sl_loc l)
{
    char buf[512];
    if (l.file)
        l.file = sl_emit_path(m->a, l.file, m->root);
    return sl_strdup(m->a, sl_loc_str(l, buf, sizeof buf));
}

static const char *sentence(sl_arena *a, const char *s)
{
    size_t n = strlen(s);
    return n && strchr(".!?", s[n - 1]) ? s : sl_sprintf(a, "%s.", s);
}

static void headline(message *m)
{
    const sl_finding *f = m->f;
    const char *s = sentence(m->a, f->message ? f->message : "");
    if (!f->loc.file && f->loc.word > 0)
        s = sl_sprintf(m->a, "%s: %s", where(m, f->loc), s);
    add(m, s, md_escape(m->a, s));
}

static void verification(message *m, const sl_fix *x)
{
    const char *s = x->verified    ? sl_sprintf(m->a, "Verified: %s", x->verify_note
                                                   ? x->verify_note
                                                   : "shardlint linted the patched config again")
                    : x->verify_note ? sl_sprintf(m->a, "Verification: %s", x->verify_note)
                                     : "Not verified: shardlint did not lint the patched config";
    s = sentence(m->a, s);
    add(m, s, md_escape(m->a, s));
}

static void edit(message *m, const sl_edit *e)
{
    const char *at = sl_sprintf(m->a, "line %d, column %d", e->loc.line, e->loc.col);
    bool insert = e->end.line == e->loc.line && e->end.col == e->loc.col;
    if (!insert)
        at = sl_sprintf(m->a, "%s up to line %d, column %d", at, e->end.line, e->end.col);
    const char *body = without_final_newline(m->a, e->text ? e->text : "");
    const char *verb = insert ? "insert" : *body ? "replace with" : "delete";
    const char *path = sl_emit_path(m->a, e->loc.file, m->root);
    const char *text = sl_sprintf(m->a, "Edit %s, %s: %s", path, at, verb);
    const char *md = sl_sprintf(m->a, "Edit %s, %s: %s", md_code(m->a, path), at, verb);
    if (*body) {
        text = sl_sprintf(m->a, "%s\n%s", text, indent(m->a, body));
        md = sl_sprintf(m->a, "%s\n\n%s", md, md_block(m->a, body));
    }
    add(m, text, md);
}

/* The fix to apply: the preferred one, else the first, offered as
 * possible only. */
static const sl_fix *fix_to_show(const sl_finding *f)
{
    for (size_t i = 0; i < f->nfixes; i++)
        if (f->fixes[i].preferred)
            return &f->fixes[i];
    return f->nfixes ? &f->fixes[0] : NULL;
}

static void fixes(message *m)
{
    const sl_fix *x = fix_to_show(m->f);
    if (!x)
        return;
    const char *label = x->preferred ? "Fix" : "Possible fix";
    const char *desc = sentence(m->a, x->description ? x->description : "");
    add(m, sl_sprintf(m->a, "%s: %s", label, desc),
        sl_sprintf(m->a, "**%s:** %s", label, md_escape(m->a, desc)));
    verification(m, x);
    if (x->override)
        add(m, sl_sprintf(m->a, "On the command line: %s", x->override),
            sl_sprintf(m->a, "On the command line: %s", md_code(m->a, x->override)));
    for (size_t i = 0; i < x->nedits; i++)
        if (x->edits[i].loc.file)
            edit(m, &x->edits[i]);
    for (size_t i = 0; i < m->f->nfixes; i++) {
        const sl_fix *o = &m->f->fixes[i];
        if (o == x)
            continue;
        const char *s = sentence(m->a, sl_sprintf(m->a, "Other fix: %s", o->description));
        add(m, s, md_escape(m->a, s));
    }
}

/* A link to related location i, or, when it is in no file, the words
 * alone: a command-line word is named, a built-in default is not. */
static void link(message *m, size_t i, const char *label, const char **text, const char **md)
{
    const sl_loc l = m->f->related[i].loc;
    if (!l.file) {
        const char *s = l.word > 0 ? sl_sprintf(m->a, "%s: %s", where(m, l), label) : label;
        *text = s;
        *md = md_escape(m->a, s);
        return;
    }
    *text = sl_sprintf(m->a, "[%s](%zu)", backslash(m->a, label, "\\[]"), i);
    *md = sl_sprintf(m->a, "[%s](%zu)", md_escape(m->a, label), i);
}

static void involved(message *m)
{
    const sl_finding *f = m->f;
    if (!f->nrelated)
        return;
    const char *text = "Involved: ", *md = "Involved: ";
    for (size_t i = 0; i < f->nrelated; i++) {
        const char *t, *d, *sep = i + 1 < f->nrelated ? "; " : ".";
        link(m, i, f->related[i].message ? f->related[i].message : "", &t, &d);
        text = sl_sprintf(m->a, "%s%s%s", text, t, sep);
        md = sl_sprintf(m->a, "%s%s%s", md, d, sep);
    }
    add(m, text, md);
}

/* The next location text in a note: one of the related locations (a link)
 * or the finding's own (written from the root). *which is the related
 * index, or f->nrelated for the finding's own. */
static const char *next_loc(message *m, const char *note, const char *from, size_t *which,
                            size_t *len)
{
    const sl_finding *f = m->f;
    const char *best = NULL;
    char buf[512];
    for (size_t i = 0; i <= f->nrelated; i++) {
        sl_loc l = i < f->nrelated ? f->related[i].loc : f->loc;
        if (!l.file)
            continue;
        const char *s = sl_loc_str(l, buf, sizeof buf);
        const char *at = sl_emit_find_loc(note, from, s);
        if (at && (!best || at < best)) {
            best = at;
            *which = i;
            *len = strlen(s);
        }
    }
    return best;
}

/* A note names locations as the text output does, from the working
 * directory: the related ones become links labelled with the file's base
 * name and line, the finding's own is named from the root. */
static void note(message *m, const char *s)
{
    const char *text = "", *md = "", *from = s;
    size_t which, len;
    for (const char *at; (at = next_loc(m, s, from, &which, &len)); from = at + len) {
        const char *plain = sl_strndup(m->a, from, (size_t)(at - from));
        const char *t, *d;
        if (which < m->f->nrelated) {
            sl_loc l = m->f->related[which].loc;
            const char *label = sl_sprintf(m->a, "%s:%d", sl_path_base(l.file), l.line);
            t = sl_sprintf(m->a, "[%s](%zu)", backslash(m->a, label, "\\[]"), which);
            d = sl_sprintf(m->a, "[%s](%zu)", md_escape(m->a, label), which);
        } else {
            t = where(m, m->f->loc);
            d = md_escape(m->a, t);
        }
        text = sl_sprintf(m->a, "%s%s%s", text, plain, t);
        md = sl_sprintf(m->a, "%s%s%s", md, md_escape(m->a, plain), d);
    }
    add(m, sl_sprintf(m->a, "%s%s", text, from), sl_sprintf(m->a, "%s%s", md, md_escape(m->a, from)));
}

sl_sarif_message sl_sarif_finding_message(sl_arena *a, const sl_finding *f, const char *root)
{
    message m = {.a = a, .f = f, .root = root, .text = "", .md = ""};
    headline(&m);
    fixes(&m);
    involved(&m);
    for (size_t i = 0; i < f->nnotes; i++)
        note(&m, f->notes[i]);
    return (sl_sarif_message){m.text, m.md};
}

sl_sarif_message sl_sarif_problem_message(sl_arena *a, const sl_problem *p)
{
    const char *s = sentence(a, p->message ? p->message : "");
    s = sl_sprintf(a, "%s\nNothing that depends on this input was linted.", s);
    return (sl_sarif_message){s, md_escape(a, s)};
}
