/* Flow-style rendering of a value, as it would be written back into a YAML
 * file or a `key=value` word: strings stay plain unless a reader would
 * type them differently or the flow syntax would split them. */
#include "shardlint/yaml.h"

#include <stdio.h>
#include <string.h>

typedef struct {
    sl_arena *a;
    char *buf;
    size_t n, cap;
} render_buf;

static void put(render_buf *r, const char *s, size_t len)
{
    if (r->n + len + 1 > r->cap) {
        size_t cap = (r->n + len + 1) * 2;
        char *buf = sl_alloc(r->a, cap);
        if (r->n)
            memcpy(buf, r->buf, r->n);
        r->buf = buf;
        r->cap = cap;
    }
    if (len)
        memcpy(r->buf + r->n, s, len);
    r->n += len;
    r->buf[r->n] = '\0';
}

static void puts_(render_buf *r, const char *s) { put(r, s, strlen(s)); }

static bool has_control(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return true;
    return false;
}

static bool needs_quotes(const char *s)
{
    if (!*s || strchr("-?:,[]{}#&*!|>'\"%@` ", *s) || s[strlen(s) - 1] == ' ')
        return true;
    if (strpbrk(s, ",[]{}:#"))
        return true;
    sl_node probe = {.kind = SL_NODE_SCALAR, .str = s};
    sl_scalar_resolve(&probe);
    return probe.type != SL_SCALAR_STR;
}

static void put_double_quoted(render_buf *r, const char *s)
{
    puts_(r, "\"");
    for (; *s; s++) {
        char esc[8];
        if (*s == '"' || *s == '\\')
            snprintf(esc, sizeof esc, "\\%c", *s);
        else if (*s == '\n')
            snprintf(esc, sizeof esc, "\\n");
        else if (*s == '\t')
            snprintf(esc, sizeof esc, "\\t");
        else if ((unsigned char)*s < 0x20 || *s == 0x7f)
            snprintf(esc, sizeof esc, "\\x%02x", (unsigned char)*s);
        else
            snprintf(esc, sizeof esc, "%c", *s);
        puts_(r, esc);
    }
    puts_(r, "\"");
}

static void put_string(render_buf *r, const char *s)
{
    if (has_control(s)) {
        put_double_quoted(r, s);
        return;
    }
    if (!needs_quotes(s)) {
        puts_(r, s);
        return;
    }
    puts_(r, "'");
    for (const char *q; (q = strchr(s, '\'')); s = q + 1) {
        put(r, s, (size_t)(q - s));
        puts_(r, "''");
    }
    puts_(r, s);
    puts_(r, "'");
}

/* Typed scalars keep their text as written (`0x10`, `1.e-05`, `True`);
 * nodes built in code without text are written from their value. */
static void put_scalar(render_buf *r, const sl_node *n)
{
    const char *s = n->str ? n->str : "";
    char num[64];
    if (n->type == SL_SCALAR_STR || *s) {
        if (n->type == SL_SCALAR_STR)
            put_string(r, s);
        else
            puts_(r, s);
        return;
    }
    if (n->type == SL_SCALAR_BOOL)
        snprintf(num, sizeof num, "%s", n->b ? "true" : "false");
    else if (n->type == SL_SCALAR_INT)
        snprintf(num, sizeof num, "%lld", n->i);
    else if (n->type == SL_SCALAR_FLOAT)
        snprintf(num, sizeof num, "%.17g", n->f);
    else
        snprintf(num, sizeof num, "null");
    puts_(r, num);
}

static void put_node(render_buf *r, const sl_node *n)
{
    if (!n) {
        puts_(r, "null");
        return;
    }
    if (n->kind == SL_NODE_SCALAR) {
        put_scalar(r, n);
        return;
    }
    bool map = n->kind == SL_NODE_MAP;
    puts_(r, map ? "{" : "[");
    for (size_t k = 0; k < n->n; k++) {
        if (k)
            puts_(r, ", ");
        if (map) {
            put_node(r, n->keys[k]);
            puts_(r, ": ");
        }
        put_node(r, n->items[k]);
    }
    puts_(r, map ? "}" : "]");
}

char *sl_node_render(sl_arena *a, const sl_node *n)
{
    render_buf r = {.a = a};
    put(&r, "", 0);
    put_node(&r, n);
    return r.buf;
}
