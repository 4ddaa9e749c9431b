/* Source scanners: logical-axis specs in MaxText's Python model code and
 * MaxText launches in shell scripts. Both read text only; nothing is
 * imported or run. */
#ifndef SHARDLINT_SCAN_H
#define SHARDLINT_SCAN_H

#include <stdbool.h>
#include <stddef.h>

#include "shardlint/config.h"
#include "shardlint/model.h"
#include "shardlint/util.h"


/* ---- Python model code ---------------------------------------------------
 *
 * A site is a tuple or list literal made only of string literals and None
 * (one line or many; comments and a trailing comma allowed), or the
 * arguments of a P(...)/PartitionSpec(...) call of that shape, where at least
 * one string is a known logical name. A literal that is itself an element of
 * an enclosing tuple/list literal is not a site: such nests are rule tables
 * (`("activation_batch", "data")` pairs), not tensor specs. Strings,
 * f-strings, docstrings and comments never produce a site. */
/* A condition the code states for a site to run (`if ...:` around it, or a
 * conditional expression `spec if ... else None`), in terms a config can
 * answer: a config key (`self.config.capacity_factor > 0`; a bare name or
 * `self.NAME` stands for the config key of that name, since MaxText hands
 * config values on under their own names), or a mesh axis size (`cp > 1`
 * where cp comes from `mesh.shape.get("context_autoregressive", 1)`, through
 * assignments and returns in the same file). Conditions the scanner cannot
 * read this way are left out, so a site is never guarded by more than the
 * code says. */
typedef struct {
    bool mesh;                /* name is a mesh axis whose size is compared */
    const char *name;         /* config key (or a name that may be one), or mesh axis */
    const char *alt;          /* a number the code may use instead of the axis
                                 size (`cp = 1` on some path), NULL when none */
    sl_cond_op op;            /* already negated for an else branch */
    const char *value;        /* number or text; NULL for `is true`/`is false` */
    const char *value_ref;    /* the value is a constant (`ShardMode.EXPLICIT`):
                                 its name; value is then NULL */
    const char *text;         /* the condition as written, e.g. "cp > 1" */
    bool negated;             /* the site is in its else branch */
    sl_loc loc;
} sl_py_guard;

/* A string constant at module or class level: `AUTO = "auto"` in class
 * ShardMode is "ShardMode.AUTO", for guards that compare with it. */
typedef struct {
    const char *name;
    const char *value;
} sl_py_const;

typedef struct {
    sl_loc loc;               /* opening bracket, or the start of the P(...) call;
                                 file = display path, col in bytes, 1-based */
    const char *function;     /* innermost enclosing def, NULL at module/class level */
    const char *klass;        /* innermost enclosing class, or NULL */
    const char *variable;     /* name the literal is assigned to (`dispatch_axis`,
                                 `self.kernel_axes`), NULL when not assigned */
    const char *carrier;      /* last name of the call receiving the spec, directly
                                 or through `variable` ("with_logical_constraint",
                                 "_maybe_shard_with_logical", "DenseGeneral" for
                                 kernel_axes=...), "PartitionSpec" for P/PartitionSpec;
                                 NULL when the spec is never seen passed to a call */
    const char *keyword;      /* keyword argument it is passed as ("kernel_axes"), or NULL */
    const char *result;       /* for a call argument, the name the statement assigns
                                 the call's result to (`mask = shard(mask, spec)`), or NULL */
    sl_loc use;               /* for a variable: its first use as a call argument in
                                 the same def; zeroed when none */
    const char *logical[SL_MAX_DIMS];   /* NULL for None */
    sl_loc dim_locs[SL_MAX_DIMS];       /* each element's literal (string or None) */
    size_t ndims;
    const sl_py_guard *guards;          /* all must hold for the site to run: those
                                           around the literal, and for a variable,
                                           those every use of it shares */
    size_t nguards;
    bool index_array;         /* it shards an index array (`jnp.arange(...)`),
                                 not an activation */
} sl_py_site;

/* known/nknown: the logical names of the resolved rules. known == NULL makes
 * every string count as a name (any string-only literal is a site). Sites are
 * appended to `sites` (sl_py_site *) in file order, and, when `consts` is not
 * NULL, the file's string constants to it (sl_py_const *). */
int sl_scan_py_buf(sl_arena *a, const char *buf, size_t len, const char *display_path,
                   const char *const *known, size_t nknown, sl_vec *sites, sl_vec *consts,
                   sl_err *err);
int sl_scan_py_file(sl_arena *a, const char *path, const char *display_path,
                    const char *const *known, size_t nknown, sl_vec *sites, sl_vec *consts,
                    sl_err *err);
/* Every *.py under dir, recursively, in name order; display paths are relative
 * to dir ("layers/moe.py"). Symlinked directories, dot-directories and
 * __pycache__ are not entered; files over SL_SCAN_MAX_FILE are skipped.
 * cache (may be NULL) is a file where the scan of each file is kept between
 * runs, used only with known == NULL: a file whose size, inode and times are
 * unchanged is not read again. */
int sl_scan_py_dir(sl_arena *a, const char *dir, const char *const *known, size_t nknown,
                   const char *cache, sl_vec *sites, sl_vec *consts, sl_err *err);

/* The MaxText package holding the model code of a checkout, found from a
 * config path inside it (".../src/maxtext/configs/base.yml" gives
 * ".../src/maxtext"; older trees' ".../MaxText/configs/x.yml" gives
 * ".../MaxText"): the nearest ancestor of the config's folder that has a
 * `layers` folder, or whose maxtext/ or MaxText/ has one (early 2026 trees
 * kept configs in src/maxtext and the layers in src/MaxText). NULL when
 * there is none. */
const char *sl_scan_find_source(sl_arena *a, const char *config_path);

/* "layers/moe.py:2810 dense_matmul: dispatch_axis", the way findings name a site. */
const char *sl_py_site_str(sl_arena *a, const sl_py_site *s);

/* ---- Launch scripts ------------------------------------------------------ */

/* Why a word of a launch could not be read. */
typedef enum {
    SL_SH_UNSET,          /* a variable the script does not set (it may come from the
                             environment or the script's arguments) */
    SL_SH_SUBSTITUTION,   /* a command substitution, $(...) or `...`: never run */
    SL_SH_POSITIONAL,     /* $1, $@, $#, ...: the script's arguments */
    SL_SH_EXPANSION,      /* ${#X}, ${X%y}, ${X/a/b}: a form not evaluated */
    SL_SH_RUNTIME,        /* set only when the script runs: `for`, `read` (name says which) */
    SL_SH_UNKNOWN_DIR     /* a relative path where the working directory is not known */
} sl_sh_unknown_kind;

/* Which word of a launch. */
typedef enum {
    SL_SH_WORD_ARGUMENT,   /* a key=value word, or any other word after the config */
    SL_SH_WORD_CONFIG,     /* the config path */
    SL_SH_WORD_ENTRY       /* the module or script */
} sl_sh_word_role;

/* Something a launch word uses that the scanner does not guess. */
typedef struct {
    sl_sh_unknown_kind kind;
    const char *name;      /* the variable ("OUTPUT_PATH"), or the text as written
                              ("$(date +%s)", "$1", "${X%y}"); for UNKNOWN_DIR, the
                              `cd` target, or NULL outside a checkout */
    sl_loc loc;            /* the use, in the launch's word */
    const char *via;       /* a variable set from it and used in the word ("OUT" set
                              from $(date)), or NULL when the word uses it directly */
    sl_loc cause_loc;      /* where the cause is written: the assignment of `via`,
                              the `cd`; unset when the use is the cause */
    const char *word;      /* the launch word as written */
    sl_loc word_loc;
    sl_sh_word_role role;
} sl_sh_unknown;

typedef struct {
    sl_loc loc;                 /* the python word */
    const char *entry_point;    /* "maxtext.trainers.pre_train.train", "MaxText/train.py" */
    bool module;                /* entry_point is a module (python -m) */
    sl_loc entry_loc;
    const char *cwd;            /* the folder the launch runs in, NULL when not known */
    const char *config;         /* the config path resolved against cwd; NULL when
                                   absent or not known */
    const char *config_word;    /* the config argument as MaxText receives it, NULL
                                   when absent or not known */
    const char *config_src;     /* the config argument as written, NULL when absent */
    sl_loc config_loc;
    sl_override *ov;            /* key=value words fully resolved: text is the value */
    size_t nov;
    sl_override *unresolved;    /* key=value words using unknown variables: text is the
                                   value with those left as written */
    size_t nunresolved;
    sl_sh_unknown *unknown;     /* every unknown use in the launch's words */
    size_t nunknown;
} sl_launch;

/* Finds MaxText launches (python -m maxtext.trainers.pre_train.train,
 * -m MaxText.train, train.py, train_compile, decode, SFT/RL/distillation
 * trainers) in a shell script, including launches kept in a variable and run
 * as `$CMD`, `eval "$CMD"`, `bash -c "$CMD"` or handed to a `--command`
 * option: their words keep the line and column they were written at. cwd is
 * the folder the script runs in ($PWD, the anchor of relative paths; a `cd`
 * moves it); NULL leaves both unknown. Launches are appended to `launches`
 * (sl_launch *) in the order they run. */
int sl_scan_sh_buf(sl_arena *a, const char *buf, size_t len, const char *display_path,
                   const char *cwd, sl_vec *launches, sl_err *err);
int sl_scan_sh_file(sl_arena *a, const char *path, const char *cwd, sl_vec *launches,
                    sl_err *err);

#endif
