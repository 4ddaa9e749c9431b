/* Launch scripts as shell commands: splits a script into simple commands the
 * way a POSIX shell would (quotes, backslash continuations, comments,
 * ${VAR:-default}), keeps the assignments it meets and the folder it runs
 * in, and hands every command to scan_launch.c. A command kept in a variable
 * and run later ($CMD, eval, bash -c, --command) is read again from the
 * variable's text, whose every byte remembers where the script wrote it.
 * Nothing is run: command substitutions and variables the script does not
 * set stay unknown, and are reported with the word they spoil. */
#include "shardlint/scan.h"

#include <stdlib.h>
#include <string.h>

#include "scan_internal.h"
#include "scan_sh_internal.h"

static scan_re re_assign = {"^[A-Za-z_][A-Za-z0-9_]*\\+?=", 0, NULL};
static scan_re re_shell = {"^(?:ba|da|z)?sh$", 0, NULL};


/* ---- text that remembers where it was written ------------------------------ */

static bool sb_grow(sbuf *b, size_t n)
{
    if (b->n + n + 1 <= b->cap)
        return true;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->n + n + 1)
        cap *= 2;
    char *ns = realloc(b->s, cap);
    if (ns)
        b->s = ns;
    sh_pos *na = ns ? realloc(b->at, cap * sizeof *na) : NULL;
    if (!na)
        return false; /* the text is dropped, the scan goes on */
    b->at = na;
    b->cap = cap;
    return true;
}

/* n bytes of s; at gives each byte's position, or NULL to put all at `one`. */
static void sb_put(sbuf *b, const char *s, size_t n, const sh_pos *at, sh_pos one)
{
    if (!n || !sb_grow(b, n))
        return;
    memcpy(b->s + b->n, s, n);
    for (size_t i = 0; i < n; i++)
        b->at[b->n + i] = at ? at[i] : one;
    b->n += n;
    b->s[b->n] = '\0';
}

static void sb_free(sbuf *b)
{
    free(b->s);
    free(b->at);
    *b = (sbuf){0};
}

static bool at_end(const sh_scan *sc)
{
    return sc->p >= sc->end;
}

static char peek(const sh_scan *sc, size_t k)
{
    return sc->p + k < sc->end ? sc->p[k] : '\0';
}

static void adv(sh_scan *sc)
{
    if (at_end(sc))
        return;
    if (*sc->p == '\n') {
        sc->line++;
        sc->bol = sc->p + 1;
    }
    sc->p++;
}

static sh_pos pos_here(const sh_scan *sc)
{
    if (sc->map && sc->p < sc->end)
        return sc->map[sc->p - sc->base];
    if (sc->map) /* the end of a variable's text: just past its last byte */
        return (sh_pos){sc->map[sc->end - sc->base - 1].line,
                        sc->map[sc->end - sc->base - 1].col + 1};
    return (sh_pos){sc->line, (int)(sc->p - sc->bol) + 1};
}

static sl_loc loc_of(const sh_scan *sc, sh_pos p)
{
    return (sl_loc){.file = sc->display, .line = p.line, .col = p.col};
}

static sl_loc here(const sh_scan *sc)
{
    return loc_of(sc, pos_here(sc));
}

/* Copies the source from `from` to the cursor, each byte at its place. */
static void put_written(const sh_scan *sc, sbuf *b, const char *from, sh_pos start)
{
    if (sc->map) {
        sb_put(b, from, (size_t)(sc->p - from), sc->map + (from - sc->base), start);
        return;
    }
    sh_pos pos = start;
    for (const char *s = from; s < sc->p; s++) {
        sb_put(b, s, 1, NULL, pos);
        pos = *s == '\n' ? (sh_pos){pos.line + 1, 1} : (sh_pos){pos.line, pos.col + 1};
    }
}

static bool is_name_start(char c)
{
    return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_name_char(char c)
{
    return is_name_start(c) || (c >= '0' && c <= '9');
}

static const sh_var *lookup(const sh_scan *sc, const char *name)
{
    size_t at;
    return sl_strmap_get(&sc->shared->at, name, &at) ? sc->shared->list.items[at] : NULL;
}

static void set_var(sh_scan *sc, const char *name, const sbuf *value,
                    const sl_sh_unknown *cause)
{
    sh_var *v = sl_alloc(sc->a, sizeof *v);
    v->name = name;
    v->cause = cause;
    if (value) {
        v->value = sl_strndup(sc->a, value->s ? value->s : "", value->n);
        sh_pos *at = sl_alloc(sc->a, (value->n + 1) * sizeof *at);
        if (value->n)
            memcpy(at, value->at, value->n * sizeof *at);
        v->at = at;
        v->len = value->n;
    }
    sl_strmap_put(sc->a, &sc->shared->at, name, sc->shared->list.n);
    sl_vec_push(sc->a, &sc->shared->list, v);
}

/* A variable the script sets when it runs (a `for` or `read`): set, to
 * something unknown. */
static void set_runtime(sh_scan *sc, const char *name, sl_loc at, const char *how)
{
    sl_sh_unknown *u = sl_alloc(sc->a, sizeof *u);
    *u = (sl_sh_unknown){.kind = SL_SH_RUNTIME, .name = how, .loc = at};
    sbuf empty = {0};
    set_var(sc, name, &empty, u);
}

static sl_sh_unknown *record(sh_scan *sc, sh_word *w, sl_sh_unknown_kind kind,
                             const char *name, sl_loc at)
{
    sl_sh_unknown *u = sl_alloc(sc->a, sizeof *u);
    *u = (sl_sh_unknown){.kind = kind, .name = name, .loc = at};
    sl_vec_push(sc->a, &w->unknown, u);
    w->unresolved = true;
    return u;
}

/* An unknown use: recorded, and the text kept as written. */
static void unknown(sh_scan *sc, sh_word *w, sl_sh_unknown_kind kind, const char *name,
                    sh_pos start, const char *from)
{
    record(sc, w, kind, name, loc_of(sc, start));
    put_written(sc, &w->text, from, start);
}

/* ---- words ------------------------------------------------------------------ */

typedef enum { CTX_WORD, CTX_DQUOTE, CTX_BRACE } sh_ctx;

static void parse_part(sh_scan *sc, sh_word *w, sh_ctx ctx, int depth);

/* Past the ')' matching the '(' at sc->p, minding quotes. */
static void skip_parens(sh_scan *sc)
{
    int level = 0;
    while (!at_end(sc)) {
        char c = *sc->p;
        if (c == '\\') {
            adv(sc);
        } else if (c == '\'' || c == '"') {
            adv(sc);
            while (!at_end(sc) && *sc->p != c) {
                if (c == '"' && *sc->p == '\\')
                    adv(sc);
                adv(sc);
            }
        } else if (c == '(') {
            level++;
        } else if (c == ')' && --level == 0) {
            adv(sc);
            return;
        }
        adv(sc);
    }
}

static void skip_braces(sh_scan *sc)
{
    int level = 1;
    while (!at_end(sc) && level > 0) {
        if (*sc->p == '\\')
            adv(sc);
        else if (*sc->p == '{')
            level++;
        else if (*sc->p == '}')
            level--;
        adv(sc);
    }
}

/* What an expansion produces, within the SL_SH_MAX_* limits; past them
 * nothing more is added and the scan stops (sl_scan_sh_buf says where). */
static void put_expansion(sh_scan *sc, sh_word *w, const char *s, size_t n, const sh_pos *at,
                          sh_pos one)
{
    sh_shared *sh = sc->shared;
    if (sl_loc_is_set(sh->too_big))
        return;
    if (w->text.n + n > SL_SH_MAX_WORD || sh->expanded + n > SL_SH_MAX_EXPANDED) {
        sh->too_big = loc_of(sc, one);
        return;
    }
    sh->expanded += n;
    sb_put(&w->text, s, n, at, one);
}

static void merge(sh_scan *sc, sh_word *into, sh_word *from, sh_pos start)
{
    put_expansion(sc, into, from->text.s, from->text.n, from->text.at, start);
    for (size_t i = 0; i < from->unknown.n; i++)
        sl_vec_push(sc->a, &into->unknown, from->unknown.items[i]);
    into->unresolved |= from->unresolved;
}

/* A use of a variable whose value depends on something unknown: reported at
 * the use, naming the cause. The value goes on into the word all the same,
 * the unknown parts in it as written: a command run from the word reads
 * them again where they were written. */
static void unknown_via(sh_scan *sc, sh_word *w, const sh_var *v, sh_pos start)
{
    sl_sh_unknown *u = record(sc, w, v->cause->kind, v->cause->name, loc_of(sc, start));
    u->via = v->name;
    u->cause_loc = v->cause->loc;
    put_expansion(sc, w, v->value, v->len, v->at, start);
}

/* `$NAME` or `${NAME}`: its value, $PWD the working directory. */
static void use_var(sh_scan *sc, sh_word *w, const char *name, sh_pos start, const char *from)
{
    const sh_var *v = lookup(sc, name);
    if (v && v->value && v->cause)
        unknown_via(sc, w, v, start);
    else if (v && v->value)
        put_expansion(sc, w, v->value, v->len, v->at, start);
    else if (!v && strcmp(name, "PWD") == 0 && sc->cwd)
        put_expansion(sc, w, sc->cwd, strlen(sc->cwd), NULL, start);
    else
        unknown(sc, w, SL_SH_UNSET, name, start, from);
}

/* ${NAME<op>word} for the ops - := = :+ +, after the op. */
static void expand_default(sh_scan *sc, sh_word *w, const char *name, bool colon, char op,
                           sh_pos start, const char *from, int depth)
{
    sh_word alt = {0};
    parse_part(sc, &alt, CTX_BRACE, depth + 1);
    adv(sc); /* the closing brace */
    const sh_var *v = lookup(sc, name);
    bool pwd = !v && strcmp(name, "PWD") == 0 && sc->cwd;
    const char *value = pwd ? sc->cwd : v ? v->value : NULL;
    bool set = pwd || v;
    if (v && v->cause) {
        unknown_via(sc, w, v, start);
    } else if (set && !value) {
        /* unset by the script: neither its value nor a guess */
        unknown(sc, w, SL_SH_UNSET, name, start, from);
    } else if (op == '+') {
        if (set && (!colon || *value))
            merge(sc, w, &alt, start);
    } else if (set && (!colon || *value)) {
        put_expansion(sc, w, value, pwd ? strlen(value) : v->len, pwd ? NULL : v->at, start);
    } else {
        merge(sc, w, &alt, start);
        if (op == '=' && !alt.unresolved)
            set_var(sc, name, &alt.text, NULL);
    }
    sb_free(&alt.text);
}

static void expand_braced(sh_scan *sc, sh_word *w, sh_pos start, const char *from, int depth)
{
    adv(sc); /* '{' */
    const char *name_start = sc->p;
    while (!at_end(sc) && is_name_char(*sc->p))
        adv(sc);
    const char *name = sl_strndup(sc->a, name_start, (size_t)(sc->p - name_start));
    bool colon = peek(sc, 0) == ':' && strchr("-=+", peek(sc, 1));
    char op = peek(sc, colon ? 1 : 0);
    bool positional = *name >= '0' && *name <= '9';
    if (*name && !positional && op == '}' && !colon) {
        adv(sc);
        use_var(sc, w, name, start, from);
    } else if (*name && !positional && op && strchr("-=+", op) &&
               depth < SL_SH_MAX_EXPANSION_DEPTH) {
        adv(sc);
        if (colon)
            adv(sc);
        expand_default(sc, w, name, colon, op, start, from, depth);
    } else {
        /* ${#X}, ${X%y}, ${X/a/b}, ${1}: forms not evaluated here. */
        skip_braces(sc);
        const char *text = sl_strndup(sc->a, from, (size_t)(sc->p - from));
        unknown(sc, w, positional ? SL_SH_POSITIONAL : SL_SH_EXPANSION, text, start, from);
    }
}

static void expand(sh_scan *sc, sh_word *w, int depth)
{
    sh_pos start = pos_here(sc);
    const char *from = sc->p;
    adv(sc); /* '$' */
    char c = peek(sc, 0);
    if (c == '(') {
        skip_parens(sc);
        unknown(sc, w, SL_SH_SUBSTITUTION, sl_strndup(sc->a, from, (size_t)(sc->p - from)),
                start, from);
    } else if (c == '{') {
        expand_braced(sc, w, start, from, depth);
    } else if (is_name_start(c)) {
        const char *s = sc->p;
        while (!at_end(sc) && is_name_char(*sc->p))
            adv(sc);
        use_var(sc, w, sl_strndup(sc->a, s, (size_t)(sc->p - s)), start, from);
    } else if (c && strchr("0123456789@*#?$!-", c)) {
        adv(sc);
        unknown(sc, w, SL_SH_POSITIONAL, sl_strndup(sc->a, from, 2), start, from);
    } else {
        sb_put(&w->text, "$", 1, NULL, start);
    }
}

static void backquote(sh_scan *sc, sh_word *w)
{
    sh_pos start = pos_here(sc);
    const char *from = sc->p;
    adv(sc);
    while (!at_end(sc) && *sc->p != '`') {
        if (*sc->p == '\\')
            adv(sc);
        adv(sc);
    }
    adv(sc);
    unknown(sc, w, SL_SH_SUBSTITUTION, sl_strndup(sc->a, from, (size_t)(sc->p - from)), start,
            from);
}

static bool word_ends(char c)
{
    return strchr(" \t\r\n;&|()<>", c) != NULL;
}

/* The script's text ends inside a quote opened at `at`: bash reads to the
 * end of the file for its closing quote and refuses the script there. Text
 * a variable holds is not checked: run as a command, its quotes are
 * literal characters. */
static void check_closed(sh_scan *sc, sl_loc at)
{
    if (at_end(sc) && !sc->map && !sl_loc_is_set(sc->shared->open_quote))
        sc->shared->open_quote = at;
}

static void single_quoted(sh_scan *sc, sh_word *w)
{
    sl_loc open = here(sc);
    adv(sc);
    const char *s = sc->p;
    sh_pos start = pos_here(sc);
    while (!at_end(sc) && *sc->p != '\'')
        adv(sc);
    check_closed(sc, open);
    put_written(sc, &w->text, s, start);
    adv(sc);
}

/* One character taken literally. */
static void literal(sh_scan *sc, sh_word *w)
{
    sb_put(&w->text, sc->p, 1, NULL, pos_here(sc));
    adv(sc);
}

static void parse_part(sh_scan *sc, sh_word *w, sh_ctx ctx, int depth)
{
    const char *start = sc->p;
    while (!at_end(sc)) {
        char c = *sc->p;
        if (ctx == CTX_WORD && word_ends(c))
            return;
        if ((ctx == CTX_DQUOTE && c == '"') || (ctx == CTX_BRACE && c == '}'))
            return;
        if (c == '\\') {
            sh_pos at = pos_here(sc);
            adv(sc);
            char n = peek(sc, 0);
            if (!n)
                continue;
            if (n == '\n')
                adv(sc); /* a continuation: the word goes on */
            else if (ctx != CTX_DQUOTE || strchr("$`\"\\", n))
                literal(sc, w);
            else
                sb_put(&w->text, "\\", 1, NULL, at);
        } else if (c == '\'' && ctx != CTX_DQUOTE) {
            single_quoted(sc, w);
        } else if (c == '"' && ctx != CTX_DQUOTE) {
            sl_loc open = here(sc);
            adv(sc);
            parse_part(sc, w, CTX_DQUOTE, depth);
            check_closed(sc, open);
            adv(sc);
        } else if (c == '$') {
            bool first = ctx == CTX_WORD && sc->p == start && depth == 0;
            expand(sc, w, depth);
            w->whole = first && (at_end(sc) || word_ends(*sc->p));
        } else if (c == '`') {
            backquote(sc, w);
        } else {
            literal(sc, w);
        }
    }
}

/* ---- commands ---------------------------------------------------------------- */

static void skip_heredoc(sh_scan *sc)
{
    size_t n = strlen(sc->heredoc);
    while (!at_end(sc)) {
        const char *s = sc->p;
        const char *nl = memchr(s, '\n', (size_t)(sc->end - s));
        const char *e = nl ? nl : sc->end;
        if (sc->heredoc_tabs)
            while (s < e && *s == '\t')
                s++;
        bool last = (size_t)(e - s) == n && memcmp(s, sc->heredoc, n) == 0;
        while (sc->p < e)
            adv(sc);
        adv(sc);
        if (last)
            break;
    }
    sc->heredoc = NULL;
}

static void free_word(sh_word *w)
{
    sb_free(&w->text);
}

static sh_word *read_word(sh_scan *sc)
{
    sh_word *w = sl_alloc(sc->a, sizeof *w);
    w->loc = here(sc);
    w->src = sc->p;
    parse_part(sc, w, CTX_WORD, 0);
    w->srcn = (size_t)(sc->p - w->src);
    return w;
}

/* A redirection at sc->p: its target word is read and dropped; a here
 * document's body is skipped once its line ends. */
static void redirection(sh_scan *sc)
{
    bool heredoc = peek(sc, 0) == '<' && peek(sc, 1) == '<' && peek(sc, 2) != '<';
    while (!at_end(sc) && strchr("<>&-|", *sc->p))
        adv(sc);
    while (!at_end(sc) && (*sc->p == ' ' || *sc->p == '\t'))
        adv(sc);
    if (at_end(sc) || word_ends(*sc->p))
        return;
    sh_word *target = read_word(sc);
    if (heredoc && target->text.s) {
        sc->heredoc_tabs = target->src > sc->base && target->src[-1] == '-';
        sc->heredoc = sl_strndup(sc->a, target->text.s, target->text.n);
    }
    free_word(target);
}

static bool has_blank(const sh_word *w)
{
    return w->text.n && strpbrk(sh_word_text(w), " \t\n") != NULL;
}

/* A scanner over text that a variable held, each byte at the place the
 * script wrote it. The text is copied to the arena: words read from it
 * outlive the buffer it came from. */
static sh_scan child(const sh_scan *sc, const sbuf *text)
{
    sh_pos *at = sl_alloc(sc->a, (text->n + 1) * sizeof *at);
    memcpy(at, text->at, text->n * sizeof *at);
    sh_scan c = *sc;
    c.base = c.p = c.bol = sl_strndup(sc->a, text->s, text->n);
    c.end = c.base + text->n;
    c.map = at;
    c.depth = sc->depth + 1;
    c.heredoc = NULL;
    return c;
}

static void split_fields(sh_scan *sc, sh_word *w, sl_vec *into);

/* The words of the next simple command into *words; false at the end. */
static bool read_command(sh_scan *sc, sl_vec *words)
{
    memset(words, 0, sizeof *words);
    while (!at_end(sc)) {
        char c = *sc->p;
        if (c == ' ' || c == '\t' || c == '\r') {
            adv(sc);
        } else if (c == '\\' && peek(sc, 1) == '\n') {
            adv(sc);
            adv(sc);
        } else if (c == '#') {
            while (!at_end(sc) && *sc->p != '\n')
                adv(sc);
        } else if (c == '\n') {
            adv(sc);
            if (sc->heredoc)
                skip_heredoc(sc);
            if (words->n)
                return true;
        } else if (strchr(";&|()", c)) {
            adv(sc);
            if (words->n)
                return true;
        } else if (c == '<' || c == '>') {
            redirection(sc);
        } else {
            sh_word *w = read_word(sc);
            /* `2>file`: the digits were a file descriptor, not a word. */
            if (!at_end(sc) && (*sc->p == '<' || *sc->p == '>') &&
                strspn(w->src, "0123456789") == w->srcn) {
                free_word(w);
                continue;
            }
            /* `$ARGS` with blanks in its value is several words, except where
             * it is the command: that is run whole (see command). */
            if (w->whole && words->n && has_blank(w))
                split_fields(sc, w, words);
            else
                sl_vec_push(sc->a, words, w);
        }
    }
    return words->n > 0;
}

/* The fields of a whole-expansion word, read again as words. */
static void split_fields(sh_scan *sc, sh_word *w, sl_vec *into)
{
    if (sc->depth >= SL_SH_MAX_EXPANSION_DEPTH) {
        sl_vec_push(sc->a, into, w);
        return;
    }
    sh_scan c = child(sc, &w->text);
    free_word(w);
    while (!at_end(&c)) {
        if (word_ends(*c.p)) {
            adv(&c);
            continue;
        }
        sh_word *f = read_word(&c);
        f->whole = false;
        sl_vec_push(sc->a, into, f);
    }
}

static bool is_assignment(const sh_word *w)
{
    return scan_re_match(&re_assign, w->src, w->srcn, NULL, 0);
}

/* NAME=value or NAME+=value; the value keeps where it was written and the
 * first unknown it uses. */
static void assign(sh_scan *sc, sh_word *w)
{
    const char *eq = memchr(w->src, '=', w->srcn);
    bool append = eq[-1] == '+';
    const char *name = sl_strndup(sc->a, w->src, (size_t)(eq - w->src) - append);
    const char *t = sh_word_text(w);
    const char *v = strchr(t, '=');
    sbuf value = {0};
    const sl_sh_unknown *cause = w->unknown.n ? w->unknown.items[0] : NULL;
    const sh_var *old = append ? lookup(sc, name) : NULL;
    if (old && old->value) {
        sb_put(&value, old->value, old->len, old->at, (sh_pos){0});
        cause = cause ? cause : old->cause;
    }
    if (v) {
        size_t off = (size_t)(v + 1 - t);
        sb_put(&value, v + 1, w->text.n - off, w->text.at + off, (sh_pos){0});
    }
    set_var(sc, name, &value, cause);
    sb_free(&value);
}

static bool is_reserved(const sh_word *w)
{
    static const char *const rw[] = {"if",    "then", "else", "elif", "fi", "do", "done",
                                     "while", "until", "!",   "{",    "}",  "time", NULL};
    for (int i = 0; rw[i]; i++)
        if (sh_word_is(w, rw[i]))
            return true;
    return false;
}

static void run_text(sh_scan *sc, const sbuf *text, sl_vec *tail);

/* words[from..to) joined by blanks, as eval joins its arguments; each blank
 * sits where the next word starts. */
static void join_words(sl_vec *words, size_t from, size_t to, sbuf *out)
{
    for (size_t k = from; k < to && k < words->n; k++) {
        const sh_word *w = words->items[k];
        sh_pos at = {w->loc.line, w->loc.col};
        if (k > from)
            sb_put(out, " ", 1, NULL, at);
        sb_put(out, w->text.s, w->text.n, w->text.at, at);
    }
}

/* `cd DIR` (or pushd, popd): the working directory moves, or becomes
 * unknown when DIR is not a folder here. */
static void change_dir(sh_scan *sc, const sh_word *cmd, const sh_word *dir)
{
    const char *t = dir ? sh_word_text(dir) : NULL;
    const char *to = !dir || dir->unresolved || strcmp(t, "-") == 0 ? NULL
                     : t[0] == '/'                  ? sl_path_tidy(sc->a, t)
                     : sc->cwd                      ? sl_path_join(sc->a, sc->cwd, t)
                                                    : NULL;
    if (to && sl_is_dir(to)) {
        sc->cwd = to;
        return;
    }
    sc->cwd = NULL;
    sc->cd = dir ? sl_strndup(sc->a, dir->src, dir->srcn) : sl_strdup(sc->a, sh_word_text(cmd));
    sc->cd_loc = cmd->loc;
}

/* The string a command runs as a shell command, into *text: eval's
 * arguments, bash -c's string, or a `--command` option's (xpk, gcloud ssh:
 * run on the job's hosts). */
static void nested_text(sl_vec *words, size_t i, sbuf *text)
{
    const sh_word *cmd = words->items[i];
    const char *base = sl_path_base(sh_word_text(cmd));
    if (sh_word_is(cmd, "eval")) {
        join_words(words, i + 1, words->n, text);
    } else if (!cmd->unresolved && scan_re_match(&re_shell, base, strlen(base), NULL, 0)) {
        size_t k = i + 1;
        while (k < words->n && sh_word_text(words->items[k])[0] == '-' &&
               !strchr(sh_word_text(words->items[k]), 'c'))
            k++;
        if (k < words->n && sh_word_text(words->items[k])[0] == '-')
            join_words(words, k + 1, k + 2, text);
    } else {
        for (size_t k = i; k < words->n && !text->n; k++) {
            const sh_word *w = words->items[k];
            const char *t = sh_word_text(w);
            if (strcmp(t, "--command") == 0)
                join_words(words, k + 1, k + 2, text);
            else if (strncmp(t, "--command=", 10) == 0)
                sb_put(text, t + 10, w->text.n - 10, w->text.at + 10, (sh_pos){0});
        }
    }
}

/* `for NAME in`, `read NAME...`: names the script sets when it runs. */
static bool sets_at_runtime(sh_scan *sc, sl_vec *words, size_t i)
{
    const sh_word *cmd = words->items[i];
    bool loop = sh_word_is(cmd, "for") || sh_word_is(cmd, "select");
    if (!loop && !sh_word_is(cmd, "read"))
        return false;
    const char *how = sl_strdup(sc->a, sh_word_text(cmd));
    for (size_t k = i + 1; k < words->n; k++) {
        const char *t = sh_word_text(words->items[k]);
        if (t[0] == '-' || !is_name_start(t[0]))
            continue;
        if (loop && k > i + 1)
            break;
        set_runtime(sc, sl_strdup(sc->a, t), cmd->loc, how);
    }
    return true;
}

static bool declares(const sh_word *w)
{
    return sh_word_is(w, "export") || sh_word_is(w, "local") || sh_word_is(w, "readonly") ||
           sh_word_is(w, "declare") || sh_word_is(w, "typeset");
}

/* Builtins that change what later commands see: declarations, unset, cd,
 * and names set at run time. False for any other command. */
static bool builtin(sh_scan *sc, sl_vec *words, size_t i)
{
    const sh_word *cmd = words->items[i];
    if (sets_at_runtime(sc, words, i))
        return true;
    if (declares(cmd)) {
        for (size_t k = i + 1; k < words->n; k++)
            if (is_assignment(words->items[k]))
                assign(sc, words->items[k]);
    } else if (sh_word_is(cmd, "unset")) {
        for (size_t k = i + 1; k < words->n; k++)
            set_var(sc, sl_strdup(sc->a, sh_word_text(words->items[k])), NULL, NULL);
    } else if (sh_word_is(cmd, "cd") || sh_word_is(cmd, "pushd") || sh_word_is(cmd, "popd")) {
        bool to = i + 1 < words->n && !sh_word_is(cmd, "popd");
        change_dir(sc, cmd, to ? words->items[i + 1] : NULL);
    } else {
        return false;
    }
    return true;
}

static void command(sh_scan *sc, sl_vec *words)
{
    size_t i = 0;
    while (i < words->n && is_reserved(words->items[i]))
        i++;
    if (i == words->n || sh_word_is(words->items[i], "case"))
        return;
    size_t first = i;
    while (i < words->n && is_assignment(words->items[i]))
        i++;
    if (i == words->n) {
        for (size_t k = first; k < i; k++)
            assign(sc, words->items[k]);
        return;
    }
    sh_word *cmd = words->items[i];
    if (builtin(sc, words, i))
        return;
    if (cmd->whole && has_blank(cmd)) {
        /* $CMD: the variable's text is the command, the words after it its
         * last words. */
        sl_vec tail = {0};
        for (size_t k = i + 1; k < words->n; k++)
            sl_vec_push(sc->a, &tail, words->items[k]);
        run_text(sc, &cmd->text, &tail);
        return;
    }
    if (sh_launch(sc, words, i))
        return;
    sbuf text = {0};
    nested_text(words, i, &text);
    run_text(sc, &text, NULL);
    sb_free(&text);
}

static void free_words(sl_vec *words)
{
    /* Launch strings were copied into the arena; the buffers go. */
    for (size_t i = 0; i < words->n; i++)
        free_word(words->items[i]);
}

static void scan_commands(sh_scan *sc, sl_vec *tail)
{
    sl_vec words;
    while (!sl_loc_is_set(sc->shared->too_big) && read_command(sc, &words)) {
        if (at_end(sc) && tail)
            for (size_t k = 0; k < tail->n; k++)
                sl_vec_push(sc->a, &words, tail->items[k]);
        command(sc, &words);
        free_words(&words);
    }
}

/* Text held by a variable, run as commands; `tail` (words, may be NULL) ends
 * its last command. */
static void run_text(sh_scan *sc, const sbuf *text, sl_vec *tail)
{
    if (sc->depth >= SL_SH_MAX_EXPANSION_DEPTH || !text->n)
        return;
    sh_scan c = child(sc, text);
    scan_commands(&c, tail);
}

int sl_scan_sh_buf(sl_arena *a, const char *buf, size_t len, const char *display_path,
                   const char *cwd, sl_vec *launches, sl_err *err)
{
    sh_shared shared = {0};
    sh_scan sc = {.a = a, .display = display_path, .base = buf, .p = buf, .end = buf + len,
                  .bol = buf, .line = 1, .shared = &shared, .launches = launches, .cwd = cwd};
    scan_commands(&sc, NULL);
    if (sl_loc_is_set(shared.open_quote)) {
        sl_err_set(err, shared.open_quote, "this quote is never closed: bash reads to the end "
                   "of the script for its closing quote and stops there with a syntax error, "
                   "so the command it is in never runs; close it, then lint the script again");
        return -1;
    }
    if (!sl_loc_is_set(shared.too_big))
        return 0;
    sl_err_set(err, shared.too_big, "this word expands to more than %u bytes (%u for the "
               "whole script): shardlint stops reading the script here", SL_SH_MAX_WORD,
               SL_SH_MAX_EXPANDED);
    return -1;
}

int sl_scan_sh_file(sl_arena *a, const char *path, const char *cwd, sl_vec *launches,
                    sl_err *err)
{
    char *buf;
    size_t len;
    if (sl_file_read(path, SL_SCAN_MAX_FILE, (sl_loc){0}, &buf, &len, err) != 0)
        return -1;
    int rc = sl_scan_sh_buf(a, buf, len, sl_strdup(a, path), cwd, launches, err);
    free(buf);
    return rc;
}
