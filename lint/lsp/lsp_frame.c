/* Content-Length framing: a header block of `Name: value` lines ended by an
 * empty line, then exactly Content-Length bytes of JSON. A header that
 * cannot be read leaves no way to know where its body ends, so the reader
 * drops bytes up to the next `Content-Length:` and starts again there. */
#include <string.h>
#include <strings.h>

#include "shardlint/limits.h"
#include "shardlint/lsp.h"

#define CONTENT_LENGTH "content-length:"

static const char *find(const char *buf, size_t len, const char *what)
{
    return memmem(buf, len, what, strlen(what));
}

/* The next `Content-Length:` after the first byte, any case. */
static size_t next_header(const char *buf, size_t len)
{
    size_t n = strlen(CONTENT_LENGTH);
    for (size_t i = 1; i + n <= len; i++)
        if ((buf[i] == 'C' || buf[i] == 'c') && strncasecmp(buf + i, CONTENT_LENGTH, n) == 0)
            return i;
    return len;
}

/* Drops what cannot start a frame, keeping a tail that may be the start of
 * a `Content-Length:` whose rest has not arrived. */
static sl_lsp_frame bad_header(const char *buf, size_t len)
{
    size_t at = next_header(buf, len);
    size_t keep = strlen(CONTENT_LENGTH) - 1;
    if (at == len)
        at = len > keep ? len - keep : 0;
    if (at == 0)
        return (sl_lsp_frame){.status = SL_LSP_NEED_MORE};
    return (sl_lsp_frame){.status = SL_LSP_BAD_HEADER, .used = at};
}

/* Digits only, no sign, no overflow; -1 when the value is not a length. */
static long long parse_length(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
        end--;
    if (p == end)
        return -1;
    long long v = 0;
    for (; p < end; p++) {
        if (*p < '0' || *p > '9' || v > (1LL << 50))
            return -1;
        v = v * 10 + (*p - '0');
    }
    return v;
}

/* The Content-Length of a header block; -1 when a line is not `Name:
 * value` or the length is missing or unreadable. */
static long long header_length(const char *p, const char *end)
{
    long long length = -1;
    while (p < end) {
        const char *eol = find(p, (size_t)(end - p), "\r\n");
        eol = eol ? eol : end;
        const char *colon = memchr(p, ':', (size_t)(eol - p));
        if (!colon || colon == p)
            return -1;
        size_t n = strlen(CONTENT_LENGTH);
        if ((size_t)(colon + 1 - p) == n && strncasecmp(p, CONTENT_LENGTH, n) == 0)
            length = parse_length(colon + 1, eol);
        p = eol + 2;
    }
    return length;
}

sl_lsp_frame sl_lsp_read_message(const char *buf, size_t len)
{
    size_t window = len < SL_LSP_MAX_HEADER ? len : SL_LSP_MAX_HEADER;
    const char *blank = find(buf, window, "\r\n\r\n");
    if (!blank)
        return len >= SL_LSP_MAX_HEADER ? bad_header(buf, len)
                                        : (sl_lsp_frame){.status = SL_LSP_NEED_MORE};
    size_t header = (size_t)(blank - buf) + 4;
    long long length = header_length(buf, blank);
    if (length < 0)
        return bad_header(buf, len);
    if ((unsigned long long)length > SL_LSP_MAX_MESSAGE)
        return (sl_lsp_frame){.status = SL_LSP_TOO_LARGE, .used = header,
                              .skip = (size_t)length};
    if (len - header < (size_t)length)
        return (sl_lsp_frame){.status = SL_LSP_NEED_MORE};
    cJSON *json = cJSON_ParseWithLength(buf + header, (size_t)length);
    return (sl_lsp_frame){.status = json ? SL_LSP_MESSAGE : SL_LSP_BAD_JSON,
                          .used = header + (size_t)length, .json = json};
}
