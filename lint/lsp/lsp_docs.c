/* Open documents: their text is the session's overlay for their file, and
 * each carries the check of the targets it names. An edit makes stale the
 * document itself and every document whose check read the edited file. */
#include <stdlib.h>
#include <string.h>

#include "lsp_internal.h"


static char *dup_n(const char *s, size_t n)
{
    char *c = malloc(n + 1);
    if (!c) {
        fputs("shardlint: out of memory\n", stderr);
        abort();
    }
    memcpy(c, s, n);
    c[n] = '\0';
    return c;
}

static void doc_set_text(sl_lsp *l, lsp_doc *d, char *text, size_t len)
{
    free(d->text);
    d->text = text;
    d->len = len;
    sl_session_set_text(l->session, d->path, text, len);
    lsp_docs_touch(l, d->key);
    d->edited = true;
}

void lsp_docs_touch(sl_lsp *l, const char *key)
{
    size_t at;
    for (size_t i = 0; i < l->ndocs; i++) {
        lsp_doc *d = l->docs[i];
        if (strcmp(d->key, key) == 0 || (d->linted && sl_strmap_get(&d->deps, key, &at)))
            d->stale = true;
    }
}

lsp_doc *lsp_doc_open(sl_lsp *l, const char *uri, const char *text, size_t len,
                      long long version)
{
    lsp_doc *d = lsp_doc_of_uri(l, uri);
    if (!d) {
        sl_arena *a = sl_arena_new();
        const char *path = sl_uri_path(a, uri);
        if (!path) {
            sl_arena_free(a);
            return NULL;
        }
        d = calloc(1, sizeof *d);
        if (!d)
            abort();
        d->uri = dup_n(uri, strlen(uri));
        const char *shown = sl_path_display(a, path);
        d->path = dup_n(shown, strlen(shown));
        const char *key = lsp_key(a, path);
        d->key = dup_n(key, strlen(key));
        sl_arena_free(a);
        if (l->ndocs == l->capdocs) {
            l->capdocs = l->capdocs ? l->capdocs * 2 : 8;
            l->docs = realloc(l->docs, l->capdocs * sizeof *l->docs);
            if (!l->docs)
                abort();
        }
        l->docs[l->ndocs++] = d;
    }
    d->version = version;
    doc_set_text(l, d, dup_n(text, len), len);
    return d;
}

void lsp_doc_close(sl_lsp *l, lsp_doc *d)
{
    sl_session_set_text(l->session, d->path, NULL, 0);
    for (size_t i = 0; i < l->ndocs; i++)
        if (l->docs[i] == d)
            l->docs[i] = l->docs[--l->ndocs];
    lsp_docs_touch(l, d->key);
    if (d->linted)
        sl_report_free(&d->report);
    free(d->uri);
    free(d->path);
    free(d->key);
    free(d->text);
    cJSON_free(d->published);
    free(d);
}

/* One change: the whole text, or a range of it replaced. */
static int apply_change(sl_lsp *l, char **text, size_t *len, const cJSON *change)
{
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(change, "text");
    const cJSON *range = cJSON_GetObjectItemCaseSensitive(change, "range");
    if (!cJSON_IsString(t))
        return -1;
    size_t n = strlen(t->valuestring);
    if (!range) {
        free(*text);
        *text = dup_n(t->valuestring, n);
        *len = n;
        return 0;
    }
    long long from = lsp_offset_of_pos(l, *text, *len,
                                       cJSON_GetObjectItemCaseSensitive(range, "start"));
    long long to = lsp_offset_of_pos(l, *text, *len,
                                     cJSON_GetObjectItemCaseSensitive(range, "end"));
    if (from < 0 || to < from)
        return -1;
    size_t tail = *len - (size_t)to;
    char *next = malloc((size_t)from + n + tail + 1);
    if (!next)
        abort();
    memcpy(next, *text, (size_t)from);
    memcpy(next + from, t->valuestring, n);
    memcpy(next + from + n, *text + to, tail);
    next[from + n + tail] = '\0';
    free(*text);
    *text = next;
    *len = (size_t)from + n + tail;
    return 0;
}

int lsp_doc_change(sl_lsp *l, lsp_doc *d, const cJSON *changes, long long version)
{
    if (!cJSON_IsArray(changes))
        return -1;
    char *text = dup_n(d->text, d->len);
    size_t len = d->len;
    const cJSON *c;
    int rc = 0;
    cJSON_ArrayForEach(c, changes)
        if ((rc = apply_change(l, &text, &len, c)) != 0)
            break;
    if (rc != 0 || len > SL_LSP_MAX_MESSAGE) {
        free(text);
        return -1;
    }
    d->version = version;
    doc_set_text(l, d, text, len);
    return 0;
}
