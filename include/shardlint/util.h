/* What every stage uses: arena memory, locations and input errors, a string
 * map, hashing, paths, file reading and the directory walk. One copy of
 * each, so that a limit or a fix to one of them holds everywhere. */
#ifndef SHARDLINT_UTIL_H
#define SHARDLINT_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "shardlint/limits.h"

/* ---- arena memory ----------------------------------------------------------
 * Every stage allocates into an arena and a whole arena is released at once,
 * so no stage tracks ownership of what it hands to the next. Allocation
 * failure aborts: a linter that cannot get memory has nothing useful left to
 * report. */

typedef struct sl_arena sl_arena;

sl_arena *sl_arena_new(void);
void sl_arena_free(sl_arena *a);
void *sl_alloc(sl_arena *a, size_t size); /* zeroed */
char *sl_strdup(sl_arena *a, const char *s);
char *sl_strndup(sl_arena *a, const char *s, size_t n);
char *sl_sprintf(sl_arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Bytes the arena holds from the system, for the benchmark and tests. */
size_t sl_arena_size(const sl_arena *a);
/* Frees `child` when `parent` is freed: for work done in arenas of its own
 * (one per thread) whose results the parent's owner keeps. */
void sl_arena_adopt(sl_arena *parent, sl_arena *child);

/* A growable array of pointers, allocated in an arena. */
typedef struct {
    void **items;
    size_t n, cap;
} sl_vec;

void sl_vec_push(sl_arena *a, sl_vec *v, void *item);

/* A copy of items[0..n) with room for one more element of `size` bytes:
 * for the short arrays (notes, losses, edits) that grow one at a time. */
void *sl_array_append(sl_arena *a, const void *items, size_t n, size_t size);
/* x[0..nx) followed by y[0..ny), in a new arena array. */
void *sl_array_concat(sl_arena *a, const void *x, size_t nx, const void *y, size_t ny,
                      size_t size);

/* ---- locations and input errors ---------------------------------------- */

/* Where a value came from: a file position (1-based line and column), or
 * word N of the command line (file == NULL, word > 0). A zeroed sl_loc means
 * "no location" (a built-in default). */
typedef struct {
    const char *file;
    int line;
    int col;
    int word;
} sl_loc;

/* An input error: bad YAML, a missing file, a wrong type, a cycle. Functions
 * that can fail on input return -1 and fill one of these; the caller that
 * knows the context reports it as `file:line:col: error: msg` (exit 2). */
typedef struct {
    sl_loc loc;
    char msg[1024];
} sl_err;

void sl_err_set(sl_err *e, sl_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* "file:line:col" ("file" alone for line 0: a whole file or folder), or
 * "command line, word N", or "<built-in>", in buf. */
const char *sl_loc_str(sl_loc loc, char *buf, unsigned size);
bool sl_loc_is_set(sl_loc loc);
/* Orders by file, line, column, word. */
int sl_loc_cmp(sl_loc x, sl_loc y);

/* ---- text from inputs, made safe to print ---------------------------------
 * Anything that came from an input (file names, script words, config keys
 * and values) may hold control characters, terminal escape sequences, line
 * breaks or text a CI runner takes for a command. Printing goes through
 * sl_escape; the emitters of structured formats escape in their own syntax. */

/* The length of the UTF-8 character at s[0..n) with its code point in *cp;
 * 0 when the bytes there are not UTF-8 (overlong, surrogate, truncated). */
size_t sl_utf8_char(const char *s, size_t n, uint32_t *cp);
bool sl_utf8_valid(const char *s, size_t n);

/* The text will start a line of output: a leading blank or "::" is escaped
 * too (GitHub's runner trims blanks, then reads `::command::`). */
#define SL_ESCAPE_LINE_START 1u

/* s with control characters written \n \r \t \xNN, bytes that are not
 * UTF-8 as \xNN, invisible format characters (C1 controls, bidirectional
 * overrides, line separators) as \uNNNN, and the '[' of "##[" as \x5b.
 * Returns s itself when nothing needs escaping. Backslashes are kept as
 * they are, so escaped text reads like the input. */
const char *sl_escape(sl_arena *a, const char *s, unsigned flags);

/* ---- hashing and a string map -------------------------------------------- */

#define SL_HASH_INIT 0xcbf29ce484222325ULL

/* FNV-1a over n bytes, continuing from h. */
uint64_t sl_hash_bytes(uint64_t h, const void *p, size_t n);
uint64_t sl_hash_str(const char *s);

/* An open-addressing string -> index map in an arena: hostile files can
 * hold a million keys, and linear lookups would turn them into a hang. */
typedef struct {
    const char **keys;
    size_t *vals;
    size_t n, cap;
} sl_strmap;

/* Finds key; true and *val set when present. */
bool sl_strmap_get(const sl_strmap *m, const char *key, size_t *val);
/* The same for a key of n bytes that need not be NUL-terminated. */
bool sl_strmap_getn(const sl_strmap *m, const char *key, size_t n, size_t *val);
/* Inserts or replaces key -> val; the key string is not copied. */
void sl_strmap_put(sl_arena *a, sl_strmap *m, const char *key, size_t val);
/* Room for n keys without growing: for maps whose size is known. */
void sl_strmap_reserve(sl_arena *a, sl_strmap *m, size_t n);
/* A copy with the same keys and values (key strings shared). */
sl_strmap *sl_strmap_copy(sl_arena *a, const sl_strmap *m);

/* A pointer -> index map in an arena: for memos keyed by the identity of an
 * interned string. */
typedef struct {
    const void **keys;
    size_t *vals;
    size_t n, cap;
} sl_ptrmap;

bool sl_ptrmap_get(const sl_ptrmap *m, const void *key, size_t *val);
void sl_ptrmap_put(sl_arena *a, sl_ptrmap *m, const void *key, size_t val);

/* ---- spelling ----------------------------------------------------------------- */

/* Edits (insert, delete, replace, swap two neighbours) that turn x into y,
 * or max + 1 when it takes more than max: how far a misspelt name is from
 * the one meant. */
size_t sl_str_distance(const char *x, const char *y, size_t max);

/* ---- paths -----------------------------------------------------------------
 * Lexical: paths read the way the user wrote them, and the files they name
 * may not exist. */

/* os.path.dirname: "" for a bare name, "/" for a file at the root. */
char *sl_path_dir(sl_arena *a, const char *path);
/* The last component. */
const char *sl_path_base(const char *path);
bool sl_path_has_suffix(const char *path, const char *suffix);
/* Drops "." and "dir/.." segments and repeated slashes ("a/./b/../c" ->
 * "a/c"); "." for an empty result. */
char *sl_path_tidy(sl_arena *a, const char *path);
/* dir/rel tidied; rel alone when it is absolute or dir is "" or ".". */
char *sl_path_join(sl_arena *a, const char *dir, const char *rel);
/* `file` relative to base_dir (NULL: the working directory), both made
 * absolute and tidied, with '/' separators; an absolute path when file is
 * outside base_dir. */
char *sl_path_relative(sl_arena *a, const char *file, const char *base_dir);
/* The path made absolute against the working directory, tidied. */
char *sl_path_absolute(sl_arena *a, const char *path);
/* A path as the user reaches it from the working directory: relative when
 * it is inside it, else absolute; tidied. */
char *sl_path_display(sl_arena *a, const char *path);
/* realpath(), or NULL when the path does not resolve. */
char *sl_path_real(sl_arena *a, const char *path);
/* The git directory of the repository a path is in: <root>/.git, or where a
 * .git file points (a worktree); NULL when there is none. */
char *sl_path_git_dir(sl_arena *a, const char *start);
/* The repository a path is in: the nearest folder at or above `start` (a
 * file or a folder) that holds a .git entry; NULL when there is none. */
char *sl_path_repo_root(sl_arena *a, const char *start);

/* Percent-encodes all but unreserved characters and '/'. */
char *sl_uri_encode(sl_arena *a, const char *path);
/* "file:///abs/path", encoded. */
char *sl_uri_of_path(sl_arena *a, const char *path);
/* The path of a file: URI (empty or localhost authority), decoded; NULL for
 * any other URI. */
char *sl_uri_path(sl_arena *a, const char *uri);

/* Whether path, symlinks resolved, is the folder `tree` or inside it. tree
 * is a real path (sl_path_real); NULL means no limit. A path that does not
 * exist is judged by its resolved folder. */
bool sl_path_inside(sl_arena *a, const char *path, const char *tree);

bool sl_is_file(const char *path);   /* a regular file, symlinks followed */
bool sl_is_dir(const char *path);

/* ---- files ------------------------------------------------------------- */

/* Reads a whole regular file into a malloc'd, NUL-terminated buffer (the
 * caller frees it). Anything but a regular file (a FIFO, a device, a
 * directory) is refused without being read, so a hostile path cannot block
 * the run. Returns 0; 1 when the file is larger than `max` (nothing read,
 * err says so); -1 with err for anything else. Errors are located at `at`
 * when it is set, else at the file. */
int sl_file_read(const char *path, size_t max, sl_loc at, char **buf, size_t *len, sl_err *err);

/* Why a file of this type is never read ("is a directory, not a file", "not
 * a regular file (a FIFO, ...)"); NULL for a regular file. */
const char *sl_not_regular(const struct stat *st);
/* Why path cannot be read as a file (no such file, not a regular file);
 * NULL when it is a regular file. Symlinks are followed. */
const char *sl_file_problem(const char *path);

/* ---- the directory walk ---------------------------------------------------- */

typedef struct {
    const char *path;        /* dir/rel */
    const char *rel;         /* relative to the walked directory */
    const struct stat *st;   /* lstat() of the entry */
    int error;               /* errno of a subdirectory that could not be read, else 0 */
} sl_walk_entry;

/* Returns < 0 to stop the walk. */
typedef int (*sl_walk_fn)(void *ctx, const sl_walk_entry *e);

/* Calls fn for every entry under dir that is not a directory, in name order,
 * and for every directory that cannot be read, dir included (with e->error
 * set). Dot-entries and __pycache__ are skipped; symlinked directories are
 * not entered (that is what keeps a link back up the tree from looping).
 * Returns 0; -1 with err when dir is not a directory; -1 when fn stopped the
 * walk (fn reports why through its ctx). */
int sl_walk(const char *dir, sl_walk_fn fn, void *ctx, sl_err *err);

#endif
