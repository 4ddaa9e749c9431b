/* The language server, driven over pipes as an editor drives it, and its
 * framing on its own. */
#include <criterion/criterion.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "shardlint/limits.h"
#include "shardlint/lsp.h"
#include "support.h"

#define SCRIPT "checkout/tests/end_to_end/gpu/mixtral/train.sh"
#define WAIT_MS 20000

typedef struct {
    pid_t pid;
    int in, out;              /* the server's standard input and output */
    char *buf;
    size_t len;
    int next_id;
} server;

static server start(void)
{
    int to[2], from[2];
    cr_assert_eq(pipe(to), 0);
    cr_assert_eq(pipe(from), 0);
    server s = {.pid = fork(), .in = to[1], .out = from[0], .next_id = 1};
    cr_assert_geq(s.pid, 0);
    if (s.pid == 0) {
        dup2(to[0], 0);
        dup2(from[1], 1);
        close(to[1]);
        close(from[0]);
        execl(SHARDLINT_BINARY, SHARDLINT_BINARY, "lsp", (char *)NULL);
        _exit(127);
    }
    close(to[0]);
    close(from[1]);
    signal(SIGPIPE, SIG_IGN);
    return s;
}

static void send_raw(server *s, const char *bytes, size_t n)
{
    cr_assert_eq(write(s->in, bytes, n), (ssize_t)n);
}

static void send_json(server *s, cJSON *msg)
{
    char *body = cJSON_PrintUnformatted(msg);
    char head[64];
    int n = snprintf(head, sizeof head, "Content-Length: %zu\r\n\r\n", strlen(body));
    send_raw(s, head, (size_t)n);
    send_raw(s, body, strlen(body));
    cJSON_free(body);
    cJSON_Delete(msg);
}

static cJSON *message(const char *method, cJSON *params)
{
    cJSON *m = cJSON_CreateObject();
    cJSON_AddStringToObject(m, "jsonrpc", "2.0");
    cJSON_AddStringToObject(m, "method", method);
    cJSON_AddItemToObject(m, "params", params ? params : cJSON_CreateNull());
    return m;
}

static void notify(server *s, const char *method, cJSON *params)
{
    send_json(s, message(method, params));
}

static int request(server *s, const char *method, cJSON *params)
{
    cJSON *m = message(method, params);
    int id = s->next_id++;
    cJSON_AddNumberToObject(m, "id", id);
    send_json(s, m);
    return id;
}

/* The next message from the server; NULL at end of output or after
 * WAIT_MS without one. */
static cJSON *receive(server *s)
{
    for (;;) {
        sl_lsp_frame f = sl_lsp_read_message(s->buf ? s->buf : "", s->len);
        if (f.status == SL_LSP_MESSAGE) {
            memmove(s->buf, s->buf + f.used, s->len - f.used);
            s->len -= f.used;
            return f.json;
        }
        cr_assert_eq(f.status, SL_LSP_NEED_MORE, "the server wrote a malformed frame");
        struct pollfd p = {.fd = s->out, .events = POLLIN};
        if (poll(&p, 1, WAIT_MS) <= 0)
            return NULL;
        char chunk[65536];
        ssize_t n = read(s->out, chunk, sizeof chunk);
        if (n <= 0)
            return NULL;
        s->buf = realloc(s->buf, s->len + (size_t)n);
        memcpy(s->buf + s->len, chunk, (size_t)n);
        s->len += (size_t)n;
    }
}

static const cJSON *get(const cJSON *o, const char *path)
{
    char key[64];
    while (o && *path) {
        size_t n = strcspn(path, ".");
        snprintf(key, sizeof key, "%.*s", (int)n, path);
        o = cJSON_GetObjectItemCaseSensitive(o, key);
        path += n + (path[n] == '.');
    }
    return o;
}

static cJSON *response_to(server *s, int id)
{
    for (cJSON *m; (m = receive(s)); cJSON_Delete(m)) {
        const cJSON *mid = get(m, "id");
        if (cJSON_IsNumber(mid) && mid->valueint == id)
            return m;
    }
    cr_assert_fail("no response to request %d", id);
    return NULL;
}

/* An error without an id answers a frame that could not be read. */
static cJSON *unaddressed_error(server *s)
{
    for (cJSON *m; (m = receive(s)); cJSON_Delete(m))
        if (cJSON_IsNull(get(m, "id")) && get(m, "error"))
            return m;
    cr_assert_fail("no error for a malformed frame");
    return NULL;
}

static cJSON *diagnostics_for(server *s, const char *uri, int version)
{
    for (cJSON *m; (m = receive(s)); cJSON_Delete(m)) {
        const cJSON *method = get(m, "method"), *v = get(m, "params.version");
        if (cJSON_IsString(method) &&
            strcmp(method->valuestring, "textDocument/publishDiagnostics") == 0 &&
            strcmp(get(m, "params.uri")->valuestring, uri) == 0 && cJSON_IsNumber(v) &&
            v->valueint == version)
            return m;
    }
    cr_assert_fail("no diagnostics for %s version %d", uri, version);
    return NULL;
}

static int stop(server *s)
{
    close(s->in);
    int status;
    cr_assert_eq(waitpid(s->pid, &status, 0), s->pid);
    close(s->out);
    free(s->buf);
    cr_assert(WIFEXITED(status), "the server did not exit cleanly");
    return WEXITSTATUS(status);
}

static const char *uri_of(const char *rel)
{
    static char uri[4096];
    snprintf(uri, sizeof uri, "file://%s", fixture(rel));
    return uri;
}

static cJSON *initialize_params(const char *root)
{
    char uri[4096];
    snprintf(uri, sizeof uri, "file://%s", root);
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "rootUri", uri);
    cJSON_AddObjectToObject(p, "capabilities");
    return p;
}

static void initialize_at(server *s, const char *root)
{
    cJSON *r = response_to(s, request(s, "initialize", initialize_params(root)));
    cr_assert_not_null(get(r, "result.capabilities.codeActionProvider"));
    cr_expect_str_eq(get(r, "result.capabilities.positionEncoding")->valuestring, "utf-16");
    cJSON_Delete(r);
    notify(s, "initialized", cJSON_CreateObject());
}

static void initialize(server *s)
{
    initialize_at(s, SHARDLINT_SOURCE_DIR);
}

/* The next notification of a method, the messages before it dropped. */
static cJSON *notification_of(server *s, const char *method)
{
    for (cJSON *m; (m = receive(s)); cJSON_Delete(m)) {
        const cJSON *name = get(m, "method");
        if (cJSON_IsString(name) && strcmp(name->valuestring, method) == 0)
            return m;
    }
    cr_assert_fail("no %s", method);
    return NULL;
}

static void open_doc(server *s, const char *uri, const char *text)
{
    cJSON *p = cJSON_CreateObject();
    cJSON *doc = cJSON_AddObjectToObject(p, "textDocument");
    cJSON_AddStringToObject(doc, "uri", uri);
    cJSON_AddStringToObject(doc, "languageId", "shellscript");
    cJSON_AddNumberToObject(doc, "version", 1);
    cJSON_AddStringToObject(doc, "text", text);
    notify(s, "textDocument/didOpen", p);
}

/* One change: `range` replaced by `text`, or the whole text when range is
 * NULL. */
static void change_doc(server *s, const char *uri, int version, const cJSON *range,
                       const char *text)
{
    cJSON *change = cJSON_CreateObject();
    if (range)
        cJSON_AddItemToObject(change, "range", cJSON_Duplicate(range, true));
    cJSON_AddStringToObject(change, "text", text);
    cJSON *p = cJSON_CreateObject();
    cJSON *doc = cJSON_AddObjectToObject(p, "textDocument");
    cJSON_AddStringToObject(doc, "uri", uri);
    cJSON_AddNumberToObject(doc, "version", version);
    cJSON_AddItemToArray(cJSON_AddArrayToObject(p, "contentChanges"), change);
    notify(s, "textDocument/didChange", p);
}

static const char *tree_uri(const char *rel)
{
    static char uri[4096];
    snprintf(uri, sizeof uri, "file://%s", tree_path(rel));
    return uri;
}

/* Opens the tree's copy of the launch script, its URI left in uri, and
 * returns its first diagnostics. */
static cJSON *open_tree_script(server *s, char *uri, size_t size)
{
    snprintf(uri, size, "%s", tree_uri(SCRIPT));
    char *text = slurp(tree_path(SCRIPT));
    cr_assert_not_null(text);
    open_doc(s, uri, text);
    free(text);
    return diagnostics_for(s, uri, 1);
}

static cJSON *at_position(const char *uri, const char *key, cJSON *where)
{
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(cJSON_AddObjectToObject(p, "textDocument"), "uri", uri);
    cJSON_AddItemToObject(p, key, where);
    return p;
}

static cJSON *position(int line, int ch)
{
    cJSON *pos = cJSON_CreateObject();
    cJSON_AddNumberToObject(pos, "line", line);
    cJSON_AddNumberToObject(pos, "character", ch);
    return pos;
}

static cJSON *code_actions(server *s, const char *uri, const cJSON *range)
{
    cJSON *p = at_position(uri, "range", cJSON_Duplicate(range, true));
    cJSON_AddObjectToObject(p, "context");
    return response_to(s, request(s, "textDocument/codeAction", p));
}

static const cJSON *first_with_code(const cJSON *diags, const char *code)
{
    const cJSON *d;
    cJSON_ArrayForEach(d, diags) {
        const cJSON *c = get(d, "code");
        if (cJSON_IsString(c) && strcmp(c->valuestring, code) == 0)
            return d;
    }
    return NULL;
}

static void expect_pos(const cJSON *pos, int line, int ch)
{
    cr_expect_eq(get(pos, "line")->valueint, line);
    cr_expect_eq(get(pos, "character")->valueint, ch);
}

static const cJSON *preferred_action(const cJSON *actions)
{
    const cJSON *a;
    cJSON_ArrayForEach(a, actions)
        if (cJSON_IsTrue(get(a, "isPreferred")))
            return a;
    return NULL;
}

/* The launch turns expert parallelism on with `ici_expert_parallelism=-1`
 * (line 12, column 5): the script shows SL001 at that word, the preferred
 * fix inserts the flag before it, and once the buffer has it the list is
 * empty. */
Test(lsp, an_editor_fixes_the_expert_double_map_in_a_launch_script, .timeout = 60)
{
    server s = start();
    initialize(&s);
    const char *uri = uri_of(SCRIPT);
    char *text = slurp(fixture(SCRIPT));
    cr_assert_not_null(text);
    open_doc(&s, uri, text);

    cJSON *pub = diagnostics_for(&s, uri, 1);
    const cJSON *d = first_with_code(get(pub, "params.diagnostics"), "SL001");
    cr_assert_not_null(d, "no SL001 in the launch script");
    expect_pos(get(d, "range.start"), 11, 4);
    expect_pos(get(d, "range.end"), 11, 29);
    cr_expect_eq(get(d, "severity")->valueint, 2);
    cr_expect(strstr(get(d, "codeDescription.href")->valuestring, "SL001") != NULL);
    char *related = cJSON_PrintUnformatted(get(d, "relatedInformation"));
    cr_expect(strstr(related, "base.yml") != NULL,
              "the rule line is not among the related locations");
    cJSON_free(related);

    cJSON *r = code_actions(&s, uri, get(d, "range"));
    const cJSON *fix = preferred_action(get(r, "result"));
    cr_assert_not_null(fix, "no preferred code action");
    cr_expect_str_eq(get(fix, "kind")->valuestring, "quickfix");
    const cJSON *edits = cJSON_GetObjectItemCaseSensitive(get(fix, "edit.changes"), uri);
    cr_assert_eq(cJSON_GetArraySize(edits), 1);
    const cJSON *edit = cJSON_GetArrayItem(edits, 0);
    cr_expect_str_eq(get(edit, "newText")->valuestring, "moe_dispatch_no_expert_sharding=true ");

    /* Applied to the buffer only, as an editor does, and sent as an
     * incremental change. */
    change_doc(&s, uri, 2, get(edit, "range"), get(edit, "newText")->valuestring);
    cJSON *after = diagnostics_for(&s, uri, 2);
    cr_expect_eq(cJSON_GetArraySize(get(after, "params.diagnostics")), 0,
                 "diagnostics remain after the fix");
    char *on_disk = slurp(fixture(SCRIPT));
    cr_expect_str_eq(on_disk, text, "the server wrote to the script");

    /* A malformed frame and an unknown method get errors; the server goes
     * on serving. */
    send_raw(&s, "Content-Length: many\r\n\r\n{}", 26);
    cJSON *e = unaddressed_error(&s);
    cr_expect_eq(get(e, "error.code")->valueint, -32700);
    const char *not_json = "Content-Length: 9\r\n\r\n{not json";
    send_raw(&s, not_json, strlen(not_json));
    cJSON *e2 = unaddressed_error(&s);
    cr_expect_eq(get(e2, "error.code")->valueint, -32700);
    cJSON *unknown = response_to(&s, request(&s, "shardlint/unknown", cJSON_CreateObject()));
    cr_expect_eq(get(unknown, "error.code")->valueint, -32601);
    cJSON *down = response_to(&s, request(&s, "shutdown", NULL));
    cr_expect(cJSON_IsNull(get(down, "result")));
    notify(&s, "exit", NULL);
    cr_expect_eq(stop(&s), 0);
    cJSON_Delete(pub);
    cJSON_Delete(r);
    cJSON_Delete(after);
    cJSON_Delete(e);
    cJSON_Delete(e2);
    cJSON_Delete(unknown);
    cJSON_Delete(down);
    free(text);
    free(on_disk);
}

Test(lsp, requests_before_initialize_are_refused, .timeout = 30)
{
    server s = start();
    cJSON *r = response_to(&s, request(&s, "textDocument/hover", cJSON_CreateObject()));
    cr_expect_eq(get(r, "error.code")->valueint, -32002);
    cJSON_Delete(r);
    initialize(&s);
    cJSON *again = response_to(&s, request(&s, "initialize", cJSON_CreateObject()));
    cr_expect_eq(get(again, "error.code")->valueint, -32600);
    cJSON_Delete(again);
    /* Input that ends without shutdown: a clean exit, with status 1. */
    cr_expect_eq(stop(&s), 1);
}

/* A launch's findings show in base.yml when it is open too, and an edit of
 * base.yml re-lints the script that reads it. */
Test(lsp, an_edit_of_base_yml_relints_the_open_script, .timeout = 60)
{
    server s = start();
    initialize(&s);
    const char *script = uri_of(SCRIPT);
    char *text = slurp(fixture(SCRIPT));
    open_doc(&s, script, text);
    cJSON_Delete(diagnostics_for(&s, script, 1));
    char base_uri[4096];
    snprintf(base_uri, sizeof base_uri, "%s", uri_of("checkout/src/maxtext/configs/base.yml"));
    char *base = slurp(fixture("checkout/src/maxtext/configs/base.yml"));
    open_doc(&s, base_uri, base);
    cJSON *pub = diagnostics_for(&s, base_uri, 1);
    const cJSON *d = first_with_code(get(pub, "params.diagnostics"), "SL001");
    cr_assert_not_null(d, "the launch's finding does not show in base.yml");

    /* Turning the flag on in base.yml ends the finding in the script. */
    char *flagged = strdup(base);
    char *flag = strstr(flagged, "moe_dispatch_no_expert_sharding: false");
    cr_assert_not_null(flag);
    memcpy(strstr(flag, "false"), "true ", 5);
    change_doc(&s, base_uri, 2, NULL, flagged);
    cJSON *script_pub = NULL;
    for (cJSON *m; !script_pub && (m = receive(&s));) {
        const cJSON *uri = get(m, "params.uri");
        if (cJSON_IsString(uri) && strcmp(uri->valuestring, script) == 0)
            script_pub = m;
        else
            cJSON_Delete(m);
    }
    cr_assert_not_null(script_pub, "the script was not linted again");
    cr_expect_null(first_with_code(get(script_pub, "params.diagnostics"), "SL001"));
    cJSON_Delete(pub);
    cJSON_Delete(script_pub);
    free(text);
    free(base);
    free(flagged);
    stop(&s);
}

/* A config's finding is located at the config's key that makes the axis
 * active, and shown at base.yml's rule line too: the config offers to
 * disable it there, and once the comment is in the buffer the finding is
 * gone. Hovering on the rule names what uses it. */
Test(lsp, a_finding_is_disabled_for_its_line_and_a_rule_explained, .timeout = 60)
{
    server s = start();
    initialize(&s);
    char config[4096], base[4096];
    snprintf(config, sizeof config, "%s", uri_of("example/configs/gpu/mixtral-8x7b-ep.yml"));
    snprintf(base, sizeof base, "%s", uri_of("example/configs/base.yml"));
    char *config_text = slurp(fixture("example/configs/gpu/mixtral-8x7b-ep.yml"));
    char *base_text = slurp(fixture("example/configs/base.yml"));
    open_doc(&s, config, config_text);
    open_doc(&s, base, base_text);
    cJSON *pub = diagnostics_for(&s, base, 1);
    const cJSON *d = first_with_code(get(pub, "params.diagnostics"), "SL001");
    cr_assert_not_null(d);
    expect_pos(get(d, "range.start"), 87, 4);

    cJSON *hover = response_to(&s, request(&s, "textDocument/hover",
                                           at_position(base, "position", position(87, 60))));
    const char *text = get(hover, "result.contents.value")->valuestring;
    cr_expect(strstr(text, "**`activation_batch_moe`**") != NULL, "%s", text);
    cr_expect(strstr(text, "active axes: expert=8") != NULL, "%s", text);
    cr_expect(strstr(text, "`moe.dense.dispatch` dim 1: expert") != NULL, "%s", text);

    /* A cursor at the start of the line is enough to be offered it. */
    cJSON *range = cJSON_CreateObject();
    cJSON_AddItemToObject(range, "start", position(17, 0));
    cJSON_AddItemToObject(range, "end", position(17, 0));
    cJSON *r = code_actions(&s, config, range);
    const cJSON *a, *disable = NULL;
    cJSON_ArrayForEach(a, get(r, "result"))
        if (strstr(get(a, "title")->valuestring, "SL001: disable for this line"))
            disable = a;
    cr_assert_not_null(disable);
    const cJSON *edit = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(
                                               get(disable, "edit.changes"), config), 0);
    cr_expect_str_eq(get(edit, "newText")->valuestring, "# shardlint: disable=SL001\n");
    change_doc(&s, config, 2, get(edit, "range"), get(edit, "newText")->valuestring);
    cJSON *after = diagnostics_for(&s, config, 2);
    cr_expect_null(first_with_code(get(after, "params.diagnostics"), "SL001"));
    cJSON_Delete(pub);
    cJSON_Delete(hover);
    cJSON_Delete(range);
    cJSON_Delete(r);
    cJSON_Delete(after);
    free(config_text);
    free(base_text);
    stop(&s);
}

/* The workspace root's .shardlint.yml sets what the server lints: with
 * SL001 ignored the launch script shows none; once the file changes on disk
 * and the client says so, the finding is back, and a save from the editor
 * takes it away again. */
Test(lsp, the_workspace_configuration_file_is_read_and_read_again, .timeout = 60)
{
    const char *root = tree_make("checkout", "checkout");
    tree_write(".shardlint.yml", "ignore: [SL001]\n");
    server s = start();
    initialize_at(&s, root);
    char script[4096];
    cJSON *pub = open_tree_script(&s, script, sizeof script);
    cr_expect_null(first_with_code(get(pub, "params.diagnostics"), "SL001"),
                   "SL001 shows though the configuration file ignores it");

    tree_write(".shardlint.yml", "ignore: [SL002]\n");
    cJSON *change = cJSON_CreateObject();
    cJSON_AddStringToObject(change, "uri", tree_uri(".shardlint.yml"));
    cJSON_AddNumberToObject(change, "type", 2);
    cJSON *p = cJSON_CreateObject();
    cJSON_AddItemToArray(cJSON_AddArrayToObject(p, "changes"), change);
    notify(&s, "workspace/didChangeWatchedFiles", p);
    cJSON *again = diagnostics_for(&s, script, 1);
    cr_expect_not_null(first_with_code(get(again, "params.diagnostics"), "SL001"),
                       "SL001 is not back once the configuration file stops ignoring it");

    /* Edited and saved in the editor. */
    char config[4096];
    snprintf(config, sizeof config, "%s", tree_uri(".shardlint.yml"));
    open_doc(&s, config, "ignore: [SL002]\n");
    tree_write(".shardlint.yml", "ignore: [SL001]\n");
    cJSON *saved = cJSON_CreateObject();
    cJSON_AddStringToObject(cJSON_AddObjectToObject(saved, "textDocument"), "uri", config);
    notify(&s, "textDocument/didSave", saved);
    cJSON *after_save = diagnostics_for(&s, script, 1);
    cr_expect_null(first_with_code(get(after_save, "params.diagnostics"), "SL001"),
                   "a saved configuration file is not read again");
    cJSON_Delete(pub);
    cJSON_Delete(again);
    cJSON_Delete(after_save);
    stop(&s);
    tree_remove();
}

/* A configuration file that cannot be read is shown to the user with its
 * line and column, and the server lints with the defaults. */
Test(lsp, a_broken_configuration_file_is_shown_and_the_defaults_serve, .timeout = 60)
{
    const char *root = tree_make("checkout", "checkout");
    tree_write(".shardlint.yml", "ignore: [SL001]\nignor: [SL002]\n");
    server s = start();
    int id = request(&s, "initialize", initialize_params(root));
    cJSON *shown = notification_of(&s, "window/showMessage");
    cr_expect_eq(get(shown, "params.type")->valueint, 1);
    const char *msg = get(shown, "params.message")->valuestring;
    cr_expect(strstr(msg, ".shardlint.yml:2:1: error: unknown key `ignor`") != NULL, "%s", msg);
    cJSON_Delete(response_to(&s, id));
    notify(&s, "initialized", cJSON_CreateObject());

    char script[4096];
    cJSON *pub = open_tree_script(&s, script, sizeof script);
    cr_expect_not_null(first_with_code(get(pub, "params.diagnostics"), "SL001"));
    cJSON_Delete(shown);
    cJSON_Delete(pub);
    cr_expect_eq(stop(&s), 1);
    tree_remove();
}

/* Bytes no client would send, fed to the server in process: each malformed
 * frame is answered or dropped, and a valid request after them is still
 * served. The junk has no digits: a frame with a readable length would
 * rightly wait for its whole body and take the request with it. */
Test(lsp, garbage_input_does_not_stop_the_server)
{
    char *out = NULL;
    size_t outlen = 0;
    FILE *f = open_memstream(&out, &outlen);
    sl_lsp *l = sl_lsp_new(f, NULL);
    srand(7);
    char junk[4096];
    for (int round = 0; round < 200; round++) {
        size_t n = (size_t)(rand() % (int)sizeof junk);
        for (size_t i = 0; i < n; i++) {
            static const char alphabet[] = "Content-Length: \r\n{}[]\"method\":";
            junk[i] = (char)(rand() % 4 ? alphabet[rand() % (int)(sizeof alphabet - 1)] : rand());
            if (junk[i] >= '0' && junk[i] <= '9')
                junk[i] = 'x';
        }
        cr_assert_eq(sl_lsp_feed(l, junk, n), 0);
        sl_lsp_idle(l);
    }
    /* Whatever the junk left half-read is closed by a blank line; then a
     * framed request. */
    const char *tail = "\r\n\r\nContent-Length: 45\r\n\r\n"
                       "{\"jsonrpc\":\"2.0\",\"id\":99,\"method\":\"shutdown\"}";
    cr_assert_eq(sl_lsp_feed(l, tail, strlen(tail)), 0);
    fflush(f);
    cr_expect(strstr(out, "\"id\":99") != NULL, "no answer to the request after the junk");
    sl_lsp_free(l);
    fclose(f);
    free(out);
}

/* A document version out of long long's range was cast anyway: undefined
 * behaviour the sanitizer build reports (found by fuzz_lsp). The server
 * takes it as version 0 and goes on. */
Test(lsp, a_version_out_of_range_is_not_cast)
{
    char *out = NULL;
    size_t outlen = 0;
    FILE *f = open_memstream(&out, &outlen);
    sl_lsp *l = sl_lsp_new(f, NULL);
    const char *msgs[] = {
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{}}",
        "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didOpen\",\"params\":{"
        "\"textDocument\":{\"uri\":\"file:///nowhere/a.yml\",\"version\":1e40,"
        "\"text\":\"a: 1\\n\"}}}",
        "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didChange\",\"params\":{"
        "\"textDocument\":{\"uri\":\"file:///nowhere/a.yml\",\"version\":-1e300},"
        "\"contentChanges\":[{\"text\":\"a: 2\\n\"}]}}",
        "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"shutdown\"}"};
    for (size_t i = 0; i < sizeof msgs / sizeof *msgs; i++) {
        char frame[1024];
        int n = snprintf(frame, sizeof frame, "Content-Length: %zu\r\n\r\n%s", strlen(msgs[i]),
                         msgs[i]);
        cr_assert_eq(sl_lsp_feed(l, frame, (size_t)n), 0);
        sl_lsp_idle(l);
    }
    fflush(f);
    cr_expect(strstr(out, "\"id\":2") != NULL, "no answer after the out-of-range versions");
    sl_lsp_free(l);
    fclose(f);
    free(out);
}

/* ---- framing ------------------------------------------------------------- */

Test(lsp_frame, reads_one_message_and_waits_for_the_rest)
{
    const char *two = "Content-Length: 2\r\n\r\n{}Content-Length: 4\r\n\r\n[1]";
    sl_lsp_frame f = sl_lsp_read_message(two, strlen(two));
    cr_assert_eq(f.status, SL_LSP_MESSAGE);
    cr_expect_eq(f.used, 23);
    cJSON_Delete(f.json);
    f = sl_lsp_read_message(two + 23, strlen(two) - 23);
    cr_expect_eq(f.status, SL_LSP_NEED_MORE, "a body one byte short is not complete");
    f = sl_lsp_read_message("Content-Len", 11);
    cr_expect_eq(f.status, SL_LSP_NEED_MORE);
}

Test(lsp_frame, a_bad_header_skips_to_the_next_one)
{
    const char *bad = "Content-Length: -3\r\n\r\n{}xxContent-Length: 2\r\n\r\n{}";
    sl_lsp_frame f = sl_lsp_read_message(bad, strlen(bad));
    cr_assert_eq(f.status, SL_LSP_BAD_HEADER);
    cr_expect_str_eq(bad + f.used, "Content-Length: 2\r\n\r\n{}");
    const char *no_length = "Content-Type: x\r\n\r\n";
    f = sl_lsp_read_message(no_length, strlen(no_length));
    cr_expect_eq(f.status, SL_LSP_BAD_HEADER);
}

Test(lsp_frame, a_huge_length_is_dropped_and_junk_is_not_json)
{
    char huge[128];
    snprintf(huge, sizeof huge, "Content-Length: %llu\r\n\r\n",
             (unsigned long long)SL_LSP_MAX_MESSAGE + 1);
    sl_lsp_frame f = sl_lsp_read_message(huge, strlen(huge));
    cr_assert_eq(f.status, SL_LSP_TOO_LARGE);
    cr_expect_eq(f.used, strlen(huge));
    cr_expect_eq(f.skip, (size_t)SL_LSP_MAX_MESSAGE + 1);
    f = sl_lsp_read_message("Content-Length: 99999999999999999999\r\n\r\n", 40);
    cr_expect_eq(f.status, SL_LSP_BAD_HEADER, "an overflowing length is not a length");
    const char *junk = "Content-Length: 3\r\n\r\n{]}";
    f = sl_lsp_read_message(junk, strlen(junk));
    cr_expect_eq(f.status, SL_LSP_BAD_JSON);
    cr_expect_eq(f.used, strlen(junk));
}
