/* MaxText launches in shell commands: the python word, the entry point
 * (a MaxText module or trainer script), the config argument and the
 * key=value words, each with the place it was written and what it uses that
 * the script does not define. */
#include <string.h>

#include "scan_internal.h"
#include "scan_sh_internal.h"

static scan_re re_python = {"^python(?:[23](?:\\.[0-9]+)?)?$", 0, NULL};
static scan_re re_module = {
    "^(?:src\\.)?(?:(?:maxtext|MaxText)(?:\\.\\w+)*\\."
    "(?:train|train_compile|decode|sft_trainer|train_sft|train_rl|train_distill)"
    "|maxtext\\.trainers\\.(?:pre_train|post_train)(?:\\.\\w+)+)$",
    0, NULL};
/* A module whose last part is a variable (pre_train.$EXECUTABLE). */
static scan_re re_module_prefix = {"^(?:maxtext\\.trainers\\.|MaxText\\.)", 0, NULL};
static scan_re re_script = {
    "(?:^|/)(?:train|train_compile|decode|train_sft|train_rl|train_distill|grpo_trainer|"
    "sft_trainer)\\.py$",
    0, NULL};
static scan_re re_key = {"^[A-Za-z_][A-Za-z0-9_]*=", 0, NULL};

static bool is_entry(const sh_word *w, bool module)
{
    const char *t = sh_word_text(w);
    if (!module)
        return scan_re_match(&re_script, t, strlen(t), NULL, 0);
    return scan_re_match(&re_module, t, strlen(t), NULL, 0) ||
           (w->unresolved && scan_re_match(&re_module_prefix, t, strlen(t), NULL, 0));
}

/* Index of the entry-point word of a launch in words[from..n), or -1;
 * *python gets the index of the python word before it, *module whether the
 * entry point is a module. */
static long find_entry(sl_vec *words, size_t from, size_t *python, bool *module)
{
    for (size_t i = from; i < words->n; i++) {
        const char *t = sh_word_text(words->items[i]);
        const char *base = strrchr(t, '/');
        base = base ? base + 1 : t;
        if (!scan_re_match(&re_python, base, strlen(base), NULL, 0))
            continue;
        size_t j = i + 1;
        while (j < words->n && sh_word_text(words->items[j])[0] == '-' &&
               !sh_word_is(words->items[j], "-m"))
            j++;
        *module = j < words->n && sh_word_is(words->items[j], "-m");
        if (*module)
            j++;
        if (j < words->n && is_entry(words->items[j], *module)) {
            *python = i;
            return (long)j;
        }
    }
    return -1;
}

/* A word as written, without the line continuations inside it. */
static const char *written(sl_arena *a, const sh_word *w)
{
    char *out = sl_strndup(a, w->src, w->srcn);
    size_t n = 0;
    for (size_t i = 0; i < w->srcn; i++) {
        if (w->src[i] == '\\' && i + 1 < w->srcn && w->src[i + 1] == '\n')
            i++;
        else
            out[n++] = w->src[i];
    }
    out[n] = '\0';
    return out;
}

/* The word's unknowns, each told which word it spoils. */
static void add_unknowns(sh_scan *sc, sl_vec *into, const sh_word *w, sl_sh_word_role role)
{
    for (size_t i = 0; i < w->unknown.n; i++) {
        sl_sh_unknown *u = sl_alloc(sc->a, sizeof *u);
        *u = *(const sl_sh_unknown *)w->unknown.items[i];
        u->word = written(sc->a, w);
        u->word_loc = w->loc;
        u->role = role;
        sl_vec_push(sc->a, into, u);
    }
}

static bool is_override(const sh_word *w)
{
    const char *t = sh_word_text(w);
    return scan_re_match(&re_key, t, strlen(t), NULL, 0);
}

/* The config argument: MaxText reads the first word after the entry point
 * as its config file unless it is a key=value word. */
static void launch_config(sh_scan *sc, sl_launch *l, const sh_word *c, sl_vec *unknowns)
{
    l->config_src = written(sc->a, c);
    l->config_loc = c->loc;
    add_unknowns(sc, unknowns, c, SL_SH_WORD_CONFIG);
    if (c->unresolved)
        return;
    const char *t = sh_word_text(c);
    l->config_word = sl_strdup(sc->a, t);
    if (t[0] == '/') {
        l->config = sl_path_tidy(sc->a, t);
    } else if (sc->cwd) {
        l->config = sl_path_join(sc->a, sc->cwd, t);
    } else {
        sl_sh_unknown u = {.kind = SL_SH_UNKNOWN_DIR, .name = sc->cd, .loc = c->loc,
                           .cause_loc = sc->cd_loc};
        sh_word holder = {.src = c->src, .srcn = c->srcn, .loc = c->loc};
        sl_vec_push(sc->a, &holder.unknown, &u);
        add_unknowns(sc, unknowns, &holder, SL_SH_WORD_CONFIG);
    }
}

static void *array_of(sl_arena *a, const sl_vec *v, size_t size)
{
    char *out = sl_alloc(a, (v->n + 1) * size);
    for (size_t k = 0; k < v->n; k++)
        memcpy(out + k * size, v->items[k], size);
    return out;
}

static void make_launch(sh_scan *sc, sl_vec *words, size_t entry, const sh_word *python,
                        bool module)
{
    sl_launch *l = sl_alloc(sc->a, sizeof *l);
    const sh_word *e = words->items[entry];
    l->loc = python->loc;
    l->entry_point = sl_strdup(sc->a, sh_word_text(e));
    l->module = module;
    l->entry_loc = e->loc;
    l->cwd = sc->cwd;
    sl_vec unknowns = {0}, ov = {0}, unres = {0};
    add_unknowns(sc, &unknowns, e, SL_SH_WORD_ENTRY);
    size_t i = entry + 1;
    if (i < words->n && !is_override(words->items[i])) {
        launch_config(sc, l, words->items[i], &unknowns);
        i++;
    }
    for (; i < words->n; i++) {
        const sh_word *w = words->items[i];
        add_unknowns(sc, &unknowns, w, SL_SH_WORD_ARGUMENT);
        if (!is_override(w))
            continue;
        const char *t = sh_word_text(w);
        sl_override *o = sl_alloc(sc->a, sizeof *o);
        const char *eq = strchr(t, '=');
        o->key = sl_strndup(sc->a, t, (size_t)(eq - t));
        o->text = sl_strdup(sc->a, eq + 1);
        o->loc = w->loc;
        sl_vec_push(sc->a, w->unresolved ? &unres : &ov, o);
    }
    l->ov = array_of(sc->a, &ov, sizeof *l->ov);
    l->nov = ov.n;
    l->unresolved = array_of(sc->a, &unres, sizeof *l->unresolved);
    l->nunresolved = unres.n;
    l->unknown = array_of(sc->a, &unknowns, sizeof *l->unknown);
    l->nunknown = unknowns.n;
    sl_vec_push(sc->a, sc->launches, l);
}

bool sh_launch(sh_scan *sc, sl_vec *words, size_t from)
{
    size_t python;
    bool module;
    long entry = find_entry(words, from, &python, &module);
    if (entry >= 0)
        make_launch(sc, words, (size_t)entry, words->items[python], module);
    return entry >= 0;
}
