/* Shared by the language server's files: open documents, the server state,
 * positions, and the diagnostics each finding becomes. */
#ifndef SHARDLINT_LSP_INTERNAL_H
#define SHARDLINT_LSP_INTERNAL_H

#include <stdbool.h>

#include "shardlint/engine.h"
#include "shardlint/lsp.h"

#define LSP_PARSE_ERROR -32700
#define LSP_INVALID_REQUEST -32600
#define LSP_METHOD_NOT_FOUND -32601
#define LSP_INVALID_PARAMS -32602
#define LSP_NOT_INITIALIZED -32002

/* An open document, and the check of the targets it names (its unit). */
typedef struct {
    char *uri;                /* as the client sent it */
    char *path;               /* as the engine names it: relative to the working
                                 directory when inside it */
    char *key;                /* real path (absolute when not on disk): how
                                 files are matched */
    char *text;
    size_t len;
    long long version;
    sl_report report;         /* the last check of this file's targets */
    sl_strmap deps;           /* keys of the files that check read, in its arena */
    bool linted;
    bool stale;               /* edited, or a file its check read was */
    bool edited;              /* its diagnostics are due even if unchanged */
    char *published;          /* the diagnostics last sent, as JSON */
} lsp_doc;

struct sl_lsp {
    FILE *out;
    sl_session *session;
    sl_lsp_settings settings; /* load is NULL without any */
    sl_check_opts opts;       /* the workspace's; paths set per check */
    bool initialized, shut_down, exited, broken;
    bool publish_due;         /* a document closed: what its check found is gone */
    bool utf8;                /* positions count bytes, not UTF-16 units */
    bool resyncing;           /* dropping bytes after a malformed header */
    lsp_doc **docs;
    size_t ndocs, capdocs;
    char *in;                 /* bytes read and not yet handled */
    size_t in_start, in_len, in_cap, in_skip;
};

/* ---- state and messages (lsp_state.c) ---- */
const cJSON *lsp_get(const cJSON *o, const char *name);
cJSON *lsp_message_new(void);           /* {"jsonrpc": "2.0"} */
void lsp_send(sl_lsp *l, cJSON *msg);   /* takes msg */
void lsp_notify(sl_lsp *l, const char *method, cJSON *params);
/* window/logMessage with an LSP MessageType (1 error .. 4 log). */
void lsp_log_message(sl_lsp *l, int type, const char *text);
/* window/showMessage: what the user must see, not only find in a log. */
void lsp_show_message(sl_lsp *l, int type, const char *text);
/* The open document of a URI, or of a file's key; NULL when none. */
lsp_doc *lsp_doc_of_uri(sl_lsp *l, const char *uri);
lsp_doc *lsp_doc_of_key(sl_lsp *l, const char *key);
/* params.textDocument.uri, or NULL. */
const char *lsp_param_uri(const cJSON *params);
/* A file's key: its real path, else its absolute path. */
char *lsp_key(sl_arena *a, const char *path);

/* ---- documents (lsp_docs.c) ---- */
lsp_doc *lsp_doc_open(sl_lsp *l, const char *uri, const char *text, size_t len,
                      long long version);
void lsp_doc_close(sl_lsp *l, lsp_doc *d);
/* Applies didChange's contentChanges; -1 when one is malformed. */
int lsp_doc_change(sl_lsp *l, lsp_doc *d, const cJSON *changes, long long version);
/* Marks stale every open document whose check read the file of `key`. */
void lsp_docs_touch(sl_lsp *l, const char *key);

/* ---- positions (lsp_pos.c) ---- */
/* A file's text as the server sees it: the open document's, else the disk's,
 * read once per `texts` cache (in a). NULL when unreadable. */
typedef struct {
    sl_lsp *l;
    sl_arena *a;
    sl_strmap at;             /* file name -> index into items */
    sl_vec items;             /* lsp_text * */
} lsp_texts;

typedef struct {
    const char *text;
    size_t len;
    const char *uri;
} lsp_text;

const lsp_text *lsp_text_of(lsp_texts *t, const char *file);
/* The start and end (its newline) of the line holding offset. */
void lsp_line_bounds(const char *text, size_t len, size_t offset, size_t *bol, size_t *eol);
/* The byte offset of a 1-based line and byte column, clamped to the text. */
size_t lsp_offset_of_loc(const lsp_text *t, int line, int col);
/* The byte offset of an LSP Position, clamped to the text; -1 when the
 * position is not a {line, character} object. */
long long lsp_offset_of_pos(const sl_lsp *l, const char *text, size_t len, const cJSON *pos);
cJSON *lsp_pos_json(const sl_lsp *l, const char *text, size_t len, size_t offset);
cJSON *lsp_range_json(const sl_lsp *l, const lsp_text *t, size_t from, size_t to);
/* The end of the token starting at `from`: a bracketed or quoted value, or
 * a word up to white space, a separator or `: `. */
size_t lsp_token_end(const char *text, size_t len, size_t from);
/* {uri, range} of a location, its range the token there; NULL without a file. */
cJSON *lsp_location_json(lsp_texts *t, sl_loc loc);

/* ---- findings -> diagnostics (lsp_diag.c) ---- */
/* Where a finding shows in an open document: its own location when it is in
 * that document, else the first related location there. */
typedef struct {
    const sl_finding *f;
    const lsp_doc *doc;
    sl_loc at;
    const char *why;          /* the related location's message, NULL at the finding */
} lsp_shown;

/* Calls fn for each finding of every check that shows in `doc` (each once). */
void lsp_each_shown(sl_lsp *l, lsp_texts *t, const lsp_doc *doc,
                    void (*fn)(void *ctx, const lsp_shown *s), void *ctx);
cJSON *lsp_diagnostic_json(lsp_texts *t, const lsp_shown *s);
/* The range a shown finding covers in its document, as byte offsets. */
void lsp_shown_range(lsp_texts *t, const lsp_shown *s, size_t *from, size_t *to);
/* Publishes each open document's diagnostics that changed. */
void lsp_publish(sl_lsp *l);

/* ---- checks (lsp_lint.c) ---- */
/* Lints every stale document now: a request must see the current text. */
void lsp_flush(sl_lsp *l);
/* Whether a document is stale or diagnostics are due. */
bool lsp_work_due(const sl_lsp *l);
/* An empty list for a document about to close. */
void lsp_publish_empty(sl_lsp *l, const char *uri);

/* ---- requests (lsp_actions.c, lsp_hover.c) ---- */
cJSON *lsp_code_actions(sl_lsp *l, const cJSON *params, int *error);
cJSON *lsp_hover(sl_lsp *l, const cJSON *params, int *error);

#endif
