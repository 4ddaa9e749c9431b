/* Positions: the engine counts 1-based lines and byte columns; LSP counts
 * 0-based lines and, unless the client takes UTF-8, UTF-16 code units. A
 * finding has a start only, so its range is the token that starts there. */
#include <stdlib.h>
#include <string.h>

#include "lsp_internal.h"

const lsp_text *lsp_text_of(lsp_texts *t, const char *file)
{
    size_t at;
    if (!file)
        return NULL;
    if (sl_strmap_get(&t->at, file, &at))
        return t->items.items[at];
    lsp_text *x = NULL;
    const char *key = lsp_key(t->a, file);
    for (size_t i = 0; i < t->l->ndocs && !x; i++) {
        const lsp_doc *d = t->l->docs[i];
        if (strcmp(d->key, key) == 0) {
            x = sl_alloc(t->a, sizeof *x);
            *x = (lsp_text){d->text, d->len, d->uri};
        }
    }
    char *buf;
    size_t len;
    sl_err ignored;
    if (!x && sl_file_read(file, SL_YAML_MAX_BYTES, (sl_loc){0}, &buf, &len, &ignored) == 0) {
        x = sl_alloc(t->a, sizeof *x);
        *x = (lsp_text){sl_strndup(t->a, buf, len), len, sl_uri_of_path(t->a, file)};
        free(buf);
    }
    const char *name = sl_strdup(t->a, file);
    sl_strmap_put(t->a, &t->at, name, t->items.n);
    sl_vec_push(t->a, &t->items, x);
    return x;
}

static size_t line_start(const char *text, size_t len, long long line)
{
    size_t off = 0;
    for (long long n = 0; n < line; n++) {
        const char *nl = memchr(text + off, '\n', len - off);
        if (!nl)
            return len;
        off = (size_t)(nl - text) + 1;
    }
    return off;
}

static size_t line_end(const char *text, size_t len, size_t from)
{
    const char *nl = memchr(text + from, '\n', len - from);
    return nl ? (size_t)(nl - text) : len;
}

void lsp_line_bounds(const char *text, size_t len, size_t offset, size_t *bol, size_t *eol)
{
    size_t b = offset < len ? offset : len;
    while (b > 0 && text[b - 1] != '\n')
        b--;
    *bol = b;
    *eol = line_end(text, len, offset < len ? offset : len);
}

size_t lsp_offset_of_loc(const lsp_text *t, int line, int col)
{
    size_t start = line_start(t->text, t->len, line > 0 ? line - 1 : 0);
    size_t end = line_end(t->text, t->len, start);
    size_t off = start + (size_t)(col > 0 ? col - 1 : 0);
    return off < end ? off : end;
}

/* Bytes of the UTF-8 sequence led by c; a stray byte counts as one. */
static size_t seq_len(unsigned char c)
{
    return c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
}

long long lsp_offset_of_pos(const sl_lsp *l, const char *text, size_t len, const cJSON *pos)
{
    const cJSON *line = cJSON_GetObjectItemCaseSensitive(pos, "line");
    const cJSON *ch = cJSON_GetObjectItemCaseSensitive(pos, "character");
    if (!cJSON_IsNumber(line) || !cJSON_IsNumber(ch) || line->valuedouble < 0 ||
        ch->valuedouble < 0)
        return -1;
    double lines = line->valuedouble, units = ch->valuedouble;
    size_t off = line_start(text, len, lines > 1e15 ? (long long)1e15 : (long long)lines);
    size_t end = line_end(text, len, off);
    for (double n = 0; off < end && n < units;) {
        size_t k = seq_len((unsigned char)text[off]);
        off += k;
        n += l->utf8 ? (double)k : k == 4 ? 2 : 1;
    }
    return (long long)(off < end ? off : end);
}

cJSON *lsp_pos_json(const sl_lsp *l, const char *text, size_t len, size_t offset)
{
    size_t line = 0, bol = 0;
    for (const char *p = text; (p = memchr(p, '\n', (size_t)(text + offset - p))); p++) {
        line++;
        bol = (size_t)(p - text) + 1;
    }
    size_t units = 0;
    for (size_t i = bol; i < offset;) {
        size_t k = seq_len((unsigned char)text[i]);
        units += l->utf8 ? k : k == 4 ? 2 : 1;
        i += k;
    }
    cJSON *p = cJSON_CreateObject();
    cJSON_AddNumberToObject(p, "line", (double)line);
    cJSON_AddNumberToObject(p, "character", (double)units);
    return p;
}

cJSON *lsp_range_json(const sl_lsp *l, const lsp_text *t, size_t from, size_t to)
{
    cJSON *r = cJSON_CreateObject();
    cJSON_AddItemToObject(r, "start", lsp_pos_json(l, t->text, t->len, from));
    cJSON_AddItemToObject(r, "end", lsp_pos_json(l, t->text, t->len, to));
    return r;
}

static size_t closing(const char *text, size_t end, size_t from)
{
    int depth = 0;
    char quote = 0;
    for (size_t i = from; i < end; i++) {
        char c = text[i];
        if (quote)
            quote = c == quote ? 0 : quote;
        else if (c == '\'' || c == '"')
            quote = c;
        else if (c == '[' || c == '{' || c == '(')
            depth++;
        else if ((c == ']' || c == '}' || c == ')') && --depth == 0)
            return i + 1;
    }
    return end;
}

size_t lsp_token_end(const char *text, size_t len, size_t from)
{
    size_t end = line_end(text, len, from);
    if (from >= end)
        return from;
    char c = text[from];
    if (c == '[' || c == '{' || c == '(')
        return closing(text, end, from);
    if (c == '\'' || c == '"') {
        const char *q = memchr(text + from + 1, c, end - from - 1);
        return q ? (size_t)(q - text) + 1 : end;
    }
    size_t i = from;
    while (i < end && !strchr(" \t\r,]}#", text[i]) &&
           !(text[i] == ':' && (i + 1 == end || text[i + 1] == ' ')))
        i++;
    return i > from ? i : from + 1;
}

cJSON *lsp_location_json(lsp_texts *t, sl_loc loc)
{
    const lsp_text *x = lsp_text_of(t, loc.file);
    if (!x || loc.line <= 0)
        return NULL;
    size_t from = lsp_offset_of_loc(x, loc.line, loc.col);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "uri", x->uri);
    cJSON_AddItemToObject(o, "range",
                          lsp_range_json(t->l, x, from, lsp_token_end(x->text, x->len, from)));
    return o;
}
