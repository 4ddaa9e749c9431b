/* --fix: the preferred verified fix of each finding, written into the files
 * it edits. Edits are text splices at line/column positions, so comments
 * and layout around them stay as they were. */
#include <stdlib.h>
#include <string.h>

#include "shardlint/emit.h"
#include "shardlint/limits.h"

static bool edit_same(const sl_edit *x, const sl_edit *y)
{
    return strcmp(x->loc.file, y->loc.file) == 0 && x->loc.line == y->loc.line &&
           x->loc.col == y->loc.col && x->end.line == y->end.line && x->end.col == y->end.col &&
           strcmp(x->text, y->text) == 0;
}

static const sl_fix *preferred_fix(const sl_finding *f)
{
    for (size_t i = 0; i < f->nfixes; i++)
        if (f->fixes[i].preferred && f->fixes[i].verified && f->fixes[i].removes)
            return &f->fixes[i];
    return NULL;
}

/* Every edit to make, once each (several findings share one fix). */
static void collect_edits(sl_arena *a, const sl_findings *f, sl_vec *edits)
{
    for (size_t i = 0; i < f->n; i++) {
        const sl_fix *fix = preferred_fix(f->items[i]);
        for (size_t k = 0; fix && k < fix->nedits; k++) {
            const sl_edit *e = &fix->edits[k];
            bool dup = !e->loc.file;
            for (size_t j = 0; j < edits->n && !dup; j++)
                dup = edit_same(edits->items[j], e);
            if (!dup)
                sl_vec_push(a, edits, (void *)e);
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
} splice;

static int splice_write(FILE *out, void *ctx)
{
    const splice *s = ctx;
    size_t at = 0;
    for (size_t i = 0; i < s->nedits; i++) {
        fwrite(s->text + at, 1, (size_t)s->starts[i] - at, out);
        fputs(s->edits[i]->text, out);
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

static int file_splice(sl_arena *a, const char *path, const char *text, size_t len,
                       sl_edit **edits, size_t n, sl_err *err)
{
    qsort(edits, n, sizeof *edits, edit_order);
    splice s = {text, len, edits, n, sl_alloc(a, n * sizeof(long)), sl_alloc(a, n * sizeof(long))};
    for (size_t i = 0; i < n; i++) {
        s.starts[i] = offset_of(text, len, edits[i]->loc.line, edits[i]->loc.col);
        s.ends[i] = offset_of(text, len, edits[i]->end.line, edits[i]->end.col);
        if (s.starts[i] < 0 || s.ends[i] < s.starts[i] || (i && s.starts[i] < s.ends[i - 1])) {
            sl_err_set(err, edits[i]->loc, "--fix: the file changed since it was linted");
            return -1;
        }
    }
    return sl_output_atomic(path, splice_write, &s, err);
}

static int file_apply(sl_arena *a, const char *path, sl_edit **edits, size_t n, sl_err *err)
{
    size_t len;
    char *text;
    if (sl_file_read(path, SL_YAML_MAX_BYTES, (sl_loc){0}, &text, &len, err) != 0)
        return -1;
    int rc = file_splice(a, path, text, len, edits, n, err);
    free(text);
    return rc;
}

int sl_fix_write(sl_arena *a, const sl_findings *f, sl_vec *written, sl_err *err)
{
    sl_vec edits = {0};
    collect_edits(a, f, &edits);
    for (size_t i = 0; i < edits.n; i++) {
        sl_edit *first = edits.items[i];
        if (!first)
            continue;
        sl_vec same = {0};
        for (size_t j = i; j < edits.n; j++) {
            sl_edit *e = edits.items[j];
            if (e && strcmp(e->loc.file, first->loc.file) == 0) {
                sl_vec_push(a, &same, e);
                edits.items[j] = NULL;
            }
        }
        if (file_apply(a, first->loc.file, (sl_edit **)same.items, same.n, err) != 0)
            return -1;
        sl_fixed_file *done = sl_alloc(a, sizeof *done);
        *done = (sl_fixed_file){first->loc.file, same.n};
        sl_vec_push(a, written, done);
    }
    return 0;
}
