/* Python model code: finds logical-axis spec literals by tokenizing the text
 * (strings, f-strings and comments are skipped whole), following brackets,
 * defs and simple assignments. Nothing is imported or evaluated. */
#include "shardlint/scan.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "scan_internal.h"

/* ---- names known to the rules: a small open-addressing set ------------- */

typedef struct {
    const char **slot;
    size_t mask;     /* slots - 1; slot == NULL means "every string counts" */
} name_set;

static void names_init(sl_arena *a, name_set *set, const char *const *known, size_t n)
{
    set->slot = NULL;
    set->mask = 0;
    if (!known)
        return;
    size_t cap = 16;
    while (cap < 2 * n + 2)
        cap *= 2;
    set->slot = sl_alloc(a, cap * sizeof *set->slot);
    set->mask = cap - 1;
    for (size_t i = 0; i < n; i++) {
        if (!known[i])
            continue;
        size_t h = sl_hash_bytes(SL_HASH_INIT, known[i], strlen(known[i])) & set->mask;
        while (set->slot[h] && strcmp(set->slot[h], known[i]) != 0)
            h = (h + 1) & set->mask;
        set->slot[h] = known[i];
    }
}

static bool names_has(const name_set *set, const char *s, size_t n)
{
    if (!set->slot)
        return true;
    size_t h = sl_hash_bytes(SL_HASH_INIT, s, n) & set->mask;
    for (const char *k; (k = set->slot[h]) != NULL; h = (h + 1) & set->mask)
        if (strncmp(k, s, n) == 0 && k[n] == '\0')
            return true;
    return false;
}

/* ---- tokens --------------------------------------------------------------- */

typedef enum { T_EOF, T_NAME, T_STRING, T_NUMBER, T_OP, T_NEWLINE } tok_kind;

/* Kept small: the walk copies the last few tokens at every step. */
typedef struct {
    const char *s;      /* token text */
    size_t n;
    int line, col;
    unsigned bn;        /* T_STRING: length of the text between the quotes, */
    unsigned short boff;/* which starts this far into s */
    char kind;          /* tok_kind */
    char op;            /* T_OP: the character; '=' only for a lone '=', 'x' for
                           any other operator of two characters */
    bool plain;         /* T_STRING: no f/b/t prefix, so a constant text */
} tok;

#define TOK_BODY(t) ((t)->s + (t)->boff)

typedef struct {
    const char *p, *end;
    const char *bol;    /* start of the current line */
    int line;
    int depth;          /* bracket depth: newlines inside brackets are not ends */
    bool line_has_tok;
} lexer;

/* Byte classes, looked up once per byte in the hot loops. */
enum { C_NAME = 1, C_DIGIT = 2, C_STOP = 4 /* ends a run of string text */ };
static const unsigned char cls[256] = {
    ['a' ... 'z'] = C_NAME, ['A' ... 'Z'] = C_NAME, ['_'] = C_NAME, [0x80 ... 0xff] = C_NAME,
    ['0' ... '9'] = C_DIGIT, ['\\'] = C_STOP, ['\n'] = C_STOP, ['\''] = C_STOP, ['"'] = C_STOP,
    ['{'] = C_STOP, ['}'] = C_STOP,
};

static bool is_name_start(unsigned char c)
{
    return cls[c] & C_NAME;
}

static bool is_name_char(unsigned char c)
{
    return cls[c] & (C_NAME | C_DIGIT);
}

static void lx_newline(lexer *lx, const char *nl)
{
    lx->line++;
    lx->bol = nl + 1;
}

/* Skips a string starting at the quote lx->p points to; f-string fields are
 * walked so quotes nested in them (Python 3.12) do not end the string. */
static void skip_string(lexer *lx, bool fmt, tok *t)
{
    char q = *lx->p;
    bool triple = lx->end - lx->p >= 3 && lx->p[1] == q && lx->p[2] == q;
    lx->p += triple ? 3 : 1;
    t->boff = (unsigned short)(lx->p - t->s);
    int braces = 0;
    while (lx->p < lx->end) {
        while (lx->p < lx->end && !(cls[(unsigned char)*lx->p] & C_STOP))
            lx->p++;
        if (lx->p >= lx->end)
            break;
        char c = *lx->p;
        if (c == '\\' && lx->p + 1 < lx->end) {
            if (lx->p[1] == '\n')
                lx_newline(lx, lx->p + 1);
            lx->p += 2;
            continue;
        }
        if (c == '\n') {
            if (!triple)
                break; /* unterminated: the line ends it */
            lx_newline(lx, lx->p);
        } else if (braces > 0 && (c == '\'' || c == '"')) {
            tok inner = {.s = lx->p};
            skip_string(lx, false, &inner);
            continue;
        } else if (c == q && braces == 0 &&
                   (!triple || (lx->end - lx->p >= 3 && lx->p[1] == q && lx->p[2] == q))) {
            t->bn = (unsigned)(lx->p - TOK_BODY(t));
            lx->p += triple ? 3 : 1;
            return;
        } else if (fmt && c == '{') {
            if (braces == 0 && lx->p + 1 < lx->end && lx->p[1] == '{')
                lx->p++;
            else
                braces++;
        } else if (fmt && c == '}' && braces > 0) {
            braces--;
        }
        lx->p++;
    }
    t->bn = (unsigned)(lx->p - TOK_BODY(t));
}

static bool string_prefix(const char *s, size_t n, bool *fmt, bool *plain)
{
    if (n > 3)
        return false;
    *fmt = false;
    *plain = true;
    for (size_t i = 0; i < n; i++) {
        switch (s[i] | 0x20) {
        case 'r': case 'u': break;
        case 'f': case 't': *fmt = true; *plain = false; break;
        case 'b': *plain = false; break;
        default: return false;
        }
    }
    return true;
}

static void lex_op(lexer *lx, tok *t)
{
    char c = *lx->p++;
    t->kind = T_OP;
    t->op = c;
    if (lx->p < lx->end && *lx->p == '=' && strchr("=!<>+-*/%&|^@:", c)) {
        lx->p++;
        t->op = 'x';
    } else if (c == '-' && lx->p < lx->end && *lx->p == '>') {
        lx->p++;
        t->op = 'x';
    }
    if (c == '(' || c == '[' || c == '{')
        lx->depth++;
    else if ((c == ')' || c == ']' || c == '}') && lx->depth > 0)
        lx->depth--;
}

static void lex_next(lexer *lx, tok *t)
{
    t->op = 0;
    t->n = 0;
    t->plain = false;
    for (;;) {
        if (lx->p >= lx->end) {
            t->kind = T_EOF;
            t->line = lx->line;
            t->s = lx->p;
            return;
        }
        char c = *lx->p;
        if (c == ' ' || c == '\t' || c == '\f' || c == '\r') {
            do
                lx->p++;
            while (lx->p < lx->end && *lx->p == ' ');
        } else if (c == '\\' && lx->p + 1 < lx->end &&
                   (lx->p[1] == '\n' || lx->p[1] == '\r')) {
            lx->p++;
            if (*lx->p == '\r' && lx->p + 1 < lx->end && lx->p[1] == '\n')
                lx->p++;
            lx_newline(lx, lx->p);
            lx->p++;
        } else if (c == '#') {
            const char *nl = memchr(lx->p, '\n', (size_t)(lx->end - lx->p));
            lx->p = nl ? nl : lx->end;
        } else if (c == '\n') {
            lx_newline(lx, lx->p);
            lx->p++;
            if (lx->depth == 0 && lx->line_has_tok) {
                lx->line_has_tok = false;
                t->kind = T_NEWLINE;
                t->s = lx->p;
                return;
            }
        } else {
            break;
        }
    }
    const char *start = lx->p;
    unsigned char c = (unsigned char)*lx->p;
    t->s = start;
    t->line = lx->line;
    t->col = (int)(start - lx->bol) + 1;
    lx->line_has_tok = true;
    bool fmt = false, plain = true;
    if (is_name_start(c)) {
        while (lx->p < lx->end && is_name_char((unsigned char)*lx->p))
            lx->p++;
        size_t n = (size_t)(lx->p - start);
        if (lx->p < lx->end && (*lx->p == '\'' || *lx->p == '"') &&
            string_prefix(start, n, &fmt, &plain)) {
            t->kind = T_STRING;
            t->plain = plain;
            skip_string(lx, fmt, t);
        } else {
            t->kind = T_NAME;
        }
    } else if (c == '\'' || c == '"') {
        t->kind = T_STRING;
        t->plain = true;
        skip_string(lx, false, t);
    } else if ((unsigned)(c - '0') < 10u ||
               (c == '.' && lx->p + 1 < lx->end && (unsigned)((unsigned char)lx->p[1] - '0') < 10u)) {
        t->kind = T_NUMBER;
        while (lx->p < lx->end && (is_name_char((unsigned char)*lx->p) || *lx->p == '.'))
            lx->p++;
    } else {
        lex_op(lx, t);
    }
    t->n = (size_t)(lx->p - start);
}

/* word is a string literal: its length is known at compile time. */
#define tok_is(t, word) \
    ((t)->kind == T_NAME && (t)->n == sizeof(word) - 1 && memcmp((t)->s, word, (t)->n) == 0)

static bool is_op(const tok *t, char op)
{
    return t->kind == T_OP && t->op == op;
}

/* Python keywords that can stand before a bracket that opens a literal
 * (`return (...)`, `in [...]`), so the bracket is not a call. */
static bool is_keyword(const tok *t)
{
    static const char *const kw[] = {
        "and", "as", "assert", "await", "del", "elif", "else", "for", "from", "if", "import",
        "in", "is", "lambda", "not", "or", "raise", "return", "while", "with", "yield",
        "None", "True", "False", "case", "match", "global", "nonlocal", "except", NULL};
    if (t->kind != T_NAME || t->n > 8)
        return false;
    for (int i = 0; kw[i]; i++)
        if (kw[i][0] == t->s[0] && strlen(kw[i]) == t->n && memcmp(kw[i], t->s, t->n) == 0)
            return true;
    return false;
}

/* ---- the literal: ( "a", None, ... ) ----------------------------------- */

typedef struct {
    const char *s[SL_MAX_DIMS];   /* NULL for None */
    size_t n[SL_MAX_DIMS];
    int line[SL_MAX_DIMS], col[SL_MAX_DIMS];   /* where each element starts */
    size_t ndims;
    bool comma;
} literal;

/* One element: adjacent plain strings (implicitly joined) or None. The token
 * after it is left in *next. */
static bool literal_elem(sl_arena *a, lexer *lx, tok *t, literal *lit, tok *next)
{
    size_t i = lit->ndims;
    if (i == SL_MAX_DIMS)
        return false;
    lit->line[i] = t->line;
    lit->col[i] = t->col;
    if (tok_is(t, "None")) {
        lit->s[i] = NULL;
        lit->n[i] = 0;
        lex_next(lx, next);
    } else if (t->kind == T_STRING && t->plain) {
        lit->s[i] = TOK_BODY(t);
        lit->n[i] = t->bn;
        lex_next(lx, next);
        while (next->kind == T_STRING && next->plain) {
            char *joined = sl_sprintf(a, "%.*s%.*s", (int)lit->n[i], lit->s[i],
                                      (int)next->bn, TOK_BODY(next));
            lit->s[i] = joined;
            lit->n[i] = strlen(joined);
            lex_next(lx, next);
        }
        if (next->kind == T_STRING)
            return false;
    } else {
        return false;
    }
    lit->ndims++;
    return true;
}

/* Reads from just after an opening bracket to its closing one. False (and
 * lx left wherever it stopped) when anything but strings, None and commas
 * is inside. */
static bool parse_literal(sl_arena *a, lexer *lx, char close, literal *lit)
{
    memset(lit, 0, sizeof *lit);
    tok t, next;
    lex_next(lx, &t);
    for (;;) {
        if (is_op(&t, close))
            return true;
        if (!literal_elem(a, lx, &t, lit, &next))
            return false;
        if (is_op(&next, close))
            return true;
        if (!is_op(&next, ','))
            return false;
        lit->comma = true;
        lex_next(lx, &t);
    }
}

static bool literal_known(const name_set *names, const literal *lit)
{
    for (size_t i = 0; i < lit->ndims; i++)
        if (lit->s[i] && names_has(names, lit->s[i], lit->n[i]))
            return true;
    return false;
}

/* ---- the walk ------------------------------------------------------------- */

typedef enum { F_CALL, F_SEQ, F_SIG, F_OTHER } frame_kind;

typedef struct {
    frame_kind kind;
    const char *callee;   /* F_CALL: last name before the '(' */
    size_t calleen;
} frame;

typedef struct {
    int indent;
    bool is_def;
    const char *name;     /* arena */
    int id;
} scope;

/* A variable assigned a site, for finding where it is passed later. */
typedef struct {
    const char *name;
    int fid;
    sl_py_site *site;
} tracked;


typedef struct {
    sl_arena *a;
    const char *display;
    const name_set *names;
    sl_vec *sites;
    lexer lx;
    frame frames[SL_SCAN_MAX_FRAMES];
    int nframes;          /* may exceed SL_SCAN_MAX_FRAMES; deeper frames are not kept */
    scope scopes[SL_SCAN_MAX_SCOPES];
    int nscopes;
    int next_fid;
    sl_vec vars;          /* tracked * */
    tok prev[3];          /* prev[0] is the last token */
    tok chain;            /* first token of the dotted name ending at prev[0] */
    tok before_chain[3];  /* the three tokens before it */
    tok stmt_first;
    const char *annot_target;   /* `x: T = ...` */
    int pending_def;      /* 1 after `def`, 2 after `class`: next name is pushed */
    bool after_def_name;  /* the next '(' is a signature */
} py_scan;

static frame *top(py_scan *ps)
{
    return ps->nframes > 0 && ps->nframes <= SL_SCAN_MAX_FRAMES ? &ps->frames[ps->nframes - 1] : NULL;
}

static const char *current_def(const py_scan *ps, int *fid)
{
    for (int i = ps->nscopes - 1; i >= 0; i--)
        if (ps->scopes[i].is_def) {
            if (fid)
                *fid = ps->scopes[i].id;
            return ps->scopes[i].name;
        }
    if (fid)
        *fid = 0;
    return NULL;
}

static const char *chain_text(py_scan *ps)
{
    const char *end = ps->prev[0].s + ps->prev[0].n;
    return sl_strndup(ps->a, ps->chain.s, (size_t)(end - ps->chain.s));
}

static void push_tok(py_scan *ps, const tok *t)
{
    ps->prev[2] = ps->prev[1];
    ps->prev[1] = ps->prev[0];
    ps->prev[0] = *t;
}

static bool opens_list(const tok *t)
{
    return is_op(t, '(') || is_op(t, '[') || is_op(t, ',');
}

static sl_py_site *add_site(py_scan *ps, const tok *at, const literal *lit)
{
    sl_py_site *s = sl_alloc(ps->a, sizeof *s);
    s->loc = (sl_loc){.file = ps->display, .line = at->line, .col = at->col};
    s->function = current_def(ps, NULL);
    for (size_t i = 0; i < lit->ndims; i++) {
        s->logical[i] = lit->s[i] ? sl_strndup(ps->a, lit->s[i], lit->n[i]) : NULL;
        s->dim_locs[i] = (sl_loc){.file = ps->display, .line = lit->line[i], .col = lit->col[i]};
    }
    s->ndims = lit->ndims;
    sl_vec_push(ps->a, ps->sites, s);
    return s;
}

static void track(py_scan *ps, sl_py_site *s)
{
    tracked *v = sl_alloc(ps->a, sizeof *v);
    v->name = s->variable;
    current_def(ps, &v->fid);
    v->site = s;
    sl_vec_push(ps->a, &ps->vars, v);
}

/* What the tokens before a literal (or a P(...) call) say about it: the
 * variable it is assigned to, or the call and keyword it is passed as. */
static void site_context(py_scan *ps, sl_py_site *s, const tok *p0, const tok *p1,
                         const tok *p2, const tok *chain)
{
    frame *f = top(ps);
    if (is_op(p0, '=') && ps->nframes == 0) {
        if (ps->annot_target)
            s->variable = ps->annot_target;
        else if (p1->kind == T_NAME)
            s->variable = sl_strndup(ps->a, chain->s, (size_t)(p1->s + p1->n - chain->s));
        if (s->variable)
            track(ps, s);
    } else if (is_op(p0, '=') && f && p1->kind == T_NAME && (is_op(p2, '(') || is_op(p2, ','))) {
        if (f->kind == F_CALL) {
            s->keyword = sl_strndup(ps->a, p1->s, p1->n);
            s->carrier = f->callee ? sl_strndup(ps->a, f->callee, f->calleen) : NULL;
        } else if (f->kind == F_SIG) {
            s->variable = sl_strndup(ps->a, p1->s, p1->n);
            track(ps, s);
        }
    } else if ((is_op(p0, '(') || is_op(p0, ',')) && f && f->kind == F_CALL && f->callee) {
        s->carrier = sl_strndup(ps->a, f->callee, f->calleen);
    }
}

/* A literal starting at the bracket t: recorded when it holds a known name.
 * True when it was a literal (the lexer is then past its closing bracket). */
static bool try_literal(py_scan *ps, const tok *t)
{
    lexer save = ps->lx;
    literal lit;
    char close = t->op == '(' ? ')' : ']';
    if (!parse_literal(ps->a, &ps->lx, close, &lit) || lit.ndims == 0 ||
        (close == ')' && !lit.comma)) {
        ps->lx = save;
        return false;
    }
    if (literal_known(ps->names, &lit)) {
        sl_py_site *s = add_site(ps, t, &lit);
        site_context(ps, s, &ps->prev[0], &ps->prev[1], &ps->prev[2], &ps->chain);
    }
    return true;
}

/* P(...)/PartitionSpec(...) whose arguments are strings and None. */
static bool try_partition_spec(py_scan *ps)
{
    lexer save = ps->lx;
    literal lit;
    if (!parse_literal(ps->a, &ps->lx, ')', &lit) || lit.ndims == 0) {
        ps->lx = save;
        return false;
    }
    if (literal_known(ps->names, &lit)) {
        sl_py_site *s = add_site(ps, &ps->chain, &lit);
        s->carrier = "PartitionSpec";
        const tok *b = ps->before_chain;
        if (is_op(&b[0], '=') && ps->nframes == 0 && b[1].kind == T_NAME) {
            /* The chain before '=' is not kept; the single name is the common case. */
            s->variable = sl_strndup(ps->a, b[1].s, b[1].n);
            track(ps, s);
        }
    }
    return true;
}

static bool callee_is(const frame *f, const char *name)
{
    return f->callee && strlen(name) == f->calleen && memcmp(f->callee, name, f->calleen) == 0;
}

static void open_bracket(py_scan *ps, const tok *t)
{
    const tok *p = &ps->prev[0];
    bool follows_value = (p->kind == T_NAME && !is_keyword(p)) || p->kind == T_STRING ||
                         is_op(p, ')') || is_op(p, ']');
    frame f = {F_OTHER, NULL, 0};
    if (t->op == '(' && ps->after_def_name) {
        f.kind = F_SIG;
    } else if (t->op != '{' && follows_value) {
        f.kind = t->op == '(' ? F_CALL : F_OTHER;
        if (p->kind == T_NAME) {
            f.callee = p->s;
            f.calleen = p->n;
        }
        if (f.kind == F_CALL && (callee_is(&f, "P") || callee_is(&f, "PartitionSpec")) &&
            try_partition_spec(ps))
            goto literal_done;
    } else if (t->op != '{') {
        frame *parent = top(ps);
        bool nested = parent && parent->kind == F_SEQ && opens_list(p);
        if (!nested && try_literal(ps, t))
            goto literal_done;
        f.kind = F_SEQ;
    }
    ps->after_def_name = false;
    if (ps->nframes < SL_SCAN_MAX_FRAMES)
        ps->frames[ps->nframes] = f;
    ps->nframes++;
    push_tok(ps, t);
    return;
literal_done:
    ps->after_def_name = false;
    /* What follows sees a closed bracket, as after any value. */
    tok closed = *t;
    closed.op = ')';
    push_tok(ps, &closed);
}

/* A dotted name just ended before t: if it is a call argument naming a
 * tracked spec variable, that call is where the spec goes. */
static void name_use(py_scan *ps, const tok *t)
{
    frame *f = top(ps);
    if (!f || f->kind != F_CALL || ps->prev[0].kind != T_NAME || !(is_op(t, ',') || is_op(t, ')')))
        return;
    const tok *b = ps->before_chain;
    bool positional = is_op(&b[0], '(') || is_op(&b[0], ',');
    bool keyword = is_op(&b[0], '=') && b[1].kind == T_NAME && opens_list(&b[2]);
    if (!positional && !keyword)
        return;
    int fid;
    current_def(ps, &fid);
    size_t n = (size_t)(ps->prev[0].s + ps->prev[0].n - ps->chain.s);
    /* Every assignment not yet passed anywhere gets this use: assignments
     * in if/else branches all reach the one call after them. */
    for (size_t i = ps->vars.n; i-- > 0;) {
        tracked *v = ps->vars.items[i];
        if (v->fid != fid || strlen(v->name) != n || memcmp(v->name, ps->chain.s, n) != 0 ||
            v->site->use.line != 0)
            continue;
        v->site->use = (sl_loc){.file = ps->display, .line = ps->chain.line,
                                .col = ps->chain.col};
        if (f->callee)
            v->site->carrier = sl_strndup(ps->a, f->callee, f->calleen);
        if (keyword && !v->site->keyword)
            v->site->keyword = sl_strndup(ps->a, b[1].s, b[1].n);
    }
}

static void line_start(py_scan *ps, const tok *t)
{
    int indent = t->col - 1;
    while (ps->nscopes > 0 && ps->scopes[ps->nscopes - 1].indent >= indent)
        ps->nscopes--;
    ps->nframes = 0;
    ps->stmt_first = *t;
    ps->annot_target = NULL;
    ps->pending_def = 0;
    ps->after_def_name = false;
    memset(ps->prev, 0, sizeof ps->prev);
}

static void on_name(py_scan *ps, const tok *t)
{
    if (ps->pending_def && ps->nscopes < SL_SCAN_MAX_SCOPES) {
        scope *s = &ps->scopes[ps->nscopes++];
        s->indent = ps->stmt_first.col - 1;
        s->is_def = ps->pending_def == 1;
        s->name = sl_strndup(ps->a, t->s, t->n);
        s->id = ++ps->next_fid;
        ps->pending_def = 0;
        ps->after_def_name = s->is_def;
    } else if (tok_is(t, "def") || tok_is(t, "class")) {
        ps->pending_def = tok_is(t, "def") ? 1 : 2;
    }
    bool continues = is_op(&ps->prev[0], '.') && ps->prev[1].kind == T_NAME;
    if (!continues) {
        ps->chain = *t;
        memcpy(ps->before_chain, ps->prev, sizeof ps->prev);
    }
}

static void on_op(py_scan *ps, const tok *t)
{
    name_use(ps, t);
    if (is_op(t, ':') && ps->nframes == 0 && ps->prev[0].kind == T_NAME &&
        ps->chain.s == ps->stmt_first.s && !ps->annot_target)
        ps->annot_target = chain_text(ps);
    if (t->op == '(' || t->op == '[' || t->op == '{') {
        open_bracket(ps, t);
        return;
    }
    if (t->op == ')' || t->op == ']' || t->op == '}') {
        if (ps->nframes > 0)
            ps->nframes--;
    }
    push_tok(ps, t);
}

static int py_run(sl_arena *a, const char *buf, size_t len, const char *display,
                  const name_set *names, sl_vec *sites)
{
    py_scan *ps = calloc(1, sizeof *ps);
    if (!ps)
        return -1;
    ps->a = a;
    ps->display = display;
    ps->names = names;
    ps->sites = sites;
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) {
        buf += 3;
        len -= 3;
    }
    ps->lx = (lexer){.p = buf, .end = buf + len, .bol = buf, .line = 1};
    bool at_start = true;
    tok t;
    for (lex_next(&ps->lx, &t); t.kind != T_EOF; lex_next(&ps->lx, &t)) {
        if (t.kind == T_NEWLINE) {
            at_start = true;
            continue;
        }
        if (at_start)
            line_start(ps, &t);
        at_start = false;
        if (t.kind == T_OP) {
            on_op(ps, &t);
            continue;
        }
        if (t.kind == T_NAME)
            on_name(ps, &t);
        else
            ps->pending_def = 0;
        push_tok(ps, &t);
    }
    free(ps);
    return 0;
}

static int scan_buf(sl_arena *a, const char *buf, size_t len, const char *display,
                    const name_set *names, sl_vec *sites, sl_err *err)
{
    if (py_run(a, buf, len, display, names, sites) < 0) {
        sl_err_set(err, (sl_loc){.file = display}, "%s: out of memory", display);
        return -1;
    }
    return 0;
}

int sl_scan_py_buf(sl_arena *a, const char *buf, size_t len, const char *display_path,
                   const char *const *known, size_t nknown, sl_vec *sites, sl_err *err)
{
    name_set names;
    names_init(a, &names, known, nknown);
    return scan_buf(a, buf, len, display_path, &names, sites, err);
}

static int scan_file_set(sl_arena *a, const char *path, const char *display,
                         const name_set *names, sl_vec *sites, sl_err *err)
{
    char *buf;
    size_t len;
    int rc = sl_file_read(path, SL_SCAN_MAX_FILE, (sl_loc){0}, &buf, &len, err);
    if (rc != 0)
        return rc < 0 ? -1 : 0; /* a file this large is not model code */
    rc = scan_buf(a, buf, len, display, names, sites, err);
    free(buf);
    return rc;
}

int sl_scan_py_file(sl_arena *a, const char *path, const char *display_path,
                    const char *const *known, size_t nknown, sl_vec *sites, sl_err *err)
{
    name_set names;
    names_init(a, &names, known, nknown);
    return scan_file_set(a, path, display_path ? display_path : path, &names, sites, err);
}

/* ---- sites and the catalog ---------------------------------------------- */

const char *sl_scan_find_source(sl_arena *a, const char *config_path)
{
    char *real = realpath(config_path, NULL);
    if (!real)
        return NULL;
    const char *found = NULL;
    char *slash;
    while (!found && (slash = strrchr(real, '/')) != NULL && slash != real) {
        *slash = '\0';
        char *layers = sl_sprintf(a, "%s/layers", real);
        if (sl_is_dir(layers))
            found = sl_strdup(a, real);
    }
    free(real);
    return found;
}

const char *sl_py_site_str(sl_arena *a, const sl_py_site *s)
{
    const char *file = s->loc.file ? s->loc.file : "<source>";
    if (s->function && s->variable)
        return sl_sprintf(a, "%s:%d %s: %s", file, s->loc.line, s->function, s->variable);
    if (s->function || s->variable)
        return sl_sprintf(a, "%s:%d %s", file, s->loc.line,
                          s->function ? s->function : s->variable);
    return sl_sprintf(a, "%s:%d", file, s->loc.line);
}
