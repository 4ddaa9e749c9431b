/* The server's state seen from every other file: messages out, and the
 * open documents by URI or by file. */
#include <string.h>

#include "lsp_internal.h"

const cJSON *lsp_get(const cJSON *o, const char *name)
{
    return cJSON_GetObjectItemCaseSensitive(o, name);
}

cJSON *lsp_message_new(void)
{
    cJSON *m = cJSON_CreateObject();
    cJSON_AddStringToObject(m, "jsonrpc", "2.0");
    return m;
}

void lsp_send(sl_lsp *l, cJSON *msg)
{
    char *body = cJSON_PrintUnformatted(msg);
    if (!body || fprintf(l->out, "Content-Length: %zu\r\n\r\n%s", strlen(body), body) < 0 ||
        fflush(l->out) != 0)
        l->broken = true;
    cJSON_free(body);
    cJSON_Delete(msg);
}

void lsp_notify(sl_lsp *l, const char *method, cJSON *params)
{
    cJSON *m = lsp_message_new();
    cJSON_AddStringToObject(m, "method", method);
    cJSON_AddItemToObject(m, "params", params);
    lsp_send(l, m);
}

lsp_doc *lsp_doc_of_uri(sl_lsp *l, const char *uri)
{
    for (size_t i = 0; uri && i < l->ndocs; i++)
        if (strcmp(l->docs[i]->uri, uri) == 0)
            return l->docs[i];
    return NULL;
}

lsp_doc *lsp_doc_of_key(sl_lsp *l, const char *key)
{
    for (size_t i = 0; i < l->ndocs; i++)
        if (strcmp(l->docs[i]->key, key) == 0)
            return l->docs[i];
    return NULL;
}

const char *lsp_param_uri(const cJSON *params)
{
    const cJSON *uri = lsp_get(lsp_get(params, "textDocument"), "uri");
    return cJSON_IsString(uri) ? uri->valuestring : NULL;
}

char *lsp_key(sl_arena *a, const char *path)
{
    char *real = sl_path_real(a, path);
    return real ? real : sl_path_absolute(a, path);
}

static void message(sl_lsp *l, const char *method, int type, const char *text)
{
    cJSON *params = cJSON_CreateObject();
    cJSON_AddNumberToObject(params, "type", type);
    cJSON_AddStringToObject(params, "message", text);
    lsp_notify(l, method, params);
}

void lsp_log_message(sl_lsp *l, int type, const char *text)
{
    message(l, "window/logMessage", type, text);
}

void lsp_show_message(sl_lsp *l, int type, const char *text)
{
    message(l, "window/showMessage", type, text);
}
