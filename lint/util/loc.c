/* Locations and input errors. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "shardlint/util.h"

void sl_err_set(sl_err *e, sl_loc loc, const char *fmt, ...)
{
    va_list ap;
    e->loc = loc;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
}

const char *sl_loc_str(sl_loc loc, char *buf, unsigned size)
{
    if (loc.file && loc.line > 0)
        snprintf(buf, size, "%s:%d:%d", loc.file, loc.line, loc.col);
    else if (loc.file)
        snprintf(buf, size, "%s", loc.file);
    else if (loc.word > 0)
        snprintf(buf, size, "command line, word %d", loc.word);
    else
        snprintf(buf, size, "<built-in>");
    return buf;
}

bool sl_loc_is_set(sl_loc loc)
{
    return loc.file || loc.word > 0;
}

int sl_loc_cmp(sl_loc x, sl_loc y)
{
    int c = strcmp(x.file ? x.file : "", y.file ? y.file : "");
    if (c)
        return c;
    if (x.line != y.line)
        return x.line < y.line ? -1 : 1;
    if (x.col != y.col)
        return x.col < y.col ? -1 : 1;
    return x.word - y.word;
}
