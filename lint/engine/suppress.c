/* Suppression comments: `# shardlint: disable=SL001[,SL002]` on a finding's
 * line or the line above it, `# shardlint: disable-file=SL001` anywhere in
 * the file. Ids or rule names both work. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "engine_internal.h"
#include "shardlint/limits.h"
#include "shardlint/rule.h"

typedef struct {
    const char *path;
    char **lines;
    size_t n;
} file_lines;

static file_lines *lines_load(sl_session *s, sl_arena *a, sl_vec *cache, const char *path)
{
    for (size_t i = 0; i < cache->n; i++) {
        file_lines *fl = cache->items[i];
        if (strcmp(fl->path, path) == 0)
            return fl;
    }
    file_lines *fl = sl_alloc(a, sizeof *fl);
    fl->path = path;
    sl_vec v = {0};
    char *text;
    size_t len;
    sl_err ignored;
    if (session_read(s, path, SL_YAML_MAX_BYTES, &text, &len, &ignored) == 0) {
        for (char *p = text, *nl; p < text + len; p = nl + 1) {
            nl = memchr(p, '\n', (size_t)(text + len - p));
            nl = nl ? nl : text + len;
            sl_vec_push(a, &v, sl_strndup(a, p, (size_t)(nl - p)));
        }
        free(text);
    }
    fl->lines = (char **)v.items;
    fl->n = v.n;
    sl_vec_push(a, cache, fl);
    return fl;
}

/* Whether `line` has `# shardlint: <directive>=LIST` naming the rule. */
static bool line_disables(const char *line, const char *directive, const sl_rule_def *r)
{
    const char *p = strstr(line, "shardlint:");
    if (!p || !memchr(line, '#', (size_t)(p - line)))
        return false;
    p += strlen("shardlint:");
    p += strspn(p, " \t");
    size_t dl = strlen(directive);
    if (strncmp(p, directive, dl) != 0 || p[dl] != '=')
        return false;
    for (p += dl + 1;;) {
        size_t len = strcspn(p, ", \t\r\n");
        if (len == 0)
            return false;
        if ((len == strlen(r->id) && strncasecmp(p, r->id, len) == 0) ||
            (len == strlen(r->name) && strncmp(p, r->name, len) == 0))
            return true;
        p += len;
        if (*p != ',')
            return false;
        p++;
    }
}

static bool suppressed(const file_lines *fl, const sl_finding *f)
{
    size_t line = (size_t)f->loc.line;
    for (size_t i = 0; i < fl->n; i++) {
        if (line_disables(fl->lines[i], "disable-file", f->rule))
            return true;
        if ((i + 1 == line || i + 2 == line) && line_disables(fl->lines[i], "disable", f->rule))
            return true;
    }
    return false;
}

void sl_suppress(sl_session *s, sl_arena *a, sl_findings *f)
{
    sl_vec cache = {0};
    size_t kept = 0;
    for (size_t i = 0; i < f->n; i++) {
        sl_finding *x = f->items[i];
        if (x->loc.file && x->loc.line > 0 && suppressed(lines_load(s, a, &cache, x->loc.file), x))
            continue;
        f->items[kept++] = x;
    }
    f->n = kept;
}
