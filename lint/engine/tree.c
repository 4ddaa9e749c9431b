/* The MaxText checkout a path is in, found by the three places MaxText has
 * kept its configs folder, with the text of its config code. */
#include <stdlib.h>
#include <string.h>

#include "engine_internal.h"

/* Where each layout keeps its package, newest first. */
static const struct {
    sl_layout layout;
    const char *package;
} layouts[] = {
    {SL_LAYOUT_SRC, "src/maxtext"},
    {SL_LAYOUT_SRC_UPPER, "src/MaxText"},
    {SL_LAYOUT_MAXTEXT, "MaxText"},
};

/* The files that define what a tree's config accepts and refuses, and the
 * constants model code names logical axes and config values with. */
static const char *const code_files[] = {"pyconfig.py", "configs/pyconfig.py", "configs/types.py",
                                         "common_types.py", "common/common_types.py"};


static void read_code(sl_arena *a, sl_tree *t)
{
    size_t n = sizeof code_files / sizeof *code_files;
    sl_tree_file *code = sl_alloc(a, n * sizeof *code);
    for (size_t i = 0; i < n; i++) {
        const char *path = sl_path_join(a, t->package, code_files[i]);
        char *text;
        size_t len;
        sl_err ignored;
        if (sl_file_read(path, SL_SCAN_MAX_FILE, (sl_loc){0}, &text, &len, &ignored) != 0)
            continue;
        code[t->ncode++] = (sl_tree_file){path, sl_strndup(a, text, len), len};
        free(text);
    }
    t->code = code;
}

/* The layout a package folder belongs to, with the checkout root: the
 * longest layout path it ends with, so that root/src/MaxText is read as the
 * src/MaxText layout of root, not the MaxText layout of root/src. */
static bool layout_of(sl_arena *a, const char *pkg, const char **root, sl_layout *layout)
{
    size_t best = 0, n = strlen(pkg);
    for (size_t i = 0; i < sizeof layouts / sizeof *layouts; i++) {
        size_t k = strlen(layouts[i].package);
        if (k > best && k < n && pkg[n - k - 1] == '/' &&
            strcmp(pkg + n - k, layouts[i].package) == 0) {
            size_t len = n - k - 1; /* "/MaxText" is at the file system's root */
            best = k;
            *layout = layouts[i].layout;
            *root = sl_strndup(a, pkg, len ? len : 1);
        }
    }
    return best > 0;
}

/* The checkout root at or above dir, its layout and package: the nearest
 * package folder holding configs/base.yml. */
static bool find_root(sl_arena *a, const char *dir, const char **root, sl_layout *layout,
                      const char **package)
{
    for (const char *d = dir; d && *d;) {
        for (size_t i = 0; i < sizeof layouts / sizeof *layouts; i++) {
            const char *pkg = sl_path_join(a, d, layouts[i].package);
            if (sl_is_file(sl_path_join(a, pkg, "configs/base.yml")) &&
                layout_of(a, pkg, root, layout)) {
                *package = pkg;
                return true;
            }
        }
        if (strcmp(d, "/") == 0)
            break;
        d = sl_path_dir(a, d);
    }
    return false;
}

/* What the search allocates goes to `a`; what the session keeps, to its
 * own arena: targets ask for their tree on every check of an editor's
 * session. */
static const sl_tree *tree_find(sl_session *s, sl_arena *a, const char *path)
{
    /* A file that is not on disk (standard input, an editor's unsaved
     * buffer) is looked for from its folder. */
    const char *real = sl_path_real(a, path);
    const char *dir = !real ? sl_path_real(a, sl_path_dir(a, sl_path_absolute(a, path)))
                      : sl_is_dir(real) ? real
                                        : sl_path_dir(a, real);
    const char *root, *package;
    sl_layout layout;
    if (!dir || !find_root(a, dir, &root, &layout, &package))
        return NULL;
    sl_tree *t = session_tree_cached(s, root);
    if (t->root)
        return t;
    t->root = session_intern(s, root);
    t->layout = layout;
    t->package = session_intern(s, package);
    t->configs = session_intern(s, sl_path_join(a, package, "configs"));
    read_code(session_arena(s), t);
    tree_keys_read(session_arena(s), t);
    return t;
}

/* Every target asks, and the search is a few dozen system calls: the answer
 * is kept by the folder the path is in (a file's tree is its folder's). */
const sl_tree *sl_session_tree(sl_session *s, const char *path)
{
    sl_arena *scratch = sl_arena_new();
    const char *key = sl_sprintf(scratch, "tree:%s", sl_is_dir(path) ? path
                                                          : sl_path_dir(scratch, path));
    static const char no_tree;
    const sl_tree *none = (const sl_tree *)&no_tree;
    const sl_tree *t = session_memo_get(s, key);
    if (!t) {
        t = tree_find(s, scratch, path);
        session_memo_put(s, key, (void *)(t ? t : none));
    }
    sl_arena_free(scratch);
    return t == none ? NULL : t;
}
