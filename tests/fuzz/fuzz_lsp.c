/* libFuzzer: the language server's message reader (Content-Length framing
 * and JSON), then the same bytes fed to a whole server writing to
 * /dev/null. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "shardlint/lsp.h"

static FILE *devnull;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    devnull = fopen("/dev/null", "w");
    return devnull ? 0 : 1;
}

/* Reads frames as the server does: each status says how far to move. A
 * frame that moves nothing, or past the bytes given, would hang or overrun
 * the server: those abort, for libFuzzer to report. */
static void read_all(const char *buf, size_t len)
{
    while (len > 0) {
        sl_lsp_frame f = sl_lsp_read_message(buf, len);
        if (f.status == SL_LSP_NEED_MORE)
            return;
        cJSON_Delete(f.json);
        if (f.used == 0 || f.used > len)
            abort();
        if (f.skip >= len - f.used)
            return;
        buf += f.used + f.skip;
        len -= f.used + f.skip;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    read_all((const char *)data, size);
    sl_lsp *l = sl_lsp_new(devnull, NULL);
    if (sl_lsp_feed(l, (const char *)data, size) == 0)
        sl_lsp_idle(l);
    sl_lsp_free(l);
    return 0;
}
