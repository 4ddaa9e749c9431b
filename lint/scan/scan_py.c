/* Python model code: finds logical-axis spec literals by tokenizing the text
 * (strings, f-strings and comments are skipped whole), following brackets,
 * defs and simple assignments. Nothing is imported or evaluated. */
#include "shardlint/scan.h"

#include <ctype.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "py_cond.h"
#include "py_lex.h"
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

/* ---- the literal: ( "a", None, ... ) ----------------------------------- */

typedef struct {
    const char *s[SL_MAX_DIMS];   /* NULL for None */
    size_t n[SL_MAX_DIMS];
    int line[SL_MAX_DIMS], col[SL_MAX_DIMS];   /* where each element starts */
    size_t ndims;
    bool comma;
} literal;

/* Adjacent plain strings after the first (Python joins them): their bodies
 * appended to the element's text, each copied once. False when a string
 * that is not plain follows. */
static bool join_strings(sl_arena *a, lexer *lx, literal *lit, size_t i, tok *next)
{
    if (next->kind != T_STRING || !next->plain)
        return next->kind != T_STRING;
    size_t n = lit->n[i], cap = 2 * n + 64;
    char *joined = malloc(cap);
    if (!joined)
        return false;
    memcpy(joined, lit->s[i], n);
    for (; next->kind == T_STRING && next->plain; lex_next(lx, next)) {
        if (n + next->bn + 1 > cap) {
            cap = (n + next->bn + 1) * 2;
            char *grown = realloc(joined, cap);
            if (!grown) {
                free(joined);
                return false;
            }
            joined = grown;
        }
        memcpy(joined + n, TOK_BODY(next), next->bn);
        n += next->bn;
    }
    lit->s[i] = sl_strndup(a, joined, n);
    lit->n[i] = n;
    free(joined);
    return next->kind != T_STRING;
}

/* One element: adjacent plain strings (implicitly joined) or None. The token
 * after it is left in *next. Text that is not UTF-8, or holds a NUL, cannot
 * be in a Python source file: such a literal is no site. */
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
        if (!join_strings(a, lx, lit, i, next) || memchr(lit->s[i], '\0', lit->n[i]) ||
            !sl_utf8_valid(lit->s[i], lit->n[i]))
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

/* The expression being walked at one bracket depth: where it started (an
 * index into the walk's items), and, in the `else` part of a conditional
 * expression, that condition negated. */
typedef struct {
    size_t start;
    py_guard_ref tail;    /* cond NULL: none */
    bool saw_for;         /* a comprehension: an `if` in it filters, it does not guard */
} expr_state;

typedef struct {
    frame_kind kind;
    const char *callee;   /* F_CALL: last name before the '(' */
    size_t calleen;
    const char *open;     /* the bracket */
    expr_state ex;
} frame;

typedef struct {
    int indent;
    bool is_def;
    const char *name;     /* arena */
    int id;
} scope;

/* The guards of one site while its file is walked: those around it, and
 * for a variable, those around each use. */
/* One variable of one def (or of the module) that sites are assigned to:
 * its uses as call arguments, kept once for all its assignments so that a
 * name assigned and used thousands of times costs as much as it is long. */
typedef struct {
    sl_vec uses;          /* py_glist *: each use's guards, in file order */
    sl_vec pending;       /* sl_py_site *: assigned and not yet passed to a call */
    py_glist **later;     /* once the file is walked: [k] what uses k.. all share */
} var_uses;

/* The guards of one site while its file is walked: those around it, and
 * for a variable, those around each use after the assignment (var->uses
 * from `from` on). */
typedef struct {
    sl_py_site *site;
    py_glist *own;
    var_uses *var;        /* NULL: not assigned to a variable */
    size_t from;
} site_state;

/* The body of an `if`/`elif`/`else`: the guards in force in it, and the
 * conditions of its chain so far, which a following `elif`/`else` negates. */
typedef struct {
    int indent;
    py_guard_ref *refs;   /* the branches before it, negated (in the arena) */
    size_t nrefs;
    py_cond **chain;      /* their conditions */
    size_t nchain;
    /* An if/elif's own condition, made only when something in the block or
     * a following branch needs it: most blocks hold no spec. */
    bool has_own;
    py_cond *own;
    py_pos own_at;
    int own_fid;
    const char *own_klass;
} gblock;

typedef enum { S_PLAIN, S_IF, S_ELIF, S_ELSE } stmt_kind;

/* The statement being walked: a block header waiting for its ':', or the
 * names a plain `a, b = ...` assigns. */
typedef struct {
    stmt_kind kind;
    py_pos cond_at;       /* S_IF, S_ELIF: where the condition starts */
    int cond_fid;
    const char *cond_klass;
    tok targets[4];
    int ntargets;
    int shape;            /* targets: 0 a name next, 1 ',' or '=' next, -1 not an assignment */
    const tok *assigned;  /* the one name a plain assignment assigns, once its '=' is seen */
    int const_state;      /* `NAME = "text"`: 1 after the '=', 2 after the text */
    tok const_value;
} stmt_state;


typedef struct {
    sl_arena *a;
    const char *display;
    const name_set *names;
    sl_vec *sites;
    sl_vec *consts;       /* sl_py_const *, or NULL */
    lexer lx;
    int nframes;          /* may exceed SL_SCAN_MAX_FRAMES; deeper frames are not kept */
    int nscopes;
    int next_fid;
    sl_strmap var_at;     /* "def-id:name" -> index into vars */
    sl_vec vars;          /* var_uses * */
    tok prev[3];          /* prev[0] is the last token */
    tok chain;            /* first token of the dotted name ending at prev[0] */
    tok before_chain[3];  /* the three tokens before it */
    tok stmt_first;
    const char *annot_target;   /* `x: T = ...` */
    int pending_def;      /* 1 after `def`, 2 after `class`: next name is pushed */
    bool after_def_name;  /* the next '(' is a signature */
    py_facts facts;
    sl_vec states;        /* site_state * */
    sl_vec items;         /* py_glist *: sites and uses a later guard may cover */
    int nblocks;
    gblock ended;         /* the block that ended at this line's indent; nchain 0: none */
    stmt_state stmt;
    expr_state ex0;       /* the expression at depth 0 */
    py_cond *tern;        /* a conditional expression waiting for its `else` */
    int tern_depth;
    size_t tern_at;       /* items before its `if` */
    /* Stacks last: each entry is written when pushed, so they are not
     * cleared for every file. */
    frame frames[SL_SCAN_MAX_FRAMES];
    scope scopes[SL_SCAN_MAX_SCOPES];
    gblock blocks[SL_SCAN_MAX_SCOPES];
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

/* ---- guards ------------------------------------------------------------- */

static expr_state *expr_at(py_scan *ps, int depth)
{
    if (depth == 0)
        return &ps->ex0;
    return depth <= SL_SCAN_MAX_FRAMES ? &ps->frames[depth - 1].ex : NULL;
}

/* A new expression starts at this depth (after ',', '=', ':'). */
static void expr_restart(py_scan *ps)
{
    expr_state *e = expr_at(ps, ps->nframes);
    if (e)
        *e = (expr_state){.start = ps->items.n};
    if (ps->tern && ps->tern_depth == ps->nframes)
        ps->tern = NULL;
}

/* Where the lexer is: the text after the last token. */
static py_pos here(const py_scan *ps)
{
    return (py_pos){ps->lx.p, ps->lx.line, ps->lx.bol, ps->lx.depth};
}

static const char *current_class(const py_scan *ps)
{
    for (int i = ps->nscopes - 1; i >= 0; i--)
        if (!ps->scopes[i].is_def)
            return ps->scopes[i].name;
    return NULL;
}

static py_cond *new_cond(py_scan *ps, py_cond_end end)
{
    py_cond *c = sl_alloc(ps->a, sizeof *c);
    c->at = here(ps);
    c->end = end;
    current_def(ps, &c->fid);
    c->klass = current_class(ps);
    return c;
}

static void glist_add(sl_arena *a, py_glist *g, py_guard_ref r)
{
    g->refs = sl_array_append(a, g->refs, g->n, sizeof *g->refs);
    g->refs[g->n++] = r;
}

/* The guards in force here, as a new item: the blocks around it and the
 * `else` parts it is in. */
static py_cond *own_cond(sl_arena *a, gblock *b)
{
    if (b->has_own && !b->own) {
        b->own = sl_alloc(a, sizeof *b->own);
        *b->own = (py_cond){.at = b->own_at, .end = PY_COND_HEADER, .fid = b->own_fid,
                            .klass = b->own_klass};
    }
    return b->own;
}

static py_glist *new_item(py_scan *ps)
{
    size_t n = 0;
    for (int i = 0; i < ps->nblocks; i++)
        n += ps->blocks[i].nrefs + ps->blocks[i].has_own;
    for (int d = 0; d <= ps->nframes; d++) {
        const expr_state *e = expr_at(ps, d);
        n += e && e->tail.cond;
    }
    py_glist *g = sl_alloc(ps->a, sizeof *g);
    g->refs = n ? sl_alloc(ps->a, n * sizeof *g->refs) : NULL;
    for (int i = 0; i < ps->nblocks; i++) {
        for (size_t k = 0; k < ps->blocks[i].nrefs; k++)
            g->refs[g->n++] = ps->blocks[i].refs[k];
        if (ps->blocks[i].has_own)
            g->refs[g->n++] = (py_guard_ref){own_cond(ps->a, &ps->blocks[i]), false};
    }
    for (int d = 0; d <= ps->nframes; d++) {
        const expr_state *e = expr_at(ps, d);
        if (e && e->tail.cond)
            g->refs[g->n++] = e->tail;
    }
    sl_vec_push(ps->a, &ps->items, g);
    return g;
}

/* An if/elif/else header reached its ':': its body is guarded by its
 * condition and by the negation of the branches before it. */
static void open_block(py_scan *ps)
{
    if (ps->nblocks == SL_SCAN_MAX_SCOPES)
        return;
    gblock *prev = ps->stmt.kind != S_IF ? &ps->ended : NULL;
    size_t before = prev ? prev->nchain + prev->has_own : 0;
    gblock *b = &ps->blocks[ps->nblocks++];
    *b = (gblock){.indent = ps->stmt_first.col - 1, .has_own = ps->stmt.kind != S_ELSE,
                  .own_at = ps->stmt.cond_at, .own_fid = ps->stmt.cond_fid,
                  .own_klass = ps->stmt.cond_klass};
    if (before) {
        b->refs = sl_alloc(ps->a, before * sizeof *b->refs);
        b->chain = sl_alloc(ps->a, before * sizeof *b->chain);
    }
    for (size_t i = 0; prev && i < prev->nchain; i++) {
        b->refs[b->nrefs++] = (py_guard_ref){prev->chain[i], true};
        b->chain[b->nchain++] = prev->chain[i];
    }
    if (prev && prev->has_own && b->nchain < SL_SCAN_MAX_BRANCHES) {
        py_cond *c = own_cond(ps->a, prev);
        b->refs[b->nrefs++] = (py_guard_ref){c, true};
        b->chain[b->nchain++] = c;
    }
    ps->stmt.kind = S_PLAIN;
}

/* `if`, `else` and `for` inside an expression: a conditional expression
 * `a if c else b` guards a with c and b with not c. */
static void expr_keyword(py_scan *ps, const tok *t)
{
    expr_state *e = expr_at(ps, ps->nframes);
    if (!e || t->s == ps->stmt_first.s)
        return;
    if (tok_is(t, "for")) {
        e->saw_for = true;
    } else if (tok_is(t, "if") && !e->saw_for && !ps->tern) {
        ps->tern = new_cond(ps, PY_COND_INLINE);
        ps->tern_depth = ps->nframes;
        ps->tern_at = ps->items.n;
    } else if (tok_is(t, "else") && ps->tern && ps->tern_depth == ps->nframes) {
        for (size_t i = e->start; i < ps->tern_at; i++)
            glist_add(ps->a, ps->items.items[i], (py_guard_ref){ps->tern, false});
        e->tail = (py_guard_ref){ps->tern, true};
        ps->tern = NULL;
    }
}

/* A plain assignment's names, for following them from a condition later;
 * at module or class level, also a candidate string constant. */
/* A plain assignment's '=': the name a spec passed in it is assigned to;
 * at module or class level, maybe a string constant. */
static void on_assign(py_scan *ps)
{
    stmt_state *st = &ps->stmt;
    if (st->ntargets != 1)
        return;
    st->assigned = &st->targets[0];
    const scope *in = ps->nscopes ? &ps->scopes[ps->nscopes - 1] : NULL;
    st->const_state = in && in->is_def ? 0 : 1;
}

/* `NAME = "text"` as a whole statement: a constant, kept when asked for. */
static void const_token(py_scan *ps, const tok *t)
{
    stmt_state *st = &ps->stmt;
    if (st->const_state == 1 && t->kind == T_STRING && t->plain) {
        st->const_state = 2;
        st->const_value = *t;
    } else if (st->const_state) {
        st->const_state = 0;
    }
}

static void end_statement(py_scan *ps)
{
    stmt_state *st = &ps->stmt;
    if (st->const_state != 2 || !ps->consts)
        return;
    const scope *in = ps->nscopes ? &ps->scopes[ps->nscopes - 1] : NULL;
    const tok *name = &st->targets[0], *v = &st->const_value;
    sl_py_const *c = sl_alloc(ps->a, sizeof *c);
    c->name = in ? sl_sprintf(ps->a, "%s.%.*s", in->name, (int)name->n, name->s)
                 : sl_strndup(ps->a, name->s, name->n);
    c->value = sl_strndup(ps->a, TOK_BODY(v), v->bn);
    sl_vec_push(ps->a, ps->consts, c);
    st->const_state = 0;
}

static void stmt_token(py_scan *ps, const tok *t)
{
    stmt_state *st = &ps->stmt;
    if (st->const_state)
        const_token(ps, t);
    if (ps->nframes != 0 || st->shape < 0)
        return;
    if (st->shape == 0 && t->kind == T_NAME && st->ntargets < 4) {
        st->targets[st->ntargets++] = *t;
        st->shape = 1;
    } else if (st->shape == 1 && is_op(t, ',')) {
        st->shape = 0;
    } else if (st->shape == 1 && is_op(t, '=')) {
        /* Checked only here: most statements are not assignments. */
        bool names = true;
        for (int i = 0; i < st->ntargets; i++)
            names = names && !is_keyword(&st->targets[i]);
        if (names)
            on_assign(ps);
        st->shape = -1;
    } else {
        st->shape = -1;
    }
}

/* The first word of a statement: block headers and returns. */
static void stmt_start(py_scan *ps, const tok *t)
{
    ps->stmt = (stmt_state){.kind = S_PLAIN};
    if (tok_is(t, "if") || tok_is(t, "elif")) {
        ps->stmt.kind = tok_is(t, "if") ? S_IF : S_ELIF;
        ps->stmt.cond_at = here(ps);
        current_def(ps, &ps->stmt.cond_fid);
        ps->stmt.cond_klass = current_class(ps);
        ps->stmt.shape = -1;
    } else if (tok_is(t, "else")) {
        ps->stmt.kind = S_ELSE;
        ps->stmt.shape = -1;
    }
}

/* The call's first argument starts with a call to arange or iota: the spec
 * passed with it shards an index array, not an activation. */
static bool first_arg_is_index(const frame *f, const char *upto)
{
    const char *p = f->open + 1;
    while (p < upto && *p && strchr(" \t\r\n", *p))
        p++;
    const char *word = p;
    while (p < upto && (isalnum((unsigned char)*p) || *p == '_' || *p == '.')) {
        if (*p == '.')
            word = p + 1;
        p++;
    }
    size_t n = (size_t)(p - word);
    return p < upto && *p == '(' &&
           ((n == 6 && memcmp(word, "arange", 6) == 0) || (n == 4 && memcmp(word, "iota", 4) == 0));
}

static sl_py_site *add_site(py_scan *ps, const tok *at, const literal *lit)
{
    sl_py_site *s = sl_alloc(ps->a, sizeof *s);
    s->loc = (sl_loc){.file = ps->display, .line = at->line, .col = at->col};
    s->function = current_def(ps, NULL);
    s->klass = current_class(ps);
    for (size_t i = 0; i < lit->ndims; i++) {
        s->logical[i] = lit->s[i] ? sl_strndup(ps->a, lit->s[i], lit->n[i]) : NULL;
        s->dim_locs[i] = (sl_loc){.file = ps->display, .line = lit->line[i], .col = lit->col[i]};
    }
    s->ndims = lit->ndims;
    sl_vec_push(ps->a, ps->sites, s);
    site_state *st = sl_alloc(ps->a, sizeof *st);
    st->site = s;
    st->own = new_item(ps);
    sl_vec_push(ps->a, &ps->states, st);
    return s;
}

/* The variable `name` (n bytes) of the current def, NULL when no site was
 * assigned to it; `make` creates it. */
static var_uses *var_of(py_scan *ps, const char *name, size_t n, bool make)
{
    int fid;
    current_def(ps, &fid);
    char buf[128];
    int len = snprintf(buf, sizeof buf, "%d:%.*s", fid, (int)n, name);
    const char *key = (size_t)len < sizeof buf ? buf : sl_sprintf(ps->a, "%d:%.*s", fid,
                                                                   (int)n, name);
    size_t at;
    if (sl_strmap_get(&ps->var_at, key, &at))
        return ps->vars.items[at];
    if (!make)
        return NULL;
    var_uses *v = sl_alloc(ps->a, sizeof *v);
    sl_strmap_put(ps->a, &ps->var_at, sl_strdup(ps->a, key), ps->vars.n);
    sl_vec_push(ps->a, &ps->vars, v);
    return v;
}

static void track(py_scan *ps, sl_py_site *s)
{
    var_uses *v = var_of(ps, s->variable, strlen(s->variable), true);
    site_state *st = ps->states.items[ps->states.n - 1];
    st->var = v;
    st->from = v->uses.n;
    sl_vec_push(ps->a, &v->pending, s);
}

static const char *assigned_name(py_scan *ps)
{
    const tok *t = ps->stmt.assigned;
    return t ? sl_strndup(ps->a, t->s, t->n) : NULL;
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
            s->result = assigned_name(ps);
        } else if (f->kind == F_SIG) {
            s->variable = sl_strndup(ps->a, p1->s, p1->n);
            track(ps, s);
        }
    } else if ((is_op(p0, '(') || is_op(p0, ',')) && f && f->kind == F_CALL && f->callee) {
        s->carrier = sl_strndup(ps->a, f->callee, f->calleen);
        s->result = assigned_name(ps);
        s->index_array = is_op(p0, ',') && first_arg_is_index(f, p0->s);
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
    frame f = {F_OTHER, NULL, 0, t->s, {.start = ps->items.n}};
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
    size_t n = (size_t)(ps->prev[0].s + ps->prev[0].n - ps->chain.s);
    var_uses *v = var_of(ps, ps->chain.s, n, false);
    if (!v)
        return;
    /* Every assignment so far counts this use's guards (a later unguarded
     * use lifts a guard); each not yet passed anywhere gets this use as its
     * own: assignments in if/else branches all reach the one call after
     * them. */
    sl_vec_push(ps->a, &v->uses, new_item(ps));
    for (size_t i = v->pending.n; i-- > 0;) {
        sl_py_site *site = v->pending.items[i];
        site->index_array = positional && first_arg_is_index(f, ps->chain.s);
        site->use = (sl_loc){.file = ps->display, .line = ps->chain.line, .col = ps->chain.col};
        if (f->callee)
            site->carrier = sl_strndup(ps->a, f->callee, f->calleen);
        if (keyword && !site->keyword)
            site->keyword = sl_strndup(ps->a, b[1].s, b[1].n);
    }
    v->pending.n = 0;
}

static void line_start(py_scan *ps, const tok *t)
{
    int indent = t->col - 1;
    while (ps->nscopes > 0 && ps->scopes[ps->nscopes - 1].indent >= indent)
        ps->nscopes--;
    ps->ended.nchain = 0;
    ps->ended.has_own = false;
    while (ps->nblocks > 0 && ps->blocks[ps->nblocks - 1].indent >= indent) {
        const gblock *b = &ps->blocks[--ps->nblocks];
        if (b->indent == indent)
            ps->ended = *b;
    }
    ps->nframes = 0;
    ps->ex0 = (expr_state){.start = ps->items.n};
    ps->tern = NULL;
    ps->stmt_first = *t;
    ps->annot_target = NULL;
    ps->pending_def = 0;
    ps->after_def_name = false;
    memset(ps->prev, 0, sizeof ps->prev);
    stmt_start(ps, t);
}

/* A def, for reading its body again if a condition asks about it. */
static void record_def(py_scan *ps, const scope *s, const char *klass)
{
    py_def *d = sl_alloc(ps->a, sizeof *d);
    *d = (py_def){.name = s->name, .namelen = strlen(s->name), .klass = klass, .fid = s->id,
                  .indent = s->indent, .at = here(ps)};
    sl_vec_push(ps->a, &ps->facts.defs, d);
}

static void on_name(py_scan *ps, const tok *t)
{
    if (ps->pending_def && ps->nscopes < SL_SCAN_MAX_SCOPES) {
        const char *klass = current_class(ps);
        scope *s = &ps->scopes[ps->nscopes++];
        s->indent = ps->stmt_first.col - 1;
        s->is_def = ps->pending_def == 1;
        s->name = sl_strndup(ps->a, t->s, t->n);
        s->id = ++ps->next_fid;
        if (s->is_def)
            record_def(ps, s, klass);
        ps->pending_def = 0;
        ps->after_def_name = s->is_def;
    } else if (tok_is(t, "def") || tok_is(t, "class")) {
        ps->pending_def = tok_is(t, "def") ? 1 : 2;
    }
    if (tok_is(t, "if") || tok_is(t, "else") || tok_is(t, "for"))
        expr_keyword(ps, t);
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
        if (ps->tern && ps->tern_depth == ps->nframes)
            ps->tern = NULL;
        if (ps->nframes > 0)
            ps->nframes--;
    } else if (t->op == ':' && ps->nframes == 0 && ps->stmt.kind != S_PLAIN) {
        open_block(ps);
    } else if (t->op == ',' || t->op == '=' || t->op == ':') {
        expr_restart(ps);
    }
    push_tok(ps, t);
}

/* later[k]: the guards uses k.. all share, built from the last use back. */
static void var_later(py_scan *ps, var_uses *v)
{
    size_t n = v->uses.n;
    v->later = sl_alloc(ps->a, (n + 1) * sizeof *v->later);
    for (size_t k = n; k-- > 0;)
        v->later[k] = k + 1 == n ? v->uses.items[k]
                                 : py_glist_common(ps->a, v->uses.items[k], v->later[k + 1]);
}

/* Once the file is walked: each site's guards, and its constants. */
static void py_finish(py_scan *ps)
{
    end_statement(ps);
    for (size_t i = 0; i < ps->vars.n; i++)
        var_later(ps, ps->vars.items[i]);
    for (size_t i = 0; i < ps->states.n; i++) {
        site_state *st = ps->states.items[i];
        const var_uses *v = st->var;
        size_t k = st->from;
        py_site_guards(&ps->facts, st->site, st->own, v && k < v->uses.n ? v->uses.items[k] : NULL,
                       v && k + 1 < v->uses.n ? v->later[k + 1] : NULL);
    }
}

static int py_run(sl_arena *a, const char *buf, size_t len, const char *display,
                  const name_set *names, sl_vec *sites, sl_vec *consts)
{
    py_scan *ps = malloc(sizeof *ps);
    if (!ps)
        return -1;
    memset(ps, 0, offsetof(py_scan, frames));
    ps->a = a;
    ps->display = display;
    ps->names = names;
    ps->sites = sites;
    ps->consts = consts;
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) {
        buf += 3;
        len -= 3;
    }
    ps->lx = (lexer){.p = buf, .end = buf + len, .bol = buf, .line = 1};
    ps->facts = (py_facts){.a = a, .display = display, .end = buf + len};
    bool at_start = true;
    tok t;
    for (lex_next(&ps->lx, &t); t.kind != T_EOF; lex_next(&ps->lx, &t)) {
        if (t.kind == T_NEWLINE) {
            end_statement(ps);
            at_start = true;
            continue;
        }
        if (at_start)
            line_start(ps, &t);
        at_start = false;
        stmt_token(ps, &t);
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
    py_finish(ps);
    free(ps);
    return 0;
}

static int scan_buf(sl_arena *a, const char *buf, size_t len, const char *display,
                    const name_set *names, sl_vec *sites, sl_vec *consts, sl_err *err)
{
    if (py_run(a, buf, len, display, names, sites, consts) < 0) {
        sl_err_set(err, (sl_loc){.file = display}, "%s: out of memory", display);
        return -1;
    }
    return 0;
}

int sl_scan_py_buf(sl_arena *a, const char *buf, size_t len, const char *display_path,
                   const char *const *known, size_t nknown, sl_vec *sites, sl_vec *consts,
                   sl_err *err)
{
    name_set names;
    names_init(a, &names, known, nknown);
    return scan_buf(a, buf, len, display_path, &names, sites, consts, err);
}

static int scan_file_set(sl_arena *a, const char *path, const char *display,
                         const name_set *names, sl_vec *sites, sl_vec *consts, sl_err *err)
{
    char *buf;
    size_t len;
    int rc = sl_file_read(path, SL_SCAN_MAX_FILE, (sl_loc){0}, &buf, &len, err);
    if (rc != 0)
        return rc < 0 ? -1 : 0; /* a file this large is not model code */
    rc = scan_buf(a, buf, len, display, names, sites, consts, err);
    free(buf);
    return rc;
}

int sl_scan_py_file(sl_arena *a, const char *path, const char *display_path,
                    const char *const *known, size_t nknown, sl_vec *sites, sl_vec *consts,
                    sl_err *err)
{
    name_set names;
    names_init(a, &names, known, nknown);
    return scan_file_set(a, path, display_path ? display_path : path, &names, sites, consts,
                         err);
}

/* ---- sites and the catalog ---------------------------------------------- */

/* dir itself, or the package next to it that holds the model code: early
 * 2026 trees kept configs in src/maxtext and the layers in src/MaxText. */
static const char *code_package(sl_arena *a, const char *dir)
{
    static const char *const packages[] = {"", "/maxtext", "/MaxText"};
    for (size_t i = 0; i < sizeof packages / sizeof *packages; i++) {
        const char *pkg = sl_sprintf(a, "%s%s", dir, packages[i]);
        if (sl_is_dir(sl_sprintf(a, "%s/layers", pkg)))
            return pkg;
    }
    return NULL;
}

const char *sl_scan_find_source(sl_arena *a, const char *config_path)
{
    char *real = realpath(config_path, NULL);
    if (!real)
        return NULL;
    const char *found = NULL;
    char *slash;
    while (!found && (slash = strrchr(real, '/')) != NULL && slash != real) {
        *slash = '\0';
        found = code_package(a, real);
    }
    free(real);
    return found;
}

/* Spelled out by hand: every scanned site gets a name, and a formatted
 * print per site was a good part of reading a folder's scan. */
const char *sl_py_site_str(sl_arena *a, const sl_py_site *s)
{
    const char *file = s->loc.file ? s->loc.file : "<source>";
    const char *parts[] = {s->function, s->variable};
    char line[24];
    int nline = snprintf(line, sizeof line, ":%d", s->loc.line);
    size_t n = strlen(file) + (size_t)nline + 1;
    for (size_t i = 0; i < 2; i++)
        n += parts[i] ? strlen(parts[i]) + 2 : 0;
    char *out = sl_alloc(a, n), *p = out;
    p = stpcpy(stpcpy(p, file), line);
    const char *sep = " ";
    for (size_t i = 0; i < 2; i++) {
        if (!parts[i])
            continue;
        p = stpcpy(stpcpy(p, sep), parts[i]);
        sep = ": ";
    }
    return out;
}
