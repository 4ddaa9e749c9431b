/* Shared by the launch-script scanner's two files: scan_sh.c reads a script
 * as shell commands, scan_launch.c turns the commands that launch MaxText
 * into launches. */
#ifndef SHARDLINT_SCAN_SH_INTERNAL_H
#define SHARDLINT_SCAN_SH_INTERNAL_H

#include <string.h>

#include "shardlint/scan.h"

/* Where a byte was written in the script. */
typedef struct {
    int line, col;
} sh_pos;

/* Text that remembers where each byte was written. */
typedef struct {
    char *s;
    sh_pos *at;          /* where each byte of s was written */
    size_t n, cap;
} sbuf;

typedef struct {
    const char *name;
    const char *value;          /* NULL: unset */
    const sh_pos *at;
    size_t len;
    const sl_sh_unknown *cause; /* the first unknown the value uses, NULL if none */
} sh_var;

typedef struct {
    sbuf text;           /* resolved; unknown expansions kept as written */
    const char *src;     /* the word as written */
    size_t srcn;
    sl_loc loc;
    bool unresolved;
    bool whole;          /* one unquoted expansion and nothing else: its fields are words */
    sl_vec unknown;      /* sl_sh_unknown * */
} sh_word;

/* What a script's scan shares with the scans of text its variables hold:
 * the variables, and what expansions may still produce (SL_SH_MAX_WORD a
 * word, SL_SH_MAX_EXPANDED the whole script: `V=$V$V` forty times would
 * otherwise ask for a terabyte). */
typedef struct {
    sl_vec list;         /* sh_var *, latest last */
    sl_strmap at;        /* name -> index of its latest assignment in list */
    size_t expanded;     /* bytes expansions produced so far */
    sl_loc too_big;      /* the first expansion past a limit; unset: none */
    sl_loc open_quote;   /* a quote of the script never closed; unset: none */
} sh_shared;

typedef struct {
    sl_arena *a;
    const char *display;
    const char *base, *p, *end, *bol;
    int line;
    const sh_pos *map;   /* where each byte was written, for a variable's text run
                            as a command; NULL for the script itself */
    int depth;           /* variables run inside variables */
    sh_shared *shared;
    sl_vec *launches;
    const char *cwd;     /* NULL: not known */
    const char *cd;      /* the `cd` that made it unknown, NULL for none */
    sl_loc cd_loc;
    const char *heredoc; /* delimiter awaited after this line, or NULL */
    bool heredoc_tabs;
} sh_scan;

/* A word's text after expansion ("" for none), and whether it is exactly
 * `s` with nothing unknown in it. */
static inline const char *sh_word_text(const sh_word *w)
{
    return w->text.s ? w->text.s : "";
}

static inline bool sh_word_is(const sh_word *w, const char *s)
{
    return !w->unresolved && strcmp(sh_word_text(w), s) == 0;
}

/* The launch among words[from..n), if there is one: appended to
 * sc->launches. False when the command launches nothing. */
bool sh_launch(sh_scan *sc, sl_vec *words, size_t from);

#endif
