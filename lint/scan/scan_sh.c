/* Launch scripts: splits a shell script into simple commands the way a POSIX
 * shell would (quotes, backslash continuations, comments, ${VAR:-default}),
 * keeps the plain assignments it meets, and turns each MaxText launch into
 * its config, overrides and implied device count. Nothing is run: command
 * substitutions and variables the script does not set stay unknown. */
#include "shardlint/scan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scan_internal.h"

static scan_re re_python = {"^python(?:[23](?:\\.[0-9]+)?)?$", 0, NULL};
static scan_re re_module = {
    "^(?:(?:maxtext|MaxText)(?:\\.\\w+)*\\.(?:train|train_compile|decode)"
    "|maxtext\\.trainers\\.(?:pre_train|post_train)(?:\\.\\w+)+)$",
    0, NULL};
/* A module whose last part is a variable (pre_train.$EXECUTABLE). */
static scan_re re_module_prefix = {"^(?:maxtext\\.trainers\\.|MaxText\\.)", 0, NULL};
static scan_re re_script = {
    "(?:^|/)(?:train|train_compile|decode|train_sft|train_rl|train_distill|grpo_trainer)\\.py$",
    0, NULL};
static scan_re re_key = {"^[A-Za-z_][A-Za-z0-9_]*=", 0, NULL};


/* ---- a growable string --------------------------------------------------- */

typedef struct {
    char *s;
    size_t n, cap;
} sbuf;

static void sb_putn(sbuf *b, const char *s, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < b->n + n + 1)
            cap *= 2;
        char *ns = realloc(b->s, cap);
        if (!ns)
            return; /* text is dropped, the scan goes on */
        b->s = ns;
        b->cap = cap;
    }
    memcpy(b->s + b->n, s, n);
    b->n += n;
    b->s[b->n] = '\0';
}

static void sb_putc(sbuf *b, char c)
{
    sb_putn(b, &c, 1);
}

/* ---- scanner state -------------------------------------------------------- */

typedef struct {
    const char *name;
    const char *value;   /* NULL: assigned from something unknown */
} sh_var;

typedef struct {
    sbuf text;           /* resolved; unknown expansions kept as written */
    const char *src;     /* the word as written */
    size_t srcn;
    sl_loc loc;
    bool unresolved;
    sl_vec unknown;      /* sl_sh_unknown * */
} sh_word;

typedef struct {
    sl_arena *a;
    const char *display;
    const char *root;
    const char *p, *end, *bol;
    int line;
    sl_vec vars;         /* sh_var *, latest last */
    sl_vec *launches;
    const char *heredoc; /* delimiter awaited after this line, or NULL */
    bool heredoc_tabs;
} sh_scan;

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

static sl_loc here(const sh_scan *sc)
{
    return (sl_loc){.file = sc->display, .line = sc->line, .col = (int)(sc->p - sc->bol) + 1};
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
    for (size_t i = sc->vars.n; i-- > 0;) {
        const sh_var *v = sc->vars.items[i];
        if (strcmp(v->name, name) == 0)
            return v;
    }
    return NULL;
}

static void set_var(sh_scan *sc, const char *name, const char *value)
{
    sh_var *v = sl_alloc(sc->a, sizeof *v);
    v->name = name;
    v->value = value;
    sl_vec_push(sc->a, &sc->vars, v);
}

static void unknown(sh_scan *sc, sh_word *w, const char *name, sl_loc at, const char *from)
{
    sl_sh_unknown *u = sl_alloc(sc->a, sizeof *u);
    u->name = name;
    u->loc = at;
    sl_vec_push(sc->a, &w->unknown, u);
    w->unresolved = true;
    sb_putn(&w->text, from, (size_t)(sc->p - from));
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

static void merge(sh_scan *sc, sh_word *into, sh_word *from)
{
    if (from->text.n)
        sb_putn(&into->text, from->text.s, from->text.n);
    for (size_t i = 0; i < from->unknown.n; i++)
        sl_vec_push(sc->a, &into->unknown, from->unknown.items[i]);
    into->unresolved |= from->unresolved;
}

/* `$NAME` or `${NAME}`: its value, $PWD the repository root. */
static void use_var(sh_scan *sc, sh_word *w, const char *name, sl_loc at, const char *from)
{
    const sh_var *v = lookup(sc, name);
    if (v && v->value)
        sb_putn(&w->text, v->value, strlen(v->value));
    else if (!v && strcmp(name, "PWD") == 0 && sc->root)
        sb_putn(&w->text, sc->root, strlen(sc->root));
    else
        unknown(sc, w, name, at, from);
}

/* ${NAME<op>word} for the ops - := = :+ +, after the op. */
static void expand_default(sh_scan *sc, sh_word *w, const char *name, bool colon, char op,
                           sl_loc at, const char *from, int depth)
{
    sh_word alt = {0};
    parse_part(sc, &alt, CTX_BRACE, depth + 1);
    adv(sc); /* the closing brace */
    const sh_var *v = lookup(sc, name);
    bool pwd = !v && strcmp(name, "PWD") == 0 && sc->root;
    const char *value = pwd ? sc->root : v ? v->value : NULL;
    bool set = pwd || v;
    if (set && !value) {
        unknown(sc, w, name, at, from);
    } else if (op == '+') {
        if (set && (!colon || *value))
            merge(sc, w, &alt);
    } else if (set && (!colon || *value)) {
        sb_putn(&w->text, value, strlen(value));
    } else {
        merge(sc, w, &alt);
        if (op == '=' && !alt.unresolved)
            set_var(sc, name, sl_strndup(sc->a, alt.text.s ? alt.text.s : "", alt.text.n));
    }
    free(alt.text.s);
}

static void expand_braced(sh_scan *sc, sh_word *w, sl_loc at, const char *from, int depth)
{
    adv(sc); /* '{' */
    const char *name_start = sc->p;
    while (!at_end(sc) && is_name_char(*sc->p))
        adv(sc);
    const char *name = sl_strndup(sc->a, name_start, (size_t)(sc->p - name_start));
    bool colon = peek(sc, 0) == ':' && strchr("-=+", peek(sc, 1));
    char op = peek(sc, colon ? 1 : 0);
    if (*name && op == '}' && !colon) {
        adv(sc);
        use_var(sc, w, name, at, from);
    } else if (*name && strchr("-=+", op) && op && depth < SL_SH_MAX_EXPANSION_DEPTH) {
        adv(sc);
        if (colon)
            adv(sc);
        expand_default(sc, w, name, colon, op, at, from, depth);
    } else {
        /* ${#X}, ${X%y}, ${X/a/b}, ${1}: forms not evaluated here. */
        skip_braces(sc);
        unknown(sc, w, *name ? name : sl_strndup(sc->a, from, (size_t)(sc->p - from)), at, from);
    }
}

static void expand(sh_scan *sc, sh_word *w, int depth)
{
    sl_loc at = here(sc);
    const char *from = sc->p;
    adv(sc); /* '$' */
    char c = peek(sc, 0);
    if (c == '(') {
        skip_parens(sc);
        unknown(sc, w, sl_strndup(sc->a, from, (size_t)(sc->p - from)), at, from);
    } else if (c == '{') {
        expand_braced(sc, w, at, from, depth);
    } else if (is_name_start(c)) {
        const char *s = sc->p;
        while (!at_end(sc) && is_name_char(*sc->p))
            adv(sc);
        use_var(sc, w, sl_strndup(sc->a, s, (size_t)(sc->p - s)), at, from);
    } else if (c && strchr("0123456789@*#?$!-", c)) {
        adv(sc);
        unknown(sc, w, sl_strndup(sc->a, from, 2), at, from);
    } else {
        sb_putc(&w->text, '$');
    }
}

static void backquote(sh_scan *sc, sh_word *w)
{
    sl_loc at = here(sc);
    const char *from = sc->p;
    adv(sc);
    while (!at_end(sc) && *sc->p != '`') {
        if (*sc->p == '\\')
            adv(sc);
        adv(sc);
    }
    adv(sc);
    unknown(sc, w, sl_strndup(sc->a, from, (size_t)(sc->p - from)), at, from);
}

static bool word_ends(char c)
{
    return strchr(" \t\r\n;&|()<>", c) != NULL;
}

static void single_quoted(sh_scan *sc, sh_word *w)
{
    adv(sc);
    const char *s = sc->p;
    while (!at_end(sc) && *sc->p != '\'')
        adv(sc);
    sb_putn(&w->text, s, (size_t)(sc->p - s));
    adv(sc);
}

static void parse_part(sh_scan *sc, sh_word *w, sh_ctx ctx, int depth)
{
    while (!at_end(sc)) {
        char c = *sc->p;
        if (ctx == CTX_WORD && word_ends(c))
            return;
        if ((ctx == CTX_DQUOTE && c == '"') || (ctx == CTX_BRACE && c == '}'))
            return;
        if (c == '\\') {
            char n = peek(sc, 1);
            adv(sc);
            if (n == '\n') {
                adv(sc); /* a continuation: the word goes on */
            } else if (ctx != CTX_DQUOTE || (n && strchr("$`\"\\", n))) {
                sb_putc(&w->text, n);
                adv(sc);
            } else {
                sb_putc(&w->text, '\\');
            }
        } else if (c == '\'' && ctx != CTX_DQUOTE) {
            single_quoted(sc, w);
        } else if (c == '"' && ctx != CTX_DQUOTE) {
            adv(sc);
            parse_part(sc, w, CTX_DQUOTE, depth);
            adv(sc);
        } else if (c == '$') {
            expand(sc, w, depth);
        } else if (c == '`') {
            backquote(sc, w);
        } else {
            sb_putc(&w->text, c);
            adv(sc);
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
        sc->heredoc_tabs = target->src > sc->bol && target->src[-1] == '-';
        sc->heredoc = sl_strndup(sc->a, target->text.s, target->text.n);
    }
    free(target->text.s);
}

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
                free(w->text.s);
                continue;
            }
            sl_vec_push(sc->a, words, w);
        }
    }
    return words->n > 0;
}

static const char *word_text(const sh_word *w)
{
    return w->text.s ? w->text.s : "";
}

static bool word_is(const sh_word *w, const char *s)
{
    return !w->unresolved && strcmp(word_text(w), s) == 0;
}

static bool is_assignment(const sh_word *w)
{
    return scan_re_match(&re_key, w->src, w->srcn, NULL, 0);
}

static void assign(sh_scan *sc, const sh_word *w)
{
    const char *eq = memchr(w->src, '=', w->srcn);
    const char *name = sl_strndup(sc->a, w->src, (size_t)(eq - w->src));
    const char *t = word_text(w);
    const char *value = strchr(t, '=');
    set_var(sc, name, w->unresolved || !value ? NULL : sl_strdup(sc->a, value + 1));
}

/* ---- launches -------------------------------------------------------------- */

static const char *normalize_path(sh_scan *sc, const char *p)
{
    sbuf b = {0};
    if (p[0] != '/' && sc->root) {
        sb_putn(&b, sc->root, strlen(sc->root));
        sb_putc(&b, '/');
    }
    for (const char *s = p; *s; s++) {
        if (*s == '/' && b.n && b.s[b.n - 1] == '/')
            continue;
        if (*s == '.' && s[1] == '/' && b.n && b.s[b.n - 1] == '/') {
            s++;
            continue;
        }
        sb_putc(&b, *s);
    }
    const char *out = sl_strdup(sc->a, b.s ? b.s : "");
    free(b.s);
    return out;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static bool is_entry(const sh_word *w, bool module)
{
    const char *t = word_text(w);
    if (!module)
        return scan_re_match(&re_script, t, strlen(t), NULL, 0);
    return scan_re_match(&re_module, t, strlen(t), NULL, 0) ||
           (w->unresolved && scan_re_match(&re_module_prefix, t, strlen(t), NULL, 0));
}

/* Index of the entry-point word of a launch in words[from..n), or -1;
 * *python gets the index of the python word before it. */
static long find_entry(sl_vec *words, size_t from, size_t *python)
{
    for (size_t i = from; i < words->n; i++) {
        const char *t = word_text(words->items[i]);
        const char *base = strrchr(t, '/');
        base = base ? base + 1 : t;
        if (!scan_re_match(&re_python, base, strlen(base), NULL, 0))
            continue;
        size_t j = i + 1;
        while (j < words->n && word_text(words->items[j])[0] == '-' &&
               !word_is(words->items[j], "-m"))
            j++;
        bool module = j < words->n && word_is(words->items[j], "-m");
        if (module)
            j++;
        if (j < words->n && is_entry(words->items[j], module)) {
            *python = i;
            return (long)j;
        }
    }
    return -1;
}

static void add_unknowns(sh_scan *sc, sl_vec *into, const sh_word *w)
{
    for (size_t i = 0; i < w->unknown.n; i++)
        sl_vec_push(sc->a, into, w->unknown.items[i]);
}

static void make_launch(sh_scan *sc, sl_vec *words, size_t entry, const sh_word *python)
{
    sl_launch *l = sl_alloc(sc->a, sizeof *l);
    const sh_word *e = words->items[entry];
    l->loc = python->loc;
    l->entry_point = sl_strdup(sc->a, word_text(e));
    sl_vec unknowns = {0}, ov = {0}, unres = {0};
    add_unknowns(sc, &unknowns, e);
    size_t i = entry + 1;
    if (i < words->n) {
        const sh_word *c = words->items[i];
        const char *t = word_text(c);
        if (ends_with(t, ".yml") || ends_with(t, ".yaml")) {
            l->config_src = sl_strndup(sc->a, c->src, c->srcn);
            l->config_loc = c->loc;
            l->config = c->unresolved ? NULL : normalize_path(sc, t);
            add_unknowns(sc, &unknowns, c);
            i++;
        }
    }
    for (; i < words->n; i++) {
        const sh_word *w = words->items[i];
        const char *t = word_text(w);
        if (!scan_re_match(&re_key, t, strlen(t), NULL, 0))
            continue;
        sl_override *o = sl_alloc(sc->a, sizeof *o);
        const char *eq = strchr(t, '=');
        o->key = sl_strndup(sc->a, t, (size_t)(eq - t));
        o->text = sl_strdup(sc->a, eq + 1);
        o->loc = w->loc;
        sl_vec_push(sc->a, w->unresolved ? &unres : &ov, o);
        add_unknowns(sc, &unknowns, w);
    }
    l->ov = sl_alloc(sc->a, (ov.n + 1) * sizeof *l->ov);
    for (size_t k = 0; k < ov.n; k++)
        l->ov[k] = *(sl_override *)ov.items[k];
    l->nov = ov.n;
    l->unresolved = sl_alloc(sc->a, (unres.n + 1) * sizeof *l->unresolved);
    for (size_t k = 0; k < unres.n; k++)
        l->unresolved[k] = *(sl_override *)unres.items[k];
    l->nunresolved = unres.n;
    l->unknown = sl_alloc(sc->a, (unknowns.n + 1) * sizeof *l->unknown);
    for (size_t k = 0; k < unknowns.n; k++)
        l->unknown[k] = *(sl_sh_unknown *)unknowns.items[k];
    l->nunknown = unknowns.n;
    sl_vec_push(sc->a, sc->launches, l);
}

static bool is_reserved(const sh_word *w)
{
    static const char *const rw[] = {"if",    "then", "else", "elif", "fi", "do", "done",
                                     "while", "until", "!",   "{",    "}",  "time", NULL};
    for (int i = 0; rw[i]; i++)
        if (word_is(w, rw[i]))
            return true;
    return false;
}

static void command(sh_scan *sc, sl_vec *words)
{
    size_t i = 0;
    while (i < words->n && is_reserved(words->items[i]))
        i++;
    if (i == words->n || word_is(words->items[i], "for") || word_is(words->items[i], "case") ||
        word_is(words->items[i], "select"))
        return;
    size_t first = i;
    while (i < words->n && is_assignment(words->items[i]))
        i++;
    if (i == words->n) {
        for (size_t k = first; k < i; k++)
            assign(sc, words->items[k]);
        return;
    }
    const sh_word *cmd = words->items[i];
    if (word_is(cmd, "export") || word_is(cmd, "local") || word_is(cmd, "readonly") ||
        word_is(cmd, "declare") || word_is(cmd, "typeset")) {
        for (size_t k = i + 1; k < words->n; k++)
            if (is_assignment(words->items[k]))
                assign(sc, words->items[k]);
        return;
    }
    if (word_is(cmd, "unset")) {
        for (size_t k = i + 1; k < words->n; k++)
            set_var(sc, sl_strdup(sc->a, word_text(words->items[k])), NULL);
        return;
    }
    size_t python;
    long entry = find_entry(words, i, &python);
    if (entry >= 0)
        make_launch(sc, words, (size_t)entry, words->items[python]);
}

static void free_words(sl_vec *words)
{
    for (size_t i = 0; i < words->n; i++) {
        sh_word *w = words->items[i];
        /* Launch strings were copied into the arena; the buffers go. */
        free(w->text.s);
        w->text.s = NULL;
    }
}

int sl_scan_sh_buf(sl_arena *a, const char *buf, size_t len, const char *display_path,
                   const char *repo_root, sl_vec *launches, sl_err *err)
{
    sh_scan sc = {.a = a, .display = display_path, .root = repo_root, .p = buf,
                  .end = buf + len, .bol = buf, .line = 1, .launches = launches};
    sl_vec words;
    while (read_command(&sc, &words)) {
        command(&sc, &words);
        free_words(&words);
    }
    free_words(&words);
    return 0;
}

int sl_scan_sh_file(sl_arena *a, const char *path, const char *repo_root, sl_vec *launches,
                    sl_err *err)
{
    char *buf;
    size_t len;
    if (sl_file_read(path, SL_SCAN_MAX_FILE, (sl_loc){0}, &buf, &len, err) != 0)
        return -1;
    int rc = sl_scan_sh_buf(a, buf, len, sl_strdup(a, path), repo_root, launches, err);
    free(buf);
    return rc;
}

/* The layouts MaxText's configs have had, relative to the checkout. */
static const char *const config_layouts[] = {
    "src/maxtext/configs/base.yml",
    "src/MaxText/configs/base.yml",
    "MaxText/configs/base.yml",
};

static bool holds_configs(sl_arena *a, const char *dir)
{
    for (size_t i = 0; i < sizeof config_layouts / sizeof config_layouts[0]; i++)
        if (sl_is_file(sl_path_join(a, dir, config_layouts[i])))
            return true;
    return false;
}

const char *sl_scan_find_repo_root(sl_arena *a, const char *script_path)
{
    /* The script need not exist (an editor's unsaved buffer, standard
     * input): its folder then stands for it. */
    const char *real = sl_path_real(a, script_path);
    const char *dir = real ? sl_path_dir(a, real)
                           : sl_path_real(a, sl_path_dir(a, sl_path_absolute(a, script_path)));
    while (dir && *dir) {
        if (holds_configs(a, dir))
            return dir;
        if (strcmp(dir, "/") == 0)
            break;
        dir = sl_path_dir(a, dir);
    }
    return NULL;
}
