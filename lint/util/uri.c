/* file: URIs, as SARIF logs and language clients name files. */
#include <string.h>

#include "shardlint/util.h"

/* RFC 3986: everything but unreserved characters and the path separator
 * is percent-encoded. */
char *sl_uri_encode(sl_arena *a, const char *path)
{
    static const char hex[] = "0123456789ABCDEF";
    char *s = sl_alloc(a, strlen(path) * 3 + 1), *p = s;
    for (const unsigned char *c = (const unsigned char *)path; *c; c++) {
        if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
            strchr("-._~/", *c)) {
            *p++ = (char)*c;
        } else {
            *p++ = '%';
            *p++ = hex[*c >> 4];
            *p++ = hex[*c & 0xf];
        }
    }
    return s;
}

char *sl_uri_of_path(sl_arena *a, const char *path)
{
    return sl_sprintf(a, "file://%s", sl_uri_encode(a, sl_path_absolute(a, path)));
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* The authority must be empty or localhost: a file on another host is not
 * one this process can read. */
char *sl_uri_path(sl_arena *a, const char *uri)
{
    if (strncmp(uri, "file://", 7) != 0)
        return NULL;
    const char *p = uri + 7;
    if (strncmp(p, "localhost/", 10) == 0)
        p += 9;
    if (*p != '/')
        return NULL;
    char *out = sl_alloc(a, strlen(p) + 1), *o = out;
    for (; *p && *p != '?' && *p != '#'; p++) {
        int hi, lo;
        if (*p == '%' && (hi = hex_value(p[1])) >= 0 && (lo = hex_value(p[2])) >= 0) {
            *o++ = (char)(hi * 16 + lo);
            p += 2;
        } else {
            *o++ = *p;
        }
    }
    /* A decoded NUL would cut the path short into another file's name. */
    return strlen(out) == (size_t)(o - out) ? out : NULL;
}
