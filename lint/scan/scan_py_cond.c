/* Conditions around scanned sites, read as guards a config can answer.
 *
 * A condition is split at its top-level `and`s; each conjunct that compares
 * one config key or mesh size with a constant (or tests one for truth) is a
 * guard, the others are left out (the site then runs more often than the
 * code says, never less). A local name is followed through the assignments
 * of its def and, for `x = self.f(...)`, through the returns of f in the same
 * file: `cp, sub_seq = self.get_context_partition_and_sub_seq(n)` gives cp the
 * size of mesh axis context_autoregressive, or 1. */
#include <string.h>

#include "py_cond.h"
#include "shardlint/limits.h"

/* How many calls and assignments a name is followed through. */
#define RESOLVE_DEPTH 4

typedef enum {
    V_UNKNOWN,
    V_NUMBER,
    V_STRING,
    V_BOOL,
    V_CONFIG,   /* config.KEY, cfg.KEY, self.config.KEY */
    V_MESH,     /* mesh.shape["AXIS"], mesh.shape.get("AXIS", ...) */
    V_NAME,     /* NAME or self.NAME */
    V_CALL,     /* f(...) or self.f(...) */
    V_REF       /* A.B: a constant such as ShardMode.EXPLICIT */
} vkind;

typedef struct {
    vkind kind;
    const char *text;   /* the number, string, key, axis, name, callee or constant */
    bool attr;          /* V_NAME: self.NAME, never a local */
    int pos;            /* V_CALL: the element of its result taken, -1 for all */
    const char *alt;    /* V_MESH: a number it may be instead of the size */
} pvalue;

typedef struct {
    tok t[SL_SCAN_MAX_COND_TOKENS];
    size_t n;
} toks;

/* ---- reading tokens from a position ------------------------------------- */

typedef enum { UNTIL_LINE_END, UNTIL_COLON, UNTIL_ELSE } until;

static until cond_until(py_cond_end end)
{
    return end == PY_COND_HEADER ? UNTIL_COLON : end == PY_COND_INLINE ? UNTIL_ELSE
                                                                       : UNTIL_LINE_END;
}

/* Tokens from `at` up to the end of the logical line, a ':' or an `else` at
 * bracket depth 0 (not included). False when there are too many, or the
 * expression ends first (a closing bracket, a ',' before the `else`). */
static bool read_toks(const py_facts *f, py_pos at, until stop, toks *out)
{
    lexer lx = {.p = at.p, .end = f->end, .bol = at.bol, .line = at.line, .depth = at.depth,
                .line_has_tok = true};
    int depth = 0;
    out->n = 0;
    for (;;) {
        tok t;
        lex_next(&lx, &t);
        if (t.kind == T_EOF || t.kind == T_NEWLINE)
            return stop == UNTIL_LINE_END;
        if (depth == 0 && stop == UNTIL_COLON && is_op(&t, ':'))
            return true;
        if (depth == 0 && stop == UNTIL_ELSE && tok_is(&t, "else"))
            return true;
        if (t.kind == T_OP && strchr("([{", t.op))
            depth++;
        else if (t.kind == T_OP && strchr(")]}", t.op) && depth-- == 0)
            return false;
        else if (depth == 0 && stop == UNTIL_ELSE && is_op(&t, ','))
            return false;
        if (out->n == SL_SCAN_MAX_COND_TOKENS)
            return false;
        out->t[out->n++] = t;
    }
}

static bool tok_text_is(const tok *t, const char *s)
{
    return t->n == strlen(s) && memcmp(t->s, s, t->n) == 0;
}

static bool is_open(const tok *t)
{
    return t->kind == T_OP && strchr("([{", t->op);
}

static bool is_close(const tok *t)
{
    return t->kind == T_OP && strchr(")]}", t->op);
}

/* The index of the bracket closing the one at i, or n. */
static size_t closing(const tok *t, size_t i, size_t n)
{
    int depth = 0;
    for (size_t k = i; k < n; k++) {
        depth += is_open(&t[k]) - is_close(&t[k]);
        if (depth == 0)
            return k;
    }
    return n;
}

/* ---- values ------------------------------------------------------------- */

static const char *dup_tok(sl_arena *a, const tok *t)
{
    return sl_strndup(a, t->s, t->n);
}

/* A dotted name from t[0]: its parts (at most max) and how many tokens. */
static size_t read_chain(const tok *t, size_t n, const tok **parts, size_t max, size_t *nparts)
{
    *nparts = 0;
    size_t i = 0;
    while (i < n && t[i].kind == T_NAME && *nparts < max) {
        parts[(*nparts)++] = &t[i++];
        if (i + 1 < n && is_op(&t[i], '.') && t[i + 1].kind == T_NAME)
            i++;
        else
            break;
    }
    return i;
}

static bool part_is(const tok *part, const char *s)
{
    return tok_text_is(part, s);
}

/* mesh.shape["AXIS"] or mesh.shape.get("AXIS", ...): the chain ends with
 * mesh, shape (and get). */
static bool mesh_shape(const tok **p, size_t np, bool get)
{
    size_t k = np - (get ? 1 : 0);
    return k >= 2 && part_is(p[k - 1], "shape") && part_is(p[k - 2], "mesh") &&
           (!get || part_is(p[np - 1], "get"));
}

static pvalue chain_value(sl_arena *a, const tok **p, size_t np)
{
    pvalue v = {.kind = V_UNKNOWN, .pos = -1};
    bool self = part_is(p[0], "self");
    if (np >= 2 && (part_is(p[np - 2], "config") || part_is(p[np - 2], "cfg")) &&
        (np == 2 || (np == 3 && self))) {
        v.kind = V_CONFIG;
        v.text = dup_tok(a, p[np - 1]);
    } else if (np == 1 || (np == 2 && self)) {
        v.kind = V_NAME;
        v.attr = np == 2;
        v.text = dup_tok(a, p[np - 1]);
    } else if (!self) {
        v.kind = V_REF;
        v.text = sl_strndup(a, p[0]->s, (size_t)(p[np - 1]->s + p[np - 1]->n - p[0]->s));
    }
    return v;
}

static pvalue classify(sl_arena *a, const tok *t, size_t n)
{
    pvalue v = {.kind = V_UNKNOWN, .pos = -1};
    if (n == 1 && t[0].kind == T_NUMBER)
        return (pvalue){.kind = V_NUMBER, .text = dup_tok(a, &t[0]), .pos = -1};
    if (n == 1 && t[0].kind == T_STRING && t[0].plain)
        return (pvalue){.kind = V_STRING, .text = sl_strndup(a, TOK_BODY(&t[0]), t[0].bn),
                        .pos = -1};
    if (n == 1 && (tok_is(&t[0], "True") || tok_is(&t[0], "False")))
        return (pvalue){.kind = V_BOOL, .text = dup_tok(a, &t[0]), .pos = -1};
    if (n == 2 && is_op(&t[0], '-') && t[1].kind == T_NUMBER)
        return (pvalue){.kind = V_NUMBER, .text = sl_sprintf(a, "-%.*s", (int)t[1].n, t[1].s),
                        .pos = -1};
    const tok *p[8];
    size_t np, i = read_chain(t, n, p, 8, &np);
    if (np == 0)
        return v;
    if (i == n)
        return chain_value(a, p, np);
    if (!is_open(&t[i]) || closing(t, i, n) != n - 1)
        return v;
    bool first_is_string = i + 1 < n && t[i + 1].kind == T_STRING && t[i + 1].plain;
    if (first_is_string && ((t[i].op == '[' && mesh_shape(p, np, false)) ||
                            (t[i].op == '(' && mesh_shape(p, np, true)))) {
        v.kind = V_MESH;
        v.text = sl_strndup(a, TOK_BODY(&t[i + 1]), t[i + 1].bn);
    } else if (t[i].op == '(' && (np == 1 || (np == 2 && part_is(p[0], "self")))) {
        v.kind = V_CALL;
        v.text = dup_tok(a, p[np - 1]);
    }
    return v;
}

/* Element k of a top-level comma list; false when there is no such element,
 * or (k < 0) when the list has more than one. */
static bool element(const tok *t, size_t n, int k, size_t *from, size_t *to)
{
    size_t start = 0;
    int idx = 0, depth = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i < n) {
            depth += is_open(&t[i]) - is_close(&t[i]);
            if (depth != 0 || !is_op(&t[i], ','))
                continue;
        }
        if (idx == (k < 0 ? 0 : k)) {
            *from = start;
            *to = i;
            return k >= 0 || i == n;
        }
        idx++;
        start = i + 1;
    }
    return false;
}

static pvalue value_at(py_facts *f, py_pos at, int k)
{
    toks tk;
    size_t from, to;
    if (!read_toks(f, at, UNTIL_LINE_END, &tk))
        return (pvalue){.kind = V_UNKNOWN, .pos = -1};
    pvalue whole = classify(f->a, tk.t, tk.n);
    if (k >= 0 && whole.kind == V_CALL) {
        whole.pos = k;
        return whole;
    }
    if (!element(tk.t, tk.n, k, &from, &to))
        return (pvalue){.kind = V_UNKNOWN, .pos = -1};
    return classify(f->a, tk.t + from, to - from);
}

/* ---- following a name to what it is --------------------------------------- */

typedef struct {
    bool unknown;
    size_t n;
    const char *mesh, *config, *name, *alt;
} merged;

static bool same_text(const char **slot, const char *text)
{
    if (*slot && strcmp(*slot, text) != 0)
        return false;
    *slot = text;
    return true;
}

/* One more thing a name may be: together they must all be one mesh size (and
 * at most one other number), or all one config key, or all one name. */
static void merge(merged *m, pvalue v)
{
    m->n++;
    bool ok;
    switch (v.kind) {
    case V_MESH:
        ok = same_text(&m->mesh, v.text) && (!v.alt || same_text(&m->alt, v.alt));
        break;
    case V_NUMBER:
        ok = same_text(&m->alt, v.text);
        break;
    case V_CONFIG:
        ok = same_text(&m->config, v.text);
        break;
    case V_NAME:
        ok = same_text(&m->name, v.text);
        break;
    default:
        ok = false;
    }
    m->unknown |= !ok;
}

static pvalue merged_value(const merged *m)
{
    pvalue v = {.kind = V_UNKNOWN, .pos = -1};
    int kinds = !!m->mesh + !!m->config + !!m->name;
    if (m->unknown || kinds != 1 || (m->alt && !m->mesh))
        return v;
    if (m->mesh)
        return (pvalue){.kind = V_MESH, .text = m->mesh, .alt = m->alt, .pos = -1};
    if (m->config)
        return (pvalue){.kind = V_CONFIG, .text = m->config, .pos = -1};
    return (pvalue){.kind = V_NAME, .text = m->name, .pos = -1};
}

static pvalue resolve(py_facts *f, pvalue v, int fid, int depth);

/* ---- a def's body, read again -------------------------------------------------- */

typedef enum { WANT_ASSIGN, WANT_RETURN, WANT_FLAG } want;

/* A value a def's body gives a name: where it starts, and the element of a
 * tuple assignment (-1 for all). */
typedef struct {
    py_pos at;
    int pos;
    const char *name;        /* WANT_FLAG: the flag's name, in the file's text */
    size_t namelen;
} found_value;

#define MAX_FOUND 8
/* Flags one class sets, read at once when a guard tests one of them. */
#define MAX_FLAGS 256

static py_pos lexer_pos(const lexer *lx)
{
    return (py_pos){lx->p, lx->line, lx->bol, lx->depth};
}

/* Skips to the end of the logical line (the lexer knows brackets). */
static void skip_statement(lexer *lx, tok *t)
{
    while (t->kind != T_EOF && t->kind != T_NEWLINE)
        lex_next(lx, t);
}

static bool tok_named(const tok *t, const char *name, size_t n)
{
    return t->kind == T_NAME && t->n == n && memcmp(t->s, name, n) == 0;
}

/* One statement of the body, its first token in t: what it gives `name`
 * (for WANT_FLAG, any flag). */
static size_t statement_values(lexer *lx, tok *t, want w, const char *name, found_value *out,
                               size_t room)
{
    size_t n = name ? strlen(name) : 0, found = 0;
    if (w == WANT_RETURN && tok_is(t, "return")) {
        out[0] = (found_value){lexer_pos(lx), -1, NULL, 0};
        skip_statement(lx, t);
        return 1;
    }
    tok head[8];
    size_t nhead = 0;
    for (; nhead < 8 && t->kind != T_EOF && t->kind != T_NEWLINE && !is_op(t, '='); nhead++) {
        head[nhead] = *t;
        lex_next(lx, t);
    }
    bool assign = is_op(t, '=');
    if (assign && w == WANT_FLAG && nhead == 3 && tok_is(&head[0], "self") &&
        is_op(&head[1], '.') && head[2].kind == T_NAME) {
        out[found++] = (found_value){lexer_pos(lx), -1, head[2].s, head[2].n};
    } else if (assign && w == WANT_ASSIGN && nhead % 2 == 1) {
        bool names = true;
        for (size_t i = 0; i < nhead; i++)
            names = names && (i % 2 ? is_op(&head[i], ',') : head[i].kind == T_NAME);
        for (size_t i = 0; names && i < nhead && found < room; i += 2)
            if (tok_named(&head[i], name, n))
                out[found++] = (found_value){lexer_pos(lx), nhead > 1 ? (int)i / 2 : -1, NULL, 0};
    }
    skip_statement(lx, t);
    return found;
}

/* The values d's own body gives: assignments to `name`, returns, or
 * `self.name = ...`; the bodies of defs and classes nested in it are not its. */
static size_t def_values(const py_facts *f, const py_def *d, want w, const char *name,
                         found_value *out, size_t max)
{
    lexer lx = {.p = d->at.p, .end = f->end, .bol = d->at.bol, .line = d->at.line,
                .line_has_tok = true};
    tok t;
    do
        lex_next(&lx, &t);
    while (t.kind != T_EOF && !(is_op(&t, ':') && lx.depth == 0));
    lex_next(&lx, &t);
    bool header_line = t.kind != T_NEWLINE;
    if (!header_line)
        lex_next(&lx, &t);
    size_t n = 0;
    int nested = -1;
    while (t.kind != T_EOF && n < max) {
        int indent = t.col - 1;
        if (!header_line && indent <= d->indent)
            break;
        header_line = false;
        if (nested >= 0 && indent > nested) {
            skip_statement(&lx, &t);
        } else if (tok_is(&t, "def") || tok_is(&t, "class") || tok_is(&t, "async")) {
            nested = indent;
            skip_statement(&lx, &t);
        } else {
            nested = -1;
            n += statement_values(&lx, &t, w, name, out + n, max - n);
        }
        if (t.kind == T_NEWLINE)
            lex_next(&lx, &t);
    }
    return n;
}

static const py_def *def_of(const py_facts *f, int fid)
{
    for (size_t i = 0; i < f->defs.n; i++)
        if (((const py_def *)f->defs.items[i])->fid == fid)
            return f->defs.items[i];
    return NULL;
}

/* A name in a def, or a def's result, once followed: each is asked about
 * by every condition that uses it, and following one reads a body again. */
typedef struct {
    int fid;                 /* the def the name is in; -1 for a call */
    const char *name;
    int pos;
    pvalue value;
} known_value;

static const pvalue *known_get(const py_facts *f, int fid, const char *name, int pos)
{
    for (size_t i = 0; i < f->known.n; i++) {
        const known_value *k = f->known.items[i];
        if (k->fid == fid && k->pos == pos && strcmp(k->name, name) == 0)
            return &k->value;
    }
    return NULL;
}

static pvalue known_put(py_facts *f, int fid, const char *name, int pos, pvalue v)
{
    known_value *k = sl_alloc(f->a, sizeof *k);
    *k = (known_value){fid, name, pos, v};
    sl_vec_push(f->a, &f->known, k);
    return v;
}

static pvalue resolve_local(py_facts *f, pvalue v, int fid, int depth)
{
    const pvalue *had = known_get(f, fid, v.text, -1);
    if (had)
        return *had;
    const py_def *d = def_of(f, fid);
    found_value found[MAX_FOUND];
    size_t n = d ? def_values(f, d, WANT_ASSIGN, v.text, found, MAX_FOUND) : 0;
    merged m = {.unknown = n == MAX_FOUND};
    for (size_t i = 0; i < n; i++)
        merge(&m, resolve(f, value_at(f, found[i].at, found[i].pos), fid, depth + 1));
    /* Never assigned here: a parameter or a global, named like the config key
     * it carries. */
    return known_put(f, fid, v.text, -1, n ? merged_value(&m) : v);
}

static pvalue resolve_call(py_facts *f, pvalue v, int depth)
{
    const pvalue *had = known_get(f, -1, v.text, v.pos);
    if (had)
        return *had;
    merged m = {0};
    size_t n = strlen(v.text);
    for (size_t i = 0; i < f->defs.n; i++) {
        const py_def *d = f->defs.items[i];
        if (d->namelen != n || memcmp(d->name, v.text, n) != 0)
            continue;
        found_value found[MAX_FOUND];
        size_t k = def_values(f, d, WANT_RETURN, NULL, found, MAX_FOUND);
        m.unknown |= k == MAX_FOUND;
        for (size_t j = 0; j < k; j++)
            merge(&m, resolve(f, value_at(f, found[j].at, v.pos), d->fid, depth + 1));
    }
    return known_put(f, -1, v.text, v.pos,
                     m.n ? merged_value(&m) : (pvalue){.kind = V_UNKNOWN, .pos = -1});
}

static pvalue resolve(py_facts *f, pvalue v, int fid, int depth)
{
    if (depth > RESOLVE_DEPTH)
        return (pvalue){.kind = V_UNKNOWN, .pos = -1};
    if (v.kind == V_NAME && !v.attr)
        return resolve_local(f, v, fid, depth);
    if (v.kind == V_CALL)
        return resolve_call(f, v, depth);
    return v;
}

/* ---- conjuncts -------------------------------------------------------------- */

static sl_cond_op negate(sl_cond_op op)
{
    switch (op) {
    case SL_COND_EQ: return SL_COND_NE;
    case SL_COND_NE: return SL_COND_EQ;
    case SL_COND_GT: return SL_COND_LE;
    case SL_COND_LE: return SL_COND_GT;
    case SL_COND_LT: return SL_COND_GE;
    case SL_COND_GE: return SL_COND_LT;
    case SL_COND_TRUE: return SL_COND_FALSE;
    case SL_COND_FALSE: return SL_COND_TRUE;
    default: return op;
    }
}

/* `1 < cp` read as `cp > 1`. */
static sl_cond_op mirror(sl_cond_op op)
{
    switch (op) {
    case SL_COND_GT: return SL_COND_LT;
    case SL_COND_LT: return SL_COND_GT;
    case SL_COND_GE: return SL_COND_LE;
    case SL_COND_LE: return SL_COND_GE;
    default: return op;
    }
}

/* The constants of a tuple or list `(A.X, A.Y)` as one '|'-separated list,
 * for `in`; NULL unless every element is a constant of one kind. */
static bool tuple_values(sl_arena *a, const tok *t, size_t n, sl_py_guard *g)
{
    if (n < 2 || !is_open(&t[0]) || closing(t, 0, n) != n - 1)
        return false;
    const char *list = NULL;
    bool refs = false;
    for (size_t i = 1, start = 1; i < n; i++) {
        if (!is_op(&t[i], ',') && i != n - 1)
            continue;
        if (i == start)
            break; /* a trailing comma */
        pvalue v = classify(a, t + start, i - start);
        bool ref = v.kind == V_REF || (v.kind == V_NAME && !v.attr);
        if (!(ref || v.kind == V_STRING || v.kind == V_NUMBER) || (list && ref != refs))
            return false;
        refs = ref;
        list = list ? sl_sprintf(a, "%s|%s", list, v.text) : v.text;
        start = i + 1;
    }
    if (!list)
        return false;
    if (refs)
        g->value_ref = list;
    else
        g->value = list;
    return true;
}

static bool compare_op(const tok *t, sl_cond_op *op)
{
    static const struct {
        const char *text;
        sl_cond_op op;
    } ops[] = {{"==", SL_COND_EQ}, {"!=", SL_COND_NE}, {">", SL_COND_GT},
               {"<", SL_COND_LT},  {">=", SL_COND_GE}, {"<=", SL_COND_LE}};
    for (size_t i = 0; t->kind == T_OP && i < sizeof ops / sizeof *ops; i++)
        if (tok_text_is(t, ops[i].text))
            return *op = ops[i].op, true;
    return false;
}

static bool is_subject(vkind k)
{
    return k == V_CONFIG || k == V_MESH || k == V_NAME;
}

/* The right side of a comparison as a guard's value. A bare name there is a
 * module constant (`model_mode == MODEL_MODE_PREFILL`). */
static bool set_value(sl_py_guard *g, pvalue v)
{
    switch (v.kind) {
    case V_NUMBER: case V_STRING: case V_BOOL:
        g->value = v.text;
        return true;
    case V_REF:
        g->value_ref = v.text;
        return !g->mesh;
    case V_NAME:
        g->value_ref = v.text;
        return !v.attr && !g->mesh;
    default:
        return false;
    }
}

/* The source text from `first` to `last`, on one line. */
static const char *words(sl_arena *a, const tok *first, const tok *last)
{
    char *s = sl_strndup(a, first->s, (size_t)(last->s + last->n - first->s));
    char *w = s;
    for (const char *r = s; *r; r++) {
        bool space = *r == ' ' || *r == '\n' || *r == '\r' || *r == '\t';
        if (!space)
            *w++ = *r;
        else if (w > s && w[-1] != ' ')
            *w++ = ' ';
    }
    *w = '\0';
    return s;
}

/* Tokens t[0..n) without brackets around all of them. */
static void unwrap(const tok **t, size_t *n)
{
    while (*n >= 2 && is_op(&(*t)[0], '(') && closing(*t, 0, *n) == *n - 1) {
        (*t)++;
        *n -= 2;
    }
}

static bool has_top_word(const tok *t, size_t n, const char *w)
{
    int depth = 0;
    for (size_t i = 0; i < n; i++) {
        depth += is_open(&t[i]) - is_close(&t[i]);
        if (depth == 0 && t[i].kind == T_NAME && tok_text_is(&t[i], w))
            return true;
    }
    return false;
}

static void read_cond(py_facts *f, py_cond *c);

static void add_atom(py_facts *f, py_cond *c, const sl_py_guard *g)
{
    sl_py_guard *x = sl_alloc(f->a, sizeof *x);
    *x = *g;
    sl_vec_push(f->a, &c->atoms, x);
}

/* A guard from the else branch of a condition: the condition, negated.
 * False for `in`, which has no negation here. */
static bool negated_atom(const sl_py_guard *g, sl_py_guard *out)
{
    if (g->op == SL_COND_IN)
        return false;
    *out = *g;
    out->op = negate(g->op);
    out->negated = !g->negated;
    return true;
}

/* The flags class klass sets (`self.NAME = value` in its methods), read
 * once for the class: each with its condition when set exactly once. */
static void read_flags(py_facts *f, const char *klass)
{
    found_value *found = sl_alloc(f->a, MAX_FLAGS * sizeof *found);
    int *fids = sl_alloc(f->a, MAX_FLAGS * sizeof *fids);
    size_t n = 0;
    for (size_t i = 0; i < f->defs.n && n < MAX_FLAGS; i++) {
        const py_def *d = f->defs.items[i];
        if (!d->klass || strcmp(d->klass, klass) != 0)
            continue;
        size_t k = def_values(f, d, WANT_FLAG, NULL, found + n, MAX_FLAGS - n);
        for (size_t j = n; j < n + k; j++)
            fids[j] = d->fid;
        n += k;
    }
    for (size_t i = 0; i < n; i++) {
        py_flag *x = sl_alloc(f->a, sizeof *x);
        x->klass = klass;
        x->name = sl_strndup(f->a, found[i].name, found[i].namelen);
        size_t times = 0;
        for (size_t j = 0; j < n; j++)
            times += found[j].namelen == found[i].namelen &&
                     memcmp(found[j].name, found[i].name, found[i].namelen) == 0;
        if (times == 1 && n < MAX_FLAGS) {
            x->cond = sl_alloc(f->a, sizeof *x->cond);
            *x->cond = (py_cond){.at = found[i].at, .end = PY_COND_VALUE, .fid = fids[i],
                                 .klass = klass};
        }
        sl_vec_push(f->a, &f->flags, x);
    }
    /* The class itself, so that it is read once even when it sets none. */
    py_flag *mark = sl_alloc(f->a, sizeof *mark);
    *mark = (py_flag){.klass = klass, .name = ""};
    sl_vec_push(f->a, &f->flags, mark);
}

static const py_flag *flag_of(py_facts *f, const char *klass, const tok *name)
{
    bool read = false;
    for (size_t pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < f->flags.n; i++) {
            const py_flag *x = f->flags.items[i];
            if (strcmp(x->klass, klass) != 0)
                continue;
            read = true;
            if (tok_named(name, x->name, strlen(x->name)))
                return x;
        }
        if (read)
            return NULL;
        read_flags(f, klass);
    }
    return NULL;
}

/* `[not] self.NAME`, NAME a flag the class sets once from a condition
 * (`self.is_qwen2 = self.config.decoder_block == DecoderBlockType.QWEN2`):
 * that condition's guards (1). 0 when NAME is no flag of the class; -1 for
 * a flag no one condition sets (set twice, or defined by itself). */
static int read_flag(py_facts *f, py_cond *c, const tok *t, size_t n, bool neg)
{
    if (n != 3 || !tok_is(&t[0], "self") || !is_op(&t[1], '.') || t[2].kind != T_NAME || !c->klass)
        return 0;
    const py_flag *found = flag_of(f, c->klass, &t[2]);
    if (!found)
        return 0;
    if (!found->cond || found->cond->reading)
        return -1;
    read_cond(f, found->cond);
    const sl_vec *atoms = &found->cond->atoms;
    sl_py_guard g;
    if (neg && found->cond->single && negated_atom(atoms->items[0], &g))
        add_atom(f, c, &g);
    for (size_t i = 0; !neg && i < atoms->n; i++)
        add_atom(f, c, atoms->items[i]);
    return 1;
}

static bool read_atom(py_facts *f, py_cond *c, const tok *t, size_t n)
{
    const tok *first = t, *last = &t[n - 1];
    bool neg = false;
    while (n > 0 && tok_is(&t[0], "not")) {
        neg = !neg;
        t++;
        n--;
    }
    unwrap(&t, &n);
    if (n == 0 || has_top_word(t, n, "and") || has_top_word(t, n, "or"))
        return false;
    int flag = read_flag(f, c, t, n, neg);
    if (flag)
        return flag > 0;
    size_t at = n;
    sl_cond_op op = SL_COND_TRUE;
    int depth = 0;
    for (size_t i = 0; i < n && at == n; i++) {
        depth += is_open(&t[i]) - is_close(&t[i]);
        if (depth == 0 && compare_op(&t[i], &op))
            at = i;
        else if (depth == 0 && tok_is(&t[i], "in") && !(i > 0 && tok_is(&t[i - 1], "not")))
            at = i, op = SL_COND_IN;
        else if (depth == 0 && (tok_is(&t[i], "in") || tok_is(&t[i], "is")))
            return false;
    }
    sl_py_guard g = {.text = words(f->a, first, last),
                     .loc = {.file = f->display, .line = first->line, .col = first->col}};
    pvalue lhs = resolve(f, classify(f->a, t, at), c->fid, 0);
    if (op == SL_COND_IN) {
        if (neg || !is_subject(lhs.kind) || lhs.kind == V_MESH ||
            !tuple_values(f->a, t + at + 1, n - at - 1, &g))
            return false;
    } else if (at < n) {
        pvalue rhs = classify(f->a, t + at + 1, n - at - 1);
        if (!is_subject(lhs.kind)) {
            pvalue swap = lhs;
            lhs = resolve(f, rhs, c->fid, 0);
            rhs = swap;
            op = mirror(op);
        }
        g.mesh = lhs.kind == V_MESH;
        if (!is_subject(lhs.kind) || !set_value(&g, rhs))
            return false;
    } else if (!is_subject(lhs.kind)) {
        return false;
    }
    g.mesh = lhs.kind == V_MESH;
    g.name = lhs.text;
    g.alt = lhs.alt;
    g.op = neg ? negate(op) : op;
    add_atom(f, c, &g);
    return true;
}

/* Reads a condition once: its conjuncts that are guards. */
static void read_cond(py_facts *f, py_cond *c)
{
    if (c->read)
        return;
    c->read = c->reading = true;
    toks tk;
    if (!read_toks(f, c->at, cond_until(c->end), &tk) || tk.n == 0) {
        c->reading = false;
        return;
    }
    const tok *t = tk.t;
    size_t n = tk.n;
    unwrap(&t, &n);
    size_t start = 0, nconj = 0, read = 0;
    int depth = 0;
    bool any_or = has_top_word(t, n, "or");
    for (size_t i = 0; i <= n && !any_or; i++) {
        if (i < n) {
            depth += is_open(&t[i]) - is_close(&t[i]);
            if (depth != 0 || !tok_is(&t[i], "and"))
                continue;
        }
        nconj++;
        read += i > start && read_atom(f, c, t + start, i - start);
        start = i + 1;
    }
    c->single = nconj == 1 && read == 1 && c->atoms.n == 1;
    c->reading = false;
}

/* ---- a site's guards --------------------------------------------------------- */

static bool same_ref(const py_guard_ref *x, const py_guard_ref *y)
{
    return x->cond == y->cond && x->negated == y->negated;
}

static bool list_has(const py_glist *l, const py_guard_ref *r)
{
    for (size_t i = 0; i < l->n; i++)
        if (same_ref(&l->refs[i], r))
            return true;
    return false;
}

static void add_ref(py_facts *f, sl_vec *out, const py_guard_ref *r)
{
    read_cond(f, r->cond);
    if (r->negated && !r->cond->single)
        return;
    for (size_t i = 0; i < r->cond->atoms.n; i++) {
        sl_py_guard *g = sl_alloc(f->a, sizeof *g);
        if (!r->negated)
            *g = *(const sl_py_guard *)r->cond->atoms.items[i];
        else if (!negated_atom(r->cond->atoms.items[i], g))
            continue;
        sl_vec_push(f->a, out, g);
    }
}

py_glist *py_glist_common(sl_arena *a, const py_glist *x, const py_glist *y)
{
    py_glist *g = sl_alloc(a, sizeof *g);
    g->refs = sl_alloc(a, (x->n + 1) * sizeof *g->refs);
    for (size_t i = 0; i < x->n; i++)
        if (list_has(y, &x->refs[i]))
            g->refs[g->n++] = x->refs[i];
    return g;
}

/* A guard of the first use counts when every later use shares it (a use
 * without it lifts it). */
void py_site_guards(py_facts *f, sl_py_site *s, const py_glist *own, const py_glist *first,
                    const py_glist *later)
{
    sl_vec out = {0};
    for (size_t i = 0; i < own->n; i++)
        add_ref(f, &out, &own->refs[i]);
    for (size_t i = 0; first && i < first->n; i++)
        if (!list_has(own, &first->refs[i]) && (!later || list_has(later, &first->refs[i])))
            add_ref(f, &out, &first->refs[i]);
    if (!out.n)
        return;
    sl_py_guard *g = sl_alloc(f->a, out.n * sizeof *g);
    for (size_t i = 0; i < out.n; i++)
        g[i] = *(const sl_py_guard *)out.items[i];
    s->guards = g;
    s->nguards = out.n;
}
