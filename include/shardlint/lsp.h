/* The language server: `shardlint lsp` speaks the Language Server Protocol
 * 3.17 (JSON-RPC 2.0 with Content-Length framing) on standard input and
 * output. One engine session lives as long as the server: open buffers are
 * its overlays, everything else is read from disk, and an edit re-lints only
 * the open files whose targets read the edited file.
 *
 * It publishes diagnostics for findings located in an open file and for
 * findings caused by it (a related location in it, such as the launch word
 * that makes an axis active), offers each verified fix and a suppression
 * comment as code actions, and answers hovers on logical names. It never
 * writes a file: edits go to the editor as WorkspaceEdits. */
#ifndef SHARDLINT_LSP_H
#define SHARDLINT_LSP_H

#include <stdio.h>

#include <cjson/cJSON.h>

#include "shardlint/engine.h"

/* ---- framing ------------------------------------------------------------- */

typedef enum {
    SL_LSP_MESSAGE,      /* json holds the message; the caller deletes it */
    SL_LSP_NEED_MORE,    /* the buffer ends inside a frame */
    SL_LSP_BAD_HEADER,   /* no valid Content-Length: `used` bytes are dropped to
                            reach the next header */
    SL_LSP_TOO_LARGE,    /* Content-Length over SL_LSP_MAX_MESSAGE: `used` is the
                            header, and the `skip` body bytes after it are dropped */
    SL_LSP_BAD_JSON      /* a whole frame whose body is not JSON: `used` drops it */
} sl_lsp_status;

typedef struct {
    sl_lsp_status status;
    size_t used;
    size_t skip;
    cJSON *json;
} sl_lsp_frame;

/* Reads one message from the front of buf[0..len): any bytes are safe, and
 * nothing past len is read. The entry point for fuzzing the framing. */
sl_lsp_frame sl_lsp_read_message(const char *buf, size_t len);

/* ---- the server ---------------------------------------------------------- */

typedef struct sl_lsp sl_lsp;

/* The workspace's settings, from whoever starts the server (the command
 * line reads them from .shardlint.yml): the server knows nothing of where
 * they come from. */
typedef struct {
    /* Called once the server works from the workspace root, and again when
     * a file named file_name is saved or changes on disk. Fills o, which
     * holds the server's defaults; the callbacks and lists it sets may point
     * into memory kept until the next call. Returns 0; -1 with err when the
     * settings cannot be read: the server shows err to the user and works
     * with its defaults. */
    int (*load)(void *ctx, sl_check_opts *o, sl_err *err);
    void *ctx;
    const char *file_name;
} sl_lsp_settings;

/* A server that writes its messages to out, with the workspace's settings
 * (NULL: the defaults). */
sl_lsp *sl_lsp_new(FILE *out, const sl_lsp_settings *settings);
void sl_lsp_free(sl_lsp *l);

/* Bytes from the client: every complete message in them is handled (a
 * malformed one gets a JSON-RPC error). Returns 1 once the client sent
 * `exit` or output cannot be written, else 0. With sl_lsp_idle, the entry
 * point for fuzzing the whole server. */
int sl_lsp_feed(sl_lsp *l, const char *buf, size_t len);

/* Re-lints what edits left stale and publishes the diagnostics that
 * changed: the server calls it when no input is waiting, so a burst of
 * keystrokes is linted once. */
void sl_lsp_idle(sl_lsp *l);

/* 0 when the client asked for shutdown before exit (or end of input), 1
 * otherwise, as LSP asks. */
int sl_lsp_exit_status(const sl_lsp *l);

/* The whole server on a file descriptor and a stream, until `exit` or end
 * of input; returns the exit status. */
int sl_lsp_serve(int in_fd, FILE *out, const sl_lsp_settings *settings);

#endif
