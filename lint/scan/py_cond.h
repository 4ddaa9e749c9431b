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

/* A def the walk passed, for reading its body again when a condition asks
 * what a name in it holds: the walk itself records nothing per statement
 * (a checkout has tens of thousands; conditions ask about a few). */
typedef struct {
    const char *name;        /* in the file's text */
    size_t namelen;
    const char *klass;       /* the class it is a method of, or NULL */
    int fid;
    int indent;              /* the def line's: its body is what is deeper */
    py_pos at;               /* after its name */
} py_def;

/* `self.NAME = value` in a method of klass (the class's flags are read at
 * once, when a guard first tests one): its value, read as a condition. */
typedef struct {
    const char *klass;
    const char *name;
    py_cond *cond;           /* NULL: set more than once, no one condition */
} py_flag;

typedef struct {
    sl_arena *a;
    const char *display;
    const char *end;         /* end of the text: positions are read up to it */
    sl_vec defs;             /* py_def * */
    sl_vec flags;            /* py_flag *: flags read so far */
    sl_vec known;            /* what names were found to be, so far (scan_py_cond.c) */
} py_facts;

/* The guards of a site: those around it (own), and for a variable the ones
 * its first use after the assignment (first, NULL for none) shares with
 * every later use (later: what they all share; NULL when there is none). */
void py_site_guards(py_facts *f, sl_py_site *s, const py_glist *own, const py_glist *first,
                    const py_glist *later);

/* The guards of x that y has too, in `a`. */
py_glist *py_glist_common(sl_arena *a, const py_glist *x, const py_glist *y);


#endif
