/* Suppression comments, ids or rule names, comma-separated:
 *   # shardlint: disable=SL001,SL002     this statement, or the one below
 *   # shardlint: disable-next-line=SL001 the statement below
 *   # shardlint: disable-file=SL001      the whole file
 * A finding is disabled by a comment at its own location or at any of its
 * related locations: the cause may be written far from where the rule
 * reports (the launch-script word that makes an axis active, the model-code
 * line of a scanned spec). A statement is a line with the lines it
 * continues with a trailing backslash, so a comment after a multi-line
 * launch command covers every word of it. */
#include <stdlib.h>
#include <string.h>

#include "engine_internal.h"
#include "shardlint/limits.h"
#include "shardlint/rule.h"

enum { SCOPE_STATEMENT, SCOPE_NEXT, SCOPE_FILE };

typedef struct {
    int line, col;             /* the id as written */
    int scope;
    const char *id;
    const sl_rule_def *rule;   /* NULL: the id names no rule */
    bool used;
} directive;

typedef struct {
    const char *path;
    directive *d;              /* in line order */
    size_t n;
    int nlines;
    int *first, *last;         /* [line]: the first and last line of its statement */
    /* For each rule asked about, its first file-wide comment (or NULL): a
     * finding costs a look at its own lines, not at every comment. */
    sl_vec wide_rules, wide_first;
} file_comments;

struct suppressions {
    sl_session *s;
    sl_arena *a;
    sl_strmap at;              /* path -> index into files */
    sl_vec files;              /* file_comments * */
};

suppressions *suppress_new(sl_session *s, sl_arena *a)
{
    suppressions *sp = sl_alloc(a, sizeof *sp);
    sp->s = s;
    sp->a = a;
    return sp;
}

/* Columns count characters, as libyaml's marks do. */
static int column_of(const char *line, const char *p)
{
    int col = 1;
    for (const char *q = line; q < p; q++)
        col += ((unsigned char)*q & 0xC0) != 0x80;
    return col;
}

static const struct {
    const char *name;
    int scope;
} directive_names[] = {
    {"disable-next-line=", SCOPE_NEXT},
    {"disable-file=", SCOPE_FILE},
    {"disable=", SCOPE_STATEMENT},
};

static void parse_ids(sl_arena *a, sl_vec *out, const char *line, int lineno, const char *p,
                      int scope)
{
    for (;;) {
        size_t len = strcspn(p, ", \t\r\n#");
        if (len == 0)
            return;
        directive *d = sl_alloc(a, sizeof *d);
        d->line = lineno;
        d->col = column_of(line, p);
        d->scope = scope;
        d->id = sl_strndup(a, p, len);
        d->rule = sl_rule_find(d->id);
        sl_vec_push(a, out, d);
        p += len;
        if (*p != ',')
            return;
        p++;
        p += strspn(p, " \t");
    }
}

/* Every `# shardlint: DIRECTIVE=LIST` of one line. */
static void parse_line(sl_arena *a, sl_vec *out, const char *line, int lineno)
{
    const char *hash = strchr(line, '#');
    for (const char *p = hash ? strstr(hash, "shardlint:") : NULL; p;
         p = strstr(p + 1, "shardlint:")) {
        const char *q = p + strlen("shardlint:");
        q += strspn(q, " \t");
        for (size_t i = 0; i < sizeof directive_names / sizeof directive_names[0]; i++) {
            size_t n = strlen(directive_names[i].name);
            if (strncmp(q, directive_names[i].name, n) == 0) {
                parse_ids(a, out, line, lineno, q + n, directive_names[i].scope);
                break;
            }
        }
    }
}

static bool continues(const char *line, size_t len)
{
    while (len && line[len - 1] == '\r')
        len--;
    return len && line[len - 1] == '\\';
}

static void statements(file_comments *fc, sl_arena *a, char **lines, size_t *lens)
{
    int n = fc->nlines;
    fc->first = sl_alloc(a, ((size_t)n + 2) * sizeof *fc->first);
    fc->last = sl_alloc(a, ((size_t)n + 2) * sizeof *fc->last);
    for (int l = 1; l <= n; l++)
        fc->first[l] = l > 1 && continues(lines[l - 2], lens[l - 2]) ? fc->first[l - 1] : l;
    for (int l = n; l >= 1; l--)
        fc->last[l] = l < n && continues(lines[l - 1], lens[l - 1]) ? fc->last[l + 1] : l;
}

static void comments_parse(file_comments *fc, sl_arena *a, char *text, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += text[i] == '\n';
    n += len && text[len - 1] != '\n';
    char **lines = sl_alloc(a, (n + 1) * sizeof *lines);
    size_t *lens = sl_alloc(a, (n + 1) * sizeof *lens);
    sl_vec found = {0};
    size_t k = 0;
    for (char *p = text, *nl; p < text + len; p = nl + 1, k++) {
        nl = memchr(p, '\n', (size_t)(text + len - p));
        nl = nl ? nl : text + len;
        *nl = '\0';
        lines[k] = p;
        lens[k] = (size_t)(nl - p);
        if (memchr(p, '#', lens[k]))
            parse_line(a, &found, p, (int)k + 1);
    }
    fc->nlines = (int)n;
    statements(fc, a, lines, lens);
    fc->d = sl_alloc(a, (found.n + 1) * sizeof *fc->d);
    for (size_t i = 0; i < found.n; i++)
        fc->d[i] = *(directive *)found.items[i];
    fc->n = found.n;
}

bool finding_wanted(const sl_check_opts *o, const sl_finding *f, const char *target_path)
{
    return (!o->keep_rule || o->keep_rule(f->rule, o->keep_ctx)) &&
           (!o->keep_finding || o->keep_finding(f, target_path, o->keep_ctx));
}

/* A file's comments, read once per check. A file that cannot be read has
 * none. */
static file_comments *comments_of(suppressions *sp, const char *path)
{
    size_t at;
    if (sl_strmap_get(&sp->at, path, &at))
        return sp->files.items[at];
    file_comments *fc = sl_alloc(sp->a, sizeof *fc);
    fc->path = sl_strdup(sp->a, path);
    char *text;
    size_t len;
    sl_err ignored;
    if (session_read(sp->s, path, SL_YAML_MAX_BYTES, &text, &len, &ignored) == 0) {
        comments_parse(fc, sp->a, text, len);
        free(text);
    }
    sl_strmap_put(sp->a, &sp->at, fc->path, sp->files.n);
    sl_vec_push(sp->a, &sp->files, fc);
    return fc;
}

static bool covers(const file_comments *fc, const directive *d, int line)
{
    int first = fc->first[line], last = fc->last[line];
    if (d->scope == SCOPE_NEXT)
        return d->line == first - 1;
    return d->line >= first - 1 && d->line <= last;
}

/* The index of the first comment at or below `line`. */
static size_t first_at(const file_comments *fc, int line)
{
    size_t lo = 0, hi = fc->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (fc->d[mid].line < line)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static directive *file_wide(sl_arena *a, file_comments *fc, const sl_rule_def *r)
{
    for (size_t i = 0; i < fc->wide_rules.n; i++)
        if (fc->wide_rules.items[i] == r)
            return fc->wide_first.items[i];
    directive *found = NULL;
    for (size_t i = 0; i < fc->n && !found; i++)
        if (fc->d[i].rule == r && fc->d[i].scope == SCOPE_FILE)
            found = &fc->d[i];
    sl_vec_push(a, &fc->wide_rules, (void *)r);
    sl_vec_push(a, &fc->wide_first, found);
    return found;
}

/* The first comment of the file that disables the rule at this line:
 * statement and next-line comments (on the lines of the statement and the
 * one above it) before file-wide ones, so that a file-wide comment made
 * redundant by a closer one is reported unused. */
static directive *disabling(sl_arena *a, file_comments *fc, const sl_rule_def *r, int line)
{
    if (line >= 1 && line <= fc->nlines) {
        for (size_t i = first_at(fc, fc->first[line] - 1);
             i < fc->n && fc->d[i].line <= fc->last[line]; i++) {
            directive *d = &fc->d[i];
            if (d->rule == r && d->scope != SCOPE_FILE && covers(fc, d, line))
                return d;
        }
    }
    return file_wide(a, fc, r);
}

static directive *disabling_at(suppressions *sp, const sl_rule_def *r, sl_loc loc)
{
    return loc.file ? disabling(sp->a, comments_of(sp, loc.file), r, loc.line) : NULL;
}

bool suppress_finding(suppressions *sp, const sl_finding *f)
{
    if (!f->rule)
        return false;
    directive *d = disabling_at(sp, f->rule, f->loc);
    for (size_t i = 0; !d && i < f->nrelated; i++)
        d = disabling_at(sp, f->rule, f->related[i].loc);
    if (d)
        d->used = true;
    return d != NULL;
}

extern const sl_rule_def sl_rule_sl902;

static const char *unused_message(sl_arena *a, const directive *d)
{
    if (!d->rule)
        return sl_sprintf(a, "suppression names no rule: `%s` (see `shardlint rules`)", d->id);
    return sl_sprintf(a, "unused suppression: no %s (%s) finding %s to disable", d->rule->id,
                      d->rule->name, d->scope == SCOPE_FILE ? "in this file" : "here");
}

static bool judged(const sl_check_opts *o, const directive *d)
{
    if (d->rule == &sl_rule_sl902)
        return false;
    return !d->rule || !o->keep_rule || o->keep_rule(d->rule, o->keep_ctx);
}

void suppress_unused(suppressions *sp, sl_arena *a, const sl_check_opts *o, const sl_vec *files,
                     sl_findings *out)
{
    for (size_t i = 0; i < files->n; i++) {
        const char *path = files->items[i];
        const file_comments *fc = comments_of(sp, path);
        for (size_t k = 0; k < fc->n; k++) {
            const directive *d = &fc->d[k];
            if (d->used || !judged(o, d))
                continue;
            sl_loc at = {.file = path, .line = d->line, .col = d->col};
            sl_finding f = {.rule = &sl_rule_sl902, .level = sl_rule_sl902.level, .loc = at,
                            .message = unused_message(a, d)};
            if (!finding_wanted(o, &f, path) || suppress_finding(sp, &f))
                continue;
            sl_finding *x = sl_findings_add(a, out, f.rule, f.level, at, f.message);
            x->key = sl_sprintf(a, "SL902:%d:%s", d->scope, d->id);
            sl_finding_note(a, x, "Nothing this run reported is disabled by it. Remove it, so "
                                  "that it cannot hide a new finding here later.");
        }
    }
}
