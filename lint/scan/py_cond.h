/* Conditions around scanned sites, and what a file says about the names in
 * them. The walk records positions only (where a condition, an assignment or
 * a return starts); once the file has been walked, the few that guard a site
 * are read again from there. Internal to lint/scan. */
#ifndef SHARDLINT_PY_COND_H
#define SHARDLINT_PY_COND_H

#include "py_lex.h"
#include "shardlint/scan.h"

/* A place in the file to read a condition or a value from. */
typedef struct {
    const char *p;
    int line;
    const char *bol;
    int depth;               /* brackets open there: line ends inside them do not count */
} py_pos;

/* Where a condition's text ends. */
typedef enum {
    PY_COND_HEADER,          /* an `if`/`elif` header: at its ':' */
    PY_COND_INLINE,          /* a conditional expression's: at its `else` */
    PY_COND_VALUE            /* an attribute's value (`self.is_x = a == b`): at the line end */
} py_cond_end;

/* One condition as written. */
typedef struct py_cond {
    py_pos at;
    py_cond_end end;
    int fid;                 /* the def it is in, for its local names */
    const char *klass;       /* the class it is in, for its self. attributes */
    /* Filled when first read. */
    bool read;
    bool reading;            /* being read: an attribute defined by itself */
    sl_vec atoms;            /* sl_py_guard *: the conjuncts that could be read */
    bool single;             /* one conjunct, read: its negation is a guard too */
} py_cond;

/* A guard on a site or a use: a condition, or its negation (else branch). */
typedef struct {
    py_cond *cond;
    bool negated;
} py_guard_ref;

/* The guards in force at one site, or at one use of a variable holding one. */
typedef struct {
    py_guard_ref *refs;
    size_t n;
} py_glist;

/* What the walk records for reading names later. */
typedef struct {
    int fid;                 /* 0 at module level */
    const char *name;
    int pos;                 /* element of a tuple assignment `a, b = ...`; -1 */
    py_pos value;
} py_assign;

typedef struct {
    int fid;
    const char *def;
    py_pos value;
} py_return;

typedef struct {
    const char *name;        /* "ShardMode.AUTO", or "NAME" at module level */
    py_pos value;
} py_const_at;

/* `self.NAME = value` in a method of klass: a flag a guard may test. */
typedef struct {
    const char *klass;
    const char *name;
    py_cond *value;          /* read as a condition when a guard tests the flag */
} py_attr;

typedef struct {
    sl_arena *a;
    const char *display;
    const char *end;         /* end of the text: positions are read up to it */
    sl_vec assigns;          /* py_assign * */
    sl_vec returns;          /* py_return * */
    sl_vec consts;           /* py_const_at * */
    sl_vec attrs;            /* py_attr * */
} py_facts;

/* The guards of a site: those around it (own), and for a variable the ones
 * every use of it (uses: py_glist *) shares. */
void py_site_guards(py_facts *f, sl_py_site *s, const py_glist *own, const sl_vec *uses);

/* The file's string constants, appended to out (sl_py_const *). */
void py_facts_consts(py_facts *f, sl_vec *out);

#endif
