/* The server: messages in, lifecycle, dispatch, messages out. Everything
 * runs on one thread: edits are applied as they arrive, and checks run when
 * no input is waiting (or before a request that reads their results). */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lsp_internal.h"

static void respond(sl_lsp *l, const cJSON *id, cJSON *result)
{
    cJSON *m = lsp_message_new();
    cJSON_AddItemToObject(m, "id", cJSON_Duplicate(id, true));
    cJSON_AddItemToObject(m, "result", result);
    lsp_send(l, m);
}

static void respond_error(sl_lsp *l, const cJSON *id, int code, const char *text)
{
    cJSON *m = lsp_message_new();
    cJSON_AddItemToObject(m, "id", id ? cJSON_Duplicate(id, true) : cJSON_CreateNull());
    cJSON *e = cJSON_AddObjectToObject(m, "error");
    cJSON_AddNumberToObject(e, "code", code);
    cJSON_AddStringToObject(e, "message", text);
    lsp_send(l, m);
}

void sl_lsp_idle(sl_lsp *l)
{
    lsp_flush(l);
}

/* ---- lifecycle ----------------------------------------------------------- */

static bool offers_utf8(const cJSON *params)
{
    const cJSON *enc;
    cJSON_ArrayForEach(enc, lsp_get(lsp_get(lsp_get(params, "capabilities"), "general"), "positionEncodings"))
        if (cJSON_IsString(enc) && strcmp(enc->valuestring, "utf-8") == 0)
            return true;
    return false;
}

static const char *root_uri(const cJSON *params)
{
    const cJSON *folders = lsp_get(params, "workspaceFolders");
    const cJSON *first = cJSON_IsArray(folders) ? cJSON_GetArrayItem(folders, 0) : NULL;
    const cJSON *uri = first ? lsp_get(first, "uri") : lsp_get(params, "rootUri");
    return cJSON_IsString(uri) ? uri->valuestring : NULL;
}

static sl_check_opts default_opts(void)
{
    return (sl_check_opts){.latent = true, .verify_fixes = true, .entries_only = true,
                           .cache = true};
}

/* The workspace's settings, loaded afresh: a setting taken out of the file
 * goes back to its default. A file that cannot be read must not stop the
 * server: the user sees why, and the defaults serve until it is fixed. */
static void load_settings(sl_lsp *l)
{
    l->opts = default_opts();
    sl_err e;
    if (!l->settings.load || l->settings.load(l->settings.ctx, &l->opts, &e) == 0)
        return;
    l->opts = default_opts();
    char where[1024];
    sl_arena *a = sl_arena_new();
    lsp_show_message(l, 1, sl_sprintf(a, "shardlint: %s: error: %s (linting with the defaults)",
                                      sl_loc_str(e.loc, where, sizeof where), e.msg));
    sl_arena_free(a);
}

/* A save or a change on disk of the settings file: every check may differ. */
static void settings_touched(sl_lsp *l, const char *path)
{
    if (!l->settings.file_name || strcmp(sl_path_base(path), l->settings.file_name) != 0)
        return;
    load_settings(l);
    for (size_t i = 0; i < l->ndocs; i++)
        l->docs[i]->stale = true;
}

/* The server works from the workspace root, as `shardlint check` run there:
 * findings name files relative to it, and the settings are the root's. */
static void enter_root(sl_lsp *l, const cJSON *params)
{
    const char *uri = root_uri(params);
    sl_arena *a = sl_arena_new();
    const char *root = uri ? sl_uri_path(a, uri) : NULL;
    if (root && (!sl_is_dir(root) || chdir(root) != 0))
        lsp_log_message(l, 2, sl_sprintf(a, "shardlint: cannot work from the workspace root %s; "
                                        "paths are read from where the server started", root));
    sl_arena_free(a);
    load_settings(l);
}

static cJSON *initialize(sl_lsp *l, const cJSON *params, int *error)
{
    if (l->initialized) {
        *error = LSP_INVALID_REQUEST;
        return NULL;
    }
    l->initialized = true;
    l->utf8 = offers_utf8(params);
    enter_root(l, params);
    cJSON *r = cJSON_CreateObject();
    cJSON *caps = cJSON_AddObjectToObject(r, "capabilities");
    cJSON_AddStringToObject(caps, "positionEncoding", l->utf8 ? "utf-8" : "utf-16");
    cJSON *sync = cJSON_AddObjectToObject(caps, "textDocumentSync");
    cJSON_AddBoolToObject(sync, "openClose", true);
    cJSON_AddNumberToObject(sync, "change", 2);
    cJSON_AddBoolToObject(cJSON_AddObjectToObject(sync, "save"), "includeText", false);
    cJSON *actions = cJSON_AddObjectToObject(caps, "codeActionProvider");
    cJSON_AddItemToArray(cJSON_AddArrayToObject(actions, "codeActionKinds"),
                         cJSON_CreateString("quickfix"));
    cJSON_AddBoolToObject(caps, "hoverProvider", true);
    cJSON *info = cJSON_AddObjectToObject(r, "serverInfo");
    cJSON_AddStringToObject(info, "name", "shardlint");
    cJSON_AddStringToObject(info, "version", SHARDLINT_VERSION);
    return r;
}

static cJSON *shutdown(sl_lsp *l, const cJSON *params, int *error)
{
    l->shut_down = true;
    return cJSON_CreateNull();
}

static void exit_now(sl_lsp *l, const cJSON *params)
{
    l->exited = true;
}

static void ignore(sl_lsp *l, const cJSON *params)
{
}

/* ---- text sync ----------------------------------------------------------- */

/* A document version from the client: a number out of long long's range
 * (its cast would be undefined; found by fuzz_lsp) or none reads as dflt. */
static long long version_of(const cJSON *v, long long dflt)
{
    if (!cJSON_IsNumber(v) || !(v->valuedouble > -9.2e18 && v->valuedouble < 9.2e18))
        return dflt;
    return (long long)v->valuedouble;
}

static void did_open(sl_lsp *l, const cJSON *params)
{
    const cJSON *doc = lsp_get(params, "textDocument");
    const cJSON *text = lsp_get(doc, "text"), *version = lsp_get(doc, "version");
    const char *uri = lsp_param_uri(params);
    if (uri && cJSON_IsString(text))
        lsp_doc_open(l, uri, text->valuestring, strlen(text->valuestring),
                     version_of(version, 0));
}

static void did_change(sl_lsp *l, const cJSON *params)
{
    lsp_doc *d = lsp_doc_of_uri(l, lsp_param_uri(params));
    const cJSON *version = lsp_get(lsp_get(params, "textDocument"), "version");
    if (d)
        lsp_doc_change(l, d, lsp_get(params, "contentChanges"),
                       version_of(version, d->version));
}

/* The buffer is what was saved, and it was the overlay already; only a
 * client that sends the text along can tell of a difference. The settings
 * are read from disk, so a save is when they change. */
static void did_save(sl_lsp *l, const cJSON *params)
{
    lsp_doc *d = lsp_doc_of_uri(l, lsp_param_uri(params));
    const cJSON *text = lsp_get(params, "text");
    if (d && cJSON_IsString(text))
        lsp_doc_open(l, d->uri, text->valuestring, strlen(text->valuestring), d->version);
    if (d)
        settings_touched(l, d->path);
}

static void did_close(sl_lsp *l, const cJSON *params)
{
    lsp_doc *d = lsp_doc_of_uri(l, lsp_param_uri(params));
    if (!d)
        return;
    lsp_publish_empty(l, d->uri);
    lsp_doc_close(l, d);
    /* What its check found may show in other documents. */
    l->publish_due = true;
}

/* Files changed on disk (a checkout, a save from elsewhere): the checks
 * that read them are stale. */
static void did_change_watched(sl_lsp *l, const cJSON *params)
{
    const cJSON *change;
    sl_arena *a = sl_arena_new();
    cJSON_ArrayForEach(change, lsp_get(params, "changes")) {
        const cJSON *uri = lsp_get(change, "uri");
        const char *path = cJSON_IsString(uri) ? sl_uri_path(a, uri->valuestring) : NULL;
        if (path) {
            lsp_docs_touch(l, lsp_key(a, path));
            settings_touched(l, path);
        }
    }
    sl_arena_free(a);
}

/* ---- dispatch ------------------------------------------------------------ */

typedef struct {
    const char *name;
    cJSON *(*request)(sl_lsp *l, const cJSON *params, int *error);
    void (*notification)(sl_lsp *l, const cJSON *params);
} method;

static const method methods[] = {
    {"initialize", initialize, NULL},
    {"shutdown", shutdown, NULL},
    {"textDocument/codeAction", lsp_code_actions, NULL},
    {"textDocument/hover", lsp_hover, NULL},
    {"initialized", NULL, ignore},
    {"exit", NULL, exit_now},
    {"textDocument/didOpen", NULL, did_open},
    {"textDocument/didChange", NULL, did_change},
    {"textDocument/didSave", NULL, did_save},
    {"textDocument/didClose", NULL, did_close},
    {"workspace/didChangeWatchedFiles", NULL, did_change_watched},
};

static const method *method_find(const char *name)
{
    for (size_t i = 0; i < sizeof methods / sizeof *methods; i++)
        if (strcmp(methods[i].name, name) == 0)
            return &methods[i];
    return NULL;
}

static const char *error_text(int code)
{
    switch (code) {
    case LSP_NOT_INITIALIZED:
        return "the server is not initialized: send initialize first";
    case LSP_INVALID_PARAMS:
        return "invalid params";
    case LSP_METHOD_NOT_FOUND:
        return "method not found";
    default:
        return "invalid request";
    }
}

static void request(sl_lsp *l, const cJSON *id, const char *name, const cJSON *params)
{
    const method *m = method_find(name);
    int error = 0;
    if (!l->initialized && strcmp(name, "initialize") != 0)
        error = LSP_NOT_INITIALIZED;
    else if (l->shut_down)
        error = LSP_INVALID_REQUEST;
    else if (!m || !m->request)
        error = LSP_METHOD_NOT_FOUND;
    cJSON *result = error ? NULL : m->request(l, params, &error);
    if (error)
        respond_error(l, id, error, error_text(error));
    else
        respond(l, id, result);
}

/* Notifications never get an answer: before initialize and after shutdown
 * all but exit are dropped, as are the ones this server does not know. */
static void notification(sl_lsp *l, const char *name, const cJSON *params)
{
    const method *m = method_find(name);
    bool is_exit = strcmp(name, "exit") == 0;
    if (m && m->notification && (is_exit || (l->initialized && !l->shut_down)))
        m->notification(l, params);
}

static void handle(sl_lsp *l, const cJSON *msg)
{
    const cJSON *id = lsp_get(msg, "id"), *name = lsp_get(msg, "method");
    if (id && !cJSON_IsNumber(id) && !cJSON_IsString(id))
        id = NULL;
    if (!cJSON_IsObject(msg) || (lsp_get(msg, "id") && !id)) {
        respond_error(l, NULL, LSP_INVALID_REQUEST, "not a JSON-RPC request or notification");
        return;
    }
    if (!cJSON_IsString(name)) {
        /* A response to us (we send no requests) is dropped. */
        if (!id || !(lsp_get(msg, "result") || lsp_get(msg, "error")))
            respond_error(l, id, LSP_INVALID_REQUEST, "no method");
        return;
    }
    if (id)
        request(l, id, name->valuestring, lsp_get(msg, "params"));
    else
        notification(l, name->valuestring, lsp_get(msg, "params"));
}

/* ---- input --------------------------------------------------------------- */

static void in_append(sl_lsp *l, const char *buf, size_t len)
{
    if (l->in_start && l->in_start == l->in_len)
        l->in_start = l->in_len = 0;
    if (l->in_len + len > l->in_cap && l->in_start) {
        memmove(l->in, l->in + l->in_start, l->in_len - l->in_start);
        l->in_len -= l->in_start;
        l->in_start = 0;
    }
    if (l->in_len + len > l->in_cap) {
        l->in_cap = (l->in_len + len) * 2;
        l->in = realloc(l->in, l->in_cap);
        if (!l->in)
            abort();
    }
    if (len)
        memcpy(l->in + l->in_len, buf, len);
    l->in_len += len;
}

/* Handles one frame from the buffer; false when it needs more bytes. */
static bool in_frame(sl_lsp *l)
{
    size_t avail = l->in_len - l->in_start;
    sl_lsp_frame f = sl_lsp_read_message(l->in + l->in_start, avail);
    if (f.status == SL_LSP_NEED_MORE)
        return false;
    l->in_start += f.used;
    if (f.status == SL_LSP_MESSAGE) {
        l->resyncing = false;
        handle(l, f.json);
        cJSON_Delete(f.json);
    } else if (f.status == SL_LSP_BAD_JSON) {
        respond_error(l, NULL, LSP_PARSE_ERROR, "the message is not JSON");
    } else if (f.status == SL_LSP_TOO_LARGE) {
        respond_error(l, NULL, LSP_INVALID_REQUEST, "the message is too large: dropped");
        size_t now = f.skip < l->in_len - l->in_start ? f.skip : l->in_len - l->in_start;
        l->in_start += now;
        l->in_skip = f.skip - now;
    } else if (!l->resyncing) {
        respond_error(l, NULL, LSP_PARSE_ERROR,
                      "malformed header: no valid Content-Length; skipped to the next one");
        l->resyncing = true;
    }
    return true;
}

int sl_lsp_feed(sl_lsp *l, const char *buf, size_t len)
{
    size_t drop = len < l->in_skip ? len : l->in_skip;
    l->in_skip -= drop;
    in_append(l, buf + drop, len - drop);
    while (l->in && !l->exited && !l->broken && in_frame(l))
        ;
    return l->exited || l->broken;
}

/* ---- the server's life --------------------------------------------------- */

sl_lsp *sl_lsp_new(FILE *out, const sl_lsp_settings *settings)
{
    sl_lsp *l = calloc(1, sizeof *l);
    if (!l)
        abort();
    l->out = out;
    l->session = sl_session_new();
    if (settings)
        l->settings = *settings;
    l->opts = default_opts();
    return l;
}

void sl_lsp_free(sl_lsp *l)
{
    if (!l)
        return;
    while (l->ndocs)
        lsp_doc_close(l, l->docs[l->ndocs - 1]);
    free(l->docs);
    free(l->in);
    sl_session_free(l->session);
    free(l);
}

int sl_lsp_exit_status(const sl_lsp *l)
{
    return l->shut_down ? 0 : 1;
}

int sl_lsp_serve(int in_fd, FILE *out, const sl_lsp_settings *settings)
{
    /* A client that goes away is a write error, not a signal. */
    signal(SIGPIPE, SIG_IGN);
    sl_lsp *l = sl_lsp_new(out, settings);
    static char buf[1 << 16];
    for (;;) {
        struct pollfd p = {.fd = in_fd, .events = POLLIN};
        int ready = poll(&p, 1, lsp_work_due(l) ? 0 : -1);
        if (ready == 0) {
            sl_lsp_idle(l);
            if (l->broken)
                break;
            continue;
        }
        ssize_t n = read(in_fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0 || sl_lsp_feed(l, buf, (size_t)n))
            break;
    }
    int status = sl_lsp_exit_status(l);
    sl_lsp_free(l);
    return status;
}
