/* Paths, lexically: messages show files the way the user wrote them, so
 * nothing here resolves symlinks except sl_path_real. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shardlint/util.h"

char *sl_path_dir(sl_arena *a, const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return sl_strdup(a, "");
    return sl_strndup(a, path, slash == path ? 1 : (size_t)(slash - path));
}

const char *sl_path_base(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

bool sl_path_has_suffix(const char *path, const char *suffix)
{
    size_t n = strlen(path), k = strlen(suffix);
    return n >= k && memcmp(path + n - k, suffix, k) == 0;
}

char *sl_path_tidy(sl_arena *a, const char *path)
{
    size_t n = strlen(path), len = 0, depth = 0;
    char *out = sl_alloc(a, n + 2);
    size_t *starts = sl_alloc(a, (n + 1) * sizeof *starts);
    bool abs = path[0] == '/';
    size_t floor = abs ? 1 : 0;
    if (abs)
        out[len++] = '/';
    for (const char *p = path; *p;) {
        while (*p == '/')
            p++;
        const char *seg = p;
        while (*p && *p != '/')
            p++;
        size_t sl = (size_t)(p - seg);
        bool up = sl == 2 && seg[0] == '.' && seg[1] == '.';
        if (sl == 0 || (sl == 1 && seg[0] == '.') || (up && abs && depth == 0))
            continue;
        if (up && depth > 0 && strcmp(out + starts[depth - 1], "..") != 0) {
            len = starts[--depth];
            len -= len > floor;
            out[len] = '\0';
            continue;
        }
        if (len > floor)
            out[len++] = '/';
        starts[depth++] = len;
        memcpy(out + len, seg, sl);
        len += sl;
        out[len] = '\0';
    }
    if (len == 0)
        out[len++] = '.';
    out[len] = '\0';
    return out;
}

char *sl_path_join(sl_arena *a, const char *dir, const char *rel)
{
    if (!*dir || strcmp(dir, ".") == 0 || rel[0] == '/')
        return sl_path_tidy(a, rel);
    return sl_path_tidy(a, sl_sprintf(a, "%s/%s", dir, rel));
}

char *sl_path_absolute(sl_arena *a, const char *path)
{
    if (path[0] == '/')
        return sl_path_tidy(a, path);
    char cwd[PATH_MAX];
    return sl_path_tidy(a, sl_sprintf(a, "%s/%s", getcwd(cwd, sizeof cwd) ? cwd : "", path));
}

char *sl_path_relative(sl_arena *a, const char *file, const char *base_dir)
{
    const char *f = sl_path_absolute(a, file);
    const char *b = sl_path_absolute(a, base_dir ? base_dir : ".");
    size_t n = strlen(b);
    if (strcmp(b, "/") == 0)
        return f[1] ? sl_strdup(a, f + 1) : sl_strdup(a, f);
    if (strncmp(f, b, n) != 0 || f[n] != '/' || !f[n + 1])
        return sl_strdup(a, f);
    return sl_strdup(a, f + n + 1);
}

char *sl_path_display(sl_arena *a, const char *path)
{
    return sl_path_relative(a, path, NULL);
}

char *sl_path_real(sl_arena *a, const char *path)
{
    char buf[PATH_MAX];
    return realpath(path, buf) ? sl_strdup(a, buf) : NULL;
}

char *sl_path_repo_root(sl_arena *a, const char *start)
{
    char *dir = sl_path_real(a, start);
    if (dir && !sl_is_dir(dir))
        dir = sl_path_dir(a, dir);
    while (dir && *dir) {
        struct stat st;
        if (lstat(sl_path_join(a, dir, ".git"), &st) == 0)
            return dir;
        if (strcmp(dir, "/") == 0)
            break;
        dir = sl_path_dir(a, dir);
    }
    return NULL;
}

char *sl_path_git_dir(sl_arena *a, const char *start)
{
    char *root = sl_path_repo_root(a, start);
    if (!root)
        return NULL;
    char *dotgit = sl_path_join(a, root, ".git");
    if (sl_is_dir(dotgit))
        return dotgit;
    char *text;
    size_t len;
    sl_err ignored;
    if (sl_file_read(dotgit, 4096, (sl_loc){0}, &text, &len, &ignored) != 0)
        return NULL;
    char *git = NULL;
    if (strncmp(text, "gitdir: ", 8) == 0) {
        text[strcspn(text, "\r\n")] = '\0';
        git = sl_path_join(a, root, text + 8);
    }
    free(text);
    return git && sl_is_dir(git) ? git : NULL;
}

/* The real path of a file that may not exist: its folder resolved, then
 * its name (a missing folder: the absolute path as written). */
static char *real_or_absolute(sl_arena *a, const char *path)
{
    char *real = sl_path_real(a, path);
    if (real)
        return real;
    char *dir = sl_path_real(a, *sl_path_dir(a, path) ? sl_path_dir(a, path) : ".");
    return dir ? sl_path_join(a, dir, sl_path_base(path)) : sl_path_absolute(a, path);
}

bool sl_path_inside(sl_arena *a, const char *path, const char *tree)
{
    if (!tree)
        return true;
    const char *real = real_or_absolute(a, path);
    size_t n = strlen(tree);
    if (strcmp(tree, "/") == 0)
        return true;
    return strncmp(real, tree, n) == 0 && (real[n] == '/' || real[n] == '\0');
}

bool sl_is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

bool sl_is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}
