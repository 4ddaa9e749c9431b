/* --fix: the preferred verified fix of each finding, written into the files
 * it edits. Edits are text splices at line/column positions, so comments
 * and layout around them stay as they were. */
#include <stdlib.h>
#include <string.h>

#include "shardlint/emit.h"
#include "shardlint/limits.h"

static const sl_fix *preferred_fix(const sl_finding *f)
{
    for (size_t i = 0; i < f->nfixes; i++)
        if (f->fixes[i].preferred && f->fixes[i].verified && f->fixes[i].removes)
            return &f->fixes[i];
    return NULL;
}

/* The edits to make, once each (several findings share one fix), grouped
 * by file in the order the files are first met: `files` holds each file's
 * path and `groups` its sl_vec of edits. */
static void collect_edits(sl_arena *a, const sl_findings *f, sl_vec *files, sl_vec *groups)
{
    sl_strmap seen = {0}, file_at = {0};
    size_t at;
    for (size_t i = 0; i < f->n; i++) {
        const sl_fix *fix = preferred_fix(f->items[i]);
        for (size_t k = 0; fix && k < fix->nedits; k++) {
            sl_edit *e = &fix->edits[k];
            if (!e->loc.file)
                continue;
            const char *key = sl_sprintf(a, "%s\n%d:%d-%d:%d\n%s", e->loc.file, e->loc.line,
                                         e->loc.col, e->end.line, e->end.col, e->text);
            if (sl_strmap_get(&seen, key, &at))
                continue;
            sl_strmap_put(a, &seen, key, 0);
            if (!sl_strmap_get(&file_at, e->loc.file, &at)) {
                at = files->n;
                sl_strmap_put(a, &file_at, e->loc.file, at);
                sl_vec_push(a, files, (void *)e->loc.file);
                sl_vec_push(a, groups, sl_alloc(a, sizeof(sl_vec)));
            }
            sl_vec_push(a, groups->items[at], e);
        }
    }
}

/* Byte offset of a 1-based line and column (columns count characters, as
 * libyaml's marks do); -1 when past the end. */
static long offset_of(const char *text, size_t len, int line, int col)
{
    size_t i = 0;
    for (int l = 1; l < line; l++) {
        const char *nl = memchr(text + i, '\n', len - i);
        if (!nl)
            return -1;
        i = (size_t)(nl - text) + 1;
    }
    for (int c = 1; c < col; c++) {
        if (i >= len || text[i] == '\n')
            return -1;
        i++;
        while (i < len && ((unsigned char)text[i] & 0xC0) == 0x80)
            i++;
    }
    return (long)i;
}

typedef struct {
    const char *text;
    size_t len;
    sl_edit **edits;
    size_t nedits;
    long *starts, *ends;
    bool crlf;          /* the file's lines end in CRLF: so do inserted ones */
} splice;

static void put_edit_text(FILE *out, const char *t, bool crlf)
{
    for (size_t i = 0; t[i]; i++) {
        if (t[i] == '\n' && crlf && (i == 0 || t[i - 1] != '\r'))
            fputc('\r', out);
        fputc(t[i], out);
    }
}

static int splice_write(FILE *out, void *ctx)
{
    const splice *s = ctx;
    size_t at = 0;
    for (size_t i = 0; i < s->nedits; i++) {
        fwrite(s->text + at, 1, (size_t)s->starts[i] - at, out);
        put_edit_text(out, s->edits[i]->text, s->crlf);
        at = (size_t)s->ends[i];
    }
    fwrite(s->text + at, 1, s->len - at, out);
    return ferror(out) ? -1 : 0;
}

static int edit_order(const void *x, const void *y)
{
    const sl_edit *a = *(sl_edit *const *)x, *b = *(sl_edit *const *)y;
    return a->loc.line != b->loc.line ? a->loc.line - b->loc.line : a->loc.col - b->loc.col;
}

static bool first_line_crlf(const char *text, size_t len)
{
    const char *nl = memchr(text, '\n', len);
    return nl && nl > text && nl[-1] == '\r';
}

/* The spliced file, prepared (see sl_output_prepare) but not yet in place. */
static int file_prepare(sl_arena *a, const char *path, const char *text, size_t len,
                        sl_vec *group, sl_pending **out, sl_err *err)
{
    sl_edit **edits = (sl_edit **)group->items;
    size_t n = group->n;
    qsort(edits, n, sizeof *edits, edit_order);
    splice s = {text, len, edits, n, sl_alloc(a, n * sizeof(long)), sl_alloc(a, n * sizeof(long)),
                first_line_crlf(text, len)};
    for (size_t i = 0; i < n; i++) {
        s.starts[i] = offset_of(text, len, edits[i]->loc.line, edits[i]->loc.col);
        s.ends[i] = offset_of(text, len, edits[i]->end.line, edits[i]->end.col);
        if (s.starts[i] < 0 || s.ends[i] < s.starts[i] || (i && s.starts[i] < s.ends[i - 1])) {
            sl_err_set(err, edits[i]->loc, "--fix: the file changed since it was linted");
            return -1;
        }
    }
    return sl_output_prepare(path, splice_write, &s, out, err);
}

/* One file's edits, checked and prepared. */
static int file_fix(sl_arena *a, const char *path, sl_vec *group, const char *tree,
                    sl_pending **out, sl_err *err)
{
    if (!sl_path_inside(a, path, tree)) {
        sl_err_set(err, ((sl_edit *)group->items[0])->loc, "--fix would edit %s, outside the "
                   "tree: nothing was written (see --root; --allow-outside-root allows it)",
                   path);
        return -1;
    }
    char *text;
    size_t len;
    if (sl_file_read(path, SL_YAML_MAX_BYTES, (sl_loc){0}, &text, &len, err) != 0)
        return -1;
    int rc = file_prepare(a, path, text, len, group, out, err);
    free(text);
    return rc;
}

int sl_fix_write(sl_arena *a, const sl_findings *f, const char *tree, sl_vec *written,
                 sl_err *err)
{
    sl_vec files = {0}, groups = {0};
    collect_edits(a, f, &files, &groups);
    sl_pending **ready = sl_alloc(a, (files.n + 1) * sizeof *ready);
    size_t prepared = 0;
    int rc = 0;
    while (rc == 0 && prepared < files.n) {
        rc = file_fix(a, files.items[prepared], groups.items[prepared], tree, &ready[prepared],
                      err);
        prepared += rc == 0;
    }
    for (size_t i = 0; i < prepared; i++) {
        if (rc != 0) {
            sl_output_abort(ready[i]);
            continue;
        }
        /* Only a rename or write refused after every file was prepared
         * (a file system gone read-only) can stop this half-way. */
        rc = sl_output_commit(ready[i], err);
        if (rc == 0) {
            sl_fixed_file *done = sl_alloc(a, sizeof *done);
            *done = (sl_fixed_file){files.items[i], ((sl_vec *)groups.items[i])->n};
            sl_vec_push(a, written, done);
        }
    }
    return rc;
}
